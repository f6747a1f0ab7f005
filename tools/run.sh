#!/bin/sh
# run.sh: what `make run` starts -- a load-balanced site under
# s6-svscan: relay on http://127.0.0.1:8080/ in front of two httpd
# hosts (127.0.0.1 and 127.0.0.2, port 8081) that checkd checks, serving
# the suite's own manual pages, rendered to HTML.
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
mkdir -p "$run/www/htdocs/man" "$run/www/logs" "$run/state"
for svc in httpd checkd relay; do
	mkdir -p "$run/scan/$svc/log" "$run/log/$svc"
done
chmod 755 "$run" "$run/www" "$run/www/htdocs" "$run/www/htdocs/man"
{
	echo '<!DOCTYPE html><html><head><meta charset="utf-8">'
	echo '<title>httpd and relayd for Linux</title></head><body>'
	echo '<h1>httpd and relayd for Linux</h1><p>Served by this httpd.'
	echo 'relay chose this host; checkd checks both.'
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

backend=$((port + 1))
cat >"$run/httpd.conf" <<CONF
chroot "$run/www"
prefork 2
server "localhost" {
	listen on 127.0.0.1 port $backend
	listen on 127.0.0.2 port $backend
	location "/man/*" { directory auto index }
}
CONF
bin/httpd -n -f "$run/httpd.conf" || exit 1

cat >"$run/relayd.conf" <<CONF
interval 2
timeout 1000
log state changes
log connection errors
prefork 2
table <web> { 127.0.0.1, 127.0.0.2 }
http protocol www {
	tcp { nodelay }
}
relay www {
	listen on 127.0.0.1 port $port
	protocol www
	forward to <web> port $backend mode roundrobin check http "/" code 200
}
CONF
bin/relay -n -f "$run/relayd.conf" || exit 1

# One s6 service per program: readiness on fd 3, errors to s6-log.
service() {	# name command...
	name=$1
	shift
	printf '#!/bin/sh\nexec 2>&1\nexec %s\n' "$*" >"$run/scan/$name/run"
	echo 3 >"$run/scan/$name/notification-fd"
	printf '#!/bin/sh\nexec s6-log -b n5 s100000 T %s\n' \
	    "$run/log/$name" >"$run/scan/$name/log/run"
	chmod +x "$run/scan/$name/run" "$run/scan/$name/log/run"
}
service httpd "$top/bin/httpd -r 3 -f $run/httpd.conf"
service checkd "$top/bin/checkd -r 3 -s $run/state -f $run/relayd.conf"
service relay "$top/bin/relay -r 3 -s $run/state -f $run/relayd.conf"

s6-svscan "$run/scan" &
scan=$!
stop() {
	s6-svscanctl -t "$run/scan" 2>/dev/null
	wait "$scan"
	echo "stopped."
	exit 0
}
trap stop INT TERM
# s6-svscan starts the supervisors a moment later: wait for their state.
for svc in httpd checkd relay; do
	i=0
	while [ ! -e "$run/scan/$svc/supervise/status" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
done
if s6-svwait -U -t 10000 "$run/scan/httpd" "$run/scan/checkd" \
    "$run/scan/relay"; then
	echo
	echo "relay is serving on http://127.0.0.1:$port/ (Ctrl-C stops it),"
	echo "balancing over httpd on 127.0.0.1 and 127.0.0.2 port $backend,"
	echo "which checkd checks: $run/state/tables/web"
	echo "logs: $run/log/*/current; access log: $run/www/logs/access.log"
else
	echo "a service did not become ready; see $run/log/*/current" >&2
	stop
fi
wait "$scan"
