#!/bin/sh
# run.sh: run every test under prove -- the shell tests (tests/*.t) and
# the C unit tests (bin/unit/*) -- and fail if any fails, if prove itself
# fails (it stops at a test it cannot execute, after printing "Result:
# PASS" for those before it), or if fewer files ran than were given.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp)
rc=$(mktemp)
trap 'rm -f "$log" "$rc"' EXIT
set -- tests/*.t bin/unit/*
{ prove -j2 --timer --exec '' "$@" 2>&1; echo $? >"$rc"; } | tee "$log"
status=$(cat "$rc")
grep -q '^Result: PASS' "$log" || status=1
if grep -q '^Could not execute' "$log"; then
	echo "run.sh: a test could not be executed" >&2
	status=1
fi
files=$(sed -n 's/^Files=\([0-9]*\),.*/\1/p' "$log")
if [ "${files:-0}" -ne $# ]; then
	echo "run.sh: ${files:-0} of $# test files ran" >&2
	status=1
fi
tests=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$log")
if [ -z "$tests" ] || [ "$tests" -eq 0 ]; then
	echo "run.sh: no test ran" >&2
	exit 1
fi
exit "$status"
