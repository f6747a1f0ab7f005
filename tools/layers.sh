#!/bin/sh
# layers.sh [ROOT]: fail when a module of lib/ includes one of a layer
# above its own.  The layers, lowest first (DESIGN.md):
#   base                  no I/O beyond reporting errors
#   conf, http            the grammars; HTTP and FastCGI -- pure, siblings
#   tls                   BearSSL glue
#   net                   the I/O layer and process plumbing
# A module may include its own layer and those below; conf and http may
# not include each other.  Every include of lib/ names its layer
# ("base/die.h"), so the check is a look at the include lines.
set -eu
root=${1:-.}
rank() {
	case $1 in
	base) echo 0;; conf|http) echo 1;; tls) echo 2;; net) echo 3;;
	*) echo -1;;
	esac
}
bad=0
for dir in "$root"/lib/*/; do
	layer=$(basename "$dir")
	own=$(rank "$layer")
	if [ "$own" -lt 0 ]; then
		echo "layers: lib/$layer: not a layer" >&2
		bad=1
		continue
	fi
	for f in "$dir"*.[ch]; do
		[ -e "$f" ] || continue
		grep -n '^#include "' "$f" | while IFS= read -r line; do
			n=${line%%:*}
			inc=${line#*\"}
			inc=${inc%%\"*}
			other=${inc%%/*}
			[ "$other" != "$inc" ] || {
				echo "lib/$layer/${f##*/}:$n: $inc: include names no layer" >&2
				echo x
				continue
			}
			r=$(rank "$other")
			if [ "$r" -lt 0 ] || [ "$r" -gt "$own" ] ||
			    { [ "$r" -eq "$own" ] && [ "$other" != "$layer" ]; }; then
				echo "lib/$layer/${f##*/}:$n: $layer may not include $inc" >&2
				echo x
			fi
		done
	done
done >"${TMPDIR:-/tmp}/layers.$$"
[ ! -s "${TMPDIR:-/tmp}/layers.$$" ] || bad=1
rm -f "${TMPDIR:-/tmp}/layers.$$"
exit "$bad"
