# syscalls.sh: the system calls a process makes while a command runs,
# seen with strace.  Source after tap.sh.
#   syscalls_during PID CALLS WARM OUT CMD [ARG...]
#       strace -e trace=CALLS on PID; the shell command WARM is repeated
#       until strace has seen a first call (it is attached), then CMD
#       runs, and OUT gets the calls made while it ran, one per line
#   syscall_count OUT NAME     how many NAME( lines OUT has
#   fetch_new URL BODY N       N requests on new connections; FETCHED
#                              counts those answered with BODY

syscalls_during() {
	_pid=$1 _calls=$2 _warm=$3 _out=$4
	shift 4
	strace -f -qq -e trace="$_calls" -p "$_pid" -o "$_out.all" \
	    2>/dev/null &
	_spid=$!
	_i=0
	while [ $_i -lt 10 ]; do
		eval "$_warm"
		[ -s "$_out.all" ] && break
		sleep 0.2
		_i=$((_i + 1))
	done
	sleep 0.2
	_n0=$(wc -l <"$_out.all")
	"$@"
	sleep 0.3
	kill "$_spid" 2>/dev/null
	wait "$_spid" 2>/dev/null
	tail -n +"$((_n0 + 1))" "$_out.all" >"$_out"
}

syscall_count() {
	grep -c "^[0-9]* *$2(" "$1"
}

# fetch_new URL BODY N: N requests to URL, each on a new connection
# (Connection: close); FETCHED counts those answered with BODY.
fetch_new() {
	FETCHED=0
	_n=0
	while [ $_n -lt "$3" ]; do
		[ "$(curl -s -H 'Connection: close' "$1")" = "$2" ] &&
		    FETCHED=$((FETCHED + 1))
		_n=$((_n + 1))
	done
}
