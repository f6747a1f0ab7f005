#!/bin/sh
# make install honours PREFIX and DESTDIR: programs and pages land there.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -s install DESTDIR="$dest" PREFIX=/opt/suite >/dev/null 2>&1
ok $? "make install DESTDIR=... PREFIX=/opt/suite"
for prog in httpd fcgi-bridge checkd relay redirectd routerd socketbind; do
	[ -x "$dest/opt/suite/sbin/$prog" ]
	ok $? "$prog installed in PREFIX/sbin"
	[ -f "$dest/opt/suite/share/man/man8/$prog.8" ]
	ok $? "$prog.8 installed in PREFIX/share/man/man8"
done
for page in httpd.conf relayd.conf; do
	[ -f "$dest/opt/suite/share/man/man5/$page.5" ]
	ok $? "$page.5 installed in PREFIX/share/man/man5"
done
# The service directories, in the documented place, naming PREFIX's
# programs.
ex=$dest/opt/suite/share/doc/httpd-relayd/examples
for prog in httpd fcgi-bridge checkd relay redirectd routerd; do
	d=$ex/s6/$prog
	[ -x "$d/run" ] && [ -x "$d/finish" ] && [ -x "$d/log/run" ] &&
	    [ "$(cat "$d/notification-fd")" = 3 ]
	ok $? "s6/$prog: run, finish, log/run and notification-fd 3"
	grep -q "^/opt/suite/sbin/$prog " "$d/run"
	ok $? "s6/$prog/run starts PREFIX/sbin/$prog"
done
[ -f "$ex/relayd.conf" ]
ok $? "the example configurations are installed"
for name in static php cgi https vip uplinks ha; do
	[ -f "$ex/compose/$name/README" ] && [ -f "$ex/compose/$name/defaults" ]
	ok $? "compose/$name installed (a template, with its README)"
done
grep -q '^	echo "SBIN=/opt/suite/sbin"' "$ex/compose/compose.sh"
ok $? "the installed compose.sh defaults to PREFIX/sbin"
sh "$ex/compose/compose.sh" static "$dest/made" PORT=81 >/dev/null 2>&1 &&
    grep -q '^/opt/suite/sbin/httpd -r 3 -f '"$dest"'/made/conf/httpd.conf$' \
    "$dest/made/scan/httpd/run" && grep -q 'listen on 0.0.0.0 port 81' \
    "$dest/made/conf/httpd.conf"
ok $? "compose.sh makes an example: keys from arguments, defaults, DIR, SBIN"
out=$(sh "$ex/compose/compose.sh" nosuch "$dest/x" 2>&1)
is "$?" 1 "compose.sh: an unknown example exits 1"
is "$out" "compose.sh: no example nosuch in $ex/compose" "... and says so"
printf 'X=@NOPE@\n' >"$dest/hole"
mkdir -p "$ex/compose/holey"
cp "$dest/hole" "$ex/compose/holey/file"
: >"$ex/compose/holey/defaults"
out=$(sh "$ex/compose/compose.sh" holey "$dest/h" 2>&1)
isnt "$?" 0 "compose.sh: a key without a value fails"
like "$out" "no value for @NOPE@" "... naming the key"
done_testing
