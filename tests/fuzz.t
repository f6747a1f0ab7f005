#!/bin/sh
# The configuration parsers under libFuzzer with ASan and UBSan, for a
# bounded time (FUZZ_SECONDS, default 20), seeded with every fixture:
# the seeds alone replay the whole fixture corpus under the sanitizers.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
[ -x bin/fuzz/conf_fuzz ] || bail_out "build first (make check builds bin/fuzz)"
out=$(sh tests/fuzz/run.sh "${FUZZ_SECONDS:-20}" bin/fuzz/conf_fuzz 2>&1)
ok $? "conf_fuzz: no crash, leak or sanitizer report" || diag "$out"
like "$out" "over [1-9][0-9]* seeds" "the corpus was seeded from the fixtures"
done_testing
