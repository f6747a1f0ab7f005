#!/bin/sh
# relay's dns protocol: DNS over UDP through a relay to hosts that answer
# (tests/lib/dns_peer.pl) -- the client's ID comes back while the host
# sees random ones, queries are balanced over a table, a forged answer
# from another port is dropped, as are short datagrams and answers sent
# to the relay's own port; a silent host's query is forgotten after the
# session timeout, with a log line; and the relay still serves.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
[ -x bin/relay ] || skip_all "bin/relay not built"
. tests/lib/relay_http_lib.sh

dns_start() {	# VAR NAME [spoof] -- DNS_ADDR may be set
	_var=$1
	_port=${DNS_PORT:-$(free_port)}
	rm -f "$R/dns.ready"
	mkfifo "$R/dns.ready"
	RB_RECORD="$R/$_var.rec" perl tests/lib/dns_peer.pl server "$_port" \
	    "$2" $3 >"$R/dns.ready" 2>>"$R/rb.stderr" &
	RB_PIDS="$RB_PIDS $!"
	read -r _ <"$R/dns.ready" || bail_out "dns_peer.pl did not start"
	: >"$R/$_var.rec"
	eval "$_var=\$_port"
}
q() {	# PORT ID [QNAME] [COUNT]
	perl tests/lib/dns_peer.pl query "$@"
}

dns_start DA A
DNS_PORT=$DA DNS_ADDR=127.0.0.2 dns_start DZ Z
dns_start DS S spoof
SILENT=$(free_port)
P1=$(free_port)
P2=$(free_port)
P3=$(free_port)
relay_start "table <dns> { 127.0.0.1 127.0.0.2 }
dns protocol d { }
relay dns {
	listen on 127.0.0.1 port $P1
	protocol d
	forward to <dns> port $DA
}
relay spoofed {
	listen on 127.0.0.1 port $P2
	protocol d
	forward to 127.0.0.1 port $DS
}
relay silent {
	listen on 127.0.0.1 port $P3
	protocol d
	session timeout 1
	forward to 127.0.0.1 port $SILENT
}"

out=$(q "$P1" 1234)
like "$out" '^1234 1 [AZ]$' "the answer comes back with the client's ID, QR set"
: >"$R/DA.rec"
: >"$R/DZ.rec"
q "$P1" 1234 www.example.com 8 >"$R/eight"
is "$(grep -c '^1234 1 [AZ]$' "$R/eight")" 8 "eight queries, eight answers"
cat "$R/DA.rec" "$R/DZ.rec" | cut -d' ' -f1 | sort -u >"$R/ids"
ok $(($(wc -l <"$R/ids") < 6)) "the hosts saw random IDs, not the client's ($(tr '\n' ' ' <"$R/ids"))"
is "$(grep -c '^1234$' "$R/ids")" 0 "... and never the client's own"
is "$(grep -c 'A$' "$R/eight") $(grep -c 'Z$' "$R/eight")" "4 4" \
    "roundrobin over the table's two hosts"
is "$(cut -d' ' -f2 "$R/DA.rec" "$R/DZ.rec" | sort -u | wc -l)" 1 \
    "all queries leave from the worker's one socket"

is "$(q "$P2" beef)" "beef 1 S" \
    "a forged answer from another port is dropped; the host's is relayed"

: >"$R/DA.rec"
: >"$R/DZ.rec"
perl tests/lib/dns_peer.pl raw "$P1" 0102030405 >/dev/null
perl tests/lib/dns_peer.pl raw "$P1" 12348180000100000000000000 >/dev/null
sleep 0.3
is "$(cat "$R/DA.rec" "$R/DZ.rec")" "" \
    "a 5-byte datagram and an answer sent to the relay go nowhere"
like "$(q "$P1" 0042)" '^0042 1 [AZ]$' "the relay still answers"

is "$(q "$P3" 7777)" TIMEOUT "a silent host: no answer"
sleep 1
like "$(relay_log | grep '^relay silent,')" \
    "^relay silent, session [0-9]+ \\([0-9]+ active\\), 0, 127.0.0.1 -> 127.0.0.1:$SILENT, host response timeout" \
    "the silent host's query is forgotten, with a log line"
like "$(relay_log | grep '^relay dns,' | tail -n 1)" \
    "^relay dns, session [0-9]+ \\([0-9]+ active\\), 0, 127.0.0.1 -> 127.0.0.[12]:$DA, done" \
    "each answered query has relayd's log line"
done_testing
