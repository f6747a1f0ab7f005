# routerd_net.sh: the network routerd's tests and bench build, in
# namespaces named after $N (unique per run); set N, then source it.
#
#   $H      the host, where routerd (and checkd) run
#   $G1-3   three gateways, each forwarding both families
#   $DST    the destination network behind every gateway
#
#   host  10.61.k.1/24  fd61:k::1/64  ---  gateway k  10.61.k.2  fd61:k::2
#   gateway k  10.62.k.1/24  fd62:k::1/64  ---  dst  10.62.k.2  fd62:k::2
#   dst: 10.99.0.1/32 and fd99::1/128 on lo, the destination addresses
#
# The host's source address is that of the link a packet leaves by, and
# the destination routes each host link back through its own gateway,
# so a reply takes the path of its request.
#
#   net_up             build it all
#   net_down           remove it (from the caller's cleanup trap)
#   in_ns NS CMD...    run CMD in NS
#   gw_link K up|down  the gateway's side of host link K

H=${N}h
G1=${N}g1
G2=${N}g2
G3=${N}g3
DST=${N}d

in_ns() {
	_ns=$1
	shift
	ip netns exec "$_ns" "$@"
}

net_down() {
	for _ns in $H $G1 $G2 $G3 $DST; do
		ip netns del "$_ns" 2>/dev/null
	done
}

# Both ends of a veth pair, named $1 in namespace $2 and $3 in $4.
veth() {
	ip link add "$1" type veth peer name "$3" || return 1
	ip link set "$1" netns "$2" && ip link set "$3" netns "$4"
}

net_up() {
	for _ns in $H $G1 $G2 $G3 $DST; do
		ip netns add "$_ns" || return 1
		in_ns "$_ns" ip link set lo up
	done
	for _k in 1 2 3; do
		eval "_g=\$G$_k"
		veth "${N}h$_k" "$H" "${N}gh$_k" "$_g" || return 1
		veth "${N}gd$_k" "$_g" "${N}d$_k" "$DST" || return 1
		in_ns "$H" ip addr add "10.61.$_k.1/24" dev "${N}h$_k"
		in_ns "$H" ip addr add "fd61:$_k::1/64" dev "${N}h$_k" nodad
		in_ns "$H" ip link set "${N}h$_k" up
		in_ns "$_g" ip addr add "10.61.$_k.2/24" dev "${N}gh$_k"
		in_ns "$_g" ip addr add "fd61:$_k::2/64" dev "${N}gh$_k" nodad
		in_ns "$_g" ip addr add "10.62.$_k.1/24" dev "${N}gd$_k"
		in_ns "$_g" ip addr add "fd62:$_k::1/64" dev "${N}gd$_k" nodad
		in_ns "$_g" ip link set "${N}gh$_k" up
		in_ns "$_g" ip link set "${N}gd$_k" up
		in_ns "$_g" ip route add 10.99.0.1/32 via "10.62.$_k.2"
		in_ns "$_g" ip -6 route add fd99::1/128 via "fd62:$_k::2"
		# A link taken down keeps its IPv6 address, as IPv4 does.
		in_ns "$_g" sysctl -qw \
		    "net.ipv6.conf.${N}gh$_k.keep_addr_on_down=1"
		in_ns "$_g" sysctl -qw net.ipv4.ip_forward=1
		in_ns "$_g" sysctl -qw net.ipv6.conf.all.forwarding=1
		in_ns "$DST" ip addr add "10.62.$_k.2/24" dev "${N}d$_k"
		in_ns "$DST" ip addr add "fd62:$_k::2/64" dev "${N}d$_k" nodad
		in_ns "$DST" ip link set "${N}d$_k" up
		in_ns "$DST" ip route add "10.61.$_k.0/24" via "10.62.$_k.1"
		in_ns "$DST" ip -6 route add "fd61:$_k::/64" via "fd62:$_k::1"
	done
	in_ns "$DST" ip addr add 10.99.0.1/32 dev lo
	in_ns "$DST" ip addr add fd99::1/128 dev lo nodad
	# A packet to a gateway whose link is down must not leak elsewhere.
	in_ns "$DST" sysctl -qw net.ipv4.conf.all.rp_filter=0
}

gw_link() {	# k up|down
	eval "_g=\$G$1"
	in_ns "$_g" ip link set "${N}gh$1" "$2"
}
