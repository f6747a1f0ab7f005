#!/bin/sh
# run.sh: run every test under prove -- the shell tests (tests/*.t) and
# the C unit tests (bin/unit/*) -- and fail if any fails or none ran.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
prove -j2 --timer --exec '' tests/*.t bin/unit/* 2>&1 | tee "$log"
status=$?
# prove's status is that of the pipeline's last command otherwise.
grep -q '^Result: PASS' "$log" || status=1
tests=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$log")
if [ -z "$tests" ] || [ "$tests" -eq 0 ]; then
	echo "run.sh: no test ran" >&2
	exit 1
fi
exit "$status"
