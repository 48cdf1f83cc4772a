#!/bin/sh
# Runs every suite (cmocka unit binaries, then the end-to-end scripts) and
# ends with one line totalling them all: "N passed, N failed".
#
# A unit binary reports through cmocka's summary lines; an e2e script prints
# "ok - NAME" or "not ok - NAME" per check. A suite that crashes or prints no
# count is one failure, so nothing can pass by saying nothing.
set -u
BUILD=${BUILD:-build}
export BUILD
passed=0
failed=0
failures=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count_suite() { # name, exit code
	p=$1 f=$2 rc=$3 name=$4
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		failures="$failures\n  $name (no result; exit $rc)"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		failures="$failures\n  $name (exit $rc)"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	echo "== $name: $p passed, $f failed"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=unit/$(basename "$t")
	"$t" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
		cat "$log"
		failures="$failures\n  $name"
	fi
	count_suite "$p" "$f" "$rc" "$name"
done

# Fuzz corpora replayed through plain builds of each target: one check per
# committed input; a crash ends the suite with a failure.
for t in "$BUILD"/fuzz-replay/*; do
	[ -x "$t" ] || continue
	name=fuzz/$(basename "$t")
	corpus=tests/fuzz/corpus/$(basename "$t")
	"$t" "$corpus" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
		tail -30 "$log"
		failures="$failures\n  $name"
	fi
	count_suite "$p" "$f" "$rc" "$name"
done

for t in tests/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	name=e2e/$(basename "$t" .sh)
	bash "$t" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	# A suite's report lines ("## ...", such as the fault matrix's table)
	# are shown whether it passed or not.
	grep '^## ' "$log"
	if [ "$f" -ne 0 ] || [ "$rc" -ne 0 ]; then
		grep -v '^ok \|^## ' "$log" | tail -60
		failures="$failures\n  $name"
	fi
	count_suite "$p" "$f" "$rc" "$name"
done

if [ -n "$failures" ]; then
	printf 'failing suites:%b\n' "$failures"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
