#!/bin/sh
# run.sh: what `make run` starts.
#
#   run.sh                  the default: a load-balanced site under
#       s6-svscan: relay on http://127.0.0.1:8080/ in front of two httpd
#       hosts (127.0.0.1 and 127.0.0.2, port 8081) that checkd checks,
#       serving the suite's own manual pages, rendered to HTML.
#   run.sh NAME [KEY=VALUE...]
#       the composed example NAME of doc/examples/compose (`make run
#       NAME=https`), made in bin/run/NAME with the programs of bin/,
#       listening on 127.0.0.1 port 8080 (PORT=...), with something to
#       serve, and started under s6-svscan.
#   run.sh -m NAME DIR [KEY=VALUE...]
#       only make the example NAME in DIR, with the same content; the
#       tests start it themselves (tests/compose*.t).
#
# Everything lives in bin/run; Ctrl-C stops the supervision tree and
# everything it started.  Before that, every program checks the example
# configurations, as an operator would before starting them.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
run=$top/bin/run
port=${PORT:-8080}

# The manual pages as HTML, and an index of them, in DIR.
man_site() {	# dir title [intro]
	mkdir -p "$1/man"
	{
		echo '<!DOCTYPE html><html><head><meta charset="utf-8">'
		echo "<title>$2</title></head><body>"
		echo "<h1>$2</h1><p>${3:-}"
		echo 'The manual pages:</p><ul>'
		for page in doc/*.5 doc/*.8; do
			pg=$(basename "$page")
			mandoc -Thtml -Oman=%N.%S.html "$page" >"$1/man/$pg.html"
			echo "<li><a href=\"man/$pg.html\">$pg</a></li>"
		done
		echo '</ul><p><a href="man/">All pages, as a directory listing</a></p>'
		echo '</body></html>'
	} >"$1/index.html"
}

# A copy of /bin/sh and the libraries it loads, under DIR, for CGI
# programs that run chrooted there.
chroot_sh() {	# dir
	sh=$(readlink -f /bin/sh)
	mkdir -p "$1/bin"
	cp "$sh" "$1/bin/sh"
	for lib in $(ldd "$sh" | grep -o '/[^ ]*'); do
		mkdir -p "$1$(dirname "$lib")"
		cp "$(readlink -f "$lib")" "$1$lib"
	done
}

# The value KEY takes among KEY=VALUE arguments (the last one wins).
keyval() {	# key default args...
	_k=$1
	_v=$2
	shift 2
	for _a; do
		case $_a in "$_k="*) _v=${_a#*=} ;; esac
	done
	printf '%s\n' "$_v"
}

# make_example NAME DIR [KEY=VALUE...]: the example, and what it serves.
make_example() {
	name=$1
	dir=$2
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	chmod 755 "$dir"
	dir=$(cd "$dir" && pwd)
	fpm=$(ls /usr/sbin/php-fpm* 2>/dev/null | head -n 1)
	set -- "SBIN=$top/bin" "ADDR=127.0.0.1" "PORT=$port" \
	    "BPORT=$((port + 1))" "WWW=$dir/www" "LOG=$dir/log" \
	    "STATE=$dir/state" "CERT=$dir/ssl/www.crt" \
	    "KEY=$dir/ssl/www.key" "PHPFPM=${fpm:-/usr/sbin/php-fpm}" "$@"
	sh doc/examples/compose/compose.sh "$name" "$dir/ex" "$@" || exit 1
	www=$(keyval WWW "$dir/www" "$@")
	mkdir -p "$www/htdocs" "$www/logs" "$dir/ssl" \
	    "$(keyval LOG "$dir/log" "$@")"
	chmod 755 "$www" "$www/htdocs"
	case $name in
	static)
		man_site "$www/htdocs" "A static site: httpd alone" ;;
	php)
		printf '<?php echo "hello from php-fpm, ", 6 * 7, "\\n";\n' \
		    >"$www/htdocs/index.php" ;;
	cgi)
		chroot_sh "$www"
		mkdir -p "$www/cgi-bin"
		printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\nhello from cgi\\n"\n' \
		    >"$www/cgi-bin/hello"
		chmod 755 "$www/cgi-bin" "$www/cgi-bin/hello" ;;
	ha)
		man_site "$www/htdocs" "Two nodes sharing an address" ;;
	https)
		man_site "$www/htdocs" "A load-balanced site: checkd and relay"
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout "$(keyval KEY "$dir/ssl/www.key" "$@")" \
		    -out "$(keyval CERT "$dir/ssl/www.crt" "$@")" -days 30 \
		    -subj /CN=localhost -addext subjectAltName=DNS:localhost \
		    2>/dev/null || exit 1 ;;
	esac
	chmod -R a+rX "$www"
}

# Every service of scan dir DIR up and ready, within 30 s.
wait_ready() {	# scandir
	for svc in "$1"/*/; do
		i=0
		while [ ! -e "$svc/supervise/status" ] && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	done
	# shellcheck disable=SC2046
	s6-svwait -U -t 30000 $(ls -d "$1"/*/)
}

if [ "${1:-}" = -m ]; then
	[ $# -ge 3 ] || { echo "usage: run.sh -m name dir [key=value ...]" >&2;
	    exit 100; }
	shift
	name=$1
	dir=$2
	shift 2
	make_example "$name" "$dir" "$@"
	exit 0
fi

if [ $# -ge 1 ]; then
	name=$1
	shift
	if [ "$(id -u)" -ne 0 ]; then
		echo "run.sh: the programs bind, chroot and drop privileges: run 'make run' as root" >&2
		exit 1
	fi
	case "$name $*" in
	ha\ *IFACE=*VIP=* | ha\ *VIP=*IFACE=*) ;;
	ha*)	echo "run.sh: ha puts a virtual address on an interface of this" \
		    "machine: name both, make run NAME=ha KEYS='IFACE=... VIP=...'" >&2
		exit 1 ;;
	esac
	make_example "$name" "$run/$name" "$@"
	scandir=$run/$name/ex/scan
	s6-svscan "$scandir" &
	scan=$!
	trap 's6-svscanctl -t "$scandir"; wait "$scan"; echo stopped.; exit 0' INT TERM
	if wait_ready "$scandir"; then
		echo "$name is up (Ctrl-C stops it): $run/$name/ex/README"
		case $name in
		https)	echo "https://localhost:$port/ (certificate: $run/$name/ssl/www.crt)" ;;
		cgi)	echo "http://127.0.0.1:$port/cgi-bin/hello" ;;
		static | php | ha) echo "http://127.0.0.1:$port/" ;;
		esac
		echo "logs: $run/$name/log/*/current"
	else
		echo "a service did not become ready; see $run/$name/log/*/current" >&2
		s6-svscanctl -t "$scandir"
	fi
	wait "$scan"
	exit 0
fi

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
man_site "$run/www/htdocs" "httpd and relayd for Linux" \
    "Served by this httpd. relay chose this host; checkd checks both."
chmod 755 "$run" "$run/www" "$run/www/htdocs" "$run/www/htdocs/man"

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
