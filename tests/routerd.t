#!/bin/sh
# routerd in network namespaces the test makes (tests/lib/routerd_net.sh):
# a host running checkd and routerd, three gateways, and a destination
# behind all three.  The multipath route in the kernel follows checkd's
# verdicts in both families, and traffic to the destination keeps flowing
# when the gateway it used goes down; routes of other programs are left
# alone; then status files written here drive the rest (a gateway not on
# a connected network, -p, -k, SIGHUP as a diff); bad input last.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (namespaces, routes)"
command -v ip >/dev/null || skip_all "needs ip"
[ -x bin/routerd ] && [ -x bin/checkd ] || bail_out "build first (make)"
id _relayd >/dev/null 2>&1 || skip_all "needs the user _relayd (make setup)"

N=rd$$
. tests/lib/routerd_net.sh
T=$(mktemp -d /tmp/routerd-test.XXXXXX)
chmod 755 "$T"
RD_PID=
CK_PID=
PEERS=
cleanup() {
	for p in $RD_PID $CK_PID; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	for p in $PEERS; do
		kill "$p" 2>/dev/null
	done
	net_down
	rm -rf "$T"
}
trap cleanup EXIT
net_up || skip_all "cannot make network namespaces and veth pairs"

# routerd_start CONF STATEDIR [FLAGS...]: started in the host, and ready.
routerd_start() {
	_conf=$1
	_state=$2
	shift 2
	rm -f "$T/rd.ready"
	mkfifo "$T/rd.ready"
	ip netns exec "$H" bin/routerd -v "$@" -f "$_conf" -s "$_state" \
	    -r 3 3>"$T/rd.ready" 2>>"$T/routerd.err" &
	RD_PID=$!
	read -r _ <"$T/rd.ready" || { cat "$T/routerd.err" >&2;
	    bail_out "routerd did not start"; }
}

routerd_stop() {
	kill -TERM "$RD_PID"
	wait "$RD_PID"
	RD_STATUS=$?
	RD_PID=
}

# The gateways of routerd's route to PREFIX in TABLE, sorted, one line.
hops() {	# table prefix
	case $2 in
	*:*)	_f=-6 ;;
	*)	_f=-4 ;;
	esac
	in_ns "$H" ip "$_f" route show table "$1" "$2" proto 252 |
	    grep -o 'via [^ ]*' | awk '{ print $2 }' | sort | tr '\n' ' ' |
	    sed 's/ $//'
}

# Poll until the route has exactly these gateways ("" for no route).
wait_hops() {	# table prefix want seconds
	_i=0
	while [ "$(hops "$1" "$2")" != "$3" ]; do
		_i=$((_i + 1))
		[ $_i -gt $(($4 * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}

# Poll until the log has a line matching ERE.
wait_log() {	# ere seconds
	_i=0
	while ! grep -Eq "$1" "$T/routerd.err"; do
		_i=$((_i + 1))
		[ $_i -gt $(($2 * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}

# What the destination sees as the host's address, over TCP: the address
# of the link the connection left by, so the gateway it went through.
talk() {	# addr
	in_ns "$H" perl tests/lib/relay_client.pl "$1" 7000 </dev/null \
	    2>/dev/null | head -n 1
}

for a in 10.99.0.1 fd99::1; do
	ip netns exec "$DST" env RB_ADDR=$a perl tests/lib/relay_peer.pl \
	    whoami 7000 >/dev/null 2>&1 &
	PEERS="$PEERS $!"
done

# --- -n: the routes it would install, every gateway up -------------------
cat >"$T/one.conf" <<'CONF'
interval 1
timeout 300
table <gw4> { 10.61.1.2, 10.61.2.2, 10.61.3.2 }
table <gw6> { "fd61:1::2", "fd61:2::2", "fd61:3::2" priority 5 }
router "up4" {
	route 10.99.0.0/24
	route 10.97.0.0/24
	forward to <gw4> check icmp
	rtable 100
}
router "up6" {
	route "fd99::/64"
	forward to <gw6> check icmp
}
CONF
bin/routerd -n -f "$T/one.conf" >"$T/n.out" 2>"$T/n.err"
ok $? "routerd -n accepts the file"
is "$(cat "$T/n.out")" "10.99.0.0/24 table 100 proto 252 metric 0 nexthop via 10.61.1.2 weight 1 nexthop via 10.61.2.2 weight 1 nexthop via 10.61.3.2 weight 1
10.97.0.0/24 table 100 proto 252 metric 0 nexthop via 10.61.1.2 weight 1 nexthop via 10.61.2.2 weight 1 nexthop via 10.61.3.2 weight 1
fd99::/64 table 254 proto 252 metric 1024 nexthop via fd61:1::2 weight 1 nexthop via fd61:2::2 weight 1
fd99::/64 table 254 proto 252 metric 5 nexthop via fd61:3::2 weight 1" \
    "-n prints one route per destination and priority, as ip route add takes it"

# --- checkd and routerd, both families ----------------------------------
# The same without the priority, so that all three share the route.
sed 's/ priority 5//' "$T/one.conf" >"$T/checked.conf"
S=$T/state
in_ns "$H" ip rule add to 10.99.0.0/24 lookup 100
# Someone else's: another destination in the same table, one with the
# same destination and metric as a route of routerd's, and a stale route
# of routerd's protocol, as a run killed before it could clean up leaves.
in_ns "$H" ip route add 10.98.0.0/24 via 10.61.1.2 table 100
in_ns "$H" ip route add 10.97.0.0/24 via 10.61.3.2 table 100
in_ns "$H" ip route add 10.96.0.0/24 via 10.61.1.2 table 100 proto 252
mkfifo "$T/ck.ready"
ip netns exec "$H" bin/checkd -f "$T/checked.conf" -s "$S" -r 3 \
    3>"$T/ck.ready" >/dev/null 2>"$T/checkd.err" &
CK_PID=$!
read -r _ <"$T/ck.ready" || bail_out "checkd did not start"
routerd_start "$T/checked.conf" "$S"

wait_hops 100 10.99.0.0/24 "10.61.1.2 10.61.2.2 10.61.3.2" 15
ok $? "table 100: one route through the three gateways once checkd says up" ||
    in_ns "$H" ip route show table 100 >&2
is "$(in_ns "$H" ip route show table 100 10.99.0.0/24 | grep -c nexthop)" 3 \
    "it is one multipath route with three next hops"
wait_hops main fd99::/64 "fd61:1::2 fd61:2::2 fd61:3::2" 10
ok $? "IPv6: the main table has the route through the three gateways" ||
    in_ns "$H" ip -6 route show >&2
is "$(in_ns "$H" ip route show table 100 10.96.0.0/24)" "" \
    "a stale route of routerd's protocol is gone"
like "$(in_ns "$H" ip route show table 100 10.98.0.0/24)" \
    '^10\.98\.0\.0/24 via 10\.61\.1\.2 dev .*' \
    "another program's route in the table is still there"
like "$(in_ns "$H" ip route show table 100 10.97.0.0/24)" \
    '^10\.97\.0\.0/24 via 10\.61\.3\.2 dev [^ ]+ $' \
    "another program's route to a destination of routerd's is left as it was"
like "$(cat "$T/routerd.err")" \
    'router up4: 10\.97\.0\.0/24 table 100 .*: another program.s route has this destination and metric; left alone' \
    "and routerd says so"

status=/proc/$RD_PID/status
is "$(awk '$1 == "Uid:" { print $2 }' "$status")" "$(id -u _relayd)" \
    "routerd runs as _relayd"
is "$(awk '$1 == "CapEff:" { print $2 }' "$status")" 0000000000001000 \
    "with CAP_NET_ADMIN alone"
is "$(awk '$1 == "CapBnd:" { print $2 }' "$status")" 0000000000001000 \
    "and no other capability to get back"
is "$(awk '$1 == "Seccomp:" { print $2 }' "$status")" 2 \
    "under a seccomp filter"

src=$(talk 10.99.0.1)
like "$src" '^10\.61\.[123]\.1$' "TCP to the destination goes through a gateway ($src)"
k=${src#10.61.}
k=${k%.1}
src6=$(talk fd99::1)
like "$src6" '^fd61:[123]::1$' "and over IPv6 ($src6)"

# The gateway the connection went through loses its link.
rest=$(for j in 1 2 3; do [ "$j" != "$k" ] && printf '10.61.%s.2 ' "$j"; done)
rest=${rest% }
rest6=$(for j in 1 2 3; do [ "$j" != "$k" ] && printf 'fd61:%s::2 ' "$j"; done)
rest6=${rest6% }
gw_link "$k" down
wait_hops 100 10.99.0.0/24 "$rest" 10
ok $? "gateway $k down: it leaves the route ($rest)"
wait_hops main fd99::/64 "$rest6" 10
ok $? "and the IPv6 route ($rest6)"
src=$(talk 10.99.0.1)
like "$src" '^10\.61\.[123]\.1$' "TCP still reaches the destination ($src)"
isnt "$src" "10.61.$k.1" "through another gateway"
like "$(talk fd99::1)" '^fd61:[123]::1$' "and over IPv6"
gw_link "$k" up
wait_hops 100 10.99.0.0/24 "10.61.1.2 10.61.2.2 10.61.3.2" 10
ok $? "restored, gateway $k is back in the route"
wait_hops main fd99::/64 "fd61:1::2 fd61:2::2 fd61:3::2" 10
ok $? "and in the IPv6 route"
# The gateway of the IPv6 connection goes down in turn.
k6=${src6#fd61:}
k6=${k6%%::1}
rest6=$(for j in 1 2 3; do [ "$j" != "$k6" ] && printf 'fd61:%s::2 ' "$j"; done)
rest6=${rest6% }
gw_link "$k6" down
wait_hops main fd99::/64 "$rest6" 10
ok $? "gateway $k6 down: it leaves the IPv6 route ($rest6)"
src6=$(talk fd99::1)
like "$src6" '^fd61:[123]::1$' "IPv6 TCP still reaches the destination ($src6)"
isnt "$src6" "fd61:$k6::1" "through another gateway"
gw_link "$k6" up
wait_hops main fd99::/64 "fd61:1::2 fd61:2::2 fd61:3::2" 10
ok $? "restored, gateway $k6 is back in the IPv6 route"
like "$(cat "$T/routerd.err")" "router up4: gateway 10\\.61\\.$k\\.2 is down" \
    "-v logs the gateway's change"
like "$(cat "$T/routerd.err")" 'router up4: replaced 10\.99\.0\.0/24 table 100 proto 252 metric 0 nexthop' \
    "and the route's"

is "$(grep -c "another program's route" "$T/routerd.err")" 1 \
    "the route left alone is reported once, not at every change"
routerd_stop
is "$RD_STATUS" 0 "SIGTERM: routerd exits 0"
is "$(in_ns "$H" ip route show table 100 proto 252)" "" \
    "and removes its routes from table 100"
is "$(in_ns "$H" ip -6 route show proto 252)" "" "and from the main table"
is "$(in_ns "$H" ip route show table 100 | wc -l)" 2 \
    "the other program's two routes stay"
kill -TERM "$CK_PID"
wait "$CK_PID"
CK_PID=

# --- status files written here ------------------------------------------
S2=$T/s2
mkdir -p "$S2/tables"
chmod 755 "$S2" "$S2/tables"
# put_status TABLE "host id state"...: checkd's format, renamed into place.
put_status() {
	_t=$1
	shift
	for _h in "$@"; do
		set -- $_h
		printf '%s 0 %s 1700000000 1 %s %s icmp ok\n' "$1" "$3" "$2" "$1"
	done >"$S2/tables/$_t.tmp"
	mv "$S2/tables/$_t.tmp" "$S2/tables/$_t"
}

cat >"$T/two.conf" <<'CONF'
table <gw> { 10.61.1.2, 10.61.2.2, 10.70.0.1 }
router "r" {
	route 10.99.0.0/24
	forward to <gw> check icmp
	rtable 101
	rtlabel 7
}
CONF
put_status gw "10.61.1.2 1 up" "10.61.2.2 2 up" "10.70.0.1 3 up"
: >"$T/routerd.err"
routerd_start "$T/two.conf" "$S2"
is "$(hops 101 10.99.0.0/24)" "10.61.1.2 10.61.2.2" \
    "a gateway not on a connected network is left out of the route"
like "$(in_ns "$H" ip route show table 101 10.99.0.0/24 | grep -c 'realm 7')" \
    '^[12]$' "rtlabel 7 is the route's realm"
like "$(cat "$T/routerd.err")" \
    'router r: gateway 10\.70\.0\.1 is not on a directly connected network; left out of the routes' \
    "and the log says why"
put_status gw "10.61.1.2 1 down" "10.61.2.2 2 up" "10.70.0.1 3 up"
wait_hops 101 10.99.0.0/24 "10.61.2.2" 5
ok $? "a status file says gateway 1 is down: one next hop left"
put_status gw "10.61.1.2 1 down" "10.61.2.2 2 disabled" "10.70.0.1 3 up"
wait_hops 101 10.99.0.0/24 "" 5
ok $? "no gateway up: the route is removed"
routerd_stop

# -p keeps a route whose gateways are all down; -k keeps routes at exit.
put_status gw "10.61.1.2 1 up" "10.61.2.2 2 up" "10.70.0.1 3 down"
: >"$T/routerd.err"
routerd_start "$T/two.conf" "$S2" -p -k
is "$(hops 101 10.99.0.0/24)" "10.61.1.2 10.61.2.2" "-p -k: the route is there"
put_status gw "10.61.1.2 1 down" "10.61.2.2 2 down" "10.70.0.1 3 down"
wait_log 'router r: gateway 10\.61\.2\.2 is down' 5
is "$(hops 101 10.99.0.0/24)" "10.61.1.2 10.61.2.2" \
    "-p: with every gateway down the route stays as it was"
put_status gw "10.61.1.2 1 up" "10.61.2.2 2 down" "10.70.0.1 3 down"
wait_hops 101 10.99.0.0/24 "10.61.1.2" 5
ok $? "a gateway up again: the route follows"

# SIGHUP: a second route; the first is not touched.
sed 's|route 10.99.0.0/24|&\n\troute 10.95.0.0/24|' "$T/two.conf" \
    >"$T/three.conf"
cp "$T/three.conf" "$T/live.conf"
routerd_stop
routerd_start "$T/live.conf" "$S2" -k
: >"$T/routerd.err"
cp "$T/two.conf" "$T/live.conf"
kill -HUP "$RD_PID"
wait_log 'configuration reloaded' 5
ok $? "SIGHUP: the configuration is read again"
is "$(hops 101 10.95.0.0/24)" "" "a route no longer configured is deleted"
is "$(hops 101 10.99.0.0/24)" "10.61.1.2" "the other stays"
is "$(grep -c 'router r: replaced 10\.99' "$T/routerd.err")" 0 \
    "and is not replaced: the reload applies a diff"
printf 'router {\n' >"$T/live.conf"
kill -HUP "$RD_PID"
wait_log 'reload failed, configuration kept' 5
ok $? "a broken configuration on SIGHUP is logged and the old one kept"
is "$(hops 101 10.99.0.0/24)" "10.61.1.2" "with its route"
cp "$T/three.conf" "$T/live.conf"
kill -HUP "$RD_PID"
wait_hops 101 10.95.0.0/24 "10.61.1.2" 5
ok $? "a route added to the configuration appears on SIGHUP"
routerd_stop
is "$(hops 101 10.99.0.0/24)" "10.61.1.2" "-k: the routes stay after exit"

# The next run adopts them: no gap, no duplicate, removed at its exit.
: >"$T/routerd.err"
routerd_start "$T/two.conf" "$S2"
like "$(cat "$T/routerd.err")" '2 routes of protocol 252 from an earlier run' \
    "a new run finds the routes of the one before"
is "$(hops 101 10.99.0.0/24)" "10.61.1.2" "and keeps those still wanted"
is "$(hops 101 10.95.0.0/24)" "" "and deletes the others"
routerd_stop
is "$(in_ns "$H" ip route show table 101 proto 252)" "" \
    "without -k, nothing stays"

# --- bad input ------------------------------------------------------------
bad() {	# route-line extra-block expect desc
	printf 'table <g> { 10.61.1.2 }\nrouter r {\n\t%s\n\tforward to <g> check icmp\n}\n%s' \
	    "$1" "$2" >"$T/bad.conf"
	bin/routerd -n -f "$T/bad.conf" >"$T/bad.out" 2>"$T/bad.err"
	is "$?" 1 "$4: exit 1"
	is "$(head -n 1 "$T/bad.err")" "$T/bad.conf:$3" "$4: the error"
	is "$(wc -c <"$T/bad.out")" 0 "$4: no route printed"
}
bad "route 10.99.0.0/33" "" \
    "3: invalid address '10.99.0.0/33': invalid prefix length" \
    "a prefix length out of range"
bad "route 10.99.0.x/24" "" \
    "3: invalid address '10.99.0.x/24': a prefix needs a numeric address" \
    "a prefix that does not parse"
bad "route 10.99.0.1/24" "" \
    "3: route 10.99.0.1/24: address bits set beyond the prefix length" \
    "a prefix with host bits"
bad "route 10.99.0.0/24" 'redirect d {
	listen on 10.0.0.1 port 80
	forward to <g> check icmp
}
' "8: table g of redirection d is the gateway table of router r" \
    "a gateway table shared with a redirection"
bad "route 10.99.0.0/24" 'router s {
	route 10.99.0.0/24
	forward to <g> check icmp
}
' "9: router s: route 10.99.0.0/24 in rtable 0 is router r's already" \
    "one destination in one table for two routers"

printf 'table <g> { 10.61.1.2 }\nrouter r {\n\troute 10.99.0.0/24\n\tforward to <g> port 7\n\trtable 102\n\trtlabel nosuch\n}\n' \
    >"$T/label.conf"
ip netns exec "$H" bin/routerd -f "$T/label.conf" -s "$S2" 2>"$T/label.err"
is "$?" 1 "an rtlabel that is no realm: exit 1 at start"
is "$(grep -v ': warning: ' "$T/label.err")" \
    "routerd: fatal: rtlabel nosuch: not a realm from 1 to 255 nor a name in /etc/iproute2/rt_realms" \
    "with the reason"
is "$(in_ns "$H" ip route show table all proto 252)" "" "and nothing installed"

done_testing
