#!/bin/sh
# checkd's table verdicts, relayd's "demote": "table NAME down" and
# "table NAME up" on stdout when a table's last host goes down and when
# one comes back, and demote/GROUP, the number of tables using "demote
# GROUP" that are down, replaced whole; a group no longer used loses
# its file; bad group names are refused.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (checkd's state directory)"
id _relayd >/dev/null 2>&1 || skip_all "needs the user _relayd (make setup)"
. tests/lib/checkd.sh

bad() {	# group expected-message
	printf 'table <t> { 127.0.0.1 }\nrelay r {\n\tlisten on 127.0.0.1 port 1\n\tforward to <t> port 2 demote %s check tcp\n}\n' \
	    "$1" >"$T/bad.conf"
	err=$(bin/checkd -n -f "$T/bad.conf" 2>&1)
	is "$?" 1 "demote $1: refused"
	is "$err" "$T/bad.conf:4: $2" "demote $1: the message"
}
bad '"../x"' "invalid demote group '../x': letters, digits, '-', '_' and '.', not first"
bad '".hidden"' "invalid demote group '.hidden': letters, digits, '-', '_' and '.', not first"
bad '"carp0carp0carp0x"' "invalid demote group 'carp0carp0carp0x' (1-15 bytes)"
printf 'table <t> { 127.0.0.1 }\nrelay r {\n\tlisten on 127.0.0.1 port 1\n\tforward to <t> port 2 demote carp0 check tcp\n}\n' \
    >"$T/good.conf"
err=$(bin/checkd -n -f "$T/good.conf" 2>&1)
is "$err" "configuration OK" "a good group: accepted, no warning"

server listen
PA=$SPORT
PIDA=$SPID
server listen
PB=$SPORT
conf="interval 1
timeout 500
log state changes
table <web> { 127.0.0.1, 127.0.0.2 }
table <db> { 127.0.0.1 }
table <plain> { 127.0.0.1 }
relay r1 {
	listen on 127.0.0.1 port 1
	forward to <web> port $PA demote carp0 check tcp
}
relay r2 {
	listen on 127.0.0.1 port 2
	forward to <db> port $PB demote carp0 check tcp
}
relay r3 {
	listen on 127.0.0.1 port 3
	forward to <plain> port $PA check tcp
}"
checkd_start "$conf"
counter() { cat "$STATE/demote/carp0" 2>/dev/null; }
counter_is() { [ "$(counter)" = "$1" ]; }
waitc() {	# want seconds
	_w=0
	until counter_is "$1"; do
		_w=$((_w + 1))
		[ $_w -gt $(($2 * 10)) ] && return 1
		sleep 0.1
	done
}
is "$(counter)" 0 "ready: demote/carp0 is 0, every table has a host up"
grep -qx 'table web up' "$T/events" && grep -qx 'table db up' "$T/events"
ok $? "ready: 'table web up' and 'table db up' on stdout"
is "$(stat -c %U "$STATE/demote")" _relayd "demote/ belongs to the checker's user"

kill "$PIDA"
wait "$PIDA" 2>/dev/null
waitc 1 10
ok $? "web's hosts down: demote/carp0 is 1"
grep -qx 'table web down' "$T/events"
ok $? "... and 'table web down' on stdout"
grep -qx 'table plain down' "$T/events"
ok $? "a table without demote has its event line too"
is "$(counter)" 1 "... but does not count in carp0"
grep -q 'checkd: table web: no host up' "$T/stderr"
ok $? "log state changes: 'table web: no host up' on stderr"
[ ! -e "$STATE/demote/carp0.tmp" ] && [ -f "$STATE/demote/carp0" ]
ok $? "the file is replaced whole (no .tmp left)"

# The operator's switch counts as down too.
touch "$STATE/disabled/db"
waitc 2 10
ok $? "db disabled by the operator: demote/carp0 is 2"
rm "$STATE/disabled/db"
waitc 1 10
ok $? "db enabled again: 1"

perl tests/lib/checkd_server.pl listen "$PA" >/dev/null 2>&1 &
SERVER_PIDS="$SERVER_PIDS $!"
waitc 0 10
ok $? "web's host back: demote/carp0 is 0"
is "$(grep -cE '^table web (up|down)$' "$T/events")" 3 "web: up, down, up: three lines"

# A reload without the group: its file goes.
printf '%s\n' "$conf" | sed 's/ demote carp0//' >"$T/relayd.conf"
kill -HUP "$CHECKD_PID"
_w=0
while [ -e "$STATE/demote/carp0" ] && [ $_w -lt 100 ]; do
	sleep 0.1
	_w=$((_w + 1))
done
[ ! -e "$STATE/demote/carp0" ]
ok $? "reloaded without demote carp0: demote/carp0 removed"
checkd_stop
is "$CHECKD_STATUS" 0 "checkd stops cleanly"
done_testing
