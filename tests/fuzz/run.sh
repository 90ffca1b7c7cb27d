#!/bin/sh
# make fuzz: builds each libFuzzer harness in tests/fuzz/ with ASan and
# UBSan, and runs it for FUZZ_SECONDS (default 30) from the seed corpus in
# tests/fuzz/corpus/NAME/. New inputs go to build/fuzz/corpus-NAME, never
# into the checked-in seeds. A crash leaves its input in build/fuzz/ and
# fails the run: turn it into a unit test.
#   tests/fuzz/run.sh SOURCES...
set -u
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-30}
out=build/fuzz
mkdir -p "$out"
cc=${FUZZ_CC:-clang}
if ! command -v "$cc" >/dev/null; then
	echo "FAIL: fuzz: $cc not found (apt-get install clang libclang-rt-14-dev)"
	echo "0 passed, 1 failed"
	exit 1
fi
passed=0 failed=0
# FUZZ_JOBS harnesses at once (default: the CPUs), each on one core for
# FUZZ_SECONDS: the same fuzzing, in less wall time.
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
# fuzz_one SRC: builds one harness and runs it; its verdict goes to
# $out/NAME.verdict. The builds run in parallel too: they are half the time.
fuzz_one() {
	src=$1
	name=$(basename "$src" .c)
	short=${name#fuzz_}
	bin=$out/$name
	shift
	if ! $cc -g -O1 -std=c11 -D_GNU_SOURCE -I. -DCGINIT_VERSION="\"$(cat VERSION)\"" \
		-DCGINIT_GIT='"fuzz"' -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -o "$bin" "$src" "$@" ${FUZZ_LIBS:-} 2>"$out/$name.build.log"; then
		{ echo "FAIL: $name: does not build"; sed 's/^/  | /' "$out/$name.build.log"; } >"$out/$name.verdict"
		return
	fi
	mkdir -p "$out/corpus-$short"
	log=$out/$name.log
	if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -close_fd_mask=3 \
		-artifact_prefix="$out/$name-" "$out/corpus-$short" "tests/fuzz/corpus/$short" >"$log" 2>&1; then
		runs=$(grep -oE 'Done [0-9]+ runs' "$log" | tail -n 1)
		echo "PASS: $name (${runs:-no run count}, ${seconds}s)" >"$out/$name.verdict"
	else
		{ echo "FAIL: $name: see $log"; tail -n 30 "$log" | sed 's/^/  | /'; } >"$out/$name.verdict"
	fi
}
names=
running=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	rm -f "$out/$name.verdict"
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
	fuzz_one "$src" "$@" &
	running=$((running + 1))
	names="$names $name"
done
wait
for name in $names; do
	if [ -f "$out/$name.verdict" ] && head -n 1 "$out/$name.verdict" | grep -q '^PASS:'; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	cat "$out/$name.verdict" 2>/dev/null || echo "FAIL: $name: no verdict"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
