#!/bin/sh
# httpd and bad input: each kind of malformed request gets its exact
# status, the connection is closed where framing is in doubt, no path
# leaves the root, and the server still serves afterwards.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
. tests/lib/httpd.sh

echo hello >"$T/htdocs/index.html"
echo CANARY-OUTSIDE >"$T/secret.txt"
ln -s /secret.txt "$T/htdocs/escape-abs"
ln -s ../secret.txt "$T/htdocs/escape-rel"
mkdir -p "$T/htdocs/a"
echo inside >"$T/htdocs/a/b.txt"
ln -s a/b.txt "$T/htdocs/inside-link"

httpd_start "
server \"default\" {
	listen on 127.0.0.1 port $PORT
	connection { max request body 100 }
}"

# send NAME EXPECTED-STATUS BYTES: the status of the answer to BYTES (a
# printf format: write %% for a percent sign).
send() {
	out=$(printf "$3" | raw)
	is "$(status_of "$out")" "$2" "$1 -> $2"
	if [ "$2" -ge 400 ] && [ "$2" != 404 ] && [ "$2" != 403 ] &&
	    [ "$2" != 405 ]; then
		like "$out" 'Connection: close' "$1: the connection is closed"
	fi
}

G='GET / HTTP/1.1\r\nHost: a\r\n'
send "CL and TE" 400 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 31\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n'
send "duplicate Content-Length" 400 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 31\r\n\r\n'
send "Content-Length list" 400 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello'
send "signed Content-Length" 400 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello'
send "hex Content-Length" 400 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nhello'
send "empty Content-Length" 400 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n'
send "TE identity" 501 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n'
send "TE gzip, chunked" 501 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'
send "TE ,chunked" 400 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,chunked\r\n\r\n'
send "TE on HTTP/1.0" 400 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
send "obs-fold" 400 "${G}X-A: 1\r\n  continued\r\n\r\n"
send "bare LF" 400 'GET / HTTP/1.1\nHost: a\n\n'
send "bare CR" 400 'GET / HTTP/1.1\rHost: a\r\n\r\n'
send "space before colon" 400 'GET / HTTP/1.1\r\nHost : a\r\n\r\n'
send "control byte in a value" 400 "${G}X-A: a\033b\r\n\r\n"
send "NUL in Host" 400 'GET / HTTP/1.1\r\nHost: a\000b\r\n\r\n'
send "missing Host" 400 'GET / HTTP/1.1\r\n\r\n'
send "two Hosts" 400 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'
send "HTTP/2.0" 505 'GET / HTTP/2.0\r\nHost: a\r\n\r\n'
send "HTTP/1.32" 400 'GET / HTTP/1.32\r\nHost: a\r\n\r\n'
send "unknown method" 501 'BREW / HTTP/1.1\r\nHost: a\r\n\r\n'
send "junk method" 400 'G@T / HTTP/1.1\r\nHost: a\r\n\r\n'
send "control byte in target" 400 'GET /\001 HTTP/1.1\r\nHost: a\r\n\r\n'
send "body over max request body" 413 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n'
send "POST with a body to a file" 405 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nab'

long=$(head -c 9000 /dev/zero | tr '\0' a)
send "URI over 8 KiB" 414 "GET /$long HTTP/1.1\r\nHost: a\r\n\r\n"
hdrs=$(i=0; while [ $i -lt 120 ]; do printf 'X-%d: v\\r\\n' $i; i=$((i + 1)); done)
send "120 header fields" 431 "${G}${hdrs}\r\n"
send "a 9 KiB header field" 431 "${G}X-Big: $long\r\n\r\n"

# Paths: never a byte from outside the root.
send "dot-dot" 403 'GET /../secret.txt HTTP/1.1\r\nHost: a\r\n\r\n'
send "encoded dot-dot" 403 'GET /%%2e%%2e/secret.txt HTTP/1.1\r\nHost: a\r\n\r\n'
send "encoded slash" 404 'GET /a%%2fb.txt HTTP/1.1\r\nHost: a\r\n\r\n'
send "encoded NUL" 404 'GET /index.html%%00.txt HTTP/1.1\r\nHost: a\r\n\r\n'
send "overlong UTF-8 dot" 404 'GET /%%c0%%ae%%c0%%ae/secret.txt HTTP/1.1\r\nHost: a\r\n\r\n'
send "bad escape" 400 'GET /%%zz HTTP/1.1\r\nHost: a\r\n\r\n'
send "absolute symlink out of the root" 403 'GET /escape-abs HTTP/1.1\r\nHost: a\r\n\r\n'
send "relative symlink out of the root" 403 'GET /escape-rel HTTP/1.1\r\nHost: a\r\n\r\n'
is "$(curl -s "$URL/inside-link")" inside "a symlink inside the root is followed"
is "$(curl -s "$URL/a/../a/b.txt")" inside "dot segments inside the root resolve"
! grep -rq CANARY-OUTSIDE "$T/logs" 2>/dev/null
all=$(for p in /../secret.txt /%2e%2e/secret.txt /escape-abs /escape-rel \
    '/a/..%2f..%2fsecret.txt' /a/../../secret.txt; do
	printf 'GET %s HTTP/1.1\r\nHost: a\r\n\r\n' "$p" | raw
done)
! printf '%s' "$all" | grep -q CANARY
ok $? "the file outside the root never appears in any answer"

# Slow and partial clients.
out=$( (printf 'GET / HTTP/1.1\r\n'; sleep 1; printf 'Host: a\r\n\r\n') | raw)
is "$(status_of "$out")" 200 "a head that arrives in two pieces"
out=$(printf 'G' | raw)
is "$out" "" "a lone byte: no answer yet, nothing made up"

is "$(curl -s "$URL/")" hello "httpd still serves after all of it"
is "$(grep -c 'killed by signal' "$T/stderr")" 0 "no worker died"
done_testing
