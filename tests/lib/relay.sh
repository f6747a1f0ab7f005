# relay.sh: run a real relay for a test, its state directory under a
# temporary directory, with backends from relay_peer.pl and, when a test
# needs health checks, a real checkd on the same state directory.  Source
# after tap.sh.  Sets T, STATE.  Everything started is stopped at exit.
#   peer MODE PORT [ARG]     start relay_peer.pl (on $RB_ADDR, default
#                            127.0.0.1) and wait until it listens; sets PEER_PID
#   peer_stop PID            stop one peer
#   relay_start CONF         write $T/relayd.conf, start bin/relay -d, wait
#                            for readiness (-r through a fifo)
#   relay_stop               SIGTERM; sets RELAY_STATUS
#   rcheckd_start            start bin/checkd on the same file and state
#   rcheckd_stop             SIGTERM checkd
#   send ADDR PORT [N]       relay_client.pl: stdin to ADDR PORT, N times
#   count ADDR PORT N        N connections, what came back as "name=count"
#                            words, sorted by name
#   hstate TABLE HOST        the host's state in checkd's status file
#   wait_hstate TABLE HOST STATE SECONDS   poll until it is STATE
#   workers                  the relay's worker processes (its children)

T=$(mktemp -d /tmp/relay-test.XXXXXX)
chmod 755 "$T"
STATE=$T/state
RELAY_PID=
CHECKD_PID=
PEER_PIDS=

relay_stop() {
	RELAY_STATUS=
	if [ -n "$RELAY_PID" ]; then
		kill -TERM "$RELAY_PID" 2>/dev/null
		wait "$RELAY_PID" 2>/dev/null
		RELAY_STATUS=$?
		RELAY_PID=
	fi
}

rcheckd_stop() {
	if [ -n "$CHECKD_PID" ]; then
		kill -TERM "$CHECKD_PID" 2>/dev/null
		wait "$CHECKD_PID" 2>/dev/null
		CHECKD_PID=
	fi
}

peer_stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

cleanup() {
	relay_stop
	rcheckd_stop
	for p in $PEER_PIDS; do
		kill "$p" 2>/dev/null
	done
	# RELAY_TEST_KEEP=DIR keeps the logs for a look after the run.
	[ -n "${RELAY_TEST_KEEP:-}" ] && cp "$T"/*stderr "$T/events" \
	    "$T/relayd.conf" "$RELAY_TEST_KEEP" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# A port is listening on ADDR (IPv4 or IPv6).
listening() {
	perl -MIO::Socket::IP -e \
	    'IO::Socket::IP->new(PeerHost => $ARGV[0], PeerPort => $ARGV[1]) or exit 1' \
	    "$1" "$2" 2>/dev/null
}

peer() {
	perl tests/lib/relay_peer.pl "$@" >/dev/null 2>>"$T/peer.stderr" &
	PEER_PID=$!
	PEER_PIDS="$PEER_PIDS $PEER_PID"
	_i=0
	while ! listening "${RB_ADDR:-127.0.0.1}" "$2"; do
		_i=$((_i + 1))
		[ $_i -gt 50 ] && bail_out "peer $1 on port $2 did not start"
		sleep 0.1
	done
}

relay_start() {
	printf '%s\n' "$1" >"$T/relayd.conf"
	rm -f "$T/ready"
	mkfifo "$T/ready"
	# shellcheck disable=SC2086
	${RELAY_BIN:-bin/relay} -d -f "$T/relayd.conf" -s "$STATE" -r 3 ${RELAY_ARGS:-} \
	    3>"$T/ready" 2>>"$T/stderr" &
	RELAY_PID=$!
	if ! read -r _ <"$T/ready"; then
		cat "$T/stderr" >&2
		bail_out "relay did not start"
	fi
}

rcheckd_start() {
	rm -f "$T/cready"
	mkfifo "$T/cready"
	bin/checkd -f "$T/relayd.conf" -s "$STATE" -r 3 3>"$T/cready" \
	    >>"$T/events" 2>>"$T/checkd.stderr" &
	CHECKD_PID=$!
	if ! read -r _ <"$T/cready"; then
		cat "$T/checkd.stderr" >&2
		bail_out "checkd did not start"
	fi
}

send() {
	perl tests/lib/relay_client.pl "$@"
}

count() {
	send "$1" "$2" "$3" </dev/null | sort | uniq -c |
	    awk '{ printf("%s%s=%s", (NR > 1 ? " " : ""), $2, $1) }'
}

hstate() {
	awk -v h="$2" '$1 == h { print $3 }' "$STATE/tables/$1" 2>/dev/null
}

wait_hstate() {
	_w=0
	while [ "$(hstate "$1" "$2")" != "$3" ]; do
		_w=$((_w + 1))
		[ $_w -gt $(($4 * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}

workers() {
	cat /proc/"$RELAY_PID"/task/*/children 2>/dev/null | tr ' ' '\n' |
	    grep .
}
