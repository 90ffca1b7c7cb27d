# elib.sh: the guest's side of the engine scenarios (sourced by init2 and
# scenarios.sh; busybox sh). $E is the engine's CLI: docker or podman.
#
# A scenario records every failed check with `bad`, and ends with `finish`
# ("RESULT: PASS" or "RESULT: FAIL: reasons"); init2 makes that the
# PASS:/FAIL: line. Workers in the containers write their own failed
# checks to /t/out/fail (tests/vm/guest/wlib.sh); /t/out is a directory of
# the guest bind-mounted into the container (-v), read by worker_report.

CG=/sys/fs/cgroup
E=${E:-$(cat /t/engine)}
IMG=cginit-test
INIT=/usr/local/bin/cginit-static
FAILS=

bad() {
	FAILS="${FAILS:+$FAILS; }$*"
	echo "check failed: $*"
}

finish() {
	if [ -z "$FAILS" ]; then
		echo "RESULT: PASS"
	else
		echo "RESULT: FAIL: $FAILS"
	fi
}

now_cs() {
	local up
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}" | sed 's/^0*//; s/^$/0/'
}

# engine_start: the engine up and answering (dockerd in the background;
# podman has no daemon, its first `info` sets up the storage)
engine_start() {
	local i=0
	case $E in
	docker)
		dockerd --iptables=false --ip6tables=false --ip-masq=false --bridge=none \
			--userland-proxy=false --storage-driver=vfs --init-path=$INIT \
			--data-root=/var/lib/docker --exec-root=/run/docker \
			-H unix:///run/docker.sock >/tmp/engine.log 2>&1 &
		while ! docker version >/dev/null 2>&1; do
			i=$((i + 1))
			[ $i -gt 300 ] && return 1
			usleep 200000
		done
		;;
	podman)
		podman info >/tmp/engine.log 2>&1 || return 1
		;;
	esac
	return 0
}

engine_version() {
	case $E in
	docker) docker version --format 'client {{.Client.Version}} server {{.Server.Version}}' 2>&1 ;;
	podman) podman version --format '{{.Client.Version}}' 2>&1 ;;
	esac
}

# image_import: cginit-test from /img/rootfs.tar (engines.sh made it)
# with the engine's own import, and "worker", the same rootfs with
# Dockerfile.example's ENTRYPOINT and CMD (--change)
image_import() {
	local ep cmd
	$E import /img/rootfs.tar $IMG || return 1
	if grep -q '^ERROR' /img/dockerfile-changes; then
		echo "no Dockerfile image: $(cat /img/dockerfile-changes)"
	else
		ep=$(sed -n 1p /img/dockerfile-changes)
		cmd=$(sed -n 2p /img/dockerfile-changes)
		$E import --change "$ep" --change "$cmd" /img/rootfs.tar worker || return 1
	fi
	rm -f /img/rootfs.tar
}

# tick WHAT: the time since the scenario began, in its log
tick() {
	echo "[$(awk -v a="${T0:-0}" '{ printf "%.1f", $1 - a }' /proc/uptime) s] $*"
}

# outdir NAME: a fresh /tmp/o/NAME, writable by the worker's uid too;
# sets O to it and V to the -v flag that mounts it on /t/out
outdir() {
	O=/tmp/o/$1
	rm -rf "$O"
	mkdir -p "$O"
	chmod 1777 "$O"
	V="-v $O:/t/out"
}

wait_file() {
	local n=$(($2 * 10))
	while [ ! -e "$1" ]; do
		[ $n -le 0 ] && return 1
		usleep 100000
		n=$((n - 1))
	done
	return 0
}

# fact NAME: a line NAME=... of the worker's $O/facts
fact() {
	sed -n "s|^$1=||p" "$O/facts" 2>/dev/null
}

# ctr_code NAME: the exit code of a stopped container
ctr_code() {
	$E inspect -f '{{.State.ExitCode}}' "$1" 2>/dev/null
}

# ctr_wait NAME SECONDS: wait until the container has stopped (`$E wait`,
# one call rather than a poll, which would cost the one CPU a CLI start
# each time); prints its exit code
ctr_wait() {
	local code
	code=$(timeout "$2" $E wait "$1" 2>/dev/null) || return 1
	echo "$code" | tail -n 1
}

# ctr_find ID: C, the container's cgroup in the guest's tree (docker:
# /docker/ID, podman: /libpod_parent/libpod-ID, with cgroupfs as the
# cgroup manager), found as the cgroup named after the container's id that
# holds cginit's init/; and P, cginit's pid in the guest. No engine CLI
# call: under TCG each one costs a second or two of the one CPU.
ctr_find() {
	local d
	C= P=
	for d in $(find $CG -maxdepth 3 -type d -name "*$1"); do
		[ -d "$d/init" ] && C=${d#$CG}
	done
	[ -n "$C" ] || return 1
	for d in $(cat $CG$C/init/cgroup.procs); do
		[ "$(cat /proc/$d/comm 2>/dev/null)" = cginit ] && P=$d
	done
	[ -n "$P" ]
}

# snapshot FILE: the guest's whole cgroup tree: each cgroup with its
# owner, subtree_control and limits ("d"), and each process with its
# cgroup ("p")
snapshot() {
	local d rel
	: >"$1"
	find $CG -type d | sort | while read -r d; do
		rel=${d#$CG}
		echo "d ${rel:-/} $(stat -c %u:%g "$d") sc=[$(cat "$d/cgroup.subtree_control")]" \
			"pids=$(cat "$d/pids.max" 2>/dev/null) mem=$(cat "$d/memory.max" 2>/dev/null)" \
			"cpu=[$(cat "$d/cpu.max" 2>/dev/null)] freeze=$(cat "$d/cgroup.freeze" 2>/dev/null)" >>"$1"
		for p in $(cat "$d/cgroup.procs"); do
			echo "p $p ${rel:-/}" >>"$1"
		done
	done
}

# compare_outside C BEFORE AFTER: nothing outside C (and its subtree)
# changed between the two snapshots: the same cgroups with the same
# owners, controllers and limits, and every process of BEFORE that still
# lives in AFTER is in the cgroup it was in
compare_outside() {
	local c=$1 b=$2 a=$3 diffs
	awk -v c="$c" '$1 == "d" && $2 != c && index($2, c "/") != 1' "$b" >/tmp/cmp.b
	awk -v c="$c" '$1 == "d" && $2 != c && index($2, c "/") != 1' "$a" >/tmp/cmp.a
	diffs=$(diff /tmp/cmp.b /tmp/cmp.a | grep '^[-+][^-+]' | head -n 6 | tr '\n' ' ')
	[ -z "$diffs" ] || bad "cgroups outside C=$c changed: $diffs"
	diffs=$(awk 'FNR == NR { if ($1 == "p") was[$2] = $3; next }
		$1 == "p" && ($2 in was) && was[$2] != $3 { printf "pid %s moved %s -> %s; ", $2, was[$2], $3 }' "$b" "$a")
	[ -z "$diffs" ] || bad "processes outside C moved: $diffs"
	echo "outside C=$c: $(wc -l </tmp/cmp.a) cgroups as they were; $(grep -c '^p' "$a") processes checked"
}

# worker_report: fold the worker's own checks (wlib.sh) into ours
worker_report() {
	local line
	[ -e "$O/done" ] || bad "worker did not finish its checks"
	if [ -s "$O/fail" ]; then
		while read -r line; do
			bad "worker: $line"
		done <"$O/fail"
	fi
}

# show NAME: the container's output into the scenario log
show() {
	echo "--- $1 logs:"
	$E logs "$1" 2>&1 | tail -n 30
	echo "---"
}

# layout_host C: the layout as the guest sees it: C and the sandbox
# hold no process, cginit in init/, cpu memory pids enabled
layout_host() {
	local c=$CG$1 d pid1=$2
	for d in init sandbox sandbox/worker sandbox/jobs; do
		[ -d "$c/$d" ] || bad "no cgroup $1/$d"
	done
	for d in "" /sandbox /sandbox/jobs; do
		[ -z "$(cat "$c$d/cgroup.procs" 2>/dev/null)" ] || bad "$1$d holds processes: $(cat "$c$d/cgroup.procs" | tr '\n' ' ')"
		for t in cpu memory pids; do
			tr ' ' '\n' <"$c$d/cgroup.subtree_control" 2>/dev/null | grep -qx $t ||
				bad "$1$d/cgroup.subtree_control lacks $t"
		done
	done
	if [ -n "$pid1" ]; then
		grep -qx "$pid1" "$c/init/cgroup.procs" 2>/dev/null || bad "cginit (pid $pid1) is not in $1/init"
	fi
	[ -n "$(cat "$c/sandbox/worker/cgroup.procs" 2>/dev/null)" ] || bad "$1/sandbox/worker holds no process"
}
