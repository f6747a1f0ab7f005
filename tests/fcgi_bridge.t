#!/bin/sh
# fcgi-bridge against a real FastCGI client (tests/lib/fcgi_client.pl):
# the socket and the privileges, the environment of RFC 3875, request
# bodies, exit statuses, missing programs, timeouts, aborts, 10 MiB with
# bounded memory, concurrency, keep-alive, hostile records, chroot, stop.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"

T=$(mktemp -d /tmp/fcgi-test.XXXXXX)
chmod 755 "$T"
PID=
cleanup() {
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID"
	rm -rf "$T"
}
trap cleanup EXIT

# start NAME ARGS...: start a bridge on $T/NAME.sock, wait for readiness.
start() {
	name=$1
	shift
	rm -f "$T/ready"
	mkfifo "$T/ready"
	LEAK_CHECK=bridge-env bin/fcgi-bridge -s "$T/$name.sock" -r 3 "$@" \
	    3>"$T/ready" 2>>"$T/stderr" &
	PID=$!
	if ! read -r _ <"$T/ready"; then
		cat "$T/stderr" >&2
		bail_out "fcgi-bridge did not start"
	fi
	SOCK=$T/$name.sock
}

# fcgi ARGS...: a request; stdout to $T/out, events to $T/events.
fcgi() {
	perl tests/lib/fcgi_client.pl "$@" "$SOCK" >"$T/out" 2>"$T/events"
}

# alive PID: running (a zombie no one reaps in a container is not alive)
alive() {
	[ -n "$1" ] && [ -d "/proc/$1" ] &&
	    ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

script() {	# script NAME BODY: an executable shell script in $T
	printf '#!/bin/sh\n%s\n' "$2" >"$T/$1"
	chmod 755 "$T/$1"
}

script env.cgi 'printf "Content-Type: text/plain\r\n\r\n"; env | sort; id -u
echo "to the log" >&2'
script cat.cgi 'printf "Content-Type: application/octet-stream\r\n\r\n"; cat'
script status.cgi 'exit 3'
# Where the programs, running as _fcgi-bridge, may write.
mkdir "$T/run"
chown _fcgi-bridge "$T/run"
script hang.cgi "echo \$\$ >$T/run/hang.pid; sleep 60 & echo \$! >$T/run/bg.pid; wait"
script big.cgi 'printf "Content-Type: application/octet-stream\r\n\r\n"
head -c 10485760 /dev/zero'
script slow.cgi 'sleep 1; printf "Content-Type: text/plain\r\n\r\n%s\n" "$QUERY_STRING"'
script sandbox.cgi 'printf "Content-Type: text/plain\r\n\r\n"
grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status
unshare -U true 2>/dev/null; echo "unshare $?"'
printf '#!/bin/sh\necho no\n' >"$T/noexec.cgi"
chmod 644 "$T/noexec.cgi"

start main -p / -t 3
own=$(id -u _fcgi-bridge)

# The socket: made by root, given to the -U user (www-data), mode 0660.
is "$(stat -c '%U:%G %a' "$SOCK")" "www-data:www-data 660" \
    "socket owned by www-data, mode 0660"

# The socket goes to its owner through a descriptor, never by its path:
# who may write the socket's directory could put a symbolic link there
# between bind and chown.  strace shows the calls of a normal start ...
strace -f -qq -o "$T/strace" -e trace=chown,lchown,fchown,fchownat,chmod,fchmod,fchmodat \
    bin/fcgi-bridge -s "$T/traced.sock" -p / -r 3 3>"$T/ready" 2>>"$T/stderr" &
tracer=$!
read -r _ <"$T/ready"
is "$(stat -c '%U:%G %a' "$T/traced.sock")" "www-data:www-data 660" \
    "under strace: the same owner and mode"
kill -TERM "$(pgrep -P "$tracer")"
wait "$tracer"
like "$(cat "$T/strace")" \
    "^[0-9]+ +fchownat\\([0-9]+, \"\", $(id -u www-data), $(id -g www-data), AT_EMPTY_PATH\\) = 0\$" \
    "... given through a descriptor (fchownat AT_EMPTY_PATH)"
! grep -Eq '(^|[^f])(chown|chmod|fchmodat)\(' "$T/strace"
ok $? "... and no chown or chmod by path name"
# ... and with the bridge stopped right after bind (strace injects a
# SIGSTOP there), a link put at the path: its target must stay as it is.
echo secret >"$T/victim"
chmod 600 "$T/victim"
strace -f -qq -o /dev/null -e trace=bind -e inject=bind:signal=SIGSTOP \
    bin/fcgi-bridge -s "$T/race.sock" -p / 2>"$T/race.err" &
tracer=$!
i=0
while [ $i -lt 100 ]; do
	bridge=$(pgrep -P "$tracer")
	[ -n "$bridge" ] &&
	    grep -q '^State:[[:space:]]*[tT]' "/proc/$bridge/status" && break
	sleep 0.1
	i=$((i + 1))
done
rm -f "$T/race.sock"
ln -s "$T/victim" "$T/race.sock"
kill -CONT "$bridge"
i=0
while kill -0 "$tracer" 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 "$tracer" 2>/dev/null && kill -TERM "$bridge"	# it went on
wait "$tracer"
is "$?" 111 "a link swapped in after bind: the bridge does not start"
like "$(cat "$T/race.err")" "race.sock: replaced after bind; its owner left alone" \
    "... and says why"
is "$(stat -c '%U:%G %a' "$T/victim")" "root:root 600" \
    "... the link's target keeps its owner and mode"

# The bridge itself: unprivileged, no_new_privs, seccomp, no capability;
# by default a user of its own, not httpd's www-data.
st=/proc/$PID/status
is "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$st")" "$own $own $own $own" \
    "the bridge runs as _fcgi-bridge"
is "$(awk '/^Groups:/ { print $2 }' "$st")" "$(id -g _fcgi-bridge)" \
    "... with only _fcgi-bridge's group"
is "$(awk '/^NoNewPrivs:/ { print $2 }' "$st")" 1 "... no_new_privs"
is "$(awk '/^Seccomp:/ { print $2 }' "$st")" 2 "... a seccomp filter"
is "$(awk '/^CapEff:/ { print $2 }' "$st")" 0000000000000000 \
    "... no capabilities"

# Without _fcgi-bridge (a password file without it, in a mount namespace
# of its own), no silent fall-back to www-data: the bridge says what to do.
# With -u www-data given, it runs as www-data.
grep -v '^_fcgi-bridge:' /etc/passwd >"$T/passwd"
err=$(unshare -m sh -c 'mount --bind "$1" /etc/passwd &&
    exec timeout 10 bin/fcgi-bridge -p / -s "$2"' sh "$T/passwd" "$T/nouser.sock" 2>&1)
is "$?" 1 "no _fcgi-bridge user: the bridge does not start, exit 1"
is "$err" "fcgi-bridge: fatal: user _fcgi-bridge: no such user; create it (make setup runs tools/users.sh) or name one with -u" \
    "... and says how to create it"
kill -TERM "$PID"
wait "$PID"
start www -p / -t 3 -u www-data
is "$(awk '/^Uid:/ { print $2 }' /proc/$PID/status)" "$(id -u www-data)" \
    "-u www-data, given explicitly: the bridge runs as www-data"
kill -TERM "$PID"
wait "$PID"
start main -p / -t 3

# RFC 3875: the parameters are the whole environment (plus what sh adds).
fcgi -s "$T/env.cgi" -p GATEWAY_INTERFACE=CGI/1.1 -p REQUEST_METHOD=GET \
    -p 'QUERY_STRING=a=1&b=2' -p SERVER_PROTOCOL=HTTP/1.1 \
    -p 'HTTP_USER_AGENT=x y'
out=$(cat "$T/out")
like "$out" '^Content-Type: text/plain' "the program's output is FCGI_STDOUT"
like "$out" '^QUERY_STRING=a=1&b=2$' "QUERY_STRING as given"
like "$out" '^GATEWAY_INTERFACE=CGI/1\.1$' "GATEWAY_INTERFACE as given"
like "$out" '^HTTP_USER_AGENT=x y$' "a value with a blank"
like "$out" "^SCRIPT_FILENAME=$T/env.cgi\$" "SCRIPT_FILENAME"
like "$out" "^PWD=$T\$" "the program runs in its own directory"
! grep -q LEAK_CHECK "$T/out"
ok $? "nothing of the bridge's own environment reaches the program"
is "$(tail -n 1 "$T/out")" "$own" "the program runs as _fcgi-bridge"
is "$(grep -c '=' "$T/out")" 7 "exactly the 6 parameters and PWD"
like "$(cat "$T/events")" '^stderr: to the log$' "stderr as FCGI_STDERR"
is "$(tail -n 1 "$T/events")" "end: 0 0" "END_REQUEST: status 0, complete"
like "$(cat "$T/stderr")" "fcgi-bridge: $T/env.cgi: to the log" \
    "... and in the log, with the program's name"

# The programs inherit the sandbox: no_new_privs, seccomp, no namespaces.
fcgi -s "$T/sandbox.cgi"
is "$(tail -n 3 "$T/out" | tr '\t' ' ' | tr -s ' ')" "NoNewPrivs: 1
Seccomp: 2
unshare 1" "programs run under no_new_privs and the filter: unshare refused"

# The request body, over several STDIN records, reaches stdin whole.
head -c 200000 /dev/urandom >"$T/body"
fcgi -i -s "$T/cat.cgi" <"$T/body"
tail -c 200000 "$T/out" | cmp -s - "$T/body"
ok $? "a 200000-byte body arrives byte for byte"
is "$(wc -c <"$T/out")" 200042 "... after the program's header"

fcgi -s "$T/status.cgi"
is "$(wc -c <"$T/out")" 0 "a program without output: no content"
is "$(cat "$T/events")" "end: 3 0" "... and its exit status in END_REQUEST"

fcgi -s "$T/missing.cgi"
is "$(wc -c <"$T/out")" 0 "a missing program: no output"
is "$(cat "$T/events")" "stderr: fcgi-bridge: execve $T/missing.cgi: No such file or directory
end: 1 0" "... its error on FCGI_STDERR, status 1 (as slowcgi)"
fcgi -s "$T/noexec.cgi"
like "$(cat "$T/events")" "execve $T/noexec.cgi: Permission denied" \
    "a file that is not executable: Permission denied"
fcgi
is "$(tail -n 1 "$T/events")" "end: 1 0" "no SCRIPT_FILENAME: the same"

# A program that hangs is killed at the timeout, with what it started.
t0=$(date +%s)
fcgi -t 10 -s "$T/hang.cgi"
t1=$(date +%s)
is "$(cat "$T/events")" "closed" "a hanging program: the connection is cut"
el=$((t1 - t0))
[ "$el" -ge 2 ] && [ "$el" -le 5 ]
ok $? "... at the 3 s timeout (took ${el}s)"
sleep 0.3
! alive "$(cat "$T/run/hang.pid")"
ok $? "... the program is killed"
! alive "$(cat "$T/run/bg.pid")"
ok $? "... and so is what it started in the background"
like "$(cat "$T/stderr")" "$T/hang.cgi: timeout: program killed" \
    "... and the timeout is logged"

# What a program leaves running dies with its request: whether it still
# holds the output pipes or not, whether the program exits or hangs past
# the timeout, and whether it tries to leave the process group (setsid,
# setpgid are refused).  Each leftover sleeps for 77<test pid><n> seconds,
# a number pgrep finds and no other run of this test uses.
LEFT=77$$
survivors() {	# survivors: the leftover sleeps, once they had time to die
	i=0
	while pgrep -f "^sleep $LEFT[0-9]\$" >/dev/null && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	left=$(pgrep -f "^sleep $LEFT[0-9]\$")
	[ -n "$left" ] && kill -KILL $left
	printf '%s' "$left" | tr '\n' ' '
}
script bg-held.cgi "sleep ${LEFT}1 &
printf 'Content-Type: text/plain\r\n\r\nleft one\n'"
script bg-detached.cgi "sleep ${LEFT}2 </dev/null >/dev/null 2>&1 &
printf 'Content-Type: text/plain\r\n\r\nleft one\n'"
script bg-hang.cgi "sleep ${LEFT}3 </dev/null >/dev/null 2>&1 &
sleep ${LEFT}4"
script bg-setsid.cgi "printf 'Content-Type: text/plain\r\n\r\n'
setsid sleep ${LEFT}5 </dev/null >/dev/null 2>&1 &
perl -e 'setpgrp(0, 0) or print qq(setpgid: \$!\\n); exec qw(sleep ${LEFT}6)' \\
    </dev/null 2>&1 &
sleep 0.5"
fcgi -t 10 -s "$T/bg-held.cgi"
is "$(tail -n 1 "$T/events")" "end: 0 0" \
    "a program that exits, a child holding its stdout: the request ends"
is "$(survivors)" "" "... and the child is killed"
fcgi -t 10 -s "$T/bg-detached.cgi"
is "$(tail -n 1 "$T/events")" "end: 0 0" \
    "a program that exits, a detached child: the request ends"
is "$(survivors)" "" "... and the child is killed"
fcgi -t 10 -s "$T/bg-hang.cgi"
is "$(cat "$T/events")" "closed" "a program that hangs past the timeout"
is "$(survivors)" "" "... its detached child is killed with it"
fcgi -t 10 -s "$T/bg-setsid.cgi"
like "$(cat "$T/out")" '^setpgid: Operation not permitted$' \
    "a program cannot leave its process group: setpgid refused"
is "$(survivors)" "" "... nor escape the kill with setsid or setpgid"

# The web server gone: the program is killed, the loss logged.
fcgi -t 1 -s "$T/hang.cgi"
is "$(cat "$T/events")" "timeout" "a client that gives up after 1 s"
sleep 0.5
! alive "$(cat "$T/run/hang.pid")"
ok $? "... its program is killed at once, not at the timeout"
like "$(cat "$T/stderr")" "$T/hang.cgi: the client went away" "... logged"

# 10 MiB through a slow client: all of it, and the bridge stays small.
fcgi -w 0.005 -t 20 -s "$T/big.cgi"
is "$(wc -c <"$T/out")" $((10485760 + 42)) "10 MiB arrive, every byte"
is "$(tail -n 1 "$T/events")" "end: 0 0" "... then END_REQUEST"
hwm=$(awk '/^VmHWM:/ { print $2 }' /proc/$PID/status)
[ "$hwm" -lt 8192 ]
ok $? "... the bridge's peak memory stays under 8 MiB (VmHWM ${hwm} kB)"

# Several requests at once: 8 programs of 1 s each take about 1 s.
t0=$(date +%s)
i=1
while [ $i -le 8 ]; do
	perl tests/lib/fcgi_client.pl -s "$T/slow.cgi" -p "QUERY_STRING=r$i" \
	    "$SOCK" >"$T/par$i" 2>&1 &
	i=$((i + 1))
done
wait_clients() {
	for j in 1 2 3 4 5 6 7 8; do
		while ! grep -q '^end:' "$T/par$j" 2>/dev/null; do
			sleep 0.1
			[ $(($(date +%s) - t0)) -gt 10 ] && return
		done
	done
}
wait_clients
t1=$(date +%s)
n=0
for j in 1 2 3 4 5 6 7 8; do
	grep -q "^r$j\$" "$T/par$j" && grep -q '^end: 0 0' "$T/par$j" &&
	    n=$((n + 1))
done
is "$n" 8 "8 requests at once: each gets its own answer"
[ $((t1 - t0)) -le 3 ]
ok $? "... concurrently ($((t1 - t0))s for 8 programs of 1s)"

# FCGI_KEEP_CONN: three requests on one connection.
fcgi -n 3 -s "$T/status.cgi"
is "$(grep -c '^end: 3 0$' "$T/events")" 3 "keep-alive: 3 requests, 1 connection"
fcgi -G FCGI_MAX_CONNS,FCGI_MPXS_CONNS,NO_SUCH_VALUE
is "$(cat "$T/events")" "value: FCGI_MAX_CONNS=64
value: FCGI_MPXS_CONNS=0" "FCGI_GET_VALUES: known names answered"

# FCGI_ABORT_REQUEST kills the program; END_REQUEST says SIGKILL.
fcgi -A 1 -s "$T/hang.cgi"
is "$(cat "$T/events")" "end: 137 0" "ABORT_REQUEST: killed, status 128+9"
sleep 0.3
! alive "$(cat "$T/run/hang.pid")"
ok $? "... the program is gone"

# Hostile records: exact outcome, logged, and the bridge still serves.
rec() {	# rec VERSION TYPE ID CONTENT PADDING
	perl -e 'my ($v, $t, $id, $c, $p) = @ARGV;
	    print pack("CCnnCC", $v, $t, $id, length($c), $p, 0), $c, "\0" x $p' \
	    "$@"
}
begin() { perl -e 'print pack("CCnnCC", 1, 1, 1, 8, 0, 0), pack("nCx5", 1, 0)'; }
hostile() {	# hostile DESCRIPTION LOGTEXT: $T/raw is sent as it is
	fcgi -R -t 6 <"$T/raw"
	is "$(cat "$T/events")" "closed" "$1: the connection is closed"
	like "$(tail -n 1 "$T/stderr")" "$2" "... logged as: $2"
	fcgi -s "$T/status.cgi"
	is "$(cat "$T/events")" "end: 3 0" "... and the next request is served"
}
rec 2 1 1 '' 0 >"$T/raw"
hostile "bad version byte" 'bad version byte'
begin | head -c 12 >"$T/raw"
hostile "truncated record" 'timeout: record incomplete'
{ begin; perl -e 'print pack("CCnnCC", 1, 4, 1, 10, 6, 0),
    "\xff\xff\xff\xff\x7f", "ABCDE", "\0" x 6'; rec 1 4 1 '' 0; } >"$T/raw"
hostile "huge name-value length" 'name-value pair longer than its record'
rec 1 9 0 'x' 3 >"$T/raw"
hostile "padding not aligning" 'padding inconsistent with the content length'
rec 1 1 1 'short' 3 >"$T/raw"
hostile "BEGIN_REQUEST of 5 bytes" 'content length wrong for the record type'
rec 1 5 0 '' 0 >"$T/raw"
hostile "STDIN with request id 0" 'application record with request id 0'
rec 1 6 1 'x' 7 >"$T/raw"
hostile "STDOUT sent by a client" 'record type not sent by'
{ begin; perl -e 'for (1 .. 9) { print pack("CCnnCC", 1, 4, 1, 4096, 0, 0),
    "\x01\x7f", "A" x 4094 }'; } >"$T/raw"
hostile "parameters over 32 KiB" 'parameters over 32768 bytes'
rec 1 200 0 'abc' 5 >"$T/raw"
fcgi -R -t 2 <"$T/raw"
is "$(head -n 1 "$T/events")" "unknown-type: 200" \
    "an unknown type is answered FCGI_UNKNOWN_TYPE, not an error"
{ begin; perl -e 'print pack("CCnnCC", 1, 1, 2, 8, 0, 0),
    pack("nCx5", 1, 0)'; } >"$T/raw"
fcgi -R -t 2 <"$T/raw"
is "$(head -n 1 "$T/events")" "end: 0 1" \
    "a second BEGIN_REQUEST on a busy connection: FCGI_CANT_MPX_CONN"
is "$(awk '/^Uid:/ { print $2 }' /proc/$PID/status 2>/dev/null)" "$own" \
    "the same bridge process is still running"

# SIGTERM: running requests finish, then exit 0; no new connections.
perl tests/lib/fcgi_client.pl -s "$T/slow.cgi" -p QUERY_STRING=last \
    "$SOCK" >"$T/last" 2>&1 &
client=$!
sleep 0.3
kill -TERM "$PID"
wait "$client"
like "$(cat "$T/last")" '^last$' "SIGTERM: the running request finishes"
like "$(cat "$T/last")" '^end: 0 0$' "... with its END_REQUEST"
wait "$PID"
is "$?" 0 "... and the bridge exits 0"
PID=
! perl tests/lib/fcgi_client.pl -s "$T/env.cgi" "$SOCK" >/dev/null 2>&1
ok $? "... nothing accepts after the stop"

# chroot: a statically linked program in a root of its own.
mkdir -p "$T/root/cgi-bin"
cat >"$T/hello.c" <<'C'
#include <stdio.h>
#include <unistd.h>
int main(void) {
	char cwd[256];
	printf("Content-Type: text/plain\r\n\r\nhello from %s\n",
	    getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	printf("%s\n", access("/bin/sh", F_OK) == 0 ? "sh" : "no sh");
	return 0;
}
C
if cc -static -o "$T/root/cgi-bin/hello" "$T/hello.c" 2>/dev/null; then
	start chroot -p "$T/root" -t 3
	is "$(readlink /proc/$PID/root)" "$T/root" "-p: the bridge is chrooted"
	fcgi -s /cgi-bin/hello
	is "$(tail -n 2 "$T/out")" "hello from /cgi-bin
no sh" "a static program runs inside, in its directory, sees no /bin/sh"
	is "$(cat "$T/events")" "end: 0 0" "... and ends with status 0"
	kill -TERM "$PID"
	wait "$PID"
	PID=
else
	skip "no static C library to build the chroot program" 3
fi
done_testing
