#!/bin/sh
# httpd's custom error pages at their largest, after a head made long by
# what the request echoes (a redirect's Location keeps the query): every
# byte Content-Length announces is sent, so the next response on the
# kept-alive connection is read as a response of its own, not as the
# rest of this one's body.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
. tests/lib/httpd.sh

mkdir -p "$T/errdocs" "$T/htdocs/dir"
# 8191 bytes: the largest page errdocs serves (8192 and more are cut).
perl -e 'print "<p>", "x" x 8183, "</p>\n"' >"$T/errdocs/err.html"
is "$(wc -c <"$T/errdocs/err.html")" 8191 "the error page is 8191 bytes"
printf 'abcdefghijklmnopqrstuvwxyz' >"$T/htdocs/alpha.txt"
echo 'in dir' >"$T/htdocs/dir/index.html"

httpd_start "
errdocs \"/errdocs\"
server \"default\" {
	listen on 127.0.0.1 port $PORT
}"

# Split a saved stream of responses by their Content-Length: one line per
# response, "status announced received", then "rest N" for bytes after
# the last; each body is written to FILE.1, FILE.2 ...
split_responses() {
	perl -e '
		local $/; open my $f, "<", $ARGV[0] or die; binmode $f;
		my $s = <$f>; my $i = 0;
		while ($s =~ s/\A(HTTP\/1\.1 (\d{3})[^\r]*\r\n.*?)\r\n\r\n//s) {
			my ($head, $status) = ($1, $2);
			my ($cl) = $head =~ /^Content-Length: (\d+)\r?$/mi;
			$cl //= 0;
			my $body = substr($s, 0, $cl, "");
			$i++;
			open my $o, ">", "$ARGV[0].$i" or die; binmode $o;
			print $o $body; close $o;
			printf "%s %d %d\n", $status, $cl, length $body;
		}
		printf "rest %d\n", length $s;
	' "$1"
}

# A query of 8100 bytes (a request line is at most 8192): the 301 head
# holds it in Location, and with the page it passes 16384 bytes.
query=$(perl -e 'print "q=", "a" x 8098')
printf 'GET /dir?%s HTTP/1.1\r\nHost: a\r\n\r\nGET /alpha.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' \
    "$query" | raw >"$T/two.out"
out=$(split_responses "$T/two.out")
is "$(printf '%s\n' "$out" | sed -n 1p)" "301 8191 8191" \
    "a long redirect with the largest page: all 8191 bytes announced arrive"
cmp -s "$T/two.out.1" "$T/errdocs/err.html"
ok $? "... and they are the page"
is "$(printf '%s\n' "$out" | sed -n 2p)" "200 26 26" \
    "the next response on the connection parses as its own"
is "$(cat "$T/two.out.2")" abcdefghijklmnopqrstuvwxyz "... with its own body"
is "$(printf '%s\n' "$out" | sed -n 3p)" "rest 0" "nothing is left over"
like "$(head -c 12000 "$T/two.out")" "Location: /dir/\\?$query" \
    "the Location kept the query"

# HEAD: the same length announced, no body, the connection still in step.
printf 'HEAD /dir?%s HTTP/1.1\r\nHost: a\r\n\r\nGET /alpha.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' \
    "$query" | raw >"$T/head.out"
like "$(head -c 12000 "$T/head.out")" 'Content-Length: 8191' \
    "HEAD announces the page's length"
like "$(tail -c 300 "$T/head.out")" 'abcdefghijklmnopqrstuvwxyz$' \
    "... sends no body, and the next response follows"

is "$(curl -s "$URL/alpha.txt")" abcdefghijklmnopqrstuvwxyz \
    "httpd still serves"

done_testing
