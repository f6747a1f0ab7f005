# redirectd.sh: what the redirectd tests share.  Source after tap.sh, from
# the source tree, with NAMESPACES set to the namespaces the test makes
# (names from $N, unique per run).  Sets N, C (client), R (director), D
# (a temporary directory), STATE; kills RD_PID, CK_PID and PIDS at exit.
#   in_ns, net_up, net_down   from redirectd_net.sh (the network)
#   bad_n DESC MESSAGE CONF   -n refuses CONF with MESSAGE, nothing on stdout
#   ask URL                   which backend answered (from the client), "fail"
#   count N URL               the answers of N requests, counted: "b1:3 b2:3"
#   chain NAME                the director's chain, from table $RD_TABLE
#   wait_chain NAME ERE [absent]   poll until the chain (mis)matches
#   start_checkd CONF TABLE N   checkd in the director, N hosts up
[ "$(id -u)" -eq 0 ] || skip_all "needs root (namespaces, nftables)"
command -v ip >/dev/null && command -v nft >/dev/null &&
    command -v curl >/dev/null || skip_all "needs ip, nft and curl"
[ -x bin/redirectd ] && [ -x bin/httpd ] && [ -x bin/checkd ] ||
    bail_out "build first (make)"

N=rd$$
. tests/lib/redirectd_net.sh
D=$(mktemp -d /tmp/redirectd-test.XXXXXX)
chmod 755 "$D"
STATE=$D/state
RD_TABLE=${RD_TABLE:-inet relayd}
PIDS=
RD_PID=
CK_PID=
cleanup() {
	[ -n "$RD_PID" ] && kill -TERM "$RD_PID" 2>/dev/null &&
	    wait "$RD_PID" 2>/dev/null
	[ -n "$CK_PID" ] && kill -TERM "$CK_PID" 2>/dev/null &&
	    wait "$CK_PID" 2>/dev/null
	for p in $PIDS; do
		kill -TERM "$p" 2>/dev/null
	done
	for ns in $C $R $NAMESPACES; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$D"
}
trap cleanup EXIT

bad_n() {	# description expected-message config
	printf '%s\n' "$3" >"$D/bad.conf"
	bin/redirectd -n -f "$D/bad.conf" >"$D/out" 2>"$D/err"
	is "$?" 1 "-n refuses: $1"
	is "$(head -n 1 "$D/err")" "$2" "the message: $1"
	is "$(wc -c <"$D/out")" 0 "nothing on stdout: $1"
}

ask() {	# url: which backend answered ("fail" if none)
	_a=$(in_ns "$C" curl -s -g -m 5 "$1" 2>/dev/null)
	echo "${_a:-fail}"
}

count() {	# n url: the answers of n requests, counted, sorted
	_n=$1
	while [ "$_n" -gt 0 ]; do
		ask "$2"
		_n=$((_n - 1))
	done | sort | uniq -c | awk '{ printf "%s%s:%s", sep, $2, $1; sep=" " }'
}

chain() {	# chain: its rules as nft lists them
	# shellcheck disable=SC2086
	in_ns "$R" nft list chain $RD_TABLE "$1" 2>/dev/null
}

wait_chain() {	# chain ERE [absent]: poll until the chain (mis)matches
	_w=0
	while :; do
		if chain "$1" | grep -Eq -- "$2"; then
			[ -z "$3" ] && return 0
		else
			[ -n "$3" ] && return 0
		fi
		_w=$((_w + 1))
		[ $_w -gt 100 ] && return 1
		sleep 0.1
	done
}

# start_checkd CONF TABLE N: checkd in the director, until N hosts of
# TABLE are up (one test point).
start_checkd() {	# conf table n
	rm -f "$D/ckready"
	mkfifo "$D/ckready"
	ip netns exec "$R" bin/checkd -f "$1" -s "$STATE" -r 3 \
	    3>"$D/ckready" >/dev/null 2>"$D/ckerr" &
	CK_PID=$!
	read -r _ <"$D/ckready" || { cat "$D/ckerr" >&2; bail_out "checkd"; }
	_w=0
	until [ "$(grep -c ' up ' "$STATE/tables/$2" 2>/dev/null)" = "$3" ] ||
	    [ $_w -gt 100 ]; do
		sleep 0.1
		_w=$((_w + 1))
	done
	is "$(grep -c ' up ' "$STATE/tables/$2")" "$3" "checkd: $3 hosts of <$2> up"
}
