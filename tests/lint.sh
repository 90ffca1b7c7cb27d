#!/bin/sh
# make lint: cppcheck and clang-tidy over every source; any finding fails.
#   tests/lint.sh SOURCES...
cd "$(dirname "$0")/.." || exit 1
passed=0 failed=0
run() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		echo "PASS: $name"
		passed=$((passed + 1))
	else
		echo "FAIL: $name"
		printf '%s\n' "$out" | grep -vE '^[0-9]+ warnings? generated' | sed 's/^/  | /'
		failed=$((failed + 1))
	fi
}
if command -v cppcheck >/dev/null; then
	run cppcheck cppcheck --enable=warning,performance,portability --error-exitcode=1 \
		--inline-suppr -q -D_GNU_SOURCE -DCGINIT_VERSION='"lint"' -DCGINIT_GIT='"lint"' \
		--std=c11 -I. "$@"
else
	echo "FAIL: cppcheck: not installed (apt-get install cppcheck)"; failed=$((failed + 1))
fi
# cg_fmt's own subset: -Wformat takes it for printf and would accept more.
run formats python3 tests/fmt-lint.py "$@"
if command -v clang-tidy >/dev/null; then
	# The config is .clang-tidy; WarningsAsErrors there makes findings fail.
	run clang-tidy clang-tidy --quiet "$@" -- -D_GNU_SOURCE -std=c11 -I. \
		-DCGINIT_VERSION="\"$(cat VERSION)\"" -DCGINIT_GIT='"lint"'
else
	echo "FAIL: clang-tidy: not installed (apt-get install clang-tidy)"; failed=$((failed + 1))
fi
echo "lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
