#!/bin/sh
# Every configuration fixture: good ones pass -n and their normalized dump
# parses back to the same dump; bad ones fail with the exact message.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ -x bin/httpd ] && [ -x bin/checkd ] || bail_out "build first (make)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The programs reading each grammar: all must agree.
readers_httpd="httpd"
readers_relayd="checkd relay redirectd routerd"

# The warnings a good fixture declares, one "# warning: :LINE: text" line
# each, as the programs print them.
declared_warnings() {
	sed -n 's/^# warning: \(:[0-9]*: \)\(.*\)/\1warning: \2/p' "$1" |
	while IFS= read -r w; do
		printf '%s%s\n' "$1" "$w"
	done
}

check_good() {	# grammar file
	want_warnings=$(declared_warnings "$2")
	for prog in $(eval echo "\$readers_$1"); do
		"bin/$prog" -n -f "$2" >"$tmp/out" 2>"$tmp/err"
		ok $? "$prog -n accepts $2" || sed 's/^/# /' "$tmp/err" >&2
		is "$(tail -n 1 "$tmp/err")" "configuration OK" \
		    "$prog: configuration OK for $2"
		is "$(grep ': warning: ' "$tmp/err")" "$want_warnings" \
		    "$prog: the warnings $2 declares, and no other"
	done
	prog=${prog%% *}
	"bin/$prog" -nn -f "$2" >"$tmp/dump1" 2>"$tmp/err1"
	ok $? "$prog -nn dumps $2"
	"bin/$prog" -nn -f "$tmp/dump1" >"$tmp/dump2" 2>"$tmp/err2"
	ok $? "the dump of $2 parses again" || sed 's/^/# /' "$tmp/err2" >&2
	cmp -s "$tmp/dump1" "$tmp/dump2"
	ok $? "the dump of the dump of $2 is the same" ||
	    diff "$tmp/dump1" "$tmp/dump2" | sed 's/^/# /' >&2
}

check_bad() {	# grammar file
	want=$(sed -n '1s/^# expect: //p' "$2")
	if [ -z "$want" ]; then
		fail "$2 has no '# expect:' first line"
		return
	fi
	case $want in
	"= "*)	want=${want#= } ;;
	*)	want="$2$want" ;;
	esac
	for prog in $(eval echo "\$readers_$1"); do
		"bin/$prog" -n -f "$2" >"$tmp/out" 2>"$tmp/err"
		status=$?
		is "$status" 1 "$prog -n rejects $2"
		is "$(grep -v ': warning: ' "$tmp/err" | head -n 1)" "$want" \
		    "$prog: message for $2"
		is "$(wc -c <"$tmp/out")" 0 "$prog: nothing on stdout for $2"
	done
}

n=0
for grammar in httpd relayd; do
	for f in tests/conf/$grammar/good/*.conf; do
		[ -e "$f" ] || continue
		check_good "$grammar" "$f"
		n=$((n + 1))
	done
	for f in tests/conf/$grammar/bad/*.conf tests/conf/common/bad-*.conf; do
		[ -e "$f" ] || continue
		check_bad "$grammar" "$f"
		n=$((n + 1))
	done
done
# An empty fixture directory must not pass silently.
[ "$n" -gt 0 ]
ok $? "fixtures were found ($n)"
done_testing
