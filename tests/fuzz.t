#!/bin/sh
# Every libFuzzer driver (ASan and UBSan) for a bounded time, FUZZ_SECONDS
# each (default 10), seeded from tests/fuzz/seeds and the configuration
# fixtures: the seeds alone replay that corpus under the sanitizers.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
for src in tests/fuzz/*_fuzz.c; do
	name=$(basename "$src" .c)
	if [ ! -x "bin/fuzz/$name" ]; then
		fail "$name is built (make check builds bin/fuzz)"
		continue
	fi
	out=$(sh tests/fuzz/run.sh "${FUZZ_SECONDS:-10}" "bin/fuzz/$name" 2>&1)
	ok $? "$name: no crash, leak, sanitizer report or broken promise" ||
	    diag "$out"
	like "$out" "over [1-9][0-9]* seeds" "$name: the corpus was seeded"
done
done_testing
