# checkd.sh: run a real checkd for a test, with its state directory under
# a temporary directory, and peers from checkd_server.pl.  Source after
# tap.sh.  Sets T, STATE.
#   server MODE ARG...        start a peer on a free port; sets SPORT, SPID
#   checkd_start CONF         write CONF, start checkd, wait for readiness
#   checkd_stop               SIGTERM; sets CHECKD_STATUS
#   field TABLE HOST N        field N of HOST's line in the table's file
#   wait_state TABLE HOST STATE SECONDS   poll until HOST is in STATE
#   checker_pid               the checker process (child of checkd)

T=$(mktemp -d /tmp/checkd-test.XXXXXX)
chmod 755 "$T"
STATE=$T/state
CHECKD_PID=
SERVER_PIDS=

checkd_stop() {
	CHECKD_STATUS=
	if [ -n "$CHECKD_PID" ]; then
		kill -TERM "$CHECKD_PID" 2>/dev/null
		wait "$CHECKD_PID" 2>/dev/null
		CHECKD_STATUS=$?
		CHECKD_PID=
	fi
}

cleanup() {
	checkd_stop
	for p in $SERVER_PIDS; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

server() {
	SPORT=$(free_port)
	perl tests/lib/checkd_server.pl "$1" "$SPORT" "$2" "$3" \
	    >/dev/null 2>&1 &
	SPID=$!
	SERVER_PIDS="$SERVER_PIDS $SPID"
	# Listening before the caller goes on.
	i=0
	while ! perl -MIO::Socket::INET -e \
	    "IO::Socket::INET->new('127.0.0.1:$SPORT') or exit 1" 2>/dev/null
	do
		i=$((i + 1))
		[ $i -gt 50 ] && bail_out "server $1 did not start"
		sleep 0.1
	done
}

checkd_start() {
	printf '%s\n' "$1" >"$T/relayd.conf"
	rm -f "$T/ready"
	mkfifo "$T/ready"
	# shellcheck disable=SC2086
	${CHECKD_WRAP:-} bin/checkd -f "$T/relayd.conf" -s "$STATE" -r 3 \
	    3>"$T/ready" \
	    >>"$T/events" 2>>"$T/stderr" &
	CHECKD_PID=$!
	if ! read -r _ <"$T/ready"; then
		cat "$T/stderr" >&2
		bail_out "checkd did not start"
	fi
}

field() {
	awk -v h="$2" -v n="$3" '$1 == h { print $n }' "$STATE/tables/$1" \
	    2>/dev/null
}

reason() {
	awk -v h="$2" '$1 == h { $1 = $2 = $3 = $4 = $5 = $6 = $7 = "";
	    sub(/^ +/, ""); print }' "$STATE/tables/$1" 2>/dev/null
}

wait_state() {
	_w=0
	while [ "$(field "$1" "$2" 3)" != "$3" ]; do
		_w=$((_w + 1))
		[ $_w -gt $(($4 * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}

checker_pid() {
	cat /proc/$CHECKD_PID/task/*/children 2>/dev/null | awk '{ print $1 }'
}
