#!/bin/sh
# httpd's processes: the workers' privileges, readiness, a worker that
# dies, reload under load, a broken reload, log reopening, and stop.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
. tests/lib/httpd.sh

echo one >"$T/htdocs/index.html"
mkdir -p "$T/htdocs2"
echo two >"$T/htdocs2/index.html"
conf1="server \"default\" {
	listen on 127.0.0.1 port $PORT
}"
conf2="server \"default\" {
	listen on 127.0.0.1 port $PORT
	root \"/htdocs2\"
}"
PREFORK=2 httpd_start "$conf1"
is "$(curl -s "$URL/")" one "ready means serving: answered at once"

workers() {
	for p in $(cat /proc/$HTTPD_PID/task/*/children 2>/dev/null); do
		echo "$p"
	done
}
n=0
for w in $(workers); do
	n=$((n + 1))
	st=/proc/$w/status
	uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$st")
	is "$uid" "$(id -u www-data) $(id -u www-data) $(id -u www-data) $(id -u www-data)" \
	    "worker $w: every uid is www-data's"
	is "$(awk '/^Gid:/ { print $2 }' "$st")" "$(id -g www-data)" "worker $w: gid"
	is "$(awk '/^Groups:/ { print $2 }' "$st")" "$(id -g www-data)" \
	    "worker $w: no supplementary group but its own"
	is "$(awk '/^NoNewPrivs:/ { print $2 }' "$st")" 1 "worker $w: no_new_privs"
	is "$(awk '/^Seccomp:/ { print $2 }' "$st")" 2 "worker $w: seccomp filter"
	is "$(awk '/^CapEff:/ { print $2 }' "$st")" 0000000000000000 \
	    "worker $w: no capabilities"
	is "$(readlink /proc/$w/root)" "$T" "worker $w: chrooted"
done
is "$n" 2 "prefork 2: two workers"

# A worker killed is replaced, and service goes on.
victim=$(workers | head -n 1)
kill -KILL "$victim"
sleep 1.5
is "$(workers | wc -l)" 2 "a killed worker is replaced"
like "$(cat "$T/stderr")" "worker [0-9] \\(pid $victim\\) killed by signal 9" \
    "its death is logged"
is "$(curl -s "$URL/")" one "still serving"

# Reload under load: no request fails while the generation changes.
load() {
	i=0 fails=0
	while [ $i -lt 300 ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/")
		if [ "$code" != 200 ]; then
			fails=$((fails + 1))
			echo "request $i: $code" >>"$T/failures"
		fi
		i=$((i + 1))
	done
	echo "$fails"
}
load >"$T/fails" &
loadpid=$!
printf '%s\n%s\n' "chroot \"$T\"" "prefork 2" "$conf2" >"$T/httpd.conf"
sleep 0.3
kill -HUP "$HTTPD_PID"
sleep 0.3
kill -HUP "$HTTPD_PID"
wait "$loadpid"
is "$(cat "$T/fails")" 0 "no failed request during two reloads under load" ||
    diag "$(cat "$T/failures" "$T/stderr")"
is "$(curl -s "$URL/")" two "the new configuration is served"
like "$(cat "$T/stderr")" 'configuration reloaded' "the reload is logged"

# A broken file: logged, and the old configuration stays.
echo 'server "x" { listen on 127.0.0.1 port 0 }' >>"$T/httpd.conf"
kill -HUP "$HTTPD_PID"
sleep 0.5
like "$(cat "$T/stderr")" 'reload failed, configuration kept: .*port' \
    "a broken configuration is refused with its message"
is "$(curl -s "$URL/")" two "the running configuration stays"
sleep 1
is "$(workers | wc -l)" 2 "old workers are gone, new ones serve"

# SIGUSR1: log files are opened again, as rotation needs.
mv "$T/logs/access.log" "$T/logs/access.log.0"
kill -USR1 "$HTTPD_PID"
sleep 0.5
curl -s -o /dev/null "$URL/after-rotation"
sleep 0.2
grep -q 'after-rotation' "$T/logs/access.log" 2>/dev/null
ok $? "after SIGUSR1, lines go to the new access.log"
! grep -q 'after-rotation' "$T/logs/access.log.0"
ok $? "... not to the rotated one"

# SIGTERM: stop, exit 0, and the port is free again.
kill -TERM "$HTTPD_PID"
wait "$HTTPD_PID"
is "$?" 0 "SIGTERM: exit status 0"
HTTPD_PID=
! curl -s -o /dev/null --max-time 2 "$URL/"
ok $? "nothing listens after the stop"

# -u chooses the workers' user.
HTTPD_ARGS="-u nobody" httpd_start "$conf1"
w=$(workers | head -n 1)
is "$(awk '/^Uid:/ { print $2 }' /proc/$w/status)" "$(id -u nobody)" \
    "-u nobody: the workers run as nobody"
is "$(curl -s "$URL/")" one "... and serve"
httpd_stop

# A tls listener without a certificate: refused, never plain text.
printf '%s\n' "chroot \"$T\"" "server \"s\" {" \
    "	listen on 127.0.0.1 tls port $PORT" \
    "	tls certificate \"$T/none.crt\"" "}" >"$T/tls.conf"
err=$(bin/httpd -f "$T/tls.conf" 2>&1)
is "$?" 1 "a tls listener without its certificate: httpd refuses to start"
like "$err" "$T/none.crt: No such file or directory" "... and names the file"
done_testing
