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
done_testing
