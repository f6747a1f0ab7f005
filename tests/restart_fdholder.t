#!/bin/sh
# Restarts that refuse no connection, the s6 way: httpd under s6-svscan
# with its listening socket kept by s6-fdholder (the service directories
# of doc/examples/s6-fdholder, paths and port changed), clients making a
# new connection per request in a loop, and `s6-svc -t` three times: no
# connection refused or reset, no request failed; then relay the same.  Then LISTEN_SOCKETS
# itself: what httpd and relay say of a bad value; socketbind's errors.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
command -v s6-svscan >/dev/null || skip_all "no s6"
. tests/lib/httpd.sh
. tests/lib/reload.sh

S=$(mktemp -d /tmp/fdholder-scan.XXXXXX)
SCAN_PID=
stop_scan() {
	if [ -n "$SCAN_PID" ]; then
		s6-svscanctl -t "$S" 2>/dev/null
		wait "$SCAN_PID" 2>/dev/null
		SCAN_PID=
	fi
}
trap 'stop_scan; cleanup; rm -rf "$S" "$RL"' EXIT
echo hello >"$T/htdocs/index.html"
printf 'chroot "%s"\nprefork 2\nserver "default" {\n\tlisten on 127.0.0.1 port %s\n}\n' \
    "$T" "$PORT" >"$T/httpd.conf"

# The example services, pointed at this tree and this test's port.
cp -R doc/examples/s6-fdholder/fdholder doc/examples/s6-fdholder/httpd "$S/"
sed -i -e "s|/usr/local/sbin/|$PWD/bin/|g" \
    -e "s|/etc/httpd.conf|$T/httpd.conf|" \
    -e "s|^define addr .*|define addr 127.0.0.1|" \
    -e "s|^define port .*|define port $PORT|" "$S/httpd/run"
s6-svscan "$S" >"$T/scan.log" 2>&1 &
SCAN_PID=$!

up_ready() { [ "$(s6-svstat -o up,ready "$S/$1" 2>/dev/null)" = "true true" ]; }
pid_of() { s6-svstat -o pid "$S/$1"; }
restarted() { [ "$(pid_of "$1")" != "$2" ] && up_ready "$1"; }
all_ready() { [ "$(ls "$RL/ready" | wc -l)" -ge 4 ]; }

# restarts SERVICE PORT: 4 clients, a new connection per request, while
# the service is restarted three times; the verdict.
restarts() {
	rm -rf "$RL/stop" "$RL/ready"
	mkdir "$RL/ready"
	perl tests/lib/kaload.pl -new -n 4 -ready "$RL/ready" "$2" \
	    "$RL/stop" >"$RL/load" 2>"$RL/load.err" &
	lp=$!
	wait_for all_ready
	for n in 1 2 3; do
		pid=$(pid_of "$1")
		s6-svc -t "$S/$1"
		wait_for restarted "$1" "$pid" || diag "restart $n not seen"
		sleep 0.5
	done
	touch "$RL/stop"
	wait "$lp"
	note "$1: $(cat "$RL/load")"
	ok $([ "$(requests_of "$RL/load")" -ge 4 ]; echo $?) \
	    "$1: requests were served"
	is "$(failures_of "$RL/load")" 0 \
	    "$1: three restarts, no connection refused or reset, no request failed" ||
	    diag "$(head -n 20 "$RL/load.err")"
	is "$(grep -c "$1: stopped" "$T/scan.log")" 3 "$1 did stop three times"
}

wait_for up_ready httpd || diag "$(cat "$T/scan.log")"
is "$(curl -s "http://127.0.0.1:$PORT/")" hello "httpd serves, its socket from the holder"
like "$(s6-fdholder-list "$S/fdholder/s")" "^tcp:127.0.0.1:$PORT\$" \
    "the holder keeps the listening socket"
restarts httpd "$PORT"

# relay the same way, an HTTP relay in front of that httpd.
RP=$(free_port)
mkdir -p "$T/state"
printf 'http protocol web { }\nrelay www {\n\tlisten on 127.0.0.1 port %s\n\tprotocol web\n\tforward to 127.0.0.1 port %s\n}\n' \
    "$RP" "$PORT" >"$T/relayd.conf"
cp -R doc/examples/s6-fdholder/relay "$S/"
sed -i -e "s|/usr/local/sbin/|$PWD/bin/|g" \
    -e "s|/run/relayd|$T/state|" -e "s|/etc/relayd.conf|$T/relayd.conf|" \
    -e "s|^define addr .*|define addr 127.0.0.1|" \
    -e "s|^define port .*|define port $RP|" "$S/relay/run"
s6-svscanctl -a "$S"
wait_for up_ready relay || diag "$(cat "$T/scan.log")"
is "$(curl -s "http://127.0.0.1:$RP/")" hello "relay serves, its socket from the holder"
restarts relay "$RP"
stop_scan

# LISTEN_SOCKETS that cannot be right: refused at start, exit 100.
bad() {	# prog value: the message, then the exit status
	if [ "$1" = httpd ]; then
		out=$(LISTEN_SOCKETS=$2 bin/httpd -f "$T/httpd.conf" 2>&1 7<&-)
	else
		printf 'relay r {\n\tlisten on 127.0.0.1 port %s\n\tforward to 127.0.0.1 port 1\n}\n' \
		    "$PORT" >"$T/relayd.conf"
		out=$(LISTEN_SOCKETS=$2 bin/relay -d -s "$T/state" \
		    -f "$T/relayd.conf" 2>&1 7<&-)
	fi
	echo "$out; $?"
}
mkdir -p "$T/state"
for prog in httpd relay; do
	is "$(bad $prog x)" \
	    "$prog: fatal: LISTEN_SOCKETS: \"x\": not a list of descriptor numbers; 100" \
	    "$prog: LISTEN_SOCKETS not numbers"
	is "$(bad $prog 7)" \
	    "$prog: fatal: LISTEN_SOCKETS: descriptor 7 is not open; 100" \
	    "$prog: LISTEN_SOCKETS naming a closed descriptor"
	is "$(bad $prog 6 6<"$T/httpd.conf")" \
	    "$prog: fatal: LISTEN_SOCKETS: descriptor 6 is not an IPv4 or IPv6 socket; 100" \
	    "$prog: LISTEN_SOCKETS naming a file"
done

# socketbind: only numeric addresses, ports in range.
sb() { out=$(bin/socketbind "$@" 2>&1); echo "$out; $?"; }
is "$(sb localhost 80 true)" \
    "socketbind: fatal: localhost: not a numeric IPv4 or IPv6 address; 100" \
    "socketbind: a name is refused"
is "$(sb 127.0.0.1 0 true)" "socketbind: fatal: port 0: expected 1-65535; 100" \
    "socketbind: port 0 is refused"
P2=$(free_port)
is "$(bin/socketbind 127.0.0.1 "$P2" sh -c 'ss -Hltn "sport = :$1" | wc -l' sh "$P2")" 1 \
    "socketbind: the program runs with the socket listening"
done_testing
