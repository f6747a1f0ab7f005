#!/bin/sh
# httpd serving files: status codes, headers, directories, index and
# auto index, conditional requests, ranges, keep-alive and pipelining.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
. tests/lib/httpd.sh

echo hello >"$T/htdocs/index.html"
mkdir -p "$T/htdocs/dir" "$T/htdocs/list" "$T/htdocs/noindex"
echo "in dir" >"$T/htdocs/dir/index.html"
printf 'abcdefghijklmnopqrstuvwxyz' >"$T/htdocs/alpha.txt"
echo '<p>x</p>' >"$T/htdocs/list/plain.html"
: >"$T/htdocs/list/<img src=x onerror=alert(1)>.txt"
: >"$T/htdocs/list/a\"b&c.txt"
: >"$T/htdocs/list/.hidden"
mkdir "$T/htdocs/list/sub dir"
echo '{}' >"$T/htdocs/data.json"
echo 'body { }' >"$T/htdocs/style.css"
head -c 300000 /dev/urandom >"$T/htdocs/big.bin"
printf 'gzipped' >"$T/htdocs/page.txt.gz"
printf 'plain' >"$T/htdocs/page.txt"

httpd_start "
types {
	text/html html
	text/plain txt
	text/css css
	application/json json
}
server \"default\" {
	listen on 127.0.0.1 port $PORT
	location \"/list/*\" { directory auto index }
	location \"/page.txt\" { gzip-static }
}"

out=$(curl -s -i "$URL/")
is "$(status_of "$out")" 200 "GET / is 200"
like "$out" 'hello' "the index file is served for /"
like "$out" 'Content-Type: text/html' "index.html is text/html"
like "$out" 'Content-Length: 6' "Content-Length"
like "$out" 'Date: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] 20[0-9][0-9] ' "Date"
like "$out" 'Server: httpd' "Server"
like "$out" 'ETag: "[0-9a-f]+-6"' "ETag"
like "$out" 'Last-Modified: ' "Last-Modified"

out=$(curl -s -I "$URL/alpha.txt")
is "$(status_of "$out")" 200 "HEAD is 200"
like "$out" 'Content-Length: 26' "HEAD has the full Content-Length"
is "$(curl -s -X HEAD --max-time 2 "$URL/alpha.txt" | wc -c)" 0 \
    "HEAD sends no body"
like "$(curl -s -I "$URL/data.json")" 'Content-Type: application/json' \
    "types from the types block"
like "$(curl -s -I "$URL/style.css")" 'Content-Type: text/css' "css type"

is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/nothing")" 404 \
    "a missing file is 404"
out=$(curl -s -i "$URL/dir")
is "$(status_of "$out")" 301 "a directory without slash is 301"
like "$out" 'Location: /dir/' "... to the slash"
is "$(curl -s "$URL/dir/")" "in dir" "a directory's index.html"
like "$(curl -s -i "$URL/dir?a=1")" 'Location: /dir/\?a=1' \
    "the redirect keeps the query"
is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/noindex/")" 403 \
    "a directory without index or auto index is 403"

page=$(curl -s "$URL/list/")
like "$page" '<meta charset="utf-8">' "the listing declares its charset"
like "$page" 'plain\.html' "the listing shows files"
like "$page" 'sub dir/' "... and directories with a slash"
like "$page" '&lt;img src=x onerror=alert\(1\)&gt;\.txt' "names are HTML-escaped"
like "$page" 'href="%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E\.txt"' \
    "names are URL-encoded in links"
! printf '%s' "$page" | grep -q '<img'
ok $? "no raw markup from a file name"
like "$page" 'a&quot;b&amp;c\.txt' "quotes and ampersands escaped"
! printf '%s' "$page" | grep -q 'hidden'
ok $? "dot files are not listed"

etag=$(curl -s -I "$URL/alpha.txt" | sed -n 's/^ETag: \(.*\)\r$/\1/p')
is "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" \
    "$URL/alpha.txt")" 304 "If-None-Match with the ETag: 304"
is "$(curl -s -o /dev/null -w '%{http_code}' -H 'If-None-Match: "x"' \
    "$URL/alpha.txt")" 200 "If-None-Match with another ETag: 200"
lm=$(curl -s -I "$URL/alpha.txt" | sed -n 's/^Last-Modified: \(.*\)\r$/\1/p')
is "$(curl -s -o /dev/null -w '%{http_code}' -H "If-Modified-Since: $lm" \
    "$URL/alpha.txt")" 304 "If-Modified-Since the modification: 304"
is "$(curl -s -o /dev/null -w '%{http_code}' \
    -H 'If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT' \
    "$URL/alpha.txt")" 200 "If-Modified-Since long before: 200"

out=$(curl -s -i -r 2-5 "$URL/alpha.txt")
is "$(status_of "$out")" 206 "a range: 206"
like "$out" 'Content-Range: bytes 2-5/26' "Content-Range"
is "$(curl -s -r 2-5 "$URL/alpha.txt")" cdef "the range's bytes"
is "$(curl -s -r -3 "$URL/alpha.txt")" xyz "a suffix range"
out=$(curl -s -i -r 0-1,24- "$URL/alpha.txt")
like "$out" 'Content-Type: multipart/byteranges; boundary=' \
    "two ranges: multipart/byteranges"
like "$out" 'Content-Range: bytes 24-25/26' "... each part with its range"
out=$(curl -s -i -r 100-200 "$URL/alpha.txt")
is "$(status_of "$out")" 416 "an unsatisfiable range: 416"
like "$out" 'Content-Range: bytes \*/26' "... with the size"
is "$(curl -s -r 0-1 -H 'If-Range: "nope"' "$URL/alpha.txt")" \
    abcdefghijklmnopqrstuvwxyz "If-Range that does not hold: the whole file"

curl -s -o "$T/big.out" "$URL/big.bin"
cmp -s "$T/big.out" "$T/htdocs/big.bin"
ok $? "a 300 KB file arrives whole"

out=$(curl -s -i -H 'Accept-Encoding: gzip' "$URL/page.txt")
like "$out" 'Content-Encoding: gzip' "gzip-static serves file.gz"
like "$out" 'gzipped$' "... its bytes"
is "$(curl -s "$URL/page.txt")" plain "without gzip: the plain file"

out=$(curl -s -i -X POST -d x "$URL/alpha.txt")
is "$(status_of "$out")" 405 "POST to a file: 405"
like "$out" 'Allow: GET, HEAD' "... with Allow"

out=$(curl -s -v "$URL/alpha.txt" "$URL/alpha.txt" 2>&1)
like "$out" '(Re-using|Reusing) existing connection' "keep-alive: the connection is reused"

out=$(printf 'GET /alpha.txt HTTP/1.1\r\nHost: a\r\n\r\nGET /nothing HTTP/1.1\r\nHost: a\r\n\r\nGET /alpha.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' | raw)
is "$(printf '%s' "$out" | grep -o 'HTTP/1.1 [0-9]*' | wc -l)" 3 \
    "three pipelined requests, three responses"
is "$(printf '%s' "$out" | grep -o 'HTTP/1.1 [0-9]*' | awk '{print $2}' | tr '\n' ' ')" \
    "200 404 200 " "... in order"
reqs='GET /alpha.txt HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\nGET /dir/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'
whole=$(printf "$reqs" | raw | grep -v '^Date: ')
bytewise=$(printf "$reqs" | RAW_BYTEWISE=1 raw | grep -v '^Date: ')
is "$bytewise" "$whole" "requests sent a byte at a time get the same answers"
like "$whole" 'in dir' "... which are the right ones"
out=$(printf 'GET /alpha.txt HTTP/1.0\r\n\r\n' | raw)
like "$out" 'Connection: close' "HTTP/1.0 without keep-alive closes"

log=$(cat "$T/logs/access.log")
like "$log" '^default 127\.0\.0\.1 - - \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9:]{8} [-+][0-9]{4}\] "GET /alpha\.txt HTTP/1\.1" 200 26$' \
    "access log line in the common style"
like "$(cat "$T/logs/error.log")" 'server default, client 127\.0\.0\.1:[0-9]+, GET \[/nothing\]: 404 Not Found' \
    "error log line for a 404"

# The small-file cache: the same bytes and validators, and a change on
# disk is seen within a second.
echo first >"$T/htdocs/changing.txt"
a=$(curl -s -i "$URL/changing.txt" | grep -v '^Date:')
b=$(curl -s -i "$URL/changing.txt" | grep -v '^Date:')
is "$b" "$a" "a file served twice (the second time from the cache): same answer"
echo second-version >"$T/htdocs/changing.txt"
sleep 1.2
is "$(curl -s "$URL/changing.txt")" second-version \
    "a changed file is served changed within a second"
rm "$T/htdocs/changing.txt"
sleep 1.2
is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/changing.txt")" 404 \
    "a removed file is gone within a second"

is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/")" 200 "still serving"
done_testing
