#!/bin/sh
# Who owns what in checkd's state directory, and as whom it checks: the
# directory and disabled/ are root's, tables/ and report/ the checker's;
# a link planted in their place is refused and never followed; the
# checker's user cannot rename or write what is root's; a user that is
# not checkd's alone is refused with the rule it breaks.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (privilege drop, chroot)"
command -v setpriv >/dev/null || skip_all "no setpriv"
id -u _relayd >/dev/null 2>&1 || skip_all "no user _relayd (tools/users.sh)"
. tests/lib/checkd.sh

server listen; P=$SPORT
conf="interval 1
timeout 300
table <web> { 127.0.0.1 }
relay r1 {
	listen on 127.0.0.1 port 40001
	forward to <web> port $P check tcp
}"
printf '%s\n' "$conf" >"$T/relayd.conf"

# refused DIR [ARG...]: a checkd that must not start (the timeout only
# ends one that wrongly does); sets OUT and STATUS.
refused() {
	_dir=$1; shift
	OUT=$(timeout 10 bin/checkd -f "$T/relayd.conf" -s "$_dir" "$@" \
	    2>&1 >/dev/null)
	STATUS=$?
}
owner() { stat -c '%U:%G %a' "$1"; }
as_checker() { setpriv --reuid=_relayd --regid=_relayd --clear-groups "$@"; }

# Users that are not checkd's alone.
nobody_uid=$(id -u nobody 2>/dev/null)
if [ "$nobody_uid" = "$(cat /proc/sys/kernel/overflowuid)" ]; then
	refused "$T/u1" -u nobody
	is "$STATUS $OUT" "1 checkd: fatal: user nobody: not a dedicated user: uid $nobody_uid is the kernel's overflow uid, shared by unrelated services" \
	    "-u nobody: refused, the overflow uid"
else
	skip "nobody is not the overflow uid here"
fi
for u in www-data _fcgi-bridge; do
	if id -u "$u" >/dev/null 2>&1; then
		refused "$T/u2" -u "$u"
		prog=httpd; [ "$u" = _fcgi-bridge ] && prog=fcgi-bridge
		is "$STATUS $OUT" "1 checkd: fatal: user $u: not a dedicated user: $prog runs as $u" \
		    "-u $u: refused, $prog's user"
	else
		skip "no user $u"
	fi
done
shell=$(getent passwd sync | cut -d: -f7)
case $shell in
*/nologin|*/false|'') skip "no user sync with a login shell" ;;
*)	refused "$T/u3" -u sync
	is "$STATUS $OUT" "1 checkd: fatal: user sync: not a dedicated user: it has a login shell ($shell)" \
	    "-u sync: refused, a login shell" ;;
esac
refused "$T/u4" -u root
is "$STATUS $OUT" "1 checkd: fatal: user root: refusing to run workers as root" \
    "-u root: refused"
ok $([ ! -e "$T/u1" ] && [ ! -e "$T/u2" ]; echo $?) \
    "a refused user gets no state directory"

# Links where checkd's directories go: refused, their targets untouched.
mkdir "$T/victim" "$T/s1" "$T/s2" "$T/s3"
chmod 700 "$T/victim"
echo secret >"$T/victim/file"
chmod 600 "$T/victim/file"
ln -s "$T/victim" "$T/s1/tables"
refused "$T/s1"
like "$STATUS $OUT" "^111 checkd: fatal: state directory $T/s1: tables must be a directory, not a link: " \
    "tables as a link: refused"
is "$(owner "$T/victim")" "root:root 700" "and its target keeps its owner and mode"
ln -s "$T/victim/file" "$T/s2/report"
refused "$T/s2"
like "$STATUS $OUT" "^111 checkd: fatal: state directory $T/s2: report must be a directory, not a link: " \
    "report as a link to a file: refused"
is "$(owner "$T/victim/file")" "root:root 600" "and the file keeps its owner and mode"
ln -s "$T/victim" "$T/s3/disabled"
refused "$T/s3"
like "$STATUS $OUT" "^111 checkd: fatal: state directory $T/s3: disabled must be a directory, not a link: " \
    "disabled as a link: refused"
ln -s "$T/victim" "$T/s4"
refused "$T/s4"
like "$STATUS $OUT" "^111 checkd: fatal: state directory $T/s4 must be a directory, not a link: " \
    "the state directory as a link: refused"
is "$(owner "$T/victim")" "root:root 700" "and its target keeps its owner and mode"
mkdir -p "$T/s5/disabled"
chown _relayd "$T/s5/disabled"
refused "$T/s5"
is "$STATUS $OUT" "111 checkd: fatal: state directory $T/s5: disabled must be owned by root and writable by root alone" \
    "a disabled/ the checker's user owns: refused"

# A state directory an older checkd gave to its user is taken back.
mkdir "$STATE"
chown _relayd:_relayd "$STATE"
as_checker touch "$STATE/summary"
checkd_start "$conf"
is "$(field web 127.0.0.1 3)" up "checks run and status files are written"
is "$(owner "$STATE")" "root:root 755" "the state directory is root's"
is "$(owner "$STATE/disabled")" "root:root 755" "disabled/ is root's"
is "$(owner "$STATE/tables")" "_relayd:_relayd 755" "tables/ is the checker's"
is "$(owner "$STATE/report")" "_relayd:_relayd 755" "report/ is the checker's"
ok $([ ! -e "$STATE/summary" ]; echo $?) "an older checkd's summary is removed"
like "$(cat "$STATE/report/summary")" "table web: 1 of 1 hosts up" \
    "report/summary"
ok $([ -s "$STATE/report/checkd.prom" ]; echo $?) "report/checkd.prom"

# What the checker's user can no longer do.
as_checker mv "$STATE/disabled" "$STATE/x" 2>/dev/null
isnt $? 0 "the checker's user cannot rename disabled/"
as_checker touch "$STATE/disabled/web" 2>/dev/null
isnt $? 0 "nor create a file in it"
as_checker mkdir "$STATE/disabled2" 2>/dev/null
isnt $? 0 "nor create anything in the state directory"
as_checker mv "$STATE/tables" "$STATE/t" 2>/dev/null
isnt $? 0 "nor rename tables/"
as_checker ln -s / "$STATE/new" 2>/dev/null
isnt $? 0 "nor plant a link"
sleep 1.5
is "$(field web 127.0.0.1 3)" up "the host stays up"
checkd_stop
is "$CHECKD_STATUS" 0 "SIGTERM: exit 0"
done_testing
