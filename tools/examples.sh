#!/bin/sh
# examples.sh DEST SBINDIR: what `make install` puts in DEST (the
# documented place, $(PREFIX)/share/doc/httpd-relayd/examples):
#   *.conf       the example configurations of doc/examples
#   s6/PROG      a service directory per program, its run scripts naming
#                the programs in SBINDIR rather than /usr/local/sbin
#   compose/     the composed examples (templates) and compose.sh, which
#                makes one where the operator wants it, SBINDIR its
#                default for the programs' directory
set -eu
cd "$(dirname "$0")/.."
dest=$1
sbin=$2

install -d "$dest/s6"
install -m 644 doc/examples/*.conf "$dest"
for svc in doc/examples/s6/*/; do
	name=$(basename "$svc")
	rm -rf "${dest:?}/s6/$name"
	cp -R "$svc" "$dest/s6/$name"
	for f in "$dest/s6/$name/run" "$dest/s6/$name/log/run"; do
		sed "s|/usr/local/sbin|$sbin|g" "$f" >"$f.new"
		chmod 755 "$f.new"
		mv "$f.new" "$f"
	done
done
# The composed examples stay templates, for compose.sh to make where
# the operator wants them; its default SBIN becomes SBINDIR.
rm -rf "${dest:?}/compose"
cp -R doc/examples/compose "$dest/compose"
sed "s|SBIN=/usr/local/sbin|SBIN=$sbin|" doc/examples/compose/compose.sh \
    >"$dest/compose/compose.sh"
