#!/bin/sh
# The composed example vip (doc/examples/compose/vip): checkd and
# redirectd under s6-svscan in a director namespace, a virtual address
# 10.77.9.1 port 80 forwarded by nftables to two backends running httpd,
# asked by a client namespace (tests/lib/redirectd_net.sh).  A backend
# stopped leaves the rotation; redirectd under s6: -h reloads, -t
# restarts, SIGKILL is restarted, and the address answers throughout.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (namespaces, nftables)"
command -v ip >/dev/null && command -v nft >/dev/null &&
    command -v s6-svscan >/dev/null && command -v curl >/dev/null ||
    skip_all "needs ip, nft, s6 and curl"
[ -x bin/redirectd ] && [ -x bin/httpd ] && [ -x bin/checkd ] ||
    bail_out "build first (make)"
id _relayd >/dev/null 2>&1 || skip_all "needs the user _relayd (make setup)"

N=cv$$
. tests/lib/redirectd_net.sh
. tests/lib/compose.sh
B=$(mktemp -d /tmp/compose-vip-backends.XXXXXX)
chmod 755 "$B"
BPIDS=
net_cleanup() {
	for p in $BPIDS; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	net_down
	rm -rf "$B"
}
NET_CLEANUP=net_cleanup
net_up || skip_all "cannot make network namespaces and veth pairs"
in_ns "$R" sysctl -qw net.ipv4.ip_forward=1

# The hosts: httpd answering its own name on /id.
backend() {	# k
	mkdir -p "$B/$1/htdocs" "$B/$1/logs"
	printf 'b%s\n' "$1" >"$B/$1/htdocs/id"
	chmod -R a+rX "$B/$1"
	printf 'chroot "%s"\nprefork 1\nserver "b%s" {\n\tlisten on 10.77.1%s.2 port 8080\n}\n' \
	    "$B/$1" "$1" "$1" >"$B/$1/httpd.conf"
	rm -f "$B/$1/ready"
	mkfifo "$B/$1/ready"
	ip netns exec "${N}b$1" bin/httpd -f "$B/$1/httpd.conf" -r 3 3>"$B/$1/ready" \
	    >/dev/null 2>>"$B/$1/stderr" &
	eval "BPID$1=\$!"
	BPIDS="$BPIDS $!"
	read -r _ <"$B/$1/ready" || bail_out "backend $1 did not start"
}
backend 1
backend 2

compose_make vip VIP=10.77.9.1 PORT=80 B1=10.77.11.2 B2=10.77.12.2 \
    BPORT=8080 || bail_out "compose vip"
compose_start "$R"
ok $? "vip: up and ready under s6-svscan (redirectd after checkd)"
in_ns "$R" nft list table inet relayd >/dev/null 2>&1
ok $? "vip: redirectd's table is in the director's nftables"

get() { in_ns "$C" curl -sf --max-time 2 http://10.77.9.1/id; }
# Who answers ten requests, as one sorted line of names.
who() {
	for _i in 1 2 3 4 5 6 7 8 9 10; do get; done | sort -u | tr '\n' ' '
}
both() { [ "$(who)" = "b1 b2 " ]; }
wait_for 10 both
ok $? "vip: the client's requests reach both backends"

kill -TERM "$BPID1"
wait "$BPID1" 2>/dev/null
wait_for 10 sh -c "awk '\$1 == \"10.77.11.2\" && \$3 == \"down\"' \
    '$T/vip/state/tables/web' | grep -q ."
ok $? "vip: backend 1 stopped: checkd marks it down"
only2() { [ "$(who)" = "b2 " ]; }
wait_for 10 only2
ok $? "vip: ... and every request goes to backend 2"

svc_trio redirectd get
svc_trio checkd get

compose_stop
is "$(leftovers)" "" "vip: stopped, nothing of it left running"
done_testing
