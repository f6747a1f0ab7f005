#!/bin/sh
# The composed example ha (doc/examples/compose/ha) on two nodes, each a
# network namespace running keepalived, checkd and relay under
# s6-svscan in front of its own backends, joined with a client by a
# bridge.  The master's backends are taken down: checkd's demote/carp0
# says 1, keepalived gives the virtual address up, the other node takes
# it, and the client's requests, sent in a loop, succeed again.  The
# requests lost while the address moved are counted and reported.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (namespaces)"
command -v ip >/dev/null && command -v s6-svscan >/dev/null &&
    command -v curl >/dev/null || skip_all "needs ip, s6 and curl"
command -v keepalived >/dev/null || skip_all "needs keepalived (make setup)"
[ -x bin/httpd ] && [ -x bin/checkd ] && [ -x bin/relay ] ||
    bail_out "build first (make)"
id _relayd >/dev/null 2>&1 || skip_all "needs the user _relayd (make setup)"

N=ha$$
SW=${N}s
CL=${N}c
VIP=10.88.0.10
. tests/lib/compose.sh
LOOP=
SCANS=
net_cleanup() {
	[ -n "$LOOP" ] && kill "$LOOP" 2>/dev/null
	for _sp in $SCANS; do	# dir:pid of each node's s6-svscan
		s6-svscanctl -t "${_sp%:*}" 2>/dev/null
		wait "${_sp#*:}" 2>/dev/null
	done
	for _ns in $SW $CL ${N}n1 ${N}n2; do
		ip netns del "$_ns" 2>/dev/null
	done
}
NET_CLEANUP=net_cleanup

in_ns() {
	_ns=$1
	shift
	ip netns exec "$_ns" "$@"
}

# A bridge in the switch namespace; each of the others on it.
net_up() {
	for _ns in $SW $CL ${N}n1 ${N}n2; do
		ip netns add "$_ns" || return 1
		in_ns "$_ns" ip link set lo up
	done
	in_ns "$SW" ip link add br0 type bridge || return 1
	in_ns "$SW" ip link set br0 up
	for _k in n1:1 n2:2 c:100; do
		_at=${N}${_k%:*}
		ip link add "${N}e" type veth peer name "${N}p${_k#*:}" || return 1
		ip link set "${N}e" netns "$_at"
		ip link set "${N}p${_k#*:}" netns "$SW"
		in_ns "$SW" ip link set "${N}p${_k#*:}" master br0 up
		in_ns "$_at" ip addr add "10.88.0.${_k#*:}/24" dev "${N}e"
		in_ns "$_at" ip link set "${N}e" up
	done
}
net_up || skip_all "cannot make network namespaces, veth pairs and a bridge"

# Node K with priority P: the example, its backends saying who they are.
node() {	# k priority
	compose_make ha "IFACE=${N}e" "VIP=$VIP" PREFIXLEN=24 \
	    "PRIORITY=$2" ROUTERID=51 PASS=suite PORT=80 BPORT=8080 ||
	    bail_out "compose ha"
	mv "$T/ha" "$T/n$1"
	# The example's paths name where it was made: follow the move.
	grep -rl "$T/ha" "$T/n$1" | while read -r _f; do
		sed -i "s|$T/ha|$T/n$1|g" "$_f"
	done
	printf 'n%s\n' "$1" >"$T/n$1/www/htdocs/node"
	chmod 644 "$T/n$1/www/htdocs/node"
	SCAN=$T/n$1/ex/scan
	LOGS=$T/n$1/log
	compose_start "${N}n$1"
	ok $? "node $1: up and ready (keepalived after checkd)"
	SCANS="$SCANS $SCAN:$SCAN_PID"
	SCAN_PID=	# stopped by net_cleanup, with the other node
}
node 1 150
node 2 100

has_vip() { in_ns "${N}n$1" ip -4 addr show dev "${N}e" | grep -q "$VIP/"; }
ask() { in_ns "$CL" curl -s --connect-timeout 0.5 --max-time 1 "http://$VIP/node"; }
answers() { [ "$(ask)" = "$1" ]; }

wait_for 15 has_vip 1
ok $? "node 1 (priority 150) holds $VIP"
! has_vip 2
ok $? "node 2 does not"
wait_for 5 answers n1
ok $? "the client's request reaches node 1's relay and backends"
is "$(cat "$T/n1/state/demote/carp0")" 0 "node 1: demote/carp0 is 0"

# The client: one request after the other, each line "ms result".
ip netns exec "$CL" sh -c 'while :; do
	r=$(curl -sf --connect-timeout 0.5 --max-time 1 "http://$1/node")
	echo "$(date +%s%3N) ${r:-fail}"
	sleep 0.05
done' loop "$VIP" >"$T/client.log" 2>/dev/null &
LOOP=$!
wait_for 5 grep -q ' n1$' "$T/client.log"

t0=$(date +%s%3N)
s6-svc -d "$T/n1/ex/scan/backend"
wait_for 10 sh -c "[ \"\$(cat '$T/n1/state/demote/carp0')\" = 1 ]"
ok $? "node 1's backends down: its demote/carp0 is 1"
wait_for 15 has_vip 2
ok $? "the address moves to node 2"
t1=$(date +%s%3N)
! has_vip 1
ok $? "node 1 gave it up"
wait_for 10 grep -q ' n2$' "$T/client.log"
ok $? "the client's requests succeed again, on node 2"
sleep 0.5	# a few more requests after the first success, for the count
kill "$LOOP"
wait "$LOOP" 2>/dev/null
LOOP=

# The window: from the backends' stop to the first answer of node 2.
awk -v t0="$t0" '$1 >= t0' "$T/client.log" >"$T/window"
first=$(awk '$2 == "n2" { print $1; exit }' "$T/window")
failed=$(awk -v f="$first" '$1 < f && $2 != "n1"' "$T/window" | wc -l)
served=$(awk -v f="$first" '$1 < f && $2 == "n1"' "$T/window" | wc -l)
after=$(awk -v f="$first" '$1 >= f && $2 != "n2"' "$T/window" | wc -l)
diag "failover: address on node 2 $((t1 - t0)) ms after the backends stopped;" \
    "first answer from node 2 after $((first - t0)) ms;" \
    "in that window $failed requests failed, $served answered by node 1" \
    "(before checkd's verdict)"
is "$after" 0 "no request failed once node 2 answered"

# Node 1's backends back: the file says 0, node 1 (higher priority)
# takes the address back.
s6-svc -u "$T/n1/ex/scan/backend"
wait_for 10 sh -c "[ \"\$(cat '$T/n1/state/demote/carp0')\" = 0 ]" &&
    wait_for 15 has_vip 1
ok $? "backends back on node 1: it takes the address back"
wait_for 10 answers n1
ok $? "and answers again"
grep -q 'table-alert: ALERT: table web has no host up' "$T/svscan.out"
ok $? "node 1's table-alert reported table web empty"

# Stop both nodes: nothing of them left.
for sp in $SCANS; do
	SCAN=${sp%:*}
	SCAN_PID=${sp#*:}
	compose_stop
done
SCANS=
is "$(leftovers)" "" "ha: both nodes stopped, nothing left running"
done_testing
