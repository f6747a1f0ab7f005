#!/bin/sh
# httpd as a FastCGI client of Debian's php-fpm: one pool on a UNIX
# socket inside httpd's chroot, one on a TCP port.  PHP pages, bodies of
# both framings, 5 MiB up and 10 MiB down, PATH_INFO, queries, cookies,
# headers, redirects and statuses set by PHP, HEAD, keep-alive, bad input.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
FPM=$(ls /usr/sbin/php-fpm* 2>/dev/null | head -n 1)
[ -x "$FPM" ] || skip_all "no php-fpm"
. tests/lib/httpd.sh

FPM_PID=
stop_fpm() {
	[ -n "$FPM_PID" ] && kill -TERM "$FPM_PID" 2>/dev/null &&
	    wait "$FPM_PID" 2>/dev/null
	FPM_PID=
}
trap 'stop_fpm; cleanup' EXIT

mkdir -p "$T/run" "$T/htdocs/app" "$T/htdocs/tcp" "$T/tmp"
chmod 1777 "$T/tmp"	# PHP buffers large bodies there (in the chroot)
FPORT=$(free_port)
# php-fpm chroots its workers to httpd's chroot, as on OpenBSD, so that
# SCRIPT_FILENAME means the same file to both.
cat >"$T/fpm.conf" <<CONF
[global]
error_log = $T/fpm.log
[unix]
user = www-data
group = www-data
listen = $T/run/php.sock
listen.mode = 0666
chroot = $T
pm = static
pm.max_children = 4
catch_workers_output = yes
[tcp]
user = www-data
group = www-data
listen = 127.0.0.1:$FPORT
chroot = $T
pm = static
pm.max_children = 2
CONF
"$FPM" --nodaemonize --fpm-config "$T/fpm.conf" -R 2>>"$T/fpm.stderr" &
FPM_PID=$!

cat >"$T/htdocs/app/info.php" <<'PHP'
<?php
header('Content-Type: text/plain');
foreach (['SCRIPT_NAME', 'PATH_INFO', 'SCRIPT_FILENAME', 'DOCUMENT_ROOT',
    'DOCUMENT_URI', 'QUERY_STRING', 'REQUEST_URI', 'REQUEST_METHOD',
    'SERVER_PROTOCOL', 'SERVER_SOFTWARE', 'SERVER_NAME', 'SERVER_ADDR',
    'SERVER_PORT', 'REMOTE_ADDR', 'GATEWAY_INTERFACE', 'HTTP_X_TEST',
    'HTTPS', 'HTTP_PROXY', 'APP_ENV'] as $k)
	echo $k, '=', $_SERVER[$k] ?? '(unset)', "\n";
echo 'REMOTE_PORT_OK=', ctype_digit($_SERVER['REMOTE_PORT']) ? 1 : 0, "\n";
echo 'GET_a=', $_GET['a'] ?? '', "\n";
echo 'COOKIE_c=', $_COOKIE['c'] ?? '', "\n";
PHP
cat >"$T/htdocs/app/post.php" <<'PHP'
<?php
$b = file_get_contents('php://input');
echo strlen($b), ' ', md5($b), ' ', $_POST['k'] ?? '', "\n";
PHP
cat >"$T/htdocs/app/body.php" <<'PHP'
<?php
$b = file_get_contents('php://input');
echo $_SERVER['CONTENT_LENGTH'] ?? '(unset)', ' ', strlen($b), ' ', md5($b), "\n";
PHP
cat >"$T/htdocs/app/big.php" <<'PHP'
<?php
header('Content-Type: application/octet-stream');
$s = str_repeat('0123456789abcdef', 4096);
for ($i = 0; $i < 160; $i++) echo $s;
PHP
cat >"$T/htdocs/app/status.php" <<'PHP'
<?php
http_response_code(418);
header('X-From-Php: yes');
setcookie('sess', 'v1');
echo "teapot\n";
PHP
cat >"$T/htdocs/app/redirect.php" <<'PHP'
<?php
header('Location: /elsewhere');
PHP
cat >"$T/htdocs/app/len.php" <<'PHP'
<?php
header('Content-Length: 6');
echo "fixed\n";
PHP
cp "$T/htdocs/app/info.php" "$T/htdocs/tcp/info.php"
mkdir -p "$T/htdocs/site/plain"
cat >"$T/htdocs/site/index.php" <<'PHP'
<?php echo "ran ", 1 + 1, "\n";
PHP
echo "plain index" >"$T/htdocs/site/plain/index.html"
chown -R www-data "$T/htdocs"

httpd_start "
server \"default\" {
	listen on 127.0.0.1 port $PORT
	connection { max request body 6000000, timeout 5 }
	location \"/tcp/*\" {
		fastcgi { socket tcp 127.0.0.1 $FPORT }
	}
	location \"/app/*\" {
		fastcgi {
			socket \"/run/php.sock\"
			param APP_ENV test
		}
	}
	location \"/site/*.php\" {
		fastcgi { socket \"/run/php.sock\" }
	}
	location \"/site/*\" {
		directory { index \"index.php\" }
	}
}"
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -S "$T/run/php.sock" ] && break
	sleep 0.3
done

out=$(curl -s -i -H 'X-Test: hello' -H 'Proxy: http://evil/' \
    -b 'c=choc' "$URL/app/info.php/extra/path?a=1&b=2")
is "$(status_of "$out")" 200 "a PHP page: 200"
like "$out" 'Transfer-Encoding: chunked' "... chunked: PHP gave no length"
like "$out" '^SCRIPT_NAME=/app/info\.php' "SCRIPT_NAME is the script"
like "$out" '^PATH_INFO=/extra/path' "PATH_INFO is the rest"
like "$out" "^SCRIPT_FILENAME=/htdocs/app/info\\.php" "SCRIPT_FILENAME"
like "$out" '^DOCUMENT_ROOT=/htdocs' "DOCUMENT_ROOT"
like "$out" '^DOCUMENT_URI=/app/info\.php/extra/path' "DOCUMENT_URI"
like "$out" '^QUERY_STRING=a=1&b=2' "QUERY_STRING"
like "$out" '^REQUEST_URI=/app/info\.php/extra/path\?a=1&b=2' "REQUEST_URI"
like "$out" '^REQUEST_METHOD=GET' "REQUEST_METHOD"
like "$out" '^SERVER_PROTOCOL=HTTP/1\.1' "SERVER_PROTOCOL"
like "$out" '^SERVER_NAME=default' "SERVER_NAME"
like "$out" "^SERVER_PORT=$PORT" "SERVER_PORT"
like "$out" '^SERVER_ADDR=127\.0\.0\.1' "SERVER_ADDR"
like "$out" '^REMOTE_ADDR=127\.0\.0\.1' "REMOTE_ADDR"
like "$out" '^REMOTE_PORT_OK=1' "REMOTE_PORT"
like "$out" '^GATEWAY_INTERFACE=CGI/1\.1' "GATEWAY_INTERFACE"
like "$out" '^HTTP_X_TEST=hello' "a request header as HTTP_X_TEST"
like "$out" '^HTTP_PROXY=\(unset\)' "no HTTP_PROXY from a Proxy: header"
like "$out" '^HTTPS=\(unset\)' "no HTTPS on plain text"
like "$out" '^APP_ENV=test' "a fastcgi param"
like "$out" '^GET_a=1' "\$_GET"
like "$out" '^COOKIE_c=choc' "cookies"

like "$(curl -s "$URL/tcp/info.php?a=9")" '^GET_a=9' "the TCP pool serves too"

is "$(curl -s -d 'k=v&x=y' "$URL/app/post.php")" \
    "7 $(printf 'k=v&x=y' | md5sum | cut -d' ' -f1) v" \
    "a POST form with Content-Length"
head -c 5242880 /dev/urandom >"$T/up.bin"
is "$(curl -s -H 'Content-Type: application/octet-stream' \
    --data-binary @"$T/up.bin" "$URL/app/post.php")" \
    "5242880 $(md5sum <"$T/up.bin" | cut -d' ' -f1) " \
    "a 5 MiB upload arrives whole (md5 by PHP)"

# A chunked body reaches PHP whole, with its CONTENT_LENGTH: httpd
# collects it first, in memory when small, in an unnamed file past 64 KiB.
# Past max request body: 413.  The workers stay small, keep no file open,
# and serve on.
workers() { cat /proc/$HTTPD_PID/task/*/children; }
spool_fds() {	# spool_fds: descriptors of the workers on body files
	for p in $(workers); do ls -l /proc/$p/fd; done | grep -c 'httpd-body/'
}
hwm() {	# hwm: the workers' peak resident memory, kB, summed
	t=0
	for p in $(workers); do
		t=$((t + $(awk '/^VmHWM:/ { print $2 }' /proc/$p/status)))
	done
	echo "$t"
}
md5() { md5sum | cut -d' ' -f1; }
chunked() {	# chunked FILE: POST FILE chunked to body.php
	curl -s -H 'Transfer-Encoding: chunked' -H 'Content-Type: application/octet-stream' \
	    --data-binary @"$1" "$URL/app/body.php"
}
printf xyz >"$T/small.bin"
is "$(chunked "$T/small.bin")" "3 3 $(printf xyz | md5)" \
    "a small chunked body: php://input and CONTENT_LENGTH"
printf '0\r\n\r\n' >"$T/none.txt"
out=$(printf 'POST /app/body.php HTTP/1.1\r\nHost: a\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' | raw)
like "$out" "^0 0 $(printf '' | md5)" "an empty chunked body: CONTENT_LENGTH 0"
before=$(hwm)
is "$(chunked "$T/up.bin")" "5242880 5242880 $(md5 <"$T/up.bin")" \
    "a 5 MiB chunked body (through a file): whole, with its length"
grown=$(($(hwm) - before))
[ "$grown" -lt 2048 ]
ok $? "... the workers' peak memory grew by ${grown} kB, not 5 MiB"
is "$(spool_fds)" 0 "... and no body file is left open"
head -c 6100000 /dev/zero >"$T/over.bin"
is "$(curl -s -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
    --data-binary @"$T/over.bin" "$URL/app/body.php")" 413 \
    "a chunked body over max request body: 413"
is "$(spool_fds)" 0 "... its file closed too"
is "$(chunked "$T/small.bin")" "3 3 $(printf xyz | md5)" "... and httpd serves on"
ls -ld "$T/tmp/httpd-body" | awk '{ print $1, $3 }' >"$T/spool.ls"
is "$(cat "$T/spool.ls")" "drwx------ www-data" \
    "the spool directory: the workers' own, mode 0700"

curl -s -o "$T/down.bin" "$URL/app/big.php"
is "$(wc -c <"$T/down.bin")" 10485760 "a 10 MiB download"
is "$(md5sum <"$T/down.bin" | cut -d' ' -f1)" \
    "$(php -r '$s=str_repeat("0123456789abcdef",4096);$c=hash_init("md5");for($i=0;$i<160;$i++)hash_update($c,$s);echo hash_final($c);' 2>/dev/null || echo nophp)" \
    "... byte for byte"

out=$(curl -s -i "$URL/app/status.php")
is "$(status_of "$out")" 418 "a status set by PHP"
like "$out" 'X-From-Php: yes' "a header set by PHP"
like "$out" 'Set-Cookie: sess=v1' "a cookie set by PHP"
out=$(curl -s -i "$URL/app/redirect.php")
is "$(status_of "$out")" 302 "Location without Status: 302"
like "$out" 'Location: /elsewhere' "... with the Location"
out=$(curl -s -i "$URL/app/len.php")
like "$out" 'Content-Length: 6' "a Content-Length from PHP is kept"
! printf '%s' "$out" | grep -q 'Transfer-Encoding'
ok $? "... and then no chunks"
out=$(curl -s -i -0 "$URL/app/info.php")
like "$out" 'Connection: close' "HTTP/1.0 without a length: close"
like "$out" 'SCRIPT_NAME=/app/info.php' "... and the body up to the close"
is "$(printf 'HEAD /app/status.php HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' | raw | grep -c '^teapot')" 0 \
    "HEAD: no body"
out=$(curl -s -v "$URL/app/len.php" "$URL/app/len.php" "$URL/alpha" 2>&1)
like "$out" '(Re-using|Reusing) existing connection' "keep-alive after a FastCGI response"

is "$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$T/up.bin" \
    --data-binary @"$T/up.bin" "$URL/app/post.php")" 413 \
    "a body over max request body: 413"
out=$(printf 'POST /app/post.php HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n' | raw)
is "$(status_of "$out")" 400 "a malformed chunked body: 400"
is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/app/info.php/a%0ab")" 404 \
    "%0a in PATH_INFO is refused before the responder"
is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/app/nothing.php")" 404 \
    "a missing script: php-fpm's 404"
like "$(curl -s "$URL/app/info.php")" 'SCRIPT_NAME' "still serving"

# A directory index is served by the location of its own path (OpenBSD's
# rule): index.php runs under the *.php location, never goes out as
# source; a directory without it is served by the files' location.
out=$(curl -s "$URL/site/")
is "$out" "ran 2" "directory index index.php: run by php-fpm, not sent as source"
is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/site/plain/")" 404 \
    "... a directory without it: php-fpm's 404 for its index.php"

# The responder is gone: 502, and httpd serves on.
stop_fpm
is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/app/info.php")" 502 \
    "php-fpm stopped (no socket listening): 502"
is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/tcp/info.php")" 502 \
    "... and over TCP (refused): 502"
like "$(cat "$T/logs/error.log")" 'fastcgi: ' "the reason is in the error log"
kill -0 "$HTTPD_PID"
ok $? "httpd is still running"
done_testing
