# shellcheck shell=bash
# shellcheck disable=SC2016 # scenario scripts expand their variables inside the namespace
# Shared pieces of the integration tests; sourced by run.sh.
#
# The rule everything here serves: no test may reach this machine's own
# /sys/fs/cgroup. Every scenario runs through in_ns, which gives it a new pid
# and mount namespace (private propagation, its own /proc) and, before the
# scenario's first command, replaces /sys/fs/cgroup with an empty tmpfs. It
# refuses to go on (exit 99) if that did not work.

# Runs inside every namespace before the scenario: the cgroup guard, then a
# few shell functions the scenarios use.
NS_PRELUDE='umount -R /sys/fs/cgroup 2>/dev/null
mount -t tmpfs cginit-test /sys/fs/cgroup || {
	echo "in_ns: cannot mount a tmpfs on /sys/fs/cgroup: refusing to run" >&2; exit 99; }
if [ "$(stat -f -c %T /sys/fs/cgroup)" != tmpfs ] || [ -n "$(ls -A /sys/fs/cgroup)" ]; then
	echo "in_ns: /sys/fs/cgroup is not an empty tmpfs: refusing to run" >&2; exit 99
fi
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
# state_of PID: the state letter of /proc/PID/stat ("" when gone).
state_of() { sed -n "s/.*) \([A-Za-z]\).*/\1/p" "/proc/$1/stat" 2>/dev/null; }
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

# wait_until SECONDS CMD...: polls CMD every 50 ms; 1 if it never succeeded.
wait_until() {
	local n=$(($1 * 20))
	shift
	until "$@"; do
		((n-- > 0)) || return 1
		sleep 0.05
	done
}

has_line() { grep -qxF -- "$2" "$1" 2>/dev/null; }

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

# proc_state PID: the state letter in /proc/PID/stat.
proc_state() {
	local line rest
	read -r line 2>/dev/null <"/proc/$1/stat" || return 1
	rest=${line##*) }
	echo "${rest%% *}"
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
	wait_until 20 test -s "$pidfile" || fail "the namespace did not start"
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
