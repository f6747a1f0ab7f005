#!/bin/sh
# The composed example uplinks (doc/examples/compose/uplinks): checkd
# and routerd under s6-svscan in the host namespace of
# tests/lib/routerd_net.sh, a multipath route to the destination through
# gateways 1 and 2.  A gateway's link down leaves the route; routerd
# under s6: -h reloads, -t restarts, SIGKILL is restarted, and the
# destination answers throughout (-k keeps the route meanwhile).
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (namespaces, routes)"
command -v ip >/dev/null && command -v s6-svscan >/dev/null ||
    skip_all "needs ip and s6"
[ -x bin/routerd ] && [ -x bin/checkd ] || bail_out "build first (make)"
id _relayd >/dev/null 2>&1 || skip_all "needs the user _relayd (make setup)"

N=cu$$
. tests/lib/routerd_net.sh
. tests/lib/compose.sh
PEER=
net_cleanup() {
	[ -n "$PEER" ] && kill "$PEER" 2>/dev/null
	net_down
}
NET_CLEANUP=net_cleanup
net_up || skip_all "cannot make network namespaces and veth pairs"
# The destination answers a TCP connection with the address it came from.
ip netns exec "$DST" env RB_ADDR=10.99.0.1 perl tests/lib/relay_peer.pl \
    whoami 7000 >/dev/null 2>&1 &
PEER=$!

compose_make uplinks GW1=10.61.1.2 GW2=10.61.2.2 ROUTE=10.99.0.1/32 ||
    bail_out "compose uplinks"
compose_start "$H"
ok $? "uplinks: up and ready under s6-svscan (routerd after checkd)"

hops() {	# the gateways of routerd's route, one sorted line
	in_ns "$H" ip -4 route show 10.99.0.1/32 proto 252 |
	    grep -o 'via [^ ]*' | awk '{ print $2 }' | sort | tr '\n' ' '
}
hops_are() { [ "$(hops)" = "$1" ]; }
reach() {
	in_ns "$H" perl tests/lib/relay_client.pl 10.99.0.1 7000 </dev/null \
	    2>/dev/null | grep -q '^10\.61\.'
}

wait_for 10 hops_are "10.61.1.2 10.61.2.2 "
ok $? "uplinks: one route through both gateways"
reach >/dev/null
ok $? "uplinks: the destination answers"

gw_link 1 down
wait_for 10 hops_are "10.61.2.2 "
ok $? "uplinks: gateway 1's link down: the route goes through 2 alone"
wait_for 5 reach
ok $? "uplinks: ... and the destination still answers"
gw_link 1 up
wait_for 10 hops_are "10.61.1.2 10.61.2.2 "
ok $? "uplinks: gateway 1 back: both again"

svc_trio routerd reach
svc_trio checkd reach
is "$(hops)" "10.61.1.2 10.61.2.2 " "uplinks: the route is whole after the restarts"

compose_stop
is "$(leftovers)" "" "uplinks: stopped, nothing of it left running"
done_testing
