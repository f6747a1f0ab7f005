#!/bin/sh
# checkd against real peers on 127.0.0.1: every check type but icmp and
# tls, status files, events, privileges, a host killed and restarted,
# the operator's disable files, SIGUSR1, reload keeping states, SIGTERM.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
. tests/lib/checkd.sh

# relay rN TABLE PORT CHECK: relay rN (listening on 40000+N, never
# started: checkd only reads it) uses TABLE with a check.
relay() {
	printf 'relay "%s" {\n\tlisten on 127.0.0.1 port %s\n' "$1" \
	    $((40000 + ${1#r}))
	printf '\tforward to <%s> port %s %s\n}\n' "$2" "$3" "$4"
}

server listen;			P_TCP=$SPORT; PID_TCP=$SPID
server http 200 hello;		P_OK=$SPORT
server http 500 oops;		P_500=$SPORT
server banner "SSH-2.0-Test
";				P_BAN=$SPORT
server binary 0102ff 0a0b0c;	P_BIN=$SPORT
server garbage;			P_GARB=$SPORT
server hang;			P_HANG=$SPORT
server reset;			P_RST=$SPORT
P_CLOSED=$(free_port)

mkdir -p "$T/scripts"
printf '#!/bin/sh\n[ "$1" = 127.0.0.1 ] && exit 1\nexit 0\n' >"$T/scripts/up"
printf '#!/bin/sh\nexit 0\n' >"$T/scripts/down"
printf '#!/bin/sh\nexec sleep 30\n' >"$T/scripts/slow"
# Up only if the script was given nothing but 0-2: no reply socket to
# forge results with.  The descriptors it saw go to checkd's stderr.
cat >"$T/scripts/fds" <<'EOF'
#!/usr/bin/perl
opendir(my $d, "/proc/self/fd") or exit 0;
my @fds = grep { /^\d+$/ && $_ > 2 } readdir($d);
closedir($d);
my @open = grep { -e "/proc/self/fd/$_" } @fds;
print STDERR "script fds: @open\n";
exit(@open ? 0 : 1);
EOF
chmod 755 "$T/scripts/"*
# A script whose path is 1023 bytes; the check names it with one more
# byte, a program that does not exist: never cut and run.
long="$T/scripts"
while [ "${#long}" -lt 760 ]; do long="$long/$(printf 'd%.0s' $(seq 200))"; done
mkdir -p "$long"
long="$long/$(printf 'u%.0s' $(seq $((1022 - ${#long}))))"
cp "$T/scripts/up" "$long"
[ "${#long}" -eq 1023 ] || bail_out "long script path is ${#long} bytes"

sha1=$(printf hello | sha1sum | cut -d' ' -f1)
md5=$(printf hello | md5sum | cut -d' ' -f1)
tables=""
for t in plain closed hcode h500 hsha1 hmd5 hdbad banner bannerbad \
    bin garb_code garb_expect garb_digest hang reset sup sdown sslow \
    slong sfds; do
	tables="$tables
table <$t> { 127.0.0.1 retry 0 }"
done
conf="interval 1
timeout 600
log state changes
$tables
$(relay r1 plain "$P_TCP" "check tcp")
$(relay r2 closed "$P_CLOSED" "check tcp")
$(relay r3 hcode "$P_OK" 'check http "/" code 200')
$(relay r4 h500 "$P_500" 'check http "/" code 200')
$(relay r5 hsha1 "$P_OK" "check http \"/x\" host example.org digest $sha1")
$(relay r6 hmd5 "$P_OK" "check http \"/\" digest $md5")
$(relay r7 hdbad "$P_OK" "check http \"/\" digest 0123456789012345678901234567890123456789")
$(relay r8 banner "$P_BAN" 'check send nothing expect "SSH-2.0-*"')
$(relay r9 bannerbad "$P_BAN" 'check send "HELO\r\n" expect "220 *"')
$(relay r10 bin "$P_BIN" 'check binary send "0102FF" expect "0A0B0C"')
$(relay r11 garb_code "$P_GARB" 'check http "/" code 200')
$(relay r12 garb_expect "$P_GARB" 'check send "x" expect "OK*"')
$(relay r13 garb_digest "$P_GARB" "check http \"/\" digest $sha1")
$(relay r14 hang "$P_HANG" 'check http "/" code 200')
$(relay r15 reset "$P_RST" "check http \"/\" digest $sha1")
$(relay r16 sup 1 "check script \"$T/scripts/up\"")
$(relay r17 sdown 1 "check script \"$T/scripts/down\"")
$(relay r18 sslow 1 "check script \"$T/scripts/slow\"")
$(relay r19 slong 1 "check script \"${long}x\"")
$(relay r20 sfds 1 "check script \"$T/scripts/fds\"")"
checkd_start "$conf"

expect() {	# table state reason
	is "$(field "$1" 127.0.0.1 3) $(reason "$1" 127.0.0.1)" "$2 $3" \
	    "table $1: $2, $3"
}
expect plain up "tcp connect ok"
expect closed down "tcp connect failed"
expect hcode up "http code ok"
expect h500 down "http code mismatch"
expect hsha1 up "http digest ok"
expect hmd5 up "http digest ok"
expect hdbad down "http digest mismatch"
expect banner up "send/expect ok"
expect bannerbad down "tcp read timeout"
expect bin up "send/expect ok"
expect garb_code down "http code malformed"
expect garb_expect down "send/expect failed"
expect garb_digest down "http digest malformed"
expect hang down "tcp read timeout"
expect reset down "tcp read failed"
expect sup up "script ok"
expect sdown down "script failed"
expect sslow down "script failed"
expect slong down "script failed"
expect sfds up "script ok"

line=$(grep -c '' "$STATE/tables/plain")
is "$line" 1 "one line per host"
like "$(cat "$STATE/tables/plain")" \
    "^127\\.0\\.0\\.1 $P_TCP up [0-9]+ [0-9]+ 1 127\\.0\\.0\\.1 tcp connect ok\$" \
    "the line: host port state since latency id address reason"
like "$(cat "$STATE/report/summary")" "table plain: 1 of 1 hosts up" "summary file"
like "$(cat "$STATE/report/checkd.prom")" \
    "checkd_host_up\\{table=\"plain\",host=\"127\\.0\\.0\\.1\",port=\"$P_TCP\",id=\"1\"\\} 1" \
    "Prometheus textfile"
like "$(cat "$T/events")" "^table closed host 127\\.0\\.0\\.1 port $P_CLOSED down tcp connect failed\$" \
    "an event line on stdout per state change"
is "$(ls "$STATE/tables" | grep -c '\.tmp')" 0 "no temporary file left"

# The checker's privileges.
cpid=$(checker_pid | head -n 1)
st=/proc/$cpid/status
is "$(awk '/^Uid:/ { print $2 }' "$st")" "$(id -u _relayd)" "checker runs as _relayd"
is "$(awk '/^NoNewPrivs:/ { print $2 }' "$st")" 1 "checker: no_new_privs"
is "$(awk '/^Seccomp:/ { print $2 }' "$st")" 2 "checker: seccomp filter"
is "$(awk '/^CapEff:/ { print $2 }' "$st")" 0000000000000000 "checker: no capabilities"
is "$(readlink /proc/$cpid/root)" "$STATE" "checker: chrooted in the state directory"

# A compromised checker talks to the script helper directly: a script
# path and hosts that are not script-checked are refused, nothing runs.
mkdir "$T/pwn" && chown _relayd "$T/pwn"
printf '#!/bin/sh\ntouch "%s/pwn/ran"\n' "$T" >"$T/scripts/pwned"
chmod 755 "$T/scripts/pwned"
perl tests/lib/checkd_forge.pl "$cpid" path "$T/scripts/pwned" 127.0.0.1 \
    id 9999 1 id 1 1
ok $? "forged requests sent on the checker's socket to the helper"
i=0
until grep -q 'host id 1: not' "$T/stderr" || [ $i -gt 30 ]; do
	i=$((i + 1)); sleep 0.1
done
like "$(cat "$T/stderr")" "script helper: request refused: 1292 bytes, not 8" \
    "a request naming a script path: refused"
like "$(cat "$T/stderr")" "script helper: request refused: host id 9999: no such host" \
    "a host id out of range: refused"
like "$(cat "$T/stderr")" "script helper: request refused: host id 1: not checked by a script" \
    "a host of a tcp check: refused"
ok $([ ! -e "$T/pwn/ran" ]; echo $?) "the path sent was not run"

# Hostile peers, round after round: the checker lives and stays small.
sleep 3
is "$(checker_pid | head -n 1)" "$cpid" "the checker survived hostile peers"
rss=$(awk '/^VmRSS:/ { print $2 }' "$st")
ok $([ "$rss" -lt 30000 ]; echo $?) "checker RSS bounded: $rss kB < 30 MB"
expect garb_code down "http code malformed"
expect sup up "script ok"

# A host killed goes down within (retry+1) x interval, and comes back.
kill "$PID_TCP"
wait_state plain 127.0.0.1 down 4
ok $? "killed host is down within (retry 0 + 1) x 1 s, plus slack"
expect plain down "tcp connect failed"
perl tests/lib/checkd_server.pl listen "$P_TCP" >/dev/null 2>&1 &
SERVER_PIDS="$SERVER_PIDS $!"
wait_state plain 127.0.0.1 up 4
ok $? "restarted host is up again"
like "$(cat "$T/events")" "table plain host 127\\.0\\.0\\.1 port $P_TCP down" \
    "its fall is an event"

# The operator's files.
touch "$STATE/disabled/hcode:127.0.0.1"
wait_state hcode 127.0.0.1 disabled 3
ok $? "disabled/TABLE:HOST disables a host within a second"
rm "$STATE/disabled/hcode:127.0.0.1"
wait_state hcode 127.0.0.1 up 3
ok $? "removing the file enables it again"
touch "$STATE/disabled/hmd5"
wait_state hmd5 127.0.0.1 disabled 3
ok $? "disabled/TABLE disables a table"
rm "$STATE/disabled/hmd5"
wait_state hmd5 127.0.0.1 up 3
ok $? "and removing it enables the table"

# Reload: a table added, the others keep their states and times.
since=$(field hsha1 127.0.0.1 4)
sleep 1.1
printf '%s\n%s\n%s\n' "$conf" "table <extra> { 127.0.0.1 }" \
    "$(relay r99 extra "$P_OK" 'check http "/" code 200')" >"$T/relayd.conf"
kill -HUP "$CHECKD_PID"
wait_state extra 127.0.0.1 up 5
ok $? "SIGHUP: a new table is checked"
is "$(field hsha1 127.0.0.1 4)" "$since" "an unchanged host keeps its state and time"
is "$(grep -c 'table hsha1 host 127.0.0.1 port [0-9]* up' "$T/events")" 1 \
    "and no new event for it"
printf '%s\n' "$conf" >"$T/relayd.conf"
kill -HUP "$CHECKD_PID"
sleep 1.5
ok $([ ! -e "$STATE/tables/extra" ]; echo $?) "a removed table loses its file"
echo 'table <broken' >>"$T/relayd.conf"
kill -HUP "$CHECKD_PID"
sleep 0.5
like "$(cat "$T/stderr")" "reload failed, configuration kept" "a broken file is refused"
kill -0 "$CHECKD_PID"
ok $? "and checkd runs on"

checkd_stop
is "$CHECKD_STATUS" 0 "SIGTERM: exit 0"
ok $([ -z "$(checker_pid)" ]; echo $?) "no checker left"

# SIGUSR1 checks at once, even with a long interval.
server listen; P2=$SPORT; PID2=$SPID
checkd_start "interval 60
table <slow> { 127.0.0.1 }
$(relay r1 slow "$P2" "check tcp")"
is "$(field slow 127.0.0.1 3)" up "interval 60: up at start"
kill "$PID2"
# Until the port refuses: a child of the peer may hold its socket a moment.
i=0
while perl -MIO::Socket::INET -e \
    "IO::Socket::INET->new('127.0.0.1:$P2') or exit 1" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 50 ] && break; sleep 0.1
done
kill -USR1 "$CHECKD_PID"
wait_state slow 127.0.0.1 down 3
ok $? "SIGUSR1: checked again at once"
checkd_stop
done_testing
