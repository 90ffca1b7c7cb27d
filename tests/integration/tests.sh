# shellcheck shell=bash
# shellcheck disable=SC2016 # scenario scripts expand their variables inside the namespace
# The integration tests; sourced by run.sh. Each test is a function t_NAME
# that runs in its own subshell, in its own temp dir $T, with:
#   CG   the cginit binary under test     H   the helpers' directory
# It ends with success, or with fail/skip (lib.sh). Every scenario goes
# through in_ns or ns_bg. Scenario scripts get $T, $CG and $H from the
# environment, so the single-quoted scripts below expand them inside.
#
# Signals are sent by number with the sendsig helper, never through a shell's
# own name table. Realtime signals: 35 and 40 are SIGRTMIN+1 and +6 as glibc
# programs, kill(1) and Docker number them; 64 is SIGRTMAX everywhere.

# shellcheck disable=SC2034 # used by run.sh
TESTS=(
	exit_codes exit_signals remap_exit exec_failure bad_input
	version help license first_non_option
	forward_from_inside forward_from_outside forward_sigrtmin forward_pgroup
	stop_signals fatal_signals_inside pending_signal
	orphan_storm warn_on_reap
	worker_sigmask worker_fds inherited_fds_closed listen_pid worker_pgrp worker_tty worker_cwd
	zero_wakeups
	subreaper_orphan subreaper_cleanup subreaper_flags pdeathsig grace
	env_verbosity stdout_clean
	cgroup_auto cgroup_limits_fail_closed cgroup_require cgroup_check cgroup_off
	job_refusals job_fails_closed job_spellings
)

# The catchable standard signals: 1..31 but KILL, STOP and CHLD.
catchable_signals() {
	local s
	for ((s = 1; s <= 31; s++)); do
		case $s in "$(signum KILL)" | "$(signum STOP)" | "$(signum CHLD)") continue ;; esac
		echo "$s"
	done
}

# ---- exit status ---------------------------------------------------------------

t_exit_codes() {
	# All 256 codes in one namespace, cginit as a child of its shell...
	local out
	out=$(in_ns '
		i=0
		while [ $i -le 255 ]; do
			"$CG" -- "$H/die" code $i
			rc=$?
			[ $rc = $i ] || { echo "worker exit $i gave cginit exit $rc"; exit 1; }
			i=$((i + 1))
		done' 2>&1) || fail "${out:-the namespace failed}"
	# ...and a few with cginit as PID 1.
	local code rc
	for code in 0 1 42 255; do
		rc=0
		in_ns 'exec "$CG" -- "$H/die" code '"$code" 2>/dev/null || rc=$?
		[ "$rc" = "$code" ] || fail "as PID 1: worker exit $code gave cginit exit $rc"
	done
}

t_exit_signals() {
	local names="HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM"
	local list="" n
	for n in $names; do list="$list $(signum "$n")"; done
	local out
	out=$(in_ns '
		for s in '"$list"'; do
			"$CG" -- "$H/die" sig $s 2>/dev/null
			rc=$?
			[ $rc = $((128 + s)) ] || { echo "worker killed by signal $s gave cginit exit $rc, not $((128 + s))"; exit 1; }
		done' 2>&1) || fail "${out:-the namespace failed}"
	local s rc
	for n in KILL SEGV TERM; do
		s=$(signum $n)
		rc=0
		in_ns 'exec "$CG" -- "$H/die" sig '"$s" 2>/dev/null || rc=$?
		[ "$rc" = $((128 + s)) ] || fail "as PID 1: worker killed by SIG$n gave cginit exit $rc"
	done
}

t_remap_exit() {
	local out
	out=$(in_ns '
		check() {
			want=$1; shift
			"$CG" "$@" 2>/dev/null
			rc=$?
			[ $rc = $want ] || { echo "cginit $* exited $rc, expected $want"; exit 1; }
		}
		check 0 -e 3 -e 7 -- "$H/die" code 3
		check 0 -e 3 -e 7 -- "$H/die" code 7
		check 5 -e 3 -e 7 -- "$H/die" code 5
		check 0 -e 0 -- "$H/die" code 0
		check 0 --remap-exit 255 -- "$H/die" code 255
		check 0 -e 143 -- "$H/die" sig 15
		check 137 -e 143 -- "$H/die" sig 9
		check 3 -- "$H/die" code 3
	' 2>&1) || fail "${out:-the namespace failed}"
}

t_exec_failure() {
	local rc
	# Not found, with a path and through PATH.
	rc=0
	in_ns 'exec "$CG" -- /nonexistent/cginit-test-cmd arg' 2>"$T/err1" || rc=$?
	[ "$rc" = 127 ] || fail "a missing /nonexistent/cginit-test-cmd gave exit $rc, not 127"
	grep -F '/nonexistent/cginit-test-cmd' "$T/err1" | grep -qF 'No such file or directory' ||
		fail "no stderr line names /nonexistent/cginit-test-cmd and 'No such file or directory': $(head -c 300 "$T/err1")"
	rc=0
	in_ns 'exec "$CG" -- cginit-test-no-such-cmd' 2>"$T/err2" || rc=$?
	[ "$rc" = 127 ] || fail "a command not in PATH gave exit $rc, not 127"
	grep -F 'cginit-test-no-such-cmd' "$T/err2" | grep -qF 'No such file or directory' ||
		fail "no stderr line names cginit-test-no-such-cmd and its errno text: $(head -c 300 "$T/err2")"
	# Found but not executable: a plain file, and a directory.
	printf '#!/bin/sh\nexit 0\n' >"$T/notexec"
	chmod 644 "$T/notexec"
	rc=0
	in_ns 'exec "$CG" -- "$T/notexec"' 2>"$T/err3" || rc=$?
	[ "$rc" = 126 ] || fail "a non-executable file gave exit $rc, not 126"
	grep -F "$T/notexec" "$T/err3" | grep -qF 'Permission denied' ||
		fail "no stderr line names $T/notexec and 'Permission denied': $(head -c 300 "$T/err3")"
	mkdir "$T/adir"
	rc=0
	in_ns 'exec "$CG" -- "$T/adir"' 2>"$T/err4" || rc=$?
	[ "$rc" = 126 ] || fail "a directory as the command gave exit $rc, not 126"
	grep -qF "$T/adir" "$T/err4" || fail "no stderr line names $T/adir: $(head -c 300 "$T/err4")"
}

t_bad_input() {
	# "value to find in the first stderr line" then cginit's arguments; the
	# command, if cginit ran it, would create $T/ran.
	local cases=(
		"--bogus-flag|--bogus-flag touch $T/ran"
		"-X|-X touch $T/ran"
		"missing command|"
		"missing command|-v -w"
		"SIGFOO|-p SIGFOO touch $T/ran"
		"'0'|-p 0 touch $T/ran"
		"'65'|-p 65 touch $T/ran"
		"'256'|-e 256 touch $T/ran"
		"'-1'|-e -1 touch $T/ran"
		"'abc'|-e abc touch $T/ran"
		"'abc'|--remap-exit=abc touch $T/ran"
		"-p|-p"
		"'soon'|--grace soon touch $T/ran"
		"'maybe'|--cgroup=maybe touch $T/ran"
	)
	local c want args rc first second i=0
	for c in "${cases[@]}"; do
		i=$((i + 1))
		want=${c%%|*}
		args=${c#*|}
		rc=0
		# shellcheck disable=SC2086 # the arguments are split on purpose
		in_ns 'exec "$CG" "$@"' $args >"$T/out$i" 2>"$T/err$i" || rc=$?
		[ "$rc" = 125 ] || fail "cginit $args exited $rc, not 125"
		[ ! -e "$T/ran" ] || fail "cginit $args ran the command"
		[ ! -s "$T/out$i" ] || fail "cginit $args wrote to stdout: $(head -c 200 "$T/out$i")"
		first=$(sed -n 1p "$T/err$i")
		second=$(sed -n 2p "$T/err$i")
		case $first in
		cginit:*"$want"*) ;;
		*) fail "cginit $args: the first stderr line does not name '$want': '$first'" ;;
		esac
		case $second in
		Usage:*) ;;
		*) fail "cginit $args: the error is not followed by the usage: '$second'" ;;
		esac
	done
}

# ---- the command line --------------------------------------------------------

t_version() {
	local rc=0
	in_ns 'exec "$CG" --version' >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || fail "--version exited $rc"
	[ "$(wc -l <"$T/out")" = 1 ] || fail "--version printed $(wc -l <"$T/out") lines, not 1: $(head -c 300 "$T/out")"
	grep -Eq '^cginit version [0-9]+\.[0-9]+\.[0-9]+ - git\.[0-9a-f]{7,40}$' "$T/out" ||
		fail "--version printed '$(cat "$T/out")', not 'cginit version X.Y.Z - git.HASH'"
	[ ! -s "$T/err" ] || fail "--version wrote to stderr: $(head -c 200 "$T/err")"
}

t_help() {
	local flag rc opt
	for flag in -h --help; do
		rc=0
		in_ns 'exec "$CG" "$1"' "$flag" >"$T/out" 2>"$T/err" || rc=$?
		[ "$rc" = 0 ] || fail "$flag exited $rc"
		grep -q '^Usage: cginit' "$T/out" || fail "$flag: no 'Usage: cginit' line on stdout"
		for opt in '-s, --subreaper' '-p, --pdeathsig' '-g, --pgroup' '-e, --remap-exit' \
			'-w, --warn-on-reap' '--grace' '--cgroup' '-v, --verbose' '--check' \
			'-l, --license' '-h, --help' '--version'; do
			grep -qF -- "$opt" "$T/out" || fail "$flag does not list '$opt'"
		done
	done
}

t_license() {
	local rc=0
	in_ns 'exec "$CG" -l' >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || fail "-l exited $rc"
	grep -q 'MIT' "$T/out" || fail "-l does not say MIT"
	grep -q 'Permission is hereby granted, free of charge' "$T/out" || fail "-l is not the MIT text"
	grep -q 'WITHOUT WARRANTY OF ANY KIND' "$T/out" || fail "-l lacks the warranty disclaimer"
	rc=0
	in_ns 'exec "$CG" --license' >"$T/out2" 2>/dev/null || rc=$?
	[ "$rc" = 0 ] && cmp -s "$T/out" "$T/out2" || fail "--license differs from -l"
}

t_first_non_option() {
	local out
	out=$(in_ns '
		"$CG" sh -c "exit 5" 2>/dev/null; rc=$?
		[ $rc = 5 ] || { echo "cginit sh -c \"exit 5\" exited $rc, not 5"; exit 1; }
		# Options after the command belong to the command.
		"$CG" sh -c "exit 5" -e 5 2>/dev/null; rc=$?
		[ $rc = 5 ] || { echo "cginit sh -c \"exit 5\" -e 5 exited $rc: it took -e 5 for itself"; exit 1; }
		"$CG" "$H/die" code 6 2>/dev/null; rc=$?
		[ $rc = 6 ] || { echo "cginit die code 6 exited $rc"; exit 1; }
		# Before the command they are cginit'"'"'s.
		"$CG" -e 5 sh -c "exit 5" 2>/dev/null; rc=$?
		[ $rc = 0 ] || { echo "cginit -e 5 sh -c \"exit 5\" exited $rc, not 0"; exit 1; }
	' 2>&1) || fail "${out:-the namespace failed}"
}

# ---- signal forwarding -------------------------------------------------------

# forward_each MODE SIGNALS...: cginit as PID 1 with the recorder; each signal
# is sent to cginit and must reach the recorder, which acknowledges it in its
# log; cginit must never be stopped. MODE inside: kill(1) from a process that
# joined the namespace; outside: kill(host pid).
forward_each() {
	local mode=$1
	shift
	[ "$mode" = outside ] || need nsenter
	ns_bg 'exec "$CG" -- "$H/recorder" -x 64 "$T/log" "$T/ready"' >"$T/out" 2>"$T/err"
	wait_for 20 test -e "$T/ready" || fail "the recorder never got ready: $(head -c 300 "$T/err")"
	local hp
	hp=$(ns_init_hostpid) || fail "cannot find cginit's host pid"
	local s st
	for s in "$@" 64; do
		if [ "$s" = 64 ]; then
			# The worker exits on it, and so does cginit, tearing the
			# namespace down, maybe with our sender still in it: its
			# status says nothing. The log and cginit's status will.
			if [ "$mode" = inside ]; then
				nsenter -t "$hp" -p -- "$H/sendsig" "$s" 1
			else
				"$H/sendsig" "$s" "$hp"
			fi
			break
		fi
		if [ "$mode" = inside ]; then
			nsenter -t "$hp" -p -- "$H/sendsig" "$s" 1 || fail "nsenter/sendsig $s 1 failed"
		else
			"$H/sendsig" "$s" "$hp" || fail "sendsig $s $hp failed"
		fi
		wait_for 20 has_line "$T/log" "$s" ||
			fail "signal $s ($(kill -l "$s" 2>/dev/null)) sent to cginit ($mode) never reached the worker; it got: $(tr '\n' ' ' <"$T/log")"
		st=$(state_of "$hp") || fail "cginit died after signal $s"
		[ "$st" != T ] && [ "$st" != t ] || fail "cginit is stopped (state $st) after signal $s"
	done
	ns_wait
	[ "$NS_RC" = 0 ] || fail "cginit exited $NS_RC after the worker exited 0: $(head -c 300 "$T/err")"
	# Exactly one delivery per signal, in order.
	local expect
	expect=$(printf '%s\n' "$@" 64)
	[ "$(cat "$T/log")" = "$expect" ] ||
		fail "the worker's log is '$(tr '\n' ' ' <"$T/log")', expected '$(echo $expect)'"
}

t_forward_from_inside() {
	# shellcheck disable=SC2046
	forward_each inside $(catchable_signals) 35 40
}

t_forward_from_outside() {
	# shellcheck disable=SC2046
	forward_each outside $(catchable_signals) 35 40
}

t_forward_sigrtmin() {
	# 34 is SIGRTMIN for glibc programs, `kill -s RTMIN` and `docker kill -s
	# RTMIN`. Not PID 1 first: there a signal cginit cannot block kills it
	# at once (the kernel drops it for a PID 1), which shows right away.
	local out
	out=$(in_ns '
		"$CG" -- "$H/recorder" -x 64 "$T/log2" "$T/ready2" 2>"$T/err2" &
		c=$!
		wait_for 20 test -e "$T/ready2" || { echo "the recorder never got ready"; exit 1; }
		"$H/sendsig" 34 $c
		wait_for 20 eval "has_line \"\$T/log2\" 34 || [ \"\$(state_of $c)\" = Z ] || gone $c"
		if ! has_line "$T/log2" 34; then
			wait $c
			echo "not PID 1: signal 34 sent to cginit did not reach the worker; cginit exited $? and left the worker running"
			exit 1
		fi
		"$H/sendsig" 64 $c
		wait $c || { echo "not PID 1: cginit exited $?"; exit 1; }
	' 2>&1) || fail "${out:-the namespace failed}"
	forward_each outside 34
}

# One -g scenario: FLAG (or env) given to cginit; GROUP yes/no says whether
# the worker's child, in the worker's process group, must get the signal.
pgroup_case() {
	local label=$1 group=$2
	shift 2
	need nsenter
	rm -f "$T"/log "$T"/ready "$T"/clog "$T"/cready
	ns_bg 'exec "$@" -- "$H/recorder" -x 64 -c "$T/clog" "$T/cready" "$T/log" "$T/ready"' "$@" \
		>"$T/out" 2>"$T/err"
	wait_for 20 test -e "$T/ready" -a -e "$T/cready" ||
		fail "$label: the recorders never got ready: $(head -c 300 "$T/err")"
	local wpid wpgid cpid cpgid
	read -r wpid wpgid _ <"$T/ready"
	read -r cpid cpgid _ <"$T/cready"
	[ "$cpgid" = "$wpid" ] && [ "$wpgid" = "$wpid" ] ||
		fail "$label: the worker ($wpid, group $wpgid) and its child ($cpid, group $cpgid) are not in the worker's group"
	local hp
	hp=$(ns_init_hostpid) || fail "$label: cannot find cginit's host pid"
	"$H/sendsig" 10 "$hp"
	wait_for 20 has_line "$T/log" 10 || fail "$label: SIGUSR1 never reached the worker"
	# Then SIGUSR2 straight to the child: if cginit signalled the group, the
	# SIGUSR1 was already pending on the child and is handled first.
	nsenter -t "$hp" -p -- "$H/sendsig" 12 "$cpid" || fail "$label: cannot signal the child"
	wait_for 20 has_line "$T/clog" 12 || fail "$label: the child never recorded SIGUSR2"
	if [ "$group" = yes ]; then
		[ "$(tr '\n' ' ' <"$T/clog")" = "10 12 " ] ||
			fail "$label: the worker's child got '$(tr '\n' ' ' <"$T/clog")', not SIGUSR1 then SIGUSR2: not forwarded to the group"
	else
		[ "$(tr '\n' ' ' <"$T/clog")" = "12 " ] ||
			fail "$label: without -g the worker's child got '$(tr '\n' ' ' <"$T/clog")'"
	fi
	"$H/sendsig" 64 "$hp"
	ns_wait
	[ "$NS_RC" = 0 ] || fail "$label: cginit exited $NS_RC"
}

t_forward_pgroup() {
	pgroup_case "-g" yes "$CG" -g
	pgroup_case "--pgroup" yes "$CG" --pgroup
	pgroup_case "CGINIT_KILL_PROCESS_GROUP=1" yes env CGINIT_KILL_PROCESS_GROUP=1 "$CG"
	pgroup_case "TINI_KILL_PROCESS_GROUP=1" yes env TINI_KILL_PROCESS_GROUP=1 "$CG"
	pgroup_case "no flag" no "$CG"
	pgroup_case "CGINIT_KILL_PROCESS_GROUP=0" no env CGINIT_KILL_PROCESS_GROUP=0 "$CG"
}

t_stop_signals() {
	# As PID 1 (from outside, where the kernel would apply the default
	# action of an unblocked, unhandled signal)...
	forward_each outside "$(signum TSTP)" "$(signum TTIN)" "$(signum TTOU)"
	# ...and not PID 1, where a default SIGTSTP would stop cginit.
	local out
	out=$(in_ns '
		"$CG" -- "$H/recorder" -x 64 "$T/log2" "$T/ready2" 2>"$T/err2" &
		c=$!
		wait_for 20 test -e "$T/ready2" || { echo "recorder not ready"; exit 1; }
		for s in 20 21 22; do
			"$H/sendsig" $s $c
			wait_for 20 has_line "$T/log2" $s || { echo "not PID 1: signal $s never reached the worker"; exit 1; }
			st=$(state_of $c)
			case $st in T|t) echo "not PID 1: cginit is stopped (state $st) after signal $s"; exit 1;; esac
		done
		"$H/sendsig" 64 $c
		wait $c; rc=$?
		[ $rc = 0 ] || { echo "not PID 1: cginit exited $rc"; exit 1; }
	' 2>&1) || fail "${out:-the namespace failed}"
}

t_fatal_signals_inside() {
	need nsenter
	ns_bg 'exec "$CG" -- "$H/recorder" -x 64 "$T/log" "$T/ready"' >"$T/out" 2>"$T/err"
	wait_for 20 test -e "$T/ready" || fail "the recorder never got ready"
	local hp s
	hp=$(ns_init_hostpid) || fail "cannot find cginit's host pid"
	for s in SEGV ILL ABRT BUS FPE; do
		nsenter -t "$hp" -p -- "$H/sendsig" "$(signum $s)" 1 || fail "cannot send SIG$s"
		wait_for 20 has_line "$T/log" "$(signum $s)" || fail "SIG$s sent to PID 1 never reached the worker"
		[ -e "/proc/$hp" ] && [ "$(state_of "$hp")" != Z ] || fail "cginit died of SIG$s"
	done
	# Still working afterwards.
	nsenter -t "$hp" -p -- "$H/sendsig" 10 1
	wait_for 20 has_line "$T/log" 10 || fail "cginit stopped forwarding after the fatal signals"
	"$H/sendsig" 64 "$hp"
	ns_wait
	[ "$NS_RC" = 0 ] || fail "cginit exited $NS_RC"
}

t_pending_signal() {
	# The launcher blocks SIGUSR1, raises it (now pending), then execs
	# cginit; pending signals survive execve. cginit must pass it on to the
	# worker, which inherits the mask with SIGUSR1 blocked and unblocks it.
	local variant
	for variant in pid1 child; do
		rm -f "$T/log" "$T/ready" "$T/state"
		local script='"$H/launcher" -b 10 -r 10 -s "$T/state" -- "$CG" -- "$H/recorder" -x 64 "$T/log" "$T/ready"'
		if [ $variant = pid1 ]; then
			ns_bg "exec $script" >"$T/out" 2>"$T/err"
		else
			ns_bg "$script" >"$T/out" 2>"$T/err"
		fi
		wait_for 20 test -e "$T/ready" || fail "$variant: the recorder never got ready: $(head -c 300 "$T/err")"
		# The launcher really had it pending (SigPnd or ShdPnd bit 0x200).
		local pnd
		pnd=$(awk '/^(SigPnd|ShdPnd):/ { print $2 }' "$T/state" | tr '\n' ' ')
		local has=0 v
		for v in $pnd; do (((16#$v & 0x200) != 0)) && has=1; done
		[ $has = 1 ] || fail "$variant: the launcher did not have SIGUSR1 pending ($pnd)"
		wait_for 20 has_line "$T/log" 10 ||
			fail "$variant: the SIGUSR1 pending before the worker existed never reached it (log: $(tr '\n' ' ' <"$T/log"))"
		[ "$(grep -c '^10$' "$T/log")" = 1 ] || fail "$variant: the worker got SIGUSR1 more than once"
		local hp
		hp=$(ns_init_hostpid) || fail "$variant: cannot find cginit's host pid"
		"$H/sendsig" 64 "$hp"
		ns_wait
		[ "$NS_RC" = 0 ] || fail "$variant: exited $NS_RC: $(head -c 300 "$T/err")"
	done
}

# ---- reaping -------------------------------------------------------------------

t_orphan_storm() {
	local n=${ORPHANS:-20000}
	local rc=0
	# The worker makes the orphans, then, with cginit still running, polls
	# until no zombie is left in the namespace (60 s at most).
	NS_TIMEOUT=$((120 + n / 200)) in_ns 'exec "$CG" -- sh -c "\"\$H/orphans\" $1 && \"\$H/zombies\" -w 60"' "$n" \
		>"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || fail "after $n orphans: exit $rc; zombies left: $(head -c 200 "$T/out") $(grep -v 'no cgroup layout' "$T/err" | head -c 300)"
	[ "$(cat "$T/out")" = 0 ] || fail "zombie count: $(cat "$T/out")"
}

t_warn_on_reap() {
	local rc=0
	in_ns 'exec "$CG" -w -- sh -c "\"\$H/orphans\" 3 1 && \"\$H/zombies\" -w 20"' >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || fail "-w: exit $rc: $(head -c 300 "$T/err")"
	local n
	n=$(grep -c 'reaped orphan' "$T/err")
	[ "$n" = 3 ] || fail "-w: $n 'reaped orphan' lines on stderr for 3 orphans: $(head -c 400 "$T/err")"
	grep 'reaped orphan' "$T/err" | grep -qv '^cginit: ' && fail "-w: a 'reaped orphan' line lacks the 'cginit: ' prefix"
	rc=0
	in_ns 'exec "$CG" -- sh -c "\"\$H/orphans\" 3 1 && \"\$H/zombies\" -w 20"' >"$T/out2" 2>"$T/err2" || rc=$?
	[ "$rc" = 0 ] || fail "without -w: exit $rc"
	! grep -q 'reaped orphan' "$T/err2" || fail "without -w cginit still warns: $(head -c 300 "$T/err2")"
}

# ---- the worker's starting state -----------------------------------------------

# probe_run VARIANT OUTFILE [ENV...] -- [LAUNCHER OPTIONS]: runs cginit with the
# probe as worker, through the launcher (-C first), as PID 1 (pid1) or as a
# child of the namespace's shell (child). The probe's report goes to OUTFILE.
probe_run() {
	local variant=$1 out=$2
	shift 2
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	local pre=""
	[ "$variant" = pid1 ] && pre="exec "
	local rc=0
	in_ns "$pre"'env "$@" "$H/launcher" -C '"$*"' -- "$CG" -- "$H/probe"' "${envs[@]}" \
		>"$out" 2>"$out.err" || rc=$?
	[ "$rc" = 0 ] || fail "$variant: the probe run exited $rc: $(head -c 300 "$out.err")"
	grep -q '^pid=' "$out" || fail "$variant: the probe printed nothing"
}

probe_get() { sed -n "s/^$2=//p" "$1"; }

t_worker_sigmask() {
	local v
	for v in pid1 child; do
		probe_run $v "$T/p.$v" -- -b 12 -b 32 -b 34 -b 35 -i 1 -s "$T/state.$v"
		local lblk lign wblk wign
		lblk=$(awk '/^SigBlk:/ { print $2 }' "$T/state.$v")
		lign=$(awk '/^SigIgn:/ { print $2 }' "$T/state.$v")
		wblk=$(probe_get "$T/p.$v" sigblk)
		wign=$(probe_get "$T/p.$v" sigign)
		# USR2 (12), 32 (glibc's own), 34 (SIGRTMIN) and 35 are bits 11, 31,
		# 33 and 34; SIGHUP is bit 0.
		[ "$lblk" = 0000000680000800 ] || fail "$v: the launcher's own mask is $lblk (test broken)"
		(((16#$lign & 1) == 1)) || fail "$v: the launcher does not ignore SIGHUP (test broken)"
		[ "$wblk" = "$lblk" ] || fail "$v: the worker's SigBlk is $wblk, not the inherited $lblk"
		[ "$wign" = "$lign" ] || fail "$v: the worker's SigIgn is $wign, not the inherited $lign"
		# And with nothing blocked or ignored, nothing of cginit's shows.
		probe_run $v "$T/q.$v" -- -s "$T/qstate.$v"
		lblk=$(awk '/^SigBlk:/ { print $2 }' "$T/qstate.$v")
		lign=$(awk '/^SigIgn:/ { print $2 }' "$T/qstate.$v")
		[ "$(probe_get "$T/q.$v" sigblk)" = "$lblk" ] ||
			fail "$v: empty mask: the worker's SigBlk is $(probe_get "$T/q.$v" sigblk), not $lblk"
		[ "$(probe_get "$T/q.$v" sigign)" = "$lign" ] ||
			fail "$v: the worker's SigIgn is $(probe_get "$T/q.$v" sigign), not $lign"
	done
}

t_worker_fds() {
	local v fds
	for v in pid1 child; do
		probe_run $v "$T/p.$v" -- -o 7:/dev/null
		fds=$(probe_get "$T/p.$v" fds)
		[ "$fds" = 0,1,2,7 ] || fail "$v: the worker has fds $fds, expected 0,1,2,7 (7 inherited on purpose)"
		probe_run $v "$T/q.$v" -- -o 5:/dev/null -o 9:/dev/zero
		fds=$(probe_get "$T/q.$v" fds)
		[ "$fds" = 0,1,2,5,9 ] || fail "$v: the worker has fds $fds, expected 0,1,2,5,9"
	done
	# With verbose output, -w and a remap: no fd of cginit's leaks either.
	local rc=0
	in_ns 'exec "$H/launcher" -C -- "$CG" -vvv -w -e 3 -- "$H/probe"' >"$T/r" 2>"$T/r.err" || rc=$?
	[ "$rc" = 0 ] || fail "-vvv -w: exit $rc"
	fds=$(probe_get "$T/r" fds)
	[ "$fds" = 0,1,2 ] || fail "-vvv -w: the worker has fds $fds, expected 0,1,2"
}

t_inherited_fds_closed() {
	# An fd cginit inherited goes to the worker and stays open there, but
	# cginit closes its own copy once the worker runs: it would otherwise
	# pin a pipe's write end, a socket or a file on a mount for its whole
	# life. The worker waits (bounded) for cginit's copy to go.
	local v pre out
	: >"$T/held"
	for v in pid1 child; do
		pre=""
		[ $v = pid1 ] && pre="exec "
		out=$(in_ns 'exec 5<"$T/held"; '"$pre"'"$CG" -- sh -c '"'"'i=0
			while [ -e /proc/$PPID/fd/5 ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
			[ -e /proc/$PPID/fd/5 ] && echo "cginit holds 5"
			[ -e /proc/self/fd/5 ] && echo "worker holds 5"
			ls /proc/$PPID/fd | tr "\n" " "'"'"'' 2>&1) || fail "$v: exit $?: $out"
		case $out in
		*"cginit holds 5"*) fail "$v: cginit kept the inherited fd 5: $out" ;;
		esac
		case $out in
		*"worker holds 5"*) ;;
		*) fail "$v: the worker lost the inherited fd 5: $out" ;;
		esac
	done
}

t_listen_pid() {
	local pid lp
	probe_run pid1 "$T/a" LISTEN_PID=1 --
	pid=$(probe_get "$T/a" pid)
	lp=$(probe_get "$T/a" listen_pid)
	[ "$lp" = "$pid" ] || fail "PID 1, LISTEN_PID=1: the worker (pid $pid) sees LISTEN_PID=$lp"
	probe_run pid1 "$T/b" LISTEN_PID=4242 --
	lp=$(probe_get "$T/b" listen_pid)
	[ "$lp" = 4242 ] || fail "PID 1, LISTEN_PID=4242: the worker sees LISTEN_PID=$lp"
	probe_run pid1 "$T/c" --
	lp=$(probe_get "$T/c" listen_pid)
	[ "$lp" = "(unset)" ] || fail "no LISTEN_PID: the worker sees LISTEN_PID=$lp"
	# Not PID 1: LISTEN_PID names cginit's own pid, which is the shell's
	# before it execs cginit.
	local rc=0
	in_ns 'sh -c '"'"'exec env LISTEN_PID=$$ "$CG" -- "$H/probe"'"'"'' >"$T/d" 2>"$T/d.err" || rc=$?
	[ "$rc" = 0 ] || fail "not PID 1: exit $rc"
	pid=$(probe_get "$T/d" pid)
	lp=$(probe_get "$T/d" listen_pid)
	[ "$lp" = "$pid" ] || fail "not PID 1, LISTEN_PID=cginit's pid ($(probe_get "$T/d" ppid)): the worker (pid $pid) sees LISTEN_PID=$lp"
}

t_worker_pgrp() {
	local v pid pgid ppid
	for v in pid1 child; do
		probe_run $v "$T/p.$v" --
		pid=$(probe_get "$T/p.$v" pid)
		pgid=$(probe_get "$T/p.$v" pgid)
		ppid=$(probe_get "$T/p.$v" ppid)
		[ "$pgid" = "$pid" ] || fail "$v: the worker (pid $pid) is in process group $pgid, not its own"
		[ "$v" != pid1 ] || [ "$ppid" = 1 ] || fail "$v: the worker's parent is $ppid, not 1"
	done
}

t_worker_tty() {
	local v rc fg pgid
	for v in child pid1; do
		rc=0
		if [ $v = child ]; then
			in_ns '"$H/ptyrun" "$CG" -- "$H/probe"' >"$T/p.$v" 2>"$T/p.$v.err" || rc=$?
		else
			# A nested namespace (inside in_ns's) makes cginit PID 1 on the pty.
			in_ns '"$H/ptyrun" unshare --pid --fork --mount --mount-proc "$CG" -- "$H/probe"' \
				>"$T/p.$v" 2>"$T/p.$v.err" || rc=$?
		fi
		[ "$rc" = 0 ] || fail "$v: under a pty, exit $rc: $(head -c 300 "$T/p.$v") $(head -c 300 "$T/p.$v.err")"
		fg=$(probe_get "$T/p.$v" tty_fg)
		pgid=$(probe_get "$T/p.$v" pgid)
		[ -n "$pgid" ] || fail "$v: no probe output: $(head -c 300 "$T/p.$v")"
		[ "$fg" = "$pgid" ] ||
			fail "$v: the terminal's foreground group is $fg, the worker's group is $pgid"
		[ "$pgid" = "$(probe_get "$T/p.$v" pid)" ] || fail "$v: the worker does not lead its group"
	done
}

t_worker_cwd() {
	mkdir -p "$T/work dir"
	local v rc
	for v in pid1 child; do
		local pre=""
		[ $v = pid1 ] && pre="exec "
		rc=0
		# The worker waits (bounded) for cginit to have moved to /, then
		# reports where cginit is and where it is itself.
		in_ns 'cd "$T/work dir" || exit 9
			'"$pre"'"$CG" -- sh -c '"'"'wait_cg() { [ "$(readlink /proc/$PPID/cwd)" = / ]; }
				i=0; until wait_cg; do i=$((i + 1)); [ $i -lt 400 ] || break; sleep 0.05; done
				echo "cginit=$(readlink /proc/$PPID/cwd)"; echo "worker=$(pwd)"'"'"'' \
			>"$T/out.$v" 2>"$T/err.$v" || rc=$?
		[ "$rc" = 0 ] || fail "$v: exit $rc: $(head -c 300 "$T/err.$v")"
		grep -qx 'cginit=/' "$T/out.$v" || fail "$v: cginit's cwd is not / but $(grep cginit= "$T/out.$v")"
		grep -qxF "worker=$T/work dir" "$T/out.$v" ||
			fail "$v: the worker's cwd is $(grep worker= "$T/out.$v"), not $T/work dir"
	done
}

# ---- idle cost -------------------------------------------------------------------

t_zero_wakeups() {
	ns_bg 'exec "$CG" -- sleep 30' >"$T/out" 2>"$T/err"
	local hp w=""
	hp=$(ns_init_hostpid) || fail "cannot find cginit's host pid"
	# Wait until the worker runs sleep and cginit is asleep in sigwaitinfo.
	local c settled=0 i
	for ((i = 0; i < 400; i++)); do
		for c in $(children_of "$hp"); do
			case $(readlink "/proc/$c/exe" 2>/dev/null) in */sleep) w=$c ;; esac
		done
		if [ -n "$w" ] && [ "$(state_of "$hp")" = S ]; then
			case $(cat "/proc/$hp/wchan" 2>/dev/null) in
			*sigtimedwait* | *sigsuspend* | 0 | "") settled=1 ;;
			esac
		fi
		[ $settled = 1 ] && break
		sleep 0.05
	done
	[ $settled = 1 ] || fail "cginit never settled (state $(state_of "$hp"), wchan $(cat "/proc/$hp/wchan" 2>/dev/null))"
	local a b
	a=$(($(status_field "$hp" voluntary_ctxt_switches) + $(status_field "$hp" nonvoluntary_ctxt_switches)))
	sleep 3
	b=$(($(status_field "$hp" voluntary_ctxt_switches) + $(status_field "$hp" nonvoluntary_ctxt_switches)))
	[ "$b" -eq "$a" ] || fail "cginit was switched in $((b - a)) times in 3 s of idling"
	# SIGTERM is forwarded; sleep dies of it; cginit reports 128+15.
	kill -TERM "$hp"
	ns_wait
	[ "$NS_RC" = 143 ] || fail "after SIGTERM, cginit exited $NS_RC, not 143"
}

# ---- not PID 1 ---------------------------------------------------------------------

t_subreaper_orphan() {
	local out
	out=$(in_ns '
		"$CG" -w -- sh -c '"'"'
			( "$H/recorder" -x 15 "$T/olog" "$T/oready" & )
			i=0; until [ -e "$T/go" ]; do i=$((i + 1)); [ $i -lt 400 ] || exit 98; sleep 0.05; done
			# The orphan is gone before the worker ends: cginit reaped it.
			o=$(cut -d" " -f1 "$T/oready")
			i=0; while [ -e /proc/$o ]; do i=$((i + 1)); [ $i -lt 400 ] || exit 97; sleep 0.05; done
			exit 0'"'"' 2>"$T/err" &
		c=$!
		wait_for 20 test -e "$T/oready" || { echo "the orphan never got ready"; exit 1; }
		o=$(cut -d" " -f1 "$T/oready")
		wait_for 20 eval "[ \"\$(ppid_of $o)\" = $c ]" ||
			{ echo "the orphan $o has parent $(ppid_of $o), not cginit ($c): cginit is not a subreaper"; exit 1; }
		"$H/sendsig" 15 $o
		touch "$T/go"
		wait $c; rc=$?
		[ $rc = 0 ] || { echo "cginit exited $rc (97: the orphan was never reaped while the worker ran)"; exit 1; }
		grep -q "reaped orphan $o " "$T/err" || { echo "no \"reaped orphan $o\" line: $(cat "$T/err")"; exit 1; }
	' 2>&1) || fail "${out:-the namespace failed}"
}

t_subreaper_cleanup() {
	local out
	out=$(in_ns '
		"$CG" -- sh -c '"'"'
			"$H/recorder" -x 15 "$T/l1" "$T/r1" &
			"$H/recorder" -i 15 "$T/l2" "$T/r2" &
			i=0; until [ -e "$T/r1" ] && [ -e "$T/r2" ]; do i=$((i + 1)); [ $i -lt 400 ] || exit 98; sleep 0.05; done
			exit 7'"'"' 2>"$T/err"
		rc=$?
		[ $rc = 7 ] || { echo "cginit exited $rc, not the worker'"'"'s 7: $(cat "$T/err")"; exit 1; }
		p1=$(cut -d" " -f1 "$T/r1"); p2=$(cut -d" " -f1 "$T/r2")
		gone $p1 || { echo "a descendant ($p1, state $(state_of $p1)) outlived cginit"; exit 1; }
		gone $p2 || { echo "a descendant that ignores SIGTERM ($p2, state $(state_of $p2)) outlived cginit"; exit 1; }
		has_line "$T/l1" 15 || { echo "the descendant did not get SIGTERM first"; exit 1; }
		[ ! -s "$T/l2" ] || { echo "the SIGTERM-ignoring descendant recorded $(cat "$T/l2")"; exit 1; }
	' 2>&1) || fail "${out:-the namespace failed}"
}

t_subreaper_flags() {
	local spec rc
	for spec in "-s" "--subreaper" "env CGINIT_SUBREAPER=1" "env TINI_SUBREAPER=1"; do
		local pre=() args=()
		case $spec in
		env*) pre=(env "${spec#env }") ;;
		*) args=("$spec") ;;
		esac
		# As PID 1 and as a child: accepted, no complaint, status passed on.
		rc=0
		in_ns 'exec "$@" -- "$H/die" code 3' "${pre[@]}" "$CG" "${args[@]}" 2>"$T/err" || rc=$?
		[ "$rc" = 3 ] || fail "$spec as PID 1: exit $rc, not 3: $(head -c 300 "$T/err")"
		grep -v 'no cgroup layout' "$T/err" | grep -q . && fail "$spec as PID 1 printed: $(head -c 300 "$T/err")"
		rc=0
		in_ns '"$@" -- "$H/die" code 3' "${pre[@]}" "$CG" "${args[@]}" 2>"$T/err" || rc=$?
		[ "$rc" = 3 ] || fail "$spec as a child: exit $rc, not 3: $(head -c 300 "$T/err")"
		[ ! -s "$T/err" ] || fail "$spec as a child printed: $(head -c 300 "$T/err")"
	done
	# The subreaper does its job with the flag too: the orphan comes to cginit.
	local out
	out=$(in_ns '
		"$CG" -s -w -- sh -c '"'"'( "$H/recorder" -x 15 "$T/olog" "$T/oready" & ); i=0
			until [ -e "$T/go" ]; do i=$((i + 1)); [ $i -lt 400 ] || exit 98; sleep 0.05; done'"'"' 2>"$T/err" &
		c=$!
		wait_for 20 test -e "$T/oready" || { echo "the orphan never got ready"; exit 1; }
		o=$(cut -d" " -f1 "$T/oready")
		wait_for 20 eval "[ \"\$(ppid_of $o)\" = $c ]" || { echo "-s: the orphan is not cginit'"'"'s"; exit 1; }
		"$H/sendsig" 15 $o; touch "$T/go"; wait $c
	' 2>&1) || fail "${out:-the namespace failed}"
}

t_pdeathsig() {
	local variant
	for variant in with without; do
		rm -f "$T/log" "$T/ready"
		local flags=""
		[ $variant = with ] && flags="-p SIGUSR1"
		local out
		# A (the launcher) forks B, which execs cginit; A waits until the
		# worker is ready, then exits. cginit then gets SIGUSR1 from the
		# kernel (with -p) and forwards it. SIGUSR2 follows as a marker:
		# cginit takes pending signals lowest first, so the order in the
		# worker's log is fixed either way.
		out=$(in_ns '
			"$H/launcher" -D "$T/ready" -- "$CG" '"$flags"' -- "$H/recorder" -x 15 "$T/log" "$T/ready" 2>"$T/err"
			[ $? = 0 ] || { echo "the launcher failed"; exit 1; }
			c=$(cut -d" " -f3 "$T/ready")
			[ "$(ppid_of $c)" = 1 ] || { echo "cginit ($c) was not re-parented"; exit 1; }
			"$H/sendsig" 12 $c
			wait_for 20 has_line "$T/log" 12 || { echo "the marker SIGUSR2 never arrived"; exit 1; }
			"$H/sendsig" 15 $c
			wait_for 20 eval "gone $c || [ \"\$(state_of $c)\" = Z ]" || { echo "cginit did not exit"; exit 1; }
			tr "\n" " " <"$T/log"
		' 2>&1) || fail "$variant -p: ${out:-the namespace failed}"
		if [ $variant = with ]; then
			[ "$out" = "10 12 15 " ] ||
				fail "with -p SIGUSR1: the worker got '$out', not '10 12 15' (SIGUSR1 when cginit's parent died)"
		else
			[ "$out" = "12 15 " ] || fail "without -p: the worker got '$out', not '12 15'"
		fi
	done
}

t_grace() {
	# A worker that ignores SIGTERM is killed when the grace expires: 137.
	ns_bg 'exec "$CG" --grace 0.5 -- "$H/recorder" -i 15 "$T/log" "$T/ready"' >"$T/out" 2>"$T/err"
	wait_for 20 test -e "$T/ready" || fail "the worker never got ready"
	local hp
	hp=$(ns_init_hostpid) || fail "cannot find cginit's host pid"
	kill -TERM "$hp"
	ns_wait
	[ "$NS_RC" = 137 ] || fail "--grace with a worker ignoring SIGTERM: exit $NS_RC, not 137: $(head -c 300 "$T/err")"
	grep -q 'grace' "$T/err" || fail "no message about the grace expiring: $(head -c 300 "$T/err")"
	# Without --grace the same worker is left alone: it exits 0 on SIGUSR2.
	rm -f "$T/ready"
	ns_bg 'exec "$CG" -- "$H/recorder" -i 15 -x 12 "$T/log2" "$T/ready"' >"$T/out" 2>"$T/err2"
	wait_for 20 test -e "$T/ready" || fail "the second worker never got ready"
	hp=$(ns_init_hostpid) || fail "cannot find cginit's host pid"
	kill -TERM "$hp"
	kill -USR2 "$hp"
	ns_wait
	[ "$NS_RC" = 0 ] || fail "without --grace, SIGTERM then SIGUSR2: exit $NS_RC, not 0"
	# A worker that exits on SIGTERM: 143, grace or not.
	local rc=0
	in_ns 'exec "$CG" --grace 5 -- sh -c "kill -TERM 1; exec sleep 30"' 2>/dev/null || rc=$?
	[ "$rc" = 143 ] || fail "--grace 5, worker dying of SIGTERM: exit $rc, not 143"
}

# ---- environment and output ------------------------------------------------------

verbosity_case() {
	local label=$1 want=$2
	shift 2
	rm -f "$T/ready" "$T/log"
	ns_bg 'exec "$@" -- "$H/recorder" -x 10 "$T/log" "$T/ready"' "$@" >"$T/out" 2>"$T/err"
	wait_for 20 test -e "$T/ready" || fail "$label: the worker never got ready"
	local hp
	hp=$(ns_init_hostpid) || fail "$label: cannot find cginit's host pid"
	"$H/sendsig" 10 "$hp"
	ns_wait
	[ "$NS_RC" = 0 ] || fail "$label: exit $NS_RC"
	if [ "$want" = yes ]; then
		grep -q '^cginit: forwarded signal 10' "$T/err" ||
			fail "$label: no debug line 'forwarded signal 10' on stderr: $(head -c 300 "$T/err")"
		grep -q '^cginit: worker .* exited with code 0' "$T/err" ||
			fail "$label: no info line about the worker's exit: $(head -c 300 "$T/err")"
	else
		! grep -q 'forwarded signal' "$T/err" || fail "$label: debug lines at the default level"
	fi
	[ ! -s "$T/out" ] || fail "$label: cginit wrote to stdout"
}

t_env_verbosity() {
	verbosity_case "CGINIT_VERBOSITY=3" yes env CGINIT_VERBOSITY=3 "$CG"
	verbosity_case "TINI_VERBOSITY=3" yes env TINI_VERBOSITY=3 "$CG"
	verbosity_case "-vv" yes "$CG" -vv
	verbosity_case "default" no "$CG"
	verbosity_case "CGINIT_VERBOSITY=1" no env CGINIT_VERBOSITY=1 "$CG"
	# Level 0 keeps even the warning quiet.
	local rc=0
	in_ns 'exec env CGINIT_VERBOSITY=0 "$CG" -- "$H/die" code 0' >"$T/o0" 2>"$T/e0" || rc=$?
	[ "$rc" = 0 ] && [ ! -s "$T/e0" ] || fail "CGINIT_VERBOSITY=0: exit $rc, stderr '$(head -c 300 "$T/e0")'"
}

t_stdout_clean() {
	# Every kind of message: the cgroup warning, reaped orphans (-w), debug
	# lines for a forwarded signal, the exit summary; the worker is silent.
	ns_bg 'exec "$CG" -vvv -w -- sh -c "\"\$H/orphans\" 2 1; exec \"\$H/recorder\" -x 10 \"\$T/log\" \"\$T/ready\""' \
		>"$T/out" 2>"$T/err"
	wait_for 20 test -e "$T/ready" || fail "the worker never got ready"
	local hp
	hp=$(ns_init_hostpid) || fail "cannot find cginit's host pid"
	"$H/sendsig" 10 "$hp"
	ns_wait
	[ "$NS_RC" = 0 ] || fail "exit $NS_RC"
	[ ! -s "$T/out" ] || fail "cginit -vvv wrote to stdout: $(head -c 300 "$T/out")"
	local n
	n=$(wc -l <"$T/err")
	[ "$n" -ge 4 ] || fail "expected at least 4 messages on stderr, got $n: $(head -c 300 "$T/err")"
	grep -q 'reaped orphan' "$T/err" || fail "no 'reaped orphan' line on stderr"
	grep -q 'forwarded signal' "$T/err" || fail "no 'forwarded signal' line on stderr"
}

# ---- cgroup modes (no cgroup2 is mounted in the test namespace) --------------------

t_cgroup_auto() {
	# No writable cgroup v2 here (an empty tmpfs on /sys/fs/cgroup): auto
	# is a plain init without a word, as tini would be...
	local rc=0
	in_ns 'exec "$CG" -- sh -c "touch \"\$T/ran\"; exit 3"' >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 3 ] || fail "auto mode: exit $rc, not the worker's 3: $(head -c 300 "$T/err")"
	[ -e "$T/ran" ] || fail "auto mode: the worker did not run"
	[ ! -s "$T/err" ] || fail "auto mode: stderr not empty where there is nothing to do: $(head -c 400 "$T/err")"
	[ ! -s "$T/out" ] || fail "auto mode: cginit wrote to stdout"
	rm -f "$T/ran"
	rc=0
	in_ns 'exec "$CG" --cgroup=auto -- sh -c "touch \"\$T/ran\"; exit 4"' >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 4 ] && [ -e "$T/ran" ] || fail "--cgroup=auto: exit $rc"
	[ ! -s "$T/err" ] || fail "--cgroup=auto: stderr not empty: $(head -c 400 "$T/err")"
	# ...and says why at -v, as information, not as a warning.
	rc=0
	in_ns 'exec "$CG" -v -- true' >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || fail "auto -v: exit $rc"
	grep -q 'no cgroup layout, running as a plain init: no cgroup filesystem' "$T/err" ||
		fail "auto -v: the reason is not said: $(head -c 400 "$T/err")"
	! grep -qi warning "$T/err" || fail "auto -v: a warning where there is nothing to do"
}

t_cgroup_limits_fail_closed() {
	# A limit or --delegate-to asked for is never dropped: without a
	# layout cginit exits 125 before the worker, naming the option, as
	# PID 1 and as a child alike.
	local spec rc
	for spec in "--jobs-pids-max 16" "--sandbox-memory-max 64M" "--jobs-max-depth 2" \
		"--delegate-to 1000:1000"; do
		local args=()
		read -ra args <<<"$spec"
		rm -f "$T/ran"
		rc=0
		in_ns 'exec "$@" -- touch "$T/ran"' "$CG" "${args[@]}" >"$T/out" 2>"$T/err" || rc=$?
		[ "$rc" = 125 ] || fail "$spec as PID 1: exit $rc, not 125"
		[ ! -e "$T/ran" ] || fail "$spec: the worker ran without its limit"
		grep -q -- "${args[0]} needs the cgroup layout" "$T/err" ||
			fail "$spec: the message does not name ${args[0]}: $(head -c 300 "$T/err")"
		rc=0
		in_ns '"$@" -- touch "$T/ran"' "$CG" "${args[@]}" >"$T/out" 2>"$T/err" || rc=$?
		[ "$rc" = 125 ] || fail "$spec as a child: exit $rc, not 125"
		[ ! -e "$T/ran" ] || fail "$spec as a child: the worker ran"
	done
	rc=0
	in_ns 'exec "$CG" --cgroup=off --jobs-pids-max 16 -- touch "$T/ran"' >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 125 ] && [ ! -e "$T/ran" ] || fail "--cgroup=off with a limit: exit $rc, not 125"
}

t_cgroup_require() {
	local spec rc
	for spec in "--cgroup=require" "--cgroup require" "env CGINIT_CGROUP_MODE=require"; do
		local pre=() args=()
		case $spec in
		env*) pre=(env "${spec#env }") ;;
		*) read -ra args <<<"$spec" ;;
		esac
		rm -f "$T/ran"
		rc=0
		in_ns 'exec "$@" -- touch "$T/ran"' "${pre[@]}" "$CG" "${args[@]}" >"$T/out" 2>"$T/err" || rc=$?
		[ "$rc" = 125 ] || fail "$spec as PID 1: exit $rc, not 125"
		[ ! -e "$T/ran" ] || fail "$spec: the worker ran although the bootstrap failed"
		grep -q '^cginit: ' "$T/err" || fail "$spec: no error message on stderr"
		# Also when not PID 1: require means require.
		rc=0
		in_ns '"$@" -- touch "$T/ran"' "${pre[@]}" "$CG" "${args[@]}" >"$T/out" 2>"$T/err" || rc=$?
		[ "$rc" = 125 ] || fail "$spec as a child: exit $rc, not 125"
		[ ! -e "$T/ran" ] || fail "$spec as a child: the worker ran"
	done
}

t_cgroup_check() {
	local rc=0
	in_ns 'exec "$CG" --check' >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 1 ] || fail "--check exited $rc, not 1, with no cgroup2 mounted"
	cat "$T/out" "$T/err" >"$T/all"
	grep -q '^require mode:' "$T/all" || fail "--check printed no 'require mode:' line: $(head -c 300 "$T/all")"
	grep -q '^require mode: *would fail' "$T/all" || fail "--check does not say require mode would fail"
	grep -q '^reason:' "$T/all" || fail "--check printed no 'reason:' line: $(head -c 300 "$T/all")"
	rc=0
	in_ns '"$CG" --check' >"$T/out2" 2>&1 || rc=$?
	[ "$rc" = 1 ] || fail "--check not as PID 1 exited $rc, not 1"
}

t_cgroup_off() {
	local rc=0
	in_ns 'exec "$CG" --cgroup=off -- sh -c "touch \"\$T/ran\"; exit 3"' >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 3 ] || fail "--cgroup=off: exit $rc, not 3"
	[ -e "$T/ran" ] || fail "--cgroup=off: the worker did not run"
	! grep -qi warning "$T/err" || fail "--cgroup=off printed a warning: $(head -c 300 "$T/err")"
	[ ! -s "$T/err" ] || fail "--cgroup=off printed: $(head -c 300 "$T/err")"
	rm -f "$T/ran"
	rc=0
	in_ns 'exec env CGINIT_CGROUP_MODE=off "$CG" -- sh -c "touch \"\$T/ran\"; exit 0"' >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] && [ -e "$T/ran" ] && [ ! -s "$T/err" ] || fail "CGINIT_CGROUP_MODE=off: exit $rc, stderr '$(head -c 300 "$T/err")'"
}

# ---- the job runner (job.c): what it refuses before any cgroup ------------------
# Running jobs needs a real cgroup v2 tree, so that is VM scenario 18; here
# are the refusals, each with exit 125 and a command that never ran.

# run_job WANT_IN_STDERR ARGS...: cginit --job ARGS must exit 125, say WANT
# on stderr, and not run the command (which would create $T/ran).
run_job() {
	local want=$1 rc=0
	shift
	in_ns 'exec env -u CGINIT_SANDBOX -u CGINIT_BROKER "$CG" --job "$@"' "$@" \
		>"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 125 ] || fail "--job $*: exit $rc, want 125 ($(head -c 300 "$T/err"))"
	grep -qF -- "$want" "$T/err" || fail "--job $*: stderr lacks '$want': $(head -c 300 "$T/err")"
	[ ! -e "$T/ran" ] || fail "--job $*: the command ran"
}

t_job_refusals() {
	run_job "no command given"
	run_job "no command given" --pids-max 4
	run_job "invalid --pids-max '4M'" --pids-max 4M touch "$T/ran"
	run_job "invalid --memory-max 'lots'" --memory-max=lots touch "$T/ran"
	run_job "invalid --cpu-max '50000 10'" --cpu-max "50000 10" touch "$T/ran"
	run_job "invalid --time-limit 'soon'" --time-limit soon touch "$T/ran"
	run_job "invalid --wall-limit '0'" --wall-limit 0 touch "$T/ran"
	run_job "invalid --json-fd 'x'" --json-fd x touch "$T/ran"
	run_job "option --json needs a value" --json
	run_job "unknown option --bogus" --bogus touch "$T/ran"
	run_job "exclude each other" --no-broker --require-broker touch "$T/ran"
	grep -qF "See 'cginit --job --help'." "$T/err" || fail "no pointer to --job --help: $(cat "$T/err")"
}

# Without a layout, without a broker that answers, or a broker that is
# required and absent: an internal error, in the JSON verdict too.
t_job_fails_closed() {
	run_job "no cgroup to make the job in" --json "$T/v" touch "$T/ran"
	grep -q '^{"cginit_job":1,"status":"internal_error",.*"error":"no cgroup to make the job in' "$T/v" ||
		fail "verdict without a layout: $(cat "$T/v")"
	run_job "CGINIT_BROKER is not set" --require-broker touch "$T/ran"
	local rc=0
	in_ns 'CGINIT_BROKER=@cginit-broker-nobody exec "$CG" --job --json "$1" touch "$2"' \
		"$T/v2" "$T/ran" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 125 ] || fail "an absent broker: exit $rc, want 125"
	grep -qF "cannot get a job cgroup from the broker: connect to the broker @cginit-broker-nobody" "$T/err" ||
		fail "an absent broker: $(cat "$T/err")"
	[ ! -e "$T/ran" ] || fail "the command ran without the broker it was told to use"
	grep -q '"limits_set_by":"broker"' "$T/v2" || fail "verdict with an absent broker: $(cat "$T/v2")"
}

# --job only as cginit's first argument, or through a link named
# cginit-job; `cginit job` and `cginit -- --job` still run a command.
t_job_spellings() {
	local rc=0
	in_ns 'exec "$CG" --job --help' >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] && grep -q '^Usage: cginit --job' "$T/out" || fail "--job --help: exit $rc: $(head -c 200 "$T/out")"
	ln -s "$CG" "$T/cginit-job"
	rc=0
	in_ns 'exec "$1" --help' "$T/cginit-job" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] && grep -q '^Usage: cginit --job' "$T/out" || fail "cginit-job --help: exit $rc"
	mkdir "$T/bin"
	printf '#!/bin/sh\necho "ran $0 $*"\n' >"$T/bin/job"
	cp "$T/bin/job" "$T/bin/--job"
	chmod +x "$T/bin/job" "$T/bin/--job"
	rc=0
	in_ns 'PATH=$1:$PATH exec "$CG" job x' "$T/bin" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] && grep -q "^ran .*/job x$" "$T/out" || fail "cginit job x: exit $rc: $(cat "$T/out" "$T/err")"
	rc=0
	in_ns 'PATH=$1:$PATH exec "$CG" -- --job y' "$T/bin" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] && grep -q "^ran .*/--job y$" "$T/out" || fail "cginit -- --job y: exit $rc: $(cat "$T/out" "$T/err")"
}
