#!/bin/bash
# SPDX-License-Identifier: MIT
# Integration tests of --user, --cap-drop, --cap-keep and --no-new-privs, and
# of cginit's own capabilities once the worker runs.
#
#   tests/integration/privdrop.sh [--only NAME]... BINARY...
#
# Needs root. Every scenario runs through lib.sh's in_ns: a new pid and mount
# namespace whose /sys/fs/cgroup is an empty tmpfs (this machine's cgroups
# are never touched), with fake /etc/passwd and /etc/group bind-mounted over
# the real ones inside that namespace only. The worker prints its own
# /proc/PID/status, and each test compares Uid, Gid, Groups, CapInh, CapPrm,
# CapEff, CapBnd, CapAmb and NoNewPrivs with what the options promise.
#
# Prints "PASS: name [binary]" or "FAIL: name [binary]: why" per test and
# binary, then "privdrop: N passed, N failed"; exits 1 if anything failed.
#
# Scenario scripts are single-quoted on purpose: they expand in the namespace.
# shellcheck disable=SC2016
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
H=$REPO/build/helpers
export H REPO
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"

PRIV_TESTS=(
	no_options user_name user_group user_numeric user_numeric_group home_kept home_of_root_replaced
	drop_root keep_root keep_and_drop_root drop_all_root
	user_keep user_keep_drop user_drop user_keep_all
	no_new_privs user_keep_nnp user_escalation_allowed setuid_binary_stays_unprivileged
	bad_input keep_not_held
	cginit_own_caps forward_to_user subreaper_cleanup_user
)

# ---- fixtures -------------------------------------------------------------------

write_dbs() {
	cat >"$T/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		alice:x:1000:1000:Alice:/home/alice:/bin/sh
		bob:x:1001:100::/home/bob:/bin/sh
	EOF
	cat >"$T/group" <<-'EOF'
		root:x:0:
		users:x:100:
		alice:x:1000:
		audio:x:29:bob,alice
		video:x:44:bob
		wheel:x:10:alice
	EOF
}

# The worker: prints its own status (it is the shell, $$) and its HOME.
WORKER='cat /proc/$$/status; echo "HOME=${HOME-unset}"'

# run_cg [ENV=VALUE...] -- CGINIT_ARGS...: cginit as PID 1 of a namespace
# whose /etc/passwd and /etc/group are $T's, running WORKER. Its stdout goes
# to $T/out, its stderr to $T/err, its exit status to RC.
run_cg() {
	local envs=()
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	RC=0
	in_ns 'mount --bind "$T/passwd" /etc/passwd && mount --bind "$T/group" /etc/group || exit 98
		exec env "$@"' "${envs[@]}" "$CG" --cgroup=off "$@" -- sh -c "$WORKER" \
		>"$T/out" 2>"$T/err" </dev/null || RC=$?
}

field() { awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ +/, ""); print; exit }' "$T/out"; }

hex() { printf '%016x' "$1"; }

# expect FIELD VALUE: the worker's status line FIELD is VALUE (words
# separated by single spaces; Cap* values compared as numbers).
expect() {
	local got
	got=$(field "$1")
	[ -n "$got" ] || fail "no $1 line in the worker's status (exit $RC): $(head -c 300 "$T/err")"
	case $1 in
	Cap*) got=$(hex "0x$got") ;;
	esac
	[ "$got" = "$2" ] || fail "$1 is '$got', expected '$2' (cginit args: $ARGS_SHOWN)"
}

expect_ran() {
	[ "$RC" = 0 ] || fail "cginit exited $RC: $(head -c 400 "$T/err")"
	[ ! -s "$T/err" ] || fail "unexpected stderr: $(head -c 400 "$T/err")"
}

bit() { printf '%s' "$((1 << $1))"; }

# Capability numbers (linux/capability.h).
CAP_CHOWN=0 CAP_DAC_OVERRIDE=1 CAP_KILL=5 CAP_SETGID=6 CAP_SETUID=7
CAP_NET_BIND_SERVICE=10 CAP_NET_RAW=13 CAP_SYS_MODULE=16 CAP_SYS_PTRACE=19
CAP_SYS_ADMIN=21

# What cginit itself holds here: the baseline every test compares with.
baseline() {
	in_ns 'cat /proc/$$/status' >"$T/base" 2>/dev/null || fail "cannot read the baseline status"
	BND=0x$(awk '$1 == "CapBnd:" { print $2 }' "$T/base")
	PRM=0x$(awk '$1 == "CapPrm:" { print $2 }' "$T/base")
	INH=0x$(awk '$1 == "CapInh:" { print $2 }' "$T/base")
	[ "$BND" != 0x ] || fail "no CapBnd in the baseline status"
	HELD=$((BND & PRM))
}

# cg ARGS...: run_cg with ARGS and remember them for messages.
cg() {
	ARGS_SHOWN="$*"
	run_cg -- "$@"
}

# ---- tests -----------------------------------------------------------------------

t_no_options() {
	cg
	expect_ran
	expect Uid "0 0 0 0"
	expect Gid "0 0 0 0"
	expect CapBnd "$(hex "$BND")"
	expect CapPrm "$(hex "$PRM")"
	expect CapEff "$(hex "$PRM")"
	expect CapInh "$(hex "$INH")"
	expect CapAmb "$(hex 0)"
	expect NoNewPrivs 0
}

t_user_name() {
	cg --user alice
	expect_ran
	expect Uid "1000 1000 1000 1000"
	expect Gid "1000 1000 1000 1000"
	expect Groups "10 29 1000"
	# --user alone is least privilege: no capability in any set, the
	# bounding set included, and no_new_privs (gosu and su-exec leave the
	# bounding set whole, so a setuid-root binary gets it all back).
	expect CapInh "$(hex 0)"
	expect CapPrm "$(hex 0)"
	expect CapEff "$(hex 0)"
	expect CapAmb "$(hex 0)"
	expect CapBnd "$(hex 0)"
	expect NoNewPrivs 1
	grep -qx 'HOME=/home/alice' "$T/out" || fail "HOME not set from passwd: $(grep HOME= "$T/out")"
}

t_user_escalation_allowed() {
	# The opt-out keeps what --user did before: the bounding and the
	# inheritable set as cginit got them, and no no_new_privs.
	local spec
	for spec in "--allow-privilege-escalation" "env"; do
		if [ "$spec" = env ]; then
			ARGS_SHOWN="CGINIT_ALLOW_PRIVILEGE_ESCALATION=1 --user alice"
			run_cg CGINIT_ALLOW_PRIVILEGE_ESCALATION=1 -- --user alice
		else
			cg --user alice "$spec"
		fi
		expect_ran
		expect Uid "1000 1000 1000 1000"
		expect CapEff "$(hex 0)"
		expect CapInh "$(hex "$INH")"
		expect CapBnd "$(hex "$BND")"
		expect NoNewPrivs 0
	done
	# An explicit --no-new-privs still holds.
	cg --user alice --allow-privilege-escalation --no-new-privs
	expect_ran
	expect NoNewPrivs 1
	expect CapBnd "$(hex "$BND")"
}

# suid_dir: a directory on a filesystem that honours setuid bits, which
# every uid may enter (the suite's own $T is root's alone).
suid_dir() {
	local d
	d=$(mktemp -d "$REPO/build/suid.XXXXXX") || return 1
	chmod 755 "$d"
	if findmnt -n -o OPTIONS -T "$d" | tr ',' '\n' | grep -qx nosuid; then
		rm -rf "$d"
		echo "$REPO/build is on a nosuid mount: cannot test setuid binaries" >&2
		return 1
	fi
	echo "$d"
}

t_setuid_binary_stays_unprivileged() {
	local d
	d=$(suid_dir) || { fail "no directory for a setuid binary"; return; }
	cp "$H/setuid_probe" "$d/probe"
	chown 0:0 "$d/probe"
	chmod 4755 "$d/probe"
	local worker_was=$WORKER
	WORKER="$d/probe"
	# --user: no_new_privs, so the setuid bit gives nothing back.
	cg --user alice
	expect_ran
	grep -qx 'ruid=1000 euid=1000' "$T/out" || fail "--user: the setuid-root probe ran as $(head -n 1 "$T/out")"
	grep -qx 'capeff=0000000000000000' "$T/out" || fail "--user: the setuid-root probe has $(grep capeff "$T/out")"
	# The opt-out restores today's behaviour, as sudo needs: euid 0, and
	# the capabilities of the bounding set.
	cg --user alice --allow-privilege-escalation
	expect_ran
	grep -qx 'ruid=1000 euid=0' "$T/out" || fail "--allow-privilege-escalation: the probe ran as $(head -n 1 "$T/out")"
	grep -q 'capeff=0000000000000000' "$T/out" && fail "--allow-privilege-escalation: the probe has no capability"
	WORKER=$worker_was
	rm -rf "$d"
}

t_user_group() {
	cg --user alice:video
	expect_ran
	expect Uid "1000 1000 1000 1000"
	expect Gid "44 44 44 44"
	expect Groups "44"
	cg --user bob
	expect_ran
	expect Uid "1001 1001 1001 1001"
	expect Gid "100 100 100 100"
	expect Groups "29 44 100"
}

t_user_numeric() {
	cg --user 4242
	expect_ran
	expect Uid "4242 4242 4242 4242"
	expect Gid "4242 4242 4242 4242"
	expect Groups "4242"
	grep -qx 'HOME=/' "$T/out" || fail "HOME is not / for a uid with no entry: $(grep HOME= "$T/out")"
	cg --user 1000
	expect_ran
	expect Uid "1000 1000 1000 1000"
	expect Groups "10 29 1000"
}

t_user_numeric_group() {
	cg --user 4242:4343
	expect_ran
	expect Uid "4242 4242 4242 4242"
	expect Gid "4343 4343 4343 4343"
	expect Groups "4343"
	cg --user 4242:audio
	expect_ran
	expect Gid "29 29 29 29"
}

t_home_kept() {
	ARGS_SHOWN="HOME=/custom --user alice"
	run_cg HOME=/custom -- --user alice
	expect_ran
	grep -qx 'HOME=/custom' "$T/out" || fail "a set HOME was replaced: $(grep HOME= "$T/out")"
}

t_home_of_root_replaced() {
	# runc and Docker hand uid 0 HOME=/root: the user's home replaces it.
	ARGS_SHOWN="HOME=/root --user alice"
	run_cg HOME=/root -- --user alice
	expect_ran
	grep -qx 'HOME=/home/alice' "$T/out" || fail "HOME=/root was kept: $(grep HOME= "$T/out")"
}

t_drop_root() {
	local drop=$(($(bit $CAP_NET_RAW) | $(bit $CAP_SYS_ADMIN)))
	cg --cap-drop net_raw,CAP_SYS_ADMIN
	expect_ran
	expect Uid "0 0 0 0"
	expect CapBnd "$(hex $((BND & ~drop)))"
	expect CapPrm "$(hex $((PRM & ~drop)))"
	expect CapEff "$(hex $((PRM & ~drop)))"
	expect CapInh "$(hex $((INH & ~drop)))"
	expect CapAmb "$(hex 0)"
	expect NoNewPrivs 0
}

t_keep_root() {
	local keep=$(($(bit $CAP_CHOWN) | $(bit $CAP_KILL)))
	cg --cap-keep Chown,kill
	expect_ran
	expect Uid "0 0 0 0"
	expect CapBnd "$(hex $keep)"
	expect CapPrm "$(hex $keep)"
	expect CapEff "$(hex $keep)"
	expect CapInh "$(hex $keep)"
	# Root gets its capabilities from the bounding set at exec: no ambient.
	expect CapAmb "$(hex 0)"
}

t_keep_and_drop_root() {
	cg --cap-keep chown,kill,net_raw --cap-drop net_raw,chown
	expect_ran
	expect CapBnd "$(hex "$(bit $CAP_KILL)")"
	expect CapPrm "$(hex "$(bit $CAP_KILL)")"
	expect CapEff "$(hex "$(bit $CAP_KILL)")"
}

t_drop_all_root() {
	cg --cap-drop all
	expect_ran
	expect Uid "0 0 0 0"
	expect CapBnd "$(hex 0)"
	expect CapPrm "$(hex 0)"
	expect CapEff "$(hex 0)"
	expect CapInh "$(hex 0)"
}

t_user_keep() {
	local keep=$(($(bit $CAP_NET_BIND_SERVICE) | $(bit $CAP_KILL)))
	cg --user alice --cap-keep NET_BIND_SERVICE,cap_kill
	expect_ran
	expect Uid "1000 1000 1000 1000"
	expect Gid "1000 1000 1000 1000"
	expect Groups "10 29 1000"
	expect CapInh "$(hex $keep)"
	expect CapPrm "$(hex $keep)"
	expect CapEff "$(hex $keep)"
	expect CapAmb "$(hex $keep)"
	expect CapBnd "$(hex $keep)"
	expect NoNewPrivs 1
}

t_user_keep_drop() {
	cg --user 4242 --cap-keep kill,chown --cap-drop chown
	expect_ran
	expect Uid "4242 4242 4242 4242"
	expect CapPrm "$(hex "$(bit $CAP_KILL)")"
	expect CapEff "$(hex "$(bit $CAP_KILL)")"
	expect CapAmb "$(hex "$(bit $CAP_KILL)")"
	expect CapBnd "$(hex "$(bit $CAP_KILL)")"
}

t_user_drop() {
	local drop=$(($(bit $CAP_SETUID) | $(bit $CAP_SETGID)))
	cg --user alice --cap-drop setuid,setgid
	expect_ran
	expect Uid "1000 1000 1000 1000"
	expect CapPrm "$(hex 0)"
	expect CapEff "$(hex 0)"
	expect CapAmb "$(hex 0)"
	# --user keeps nothing anyway; --cap-drop takes nothing more away.
	expect CapBnd "$(hex 0)"
	cg --user alice --allow-privilege-escalation --cap-drop setuid,setgid
	expect_ran
	expect CapBnd "$(hex $((BND & ~drop)))"
	cg --user alice --cap-drop all
	expect_ran
	expect CapBnd "$(hex 0)"
	expect CapInh "$(hex 0)"
}

t_user_keep_all() {
	cg --user alice --cap-keep all
	expect_ran
	expect Uid "1000 1000 1000 1000"
	expect CapPrm "$(hex "$HELD")"
	expect CapEff "$(hex "$HELD")"
	expect CapAmb "$(hex "$HELD")"
	expect CapBnd "$(hex "$HELD")"
}

t_no_new_privs() {
	cg --no-new-privs
	expect_ran
	expect NoNewPrivs 1
	expect Uid "0 0 0 0"
	expect CapBnd "$(hex "$BND")"
	expect CapEff "$(hex "$PRM")"
}

t_user_keep_nnp() {
	cg --user alice --cap-keep kill --no-new-privs
	expect_ran
	expect NoNewPrivs 1
	expect CapAmb "$(hex "$(bit $CAP_KILL)")"
	expect CapEff "$(hex "$(bit $CAP_KILL)")"
}

# refused WHAT ARGS...: cginit exits 125, runs no worker, and names WHAT.
refused() {
	local what=$1
	shift
	cg "$@"
	[ "$RC" = 125 ] || fail "$*: exit $RC, not 125"
	[ ! -s "$T/out" ] || fail "$*: the worker ran: $(head -c 200 "$T/out")"
	grep -qF -- "$what" "$T/err" || fail "$*: the message does not name '$what': $(head -c 300 "$T/err")"
}

t_bad_input() {
	refused "unknown user 'mallory'" --user mallory
	refused "unknown group 'nogroup'" --user alice:nogroup
	refused "unknown capability 'frobnicate'" --cap-drop chown,frobnicate
	refused "unknown capability 'CAP_NOPE'" --user alice --cap-keep CAP_NOPE
	refused "invalid --user" --user alice:
	refused "empty capability name" --cap-keep kill,,chown
}

# cginit without CAP_SYS_MODULE in its bounding set cannot keep it.
t_keep_not_held() {
	ARGS_SHOWN="(no sys_module) --cap-keep kill,sys_module"
	RC=0
	in_ns 'exec setpriv --bounding-set -sys_module "$@"' \
		"$CG" --cgroup=off --cap-keep kill,sys_module -- sh -c "$WORKER" \
		>"$T/out" 2>"$T/err" </dev/null || RC=$?
	[ "$RC" = 125 ] || fail "keeping a capability not held: exit $RC, not 125"
	[ ! -s "$T/out" ] || fail "keeping a capability not held: the worker ran"
	grep -qF "sys_module" "$T/err" || fail "the message does not name sys_module: $(head -c 300 "$T/err")"
	# Dropping it is fine: there is nothing to drop.
	RC=0
	in_ns 'exec setpriv --bounding-set -sys_module "$@"' \
		"$CG" --cgroup=off --cap-drop sys_module -- sh -c "$WORKER" \
		>"$T/out" 2>"$T/err" </dev/null || RC=$?
	expect_ran
	expect CapBnd "$(hex $((BND & ~$(bit $CAP_SYS_MODULE))))"
}

# cginit, PID 1, once the worker runs: KILL, DAC_OVERRIDE and SYS_PTRACE,
# whatever it started with; the worker keeps its own.
t_cginit_own_caps() {
	local own=$(($(bit $CAP_KILL) | $(bit $CAP_DAC_OVERRIDE) | $(bit $CAP_SYS_PTRACE)))
	own=$((own & HELD))
	ARGS_SHOWN="(status of PID 1)"
	RC=0
	in_ns 'exec "$@"' "$CG" --cgroup=off -- sh -c 'cat /proc/1/status' \
		>"$T/out" 2>"$T/err" </dev/null || RC=$?
	expect_ran
	expect CapPrm "$(hex $own)"
	expect CapEff "$(hex $own)"
	expect CapInh "$(hex 0)"
	expect CapBnd "$(hex $((own & BND)))"
	RC=0
	in_ns 'exec "$@"' "$CG" --cgroup=off -- sh -c 'cat /proc/$$/status' \
		>"$T/out" 2>"$T/err" </dev/null || RC=$?
	expect_ran
	expect CapEff "$(hex "$PRM")"
	expect CapBnd "$(hex "$BND")"
}

# With only CAP_KILL left, cginit still forwards SIGTERM to a worker of
# another uid, and still reports its death.
t_forward_to_user() {
	ARGS_SHOWN="--user alice, SIGTERM to PID 1"
	RC=0
	in_ns 'mount --bind "$T/passwd" /etc/passwd || exit 98
		"$CG" --cgroup=off --user alice -- sh -c "echo ready; exec sleep 100" >"$T/out" &
		cg=$!
		wait_for 10 grep -q ready "$T/out" || { echo "the worker did not start"; exit 1; }
		kill -TERM $cg
		wait $cg
		echo "cginit exit $?" >"$T/exit"' 2>"$T/err" </dev/null || RC=$?
	[ "$RC" = 0 ] || fail "namespace exit $RC: $(head -c 300 "$T/err")"
	grep -qx 'cginit exit 143' "$T/exit" || fail "SIGTERM not forwarded to the worker: $(cat "$T/exit" 2>/dev/null)"
}

# Not PID 1, cginit is a subreaper and, once the worker is gone, ends what
# the worker left behind, though it runs as another uid.
t_subreaper_cleanup_user() {
	ARGS_SHOWN="--user alice, orphan left behind"
	mkdir -m 1777 "$T/shared"
	RC=0
	in_ns 'mount --bind "$T/passwd" /etc/passwd || exit 98
		"$CG" --cgroup=off --user alice -- sh -c "sleep 100 </dev/null >/dev/null 2>&1 & echo \$! >\"$T/shared/orphan\""
		echo "cginit exit $?" >"$T/exit"
		pid=$(cat "$T/shared/orphan")
		wait_for 5 gone "$pid" || { echo "orphan $pid of uid 1000 survived cginit"; exit 1; }' \
		>"$T/out" 2>"$T/err" </dev/null || RC=$?
	[ "$RC" = 0 ] || fail "$(head -c 300 "$T/out") $(head -c 300 "$T/err")"
	grep -qx 'cginit exit 0' "$T/exit" || fail "$(cat "$T/exit" 2>/dev/null)"
}

# ---- the runner (lib.sh's suite_main) ---------------------------------------------

# Every test starts from the fake user databases and the capabilities cginit
# holds here.
privdrop_prelude() {
	write_dbs
	baseline
}

unset HOME
SUITE=privdrop
SUITE_TESTS=PRIV_TESTS
SUITE_SKIPS_FAIL=1
SUITE_PRELUDE=privdrop_prelude
suite_main "$@"
exit $?
