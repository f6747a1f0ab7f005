#!/bin/sh
# relay's reloads that no client notices: 50 keep-alive clients send
# requests in a loop through an HTTP relay (in the clear, then with TLS
# on the client's side) and through a TCP relay, to a real httpd, while
# relay is reloaded three times; no request may fail (tests/lib/kaload.pl
# counts as wrk does).  An HTTP client's next request is answered with
# Connection: close; a TCP relay's connections stay until they end.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
. tests/lib/httpd.sh
. tests/lib/relay_http_lib.sh
. tests/lib/certs.sh
. tests/lib/reload.sh

C=$(mktemp -d /tmp/reload-certs.XXXXXX)
trap '_relay_cleanup; rm -rf "$C" "$RL"' EXIT
make_certs "$C"
echo hello >"$T/htdocs/index.html"
PREFORK=2 httpd_start "server \"default\" {
	listen on 127.0.0.1 port $PORT
}"
HP=$(free_port)
HS=$(free_port)
TP=$(free_port)
relay_start "table <web> { 127.0.0.1 }
http protocol web { }
http protocol webs {
	tls keypair a.test cert \"$C/a.crt\"
	tls keypair a.test key \"$C/a.key\"
}
relay www {
	listen on 127.0.0.1 port $HP
	protocol web
	forward to <web> port $PORT
}
relay wwws {
	listen on 127.0.0.1 port $HS tls
	protocol webs
	forward to <web> port $PORT
}
relay plain {
	listen on 127.0.0.1 port $TP
	forward to <web> port $PORT
}"

# relay_load NAME PORT [ARG...]: the load, three reloads, the verdict.
relay_load() {
	_name=$1 _port=$2
	shift 2
	reload_load "$RELAY_PID" "$R/stderr" "$_port" "$@"
	note "$_name: $(cat "$RL/load")"
	ok $([ "$(requests_of "$RL/load")" -ge 50 ]; echo $?) \
	    "$_name: requests were served"
	is "$(failures_of "$RL/load")" 0 \
	    "$_name: no failed request in 3 reloads" ||
	    diag "$(head -n 20 "$RL/load.err")"
}

relay_load "HTTP relay" "$HP"
# Let the drained generations go before the next three reloads.
sleep 3
relay_load "HTTP relay, TLS" "$HS" -tls -host a.test
sleep 3
relay_load "TCP relay" "$TP"
done_testing
