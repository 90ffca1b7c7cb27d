# wlib.sh: helpers for the worker scripts that run inside the test
# containers (sourced by /t/wN.sh, busybox sh).  A failed check appends a
# line to /t/out/fail; the worker ends with `wdone`, which writes
# /t/out/done.  The guest's scenario script reads both from the bundle.

OUT=/t/out

wbad() {
	echo "$*" >>"$OUT/fail"
	echo "worker check failed: $*" >&2
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
	[ "$1" = "$2" ] || wbad "$3: got '$1', want '$2'"
}

# has_tokens FILE TOKEN...: every TOKEN is a whole word of FILE.
has_tokens() {
	local f=$1 t
	shift
	for t in "$@"; do
		tr ' ' '\n' <"$f" | grep -qx "$t" || return 1
	done
	return 0
}

# check_layout C: the cginit layout under the cgroup directory C, with its
# processes moved out and cpu, memory and pids enabled where they must be.
check_layout() {
	local c=$1 d dirs want
	for d in init sandbox sandbox/worker sandbox/jobs; do
		[ -d "$c/$d" ] || wbad "missing cgroup $c/$d"
	done
	dirs=$(cd "$c" && find . -mindepth 1 -type d | sed 's|^\./||' | sort | tr '\n' ' ')
	want="init sandbox sandbox/jobs sandbox/worker "
	expect_eq "$dirs" "$want" "cgroups under $c"
	for d in "" /sandbox /sandbox/jobs; do
		if [ -n "$(cat "$c$d/cgroup.procs")" ]; then
			wbad "$c$d/cgroup.procs not empty: $(cat "$c$d/cgroup.procs" | tr '\n' ' ')"
		fi
		has_tokens "$c$d/cgroup.subtree_control" cpu memory pids ||
			wbad "$c$d/cgroup.subtree_control lacks cpu/memory/pids: '$(cat "$c$d/cgroup.subtree_control")'"
	done
}

wdone() {
	touch "$OUT/done"
}

# must_fail WHAT ERROR CMD: CMD (a shell command line, run by sh -c) is an
# escape attempt; it must fail, and with the kernel's own ERROR text
# (strerror of the errno, e.g. "Permission denied") in its message.
must_fail() {
	local what=$1 want=$2 err=/tmp/must_fail.$$
	shift 2
	if sh -c "$1" 2>"$err"; then
		wbad "$what: succeeded, must fail with '$want'"
	elif ! grep -q "$want" "$err"; then
		wbad "$what: failed with '$(tr '\n' ' ' <"$err")', want '$want'"
	else
		echo "refused as it must be: $what ($want)"
	fi
	rm -f "$err"
}
