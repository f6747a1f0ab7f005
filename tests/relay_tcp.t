#!/bin/sh
# relay's TCP relays against real backends on 127.0.0.0/8 and ::1: bytes
# both ways with and without splice, a large transfer, the scheduling
# modes counted, backup tables and hosts going down and up as a real
# checkd sees them, retry, IPv6, the connection log, SIGHUP, SIGTERM,
# and the workers' privileges.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
id _relayd >/dev/null 2>&1 || skip_all "needs the _relayd user"
perl -MIO::Socket::IP -e 1 2>/dev/null || skip_all "needs IO::Socket::IP"
perl -MIO::Socket::IP -e \
    'IO::Socket::IP->new(LocalHost => "::1", Listen => 1) or exit 1' \
    2>/dev/null && HAVE_V6=1 || HAVE_V6=
. tests/lib/relay.sh

# Backends: one port, several loopback addresses (a table's hosts share
# the forward's port).
P_ECHO=$(free_port);	peer echo "$P_ECHO"
P_ID=$(free_port)
for h in a b c; do
	case $h in a) n=1 ;; b) n=2 ;; c) n=3 ;; esac
	RB_ADDR=127.0.0.$n peer id "$P_ID" $h
done
P_BK=$(free_port);	peer id "$P_BK" backup
P_K=$(free_port)
RB_ADDR=127.0.0.1 peer id "$P_K" k1
RB_ADDR=127.0.0.2 peer id "$P_K" k2;	PID_K2=$PEER_PID
P_R=$(free_port);	RB_ADDR=127.0.0.2 peer id "$P_R" r2	# 127.0.0.1: closed
P_CLOSED=$(free_port)

# The relays' ports.
for v in ECHO NOSPLICE RR RAND SH HASH LB BACKUP KILL RETRY NORETRY V6 \
    NONE NEW; do
	eval "L_$v=\$(free_port)"
done

conf="interval 1
timeout 500
prefork 1
log connection
table <ids> { 127.0.0.1, 127.0.0.2, 127.0.0.3 }
table <prim> { 127.0.0.1, 127.0.0.2 }
table <bk> { 127.0.0.1 }
table <kt> { 127.0.0.1, 127.0.0.2 }
table <rt> { 127.0.0.1 retry 1, 127.0.0.2 retry 1 }
table <nrt> { 127.0.0.1, 127.0.0.2 }
table <dead> { 127.0.0.1 }
protocol nosplice {
	tcp { nodelay, no splice, socket buffer 65536, backlog 128 }
}
relay r_echo {
	listen on 127.0.0.1 port $L_ECHO
	forward to 127.0.0.1 port $P_ECHO
}
relay r_nosplice {
	listen on 127.0.0.1 port $L_NOSPLICE
	protocol nosplice
	forward to 127.0.0.1 port $P_ECHO
}
relay r_rr {
	listen on 127.0.0.1 port $L_RR
	forward to <ids> port $P_ID mode roundrobin
}
relay r_rand {
	listen on 127.0.0.1 port $L_RAND
	forward to <ids> port $P_ID mode random
}
relay r_sh {
	listen on 127.0.0.1 port $L_SH
	forward to <ids> port $P_ID mode source-hash
}
relay r_hash {
	listen on 127.0.0.1 port $L_HASH
	forward to <ids> port $P_ID mode hash
}
relay r_lb {
	listen on 127.0.0.1 port $L_LB
	forward to <ids> port $P_ID mode loadbalance
}
relay r_backup {
	listen on 127.0.0.1 port $L_BACKUP
	forward to <prim> port $P_CLOSED mode roundrobin check tcp
	forward to <bk> port $P_BK
}
relay r_kill {
	listen on 127.0.0.1 port $L_KILL
	forward to <kt> port $P_K mode roundrobin check tcp
}
relay r_retry {
	listen on 127.0.0.1 port $L_RETRY
	forward to <rt> port $P_R mode roundrobin
}
relay r_noretry {
	listen on 127.0.0.1 port $L_NORETRY
	forward to <nrt> port $P_R mode roundrobin
}
relay r_none {
	listen on 127.0.0.1 port $L_NONE
	forward to <dead> port $P_CLOSED check tcp
}"
if [ -n "$HAVE_V6" ]; then
	conf="$conf
relay r_v6 {
	listen on ::1 port $L_V6
	forward to 127.0.0.1 port $P_ECHO
}"
fi

printf '%s\n' "$conf" >"$T/check.conf"
bin/relay -n -f "$T/check.conf" -s "$STATE" 2>"$T/check.err"
ok $? "the test configuration is valid (relay -n)" || cat "$T/check.err" >&2

# relay first, checkd after it: checked hosts are unknown (and used) until
# checkd's files appear.
relay_start "$conf"
RELAY_STATUS=
ok $([ -d "$STATE" ] && [ "$(stat -c %u:%a "$STATE")" = 0:755 ]; echo $?) \
    "relay made the state directory, root's, 0755"

# 1. Bytes both ways, with and without splice; 20 MiB intact.
is "$(printf 'hello relay\n' | send 127.0.0.1 "$L_ECHO")" "hello relay" \
    "splice: bytes round-trip through the echo backend"
is "$(printf 'hello relay\n' | send 127.0.0.1 "$L_NOSPLICE")" "hello relay" \
    "no splice: bytes round-trip"
head -c 20971520 /dev/urandom >"$T/big"
want=$(sha256sum <"$T/big" | cut -d' ' -f1)
# Three times each: a stall in one direction (no new edge for bytes
# already queued) shows as a short or late copy.
for r in ECHO:splice NOSPLICE:"no splice"; do
	eval "lp=\$L_${r%%:*}"
	for i in 1 2 3; do
		is "$(send 127.0.0.1 "$lp" <"$T/big" | sha256sum |
		    cut -d' ' -f1)" "$want" \
		    "${r#*:}: 20 MiB there and back intact ($i)"
	done
done
rm -f "$T/big"
sleep 0.2
is "$(grep -c '^relay r_echo, .*, done$' "$T/stderr") $(grep -c \
    '^relay r_nosplice, .*, done$' "$T/stderr")" "4 4" \
    "every session of the copies ended, each with its log line"

# 2. Scheduling, one worker.
is "$(count 127.0.0.1 "$L_RR" 30)" "a=10 b=10 c=10" \
    "roundrobin: 30 connections over 3 hosts, 10 each"
like "$(count 127.0.0.1 "$L_RAND" 60)" "^a=[0-9]+ b=[0-9]+ c=[0-9]+\$" \
    "random: all 3 hosts used over 60 connections"
for m in SH:source-hash HASH:hash LB:loadbalance; do
	eval "lp=\$L_${m%%:*}"
	like "$(count 127.0.0.1 "$lp" 20)" "^[abc]=20\$" \
	    "${m#*:}: 20 connections from one client, all to one host"
done

# 5. retry: 127.0.0.1 refuses, 127.0.0.2 listens.
is "$(count 127.0.0.1 "$L_RETRY" 20)" "r2=20" \
    "host retry 1: every connection reaches the host that listens"
like "$(count 127.0.0.1 "$L_NORETRY" 20)" "EMPTY=10" \
    "control, no retry: the connections given to the closed host fail"

# 6. IPv6 client side, IPv4 backend.
if [ -n "$HAVE_V6" ]; then
	is "$(printf 'over v6\n' | send ::1 "$L_V6")" "over v6" \
	    "listen on ::1, forward to an IPv4 backend"
	like "$(cat "$T/stderr")" \
	    "relay r_v6, session [0-9]+ \\([0-9]+ active\\), 0, ::1 -> 127\\.0\\.0\\.1:$P_ECHO, done" \
	    "the IPv6 session's log line"
else
	skip "no IPv6 loopback" 2
fi

# Before checkd: the checked table's hosts are unknown, and tried.
is "$(count 127.0.0.1 "$L_KILL" 4)" "k1=2 k2=2" \
    "before checkd: unknown hosts are used"

rcheckd_start
wait_hstate prim 127.0.0.1 down 5 && wait_hstate prim 127.0.0.2 down 5
ok $? "checkd: the primary table's hosts are down"
wait_hstate kt 127.0.0.2 up 5 && wait_hstate kt 127.0.0.1 up 5
ok $? "checkd: the two hosts of <kt> are up"
wait_hstate dead 127.0.0.1 down 5
ok $? "checkd: the only host of <dead> is down"
sleep 0.3	# the status files reach the worker through inotify

# 3. Backup table.
is "$(count 127.0.0.1 "$L_BACKUP" 10)" "backup=10" \
    "every primary host down: the backup table takes every connection"

# 4. A host killed and restarted.
is "$(count 127.0.0.1 "$L_KILL" 20)" "k1=10 k2=10" "both hosts up: 10 each"
peer_stop "$PID_K2"
wait_hstate kt 127.0.0.2 down 5
ok $? "the killed host is down in the status file"
sleep 0.3
is "$(count 127.0.0.1 "$L_KILL" 20)" "k1=20" \
    "host down: all 20 connections succeed, on the other host"
RB_ADDR=127.0.0.2 peer id "$P_K" k2
wait_hstate kt 127.0.0.2 up 5
ok $? "restarted, the host is up again in the status file"
sleep 0.3
is "$(count 127.0.0.1 "$L_KILL" 20)" "k1=10 k2=10" \
    "host up again: it gets its share"

# 7. No host available; the log lines.
is "$(count 127.0.0.1 "$L_NONE" 1)" "EMPTY=1" \
    "no host available: the client's connection is closed, nothing sent"
sleep 0.2
like "$(cat "$T/stderr")" \
    "^relay r_none, session [0-9]+ \\([0-9]+ active\\), 0, 127\\.0\\.0\\.1 -> -:0, no host available\$" \
    "no host available: the log line says why"
like "$(cat "$T/stderr")" \
    "^relay r_echo, session [0-9]+ \\(1 active\\), 0, 127\\.0\\.0\\.1 -> 127\\.0\\.0\\.1:$P_ECHO, done\$" \
    "log connection: relayd's line for a session of r_echo"
like "$(cat "$T/stderr")" \
    "^relay r_nosplice, session [0-9]+ \\(1 active\\), 0, 127\\.0\\.0\\.1 -> 127\\.0\\.0\\.1:$P_ECHO, done\$" \
    "two relays in one process: r_nosplice logs too"
like "$(cat "$T/stderr")" \
    "^relay r_rr, session [0-9]+ \\(1 active\\), 0, 127\\.0\\.0\\.1 -> 127\\.0\\.0\\.3:$P_ID, done\$" \
    "the host chosen is in the line"
like "$(cat "$T/stderr")" \
    "^relay r_noretry, session [0-9]+ \\(1 active\\), 0, 127\\.0\\.0\\.1 -> 127\\.0\\.0\\.1:$P_R, Connection refused\$" \
    "a failed connect is logged with its reason"
is "$(grep -c '^relay r_rr, ' "$T/stderr")" 30 "one line per session"

# 9. The workers.
w=$(workers)
is "$(printf '%s\n' "$w" | grep -c .)" 1 "prefork 1: one worker (no TLS, no key process)"
wpid=$(printf '%s\n' "$w" | head -n 1)
st=/proc/$wpid/status
is "$(readlink /proc/"$wpid"/root)" "$STATE" "worker: chrooted in the state directory"
is "$(awk '/^Uid:/ { print $2 "," $3 "," $4 "," $5 }' "$st")" \
    "$(u=$(id -u _relayd); echo "$u,$u,$u,$u")" "worker: runs as _relayd"
is "$(awk '/^Gid:/ { print $2 }' "$st")" "$(id -g _relayd)" "worker: _relayd's group"
is "$(awk '/^Seccomp:/ { print $2 }' "$st")" 2 "worker: seccomp filter"
is "$(awk '/^NoNewPrivs:/ { print $2 }' "$st")" 1 "worker: no_new_privs"
is "$(awk '/^CapEff:/ { print $2 }' "$st")" 0000000000000000 "worker: no capabilities"
is "$(awk '/^Uid:/ { print $2 }' /proc/"$RELAY_PID"/status)" 0 "the parent stays root"

# 8. SIGHUP: a relay added; a session open across the reload finishes.
cat >"$T/slow.pl" <<'EOF2'
use IO::Socket::IP;
my $s = IO::Socket::IP->new(PeerHost => "127.0.0.1", PeerPort => $ARGV[0])
    or die "connect: $!\n";
my ($a, $b);
syswrite($s, "one\n"); sysread($s, $a, 100);
open(my $m, ">", $ARGV[1]); close($m);
sleep 2;
syswrite($s, "two\n"); sysread($s, $b, 100);
print $a, $b;
EOF2
perl "$T/slow.pl" "$L_ECHO" "$T/marker" >"$T/slow.out" 2>&1 &
slow=$!
i=0
while [ ! -e "$T/marker" ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
printf '%s\n%s\n' "$conf" "relay r_new {
	listen on 127.0.0.1 port $L_NEW
	forward to 127.0.0.1 port $P_ECHO
}" >"$T/relayd.conf"
kill -HUP "$RELAY_PID"
i=0
until grep -q 'configuration reloaded' "$T/stderr" || [ $i -gt 50 ]; do
	i=$((i + 1)); sleep 0.1
done
like "$(cat "$T/stderr")" "configuration reloaded" "SIGHUP: configuration reloaded" ||
    diag "$(tail -n 5 "$T/stderr")"
is "$(printf 'new\n' | send 127.0.0.1 "$L_NEW")" "new" "the new relay serves"
is "$(printf 'old\n' | send 127.0.0.1 "$L_ECHO")" "old" "an old relay still serves"
is "$(count 127.0.0.1 "$L_RR" 6)" "a=2 b=2 c=2" "and schedules as before"
wait "$slow"
is "$(tr '\n' ' ' <"$T/slow.out")" "one two " \
    "a session open across the reload finishes in the old worker"
i=0
while [ "$(workers | grep -c .)" -ne 1 ] && [ $i -lt 50 ]; do
	i=$((i + 1)); sleep 0.1
done
is "$(workers | grep -c .)" 1 "the old generation's worker is gone once drained"

# SIGTERM while a session is in flight: it finishes, then relay exits.
rm -f "$T/marker"
perl "$T/slow.pl" "$L_NOSPLICE" "$T/marker" >"$T/slow.out" 2>&1 &
slow=$!
i=0
while [ ! -e "$T/marker" ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
relay_stop
wait "$slow"
is "$(tr '\n' ' ' <"$T/slow.out")" "one two " \
    "SIGTERM: the session in flight finishes first"
is "$RELAY_STATUS" 0 "SIGTERM: relay exits 0"
like "$(printf 'x\n' | send 127.0.0.1 "$L_ECHO")" "^REFUSED\$" \
    "and its port is closed"
rcheckd_stop

done_testing
