#!/bin/bash
# make check: every suite, then one closing line with the totals.
#   tests/check.sh STAGE...   where a STAGE is one of the make targets below.
# Each suite prints its own "N passed, N failed[, N skipped]" line; a suite
# that prints none, or exits non-zero with no failure counted, counts as one
# failure. A skipped test fails the run too, unless CGINIT_ALLOW_SKIPS=1: a
# suite's skips are the larger of its line's "N skipped" and its "SKIP:"
# lines (less those it counted as failures), so a suite cannot skip without
# it being seen. The closing "N passed, N failed, N skipped" is the last
# line printed, whatever happens.
set -u
# The suites make namespaces and mounts: root, through sudo if need be.
. "$(dirname "$0")/../scripts/as-root.sh"
cd "$(dirname "$0")/.." || exit 1
total_pass=0 total_fail=0 total_skip=0 summary=""
# A check.sh run by a stage of this one (check-asan) exits on its failures
# alone and leaves the skip verdict to the outer one, which counts the
# inner one's skips from its closing line.
nested=${CGINIT_CHECK_NESTED:-}
export CGINIT_CHECK_NESTED=1
log=""
trap 'rm -f "$log"' EXIT
for stage in "$@"; do
	echo "=== $stage ==="
	t0=$(date +%s)
	log=$(mktemp)
	make --no-print-directory "$stage" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	secs=$(($(date +%s) - t0))
	line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	# SKIP: lines that the suite did not count as failures
	skip_lines=$(grep -E '^SKIP: ' "$log" | grep -vc '(counted as a failure)$')
	rm -f "$log"
	if [ -z "$line" ]; then
		echo "FAIL: $stage printed no summary line (exit $rc)"
		total_fail=$((total_fail + 1)) total_skip=$((total_skip + skip_lines))
		summary="$summary $stage:broken/$skip_lines(${secs}s)"
		continue
	fi
	p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
	f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
	s=$(echo "$line" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+' || true)
	s=${s:-0}
	if [ "$skip_lines" -gt "$s" ]; then
		echo "NOTE: $stage printed $skip_lines SKIP: lines but counted $s skipped: counting $skip_lines"
		s=$skip_lines
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $stage exited $rc with no failure counted"
		f=1
	fi
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
	summary="$summary $stage:$p/$f/$s(${secs}s)"
done
echo "=== summary (stage:passed/failed/skipped(time)):$summary ==="
ok=1
[ "$total_fail" -eq 0 ] || ok=0
if [ "$total_skip" -gt 0 ] && [ -z "$nested" ]; then
	if [ "${CGINIT_ALLOW_SKIPS:-0}" = 1 ]; then
		echo "NOTE: $total_skip skipped, allowed by CGINIT_ALLOW_SKIPS=1"
	else
		echo "FAIL: $total_skip skipped: a skipped test fails make check (CGINIT_ALLOW_SKIPS=1 allows skips)"
		ok=0
	fi
fi
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$ok" = 1 ]
