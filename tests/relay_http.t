#!/bin/sh
# relay and HTTP: requests through an HTTP relay to a real httpd and to
# relay_backend.pl -- keep-alive, pipelining, request bodies with a
# length and chunked (re-chunked on the way), chunked, 204 and 304
# answers, Expect: 100-continue, hop-by-hop fields that stay on their hop,
# websocket tunnels; bad requests answered by the relay alone (nothing
# reaches the host); bad hosts (garbage, a reset mid-body, silence, an
# endless head, two lengths, a closed port, no host) answered 502, 503
# or 504 without the worker growing; and the relay serving at the end.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
[ -x bin/relay ] && [ -x bin/httpd ] || skip_all "bin/relay, bin/httpd not built"
[ -f tests/lib/relay_backend.pl ] || skip_all "no tests/lib/relay_backend.pl"
command -v curl >/dev/null || skip_all "no curl"
. tests/lib/httpd.sh
. tests/lib/relay_http_lib.sh

# The backends: httpd with files, relay_backend.pl in each mode.
echo hello >"$T/htdocs/index.html"
echo second >"$T/htdocs/two.html"
head -c 1048576 /dev/urandom >"$T/htdocs/big.bin"
httpd_start "server \"default\" {
	listen on 127.0.0.1 port $PORT
	root \"/htdocs\"
}"
rb_start HB http A
rb_start WB http W
rb_start GB garbage
rb_start RB resetbody
rb_start HG hang
rb_start EB endless
rb_start SB splitcl
CLOSED=$(free_port)
# Hosts that break their own framing.
OK3='HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n'
SMUG='HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nSMUGGLED'
canned_start K1 "${OK3}abc${SMUG}" "${OK3}two"
canned_start K2 "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc$SMUG" "${OK3}two"
canned_start K3 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end\n' CLOSE
canned_start K4 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
canned_start K5 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
canned_start K6 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n'
canned_start K7 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok'
canned_start K8 "${OK3}one" "${OK3}two"

for v in PH PB PW PG PR PHG PE PS PC PN PL P1 P2 P3 P4 P5 P6 P7 P8; do
	eval "$v=\$(free_port)"
done

# relay NAME PORT PROTOCOL TIMEOUT FORWARD
relay() {
	printf 'relay %s {\n\tlisten on 127.0.0.1 port %s\n\tprotocol %s\n' \
	    "$1" "$2" "$3"
	printf '\tsession timeout %s\n\tforward to %s\n}\n' "$4" "$5"
}
relay_start "table <web> { 127.0.0.1 }
table <down> disable { 127.0.0.1 }
http protocol web { }
http protocol ws {
	http websockets
}
http protocol small {
	http headerlen 1024
}
$(relay www "$PH" web 3 "<web> port $PORT")
$(relay back "$PB" web 3 "127.0.0.1 port $HB")
$(relay wsock "$PW" ws 3 "127.0.0.1 port $WB")
$(relay garbage "$PG" web 3 "127.0.0.1 port $GB")
$(relay reset "$PR" web 3 "127.0.0.1 port $RB")
$(relay hang "$PHG" web 2 "127.0.0.1 port $HG")
$(relay endless "$PE" web 3 "127.0.0.1 port $EB")
$(relay splitcl "$PS" web 3 "127.0.0.1 port $SB")
$(relay closed "$PC" web 3 "127.0.0.1 port $CLOSED")
$(relay nohost "$PN" web 3 "<down> port $PORT")
$(relay small "$PL" small 3 "127.0.0.1 port $HB")
$(relay k1 "$P1" web 3 "127.0.0.1 port $K1")
$(relay k2 "$P2" web 3 "127.0.0.1 port $K2")
$(relay k3 "$P3" web 3 "127.0.0.1 port $K3")
$(relay k4 "$P4" web 3 "127.0.0.1 port $K4")
$(relay k5 "$P5" web 3 "127.0.0.1 port $K5")
$(relay k6 "$P6" web 3 "127.0.0.1 port $K6")
$(relay k7 "$P7" web 3 "127.0.0.1 port $K7")
$(relay k8 "$P8" web 3 "127.0.0.1 port $K8")"

C="curl -s --max-time 10"

# --- 1. Through the relay to httpd.
U="http://127.0.0.1:$PH"
is "$($C "$U/index.html")" hello "GET through the relay: the file"
out=$($C -v "$U/index.html" "$U/two.html" 2>&1)
like "$out" 'Re-using existing connection' \
    "two requests on one keep-alive connection"
is "$(printf '%s\n' "$out" | grep -Ec '^(hello|second)$')" 2 \
    "both answers arrive on it"
$C -o "$R/big.out" "$U/big.bin"
cmp -s "$R/big.out" "$T/htdocs/big.bin"
ok $? "a 1 MiB file arrives intact"
# body_lengths FILE: the length of what follows each head in FILE (the
# answers to requests without a body, one after the other).
body_lengths() {
	perl -0777 -ne 'for (split /(?=HTTP\/1\.1 [0-9]{3} )/) {
	    my ($h, $b) = split /\r\n\r\n/, $_, 2;
	    print defined $b ? length $b : "nohead", " " }' "$1"
}
printf 'HEAD /index.html HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' |
    rawp "$PH" >"$R/head.out"
out=$(cat "$R/head.out")
is "$(status_line "$out")" "HTTP/1.1 200 OK" "HEAD: 200"
like "$out" 'Content-Length: 6' "HEAD: the length of the file"
is "$(body_lengths "$R/head.out")" "0 " "HEAD: no body"
start=$(date +%s)
out=$(printf 'GET /index.html HTTP/1.0\r\n\r\n' | rawp "$PH")
end=$(date +%s)
like "$(status_line "$out")" '^HTTP/1\.[01] 200 ' "HTTP/1.0 request: 200"
like "$out" "$(printf 'hello$')" "HTTP/1.0 request: the body"
ok $((end - start >= 2)) "HTTP/1.0 without keep-alive: the relay closes"

# --- 2. relay_backend.pl http A: what the host receives.
U="http://127.0.0.1:$PB"
: >"$R/HB.rec"
out=$(printf 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' |
    rawp "$PB")
is "$(printf '%s' "$out" | grep -o 'A GET /[0-9]' | tr '\n' ' ')" \
    "A GET /1 A GET /2 A GET /3 " "three pipelined requests: three answers in order"
is "$(printf '%s' "$out" | grep -c '^HTTP/1.1 200')" 3 \
    "three pipelined requests: three 200 heads"

head -c 1000 /dev/zero | tr '\0' b >"$R/body1000"
: >"$R/HB.rec"
is "$($C --data-binary @"$R/body1000" "$U/cl")" "A POST /cl 1000" \
    "POST with Content-Length: the host reads the whole body"
like "$(rb_record HB)" 'Content-Length: 1000' \
    "POST with Content-Length: the length goes on"

# A chunked body with an extension: decoded, then chunked anew.
: >"$R/HB.rec"
out=$(printf 'POST /ch HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n' |
    rawp "$PB")
like "$out" 'A POST /ch 11' "POST chunked: the host decodes 11 bytes"
# dechunk FILE: the body of the request recorded in FILE, if it is
# strictly chunked (sizes in hex, no extension, CRLF everywhere);
# "BAD" otherwise.
dechunk() {
	perl -0777 -ne '
	    my ($h, $b) = split /\r\n\r\n/, $_, 2;
	    my $out = "";
	    while ($b =~ s/\A([0-9a-f]+)\r\n//) {
		    my $n = hex $1;
		    if ($n == 0) { print $b eq "\r\n" ? $out : "BAD"; exit }
		    $out .= substr($b, 0, $n, "");
		    $b =~ s/\A\r\n// or do { print "BAD"; exit };
	    }
	    print "BAD";' "$1"
}
is "$(dechunk "$R/HB.rec")" "hello world" \
    "POST chunked: the recording is chunked anew, extension dropped"
like "$(rb_record HB)" 'Transfer-Encoding: chunked' \
    "POST chunked: Transfer-Encoding: chunked goes on"

out=$($C --raw -D - "$U/chunked")
like "$out" 'Transfer-Encoding: chunked' "/chunked: chunked to the client"
is "$($C "$U/chunked")" "A GET /chunked 0" "/chunked: curl decodes the body"

for s in 204 304; do
	out=$($C -v "$U/$s" "$U/after$s" 2>&1)
	like "$out" "< HTTP/1.1 $s " "/$s: $s"
	like "$out" 'Re-using existing connection' \
	    "/$s: the connection stays usable"
	like "$out" "^A GET /after$s 0\$" "/$s: then the next request is answered"
done
printf 'GET /204 HTTP/1.1\r\nHost: a\r\n\r\nGET /304 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' |
    rawp "$PB" >"$R/204.out"
is "$(body_lengths "$R/204.out")" "0 0 " "204 and 304: not a byte of body"

head -c 2048 /dev/zero | tr '\0' e >"$R/body2048"
# curl waits 10 s for the 100 before it sends the body anyway.
start=$(date +%s)
out=$($C -v --expect100-timeout 10 -H 'Expect: 100-continue' \
    --data-binary @"$R/body2048" "$U/expect" 2>&1)
end=$(date +%s)
like "$out" '< HTTP/1.1 100 Continue' "Expect: 100-continue: 100 passed on"
like "$out" '^A POST /expect 2048$' "Expect: 100-continue: the body arrives"
ok $((end - start >= 2)) "Expect: 100-continue: the 100 comes before the body, at once ($((end - start)) s)"

: >"$R/HB.rec"
out=$($C -H 'Connection: X-Foo' -H 'X-Foo: bar' -H 'Keep-Alive: 5' \
    -H 'TE: trailers' -H 'Proxy-Connection: keep-alive' \
    -H 'Trailer: X-T' -H 'X-End: kept' "$U/hop")
is "$out" "A GET /hop 0" "hop-by-hop fields: the request is answered"
rec=$(rb_record HB)
like "$rec" 'X-End: kept' "an end-to-end field goes on"
! printf '%s' "$rec" | grep -Eiq '^(x-foo|keep-alive|te|proxy-connection|trailer):'
ok $? "hop-by-hop fields (X-Foo named by Connection, Keep-Alive, TE, Proxy-Connection, Trailer) stay on their hop"
! printf '%s' "$rec" | grep -iq 'x-foo'
ok $? "not even the name X-Foo reaches the host"

# --- 3. Websockets.
UPG='GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
: >"$R/HB.rec"
out=$(printf "$UPG" | rawp "$PB")
is "$(status_line "$out")" "HTTP/1.1 403 Forbidden" \
    "an Upgrade without http websockets: 403"
is "$(rb_record HB)" "" "an Upgrade without http websockets: nothing forwarded"
out=$(printf "$UPG" | perl -MIO::Socket::INET -MIO::Select -e '
	my $s = IO::Socket::INET->new("127.0.0.1:$ARGV[0]") or die;
	local $/; my $req = <STDIN>;
	syswrite($s, $req);
	my $buf = ""; my $sel = IO::Select->new($s);
	while ($buf !~ /\r\n\r\n/) {
		$sel->can_read(5) or last;
		sysread($s, $buf, 4096, length $buf) or last;
	}
	my ($h, $rest) = split /\r\n\r\n/, $buf, 2;
	print((split /\r\n/, $h)[0], "\n");
	my $got = $rest // "";
	for my $msg ("ping-1\n", "x" x 70000, "end\n") {
		syswrite($s, $msg);
		my $want = length($got) + length $msg;
		while (length $got < $want) {
			$sel->can_read(5) or last;
			sysread($s, $got, 65536, length $got) or last;
		}
	}
	print $got eq "ping-1\n" . ("x" x 70000) . "end\n" ?
	    "echoed\n" : "got " . length($got) . " bytes\n";' "$PW")
is "$(printf '%s\n' "$out" | head -n 1)" "HTTP/1.1 101 Switching Protocols" \
    "an Upgrade with http websockets: 101"
is "$(printf '%s\n' "$out" | sed -n 2p)" "echoed" \
    "the tunnel carries bytes both ways (70 KB too)"

# --- 4. Bad requests: the relay's own answer, nothing to the host.
# bad NAME STATUS-LINE BYTES (a printf format: %% for a percent sign)
bad() {
	: >"$R/HB.rec"
	out=$(printf "$3" | rawp "$PB")
	is "$(status_line "$out")" "$2" "$1: $2"
	like "$out" 'Connection: close' "$1: the connection is closed"
	is "$(rb_record HB)" "" "$1: not a byte reaches the host"
	is "$($C "http://127.0.0.1:$PB/good")" "A GET /good 0" \
	    "$1: the relay serves the next client"
}
G='GET / HTTP/1.1\r\nHost: a\r\n'
B400="HTTP/1.1 400 Bad Request"
bad "CL and TE" "$B400" 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 31\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n'
bad "two equal Content-Lengths" "$B400" 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello'
bad "two different Content-Lengths" "$B400" 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello'
bad "TE gzip" "HTTP/1.1 501 Not Implemented" 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n'
bad "obs-fold" "$B400" "${G}X-A: 1\r\n  continued\r\n\r\n"
bad "bare LF" "$B400" 'GET / HTTP/1.1\nHost: a\n\n'
bad "bare CR" "$B400" 'GET / HTTP/1.1\rHost: a\r\n\r\n'
bad "chunk size zz" "$B400" 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'
bad "chunk size with a leading space" "$B400" 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n'
bad "chunk size 0x5" "$B400" 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n'
long=$(head -c 9000 /dev/zero | tr '\0' a)
bad "a 9 KB header field" "HTTP/1.1 413 Content Too Large" \
    "${G}X-Big: $long\r\n\r\n"
half=$(head -c 4000 /dev/zero | tr '\0' a)
bad "a 12 KB head in three fields" "HTTP/1.1 413 Content Too Large" \
    "${G}X-1: $half\r\nX-2: $half\r\nX-3: $half\r\n\r\n"
hdrs=$(i=0; while [ $i -lt 120 ]; do printf 'X-%d: v\\r\\n' $i; i=$((i + 1)); done)
bad "120 header fields" "HTTP/1.1 431 Request Header Fields Too Large" \
    "${G}${hdrs}\r\n"
bad "NUL in a header value" "$B400" "${G}X-A: a\000b\r\n\r\n"
bad "two spaces in the request line" "$B400" 'GET  / HTTP/1.1\r\nHost: a\r\n\r\n'
bad "HTTP/2.0" "HTTP/1.1 505 HTTP Version Not Supported" 'GET / HTTP/2.0\r\nHost: a\r\n\r\n'
bad "a lowercase method" "HTTP/1.1 501 Not Implemented" 'get / HTTP/1.1\r\nHost: a\r\n\r\n'
bad "CONNECT" "HTTP/1.1 405 Method Not Allowed" 'CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n'
# headerlen 1024: a 2 KB head that the parser takes is still too large.
: >"$R/HB.rec"
out=$(printf "${G}X-Big: %s\r\n\r\n" "$(head -c 2000 /dev/zero | tr '\0' a)" |
    rawp "$PL")
is "$(status_line "$out")" "HTTP/1.1 413 Content Too Large" \
    "http headerlen 1024: a 2 KB head is 413, as relayd answers"
is "$(rb_record HB)" "" "http headerlen 1024: not a byte reaches the host"
out=$(printf "${G}X-Big: %s" "$(head -c 2000 /dev/zero | tr '\0' a)" |
    rawp "$PL")
is "$(status_line "$out")" "HTTP/1.1 413 Content Too Large" \
    "http headerlen 1024: 2 KB of an unfinished head is 413"
# absolute-form with another Host: whatever the relay decides, it is
# either an error with nothing forwarded or one request forwarded as is.
: >"$R/HB.rec"
out=$(printf 'GET http://other.example/abs HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' |
    rawp "$PB")
case $(status_line "$out") in
"HTTP/1.1 4"*)
	is "$(rb_record HB)" "" "absolute-form, Host mismatch: refused, nothing forwarded" ;;
"HTTP/1.1 200 OK")
	is "$(rb_record HB | grep -c '^GET http://other.example/abs HTTP/1.1')" 1 \
	    "absolute-form, Host mismatch: forwarded once, as is" ;;
*)
	fail "absolute-form, Host mismatch: $(status_line "$out")" ;;
esac

# --- 5. Bad hosts.
out=$(printf "${G}\r\n" | rawp "$PG")
is "$(status_line "$out")" "HTTP/1.1 502 Bad Gateway" "a host that answers garbage: 502"
like "$out" 'Connection: close' "502: the connection is closed"

$C -o "$R/reset.out" "http://127.0.0.1:$PR/"
rc=$?
isnt "$rc" 0 "a host reset mid-body: curl sees the transfer fail"
n=$(wc -c <"$R/reset.out")
ok $((n >= 100000)) "a host reset mid-body: the body is short ($n of 100000 bytes)"
sleep 0.2
like "$(relay_log | grep "^relay reset,")" \
    'host closed mid-body|read failed|reset' \
    "a host reset mid-body: the log line says why"

start=$(date +%s)
out=$($C -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PHG/")
end=$(date +%s)
is "$out" 504 "a silent host, session timeout 2: 504"
ok $((end - start > 4)) "504 within about 2 s ($((end - start)) s)"

wpid=$(relay_worker_pid)
out=$(printf "${G}\r\n" | rawp "$PE")
is "$(status_line "$out")" "HTTP/1.1 502 Bad Gateway" \
    "a response head without end: 502"
rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$wpid/status" 2>/dev/null)
ok $((${rss:-999999} >= 20480)) "the worker stays under 20 MB (peak VmHWM ${rss:-?} kB)"
like "$(relay_log | grep "^relay endless,")" 'response head too large|line too long' \
    "the log says the response head is too large"

out=$(printf "${G}\r\n" | rawp "$PS")
is "$(status_line "$out")" "HTTP/1.1 502 Bad Gateway" \
    "a response with two Content-Lengths: 502"
out=$(printf "${G}\r\n" | rawp "$PC")
is "$(status_line "$out")" "HTTP/1.1 502 Bad Gateway" "a closed port: 502"
out=$(printf "${G}\r\n" | rawp "$PN")
is "$(status_line "$out")" "HTTP/1.1 503 Service Unavailable" \
    "a table that is disabled: 503"

# K8 answers "one" then "two" on each connection: "two" only if kept.
is "$($C "http://127.0.0.1:$P8/1" "http://127.0.0.1:$P8/2")" "onetwo" \
    "the host's connection is kept for the client's next request"
# Hosts out of step with their own framing.
is "$($C "http://127.0.0.1:$P1/1" "http://127.0.0.1:$P1/2")" "abcabc" \
    "bytes after a response's Content-Length never answer the next request"
is "$($C "http://127.0.0.1:$P2/1" "http://127.0.0.1:$P2/2")" "abcabc" \
    "nor after Connection: close (the next request gets a new connection)"
printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' | rawp "$P3" >"$R/k3.out"
like "$(cat "$R/k3.out")" 'Transfer-Encoding: chunked' \
    "a response without a length: chunked for an HTTP/1.1 client"
is "$($C "http://127.0.0.1:$P3/")" "until the end" "and curl reads it whole"
printf 'GET / HTTP/1.0\r\n\r\n' | rawp "$P3" >"$R/k3.out"
out=$(cat "$R/k3.out")
like "$out" 'Connection: close' \
    "a response without a length: to an HTTP/1.0 client, ended by the close"
! printf '%s' "$out" | grep -q 'Transfer-Encoding'
ok $? "a response without a length: no chunks for an HTTP/1.0 client"
like "$out" '^until the end$' "a response without a length: the body for HTTP/1.0"
out=$($C -i "http://127.0.0.1:$P4/")
is "$(status_line "$out")" "HTTP/1.1 200 OK" \
    "a 100 Continue nobody asked for is not passed on"
like "$out" '^ok$' "and the response after it is"
out=$(printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' | rawp "$P5")
is "$(status_line "$out")" "HTTP/1.1 502 Bad Gateway" \
    "a 101 to a request that asked for no upgrade: 502"
$C -o "$R/k6.out" "http://127.0.0.1:$P6/"
isnt "$?" 0 "a bad chunk size mid-body from the host: the transfer fails"
sleep 0.2
like "$(relay_log | grep "^relay k6,")" 'invalid chunked body from host' \
    "a bad chunk size mid-body from the host: the log says so"
out=$(printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' | rawp "$P7")
is "$(status_line "$out")" "HTTP/1.1 502 Bad Gateway" \
    "a response head with bare LFs: 502"

# --- 5b. Host connections kept across sessions, and replayed.
xconn() {	# URL: the X-Conn of the answer (the host's connection)
	$C -si "$1" | tr -d '\r' | awk -F': ' '$1 == "X-Conn" { print $2 }'
}
c1=$(xconn "http://127.0.0.1:$PB/conn")
c2=$(xconn "http://127.0.0.1:$PB/conn")
isnt "$c1" "" "the host says which connection answered"
is "$c2" "$c1" "a second client is served on the host connection the first left idle"
# /once: the host closes a kept connection when a second request comes,
# as a host whose keep-alive timed out does; the relay sends it again.
o1=$(xconn "http://127.0.0.1:$PB/once")
out=$($C -si "http://127.0.0.1:$PB/once")
is "$(status_line "$out")" "HTTP/1.1 200 OK" \
    "a kept connection closed as the request went out: the request goes again"
o2=$(printf '%s' "$out" | tr -d '\r' | awk -F': ' '$1 == "X-Conn" { print $2 }')
isnt "$o2" "$o1" "and on a new connection"
out=$($C -si "http://127.0.0.1:$PB/once" "http://127.0.0.1:$PB/once")
is "$(printf '%s\n' "$out" | grep -c '^HTTP/1.1 200')" 2 \
    "the same within one client's session"
# A POST is not sent twice: the failure stands.
o3=$(xconn "http://127.0.0.1:$PB/once")
out=$($C -si --data x "http://127.0.0.1:$PB/once")
is "$(status_line "$out")" "HTTP/1.1 502 Bad Gateway" \
    "a request with a body is never sent twice: 502"

# --- 6. The log and the end.
like "$(relay_log)" \
    "relay back, session [0-9]+ \\([0-9]+ active\\), 0, 127\\.0\\.0\\.1 -> 127\\.0\\.0\\.1:$HB, " \
    "the log line: relay, session, client -> host:port, message"
is "$($C "http://127.0.0.1:$PH/index.html")" hello "the relay still serves"
is "$($C "http://127.0.0.1:$PB/last")" "A GET /last 0" \
    "the relay still serves through relay_backend.pl"
is "$(grep -c 'killed by signal\|dumped core' "$R/stderr")" 0 "no worker died"
done_testing
