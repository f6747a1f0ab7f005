#!/bin/sh
# The composed example https (doc/examples/compose/https): checkd and
# relay, TLS on a random port of 127.0.0.1, in front of a stand-in httpd
# on 127.0.0.1 and 127.0.0.2, under s6-svscan.  Requests through it,
# the backends taken down and up again through s6, and for checkd and
# relay what s6 does to them: -h reloads, -t restarts (relay draining a
# download in flight), SIGKILL is restarted; nothing left at the end.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (bind, chroot)"
command -v s6-svscan >/dev/null && command -v curl >/dev/null ||
    skip_all "needs s6 and curl"
[ -x bin/httpd ] && [ -x bin/checkd ] && [ -x bin/relay ] ||
    bail_out "build first (make)"
id _relayd >/dev/null 2>&1 || skip_all "needs the user _relayd (make setup)"
. tests/lib/compose.sh

PORT=$(free_port)
BPORT=$(free_port)
compose_make https "PORT=$PORT" "BPORT=$BPORT" || bail_out "compose https"
compose_start
ok $? "https: up and ready under s6-svscan (relay after checkd)"
CERT=$T/https/ssl/www.crt
STATE=$T/https/state
get() {	# path: the body, through relay, the certificate verified
	curl -sf --cacert "$CERT" --resolve "localhost:$PORT:127.0.0.1" \
	    "https://localhost:$PORT$1"
}
code() {
	curl -s -o /dev/null -w '%{http_code}' --cacert "$CERT" \
	    --resolve "localhost:$PORT:127.0.0.1" "https://localhost:$PORT/"
}
hosts_up() {	# n: that many hosts of <web> up
	[ "$(awk '$3 == "up"' "$STATE/tables/web" 2>/dev/null | wc -l)" -eq "$1" ]
}
wait_for 10 hosts_up 2
ok $? "checkd: both hosts of <web> up"
like "$(get /)" 'A load-balanced site' "https: a page through relay, over TLS"

# The backends down through s6: checkd sees it, relay answers 503; up
# again, relay serves again.
s6-svc -d "$SCAN/backend"
wait_for 15 hosts_up 0
ok $? "backend down: checkd marks both hosts down"
is "$(code)" 503 "relay answers 503 with no host up"
wait_for 5 grep -q 'table-alert: ALERT: table web has no host up' \
    "$T/svscan.out"
ok $? "checkd's 'table web down', through s6-log on a pipe: table-alert's alert"
s6-svc -u "$SCAN/backend"
wait_for 15 hosts_up 2 && wait_for 5 get /
ok $? "backend up again: relay serves again"
wait_for 5 grep -q 'table-alert: table web has a host up again' \
    "$T/svscan.out"
ok $? "... and table-alert says so"

svc_trio checkd hosts_up 2
svc_trio relay get /

# -t drains: a download in flight through relay when it is told to stop.
head -c 3000000 /dev/urandom >"$T/https/www/htdocs/big"
chmod 644 "$T/https/www/htdocs/big"
curl -s --limit-rate 1M --cacert "$CERT" -o "$T/big.got" \
    --resolve "localhost:$PORT:127.0.0.1" "https://localhost:$PORT/big" &
dl=$!
wait_for 10 test -s "$T/big.got"
s6-svc -t "$SCAN/relay"
wait "$dl"
ok $? "relay: a download in flight during s6-svc -t completes"
cmp -s "$T/big.got" "$T/https/www/htdocs/big"
ok $? "relay: ... whole"
svc_ready relay && wait_for 10 get /
ok $? "relay: and serves again"

compose_stop
is "$(leftovers)" "" "https: stopped, nothing of it left running"
done_testing
