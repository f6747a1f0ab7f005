#!/bin/sh
# httpd's multipart range answers with the longest media type a `types`
# block allows (63 + 1 + 127 bytes): each part head carries it, so the
# heads must be sized from what they hold, not from a guess.  The whole
# 206 answer is compared byte for byte, then the same worker serves on.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
PREFORK=1	# one worker: the one that answered must be the one that serves
. tests/lib/httpd.sh

# 63 bytes of type, 127 of subtype: 191 with the slash.
type=$(printf 'a%.0s' $(seq 63))/$(printf 'b%.0s' $(seq 127))
is "${#type}" 191 "the media type is 191 bytes"
printf 'abcdefghijklmnopqrstuvwxyz' >"$T/htdocs/alpha.long"

httpd_start "
types {
	$type long
}
server \"default\" {
	listen on 127.0.0.1 port $PORT
}"

# The head (up to the blank line) and the body of a saved answer.
head_of() {
	perl -0777 -ne 'print $1 if /\A(.*?\r\n)\r\n/s' "$1"
}
body_of() {
	perl -0777 -ne 'print $1 if /\A.*?\r\n\r\n(.*)\z/s' "$1"
}

printf 'GET /alpha.long HTTP/1.1\r\nHost: a\r\nRange: bytes=0-1,2-3,4-5,6-7\r\nConnection: close\r\n\r\n' |
    raw >"$T/multi.out"
head=$(head_of "$T/multi.out")
is "$(status_of "$head")" 206 "four ranges with a 191-byte type: 206"
boundary=$(printf '%s\n' "$head" |
    sed -n 's/^Content-Type: multipart\/byteranges; boundary=\([0-9a-z]*\)\r$/\1/p')
isnt "$boundary" "" "multipart/byteranges with a boundary"
{
	for r in 0-1:ab 2-3:cd 4-5:ef 6-7:gh; do
		[ "${r%%:*}" = 0-1 ] || printf '\r\n'
		printf -- '--%s\r\nContent-Type: %s\r\n' "$boundary" "$type"
		printf 'Content-Range: bytes %s/26\r\n\r\n%s' "${r%%:*}" "${r#*:}"
	done
	printf '\r\n--%s--\r\n' "$boundary"
} >"$T/multi.want"
body_of "$T/multi.out" >"$T/multi.body"
cmp -s "$T/multi.body" "$T/multi.want"
ok $? "each part: its boundary, the type, its Content-Range, its bytes"
[ "$?" -eq 0 ] || diag "$(od -c "$T/multi.body" | head -20)"
like "$head" "Content-Length: $(wc -c <"$T/multi.want").?\$" \
    "Content-Length counts the whole multipart body"

is "$(curl -s "$URL/alpha.long")" abcdefghijklmnopqrstuvwxyz \
    "the worker still serves"
is "$(curl -s -r 1-2 "$URL/alpha.long")" bc "... and single ranges"
! grep -q 'worker .*\(killed\|exited\)' "$T/stderr"
ok $? "no worker died"

done_testing
