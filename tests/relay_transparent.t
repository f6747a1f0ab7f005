#!/bin/sh
# relay's transparent forward and forward to destination, in network
# namespaces the test makes: a client (10.251.1.2), the relay between
# two links, and a host
# (10.251.2.2) whose default route goes back through the relay.  The
# host must see the client's address, not the relay's; a plain forward
# beside it shows the difference.  The relay's namespace routes the
# replies to the transparent socket as relay.8 says (an nftables rule
# marks them, a rule and a local route deliver them).
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (namespaces, privilege drop)"
command -v ip >/dev/null && command -v nft >/dev/null ||
    skip_all "needs ip and nft"

N=rt$$
C=${N}c
R=${N}r
B=${N}b
D=$(mktemp -d /tmp/relay-tp.XXXXXX)
RELAY_PID=
PEER_PID=
cleanup() {
	[ -n "$RELAY_PID" ] && kill -TERM "$RELAY_PID" 2>/dev/null &&
	    wait "$RELAY_PID" 2>/dev/null
	[ -n "$PEER_PID" ] && kill "$PEER_PID" 2>/dev/null
	for ns in $C $R $B; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$D"
}
trap cleanup EXIT

in_ns() {	# namespace command...
	_ns=$1
	shift
	ip netns exec "$_ns" "$@"
}

for ns in $C $R $B; do
	ip netns add "$ns" || skip_all "cannot make network namespaces"
	in_ns "$ns" ip link set lo up
done
ip link add "${N}vc" type veth peer name "${N}vrc" &&
    ip link add "${N}vb" type veth peer name "${N}vrb" ||
    skip_all "cannot make veth pairs"
ip link set "${N}vc" netns "$C"
ip link set "${N}vrc" netns "$R"
ip link set "${N}vb" netns "$B"
ip link set "${N}vrb" netns "$R"
in_ns "$C" ip addr add 10.251.1.2/24 dev "${N}vc"
in_ns "$C" ip link set "${N}vc" up
in_ns "$C" ip route add default via 10.251.1.1
in_ns "$R" ip addr add 10.251.1.1/24 dev "${N}vrc"
in_ns "$R" ip addr add 10.251.2.1/24 dev "${N}vrb"
in_ns "$R" ip link set "${N}vrc" up
in_ns "$R" ip link set "${N}vrb" up
in_ns "$B" ip addr add 10.251.2.2/24 dev "${N}vb"
in_ns "$B" ip link set "${N}vb" up
in_ns "$B" ip route add default via 10.251.2.1
# Replies to a client's address come back to the relay's namespace;
# these three lines hand them to the transparent socket.
in_ns "$R" nft add table ip relaytp
in_ns "$R" nft add chain ip relaytp pre \
    '{ type filter hook prerouting priority mangle; }'
in_ns "$R" nft add rule ip relaytp pre meta l4proto tcp \
    socket transparent 1 meta mark set 1
in_ns "$R" ip rule add fwmark 1 lookup 100
in_ns "$R" ip route add local 0.0.0.0/0 dev lo table 100

# ip netns exec and env exec: $! is perl's pid.
ip netns exec "$B" env RB_ADDR=10.251.2.2 perl tests/lib/relay_peer.pl \
    whoami 8000 >/dev/null 2>&1 &
PEER_PID=$!

cat >"$D/relayd.conf" <<CONF
prefork 1
log connection
relay tp {
	listen on 10.251.1.1 port 7000
	transparent forward to 10.251.2.2 port 8000
}
relay plain {
	listen on 10.251.1.1 port 7001
	forward to 10.251.2.2 port 8000
}
relay dest {
	listen on 10.251.1.1 port 7002
	forward to destination
	forward to 10.251.2.2 port 8000
}
relay tpdest {
	listen on 10.251.1.1 port 7003
	transparent forward to destination
}
CONF
mkfifo "$D/ready"
ip netns exec "$R" bin/relay -d -f "$D/relayd.conf" -s "$D/state" -r 3 \
    3>"$D/ready" 2>"$D/stderr" &
RELAY_PID=$!
read -r _ <"$D/ready" || { cat "$D/stderr" >&2; bail_out "relay did not start"; }
sleep 0.3

ask() {	# port: what the host answered, through the relay
	in_ns "$C" perl tests/lib/relay_client.pl 10.251.1.1 "$1" </dev/null \
	    2>/dev/null | head -n 1
}
is "$(ask 7001)" 10.251.2.1 "a plain forward: the host sees the relay"
is "$(ask 7000)" 10.251.1.2 "transparent forward: the host sees the client"
is "$(ask 7000)" 10.251.1.2 "and again, on a new connection"
like "$(cat "$D/stderr")" 'relay tp, session [0-9]+ .*10\.251\.1\.2 -> 10\.251\.2\.2:8000, done' \
    "the log line names the client and the host"

# forward to destination: the client asks for 10.251.2.2 port 8000 or
# 8001, the relay's namespace routes it and redirects it to the relay
# (nftables' redirect), and the relay connects where the client wanted.
in_ns "$R" sysctl -qw net.ipv4.ip_forward=1
in_ns "$R" nft add table ip relaynat
in_ns "$R" nft add chain ip relaynat pre \
    '{ type nat hook prerouting priority dstnat; }'
in_ns "$R" nft add rule ip relaynat pre ip saddr 10.251.1.2 tcp dport 8000 \
    redirect to :7002
in_ns "$R" nft add rule ip relaynat pre ip saddr 10.251.1.2 tcp dport 8001 \
    redirect to :7003
ip netns exec "$B" env RB_ADDR=10.251.2.2 perl tests/lib/relay_peer.pl \
    whoami 8001 >/dev/null 2>&1 &
PEER2_PID=$!
sleep 0.3
direct() {	# port: what the host answered, asked for directly
	in_ns "$C" perl tests/lib/relay_client.pl 10.251.2.2 "$1" </dev/null \
	    2>/dev/null | head -n 1
}
is "$(direct 8000)" 10.251.2.1 "forward to destination: the host the client asked for"
like "$(cat "$D/stderr")" 'relay dest, session [0-9]+ .*10\.251\.1\.2 -> 10\.251\.2\.2:8000, done' \
    "through the relay (its log line)"
is "$(direct 8001)" 10.251.1.2 "transparent forward to destination: the client's address, port 8001"
is "$(ask 7002)" 10.251.2.1 "not redirected: the next forward line"
kill "$PEER2_PID" 2>/dev/null

# The worker keeps CAP_NET_RAW for it, and nothing else.
w=$(pgrep -P "$RELAY_PID" | head -n 1)
capeff=$(awk '/^CapEff:/ { print $2 }' "/proc/$w/status")
is "$capeff" 0000000000002000 "the worker has CAP_NET_RAW only"
capbnd=$(awk '/^CapBnd:/ { print $2 }' "/proc/$w/status")
is "$capbnd" 0000000000002000 "and its bounding set holds nothing else"
like "$(cat "/proc/$w/status")" 'Seccomp:[[:space:]]+2' "still under seccomp"
done_testing
