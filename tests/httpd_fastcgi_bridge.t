#!/bin/sh
# httpd as a FastCGI client of the real fcgi-bridge running shell CGI
# scripts (the RFC 3875 environment, bodies, a hanging script, 10 MiB,
# no output), and of a hostile responder (tests/lib/fcgi_hostile.pl):
# the exact 502 or 504, no crash, the next request served.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
. tests/lib/httpd.sh

BRIDGE_PID= HOSTILE_PID=
stop_all() {
	for p in $BRIDGE_PID $HOSTILE_PID; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
}
trap 'stop_all; cleanup' EXIT

# httpd in chroot "/" here, so that SCRIPT_FILENAME is a path that the
# bridge (-p /) can run; the php-fpm test covers a chrooted responder.
mkdir -p "$T/htdocs/cgi"
script() {
	printf '#!/bin/sh\n%s\n' "$2" >"$T/htdocs/cgi/$1"
	chmod 755 "$T/htdocs/cgi/$1"
}
script env.cgi 'printf "Content-Type: text/plain\r\n\r\n"; env | sort'
script cat.cgi 'printf "Content-Type: application/octet-stream\r\n\r\n"; cat'
script hang.cgi 'sleep 30'
script big.cgi 'printf "Content-Type: application/octet-stream\r\n\r\n"
head -c 10485760 /dev/zero'
script quiet.cgi 'exit 0'
script length.cgi 'n=$(wc -c)
printf "Content-Type: text/plain\r\n\r\n%s %s\n" "${CONTENT_LENGTH-(unset)}" "$n"'
script count.cgi 'n=$(wc -c)
printf "Content-Type: text/plain\r\n\r\n%s\n" "$n"'
script signal.cgi 'printf "Content-Type: text/plain\r\n\r\n"; id -un
perl -e "kill(0, \$ARGV[0]) and print qq(signalled\\n) or print qq(kill: \$!\\n)" \
    "$QUERY_STRING"'
script log.cgi 'echo "a line for the log" >&2
printf "Status: 201 Created\r\nContent-Type: text/plain\r\n\r\nmade\n"'

rm -f "$T/bready"
mkfifo "$T/bready"
bin/fcgi-bridge -s "$T/bridge.sock" -p / -t 20 -r 3 3>"$T/bready" \
    2>>"$T/bridge.stderr" &
BRIDGE_PID=$!
read -r _ <"$T/bready" || bail_out "fcgi-bridge did not start"
perl tests/lib/fcgi_hostile.pl "$T/hostile.sock" >"$T/hready" \
    2>>"$T/hostile.stderr" &
HOSTILE_PID=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	grep -q ready "$T/hready" && break
	sleep 0.2
done

httpd_start "
chroot \"/\"
logdir \"$T/logs\"
server \"default\" {
	listen on 127.0.0.1 port $PORT
	root \"$T/htdocs\"
	connection { max request body 2000000, timeout 3 }
	location \"/cgi/*\" { fastcgi socket \"$T/bridge.sock\" }
	location \"/h/*\" {
		root \"$T/htdocs/h\"
		request strip 1
		fastcgi socket \"$T/hostile.sock\"
	}
}"

out=$(curl -s -H 'Proxy: http://evil.example/' -H 'X-Foo: 1' \
    "$URL/cgi/env.cgi/some/where?x=1&y=2")
like "$out" '^SCRIPT_NAME=/cgi/env\.cgi$' "RFC 3875: SCRIPT_NAME"
like "$out" '^PATH_INFO=/some/where$' "... PATH_INFO"
like "$out" "^SCRIPT_FILENAME=$T/htdocs/cgi/env\\.cgi\$" "... SCRIPT_FILENAME"
like "$out" '^QUERY_STRING=x=1&y=2$' "... QUERY_STRING"
like "$out" '^REMOTE_ADDR=127\.0\.0\.1$' "... REMOTE_ADDR"
like "$out" '^REQUEST_METHOD=GET$' "... REQUEST_METHOD"
like "$out" '^HTTP_X_FOO=1$' "... HTTP_X_FOO"
! printf '%s\n' "$out" | grep -q '^HTTPS='
ok $? "no HTTPS on plain text"
! printf '%s\n' "$out" | grep -q '^HTTP_PROXY='
ok $? "no HTTP_PROXY from a client's Proxy: header (httpoxy)"
out=$(curl -s -H 'X_Foo: 2' -H 'X-Foo: 1' "$URL/cgi/env.cgi")
is "$(printf '%s\n' "$out" | grep -c '^HTTP_X_FOO=')" 1 \
    "X_Foo and X-Foo do not collide: one HTTP_X_FOO"
like "$out" '^HTTP_X_FOO=1$' "... from X-Foo"
like "$(curl -s "$URL/cgi/env.cgi")" '^PATH_INFO=$' "no extra path: empty PATH_INFO"

# The CGI programs run as fcgi-bridge's own user, not as httpd's workers'
# www-data: a program cannot signal (nor trace) a worker.
worker=
for p in $(cat /proc/$HTTPD_PID/task/*/children); do
	[ "$(awk '/^Uid:/ { print $2 }' /proc/$p/status)" = "$(id -u www-data)" ] &&
	    worker=$p
done
out=$(curl -s "$URL/cgi/signal.cgi?$worker")
is "$(printf '%s\n' "$out" | head -n 1)" "_fcgi-bridge" \
    "a CGI program runs as _fcgi-bridge"
is "$(printf '%s\n' "$out" | tail -n 1)" "kill: Operation not permitted" \
    "... and cannot signal httpd's worker $worker (EPERM)"

head -c 300000 /dev/urandom >"$T/body"
curl -s --data-binary @"$T/body" -o "$T/echo" "$URL/cgi/cat.cgi"
cmp -s "$T/body" "$T/echo"
ok $? "a Content-Length body reaches the script's stdin"
curl -s -H 'Transfer-Encoding: chunked' --data-binary @"$T/body" \
    -o "$T/echo" "$URL/cgi/cat.cgi"
cmp -s "$T/body" "$T/echo"
ok $? "a chunked body too"
# A chunked body gets its CONTENT_LENGTH (RFC 3875): httpd collects it
# first, in memory when small, in a file past 64 KiB.
is "$(curl -s -H 'Transfer-Encoding: chunked' -d xyz "$URL/cgi/length.cgi")" \
    "3 3" "a small chunked body: CONTENT_LENGTH for the script"
is "$(curl -s -H 'Transfer-Encoding: chunked' --data-binary @"$T/body" \
    "$URL/cgi/length.cgi")" "300000 300000" \
    "a chunked body past 64 KiB: the same"
big=$(head -c 3000000 /dev/zero | curl -s -o /dev/null -w '%{http_code}' \
    -H 'Transfer-Encoding: chunked' --data-binary @- "$URL/cgi/count.cgi")
is "$big" 413 "a chunked body over max request body: 413"
is "$(curl -s -H 'Transfer-Encoding: chunked' -d xyz "$URL/cgi/length.cgi")" \
    "3 3" "... and httpd serves on"
# A client that stops in the middle of a chunked body: 408 at the timeout.
out=$(perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new("127.0.0.1:$ARGV[0]") or die;
	print $s "POST /cgi/length.cgi HTTP/1.1\r\nHost: a\r\n",
	    "Transfer-Encoding: chunked\r\n\r\n5\r\nab";
	alarm 15;
	local $/;
	print scalar <$s>;' "$PORT")
is "$(status_of "$out")" 408 "a chunked body that stops coming: 408"
is "$(curl -s -H 'Transfer-Encoding: chunked' -d xyz "$URL/cgi/length.cgi")" \
    "3 3" "... and httpd serves on"

curl -s -o "$T/big" "$URL/cgi/big.cgi"
is "$(wc -c <"$T/big")" 10485760 "a script that writes 10 MiB"

# A client that reads nothing for a while: httpd stops reading the
# script (back-pressure) instead of holding its 10 MiB.
rss_workers() {
	t=0
	for p in $(cat /proc/$HTTPD_PID/task/*/children); do
		t=$((t + $(awk '/^VmRSS:/ { print $2 }' /proc/$p/status)))
	done
	echo "$t"
}
before=$(rss_workers)
perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new("127.0.0.1:$ARGV[0]") or die;
	print $s "GET /cgi/big.cgi HTTP/1.0\r\n\r\n";
	select(undef, undef, undef, 1.2);
	open(my $f, ">", $ARGV[1]) or die; close $f;
	select(undef, undef, undef, 0.5);
	my ($n, $buf) = (0, "");
	while ((my $r = sysread($s, $buf, 65536)) > 0) { $n += $r }
	print "$n\n";' "$PORT" "$T/stalled" >"$T/slow.out" &
slow=$!
i=0
while [ ! -e "$T/stalled" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
during=$(rss_workers)
wait "$slow"
ok "$([ $((during - before)) -lt 4096 ] && echo 0 || echo 1)" \
    "a client that does not read: the workers grow by $((during - before)) KiB, not 10 MiB"
total=$(cat "$T/slow.out")
ok "$([ "$total" -gt 10485760 ] && [ "$total" -lt 10487000 ] && echo 0 || echo 1)" \
    "... and it gets all 10 MiB once it reads ($total bytes with the head)"
out=$(curl -s -i "$URL/cgi/log.cgi")
is "$(status_of "$out")" 201 "Status: from a script"
like "$(cat "$T/logs/error.log")" 'fastcgi stderr: a line for the log' \
    "the script's stderr is in the error log"
is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/cgi/quiet.cgi")" 502 \
    "a script without output: 502 (no CGI header)"

# A script that hangs: 504 at the timeout, others served meanwhile.
start=$(date +%s)
curl -s -o /dev/null -w '%{http_code}' "$URL/cgi/hang.cgi" >"$T/hang" &
CPID=$!
sleep 1
is "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/cgi/env.cgi")" \
    200 "another client is served while a script hangs"
wait $CPID
is "$(cat "$T/hang")" 504 "the hanging script: 504"
took=$(($(date +%s) - start))
[ "$took" -ge 2 ] && [ "$took" -le 6 ]
ok $? "... at httpd's timeout (3 s; took $took s)"

# The hostile responder.
mkdir -p "$T/htdocs/h"
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 8 "$URL/h/$1"; }
is "$(code ok)" 200 "hostile responder, a valid answer: 200"
is "$(curl -s "$URL/h/split")" ok "a response split one byte a read"
is "$(code version)" 502 "a bad version byte: 502"
is "$(code padding)" 502 "padding longer than the content: 502"
is "$(code midrecord)" 502 "closed in the middle of a record: 502"
is "$(code close)" 502 "closed before answering: 502"
is "$(code stderr)" 502 "a stderr flood (128 KiB): 502"
is "$(wc -c <"$T/logs/error.log" | awk '{ print ($1 < 20000) }')" 1 \
    "... and the error log took only some KiB of it"
is "$(code never)" 504 "never answers: 504"
is "$(code ok)" 200 "the next request is served"
out=$(curl -s -v "$URL/h/ok" "$URL/h/ok" 2>&1)
like "$out" '(Re-using|Reusing) existing connection' "keep-alive after them"
kill -0 "$HTTPD_PID"
ok $? "httpd is still running"

# Over TLS with a client certificate: HTTPS and the TLS_PEER_* parameters.
. tests/lib/certs.sh
make_certs "$T/certs"
httpd_stop
httpd_start "
chroot \"/\"
logdir \"$T/logs\"
server \"a.test\" {
	listen on 127.0.0.1 tls port $PORT
	root \"$T/htdocs\"
	tls {
		certificate \"$T/certs/a.crt\"
		key \"$T/certs/a.key\"
		client ca \"$T/certs/ca.crt\" optional
	}
	location \"/cgi/*\" { fastcgi socket \"$T/bridge.sock\" }
}"
tls_env() {
	curl -s --cacert "$T/certs/ca.crt" --resolve "a.test:$PORT:127.0.0.1" \
	    "$@" "https://a.test:$PORT/cgi/env.cgi"
}
out=$(tls_env --cert "$T/certs/client.crt" --key "$T/certs/client.key")
like "$out" '^HTTPS=on$' "over TLS: HTTPS=on"
like "$out" '^TLS_PEER_VERIFY=ca$' "... TLS_PEER_VERIFY for a verified client"
like "$out" '^TLS_PEER_SUBJECT=/C=DE/O=Example/CN=client one$' \
    "... TLS_PEER_SUBJECT"
out=$(head -c 5000 /dev/zero | curl -s -v --cacert "$T/certs/ca.crt" \
    --resolve "a.test:$PORT:127.0.0.1" --expect100-timeout 20 \
    -H 'Expect: 100-continue' --data-binary @- \
    "https://a.test:$PORT/cgi/count.cgi" 2>&1)
like "$out" '< HTTP/1.1 100 Continue' "over TLS, Expect: 100-continue is answered"
like "$out" '^5000$' "... and the body follows"
out=$(head -c 100000 /dev/zero | curl -s --cacert "$T/certs/ca.crt" \
    --resolve "a.test:$PORT:127.0.0.1" -H 'Transfer-Encoding: chunked' --max-time 20 \
    --data-binary @- "https://a.test:$PORT/cgi/length.cgi")
is "$out" "100000 100000" "over TLS, a chunked body past 64 KiB gets its CONTENT_LENGTH"
out=$(tls_env)
like "$out" '^HTTPS=on$' "without a client certificate: HTTPS=on"
! printf '%s\n' "$out" | grep -q '^TLS_PEER_VERIFY='
ok $? "... and no TLS_PEER_VERIFY"

kill -TERM "$BRIDGE_PID"
wait "$BRIDGE_PID" 2>/dev/null
BRIDGE_PID=
is "$(tls_env -o /dev/null -w '%{http_code}')" 502 "the bridge is gone: 502"
done_testing
