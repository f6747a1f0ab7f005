#!/bin/sh
# check icmp in a network namespace of its own: local addresses answer
# ICMP and ICMPv6 echo, an address with no answer and one with no route
# are down with their reasons, and ip ttl is accepted.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (raw sockets, ip netns)"
NS=checkd-icmp-$$
ip netns add "$NS" 2>/dev/null ||
    skip_all "network namespaces unavailable (ip netns add failed)"
. tests/lib/checkd.sh
trap 'cleanup; ip netns del "$NS" 2>/dev/null' EXIT
ip -n "$NS" link set lo up
# A veth pair with one end addressed: 10.77.0.2 never answers ARP.
ip -n "$NS" link add v0 type veth peer name v1 ||
    skip_all "no veth interfaces in the namespace"
ip -n "$NS" addr add 10.77.0.1/24 dev v0
ip -n "$NS" link set v0 up
ip -n "$NS" link set v1 up
v6=yes
ip -n "$NS" addr show lo | grep -q '::1' || v6=

tables="table <lo4> { 127.0.0.1 ip ttl 1 }
table <dummy> { 10.77.0.1 }
table <silent> { 10.77.0.2 }
table <noroute> { 192.0.2.1 }"
redirects="redirect r1 { listen on 127.0.0.1 port 81
	forward to <lo4> port 80 check icmp }
redirect r2 { listen on 127.0.0.1 port 82
	forward to <dummy> port 80 check icmp }
redirect r3 { listen on 127.0.0.1 port 83
	forward to <silent> port 80 check icmp }
redirect r4 { listen on 127.0.0.1 port 84
	forward to <noroute> port 80 check icmp }"
if [ -n "$v6" ]; then
	tables="$tables
table <lo6> { ::1 }"
	redirects="$redirects
redirect r5 { listen on 127.0.0.1 port 85
	forward to <lo6> port 80 check icmp }"
fi
CHECKD_WRAP="ip netns exec $NS"
checkd_start "interval 1
timeout 300
$tables
$redirects"

expect() {	# table host state reason
	is "$(field "$1" "$2" 3) $(reason "$1" "$2")" "$3 $4" \
	    "table $1: $3, $4"
}
expect lo4 127.0.0.1 up "icmp ok"
expect dummy 10.77.0.1 up "icmp ok"
expect silent 10.77.0.2 down "icmp read timeout"
expect noroute 192.0.2.1 down "icmp write timeout"
if [ -n "$v6" ]; then
	expect lo6 ::1 up "icmp ok"
else
	skip "no IPv6 on lo in the namespace"
fi
# A blind spoofer sends echo replies from the silent host with checkd's
# identifier, the host's id and every sequence number, but not the
# check's random cookie: the host stays down, round after round.
cpid=$(checker_pid | head -n 1)
sid=$(field silent 10.77.0.2 6)
ip netns exec "$NS" perl tests/lib/checkd_icmp_forge.pl 10.77.0.2 \
    10.77.0.1 $((cpid % 65536)) "$sid" 3
ok $? "forged echo replies sent for 3 s (3 rounds)"
expect silent 10.77.0.2 down "icmp read timeout"
is "$(grep -c 'table silent host 10.77.0.2 port 80 up' "$T/events")" 0 \
    "no forged reply raised it, not even for a round"
# The address goes away: the host goes down, and comes back.
ip -n "$NS" addr del 10.77.0.1/24 dev v0
wait_state dummy 10.77.0.1 down 4
ok $? "an address removed: down"
ip -n "$NS" addr add 10.77.0.1/24 dev v0
wait_state dummy 10.77.0.1 up 4
ok $? "back: up"
checkd_stop
is "$CHECKD_STATUS" 0 "SIGTERM: exit 0"
done_testing
