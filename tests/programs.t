#!/bin/sh
# Every program's command line: usage, exit codes, -f, -D, -r checks,
# and the usage line matching the SYNOPSIS of its manual page.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The SYNOPSIS of a page as one line, as mandoc renders it.
synopsis() {
	mandoc -Tascii "doc/$1.8" | col -b |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
	    tr -s ' \t\n' '   ' | sed 's/^ *//; s/ *$//'
}

for prog in httpd checkd relay redirectd routerd fcgi-bridge socketbind; do
	"bin/$prog" -Z >"$tmp/out" 2>"$tmp/err"
	is "$?" 100 "$prog: unknown flag exits 100"
	usage=$(grep '^usage: ' "$tmp/err" | sed 's/^usage: //')
	isnt "$usage" "" "$prog: prints a usage line"
	is "$usage" "$(synopsis "$prog")" "$prog: usage matches SYNOPSIS of $prog.8"
	"bin/$prog" extra-argument >/dev/null 2>&1
	is "$?" 100 "$prog: a stray argument exits 100"
done

for prog in httpd checkd relay redirectd routerd; do
	err=$("bin/$prog" -n -f /nonexistent/file.conf 2>&1)
	is "$?" 1 "$prog: missing file exits 1"
	is "$err" "/nonexistent/file.conf: No such file or directory" \
	    "$prog: missing file message"
	err=$("bin/$prog" -n -f /tmp 2>&1)
	is "$err" "/tmp: not a regular file" "$prog: a directory is refused"
	"bin/$prog" -n -D novalue -f /dev/null >/dev/null 2>&1
	is "$?" 100 "$prog: -D without = exits 100"
	"bin/$prog" -n -r 1 -f /dev/null >/dev/null 2>&1
	is "$?" 100 "$prog: -r 1 (not a spare descriptor) exits 100"
	err=$("bin/$prog" -n -D 'bad-name=1' -f tests/conf/common/empty.inc 2>&1)
	is "$?" 1 "$prog: invalid -D macro name exits 1"
	is "$err" "-D bad-name=1: invalid macro definition" \
	    "$prog: invalid -D message"
done

# As OpenBSD's daemons, a file that configures nothing is refused.
err=$(bin/httpd -n -f tests/conf/common/empty.inc 2>&1)
is "$err" "tests/conf/common/empty.inc:1: no server defined: nothing to do" \
    "httpd: an empty file is refused"
for prog in checkd relay redirectd routerd; do
	err=$("bin/$prog" -n -f tests/conf/common/empty.inc 2>&1)
	is "$err" "tests/conf/common/empty.inc:1: no actions, nothing to do" \
	    "$prog: an empty file is refused"
	"bin/$prog" -n -s "$tmp" -f doc/examples/relayd.conf >/dev/null 2>&1
	is "$?" 0 "$prog: accepts -s dir"
done
bin/httpd -n -s "$tmp" -f doc/examples/httpd.conf >/dev/null 2>&1
is "$?" 100 "httpd: has no -s"

# -D wins over the file's own definition of the macro.
out=$(bin/httpd -nn -D ext_addr=127.0.0.9 -f doc/examples/httpd.conf 2>&1)
like "$out" 'listen on "?127\.0\.0\.9"? port 8080' "httpd: -D overrides a macro"
out=$(bin/checkd -nn -D web2=127.0.0.7 -f doc/examples/relayd.conf 2>&1)
like "$out" '"127\.0\.0\.7"' "checkd: -D overrides a macro"

err=$(bin/fcgi-bridge -t 30 -p / -s /nonexistent/dir/fcgi.sock 2>&1)
is "$?" 111 "fcgi-bridge: a socket that cannot be bound: exit 111"
is "$err" "fcgi-bridge: fatal: bind /nonexistent/dir/fcgi.sock: No such file or directory" \
    "fcgi-bridge: ... and says why"
bin/fcgi-bridge -p /nonexistent -s "$tmp/s" >/dev/null 2>&1
is "$?" 1 "fcgi-bridge: a missing chroot directory: exit 1"
bin/fcgi-bridge -u no-such-user -s "$tmp/s" >/dev/null 2>&1
is "$?" 1 "fcgi-bridge: an unknown user: exit 1"
bin/fcgi-bridge -t 0 >/dev/null 2>&1
is "$?" 100 "fcgi-bridge: -t 0 is refused"
bin/fcgi-bridge -t 86401 >/dev/null 2>&1
is "$?" 100 "fcgi-bridge: -t over a day is refused"
done_testing
