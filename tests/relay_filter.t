#!/bin/sh
# relay's filter rules: each entity type and action against a backend
# that records the exact request it got (relay_backend.pl) and a client
# that sees the exact response -- headers set, appended and removed both
# ways, cookies, queries, paths (strip, set), url lookups with globs,
# digests and key files, tags across the requests of one connection,
# labels in error pages, quick, forward to another table, hash actions,
# the log line's [key: value] parts; and heads too large for the rules
# (10,000 fields, a 1 MiB cookie, 100,000 query parameters) refused with
# the worker alive and small.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
[ -x bin/relay ] || skip_all "bin/relay not built"
command -v curl >/dev/null || skip_all "no curl"
. tests/lib/relay_http_lib.sh

C="curl -s --max-time 10"
rb_start HA http A
rb_start HB http B
SETC='HTTP/1.1 200 OK\r\nContent-Length: 2\r\nSet-Cookie: debug=1; Path=/\r\nSet-Cookie: id=7; HttpOnly\r\nX-Backend: K\r\n\r\nok'
canned_start K1 "$SETC" "$SETC" "$SETC"
# A second host of <ab> on 127.0.0.2, the same port as A.
mkfifo "$R/z.ready"
RB_ADDR=127.0.0.2 perl tests/lib/relay_backend.pl http "$HA" Z \
    >"$R/z.ready" 2>>"$R/rb.stderr" &
RB_PIDS="$RB_PIDS $!"
read -r _ <"$R/z.ready" || bail_out "the second host did not start"

for v in P1 P2 P3 P4 P5 P6 P7; do
	eval "$v=\$(free_port)"
done

# The URL lookups' keys: relayd's canonical host and path forms.
printf '# blocked sites\n\nads.example.net/\n  tracker.example.org/pixel/  \n' \
    >"$R/urls"
sha1=$(printf 'example.com/secret/' | sha1sum | cut -d' ' -f1)

relay_start "table <a> { 127.0.0.1 }
table <b> { 127.0.0.1 }
table <ab> { 127.0.0.1 127.0.0.2 }
http protocol edit {
	return error style \"body { color: blue; }\"
	match request header append \"X-Forwarded-For\" value \"\$REMOTE_ADDR\"
	match request header set \"X-Via\" value \"relay \$SERVER_ADDR \$SERVER_PORT\"
	match request header set \"X-Remote\" value \"\$REMOTE_ADDR:\$REMOTE_PORT\"
	match request header set \"X-Host\" value \"\$HOST/\$TIMEOUT/\$SERVER_NAME\"
	match request header remove \"X-Secret*\"
	match request header set \"Content-Length\" value \"1000\"
	match request cookie remove \"tracking\"
	match request cookie set \"lang\" value \"en\"
	match request path strip 1
	match response header set \"X-Filtered\" value \"yes\"
	match response header append \"X-Backend\" value \"seen\"
	match response header remove \"Content-Type\"
}
http protocol cookies {
	match response cookie remove \"debug\"
	match response cookie append \"relay\" value \"1\"
}
http protocol guard {
	return error
	block request quick path \"/quick*\" label \"<b>quick</b> stop\"
	pass request quick path \"/quick/ok\"
	block request path \"/last*\" label \"last\"
	pass request path \"/last/ok\"
	block request method DELETE label \"no deletes\"
	block request query \"cmd\" value \"rm *\" label \"no rm\"
	match request query log \"id\"
	block request cookie \"session\" value \"evil*\" label \"bad session\"
	block request header \"User-Agent\" value \"*BadBot*\" label \"bot\"
	block request header pattern \"^X%-Attack$\" label \"pattern\"
	block request url \"example.com/secret/\" label \"url glob\"
	block request url digest \"$sha1\" label \"url digest\"
	block request url file \"$R/urls\" label \"url file\"
	match request path \"/login*\" tag \"login\"
	block request tagged \"login\" path \"/admin*\" label \"tagged\"
	block request quick from 127.0.0.3 label \"from\"
	match request header log \"User-Agent\"
	match response header log \"X-Backend\"
}
http protocol tables {
	match request path \"/api/*\" forward to <b>
}
http protocol hashing {
	match request header hash \"X-User\"
}
http protocol respblock {
	return error
	block response header \"X-Backend\" value \"B\" label \"from B\"
}
http protocol silent {
	block request path \"/blocked\"
}
relay edit {
	listen on 127.0.0.1 port $P1
	protocol edit
	forward to 127.0.0.1 port $HA
}
relay cookies {
	listen on 127.0.0.1 port $P2
	protocol cookies
	forward to 127.0.0.1 port $K1
}
relay guard {
	listen on 127.0.0.1 port $P3
	protocol guard
	forward to <a> port $HA
	forward to <b> port $HB
}
relay routing {
	listen on 127.0.0.1 port $P4
	protocol tables
	forward to <a> port $HA
	forward to <b> port $HB
}
relay hashing {
	listen on 127.0.0.1 port $P5
	protocol hashing
	forward to <ab> port $HA mode hash
}
relay respblock {
	listen on 127.0.0.1 port $P7
	protocol respblock
	forward to 127.0.0.1 port $HB
}
relay silent {
	listen on 127.0.0.1 port $P6
	protocol silent
	forward to 127.0.0.1 port $HA
}"

# --- header, cookie and path actions, request side ---------------------
out=$($C -D "$R/h1" -H 'X-Forwarded-For: 192.0.2.9' -H 'X-Secret-Key: s' \
    -H 'X-Secret: t' -H 'Cookie: tracking=abc; lang=de; sid=1' \
    "http://127.0.0.1:$P1/app/page?q=1")
is "$out" "A GET /page?q=1 0" "path strip 1: the host gets /page?q=1"
rec=$(rb_record HA | tr -d '\r')
like "$rec" 'X-Forwarded-For: 192.0.2.9, 127.0.0.1' \
    "header append joins the client's X-Forwarded-For"
like "$rec" "X-Via: relay 127.0.0.1 $P1" \
    "header set with \$SERVER_ADDR and \$SERVER_PORT"
like "$rec" 'X-Remote: 127.0.0.1:[0-9]+' "\$REMOTE_ADDR:\$REMOTE_PORT"
like "$rec" "X-Host: 127.0.0.1:$P1/600/relay" \
    "\$HOST, \$TIMEOUT and \$SERVER_NAME"
unlike_secret=$(printf '%s\n' "$rec" | grep -c '^X-Secret')
is "$unlike_secret" 0 "header remove with a glob removes every X-Secret*"
is "$(printf '%s\n' "$rec" | grep '^Cookie:')" "Cookie: lang=en; sid=1" \
    "cookie remove drops tracking, cookie set replaces lang"
is "$(printf '%s\n' "$rec" | grep -c '^Content-Length')" 0 \
    "a rule cannot write Content-Length: the relay frames the request"

# --- response side --------------------------------------------------------
hdr=$(tr -d '\r' <"$R/h1")
like "$hdr" 'X-Filtered: yes' "response header set"
like "$hdr" 'X-Backend: A, seen' "response header append"
is "$(printf '%s\n' "$hdr" | grep -c '^Content-Type')" 0 \
    "response header remove"
like "$hdr" 'Content-Length: 18' "the response keeps its own length"
$C -D "$R/h2" -o /dev/null "http://127.0.0.1:$P2/"
hdr=$(tr -d '\r' <"$R/h2")
is "$(printf '%s\n' "$hdr" | grep '^Set-Cookie' | tr '\n' '|')" \
    "Set-Cookie: id=7; HttpOnly|Set-Cookie: relay=1|" \
    "response cookie remove and append act on Set-Cookie fields"

# --- block and pass: order, quick, labels -----------------------------
code() {	# PATH [CURL-ARGS...]
	_p=$1
	shift
	$C -o "$R/body" -w '%{http_code}' "$@" "http://127.0.0.1:$P3$_p"
}
is "$(code /quick/ok)" 403 "block quick wins over a later pass"
like "$(cat "$R/body")" "<div id='l'><b>quick</b> stop</div>" \
    "the error page carries the rule's label"
is "$(code /last/ok)" 200 "without quick, the last matching rule wins"
is "$(code /last/no)" 403 "block when no later rule passes"
is "$(code /x -X DELETE)" 403 "method DELETE blocked"
is "$(code /x -X PUT -d '')" 200 "method PUT passes"
is "$(code '/x?cmd=rm%20-rf&y=1')" 403 "query value glob, decoded"
is "$(code '/x?cmd=ls')" 200 "a query value that does not match"
is "$(code /x -H 'Cookie: a=1; session=evil123')" 403 "cookie value glob"
is "$(code /x -H 'Cookie: session=good')" 200 "a cookie that does not match"
is "$(code /x -A 'Mozilla BadBot/1.0')" 403 "header value glob"
is "$(code /x -H 'X-Attack: 1')" 403 "header name pattern"
is "$(code /x -H 'X-Attacks: 1')" 200 "a pattern anchored at both ends"
is "$(code /secret/file -H 'Host: www.Example.COM:8080')" 403 \
    "url: the parent domain and leading directory, any case, port dropped"
is "$(code /public/file -H 'Host: www.example.com')" 200 \
    "url: another directory passes"
is "$(code /secret/x -H 'Host: example.com')" 403 "url digest"
is "$(code /a/b -H 'Host: ads.example.net')" 403 "url from a key file"
is "$(code /pixel/1.gif -H 'Host: cdn.tracker.example.org')" 403 \
    "url from a key file, trimmed, under a parent domain"
is "$(code /%73ecret/x -H 'Host: example.com')" 403 \
    "url lookups see the decoded path"
is "$(code /a/../secret/x -H 'Host: example.com')" 403 \
    "url lookups see the path without dot segments"
is "$(code /quick%2fok)" 400 "a path the rules cannot read is refused"
is "$(code /x --interface 127.0.0.3)" 403 "from 127.0.0.3 blocked"
is "$(code /x --interface 127.0.0.2)" 200 "from 127.0.0.2 passes"

# tag across the requests of one connection: /login tags it, /admin is
# then blocked on the same connection, not on a new one.
out=$($C -o /dev/null -o /dev/null -o /dev/null -w '%{http_code} ' \
    "http://127.0.0.1:$P3/admin" \
    "http://127.0.0.1:$P3/login" "http://127.0.0.1:$P3/admin")
is "$out" "200 200 403 " "tagged: the tag stays with the connection"
is "$(code /admin)" 200 "a new connection has no tag"

# Without return error, a blocked request just closes the connection.
out=$(printf 'GET /blocked HTTP/1.1\r\nHost: a\r\n\r\n' | rawp "$P6")
is "$out" "" "no return error: a blocked request gets no answer"
is "$($C "http://127.0.0.1:$P6/open")" "A GET /open 0" \
    "... and the relay serves the next one"
$C -o "$R/body" "http://127.0.0.1:$P3/last/no"
like "$(cat "$R/body")" 'body \{ color: blue; \}|^<!DOCTYPE' \
    "the error page is HTML"

# The relay's own answer to a later request of a connection is sent, not
# dropped: a bad second request of a pipeline gets its 400 page.
out=$(printf 'GET /x HTTP/1.1\r\nHost: a\r\n\r\nGET /y HTTP/1.1\nHost: a\n\n' |
    perl tests/lib/relay_client.pl 127.0.0.1 "$P3" | tr -d '\r' |
    grep '^HTTP/1.1' | tr '\n' '|')
is "$out" "HTTP/1.1 200 OK|HTTP/1.1 400 Bad Request|" \
    "a bad second request on a kept connection gets its 400"

# --- log parts --------------------------------------------------------
$C -o /dev/null -A 'logtest/1' "http://127.0.0.1:$P3/x?id=42" 
sleep 0.3
like "$(relay_log | grep '^relay guard,' | grep logtest)" \
    'done, \[id: 42\] \[User-Agent: logtest/1\] GET \{X-Backend: A\};' \
    "the log line carries [key: value] parts, the method and {response}"
like "$(relay_log | grep '^relay guard,' | grep 'login' | tail -1)" \
    '^relay guard, session [0-9]+ \([0-9]+ active\), login, ' \
    "the log line names the session's tag"

# --- forward to another table ----------------------------------------
is "$($C "http://127.0.0.1:$P4/api/v1")" "B GET /api/v1 0" \
    "forward to <b> for /api/*"
is "$($C "http://127.0.0.1:$P4/web")" "A GET /web 0" \
    "other paths go to the first table"
out=$($C "http://127.0.0.1:$P4/web" "http://127.0.0.1:$P4/api/x" \
    "http://127.0.0.1:$P4/web")
is "$(printf '%s' "$out" | tr '\n' '|')" \
    "A GET /web 0|B GET /api/x 0|A GET /web 0" \
    "one connection: each request to its own table"

# --- hash actions: one key, one host -----------------------------------
# <ab> is 127.0.0.1 and 127.0.0.2 on one port: relay_backend.pl A on the
# first, Z on the second; the body names the host that answered.
for u in alice bob carol dave erin frank; do
	got=
	for i in 1 2 3; do
		got="$got$($C -H "X-User: $u" "http://127.0.0.1:$P5/h" |
		    cut -c1)"
	done
	printf '%s %s\n' "$u" "$got" >>"$R/hashing"
done
is "$(awk '{ c = substr($2, 1, 1); print (c c c == $2) }' "$R/hashing" |
    sort -u)" 1 "hash: each X-User always reaches the same host" ||
    sed 's/^/# /' "$R/hashing" >&2
# The hash key is random per start: with 24 keys, all on one host is a
# chance of one in 2^23, not the 1 in 32 six keys would leave.
spread=$(for u in $(seq 1 24); do
	$C -H "X-User: user$u" "http://127.0.0.1:$P5/h" | cut -c1
	echo
done | sort -u | tr -d '\n')
is "$spread" "AZ" "hash: the keys spread over both hosts"

# --- a blocked response -------------------------------------------------
out=$($C -o "$R/body" -w '%{http_code}' "http://127.0.0.1:$P7/x")
is "$out" 403 "block response: 403 instead of the host's answer"
like "$(cat "$R/body")" "<div id='l'>from B</div>" \
    "... with the rule's label"

# --- heads too large for the rules ------------------------------------
wpid=$(relay_worker_pid)
many=$(awk 'BEGIN { for (i = 0; i < 10000; i++) printf "X-%d: v\r\n", i }')
out=$(printf 'GET /x HTTP/1.1\r\nHost: a\r\n%s\r\n' "$many" | rawp "$P3")
is "$(status_line "$out")" "HTTP/1.1 413 Content Too Large" \
    "10,000 header fields: 413 (past headerlen)"
cookie=$(head -c 1048576 /dev/zero | tr '\0' c)
out=$(printf 'GET /x HTTP/1.1\r\nHost: a\r\nCookie: a=%s\r\n\r\n' "$cookie" |
    rawp "$P3")
is "$(status_line "$out")" "HTTP/1.1 413 Content Too Large" \
    "a 1 MiB cookie: 413 (past headerlen)"
query=$(awk 'BEGIN { for (i = 0; i < 100000; i++) printf "p%d=v&", i }')
out=$(printf 'GET /x?%s HTTP/1.1\r\nHost: a\r\n\r\n' "$query" | rawp "$P3")
is "$(status_line "$out")" "HTTP/1.1 414 URI Too Long" \
    "100,000 query parameters: 414"
is "$(code /x)" 200 "the relay still serves"
is "$(relay_worker_pid)" "$wpid" "the same worker"
rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$wpid/status" 2>/dev/null)
ok $((${rss:-999999} >= 20480)) \
    "the worker stays under 20 MB (peak VmHWM ${rss:-?} kB)"

done_testing
