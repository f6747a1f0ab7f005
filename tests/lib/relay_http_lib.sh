# relay_http_lib.sh: run bin/relay and tests/lib/relay_backend.pl for a
# test, on free ports of 127.0.0.1, and stop them at exit.  Source after
# tap.sh (and after httpd.sh if the test also runs an httpd: its cleanup
# is called too).  Sets R, the relay's directory (config, state, stderr).
#   relay_start CONFIG-BODY   "prefork 1" and "log connection" are added;
#                             waits until the relay is ready
#   relay_stop
#   relay_worker_pid          the pid of the (only) worker
#   rb_start VAR MODE [ARG...] a relay_backend.pl on a free port, recording
#                             into $R/VAR.rec; sets $VAR to the port
#   rb_record VAR             what that backend received so far
#   canned_start VAR ANSWER... relay_canned.pl, its port in $VAR
#   rawp PORT                 raw.pl to PORT: stdin out, the answer printed
#   status_line TEXT          the first line of TEXT, without its CR
#   relay_log                 the relay's stderr so far

R=$(mktemp -d /tmp/relay-http.XXXXXX)
RELAY_PID=
RB_PIDS=

relay_stop() {
	if [ -n "$RELAY_PID" ]; then
		kill -TERM "$RELAY_PID" 2>/dev/null
		wait "$RELAY_PID" 2>/dev/null
		RELAY_PID=
	fi
}

_relay_cleanup() {
	relay_stop
	for _p in $RB_PIDS; do
		kill -TERM "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	command -v cleanup >/dev/null 2>&1 && cleanup
	rm -rf "$R"
}
trap _relay_cleanup EXIT

relay_start() {
	relay_stop
	printf 'prefork 1\nlog connection\n%s\n' "$1" >"$R/relayd.conf"
	rm -f "$R/ready"
	mkfifo "$R/ready"
	bin/relay -d -f "$R/relayd.conf" -s "$R/state" -r 3 3>"$R/ready" \
	    2>>"$R/stderr" &
	RELAY_PID=$!
	if ! read -r _ <"$R/ready"; then
		cat "$R/stderr" >&2
		bail_out "relay did not start"
	fi
}

# The worker: the parent's child (without TLS there is no key process).
relay_worker_pid() {
	for _d in /proc/[0-9]*; do
		_pp=$(awk '/^PPid:/ { print $2 }' "$_d/status" 2>/dev/null)
		if [ "$_pp" = "$RELAY_PID" ]; then
			echo "${_d#/proc/}"
			return
		fi
	done
}

rb_start() {	# VAR MODE [ARG...]
	_var=$1
	shift
	_port=$(free_port)
	rm -f "$R/rb.ready"
	mkfifo "$R/rb.ready"
	_mode=$1
	shift
	RB_RECORD="$R/$_var.rec" perl tests/lib/relay_backend.pl "$_mode" \
	    "$_port" "$@" >"$R/rb.ready" 2>>"$R/rb.stderr" 3</dev/null &
	RB_PIDS="$RB_PIDS $!"
	if ! read -r _ <"$R/rb.ready"; then
		cat "$R/rb.stderr" >&2
		bail_out "relay_backend.pl $* did not start"
	fi
	: >"$R/$_var.rec"
	eval "$_var=\$_port"
}

rb_record() {
	cat "$R/$1.rec"
}

rawp() {
	perl tests/lib/raw.pl "$1"
}

status_line() {
	printf '%s\n' "$1" | head -n 1 | tr -d '\r'
}

relay_log() {
	cat "$R/stderr"
}

# canned_start VAR ANSWER...: tests/lib/relay_canned.pl on a free port,
# set in $VAR; each ANSWER is sent as is (\r and \n written so).
canned_start() {
	_var=$1
	shift
	_port=$(free_port)
	rm -f "$R/rb.ready"
	mkfifo "$R/rb.ready"
	perl tests/lib/relay_canned.pl "$_port" "$@" >"$R/rb.ready" \
	    2>>"$R/rb.stderr" &
	RB_PIDS="$RB_PIDS $!"
	if ! read -r _ <"$R/rb.ready"; then
		cat "$R/rb.stderr" >&2
		bail_out "relay_canned.pl did not start"
	fi
	eval "$_var=\$_port"
}
