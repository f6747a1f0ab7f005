#!/bin/sh
# The backends relay's tests run behind (tests/lib/relay_backend.pl),
# each mode tried directly with curl, raw.pl and a small client, with no
# relay in between: so that a relay test that fails does so because of
# the relay.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
. tests/lib/relay_backend.sh
. tests/lib/certs.sh

T=$(mktemp -d /tmp/relay-backend-test.XXXXXX)
cleanup() {
	backends_stop
	rm -rf "$T"
}
trap cleanup EXIT

# client PORT: send stdin at once, shut the write side down (not with
# C_SHUT=0), print all that comes back, then how it ended: [eof], [reset]
# or [open] (silent for C_WAIT seconds, 3 by default).  C_ADDR: the host.
client() {
	perl -MIO::Socket::IP -MIO::Select -e '
		my $s = IO::Socket::IP->new(PeerHost => $ENV{C_ADDR} //
		    "127.0.0.1", PeerPort => $ARGV[0]) or die "connect: $@\n";
		binmode STDIN;
		binmode STDOUT;
		local $/;
		my $req = <STDIN> // "";
		syswrite($s, $req) if length $req;
		shutdown($s, 1) if $ENV{C_SHUT} // 1;
		my $sel = IO::Select->new($s);
		my $end = "[open]";
		while ($sel->can_read($ENV{C_WAIT} // 3)) {
			my $n = sysread($s, my $buf, 65536);
			if (!defined $n) { $end = $!{ECONNRESET} ? "[reset]" : "[error]"; last }
			if (!$n) { $end = "[eof]"; last }
			print $buf;
		}
		print $end;
	' "$1"
}

# crlf TEXT: TEXT with each newline made CRLF.
crlf() {
	printf '%s\n' "$1" | sed 's/$/\r/'
}

nocr() {
	tr -d '\r'
}

# starts TEXT / ends TEXT: its first line / its last two lines, as "a|b".
starts() {
	printf '%s\n' "$1" | head -n 1
}
ends() {
	printf '%s\n' "$1" | tail -n 2 | paste -sd '|' -
}

# /slow takes 3 s: started first, looked at last.
backend http slow
SLOWPORT=$BPORT
curl -s -o "$T/slow.body" -w '%{time_total}' \
    "http://127.0.0.1:$SLOWPORT/slow" >"$T/slow.time" &
SLOWCURL=$!

# echo
backend echo
is "$(printf 'hello\nworld\n' | client "$BPORT")" "hello
world
[eof]" "echo: echoes, and closes once the peer has shut its side down"
is "$(printf 'ping' | C_SHUT=0 C_WAIT=1 client "$BPORT")" "ping[open]" \
    "echo: stays open while the peer does"

# id
backend id alpha
is "$(perl tests/lib/raw.pl "$BPORT" </dev/null)" alpha "id: sends its name"
is "$(printf 'GET / HTTP/1.1\r\n\r\n' | C_SHUT=0 client "$BPORT")" "alpha
[eof]" "id: and closes at once, input or not"

# http
backend http n1
U="http://127.0.0.1:$BPORT"
out=$(curl -sv "$U/a" "$U/b?q=1" 2>"$T/curl.log")
is "$out" "n1 GET /a 0
n1 GET /b?q=1 0" "http: two requests with curl, method, target and body length"
grep -q 'Re-using existing connection' "$T/curl.log"
ok $? "http: the second on the same connection (keep-alive)"
like "$(nocr <"$T/curl.log")" '< X-Backend: n1' "http: X-Backend header"

out=$(crlf 'HEAD /h HTTP/1.1
Host: x

GET /g HTTP/1.1
Host: x
' | client "$BPORT" | nocr)
is "$out" "HTTP/1.1 200 OK
Content-Type: text/plain
X-Backend: n1
Content-Length: 13

HTTP/1.1 200 OK
Content-Type: text/plain
X-Backend: n1
Content-Length: 12

n1 GET /g 0
[eof]" "http: HEAD has the head of a GET and no body; pipelined GET follows"

head -c 10000 /dev/zero >"$T/10k"
is "$(curl -s -H 'Transfer-Encoding: chunked' --data-binary "@$T/10k" \
    "$U/up")" "n1 POST /up 10000" "http: a chunked body from curl, counted decoded"

out=$(printf 'POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n' |
    client "$BPORT" | nocr | grep '^n1')
is "$out" "n1 POST /c 11
n1 GET /next 0" "http: chunk extensions and trailers are consumed exactly"

out=$(printf 'PUT /cl HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\nabcdefgGET /n HTTP/1.1\r\nHost: x\r\n\r\n' |
    client "$BPORT" | nocr | grep '^n1')
is "$out" "n1 PUT /cl 7
n1 GET /n 0" "http: a Content-Length body, then a pipelined request"

out=$(curl -sv -H 'Expect: 100-continue' --expect100-timeout 5 \
    --data-binary "@$T/10k" "$U/e" 2>"$T/curl.log")
is "$out" "n1 POST /e 10000" "http: Expect: 100-continue, body counted"
grep -q '^< HTTP/1.1 100 Continue' "$T/curl.log"
ok $? "http: 100 Continue sent before the body"

out=$(printf 'GET /204 HTTP/1.1\r\nHost: x\r\n\r\nGET /304 HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n' |
    client "$BPORT" | nocr)
is "$out" "HTTP/1.1 204 No Content
X-Backend: n1

HTTP/1.1 304 Not Modified
X-Backend: n1
Content-Length: 10

HTTP/1.1 200 OK
Content-Type: text/plain
X-Backend: n1
Content-Length: 16

n1 GET /after 0
[eof]" "http: /204 and /304 (Content-Length: 10) come without a body"

is "$(curl -s --raw "$U/chunked" | nocr)" "3
n1 
d
GET /chunked 
2
0

0" "http: /chunked answers in three chunks"
is "$(curl -s "$U/chunked")" "n1 GET /chunked 0" "http: /chunked decoded"

out=$(printf 'GET /close HTTP/1.1\r\nHost: x\r\n\r\n' |
    C_SHUT=0 client "$BPORT" | nocr)
like "$out" 'Connection: close' "http: /close says Connection: close"
is "$(ends "$out")" "n1 GET /close 0|[eof]" "http: and closes"

out=$(printf 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
    C_SHUT=0 client "$BPORT" | nocr)
is "$(ends "$out")" "n1 GET / 0|[eof]" "http: Connection: close from the client closes"
out=$(printf 'GET / HTTP/1.0\r\n\r\n' | C_SHUT=0 client "$BPORT" | nocr)
is "$(ends "$out")" "n1 GET / 0|[eof]" "http: HTTP/1.0 closes"
out=$(printf 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' |
    C_SHUT=0 C_WAIT=1 client "$BPORT" | nocr)
like "$out" 'Connection: keep-alive' "http: HTTP/1.0 keep-alive is answered"
is "$(ends "$out")" "n1 GET / 0|[open]" "http: and kept"

is "$(curl -s "$U/big?100000" | tr -d x | wc -c):$(curl -s "$U/big?100000" | wc -c)" \
    "0:100000" "http: /big?100000 is 100000 x's"

out=$(printf 'GET / HTTP/1.1\r\nBad header\r\n\r\n' | C_SHUT=0 client "$BPORT" | nocr)
is "$(starts "$out")|$(ends "$out")" "HTTP/1.1 400 Bad Request|n1 bad request: header line|[eof]" \
    "http: a bad header line gets 400 and the close"

out=$(printf 'POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n' |
    C_SHUT=0 client "$BPORT" | nocr)
is "$(ends "$out")" "n1 POST / 2|[eof]" \
    "http: Content-Length with chunked: chunked wins, then the close"

out=$(printf 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\nraw \001\002 bytes' |
    client "$BPORT" | nocr)
is "$out" "HTTP/1.1 101 Switching Protocols
Upgrade: websocket
Connection: Upgrade
X-Backend: n1
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=

raw $(printf '\001\002') bytes[eof]" "http: websocket upgrade: 101, then an echo"

# RB_RECORD
RB_RECORD=$T/record backend http rec
printf 'GET /one HTTP/1.1\r\nHost: x\r\n\r\n' | client "$BPORT" >/dev/null
printf 'POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz' |
    client "$BPORT" >/dev/null
printf 'GET /one HTTP/1.1\r\nHost: x\r\n\r\nPOST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz' >"$T/want"
cmp -s "$T/record" "$T/want"
ok $? "http: RB_RECORD holds the bytes received, connection after connection"
RB_RECORD=$T/record.echo backend echo
head -c 100000 /dev/urandom >"$T/rand"
pids=
for _ in 1 2 3; do
	client "$BPORT" <"$T/rand" >/dev/null &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
is "$(wc -c <"$T/record.echo" | tr -d ' ')" 300000 \
    "echo: RB_RECORD from three connections at once loses nothing"

# proxy
backend proxy p1
out=$(printf 'PROXY TCP4 192.0.2.1 192.0.2.2 1234 80\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
    perl tests/lib/raw.pl "$BPORT" | nocr)
like "$out" 'X-Proxy: PROXY TCP4 192.0.2.1 192.0.2.2 1234 80' "proxy: v1 line in X-Proxy"
like "$out" 'p1 GET / 0$' "proxy: then http"
out=$(perl -MSocket=inet_pton,AF_INET,AF_INET6 -e '
	print "\r\n\r\n\0\r\nQUIT\n", pack("CCn", 0x21, 0x11, 12),
	    inet_pton(AF_INET, "192.0.2.1"), inet_pton(AF_INET, "198.51.100.7"),
	    pack("nn", 1234, 443), "GET /v2 HTTP/1.1\r\nHost: x\r\n\r\n",
	    "GET /again HTTP/1.1\r\nHost: x\r\n\r\n"' | client "$BPORT" | nocr)
is "$(printf '%s\n' "$out" | grep -c '^X-Proxy: v2 TCP4 192.0.2.1 1234 198.51.100.7 443$')" 2 \
    "proxy: v2 TCP4 decoded, in each answer"
out=$(perl -MSocket=inet_pton,AF_INET6 -e '
	print "\r\n\r\n\0\r\nQUIT\n", pack("CCn", 0x21, 0x21, 36 + 5),
	    inet_pton(AF_INET6, "2001:db8::1"), inet_pton(AF_INET6, "2001:db8::2"),
	    pack("nn", 5000, 80), "\x04\x00\x02ab",
	    "GET /v6 HTTP/1.1\r\nHost: x\r\n\r\n"' | client "$BPORT" | nocr)
like "$out" 'X-Proxy: v2 TCP6 2001:db8::1 5000 2001:db8::2 80' "proxy: v2 TCP6, TLVs skipped"
like "$out" 'p1 GET /v6 0' "proxy: then http after v2"
out=$(printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' | C_SHUT=0 client "$BPORT" | nocr)
is "$(starts "$out")|$(ends "$out")" "HTTP/1.1 400 Bad Request|p1 bad request: PROXY protocol: no PROXY header|[eof]" \
    "proxy: no header: 400 and close"
out=$(printf 'PROXY TCP4 192.0.2.1 nonsense 1 2\r\nGET / HTTP/1.1\r\n\r\n' |
    C_SHUT=0 client "$BPORT" | nocr)
is "$(starts "$out")|$(ends "$out")" "HTTP/1.1 400 Bad Request|p1 bad request: PROXY protocol: bad v1 header|[eof]" \
    "proxy: bad v1 header: 400 and close"

# tls-http (IO::Socket::SSL: Debian's libio-socket-ssl-perl)
if perl -MIO::Socket::SSL -e 1 2>/dev/null; then
	make_certs "$T/certs"
	backend tls-http t1 "$T/certs/a.crt" "$T/certs/a.key"
	out=$(curl -skv -D - --resolve "a.test:$BPORT:127.0.0.1" \
	    "https://a.test:$BPORT/x" "https://a.test:$BPORT/y" \
	    2>"$T/curl.log" | nocr)
	like "$out" 'X-SNI: a.test' "tls-http: X-SNI is the name curl sent"
	like "$out" 't1 GET /x 0' "tls-http: http inside"
	like "$out" 't1 GET /y 0' "tls-http: a second request"
	grep -q 'Re-using existing connection' "$T/curl.log"
	ok $? "tls-http: on the same connection"
	like "$(curl -sk -D - "https://127.0.0.1:$BPORT/" | nocr)" 'X-SNI: -' \
	    "tls-http: no SNI: X-SNI: -"
else
	skip "no IO::Socket::SSL" 5
fi

# garbage
backend garbage
is "$(printf 'GET / HTTP/1.1\r\n\r\n' | perl tests/lib/raw.pl "$BPORT" | od -c | head -2)" \
    "$(printf 'this is not http\r\n\r\n' | od -c | head -2)" "garbage: not http"

# resetbody
backend resetbody
printf 'GET / HTTP/1.1\r\n\r\n' | client "$BPORT" >"$T/reset.out"
like "$(nocr <"$T/reset.out" | head -3)" 'Content-Length: 100000' \
    "resetbody: promises 100000 bytes"
is "$(sed '1,/^\r$/d' "$T/reset.out")" "$(head -c 1000 /dev/zero | tr '\0' x)[reset]" \
    "resetbody: sends 1000, then resets"

# hang
backend hang
is "$(printf 'GET / HTTP/1.1\r\n\r\n' | C_SHUT=0 C_WAIT=1 client "$BPORT")" \
    "[open]" "hang: no answer, connection kept"
printf 'GET / HTTP/1.1\r\n\r\n' | C_SHUT=0 C_WAIT=5 client "$BPORT" \
    >"$T/hang.out" &
hangc=$!
sleep 0.3
kill -TERM "$BPID"
wait "$hangc"
is "$(cat "$T/hang.out")" "[eof]" "stopping a backend ends its connections too"

# endless
backend endless
printf 'GET / HTTP/1.1\r\n\r\n' | C_SHUT=0 client "$BPORT" >"$T/endless.out"
n=$(wc -c <"$T/endless.out")
ok "$([ "$n" -ge $((10 << 20)) ] && [ "$n" -le $(((10 << 20) + 2048)) ]; echo $?)" \
    "endless: 10 MiB, then the end ($n bytes)"
like "$(head -c 40 "$T/endless.out" | nocr)" '^HTTP/1.1 200 OK
X-A: aaaa' "endless: a status line, then X-A lines"
is "$(tail -c 5 "$T/endless.out")" "[eof]" "endless: closed at the end"

# splitcl
backend splitcl
out=$(printf 'GET / HTTP/1.1\r\n\r\n' | perl tests/lib/raw.pl "$BPORT" | nocr)
is "$(printf '%s\n' "$out" | grep -c '^Content-Length: ')" 3 \
    "splitcl: two Content-Length headers (and one smuggled)"
like "$out" 'Content-Length: 5
Content-Length: 60' "splitcl: 5 and the whole body"

# RB_ADDR
if perl -MIO::Socket::IP -e 'IO::Socket::IP->new(LocalHost => "::1", Listen => 1) or exit 1' 2>/dev/null; then
	RB_ADDR=::1 backend http six
	is "$(curl -sg "http://[::1]:$BPORT/")" "six GET / 0" "RB_ADDR=::1 listens there"
else
	skip "no ::1" 1
fi

wait "$SLOWCURL"
is "$(cat "$T/slow.body")" "slow GET /slow 0" "http: /slow answers"
ok "$(awk '{ exit !($1 >= 2.9) }' "$T/slow.time"; echo $?)" \
    "http: after 3 s ($(cat "$T/slow.time") s)"

done_testing
