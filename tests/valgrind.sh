#!/bin/sh
# make check-valgrind: every unit test, and cginit as PID 1 of a pid
# namespace reaping orphans, under valgrind. Zero errors, zero definite
# leaks.
#   tests/valgrind.sh CGINIT UNIT_TEST...
cd "$(dirname "$0")/.." || exit 1
cginit=$1
shift
passed=0 failed=0
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-fds=no"
if ! command -v valgrind >/dev/null; then
	echo "FAIL: valgrind: not installed (apt-get install valgrind)"
	echo "valgrind: 0 passed, 1 failed"
	exit 1
fi
verdict() { # name rc log
	if [ "$2" -eq 0 ]; then
		echo "PASS: $1"
		passed=$((passed + 1))
	else
		echo "FAIL: $1 (exit $2)"
		sed 's/^/  | /' "$3" | tail -n 40
		failed=$((failed + 1))
	fi
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	# Check forks each test; valgrind follows forks, so it sees them all.
	# Check's 4 s per test is for native speed: valgrind runs some 20x
	# slower, and these shared machines are loaded. The timeout guards
	# against a hang, not a slow run: 10x.
	CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-10} $vg "$t" >"$log" 2>&1
	verdict "valgrind $(basename "$t")" $? "$log"
done
# cginit as PID 1, with a worker that leaves 200 orphans behind and exits 7:
# cginit must exit 7 with no valgrind error. The namespace hides the host's
# cgroup tree (see tests/integration/lib.sh): --cgroup=auto finds none.
unshare --pid --fork --mount --propagation private --mount-proc sh -c '
	umount -R /sys/fs/cgroup 2>/dev/null; mount -t tmpfs none /sys/fs/cgroup || exit 99
	exec '"$vg"' "$0" -w -- sh -c "i=0; while [ \$i -lt 200 ]; do (true &); i=\$((i+1)); done; sleep 0.5; exit 7"
' "$cginit" >"$log" 2>&1
rc=$?
if [ "$rc" -eq 7 ] && ! grep -q '==[0-9]*==' "$log"; then rc=0; else [ "$rc" -eq 0 ] && rc=1; fi
verdict "valgrind cginit as PID 1 reaping 200 orphans" "$rc" "$log"
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
