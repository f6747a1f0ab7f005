#!/bin/sh
# run.sh: what `make run` starts -- httpd under s6-svscan, serving the
# suite's own manual pages, rendered to HTML, on http://127.0.0.1:8080/.
# Everything lives in bin/run; Ctrl-C stops the supervision tree and
# everything it started.  Before that, every program checks the example
# configurations, as an operator would before starting them.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
run=$top/bin/run
port=${PORT:-8080}

for prog in httpd checkd relay redirectd routerd; do
	conf=doc/examples/relayd.conf
	[ "$prog" = httpd ] && conf=doc/examples/httpd.conf
	printf '%-10s -n -f %-26s %s\n' "$prog" "$conf" \
	    "$(bin/$prog -n -f "$conf" 2>&1 | tail -n 1)"
done

if [ "$(id -u)" -ne 0 ]; then
	echo "run.sh: httpd chroots and drops privileges: run 'make run' as root" >&2
	exit 1
fi

# The site: an index of the pages and each page as HTML.
rm -rf "$run"
mkdir -p "$run/www/htdocs/man" "$run/www/logs" "$run/scan/httpd/log" \
    "$run/log"
chmod 755 "$run" "$run/www" "$run/www/htdocs" "$run/www/htdocs/man"
{
	echo '<!DOCTYPE html><html><head><meta charset="utf-8">'
	echo '<title>httpd and relayd for Linux</title></head><body>'
	echo '<h1>httpd and relayd for Linux</h1><p>Served by this httpd.'
	echo 'The manual pages:</p><ul>'
	for page in doc/*.5 doc/*.8; do
		name=$(basename "$page")
		mandoc -Thtml -Oman=%N.%S.html "$page" \
		    >"$run/www/htdocs/man/$name.html"
		echo "<li><a href=\"man/$name.html\">$name</a></li>"
	done
	echo '</ul><p><a href="man/">All pages, as a directory listing</a></p>'
	echo '</body></html>'
} >"$run/www/htdocs/index.html"

cat >"$run/httpd.conf" <<CONF
chroot "$run/www"
prefork 2
server "localhost" {
	listen on 127.0.0.1 port $port
	location "/man/*" { directory auto index }
}
CONF
bin/httpd -n -f "$run/httpd.conf" || exit 1

# The s6 service: httpd with readiness on fd 3, its errors to s6-log.
cat >"$run/scan/httpd/run" <<SH
#!/bin/sh
exec 2>&1
exec $top/bin/httpd -r 3 -f $run/httpd.conf
SH
echo 3 >"$run/scan/httpd/notification-fd"
cat >"$run/scan/httpd/log/run" <<SH
#!/bin/sh
exec s6-log -b n5 s100000 T $run/log
SH
chmod +x "$run/scan/httpd/run" "$run/scan/httpd/log/run"

s6-svscan "$run/scan" &
scan=$!
stop() {
	s6-svscanctl -t "$run/scan" 2>/dev/null
	wait "$scan"
	echo "stopped."
	exit 0
}
trap stop INT TERM
if s6-svwait -U -t 10000 "$run/scan/httpd"; then
	echo
	echo "httpd is serving on http://127.0.0.1:$port/ (Ctrl-C stops it)"
	echo "its log: $run/log/current; access log: $run/www/logs/access.log"
else
	echo "httpd did not become ready; see $run/log/current" >&2
	stop
fi
wait "$scan"
