#!/bin/sh
# run.sh SECONDS DRIVER...: run each libFuzzer driver for a bounded time
# over a corpus seeded from tests/fuzz/seeds/DRIVER (and, for the
# configuration parsers, from the fixtures).  Any crash or
# sanitizer report fails the run (libFuzzer exits non-zero).
set -eu
seconds=$1
shift
cd "$(dirname "$0")/../.."
for driver in "$@"; do
	name=$(basename "$driver")
	corpus=bin/fuzz/corpus-$name
	rm -rf "$corpus"
	mkdir -p "$corpus"
	i=0
	# Seeds checked in for this driver, if any.
	for f in tests/fuzz/seeds/"$name"/*; do
		[ -e "$f" ] || continue
		cp "$f" "$corpus/s$i"
		i=$((i + 1))
	done
	# The configuration parsers are seeded with every fixture, prefixed
	# with the byte selecting the grammar (even: httpd.conf, so 'h';
	# odd: relayd.conf, so 's').
	if [ "$name" = conf_fuzz ]; then
		for f in tests/conf/httpd/*/*.conf; do
			[ -e "$f" ] || continue
			{ printf 'h'; cat "$f"; } >"$corpus/h$i"
			i=$((i + 1))
		done
		for f in tests/conf/relayd/*/*.conf; do
			[ -e "$f" ] || continue
			{ printf 's'; cat "$f"; } >"$corpus/r$i"
			i=$((i + 1))
		done
	fi
	echo "fuzz: $name for ${seconds}s over $i seeds"
	"$driver" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
	    -rss_limit_mb=1024 -print_final_stats=0 \
	    -artifact_prefix=bin/fuzz/ "$corpus" \
	    >"bin/fuzz/$name.log" 2>&1 || {
		tail -n 60 "bin/fuzz/$name.log" >&2
		exit 1
	}
	tail -n 2 "bin/fuzz/$name.log"
done
