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
. tests/lib/reload.sh

C=$(mktemp -d /tmp/reload-certs.XXXXXX)
trap 'cleanup; rm -rf "$C" "$RL"' EXIT
make_certs "$C"
echo hello >"$T/htdocs/index.html"

conf="server \"a.test\" {
	listen on 127.0.0.1 port $PORT
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

reload_load "$HTTPD_PID" "$T/stderr" "$PORT"
note "$(cat "$RL/load")"
ok $([ "$(requests_of "$RL/load")" -ge 50 ]; echo $?) \
    "keep-alive load: requests were served"
is "$(failures_of "$RL/load")" 0 "keep-alive: no failed request in 3 reloads" ||
    diag "$(head -n 20 "$RL/load.err")"
httpd_stop

conf="server \"a.test\" {
	listen on 127.0.0.1 tls port $PORT
	tls {
		certificate \"$C/a.crt\"
		key \"$C/a.key\"
	}
}"
PREFORK=2 httpd_start "$conf"
reload_load "$HTTPD_PID" "$T/stderr" "$PORT" -tls -host a.test
note "$(cat "$RL/load")"
ok $([ "$(requests_of "$RL/load")" -ge 50 ]; echo $?) \
    "TLS keep-alive load: requests were served"
is "$(failures_of "$RL/load")" 0 "TLS keep-alive: no failed request in 3 reloads" ||
    diag "$(head -n 20 "$RL/load.err")"
httpd_stop

done_testing
