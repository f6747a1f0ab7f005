#!/bin/sh
# make install honours PREFIX and DESTDIR: programs and pages land there.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make -s install DESTDIR="$dest" PREFIX=/opt/suite >/dev/null 2>&1
ok $? "make install DESTDIR=... PREFIX=/opt/suite"
for prog in httpd fcgi-bridge checkd relay redirectd routerd; do
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
done_testing
