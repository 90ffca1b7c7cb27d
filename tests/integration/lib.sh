# shellcheck shell=bash
# shellcheck disable=SC2016 # scenario scripts expand their variables inside the namespace
# Shared pieces of the integration tests; sourced by run.sh.
#
# The rule everything here serves: no test may reach this machine's own
# /sys/fs/cgroup. Every scenario runs through in_ns, which gives it a new pid
# and mount namespace (private propagation, its own /proc) and, before the
# scenario's first command, replaces /sys/fs/cgroup with an empty tmpfs. It
# refuses to go on (exit 99) if that did not work.

# The helpers both sides use, once: the test functions here (bash) and the
# scenarios in the namespace (sh), which get them through NS_PRELUDE. So
# they are plain POSIX sh.
COMMON_HELPERS='
# wait_for SECONDS CMD...: polls CMD every 50 ms; fails after SECONDS.
wait_for() {
	_n=$(($1 * 20)); shift
	until "$@"; do
		_n=$((_n - 1)); [ "$_n" -gt 0 ] || return 1
		sleep 0.05
	done
}
# has_line FILE TEXT: FILE has a line that is exactly TEXT.
has_line() { grep -qxF -- "$2" "$1" 2>/dev/null; }
# state_of PID: the state letter of /proc/PID/stat; "" and a failure when
# the process is gone.
state_of() { sed -n "s/.*) \([A-Za-z]\).*/\1/p" "/proc/$1/stat" 2>/dev/null; }
'
eval "$COMMON_HELPERS"

# Runs inside every namespace before the scenario: the cgroup guard, then the
# shell functions the scenarios use.
NS_PRELUDE='umount -R /sys/fs/cgroup 2>/dev/null
mount -t tmpfs cginit-test /sys/fs/cgroup || {
	echo "in_ns: cannot mount a tmpfs on /sys/fs/cgroup: refusing to run" >&2; exit 99; }
if [ "$(stat -f -c %T /sys/fs/cgroup)" != tmpfs ] || [ -n "$(ls -A /sys/fs/cgroup)" ]; then
	echo "in_ns: /sys/fs/cgroup is not an empty tmpfs: refusing to run" >&2; exit 99
fi
'"$COMMON_HELPERS"'
# ppid_of PID
ppid_of() { sed -n "s/^PPid:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null; }
gone() { [ ! -e "/proc/$1" ]; }
'

# in_ns SCRIPT [ARGS...]: runs SCRIPT with sh -c in a fresh namespace, the
# shell being its PID 1; ARGS are $1... there. Returns SCRIPT's status, or 124
# when it ran longer than NS_TIMEOUT seconds (default 60). Everything in the
# namespace is then killed: timeout sends SIGHUP to unshare (which blocks
# SIGTERM and SIGINT while it waits, but dies of SIGHUP), and unshare's
# --kill-child SIGKILLs the namespace's PID 1. A SIGHUP sent to `timeout` does
# the same at any time. With NS_PIDFILE set, the host pid of `timeout` is
# written there; unshare is its child, and the namespace's PID 1 unshare's.
in_ns() {
	local script=$1
	shift
	timeout -s HUP -k 5 "${NS_TIMEOUT:-60}" \
		unshare --pid --kill-child --mount --propagation private --mount-proc \
		sh -c "$NS_PRELUDE$script" in_ns "$@" <&0 &
	local job=$!
	if [ -n "${NS_PIDFILE:-}" ]; then
		echo "$job" >"$NS_PIDFILE.tmp" && mv "$NS_PIDFILE.tmp" "$NS_PIDFILE"
	fi
	local rc=0
	wait "$job" || rc=$?
	[ "$rc" != 124 ] || echo "in_ns: timed out after ${NS_TIMEOUT:-60} s" >&2
	return "$rc"
}

# ---- for the test functions (they run in a subshell each) --------------------

# fail REASON: ends the current test as failed.
fail() {
	printf '%s\n' "$*" >"$T/.reason"
	exit 1
}

# skip REASON: ends the current test as skipped (reported, never silent).
skip() {
	printf '%s\n' "$*" >"$T/.reason"
	exit 77
}

# need PROGRAM...: skips the test (loudly) when a program is missing.
need() {
	local p
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || skip "$p is not installed"
	done
}

# proc_tree: fills KIDS[ppid]="pid pid ..." from one pass over the host's /proc.
declare -A KIDS
proc_tree() {
	local f line rest fields pid
	KIDS=()
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		rest=${line##*) }
		read -ra fields <<<"$rest"
		pid=${f#/proc/}
		pid=${pid%/stat}
		KIDS[${fields[1]}]+=" $pid"
	done
}

# The pids whose parent is $1, from the host's /proc.
children_of() {
	proc_tree
	echo ${KIDS[$1]:-}
}

# status_field PID KEY: a value of /proc/PID/status.
status_field() {
	local k v
	while read -r k v; do
		[ "$k" = "$2:" ] && { echo "$v"; return 0; }
	done <"/proc/$1/status"
	return 1
}

NS_SEQ=0

# ns_bg SCRIPT [ARGS...]: in_ns in the background (redirect its output on the
# call). Sets NS_JOB (for ns_wait) and NS_TIMEOUT_PID (for ns_init_hostpid);
# the runner ends what is left of it after the test.
ns_bg() {
	NS_SEQ=$((NS_SEQ + 1))
	local pidfile="$T/.nspid.$NS_SEQ"
	NS_PIDFILE=$pidfile in_ns "$@" &
	NS_JOB=$!
	wait_for 20 test -s "$pidfile" || fail "the namespace did not start"
	NS_TIMEOUT_PID=$(<"$pidfile")
	echo "$NS_TIMEOUT_PID" >>"$T/.pids"
}

# ns_wait: waits for the last ns_bg; its status is in NS_RC.
# shellcheck disable=SC2034 # NS_RC is read by the tests
ns_wait() {
	NS_RC=0
	wait "$NS_JOB" || NS_RC=$?
}

# ns_init_hostpid: the host pid of the cginit that the last ns_bg started,
# as PID 1 or below it (it may get there through exec or fork): the
# shallowest process under that namespace's `timeout` running $CG_REAL.
# Prints it; 1 if none appeared within 20 s.
ns_init_hostpid() {
	local i level next p c
	for ((i = 0; i < 400; i++)); do
		proc_tree
		level=$NS_TIMEOUT_PID
		for _ in 1 2 3 4 5; do
			next=""
			for p in $level; do
				for c in ${KIDS[$p]:-}; do
					if [ "$(readlink "/proc/$c/exe" 2>/dev/null)" = "$CG_REAL" ]; then
						echo "$c"
						return 0
					fi
					next="$next $c"
				done
			done
			level=$next
		done
		sleep 0.05
	done
	return 1
}

# Signal numbers by name, from bash's own table (x86 and arm agree on these
# but nothing here assumes it).
signum() { kill -l "$1"; }

# ---- the runner of run.sh, robustness.sh and privdrop.sh ----------------------
#
# suite_main ARGS...: [--only NAME]... [--list] BINARY... Runs each selected
# test t_NAME for each binary in a subshell of its own, with T (a temp dir),
# CG and CG_REAL (the binary) exported, and prints "PASS: name [binary]",
# "FAIL: name [binary]: why" or "SKIP: name [binary]: why", then one
# "SUITE: N passed, N failed" line. The caller sets:
#   SUITE           the suite's name (messages, temp dirs, the total line)
#   SUITE_TESTS     the name of the array that lists the tests
#   SUITE_SKIPS_FAIL=1  to count skips as failures (else ", N skipped")
#   SUITE_PRELUDE   optional: a function run in each test's subshell first
# REPO and H (the helpers' directory) must be set; missing or stale helpers
# are built. KEEP=1 keeps the temp dirs of passing tests too.

suite_usage() {
	echo "usage: $0 [--only NAME]... [--list] BINARY..." >&2
	exit 2
}

# suite_selection NAME...: the tests asked for, checked, into SELECTED.
suite_selection() {
	local -n all=$SUITE_TESTS
	local name t found
	SELECTED=()
	[ $# -gt 0 ] || { SELECTED=("${all[@]}"); return; }
	for name in "$@"; do
		found=0
		for t in "${all[@]}"; do [ "$t" = "$name" ] && found=1; done
		[ $found = 1 ] || { echo "$SUITE: no test named '$name' (see --list)" >&2; exit 2; }
		SELECTED+=("$name")
	done
}

# suite_setup: builds the helpers, checks root and the namespace; sets
# SETUP_PROBLEM (every test fails) or NS_PROBLEM (every test is skipped).
suite_setup() {
	local missing=() src name out
	SETUP_PROBLEM="" NS_PROBLEM=""
	for src in "$REPO"/tests/helpers/*.c; do
		name=$(basename "$src" .c)
		[ "$H/$name" -nt "$src" ] || missing+=("build/helpers/$name")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		make -s -C "$REPO" "${missing[@]}" >&2 ||
			SETUP_PROBLEM="cannot build the test helpers (make ${missing[*]})"
	fi
	[ "$(id -u)" = 0 ] || NS_PROBLEM="needs root"
	for name in unshare timeout; do
		[ -n "$NS_PROBLEM" ] || command -v "$name" >/dev/null 2>&1 ||
			NS_PROBLEM="$name is not installed"
	done
	if [ -z "$NS_PROBLEM" ] && [ -z "$SETUP_PROBLEM" ]; then
		out=$(NS_TIMEOUT=20 in_ns 'echo ok' 2>&1)
		[ "$out" = ok ] ||
			NS_PROBLEM="cannot create the test namespace (root and unshare(1) needed): ${out//$'\n'/ }"
	fi
}

# suite_skip LABEL NAME REASON
suite_skip() {
	if [ "${SUITE_SKIPS_FAIL:-0}" = 1 ]; then
		echo "SKIP: $2 [$1]: $3 (counted as a failure)"
	else
		echo "SKIP: $2 [$1]: $3"
	fi
	skipped=$((skipped + 1))
}

# suite_end_namespaces TDIR: ends what a test left running, by the pids of
# the `timeout` processes it started (ns_bg writes them to .pids).
suite_end_namespaces() {
	local p
	[ -f "$1/.pids" ] || return 0
	while read -r p; do
		if kill -0 "$p" 2>/dev/null; then
			kill -HUP "$p" 2>/dev/null
			wait_for 10 eval "! kill -0 $p 2>/dev/null"
		fi
	done <"$1/.pids"
}

suite_run_one() {
	local name=$1 bin=$2 label tdir rc reason
	# The path, short: build/asan/cginit is not ./cginit.
	label=$(cd "$(dirname "$bin")" 2>/dev/null && pwd)/$(basename "$bin")
	label=${label#"$REPO"/}
	if [ -n "$SETUP_PROBLEM" ]; then
		echo "FAIL: $name [$label]: $SETUP_PROBLEM"
		failed=$((failed + 1))
		return
	fi
	[ -z "$NS_PROBLEM" ] || { suite_skip "$label" "$name" "$NS_PROBLEM"; return; }
	if [ ! -x "$bin" ]; then
		echo "FAIL: $name [$label]: $bin is not an executable file"
		failed=$((failed + 1))
		return
	fi
	tdir=$(mktemp -d "${TMPDIR:-/tmp}/cginit-$SUITE.$name.XXXXXX")
	chmod 755 "$tdir"
	(
		T=$tdir
		CG=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
		CG_REAL=$(readlink -f "$CG")
		export T CG CG_REAL
		cd "$T" || exit 1
		[ -z "${SUITE_PRELUDE:-}" ] || "$SUITE_PRELUDE"
		"t_$name"
	) >"$tdir/.log" 2>&1 </dev/null
	rc=$?
	suite_end_namespaces "$tdir"
	reason=$(head -c 2000 "$tdir/.reason" 2>/dev/null | tr '\n' ' ')
	case $rc in
	0)
		echo "PASS: $name [$label]"
		passed=$((passed + 1))
		[ -n "${KEEP:-}" ] || rm -rf "$tdir"
		;;
	77) suite_skip "$label" "$name" "${reason:-no reason given}" ;;
	*)
		echo "FAIL: $name [$label]: ${reason:-the test exited with $rc} (details: $tdir)"
		failed=$((failed + 1))
		;;
	esac
}

# The whole run is one function, parsed before it starts: editing a suite's
# file during a run cannot change what the run does.
suite_main() {
	local only=() bins=() bin name v
	local -n tests=$SUITE_TESTS
	while [ $# -gt 0 ]; do
		case $1 in
		--only) [ $# -ge 2 ] || suite_usage; only+=("$2"); shift 2 ;;
		--only=*) only+=("${1#--only=}"); shift ;;
		--list) printf '%s\n' "${tests[@]}"; exit 0 ;;
		-h | --help) suite_usage ;;
		-*) echo "$SUITE: unknown option $1" >&2; suite_usage ;;
		*) bins+=("$1"); shift ;;
		esac
	done
	[ ${#bins[@]} -gt 0 ] || suite_usage
	suite_selection "${only[@]}"

	# Nothing from the caller's environment may change cginit's behaviour.
	for v in $(compgen -e); do
		case $v in CGINIT_* | TINI_* | LISTEN_PID | LISTEN_FDS | LISTEN_FDNAMES) unset "$v" ;; esac
	done
	export LC_ALL=C
	suite_setup

	passed=0 failed=0 skipped=0
	for bin in "${bins[@]}"; do
		for name in "${SELECTED[@]}"; do
			suite_run_one "$name" "$bin"
		done
	done
	if [ "${SUITE_SKIPS_FAIL:-0}" = 1 ]; then
		failed=$((failed + skipped))
		echo "$SUITE: $passed passed, $failed failed"
	else
		echo "$SUITE: $passed passed, $failed failed, $skipped skipped"
	fi
	[ "$failed" -eq 0 ]
}
