# reload.sh: load through reloads, for tests/reload_*.t.  Source after
# tap.sh and the program's own library.
#   wait_for CMD...                 poll until CMD succeeds, at most 20 s
#   reload_load PID LOG PORT [ARG...]
#       50 keep-alive clients (tests/lib/kaload.pl ARG...) on PORT; once
#       each has been answered, three SIGHUPs to PID, each awaited as
#       "configuration reloaded" in LOG; then the clients stop.  The
#       result line is in $RL/load, the failures in $RL/load.err.
#   failures_of FILE                the sum of the failure counts
#   requests_of FILE                the requests answered

RL=$(mktemp -d /tmp/reload-load.XXXXXX)

wait_for() {
	_i=0
	while ! "$@"; do
		_i=$((_i + 1))
		[ $_i -lt 200 ] || return 1
		sleep 0.1
	done
}

_reloaded() { [ "$(grep -c 'configuration reloaded' "$1")" -ge "$2" ]; }
_all_ready() { [ "$(ls "$RL/ready" | wc -l)" -ge 50 ]; }

reload_load() {
	_pid=$1 _log=$2 _port=$3
	shift 3
	rm -rf "$RL/stop" "$RL/load" "$RL/ready"
	mkdir "$RL/ready"
	perl tests/lib/kaload.pl "$@" -n 50 -ready "$RL/ready" "$_port" \
	    "$RL/stop" >"$RL/load" 2>"$RL/load.err" &
	_lp=$!
	_base=$(grep -c 'configuration reloaded' "$_log")
	wait_for _all_ready || diag "not every client was answered"
	for _n in 1 2 3; do
		sleep 1
		kill -HUP "$_pid"
		wait_for _reloaded "$_log" $((_base + _n)) ||
		    diag "reload $_n not seen"
	done
	sleep 1
	touch "$RL/stop"
	wait "$_lp"
}

requests_of() { sed -n 's/^requests \([0-9]*\).*/\1/p' "$1"; }
failures_of() { awk '{ print $4 + $6 + $8 + $10 + $12 }' "$1"; }
