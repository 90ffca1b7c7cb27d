#!/bin/bash
# make check: every suite, then one closing line with the totals.
#   tests/check.sh STAGE...   where a STAGE is one of the make targets below.
# Each suite prints its own "N passed, N failed" line; a suite that prints
# none, or exits non-zero with no failure counted, counts as one failure.
set -u
# The suites make namespaces and mounts: root, through sudo if need be.
. "$(dirname "$0")/../scripts/as-root.sh"
cd "$(dirname "$0")/.."
total_pass=0 total_fail=0 total_skip=0 summary=""
for stage in "$@"; do
	echo "=== $stage ==="
	log=$(mktemp)
	make --no-print-directory "$stage" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	rm -f "$log"
	if [ -z "$line" ]; then
		echo "FAIL: $stage printed no summary line (exit $rc)"
		total_fail=$((total_fail + 1))
		summary="$summary $stage:broken"
		continue
	fi
	p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
	f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
	s=$(echo "$line" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+' || true)
	s=${s:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $stage exited $rc with no failure counted"
		f=1
	fi
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
	summary="$summary $stage:$p/$f"
done
echo "=== summary:$summary ==="
if [ "$total_skip" -gt 0 ]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" -eq 0 ]
