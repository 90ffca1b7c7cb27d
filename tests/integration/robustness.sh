#!/bin/bash
# SPDX-License-Identifier: MIT
# Robustness tests (issue 7): cginit under hostile conditions. Each scenario
# runs through lib.sh's in_ns (a new pid + mount namespace whose
# /sys/fs/cgroup is an empty tmpfs: this machine's cgroups are never
# touched), mostly twice: with cginit as PID 1 of the namespace, and as a
# child of its shell (a subreaper). Each time cginit must stay alive, reap
# every orphan (no zombie left in the namespace while it still runs; the
# workers poll /proc for that with a bounded wait), and exit with the
# worker's status.
#
#   tests/integration/robustness.sh [--only NAME]... [--list] BINARY...
#
#   fd_limit            RLIMIT_NOFILE of 8, also with 3 of the 8 taken
#   nproc_limit         a small RLIMIT_NPROC, cginit and worker unprivileged,
#                       and a worker that forks until fork fails
#   nproc_no_worker     RLIMIT_NPROC of 1: cginit cannot fork; exit 125
#   no_proc             no /proc at all
#   closed_stdio_worker a worker that closes its stdout and stderr
#   stderr_closed       cginit started with stderr closed
#   stderr_broken_pipe  cginit's stderr a pipe nobody reads any more
#   big_argv            a worker with about 1.1 MB of arguments
#   stop_cont_storm     SIGSTOP/SIGCONT pairs sent to cginit from outside
#   signal_flood        1000 signals a second for ROBUST_STORM_SECONDS
#
# Prints "PASS: name [binary]", "FAIL: name [binary]: why" or "SKIP: name
# [binary]: why" per test and binary, then "robustness: N passed, N failed". A skip is
# counted as a failure. Exits 1 if anything failed. Needs root, unshare,
# timeout, setpriv, prlimit, mountpoint, mkfifo and cksum.
#
# Knobs: ROBUST_STORM_SECONDS (default 10), ROBUST_STOP_PAIRS (default 2000),
# NS_TIMEOUT (lib.sh, default 60), KEEP=1 keeps every temp dir.
#
# Scenario scripts are single-quoted on purpose: they expand in the namespace.
# shellcheck disable=SC2016
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
H=$REPO/build/helpers
export H REPO
# shellcheck source=lib.sh
. "$HERE/lib.sh"

ROBUST_TESTS=(
	fd_limit nproc_limit nproc_no_worker no_proc
	closed_stdio_worker stderr_closed stderr_broken_pipe
	big_argv stop_cont_storm signal_flood
)

STORM_SECONDS=${ROBUST_STORM_SECONDS:-10}
STOP_PAIRS=${ROBUST_STOP_PAIRS:-2000}

# What an exit status means, in these scenarios.
explain() {
	case $1 in
	86) echo "the test could not unmount /proc" ;;
	87) echo "the test could not set the limit" ;;
	88 | 89) echo "the limit or fds the test set up did not reach cginit" ;;
	90) echo "the worker's orphans were not all reaped within 20 s" ;;
	91) echo "zombies were left in the namespace while cginit ran" ;;
	98) echo "the worker waited in vain for its cue" ;;
	124) echo "the namespace timed out" ;;
	125) echo "cginit failed" ;;
	1[3-9][0-9] | 2[0-5][0-9]) echo "killed by signal $(($1 - 128))?" ;;
	*) echo "?" ;;
	esac
}

# The lines of FILE that match none of the extended regexes given.
other_lines() {
	local file=$1 re
	shift
	local args=()
	for re in "$@"; do args+=(-e "$re"); done
	grep -vE "${args[@]}" "$file" 2>/dev/null | head -c 400
}

# A sanitizer build needs /proc, and a spare process slot at exit, for its
# leak check; where a scenario takes these away the leak check is off (for
# any binary: the variable means nothing to the others). Memory errors are
# still reported.
no_leak_check() {
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
}

# Whether the binary under test is built with ASan or UBSan.
sanitized() { grep -qaE '__asan_init|__ubsan_handle' "$CG_REAL"; }

# Without /proc, a sanitizer runtime can read neither its options (it takes
# them from /proc/self/environ) nor its executable's name, and its leak
# check, which cannot be turned off then, dies at exit with status 1. These
# are its lines, not cginit's.
SAN_NOPROC='^==[0-9]+==(WARNING: reading executable name failed|Can.t open /proc/[0-9]+/task for reading|LeakSanitizer has encountered a fatal error|HINT: )'

# A uid with no process on this machine (RLIMIT_NPROC counts them all),
# 65534 if it is free.
free_uid() {
	local used u
	used=" $(awk '/^Uid:/ { print $2 }' /proc/[0-9]*/status 2>/dev/null | sort -u | tr '\n' ' ') "
	for u in 65534 65533 65532 65531 65530 65529 65528 65527 65526 65525; do
		case $used in *" $u "*) continue ;; esac
		echo "$u"
		return 0
	done
	return 1
}

# report_get FILE KEY: a "key value" line's value.
report_get() { awk -v k="$2" '$1 == k { print $2 }' "$1" 2>/dev/null; }

# ---- 1. RLIMIT_NOFILE ----------------------------------------------------------

# cginit with -w (so that it writes a line per orphan) under a limit of 8
# fds, all 8 slots but 0..2 free (plain), or with 3..5 taken by inherited
# fds (tight: two left while cginit starts; it closes its copies once the
# worker runs). The hard limit is 64: the worker (a shell, which cannot
# redirect a builtin's output with fewer than 11 fds) takes its soft limit
# back up to that. It checks that the limit reached cginit and that the fds
# did (the worker has them from cginit), closes them, leaves 200 orphans
# (the helper checks they are reaped), leaves a live descendant, checks for
# zombies, and exits 7. Not PID 1, cginit must end that descendant before
# it exits.
t_fd_limit() {
	local w='ulimit -S -n 64 || exit 87
		if [ "$1" = tight ]; then [ -e /proc/$$/fd/5 ] || exit 88; fi
		exec 3<&- 4<&- 5<&-
		lim=$(sed -n "s/^Max open files *\([0-9]*\) .*/\1/p" /proc/$PPID/limits)
		[ "$lim" = 8 ] || exit 89
		"$H/orphans" 200 20 || exit 90
		sleep 1000 </dev/null >/dev/null 2>&1 &
		echo $! >"$T/desc"
		"$H/zombies" -w 20 >"$T/zombies" || exit 91
		exit 7'
	local ns='ulimit -S -n 8 && ulimit -H -n 64 || exit 87
		if [ "$2" = tight ]; then exec 3</dev/null 4</dev/null 5</dev/null; fi
		if [ "$3" = pid1 ]; then exec "$CG" -w -- sh -c "$1" worker "$2"; fi
		"$CG" -w -- sh -c "$1" worker "$2"
		rc=$?
		d=$(cat "$T/desc" 2>/dev/null)
		if [ -n "$d" ] && ! wait_for 5 gone "$d"; then
			echo "$d $(state_of "$d")" >"$T/outlived"
		fi
		exit $rc'
	local v fds rc n bad e
	for v in pid1 child; do
		for fds in plain tight; do
			rm -f "$T/desc" "$T/outlived" "$T/zombies"
			e="$T/err.$v.$fds"
			rc=0
			in_ns "$ns" "$w" "$fds" "$v" >"$T/out.$v.$fds" 2>"$e" || rc=$?
			[ "$rc" = 7 ] ||
				fail "$v, $fds: exit $rc ($(explain "$rc")), not the worker's 7: $(head -c 300 "$e") $(cat "$T/zombies" 2>/dev/null)"
			[ ! -e "$T/outlived" ] ||
				fail "$v, $fds: a descendant (pid, state: $(cat "$T/outlived")) outlived cginit: $(head -c 300 "$e")"
			n=$(grep -c 'reaped orphan' "$e")
			[ "$n" -ge 200 ] || fail "$v, $fds: $n 'reaped orphan' lines for 200 orphans: $(head -c 300 "$e")"
			bad=$(other_lines "$e" '^cginit: warning: (no cgroup layout, running as a plain init: |reaped orphan )')
			[ -z "$bad" ] || fail "$v, $fds: unexpected stderr: $bad"
		done
	done
}

# ---- 2. RLIMIT_NPROC -----------------------------------------------------------

# RLIMIT_NPROC binds neither root nor a holder of CAP_SYS_ADMIN or
# CAP_SYS_RESOURCE: setpriv makes cginit (and so its worker) a uid of no
# other process, with no capability, under a limit of 10 processes. The
# worker checks that, then forkfill fills every slot left with orphans, four
# times: an orphan that cginit does not reap keeps its slot, and a round
# gets none. Exit 42.
t_nproc_limit() {
	need setpriv prlimit
	no_leak_check
	local u
	u=$(free_uid) || skip "no uid free of processes among 65525..65534"
	mkdir "$T/u" && chown "$u:$u" "$T/u" || fail "cannot make $T/u for uid $u"
	local w='lim=$(sed -n "s/^Max processes *\([0-9]*\) .*/\1/p" /proc/$PPID/limits)
		[ "$lim" = "$2" ] || exit 89
		[ "$(id -u)" = "$1" ] || exit 88
		"$H/forkfill" 4 >"$T/u/ff" 2>&1 || exit 90
		"$H/zombies" -w 20 >"$T/u/zombies" || exit 91
		exit 42'
	local ns='u=$1 lim=$2 w=$3
		if [ "$4" = pid1 ]; then
			exec prlimit --nproc="$lim" setpriv --reuid="$u" --regid="$u" --clear-groups \
				"$CG" -w -- sh -c "$w" worker "$u" "$lim"
		fi
		prlimit --nproc="$lim" setpriv --reuid="$u" --regid="$u" --clear-groups \
			"$CG" -w -- sh -c "$w" worker "$u" "$lim"
		exit $?'
	local v rc e total n bad
	for v in pid1 child; do
		rm -f "$T/u/ff" "$T/u/zombies"
		e="$T/err.$v"
		rc=0
		in_ns "$ns" "$u" 10 "$w" "$v" >"$T/out.$v" 2>"$e" || rc=$?
		[ "$rc" = 42 ] ||
			fail "$v: exit $rc ($(explain "$rc")), not the worker's 42: $(head -c 300 "$e") forkfill: $(tr '\n' ' ' <"$T/u/ff" 2>/dev/null) $(cat "$T/u/zombies" 2>/dev/null)"
		total=$(awk '$1 == "round" { n += $4 } END { print n + 0 }' "$T/u/ff")
		[ "$(grep -c '^round .* limit yes$' "$T/u/ff")" = 4 ] ||
			fail "$v: the process limit did not bind in every round: $(tr '\n' ' ' <"$T/u/ff")"
		n=$(grep -c 'reaped orphan' "$e")
		[ "$n" -ge "$total" ] ||
			fail "$v: cginit reaped $n orphans, forkfill made $total: $(head -c 300 "$e")"
		bad=$(other_lines "$e" '^cginit: warning: ')
		[ -z "$bad" ] || fail "$v: unexpected stderr: $bad"
	done
}

# With a limit of 1, cginit itself cannot fork the worker: a clear message
# and 125, the worker never runs.
t_nproc_no_worker() {
	need setpriv prlimit
	no_leak_check
	local u
	u=$(free_uid) || skip "no uid free of processes among 65525..65534"
	mkdir "$T/u" && chown "$u:$u" "$T/u" || fail "cannot make $T/u for uid $u"
	local v rc e pre
	for v in pid1 child; do
		pre=""
		[ $v = pid1 ] && pre="exec "
		e="$T/err.$v"
		rc=0
		in_ns "$pre"'prlimit --nproc=1 setpriv --reuid="$1" --regid="$1" --clear-groups \
			"$CG" -- sh -c "touch \"\$T/u/ran\""; exit $?' "$u" >"$T/out.$v" 2>"$e" || rc=$?
		[ "$rc" = 125 ] || fail "$v: exit $rc ($(explain "$rc")), not 125: $(head -c 300 "$e")"
		[ ! -e "$T/u/ran" ] || fail "$v: the worker ran under a limit of 1 process"
		grep '^cginit: ' "$e" | grep -F 'fork' | grep -qF 'Resource temporarily unavailable' ||
			fail "$v: no message naming fork and EAGAIN's text: $(head -c 300 "$e")"
	done
}

# ---- 3. no /proc -----------------------------------------------------------------

# /proc unmounted (all of it: under in_ns's own proc lies the host's) before
# cginit starts. The worker runs, leaves 100 orphans and checks they were
# reaped and that no zombie is left, from a mount namespace of its own with
# a /proc (cginit's still has none), then exits 5. As PID 1, cginit's
# cgroup probe fails: exactly one line, the warning. Not PID 1, the worker
# also leaves a live descendant: cginit may not find it without /proc, but
# then it must say so (a line naming /proc); silence and a survivor fail.
# A sanitizer build's exit status is its leak check's here (see SAN_NOPROC):
# for it, status 1 with that check's own fatal error is let through, and any
# sanitizer report fails.
t_no_proc() {
	need mountpoint
	no_leak_check
	local w='touch "$T/ran.$1"
		unshare --mount --propagation private sh -c "mount -t proc proc /proc &&
			\"\$H/orphans\" 100 20 && \"\$H/zombies\" -w 20 >\"\$T/zombies\"" || exit 90
		if [ "$1" = child ]; then
			sleep 1000 </dev/null >/dev/null 2>&1 &
			echo $! >"$T/desc"
		fi
		exit 5'
	local ns='n=0
		while mountpoint -q /proc; do
			n=$((n + 1))
			[ $n -le 10 ] || exit 86
			umount -R /proc 2>/dev/null || umount -l /proc || exit 86
		done
		[ ! -e /proc/self ] || exit 86
		if [ "$2" = pid1 ]; then exec "$CG" -- sh -c "$1" worker "$2"; fi
		"$CG" -- sh -c "$1" worker "$2"
		rc=$?
		d=$(cat "$T/desc" 2>/dev/null)
		if [ -n "$d" ] && ! wait_for 5 eval "! kill -0 $d 2>/dev/null"; then
			echo "$d" >"$T/outlived"
			kill -KILL "$d"
		fi
		exit $rc'
	local v rc e lines san=0
	sanitized && san=1
	for v in pid1 child; do
		rm -f "$T/desc" "$T/outlived" "$T/zombies"
		e="$T/err.$v"
		rc=0
		in_ns "$ns" "$w" "$v" >"$T/out.$v" 2>"$e" || rc=$?
		if [ "$rc" != 5 ]; then
			[ "$san" = 1 ] && [ "$rc" = 1 ] && grep -q 'LeakSanitizer has encountered a fatal error' "$e" ||
				fail "$v: exit $rc ($(explain "$rc")), not the worker's 5: $(head -c 300 "$e") $(cat "$T/zombies" 2>/dev/null)"
		fi
		! grep -qE 'ERROR: (Address|Leak)Sanitizer: |runtime error: ' "$e" ||
			fail "$v: a sanitizer report: $(head -c 400 "$e")"
		[ -e "$T/ran.$v" ] || fail "$v: the worker did not run"
		if [ "$san" = 1 ]; then grep -vE "$SAN_NOPROC" "$e"; else cat "$e"; fi >"$e.own"
		if [ $v = pid1 ]; then
			lines=$(wc -l <"$e.own")
			[ "$lines" = 1 ] && grep -q '^cginit: warning: ' "$e.own" ||
				fail "$v: expected one line on stderr, the cgroup warning; got $lines: $(head -c 400 "$e.own")"
		elif [ -e "$T/outlived" ]; then
			grep -q '/proc' "$e.own" ||
				fail "$v: a live descendant (pid $(cat "$T/outlived")) outlived cginit, and cginit said nothing about it (stderr: '$(head -c 300 "$e.own")')"
		fi
	done
}

# ---- 4. closed stdout and stderr ---------------------------------------------------

# The worker closes its stdout and stderr, waits for a SIGUSR1 sent to
# cginit from outside, leaves 50 orphans (cginit -w writes a line for each,
# on its own stderr, which is still open), checks for zombies, exits 33.
t_closed_stdio_worker() {
	local w='exec >&- 2>&-
		trap "echo usr1 >>\"\$T/got\"" USR1
		touch "$T/ready"
		i=0
		until [ -e "$T/got" ]; do i=$((i + 1)); [ $i -lt 400 ] || exit 98; sleep 0.05; done
		"$H/orphans" 50 10 || exit 90
		"$H/zombies" -w 20 >"$T/zombies" || exit 91
		exit 33'
	local v hp n
	for v in pid1 child; do
		rm -f "$T/ready" "$T/got" "$T/zombies"
		if [ $v = pid1 ]; then
			ns_bg 'exec "$CG" -w -- sh -c "$1"' "$w" >"$T/out.$v" 2>"$T/err.$v"
		else
			ns_bg '"$CG" -w -- sh -c "$1"; exit $?' "$w" >"$T/out.$v" 2>"$T/err.$v"
		fi
		wait_for 20 test -e "$T/ready" || fail "$v: the worker never got ready: $(head -c 300 "$T/err.$v")"
		hp=$(ns_init_hostpid) || fail "$v: cannot find cginit's host pid"
		"$H/sendsig" "$(signum USR1)" "$hp" || fail "$v: cannot signal cginit ($hp)"
		ns_wait
		[ "$NS_RC" = 33 ] ||
			fail "$v: exit $NS_RC ($(explain "$NS_RC")), not the worker's 33: $(head -c 300 "$T/err.$v") $(cat "$T/zombies" 2>/dev/null)"
		n=$(grep -c 'reaped orphan' "$T/err.$v")
		[ "$n" = 50 ] || fail "$v: $n 'reaped orphan' lines for 50 orphans: $(head -c 300 "$T/err.$v")"
	done
}

# cginit started with stderr closed, and -vvv -w to make it talk a lot: it
# goes on all the same. The worker checks where its own fd 2 points: closed
# as cginit's was (or /dev/null), never at a file cginit opened (looked at
# before the shell opens anything: it would land on fd 2). It waits
# for a SIGUSR1 sent to cginit, leaves orphans, checks for zombies, exits 34.
t_stderr_closed() {
	local w='if [ -L /proc/$$/fd/2 ]; then readlink /proc/$$/fd/2 >"$T/fd2"; else echo closed >"$T/fd2"; fi
		trap "echo usr1 >>\"\$T/got\"" USR1
		touch "$T/ready"
		i=0
		until [ -e "$T/got" ]; do i=$((i + 1)); [ $i -lt 400 ] || exit 98; sleep 0.05; done
		"$H/orphans" 50 10 2>/dev/null || exit 90
		"$H/zombies" -w 20 >"$T/zombies" || exit 91
		exit 34'
	local v hp fd2
	for v in pid1 child; do
		rm -f "$T/ready" "$T/got" "$T/zombies" "$T/fd2"
		if [ $v = pid1 ]; then
			ns_bg 'exec "$CG" -vvv -w -- sh -c "$1" 2>&-' "$w" >"$T/out.$v" 2>"$T/err.$v"
		else
			ns_bg '"$CG" -vvv -w -- sh -c "$1" 2>&-; exit $?' "$w" >"$T/out.$v" 2>"$T/err.$v"
		fi
		wait_for 20 test -e "$T/ready" || fail "$v: the worker never got ready: $(head -c 300 "$T/err.$v")"
		hp=$(ns_init_hostpid) || fail "$v: cannot find cginit's host pid"
		"$H/sendsig" "$(signum USR1)" "$hp" || fail "$v: cannot signal cginit ($hp)"
		ns_wait
		[ "$NS_RC" = 34 ] ||
			fail "$v: exit $NS_RC ($(explain "$NS_RC")), not the worker's 34: $(head -c 300 "$T/err.$v") $(cat "$T/zombies" 2>/dev/null)"
		fd2=$(cat "$T/fd2")
		case $fd2 in
		closed | /dev/null) ;;
		*) fail "$v: cginit was started with fd 2 closed, and its worker's fd 2 is $fd2" ;;
		esac
		[ ! -s "$T/out.$v" ] || fail "$v: something went to stdout: $(head -c 300 "$T/out.$v")"
	done
}

# cginit's stderr is a pipe whose reader is gone: every message of cginit
# raises SIGPIPE on cginit itself. Its messages are best effort: that
# SIGPIPE is not the worker's business. As PID 1 (the cgroup warning at
# start) and not PID 1 with -w (a line when it reaps the worker's orphan),
# the worker, which records a SIGPIPE if one comes and stays on for a while
# after the line was due, must not get one, and its 35 must come back.
t_stderr_broken_pipe() {
	need mkfifo
	local w='trap "echo 13 >>\"\$T/sigs\"" PIPE
		if [ "$1" = child ]; then
			( sleep 0.1 </dev/null >/dev/null 2>&1 & echo $! >"$T/orphan" )
			o=$(cat "$T/orphan")
			i=0
			while [ -e /proc/$o ]; do i=$((i + 1)); [ $i -lt 400 ] || exit 90; sleep 0.05; done
		fi
		i=0
		while [ $i -lt 10 ]; do i=$((i + 1)); sleep 0.05; done
		exit 35'
	local ns='mkfifo "$T/fifo" || exit 87
		sh -c "exec <\"\$1\"" reader "$T/fifo" &
		exec 2>"$T/fifo"
		wait
		if [ "$2" = pid1 ]; then exec "$CG" -- sh -c "$1" worker "$2"; fi
		"$CG" -w -- sh -c "$1" worker "$2"
		exit $?'
	local v rc why=""
	for v in pid1 child; do
		rm -f "$T/fifo" "$T/sigs"
		rc=0
		in_ns "$ns" "$w" "$v" >"$T/out.$v" 2>"$T/err.$v" || rc=$?
		if [ -e "$T/sigs" ]; then
			why="$why $v: the worker got a SIGPIPE, cginit's own (from writing to its broken stderr), and exit $rc;"
		elif [ "$rc" = $((128 + $(signum PIPE))) ]; then
			why="$why $v: exit $rc, the worker killed by a SIGPIPE, cginit's own (from writing to its broken stderr);"
		elif [ "$rc" != 35 ]; then
			why="$why $v: exit $rc ($(explain "$rc")), not the worker's 35;"
		fi
	done
	[ -z "$why" ] || fail "${why# }"
}

# ---- 5. a big argv -------------------------------------------------------------------

# About 1.1 MB of arguments: 7800 of 126 bytes or so, one of 131071 (the
# most one string may hold, MAX_ARG_STRLEN less its NUL), an empty one, and
# some that look like cginit's options or hold spaces, a glob and a
# newline. The worker counts them and checksums them, leaves orphans, checks
# for zombies, and exits 17.
t_big_argv() {
	need cksum
	local pad big i args=()
	pad=$(printf '%0120d' 0)
	for ((i = 0; i < 7800; i++)); do args+=("$i:$pad"); done
	big=$(head -c 131071 /dev/zero | tr '\0' A)
	args+=("$big" "" -e 3 -- "a b" '*' $'new\nline' -vvv --grace 1)
	local size want_n want_sum
	size=$(printf '%s\n' "${args[@]}" | wc -c)
	want_n=${#args[@]}
	want_sum=$(printf '%s\n' "${args[@]}" | cksum)
	local max
	max=$(getconf ARG_MAX 2>/dev/null || echo 0)
	[ "$max" -gt $((size + 100000)) ] || skip "ARG_MAX is $max, too small for $size bytes of arguments"
	local w='echo $# >"$T/argc.$V"
		printf "%s\n" "$@" | cksum >"$T/sum.$V"
		"$H/orphans" 20 5 || exit 90
		"$H/zombies" -w 20 >"$T/zombies" || exit 91
		exit 17'
	local v rc pre
	for v in pid1 child; do
		pre=""
		[ $v = pid1 ] && pre="exec "
		rc=0
		in_ns 'w=$1; V=$2; export V; shift 2
			'"$pre"'"$CG" -- sh -c "$w" worker "$@"; exit $?' "$w" "$v" "${args[@]}" \
			>"$T/out.$v" 2>"$T/err.$v" || rc=$?
		[ "$rc" = 17 ] ||
			fail "$v: exit $rc ($(explain "$rc")), not the worker's 17: $(head -c 300 "$T/err.$v") $(cat "$T/zombies" 2>/dev/null)"
		[ "$(cat "$T/argc.$v")" = "$want_n" ] ||
			fail "$v: the worker got $(cat "$T/argc.$v") arguments, not $want_n"
		[ "$(cat "$T/sum.$v")" = "$want_sum" ] ||
			fail "$v: the worker's arguments differ from those given (cksum $(cat "$T/sum.$v"), not $want_sum)"
	done
}

# ---- 6. SIGSTOP/SIGCONT storm -----------------------------------------------------------

# churn (counting signals, leaving orphans all the time) runs under cginit;
# from outside, ROBUST_STOP_PAIRS SIGSTOP/SIGCONT pairs go to cginit by its
# host pid, half of them waiting until it is seen stopped. Then cginit must
# be running, not stopped; a SIGUSR1 and then a SIGTERM sent to it must
# reach the worker, which then checks for zombies and exits 23.
t_stop_cont_storm() {
	local v hp out rc
	for v in pid1 child; do
		rm -f "$T/ready" "$T/report"
		if [ $v = pid1 ]; then
			ns_bg 'exec "$CG" -- "$H/churn" "$T/ready" "$T/report" 23' >"$T/out.$v" 2>"$T/err.$v"
		else
			ns_bg '"$CG" -- "$H/churn" "$T/ready" "$T/report" 23; exit $?' >"$T/out.$v" 2>"$T/err.$v"
		fi
		wait_for 20 test -e "$T/ready" || fail "$v: the worker never got ready: $(head -c 300 "$T/err.$v")"
		hp=$(ns_init_hostpid) || fail "$v: cannot find cginit's host pid"
		rc=0
		out=$("$H/stopcont" "$hp" "$STOP_PAIRS") || rc=$?
		[ "$rc" != 3 ] || fail "$v: SIGSTOP never stopped cginit, so the storm proved nothing: $out"
		[ "$rc" = 0 ] || fail "$v: $out"
		case $(state_of "$hp") in
		T | t) fail "$v: cginit is stopped after the storm" ;;
		"" | Z | X) fail "$v: cginit is gone after the storm" ;;
		esac
		"$H/sendsig" "$(signum USR1)" "$hp" || fail "$v: cginit died after the storm"
		"$H/sendsig" "$(signum TERM)" "$hp" || fail "$v: cginit died after the storm"
		ns_wait
		[ "$NS_RC" = 23 ] ||
			fail "$v: exit $NS_RC ($(explain "$NS_RC")), not the worker's 23: $(head -c 300 "$T/err.$v") $(tr '\n' ' ' <"$T/report" 2>/dev/null)"
		[ "$(report_get "$T/report" usr1)" -ge 1 ] ||
			fail "$v: the SIGUSR1 sent after the storm never reached the worker: $(tr '\n' ' ' <"$T/report")"
		[ "$(report_get "$T/report" cont)" -ge 1 ] ||
			fail "$v: no SIGCONT of the storm was forwarded: $(tr '\n' ' ' <"$T/report")"
		[ "$(report_get "$T/report" orphans)" -ge 1 ] || fail "$v: the worker made no orphan"
	done
}

# ---- 7. a signal flood -------------------------------------------------------------------

# 1000 signals a second (HUP, USR1, USR2, WINCH in turn) for
# ROBUST_STORM_SECONDS, sent to cginit (PID 1) by its host pid while churn
# leaves orphans all the time. sigflood checks every 50 signals that cginit
# is alive, the same process, and neither zombie nor stopped. Then a
# SIGTERM ends the worker, which checks for zombies and exits 29. Signals
# coalesce, so the worker's counts must be at least 1 for each kind and at
# most what was sent.
t_signal_flood() {
	local hp out rc s name sent got
	local sigs=("$(signum HUP)" "$(signum USR1)" "$(signum USR2)" "$(signum WINCH)")
	local names=(hup usr1 usr2 winch)
	ns_bg 'exec "$CG" -- "$H/churn" "$T/ready" "$T/report" 29' >"$T/out" 2>"$T/err"
	wait_for 20 test -e "$T/ready" || fail "the worker never got ready: $(head -c 300 "$T/err")"
	hp=$(ns_init_hostpid) || fail "cannot find cginit's host pid"
	rc=0
	out=$("$H/sigflood" "$hp" 1000 "$STORM_SECONDS" "${sigs[@]}") || rc=$?
	[ "$rc" = 0 ] || fail "during the flood: $out"
	"$H/sendsig" "$(signum TERM)" "$hp" || fail "cginit died after the flood"
	ns_wait
	[ "$NS_RC" = 29 ] ||
		fail "exit $NS_RC ($(explain "$NS_RC")), not the worker's 29: $(head -c 300 "$T/err") $(tr '\n' ' ' <"$T/report" 2>/dev/null)"
	for i in 0 1 2 3; do
		s=${sigs[$i]}
		name=${names[$i]}
		sent=$(echo "$out" | tr ' ' '\n' | sed -n "s/^$s://p")
		got=$(report_get "$T/report" "$name")
		[ -n "$sent" ] && [ -n "$got" ] || fail "no count for signal $s: sent '$out', report $(tr '\n' ' ' <"$T/report")"
		[ "$got" -ge 1 ] || fail "the worker got no SIG${name^^} of the $sent sent"
		[ "$got" -le "$sent" ] || fail "the worker got $got SIG${name^^}, more than the $sent sent"
	done
	[ "$(report_get "$T/report" orphans)" -ge 1 ] || fail "the worker made no orphan"
}

# ---- the runner (lib.sh's suite_main) ---------------------------------------------

case $STORM_SECONDS in '' | *[!0-9]*) echo "robustness.sh: bad ROBUST_STORM_SECONDS" >&2; exit 2 ;; esac
case $STOP_PAIRS in '' | *[!0-9]* | 0) echo "robustness.sh: bad ROBUST_STOP_PAIRS" >&2; exit 2 ;; esac
SUITE=robustness
SUITE_TESTS=ROBUST_TESTS
SUITE_SKIPS_FAIL=1
suite_main "$@"
exit $?
