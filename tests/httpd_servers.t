#!/bin/sh
# httpd's server and location options: name-based and default servers,
# aliases, patterns, locations, block, rewrite, strip, headers, auth.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
. tests/lib/httpd.sh

for site in a b c; do
	mkdir -p "$T/htdocs/$site/new" "$T/htdocs/$site/pub/x"
	echo "site $site" >"$T/htdocs/$site/index.html"
	echo "new $site" >"$T/htdocs/$site/new/page.html"
	mkdir -p "$T/htdocs/$site/x"
	echo "x $site" >"$T/htdocs/$site/x/f.txt"
done
mkdir -p "$T/acme/.well-known/acme-challenge" "$T/secret" "$T/errdocs"
echo 'Missing: $HTTP_ERROR ($RESPONSE_CODE) [$SERVER_SOFTWARE]' >"$T/errdocs/404.html"
echo 'Error $RESPONSE_CODE' >"$T/errdocs/err.html"
mkdir -p "$T/htdocs/c/closed"
echo token >"$T/acme/.well-known/acme-challenge/tok"
echo "private" >"$T/htdocs/a/private.html"
mkdir -p "$T/htdocs/a/members"
echo members >"$T/htdocs/a/members/index.html"
mkdir -p "$T/htdocs/a/maybe"
echo here >"$T/htdocs/a/maybe/here.txt"
# bcrypt of "wonderland", cost 5, as htpasswd -B writes it
printf '%s\n' 'alice:$2b$05$MFqyqt9u00WquIJ.GvMyOeQCunM2VpR/aj1J93AZPZa.x.fKJLNkS' \
    >"$T/secret/htpasswd"

httpd_start "
server \"a.example\" {
	listen on 127.0.0.1 port $PORT
	alias \"www.a.example\"
	root \"/htdocs/a\"
	header set \"X-Frame-Options\" \"DENY\" always
	header add \"X-Site\" \"a\"
	header remove \"Accept-Ranges\"
	location \"/private.html\" { block }
	location \"/gone/*\" { block return 410 }
	location \"/drop/*\" { block drop }
	location match \"^/old/(.*)$\" { request rewrite \"/new/%1\" }
	location match \"^/moved/(.*)$\" { block return 301 \"http://\$HTTP_HOST/new/%1?\$QUERY_STRING\" }
	location \"/.well-known/acme-challenge/*\" {
		root \"/acme\"
		request strip 0
	}
	location \"/members/*\" {
		authenticate \"Members\" with \"/secret/htpasswd\"
	}
	location not found \"/maybe/*\" { block return 302 \"/\" }
}
server match \"^b%d*%.example$\" {
	listen on 127.0.0.1 port $PORT
	root \"/htdocs/b\"
	location \"/pub/*\" { request strip 1 }
}
server \"conn.example\" {
	listen on 127.0.0.1 port $PORT
	root \"/htdocs/a\"
	log { style connection, access \"conn.log\" }
}
server \"*.c.example\" {
	listen on 127.0.0.1 port $PORT
	root \"/htdocs/c\"
	no banner
	errdocs \"/errdocs\"
}"

host() { curl -s -H "Host: $1" "$URL$2"; }
code() { curl -s -o /dev/null -w '%{http_code}' -H "Host: $1" "$URL$2"; }

is "$(host a.example /)" "site a" "name-based server"
is "$(host www.a.example /)" "site a" "alias"
is "$(host A.EXAMPLE:$PORT /)" "site a" "names compare without case, port ignored"
is "$(host b42.example /)" "site b" "server match with a pattern"
is "$(host www.c.example /)" "site c" "server with a glob name"
is "$(host unknown.example /)" "site a" "an unknown name gets the first server"
is "$(curl -s --http1.0 -H 'Host:' "$URL/")" "site a" "no Host (1.0) gets the first server"
is "$(curl -s --request-target "http://b7.example/" "$URL/")" "site b" \
    "absolute-form target names the server"

is "$(code a.example /private.html)" 403 "block: 403"
is "$(code a.example /gone/x)" 410 "block return 410"
out=$(printf 'GET /drop/x HTTP/1.1\r\nHost: a.example\r\n\r\n' | raw)
is "$out" "" "block drop: the connection closes without an answer"
is "$(host a.example /old/page.html)" "new a" "request rewrite with a capture"
out=$(curl -s -i -H 'Host: a.example' "$URL/moved/page.html?q=1")
is "$(status_of "$out")" 301 "block return 301 with macros"
like "$out" "Location: http://a\\.example/new/page\\.html\\?q=1" \
    "... \$HTTP_HOST, %1 and \$QUERY_STRING expanded"
is "$(host a.example /.well-known/acme-challenge/tok)" token \
    "a location with its own root"
is "$(host b1.example /pub/x/f.txt)" "x b" "request strip 1"
is "$(code a.example /maybe/nothing)" 302 "location not found matches a missing path"
is "$(code a.example /maybe/here.txt)" 200 "... and not an existing one"

out=$(curl -s -i -H 'Host: a.example' "$URL/")
like "$out" 'X-Frame-Options: DENY' "header set"
like "$out" 'X-Site: a' "header add"
! printf '%s' "$out" | grep -q 'Accept-Ranges'
ok $? "header remove"
out=$(curl -s -i -H 'Host: a.example' "$URL/gone/x")
like "$out" 'X-Frame-Options: DENY' "header ... always: also on errors"
! printf '%s' "$out" | grep -q 'X-Site'
ok $? "header without always: not on errors"
! curl -s -i -H 'Host: x.c.example' "$URL/" | grep -q '^Server:'
ok $? "no banner: no Server field"
is "$(host x.c.example /nothing)" "Missing: Not Found (404) []" \
    "errdocs: NNN.html with its macros (no banner: no software)"
is "$(host x.c.example /closed/)" "Error 403" "errdocs: err.html for the rest"
like "$(host a.example /nothing)" '<h1>404 Not Found</h1>' \
    "a server without errdocs: the built-in page"

out=$(curl -s -i -H 'Host: a.example' "$URL/members/")
is "$(status_of "$out")" 401 "authenticate: 401 without credentials"
like "$out" 'WWW-Authenticate: Basic realm="Members"' "... with the realm"
is "$(curl -s -u alice:wonderland -H 'Host: a.example' "$URL/members/")" \
    members "the right password"
is "$(curl -s -o /dev/null -w '%{http_code}' -u alice:wrong \
    -H 'Host: a.example' "$URL/members/")" 401 "a wrong password: 401"
is "$(curl -s -o /dev/null -w '%{http_code}' -u bob:wonderland \
    -H 'Host: a.example' "$URL/members/")" 401 "an unknown user: 401"
is "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Basic !!!' \
    -H 'Host: a.example' "$URL/members/")" 401 "garbage credentials: 401"
like "$(cat "$T/logs/access.log")" '^a\.example 127\.0\.0\.1 - alice \[' \
    "the user is in the access log"

# log style connection: one line per connection, with its requests.
printf 'GET /index.html HTTP/1.1\r\nHost: conn.example\r\n\r\nGET /new/page.html HTTP/1.1\r\nHost: conn.example\r\nConnection: close\r\n\r\n' | raw >/dev/null
sleep 0.3
like "$(cat "$T/logs/conn.log")" \
    "^server conn\\.example, client [0-9]+ \\([0-9]+ active\\), 127\\.0\\.0\\.1:[0-9]+ -> 127\\.0\\.0\\.1:$PORT, done, \\[/index\\.html\\] \\[/new/page\\.html\\]$" \
    "log style connection: one line per connection with every request"
done_testing
