#!/bin/sh
# The layers of lib/ (base < conf, http < tls < net) hold: the tree
# passes tools/layers.sh, and a copy with a wrong include fails it with
# the file, the line and the reason.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

sh tools/layers.sh 2>"$T/err"
ok $? "the tree keeps its layers"
is "$(cat "$T/err")" "" "and says nothing"

# wrong SRC_LAYER FILE INCLUDE: a copy of lib/ where FILE includes INCLUDE
# as its first line; prints the check's status and message.
wrong() {
	rm -rf "$T/tree"
	mkdir -p "$T/tree"
	cp -r lib "$T/tree/lib"
	{ printf '#include "%s"\n' "$2"; cat "lib/$1"; } >"$T/tree/lib/$1"
	sh tools/layers.sh "$T/tree" 2>&1
	echo "status $?"
}

is "$(wrong base/strbuf.c net/sandbox.h)" \
    "lib/base/strbuf.c:1: base may not include net/sandbox.h
status 1" "base including net fails"
is "$(wrong http/http_range.c tls/tls_io.h)" \
    "lib/http/http_range.c:1: http may not include tls/tls_io.h
status 1" "http including tls fails"
is "$(wrong conf/conf_lex.c http/http_date.h)" \
    "lib/conf/conf_lex.c:1: conf may not include http/http_date.h
status 1" "conf and http are siblings: neither includes the other"
is "$(wrong tls/tls_io.c strbuf.h)" \
    "lib/tls/tls_io.c:1: strbuf.h: include names no layer
status 1" "an include without its layer fails"
is "$(wrong net/signals.c base/die.h)" "status 0" \
    "a layer may include those below it"
mkdir -p "$T/tree/lib/misc"
: >"$T/tree/lib/misc/x.c"
like "$(sh tools/layers.sh "$T/tree" 2>&1)" "lib/misc: not a layer" \
    "a directory that is no layer fails"
done_testing
