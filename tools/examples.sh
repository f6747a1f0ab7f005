#!/bin/sh
# examples.sh DEST SBINDIR: what `make install` puts in DEST (the
# documented place, $(PREFIX)/share/doc/httpd-relayd/examples):
#   *.conf       the example configurations of doc/examples
#   s6/PROG      a service directory per program, its run scripts naming
#                the programs in SBINDIR rather than /usr/local/sbin
#   compose/NAME each composed example, made by tools/compose.sh with
#                its defaults (paths of a real system) and SBINDIR
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
if [ -d doc/examples/compose ]; then
	install -d "$dest/compose"
	install -m 644 doc/examples/compose/README "$dest/compose"
	for ex in doc/examples/compose/*/; do
		name=$(basename "$ex")
		rm -rf "${dest:?}/compose/$name"
		sh tools/compose.sh "$name" "$dest/compose/$name" "SBIN=$sbin"
	done
fi
