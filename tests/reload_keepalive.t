#!/bin/sh
# Reloads that no client notices: 50 keep-alive clients send requests in
# a loop while httpd is reloaded three times, in the clear and over TLS;
# no request may fail (tests/lib/kaload.pl counts as wrk does).  Then an
# idle keep-alive connection across a reload: closed only after the
# grace, with a half-close that reads what the client still sends.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
. tests/lib/httpd.sh
. tests/lib/certs.sh

C=$(mktemp -d /tmp/reload-certs.XXXXXX)
trap 'cleanup; rm -rf "$C"' EXIT
make_certs "$C"
echo hello >"$T/htdocs/index.html"

# wait_for CMD...: poll until CMD succeeds, at most 20 s.
wait_for() {
	_i=0
	while ! "$@"; do
		_i=$((_i + 1))
		[ $_i -lt 200 ] || return 1
		sleep 0.1
	done
}
reloaded() { [ "$(grep -c 'configuration reloaded' "$T/stderr")" -ge "$1" ]; }
logged() { [ "$(wc -l <"$T/logs/access.log" 2>/dev/null || echo 0)" -ge "$1" ]; }
requests_of() { sed -n 's/^requests \([0-9]*\).*/\1/p' "$1"; }
failures_of() {
	awk '{ print $4 + $6 + $8 + $10 + $12 }' "$1"
}

# load [-tls]: 50 clients, three SIGHUPs once requests flow, the result
# line in $T/load.
load() {
	rm -f "$T/stop" "$T/load"
	perl tests/lib/kaload.pl "$@" -n 50 -host a.test "$PORT" "$T/stop" \
	    >"$T/load" 2>"$T/load.err" &
	_lp=$!
	base=$(grep -c 'configuration reloaded' "$T/stderr")
	# requests are flowing once the access log grows
	wait_for logged 200
	for _n in 1 2 3; do
		sleep 1
		kill -HUP "$HTTPD_PID"
		wait_for reloaded $((base + _n))
	done
	sleep 1
	touch "$T/stop"
	wait "$_lp"
}

conf="server \"a.test\" {
	listen on 127.0.0.1 port $PORT
	log access \"access.log\"
}"
PREFORK=2 httpd_start "$conf"

# Across a reload: a connection whose client sends at once is answered,
# with Connection: close, and then ends; a quiet one ends after the
# grace with a half-close, and what its client sends then is read, not
# met with a reset.
perl tests/lib/idle_reload.pl "$PORT" "$HTTPD_PID" "$T/stderr" >"$T/idle"
is "$(sed -n 's/^busy: //p' "$T/idle")" "200 close EOF" \
    "reload: the next request on a kept connection is answered, then it closes"
is "$(sed -n 's/^idle: //p' "$T/idle")" EOF \
    "reload: an idle connection ends with a FIN after the grace"
is "$(sed -n 's/^after: //p' "$T/idle")" drained \
    "reload: a request sent after that FIN is drained, no reset"

load
note "$(cat "$T/load")"
ok $([ "$(requests_of "$T/load")" -gt 500 ]; echo $?) \
    "keep-alive load: requests were served"
is "$(failures_of "$T/load")" 0 "keep-alive: no failed request in 3 reloads" ||
    diag "$(head -n 20 "$T/load.err")"
httpd_stop

conf="server \"a.test\" {
	listen on 127.0.0.1 tls port $PORT
	tls {
		certificate \"$C/a.crt\"
		key \"$C/a.key\"
	}
	log access \"access.log\"
}"
rm -f "$T/logs/access.log"
PREFORK=2 httpd_start "$conf"
load -tls
note "$(cat "$T/load")"
ok $([ "$(requests_of "$T/load")" -gt 100 ]; echo $?) \
    "TLS keep-alive load: requests were served"
is "$(failures_of "$T/load")" 0 "TLS keep-alive: no failed request in 3 reloads" ||
    diag "$(head -n 20 "$T/load.err")"
httpd_stop

done_testing
