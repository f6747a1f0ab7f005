# compose.sh: a composed example of doc/examples/compose, made by
# tools/run.sh -m and run under s6-svscan in a temporary directory.
# Source after tap.sh, from the top of the tree.  Sets T.
#   compose_make NAME KEY=VALUE...  make it in $T/NAME; sets EX, SCAN, LOGS
#   compose_start [NS]    s6-svscan on SCAN (in network namespace NS);
#                         true once every service is up and ready
#   compose_stop          s6-svscanctl -t, and wait for s6-svscan
#   leftovers             what still runs of the example (pids), if any
#   svc_pid SVC           the pid of service SVC's program
#   svc_ready SVC         wait until SVC is up and ready again (20 s)
#   wait_for SECONDS CMD...   poll CMD until it succeeds
#   logged SVC ERE SECONDS    poll SVC's log for a line
#   svc_trio SVC CHECK    the supervision tests of one program: s6-svc -h
#                         reloads (same pid, "configuration reloaded"
#                         unless SVC has nothing to reload), s6-svc -t
#                         restarts, kill -9 is restarted by s6; CHECK (a
#                         command) must pass after each

T=$(mktemp -d /tmp/compose-test.XXXXXX)
chmod 755 "$T"
SCAN=
SCAN_PID=
TREE=

compose_make() {	# name key=value...
	_name=$1
	shift
	EX=$T/$_name/ex
	SCAN=$EX/scan
	LOGS=$T/$_name/log
	sh tools/run.sh -m "$_name" "$T/$_name" "$@" >"$T/make.out" 2>&1 ||
	    { cat "$T/make.out" >&2; return 1; }
}

wait_for() {	# seconds command...
	_n=$(($1 * 10))
	shift
	while ! "$@" >/dev/null 2>&1; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && return 1
		sleep 0.1
	done
	return 0
}

_supervised() {
	for _s in "$SCAN"/*/; do
		[ -e "$_s/supervise/status" ] || return 1
	done
}

compose_start() {	# [namespace]
	if [ -n "${1:-}" ]; then
		ip netns exec "$1" s6-svscan "$SCAN" >>"$T/svscan.out" 2>&1 &
	else
		s6-svscan "$SCAN" >>"$T/svscan.out" 2>&1 &
	fi
	SCAN_PID=$!
	wait_for 20 _supervised || return 1
	# shellcheck disable=SC2046
	s6-svwait -U -t 30000 $(ls -d "$SCAN"/*/) && return 0
	for _s in "$SCAN"/*/; do	# which one, for the reader
		diag "$(basename "$_s"): $(s6-svstat "$_s")"
	done
	return 1
}

# Every process under s6-svscan, for leftovers to look for after it.
_tree() {	# pid
	echo "$1"
	for _c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		_tree "$_c"
	done
}

compose_stop() {
	[ -n "$SCAN_PID" ] || return 0
	TREE=$(_tree "$SCAN_PID")
	s6-svscanctl -t "$SCAN" 2>/dev/null
	wait "$SCAN_PID"
	SCAN_PID=
	# A reader at the end of a pipe (table-alert) sees EOF and exits
	# a moment after the writer it was forked by.
	wait_for 5 _no_leftovers
}

_no_leftovers() { [ -z "$(leftovers)" ]; }

leftovers() {
	{
		pgrep -f "$T"
		for _p in $TREE; do
			kill -0 "$_p" 2>/dev/null && echo "$_p"
		done
	} | sort -u | tr '\n' ' '
}

svc_pid() {
	s6-svstat -o pid "$SCAN/$1"
}

svc_ready() {
	s6-svwait -U -t 20000 "$SCAN/$1"
}

logged() {	# svc ere seconds
	wait_for "$3" grep -Eq "$2" "$LOGS/$1/current"
}

_pid_changed() {	# svc old
	_p=$(svc_pid "$1")
	[ "$_p" != "$2" ] && [ "$_p" != -1 ]
}

svc_trio() {	# svc check-command...
	_svc=$1
	shift
	_old=$(svc_pid "$_svc")
	_n=$(grep -c 'configuration reloaded' "$LOGS/$_svc/current")
	s6-svc -h "$SCAN/$_svc"
	if [ "$_svc" = fcgi-bridge ]; then
		sleep 0.2	# nothing to reload, nothing to wait for
	else
		wait_for 10 sh -c "[ \$(grep -c 'configuration reloaded' \
		    '$LOGS/$_svc/current') -gt $_n ]"
		ok $? "$_svc: s6-svc -h reloads (logged)"
	fi
	is "$(svc_pid "$_svc")" "$_old" "$_svc: ... in the same process"
	wait_for 10 "$@"
	ok $? "$_svc: serves after s6-svc -h"

	s6-svc -t "$SCAN/$_svc"
	wait_for 10 _pid_changed "$_svc" "$_old" && svc_ready "$_svc"
	ok $? "$_svc: s6-svc -t: stopped and started again, ready"
	wait_for 10 "$@"
	ok $? "$_svc: serves after s6-svc -t"

	_old=$(svc_pid "$_svc")
	kill -KILL "$_old"
	wait_for 10 _pid_changed "$_svc" "$_old" && svc_ready "$_svc"
	ok $? "$_svc: killed (SIGKILL), restarted by s6-supervise, ready"
	wait_for 10 "$@"
	ok $? "$_svc: serves again after SIGKILL"
}

_compose_cleanup() {
	if [ -n "$SCAN_PID" ]; then
		compose_stop
	fi
	for _p in $(leftovers); do
		kill -KILL "$_p" 2>/dev/null
	done
	[ -n "${NET_CLEANUP:-}" ] && $NET_CLEANUP
	rm -rf "$T"
}
trap _compose_cleanup EXIT
