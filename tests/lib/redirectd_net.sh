# redirectd_net.sh: the network redirectd's tests build, in namespaces
# named after $N (unique per run); set N, then source it.
#
#   $C         the client, 10.77.1.2/24 fd77:1::2/64
#   $R         the director, where redirectd (and checkd) run: it is
#              every other namespace's gateway (10.77.X.1, fd77:X::1)
#   ${N}bK     backend K (1-3), 10.77.1K.2/24 fd77:1K::2/64
#
#   net_up             build it all; false if namespaces cannot be made
#   net_down           remove it (from the caller's cleanup trap)
#   in_ns NS CMD...    run CMD in NS

C=${N}c
R=${N}r

in_ns() {	# namespace command...
	_ns=$1
	shift
	ip netns exec "$_ns" "$@"
}

net_down() {
	for _ns in $C $R ${N}b1 ${N}b2 ${N}b3; do
		ip netns del "$_ns" 2>/dev/null
	done
}

# A veth pair from namespace NS (interface its-if) to the director.
_link() {	# namespace its-if director-if v4-net v6-net
	ip link add "$2" type veth peer name "$3" || return 1
	ip link set "$2" netns "$1"
	ip link set "$3" netns "$R"
	in_ns "$1" ip addr add "10.77.$4.2/24" dev "$2"
	in_ns "$1" ip addr add "fd77:$5::2/64" dev "$2" nodad
	in_ns "$1" ip link set "$2" up
	in_ns "$R" ip addr add "10.77.$4.1/24" dev "$3"
	in_ns "$R" ip addr add "fd77:$5::1/64" dev "$3" nodad
	in_ns "$R" ip link set "$3" up
	in_ns "$1" ip route add default via "10.77.$4.1"
	in_ns "$1" ip -6 route add default via "fd77:$5::1"
}

net_up() {
	for _ns in $C $R ${N}b1 ${N}b2 ${N}b3; do
		ip netns add "$_ns" || return 1
		in_ns "$_ns" ip link set lo up
	done
	_link "$C" "${N}c" "${N}rc" 1 1 || return 1
	for _i in 1 2 3; do
		_link "${N}b$_i" "${N}b$_i" "${N}r$_i" "1$_i" "1$_i" || return 1
	done
}
