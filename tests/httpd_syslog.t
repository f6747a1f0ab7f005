#!/bin/sh
# log syslog: access lines (daemon.info) and error lines (daemon.err) go
# to /dev/log as RFC 3164 datagrams.  A stand-in daemon listens there;
# the test is skipped where a real one already does.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ -e /dev/log ] && skip_all "/dev/log exists: not replacing this system's syslog"
. tests/lib/httpd.sh

perl tests/lib/syslogd.pl /dev/log "$T/syslog.out" &
syslogd=$!
trap 'httpd_stop; kill $syslogd 2>/dev/null; rm -f /dev/log; rm -rf "$T"' EXIT
i=0
while [ ! -S /dev/log ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

echo hello >"$T/htdocs/index.html"
httpd_start "
server \"default\" {
	listen on 127.0.0.1 port $PORT
	log syslog
}"
curl -s -o /dev/null "$URL/"
curl -s -o /dev/null "$URL/missing"
sleep 0.5
out=$(cat "$T/syslog.out")
like "$out" '^<30>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} httpd\[[0-9]+\]: default 127\.0\.0\.1 - - \[.*\] "GET / HTTP/1\.1" 200 6$' \
    "an access line as daemon.info"
like "$out" '^<27>.* httpd\[[0-9]+\]: server default, client 127\.0\.0\.1:[0-9]+, GET \[/missing\]: 404 Not Found$' \
    "an error line as daemon.err"
[ ! -s "$T/logs/access.log" ]
ok $? "nothing in the access log file"
done_testing
