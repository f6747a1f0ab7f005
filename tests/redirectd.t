#!/bin/sh
# redirectd in network namespaces the test makes: a client (10.77.1.2,
# fd77:1::2), a director running redirectd, and three backends
# (10.77.1N.2, fd77:1N::2) running this project's httpd on port 8080 and
# a UDP echo on 5300, each joined to the director by a veth pair and
# routed back through it.  The virtual address 10.77.9.1 (fd77:9::1) is
# nobody's: the director's nftables table sends its flows on.
#
# Health is driven first by status files the test writes in checkd's
# format (checkd.status(5)), then by a real checkd.  Every step checks
# what `nft list` shows and counts which backend answered.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
NAMESPACES="rd$$b1 rd$$b2 rd$$b3"
. tests/lib/redirectd.sh

# Bad input first: no namespace needed for -n.
bad_n "a port range upside down" \
    "$D/bad.conf:3: invalid port range 5010:5000: 5010 is above 5000" \
"table <t> { 10.0.0.1 }
redirect r {
	listen on 10.0.0.9 udp port 5010:5000
	forward to <t> check icmp
}"
bad_n "a table without check" "$D/bad.conf:4: table t has no check" \
"table <t> { 10.0.0.1 }
redirect r {
	listen on 10.0.0.9 port 80
	forward to <t> port 8080 mode roundrobin
}"
bad_n "least-states" \
    "$D/bad.conf:4: mode least-states not supported for redirections on Linux: nftables keeps no count of states per host to choose by" \
"table <t> { 10.0.0.1 }
redirect r {
	listen on 10.0.0.9 port 80
	forward to <t> mode least-states check tcp
}"
bad_n "a port range forwarded to another port" \
    "$D/bad.conf:3: port 5000:5010 forwarded to port 6000: nftables forwards a port range only to the same ports" \
"table <t> { 10.0.0.1 }
redirect r {
	listen on 10.0.0.9 udp port 5000:5010
	forward to <t> port 6000 check icmp
}"

# -n prints the table it would load, every host tried (none checked yet).
cat >"$D/small.conf" <<'EOF'
table <t> { 10.0.0.1, 10.0.0.2 }
redirect r {
	listen on 10.0.0.9 port 80 interface eth0
	pftag 7
	forward to <t> port 8080 mode source-hash "k" check tcp
}
EOF
bin/redirectd -n -f "$D/small.conf" >"$D/out" 2>"$D/err"
ok $? "-n accepts a redirection"
is "$(cat "$D/err")" "configuration OK" "and says so on stderr"
is "$(cat "$D/out")" 'table inet relayd {
	ct timeout r0_tcp4 {
		protocol tcp; l3proto ip;
		policy = { established: 600 }
	}
	chain raw {
		type filter hook prerouting priority raw; policy accept;
		iifname "eth0" ip daddr 10.0.0.9 tcp dport 80 ct timeout set "r0_tcp4"
	}
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "eth0" ip daddr 10.0.0.9 tcp dport 80 jump r0_4
	}
	chain r0_4 {
		meta mark set 0x00000007 ct mark set meta mark
		meta l4proto { tcp, udp } dnat ip to jhash ip saddr mod 2 seed 0xa832d843 map { 0 : 10.0.0.1 . 8080, 1 : 10.0.0.2 . 8080 }
	}
}' "-n prints the nftables table"

# The network (tests/lib/redirectd_net.sh).
net_up || skip_all "cannot make network namespaces and veth pairs"

# What -n prints is what nftables loads: the composed example, checked
# by nft itself.
bin/redirectd -n -f doc/examples/redirect.conf >"$D/example.nft" 2>/dev/null
ok $? "the composed example (checkd + redirectd) passes -n"
in_ns "$R" nft -c -f "$D/example.nft"
ok $? "and nft -c accepts the table it prints"

# Forwarding is the operator's to switch on: redirectd names it.
cat >"$D/relayd.conf" <<EOF
interval 1
table <web> { 10.77.11.2, 10.77.12.2 }
table <sorry> { 10.77.13.2 }
table <all> { 10.77.11.2, 10.77.12.2, 10.77.13.2 }
table <web6> { fd77:11::2, fd77:12::2 }
redirect rr {
	listen on 10.77.9.1 port 80
	pftag RDRTEST
	forward to <web> port 8080 mode roundrobin check tcp
	forward to <sorry> port 8080 mode roundrobin check tcp
}
redirect shash {
	listen on 10.77.9.1 port 81
	forward to <all> port 8080 mode source-hash check tcp
}
redirect rnd {
	listen on 10.77.9.1 port 82
	forward to <all> port 8080 mode random check tcp
}
redirect stk {
	listen on 10.77.9.1 port 83
	sticky-address
	forward to <all> port 8080 mode roundrobin check tcp
}
redirect u5300 {
	listen on 10.77.9.1 udp port 5300:5301
	forward to <all> mode roundrobin check tcp
}
redirect v6 {
	listen on fd77:9::1 port 80
	forward to <web6> port 8080 check tcp
}
EOF
in_ns "$R" bin/redirectd -f "$D/relayd.conf" -s "$STATE" >/dev/null 2>"$D/err"
is "$?" 111 "forwarding off: redirectd does not start"
is "$(cat "$D/err")" "redirectd: fatal: net.ipv4.ip_forward is 0: the kernel would not forward redirected IPv4 packets; set it to 1 (sysctl -w net.ipv4.ip_forward=1)" \
    "and names the sysctl"
in_ns "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

# Interfaces are the machine's business: checked at start.
sed 's/listen on 10.77.9.1 port 81/listen on 10.77.9.1 port 81 interface nosuch0/' \
    "$D/relayd.conf" >"$D/badif.conf"
in_ns "$R" bin/redirectd -f "$D/badif.conf" -s "$STATE" >/dev/null 2>"$D/err"
is "$?" 1 "an interface that does not exist: refused at start"
is "$(cat "$D/err")" "$D/badif.conf:13: interface nosuch0 does not exist" \
    "the message names the file, line and interface"
printf 'table <t> { 10.77.11.2 }\nredirect d {\n\tlisten on 10.77.9.1 port 80\n\troute to <t> check tcp interface %s\n}\n' \
    "${N}r1" >"$D/dsr.conf"
in_ns "$R" bin/redirectd -f "$D/dsr.conf" -s "$STATE" >/dev/null 2>"$D/err"
is "$?" 1 "route to, a listen without an interface: refused"
is "$(cat "$D/err")" "$D/dsr.conf:3: listen on 10.77.9.1: route to needs the interface the packets come in on (interface name): nftables forwards them from that interface's ingress hook" \
    "with the reason (route to itself: tests/redirectd_route.t)"

# Backends: httpd serving its name, a UDP echo answering it.
for i in 1 2 3; do
	B=$D/b$i
	mkdir -p "$B/htdocs" "$B/logs"
	chmod -R 755 "$B"
	printf 'b%s\n' "$i" >"$B/htdocs/id"
	cat >"$B/httpd.conf" <<EOF
chroot "$B"
prefork 1
server "b$i" {
	listen on 10.77.1$i.2 port 8080
	listen on fd77:1$i::2 port 8080
}
EOF
	mkfifo "$B/ready"
	ip netns exec "${N}b$i" bin/httpd -f "$B/httpd.conf" -r 3 3>"$B/ready" \
	    2>"$B/stderr" &
	eval "HTTPD$i=\$!"
	PIDS="$PIDS $!"
	read -r _ <"$B/ready" || { cat "$B/stderr" >&2; bail_out "httpd b$i"; }
	ip netns exec "${N}b$i" perl -MIO::Socket::INET -e '
	    my $s = IO::Socket::INET->new(LocalAddr => $ARGV[0],
		LocalPort => $ARGV[1], Proto => "udp") or die "udp: $!";
	    while (defined $s->recv(my $m, 512)) { $s->send($ARGV[2]) }' \
	    "10.77.1$i.2" 5300 "b$i" 2>/dev/null &
	PIDS="$PIDS $!"
done

# Status files as checkd writes them: whole, renamed into place.
status() {	# table id:host:state...
	_t=$1
	shift
	mkdir -p "$STATE/tables"
	: >"$STATE/tables/$_t.tmp"
	for _h in "$@"; do
		_id=${_h%%:*}
		_rest=${_h#*:}
		printf '%s 8080 %s 0 1 %s %s test\n' "${_rest%:*}" \
		    "${_rest##*:}" "$_id" "${_rest%:*}" >>"$STATE/tables/$_t.tmp"
	done
	mv "$STATE/tables/$_t.tmp" "$STATE/tables/$_t"
}
wait_log() {	# ERE: poll until redirectd's log has it
	_w=0
	until grep -Eq -- "$1" "$D/stderr" || [ $_w -gt 50 ]; do
		sleep 0.1
		_w=$((_w + 1))
	done
}
udp_ask() {	# port: which backend echoed
	_a=$(in_ns "$C" perl -MIO::Socket::INET -e '
	    my $s = IO::Socket::INET->new(PeerAddr => "10.77.9.1",
		PeerPort => $ARGV[0], Proto => "udp") or exit 1;
	    $s->send("who");
	    my $r = "";
	    eval { local $SIG{ALRM} = sub { die }; alarm 3;
		$s->recv($r, 512); alarm 0 };
	    print $r' "$1" 2>/dev/null)
	echo "${_a:-fail}"
}

start_redirectd() {	# conf [flags]
	rm -f "$D/ready"
	mkfifo "$D/ready"
	# shellcheck disable=SC2086
	ip netns exec "$R" bin/redirectd -v $2 -f "$1" -s "$STATE" -r 3 3>"$D/ready" \
	    2>>"$D/stderr" &
	RD_PID=$!
	read -r _ <"$D/ready" || { cat "$D/stderr" >&2; bail_out "redirectd"; }
}
stop_redirectd() {
	kill -TERM "$RD_PID"
	wait "$RD_PID"
	RD_STATUS=$?
	RD_PID=
}

start_redirectd "$D/relayd.conf"
pass "redirectd started and loaded its table"
# Every host unknown: all in the maps.
like "$(chain r0_4)" 'numgen inc mod 2 map \{ 0 : 10\.77\.11\.2 \. 8080, 1 : 10\.77\.12\.2 \. 8080 \}' \
    "roundrobin: both hosts of <web> in the map, unknown ones tried"
like "$(chain r0_4)" 'meta mark set 0x[0-9a-f]{8} ct mark set meta mark' \
    "pftag: a meta mark, kept in the conntrack mark"

status=$(cat /proc/$RD_PID/status)
is "$(echo "$status" | awk '/^CapEff:/ { print $2 }')" 0000000000001000 \
    "redirectd keeps CAP_NET_ADMIN only"
is "$(echo "$status" | awk '/^CapBnd:/ { print $2 }')" 0000000000001000 \
    "and its bounding set holds nothing else"
isnt "$(echo "$status" | awk '/^Uid:/ { print $2 }')" 0 "it is not root"
like "$status" 'Seccomp:[[:space:]]+2' "it runs under seccomp"

is "$(count 6 http://10.77.9.1/id)" "b1:3 b2:3" "roundrobin: 6 requests, 3 to each host"
is "$(count 6 http://10.77.9.1:81/id | sed 's/:6$//' | grep -c '^b[123]$')" 1 \
    "source-hash: 6 requests from one client, one host"
r=$(count 30 http://10.77.9.1:82/id)
like "$r" '^b[123]:[0-9]+ b[123]:[0-9]+' "random: 30 requests reach more than one host ($r)"
unlike_fail=$(echo "$r" | grep -c fail)
is "$unlike_fail" 0 "random: no request failed"
is "$(count 6 http://10.77.9.1:83/id | sed 's/:6$//' | grep -c '^b[123]$')" 1 \
    "sticky-address: roundrobin, yet 6 requests from one client stay on one host"
like "$(in_ns "$R" nft list map inet relayd r3_sticky4)" '10\.77\.1\.2 .*: 10\.77\.1[123]\.2' \
    "the sticky map remembers the client"
r=""
for i in 1 2 3 4 5 6; do
	r="$r $(udp_ask 5300)"
done
is "$(echo $r | tr ' ' '\n' | sort | uniq -c | awk '{ printf "%s%s:%s", s, $2, $1; s=" " }')" \
    "b1:2 b2:2 b3:2" "udp: 6 flows round-robin to the UDP echo on each host"
is "$(count 4 'http://[fd77:9::1]/id')" "b1:2 b2:2" "IPv6: roundrobin over <web6>"

# checkd says b2 is down: it leaves the map, and gets nothing more.
status web 1:10.77.11.2:up 2:10.77.12.2:down
wait_chain r0_4 '10\.77\.12\.2' absent
ok $? "b2 down: it left the map"
like "$(chain r0_4)" 'numgen inc mod 1 map \{ 0 : 10\.77\.11\.2 \. 8080 \}' \
    "the map holds b1 alone"
is "$(count 6 http://10.77.9.1/id)" "b1:6" "every request to b1, none failed"
like "$(cat "$D/stderr")" 'redirect rr: host 10\.77\.12\.2 \(id 2\) left' \
    "-v logs the change"

# Every main host down: the backup table takes over.
status web 1:10.77.11.2:down 2:10.77.12.2:disabled
wait_chain r0_4 '10\.77\.13\.2'
ok $? "all of <web> down: <sorry> is in the map"
is "$(count 4 http://10.77.9.1/id)" "b3:4" "every request to the backup host"
like "$(cat "$D/stderr")" 'redirect rr: now backup table sorry' "-v logs the switch"
status web 1:10.77.11.2:up 2:10.77.12.2:down
wait_chain r0_4 '10\.77\.11\.2'
ok $? "b1 up again: back to the main table"
is "$(count 3 http://10.77.9.1/id)" "b1:3" "every request to b1"

# The operator disables a redirection with a file, as checkd's hosts.
mkdir -p "$STATE/disabled"
touch "$STATE/disabled/redirect:rr"
wait_chain r0_4 'dnat' absent
ok $? "disabled/redirect:rr: its hosts leave the ruleset"
wait_log 'redirect rr: disabled by the operator'
is "$(count 2 http://10.77.9.1/id)" "fail:2" "nothing is redirected any more"
rm "$STATE/disabled/redirect:rr"
wait_chain r0_4 '10\.77\.11\.2'
ok $? "the file removed: back in service"
is "$(count 2 http://10.77.9.1/id)" "b1:2" "and redirected again"

# nftables refuses a round: the whole round is refused, nothing changes.
# hash, rand and sticky use one table instance (one status file), so b2
# going down changes all three in one transaction; hash's chain, deleted
# behind redirectd's back, makes nftables refuse it.
handle() {	# chain ERE: the handle of the rule that matches
	in_ns "$R" nft -a list chain inet relayd "$1" |
	    sed -En "s/.*$2.* # handle ([0-9]+)\$/\1/p"
}
in_ns "$R" nft delete rule inet relayd prerouting handle \
    "$(handle prerouting 'jump r1_4')" &&
in_ns "$R" nft delete rule inet relayd raw handle \
    "$(handle raw '"r1_tcp4"')" &&
in_ns "$R" nft delete chain inet relayd r1_4
ok $? "hash's chain deleted from outside"
status all 4:10.77.11.2:up 5:10.77.12.2:down 6:10.77.13.2:up
wait_log 'health change: nftables refused'
like "$(cat "$D/stderr")" 'health change: nftables refused the transaction; the ruleset in force is kept: .*No such file or directory' \
    "the refusal is logged with nftables' reason"
like "$(chain r3_4)" '10\.77\.12\.2' "and the old map stays in force for the others"
# SIGHUP builds the whole table again, atomically.
kill -HUP "$RD_PID"
wait_chain r3_4 '10\.77\.12\.2' absent
ok $? "SIGHUP: the table made anew, with the hosts as checkd sees them"
like "$(chain r1_4)" 'jhash ip saddr mod 2 seed 0x[0-9a-f]+ map \{ 0 : 10\.77\.11\.2 \. 8080, 1 : 10\.77\.13\.2 \. 8080 \}' \
    "the deleted chain is back, without b2"
like "$(chain r4_4)" 'dnat ip to numgen inc mod 3 map \{ 0 : 10\.77\.11\.2, 1 : 10\.77\.12\.2, 2 : 10\.77\.13\.2 \}' \
    "a port range keeps its ports (the udp redirection's own instance)"
# A broken file on SIGHUP: logged, and the table stays.
cp "$D/relayd.conf" "$D/good.conf"
printf 'redirect broken {\n' >>"$D/relayd.conf"
kill -HUP "$RD_PID"
wait_log 'reload failed'
like "$(cat "$D/stderr")" "reload failed, configuration kept: $D/relayd.conf:[0-9]+: " \
    "a broken file on SIGHUP is logged"
like "$(chain r0_4)" '10\.77\.11\.2' "and the table in force stays"
cp "$D/good.conf" "$D/relayd.conf"

# SIGTERM removes the table; -k keeps it.
stop_redirectd
is "$RD_STATUS" 0 "SIGTERM: exit 0"
in_ns "$R" nft list table inet relayd >/dev/null 2>&1
isnt "$?" 0 "and the table is gone"
start_redirectd "$D/relayd.conf" -k
stop_redirectd
in_ns "$R" nft list table inet relayd >/dev/null 2>&1
ok $? "-k: the table stays after SIGTERM, traffic goes on"
is "$(count 2 http://10.77.9.1:81/id | grep -c fail)" 0 \
    "with redirectd stopped, the kernel still redirects"
in_ns "$R" nft delete table inet relayd

# A flow established before its host goes down: kept by default, cut
# with -c.  A keep-alive connection asks twice; the host of the first
# answer goes down in between.
held() {	# flags: what the second request on the connection got
	status web 1:10.77.11.2:up 2:10.77.12.2:up
	start_redirectd "$D/relayd.conf" "$1"
	rm -f "$D/go" "$D/held"
	mkfifo "$D/go"
	in_ns "$C" perl -MIO::Socket::INET -e '
	    $| = 1;
	    my $s = IO::Socket::INET->new(PeerAddr => "10.77.9.1:80",
		Timeout => 3) or die "connect: $!";
	    sub req {
		print $s "GET /id HTTP/1.1\r\nHost: v\r\n\r\n";
		my $b = "";
		local $SIG{ALRM} = sub { die "timeout\n" };
		alarm 3;
		until ($b =~ /\r\n\r\n\S+\n/) {
			sysread($s, $b, 4096, length $b) or die "eof\n";
		}
		alarm 0;
		return $b =~ /\r\n\r\n(\S+)\n/ ? $1 : "?";
	    }
	    print req(), "\n";
	    <STDIN>;
	    my $r = eval { req() };
	    print defined $r ? "$r\n" : "cut\n";' <"$D/go" >"$D/held" 2>"$D/held.err" &
	_p=$!
	exec 7>"$D/go"
	_w=0
	until [ -s "$D/held" ] || [ $_w -gt 50 ]; do
		sleep 0.1
		_w=$((_w + 1))
	done
	_first=$(head -n 1 "$D/held")
	case $_first in
	b1)	status web 1:10.77.11.2:down 2:10.77.12.2:up
		_gone=10.77.11.2 ;;
	*)	status web 1:10.77.11.2:up 2:10.77.12.2:down
		_gone=10.77.12.2 ;;
	esac
	wait_chain r0_4 "$_gone" absent
	in_ns "$R" nft list table inet relayd >"$D/held.nft" 2>&1
	echo go >&7
	exec 7>&-
	wait "$_p"
	stop_redirectd
	sed -n 2p "$D/held"
}
r=$(held "")
is "$r" "$(sed -n 1p "$D/held")" \
    "without -c: the established flow to a host gone down goes on"
r=$(held -c)
is "$r" cut "-c: the established flow to a host gone down is cut" ||
    diag "$(cat "$D/held.nft")"
like "$(tail -n 20 "$D/stderr")" 'removed' "and the table was removed at exit"

# A real checkd: b2's httpd stopped leaves the map within
# (retry + 1) x interval + 1 s, and no request fails after that.
rm -rf "$STATE"
cat >"$D/real.conf" <<EOF
interval 1
timeout 300
table <web> { 10.77.11.2, 10.77.12.2 }
redirect rr {
	listen on 10.77.9.1 port 80
	forward to <web> port 8080 check http "/id" code 200
}
EOF
start_checkd "$D/real.conf" web 2
start_redirectd "$D/real.conf"
is "$(count 4 http://10.77.9.1/id)" "b1:2 b2:2" "checkd and redirectd: roundrobin"
kill -TERM "$HTTPD2"
t0=$(date +%s%N)
wait_chain r0_4 '10\.77\.12\.2' absent
ok $? "b2's httpd stopped: b2 left the map"
t1=$(date +%s%N)
note "b2 left the map $(( (t1 - t0) / 1000000 )) ms after its httpd was stopped (bound: 2000 ms + check timeout)"
is "$(count 6 http://10.77.9.1/id)" "b1:6" "no request failed after that, all to b1"
stop_redirectd

# Names on reload, inside the sandbox: /etc/hosts answers; a name only
# DNS could answer fails the reload (no DNS socket) and redirectd lives.
cp "$D/real.conf" "$D/names.conf"
start_redirectd "$D/names.conf"
printf 'table <local> { localhost }\nredirect names {\n\tlisten on 10.77.9.1 port 99\n\tforward to <local> port 8080 check tcp\n}\n' \
    >>"$D/names.conf"
kill -HUP "$RD_PID"
wait_chain r1_4 '127\.0\.0\.1 \. 8080'
ok $? "SIGHUP: a host name from /etc/hosts resolved inside the sandbox"
sed -i 's/{ localhost }/{ no-such-host.invalid }/' "$D/names.conf"
kill -HUP "$RD_PID"
wait_log 'no-such-host.invalid: cannot resolve the name'
like "$(cat "$D/stderr")" "reload failed, configuration kept: $D/names.conf:[0-9]+: host no-such-host.invalid: cannot resolve the name" \
    "a name that does not resolve: the reload fails, with the line"
kill -0 "$RD_PID"
ok $? "and redirectd is still running"
stop_redirectd
is "$RD_STATUS" 0 "it stops cleanly"
done_testing
