#!/bin/sh
# The composed web examples of doc/examples/compose -- static (httpd),
# php (httpd + php-fpm), cgi (httpd + fcgi-bridge) -- each made with
# random ports under a temporary directory, started under s6-svscan,
# waited for (readiness), asked through curl, and stopped with nothing
# left running.  httpd and fcgi-bridge also show what s6 does to them:
# s6-svc -h reloads, s6-svc -t restarts (httpd draining a download in
# flight), a SIGKILLed program is started again and serves.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (httpd binds and chroots)"
command -v s6-svscan >/dev/null && command -v curl >/dev/null ||
    skip_all "needs s6 and curl"
[ -x bin/httpd ] && [ -x bin/fcgi-bridge ] || bail_out "build first (make)"
id _fcgi-bridge >/dev/null 2>&1 || skip_all "needs the user _fcgi-bridge (make setup)"
. tests/lib/compose.sh

stopped_clean() {	# name
	compose_stop
	is "$(leftovers)" "" "$1: stopped, nothing of it left running"
}

# static: httpd alone.
PORT=$(free_port)
compose_make static "PORT=$PORT" || bail_out "compose static"
compose_start
ok $? "static: up and ready under s6-svscan"
get() { curl -sf "http://127.0.0.1:$PORT$1"; }
like "$(get /)" 'A static site: httpd alone' "static: serves its index"

# -h: a location added to the file takes effect, sockets kept.
sed -i 's|directory auto index|directory auto index\n\tlocation "/gone*" { block return 410 }|' \
    "$EX/conf/httpd.conf"
svc_trio httpd sh -c "curl -s -o /dev/null -w '%{http_code}' \
    http://127.0.0.1:$PORT/gone | grep -qx 410"

# -t drains: a download in flight when httpd is told to stop ends whole.
head -c 3000000 /dev/urandom >"$T/static/www/htdocs/big"
chmod 644 "$T/static/www/htdocs/big"
curl -s --limit-rate 1M -o "$T/big.got" "http://127.0.0.1:$PORT/big" &
dl=$!
wait_for 10 test -s "$T/big.got"
s6-svc -t "$SCAN/httpd"
wait "$dl"
ok $? "static: a download in flight during s6-svc -t completes"
cmp -s "$T/big.got" "$T/static/www/htdocs/big"
ok $? "static: ... whole"
svc_ready httpd && get / >/dev/null
ok $? "static: and httpd serves again"

# A file httpd refuses: exit 1, and the finish script keeps it down
# (exit 125) rather than restarting it every second; -u once fixed.
cp "$EX/conf/httpd.conf" "$T/good.conf"
echo 'no such directive' >>"$EX/conf/httpd.conf"
s6-svc -t "$SCAN/httpd"
logged httpd 'httpd exited with status 1: not restarted' 10
ok $? "static: a refused configuration: the finish script says so"
wait_for 5 sh -c "s6-svstat -o up,wantedup '$SCAN/httpd' | grep -qx 'false false'"
ok $? "static: ... and the service stays down"
cp "$T/good.conf" "$EX/conf/httpd.conf"
s6-svc -u "$SCAN/httpd"
svc_ready httpd && get / >/dev/null
ok $? "static: fixed, s6-svc -u: serves again"
stopped_clean static

# php: httpd waits for php-fpm, then *.php runs there.
PORT=$(free_port)
compose_make php "PORT=$PORT" || bail_out "compose php"
compose_start
ok $? "php: up and ready (php-fpm's readiness by s6-notifyoncheck)"
is "$(get /index.php)" "hello from php-fpm, 42" "php: a PHP page through httpd"
is "$(get /)" "hello from php-fpm, 42" \
    "php: / runs index.php (the directory index takes the *.php location)"
svc_trio httpd sh -c "curl -sf http://127.0.0.1:$PORT/index.php | grep -q 42"
stopped_clean php

# cgi: httpd waits for fcgi-bridge; the program runs in the chroot.
PORT=$(free_port)
compose_make cgi "PORT=$PORT" || bail_out "compose cgi"
compose_start
ok $? "cgi: up and ready"
is "$(get /cgi-bin/hello)" "hello from cgi" "cgi: a CGI program through httpd"
svc_trio fcgi-bridge sh -c \
    "curl -sf http://127.0.0.1:$PORT/cgi-bin/hello | grep -q 'hello from cgi'"
stopped_clean cgi
done_testing
