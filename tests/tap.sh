# tap.sh: a small TAP producer for POSIX sh tests run by prove.
# Source it (. "${0%/*}/tap.sh"), then: plan N or done_testing at the end.
#   ok STATUS DESC      passes when STATUS is 0 (use: cmd; ok $? "desc")
#   is GOT WANT DESC    string equality, shows both on failure
#   isnt GOT WANT DESC
#   like GOT ERE DESC   extended regular expression match (grep -E)
#   pass DESC / fail DESC
#   skip REASON [N]     N skipped tests
#   skip_all REASON     plan 1..0 and exit
#   diag MSG (stderr), note MSG (stdout)
#   bail_out REASON     abort the whole run
#   done_testing        print the plan if none was given; exit status

_tap_n=0
_tap_failed=0
_tap_planned=

plan() {
	_tap_planned=$1
	echo "1..$1"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

_tap_result() {	# status desc
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
	return "$1"
}

ok() {
	_tap_s=$1
	shift
	[ "$_tap_s" -eq 0 ] 2>/dev/null || _tap_s=1
	_tap_result "$_tap_s" "$*"
}

pass() { _tap_result 0 "$*"; }
fail() { _tap_result 1 "$*"; }

diag() {
	printf '%s\n' "$*" | sed 's/^/# /' >&2
}

note() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

is() {
	if [ "$1" = "$2" ]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "     got: '$1'"
		diag "expected: '$2'"
		return 1
	fi
}

isnt() {
	if [ "$1" != "$2" ]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "got '$1', expected anything else"
		return 1
	fi
}

like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "     got: '$1'"
		diag "expected to match: /$2/"
		return 1
	fi
}

skip() {
	_tap_k=${2:-1}
	while [ "$_tap_k" -gt 0 ]; do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP $1"
		_tap_k=$((_tap_k - 1))
	done
}

bail_out() {
	echo "Bail out! $*"
	exit 255
}

done_testing() {
	if [ -z "$_tap_planned" ]; then
		echo "1..$_tap_n"
	elif [ "$_tap_planned" -ne "$_tap_n" ]; then
		diag "planned $_tap_planned tests but ran $_tap_n"
		exit 255
	fi
	[ "$_tap_failed" -eq 0 ] || exit 1
	exit 0
}

# A free TCP port on 127.0.0.1, chosen by the kernel.
free_port() {
	perl -MIO::Socket::INET -e \
	    'my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Listen => 1) or die; print $s->sockport, "\n"'
}
