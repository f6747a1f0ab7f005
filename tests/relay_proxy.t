#!/bin/sh
# relay's PROXY protocol header towards the hosts: version 1 (text) and
# 2 (binary), over IPv4 and IPv6, on a TCP and on an HTTP relay, and
# before anything of the client's; `-nn` writes the keyword back.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
. tests/lib/relay.sh

B=$(free_port)
peer proxy "$B"
P1=$(free_port)
P2=$(free_port)
P3=$(free_port)
P4=$(free_port)
conf="prefork 1
log connection
table <b> { 127.0.0.1 }
http protocol web { }
relay v1 {
	listen on 127.0.0.1 port $P1
	forward to <b> port $B proxy-protocol
}
relay v2 {
	listen on 127.0.0.1 port $P2
	forward to <b> port $B proxy-protocol v2
}
relay v6 {
	listen on ::1 port $P3
	forward to 127.0.0.1 port $B proxy-protocol v1
}
relay web {
	listen on 127.0.0.1 port $P4
	protocol web
	forward to <b> port $B proxy-protocol v2
}"
relay_start "$conf"

out=$(printf 'hello\n' | send 127.0.0.1 "$P1")
like "$out" "^v1 PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 [0-9]+ $P1\$" \
    "v1: the text line first, with the relay's address and port"
like "$out" '^hello$' "v1: then the client's bytes"

out=$(printf 'hello\n' | send 127.0.0.1 "$P2")
like "$out" "^v2 0x21 tcp4 127\.0\.0\.1 [0-9]+ 127\.0\.0\.1 $P2\$" \
    "v2: signature, PROXY command, TCP over IPv4, both addresses"
like "$out" '^hello$' "v2: then the client's bytes"

if listening ::1 "$P3"; then
	out=$(printf 'x\n' | send ::1 "$P3")
	like "$out" "^v1 PROXY TCP6 ::1 ::1 [0-9]+ $P3\$" \
	    "v1 over IPv6: TCP6 and the IPv6 addresses"
else
	skip "no ::1 on this machine"
fi

out=$(printf 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' |
    send 127.0.0.1 "$P4")
like "$out" "^v2 0x21 tcp4 127\.0\.0\.1 [0-9]+ 127\.0\.0\.1 $P4" \
    "HTTP relay: the header before the request"
like "$out" '^GET / HTTP/1\.1' "HTTP relay: then the rebuilt request"

dump=$(bin/relay -nn -f "$T/relayd.conf" 2>/dev/null)
like "$dump" "forward to <\"b\"> port $B proxy-protocol v1" "-nn writes v1 back"
like "$dump" "proxy-protocol v2" "-nn writes v2 back"

relay_stop
done_testing
