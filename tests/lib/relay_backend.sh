# relay_backend.sh: peers from relay_backend.pl on free ports of
# 127.0.0.1.  Source after tap.sh, with T set to a temporary directory;
# call backends_stop from the cleanup (this file sets no trap).
#   backend MODE [ARG...]   start one and wait for its "ready"; sets BPORT,
#                           BPID (RB_ADDR and RB_RECORD pass through)
#   backends_stop           stop every backend started (and their children)

BACKEND_PIDS=

backend() {
	_rb_mode=$1
	shift
	BPORT=$(free_port)
	rm -f "$T/rb.ready"
	mkfifo "$T/rb.ready" || bail_out "mkfifo $T/rb.ready"
	perl tests/lib/relay_backend.pl "$_rb_mode" "$BPORT" "$@" \
	    >"$T/rb.ready" 2>>"$T/rb.stderr" &
	BPID=$!
	BACKEND_PIDS="$BACKEND_PIDS $BPID"
	if ! read -r _rb_line <"$T/rb.ready" || [ "$_rb_line" != ready ]; then
		cat "$T/rb.stderr" >&2
		bail_out "relay_backend.pl $_rb_mode did not start"
	fi
}

backends_stop() {
	for _rb_p in $BACKEND_PIDS; do
		kill -TERM "$_rb_p" 2>/dev/null
		wait "$_rb_p" 2>/dev/null
	done
	BACKEND_PIDS=
}
