#!/bin/sh
# redirectd's route to: direct server return, in network namespaces the
# test makes.  A client (10.77.1.2, fd77:1::2) reaches the virtual
# address 10.77.9.1 (fd77:9::1) through a director running redirectd,
# whose forwarding is off: it routes nothing and rewrites nothing, its
# netdev table forwards the packets unchanged (fwd) onto a bridge where
# two backends (10.77.10.2/3, fd77:10::2/3) hold the virtual address on
# their loopback and run this project's httpd on it.  Each backend
# answers the client straight, over a link of its own, not through the
# director.  Health comes from a real checkd.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
NAMESPACES="rd$$b1 rd$$b2"
RD_TABLE="netdev relayd"
. tests/lib/redirectd.sh

# Bad input: -n needs no namespace.
bad_n "route to without an interface" \
    "$D/bad.conf:4: missing interface to route to" \
"table <t> { 10.0.0.1 }
redirect r {
	listen on 10.0.0.9 port 80 interface eth0
	route to <t> check tcp
}"
bad_n "route to, a listen without its interface" \
    "$D/bad.conf:3: listen on 10.0.0.9: route to needs the interface the packets come in on (interface name): nftables forwards them from that interface's ingress hook" \
"table <t> { 10.0.0.1 }
redirect r {
	listen on 10.0.0.9 port 80
	route to <t> check tcp interface eth1
}"
bad_n "route to with pftag" \
    "$D/bad.conf:5: route to: pftag not supported: the mark carries the chosen host from the ingress hook" \
"table <t> { 10.0.0.1 }
redirect r {
	listen on 10.0.0.9 port 80 interface eth0
	pftag 7
	route to <t> check tcp interface eth1
}"

# The network: the client and the director, the backends on a bridge
# behind the director, and a link from each backend to the client.
for ns in $C $R rd$$b1 rd$$b2; do
	ip netns add "$ns" || skip_all "cannot make network namespaces"
	in_ns "$ns" ip link set lo up
done
veth() {	# ns-a if-a ns-b if-b
	ip link add "$2" type veth peer name "$4" || skip_all "no veth pairs"
	ip link set "$2" netns "$1"
	ip link set "$4" netns "$3"
	in_ns "$1" ip link set "$2" up
	in_ns "$3" ip link set "$4" up
}
veth "$C" "${N}c" "$R" "${N}rc"
in_ns "$C" ip addr add 10.77.1.2/24 dev "${N}c"
in_ns "$C" ip addr add fd77:1::2/64 dev "${N}c" nodad
in_ns "$C" ip route add default via 10.77.1.1
in_ns "$C" ip -6 route add default via fd77:1::1
in_ns "$R" ip addr add 10.77.1.1/24 dev "${N}rc"
in_ns "$R" ip addr add fd77:1::1/64 dev "${N}rc" nodad
in_ns "$R" ip link add "${N}br" type bridge || skip_all "no bridges"
in_ns "$R" ip addr add 10.77.10.1/24 dev "${N}br"
in_ns "$R" ip addr add fd77:10::1/64 dev "${N}br" nodad
in_ns "$R" ip link set "${N}br" up
# The replies come in on the links from the backends.
in_ns "$C" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
    net.ipv4.conf.default.rp_filter=0
for i in 1 2; do
	B=${N}b$i
	veth "$B" "${N}b$i" "$R" "${N}p$i"
	in_ns "$R" ip link set "${N}p$i" master "${N}br"
	in_ns "$B" ip addr add "10.77.10.$((i + 1))/24" dev "${N}b$i"
	in_ns "$B" ip addr add "fd77:10::$((i + 1))/64" dev "${N}b$i" nodad
	in_ns "$B" ip addr add 10.77.9.1/32 dev lo
	in_ns "$B" ip addr add fd77:9::1/128 dev lo
	# The virtual address is not the backends' to announce.
	in_ns "$B" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
	    net.ipv4.conf.all.arp_announce=2
	veth "$C" "${N}x$i" "$B" "${N}y$i"
	in_ns "$C" ip addr add "10.77.2$i.1/24" dev "${N}x$i"
	in_ns "$C" ip addr add "fd77:2$i::1/64" dev "${N}x$i" nodad
	in_ns "$B" ip addr add "10.77.2$i.2/24" dev "${N}y$i"
	in_ns "$B" ip addr add "fd77:2$i::2/64" dev "${N}y$i" nodad
	in_ns "$C" sysctl -qw "net.ipv4.conf.${N}x$i.rp_filter=0"
	in_ns "$B" ip route add 10.77.1.0/24 via "10.77.2$i.1"
	in_ns "$B" ip -6 route add fd77:1::/64 via "fd77:2$i::1"
done
in_ns "$R" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
is "$(in_ns "$R" sysctl -n net.ipv4.ip_forward)" 0 \
    "the director does not route: forwarding is off"

# Backends: httpd serving its name on the virtual address (for the
# client) and on its own (for checkd).
for i in 1 2; do
	B=$D/b$i
	mkdir -p "$B/htdocs" "$B/logs"
	chmod -R 755 "$B"
	printf 'b%s\n' "$i" >"$B/htdocs/id"
	cat >"$B/httpd.conf" <<EOF
chroot "$B"
prefork 1
server "b$i" {
	listen on 10.77.9.1 port 80
	listen on fd77:9::1 port 80
	listen on 10.77.10.$((i + 1)) port 80
	listen on fd77:10::$((i + 1)) port 80
	log access "access.log"
}
EOF
	mkfifo "$B/ready"
	ip netns exec "${N}b$i" bin/httpd -f "$B/httpd.conf" -r 3 3>"$B/ready" \
	    2>"$B/stderr" &
	eval "HTTPD$i=\$!"
	PIDS="$PIDS $!"
	read -r _ <"$B/ready" || { cat "$B/stderr" >&2; bail_out "httpd b$i"; }
done

cat >"$D/relayd.conf" <<EOF
interval 1
timeout 300
table <web> { 10.77.10.2, 10.77.10.3 }
table <web6> { fd77:10::2, fd77:10::3 }
redirect dsr {
	listen on 10.77.9.1 port 80 interface ${N}rc
	route to <web> check http "/id" code 200 interface ${N}br
}
redirect dsr6 {
	listen on fd77:9::1 port 80 interface ${N}rc
	route to <web6> mode source-hash check http "/id" code 200 interface ${N}br
}
EOF
bin/redirectd -n -f "$D/relayd.conf" >"$D/dsr.nft" 2>"$D/err"
ok $? "-n accepts route to"
in_ns "$R" nft -c -f "$D/dsr.nft"
ok $? "and nft -c accepts the tables it prints"

start_checkd "$D/relayd.conf" web 2

rm -f "$D/ready"
mkfifo "$D/ready"
ip netns exec "$R" bin/redirectd -v -f "$D/relayd.conf" -s "$STATE" -r 3 \
    3>"$D/ready" 2>"$D/stderr" &
RD_PID=$!
read -r _ <"$D/ready" || { cat "$D/stderr" >&2; bail_out "redirectd"; }
pass "redirectd started with forwarding off: route to needs none"

t=$(in_ns "$R" nft list table netdev relayd | tr -s '\n\t' '  ')
like "$t" 'chain r0_in0 \{ type filter hook ingress device "'"${N}rc"'" priority filter; policy accept; ip daddr 10\.77\.9\.1 tcp dport 80 jump r0_4' \
    "nft list table netdev relayd: an ingress chain on the listen interface"
like "$t" 'meta mark 0x00000000 meta mark set numgen inc mod 2 map \{ 0 : 0x00000001, 1 : 0x00000002 \}' \
    "roundrobin among the live hosts, by id"
like "$t" 'fwd ip to meta mark map \{ 0x00000001 : 10\.77\.10\.2, 0x00000002 : 10\.77\.10\.3 \} device "'"${N}br"'"' \
    "fwd, unchanged, to the host's address on the route to interface"
like "$t" 'fwd ip6 to meta mark map \{ 0x00000003 : fd77:10::2, 0x00000004 : fd77:10::3 \}' \
    "IPv6: fwd ip6"
is "$(in_ns "$R" nft list ruleset | grep -cE 'dnat|snat|masquerade')" 0 \
    "no NAT anywhere in the director's ruleset"

r=$(count 8 http://10.77.9.1/id)
like "$r" '^b1:[0-9]+ b2:[0-9]+$' "requests to the virtual address reach both backends ($r)"
n1=$(grep -c 'GET /id' "$D/b1/logs/access.log")
like "$n1" '^[1-9]' "b1's log counts requests to the virtual address ($n1)"
like "$(grep 'GET /id' "$D/b1/logs/access.log" | tail -n 1)" '10\.77\.1\.2' \
    "from the client's own address: nothing rewritten"
in_ns "$C" ip -s link show "${N}x1" | awk 'f { print $2; exit } /RX:/ { f = 1 }' \
    >"$D/rx1"
like "$(cat "$D/rx1")" '^[1-9]' "the replies came straight from the backend, not through the director"
r=$(count 4 'http://[fd77:9::1]/id')
like "$r" '^b[12]:4$' "IPv6, source-hash: one client, one backend ($r)"

# One TCP connection stays on one backend: its flow is in the map.
in_ns "$C" perl -MIO::Socket::INET -e '
    my $s = IO::Socket::INET->new(PeerAddr => "10.77.9.1:80", Timeout => 3)
	or die "connect: $!";
    for (1 .. 4) {
	print $s "GET /id HTTP/1.1\r\nHost: v\r\n\r\n";
	my $b = "";
	local $SIG{ALRM} = sub { die "timeout\n" };
	alarm 3;
	until ($b =~ /\r\n\r\n\S+\n/) {
		sysread($s, $b, 4096, length $b) or die "eof\n";
	}
	alarm 0;
	print $b =~ /\r\n\r\n(\S+)\n/ ? "$1\n" : "?\n";
    }' >"$D/keep" 2>&1
like "$(sort -u "$D/keep" | tr '\n' ' ')" '^b[12] $' \
    "4 requests on one connection: one backend"
like "$(in_ns "$R" nft list map netdev relayd r0_flow4)" '[0-9]+ \. tcp \. 10\.77\.1\.2 expires [^:]*: 0x0000000[12]' \
    "the flow map holds the client's flows and their hosts"

# checkd says b2 is down: it leaves the choice within a second.
kill -TERM "$HTTPD2"
w=0
until grep -q '^10\.77\.10\.3 .* down ' "$STATE/tables/web" 2>/dev/null ||
    [ $w -gt 200 ]; do
	sleep 0.05
	w=$((w + 1))
done
t0=$(date +%s%N)
wait_chain r0_4 'mod 1 map \{ 0 : 0x00000001 \}'
ok $? "b2 down in checkd's file: only b1 is chosen"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
note "b2 left the choice $ms ms after checkd's file said down"
is "$(count 6 http://10.77.9.1/id)" "b1:6" "every new request to b1, none failed"
like "$(cat "$D/stderr")" 'redirect dsr: host 10\.77\.10\.3 \(id 2\) left' \
    "-v logs the change"

# SIGHUP replaces the tables; SIGTERM removes both.
kill -HUP "$RD_PID"
w=0
until grep -q 'configuration reloaded' "$D/stderr" || [ $w -gt 100 ]; do
	sleep 0.05
	w=$((w + 1))
done
like "$(chain r0_4)" 'mod 1 map' "SIGHUP: the netdev table made anew, b2 still out"
kill -TERM "$RD_PID"
wait "$RD_PID"
is "$?" 0 "SIGTERM: exit 0"
RD_PID=
in_ns "$R" nft list table netdev relayd >/dev/null 2>&1
isnt "$?" 0 "and the netdev table is gone"
in_ns "$R" nft list table inet relayd >/dev/null 2>&1
isnt "$?" 0 "and the inet one"
like "$(tail -n 2 "$D/stderr")" 'tables inet relayd, netdev relayd removed' \
    "which it says"

# -k keeps both: the kernel goes on forwarding with redirectd stopped.
rm -f "$D/ready"
mkfifo "$D/ready"
ip netns exec "$R" bin/redirectd -k -f "$D/relayd.conf" -s "$STATE" -r 3 \
    3>"$D/ready" 2>>"$D/stderr" &
RD_PID=$!
read -r _ <"$D/ready" || { cat "$D/stderr" >&2; bail_out "redirectd -k"; }
kill -TERM "$RD_PID"
wait "$RD_PID"
RD_PID=
in_ns "$R" nft list table netdev relayd >/dev/null 2>&1
ok $? "-k: the netdev table stays after SIGTERM"
is "$(count 2 http://10.77.9.1/id)" "b1:2" "and the kernel still forwards to b1"
in_ns "$R" nft delete table netdev relayd
in_ns "$R" nft delete table inet relayd

# -c: a flow whose host is down is dropped, not refreshed.
bin/redirectd -c -n -f "$D/relayd.conf" >"$D/cut.nft" 2>/dev/null
like "$(grep -c 'meta mark != 0x0 meta mark != { 1, 2 } drop' "$D/cut.nft")" '^1$' \
    "-c: a rule drops the flows of hosts not live"
in_ns "$R" nft -c -f "$D/cut.nft"
ok $? "and nft -c accepts it"
done_testing
