#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/vm-guest.sh: /init of the QEMU guest that bench/vm-bootstrap.sh
# boots for metrics 7 and 8. busybox sh, PID 1 of the guest. bench.parts
# (kernel command line, default boot,job) says which run: "job" is
# metric 8, "boot" metric 7; job runs first, before any sleeper exists.
#
# Metric 8 (job runner overhead): a fresh cgroup J under the guest's
# cgroup2 root holds only `cginit --cgroup=require`, PID 1 of a pid and
# mount namespace of its own (bench/jobbench ns), which makes its layout in
# J and starts the broker. Its worker is `jobbench run`, which times
# bench.jobruns runs of each of bench.jobmethods per repetition (see
# jobbench.c) and writes
#   JOB METHOD REP OK MEDIAN_NS MIN_NS | JOB METHOD REP BAD:<why>
#   JOBLEFT NAME (a cgroup left in jobs/)
# which go to /dev/ttyS1 as they are.
#
# Metric 7 (cgroup bootstrap): for K in bench.ks (default 10,100,1000) it
# keeps K sleepers in a pool cgroup. Each trial makes a fresh cgroup C
# under the guest's cgroup2 root, moves the K sleepers into C (not timed),
# then times one bootstrap of C started inside C: the shell loop
# (/bench/shell-bootstrap.sh), the docker:dind one-pass xargs form
# (shell-bootstrap.sh --xargs), `cginit --cgroup=require`, or the C floor
# (/bench/bootfloor). Each ends by exec'ing `vmhelper stamp`, the stand-in
# workload, which notes when it started. The trial then checks the result
# (C empty, K pids in C/init, +cpu +memory +pids enabled in C), moves the
# sleepers back and removes C. One line per trial goes to /dev/ttyS1:
#   TRIAL K METHOD REP OK|BAD:<why> NS_TO_WORKLOAD NS_WHOLE_RUN
# and "BENCH-VM: done" at the end; then the guest powers off.

export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup

R=/dev/ttyS1
CG=/sys/fs/cgroup
H=/bench/vmhelper
S=/tmp/stamp
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1; }
KS=$(arg bench.ks | tr ',' ' ')
KS=${KS:-10 100 1000}
REPS=$(arg bench.reps)
REPS=${REPS:-3}
BOOTREPS=$(arg bench.bootreps)
BOOTREPS=${BOOTREPS:-$REPS}
METHODS=$(arg bench.methods | tr ',' ' ')
METHODS=${METHODS:-shell cginit dind floor floor-layout}
PARTS=$(arg bench.parts | tr ',' ' ')
PARTS=${PARTS:-boot job}
JOBRUNS=$(arg bench.jobruns)
JOBRUNS=${JOBRUNS:-100}
JOBMETHODS=$(arg bench.jobmethods)
JOBMETHODS=${JOBMETHODS:-true,floor,floor-byte,floor-full,nobroker,broker}
part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

report() { echo "$*"; echo "$*" >$R; }
report "BENCH-VM: up $(uname -r); controllers: $(cat $CG/cgroup.controllers)"

echo "+cpu +memory +pids" >$CG/cgroup.subtree_control ||
	report "BENCH-VM: cannot enable +cpu +memory +pids at the root"

# ---- metric 8: the job runner -------------------------------------------
job_bench() {
	local J=$CG/jb st line d
	mkdir $J
	/bench/jobbench ns $J /sbin/cginit --cgroup=require -- \
		/bench/jobbench run /tmp/job.out "$JOBRUNS" "$REPS" "$JOBMETHODS" 2>/tmp/job.err
	st=$?
	if [ -s /tmp/job.out ]; then
		while read -r line; do report "$line"; done </tmp/job.out
	fi
	[ "$st" = 0 ] || report "JOB * 0 BAD:cginit_exit_status_$st:_$(tail -n 1 /tmp/job.err | tr ' ' '_')"
	[ -s /tmp/job.err ] && sed 's/^/job stderr: /' /tmp/job.err | head -n 20
	for d in $(find $J -depth -type d); do rmdir $d; done
	[ -d $J ] && report "BENCH-VM: could not remove $J"
	report "BENCH-VM: job runner done at $(cut -d' ' -f1 /proc/uptime) s"
}
part job && job_bench
part boot || { report "BENCH-VM: done at $(cut -d' ' -f1 /proc/uptime) s"; sync; poweroff -f; }

for k in $KS; do
	mkdir -p $CG/pool$k
	$H spawn "$k" $CG/pool$k || report "BENCH-VM: spawning $k sleepers failed"
done
report "BENCH-VM: sleepers ready at $(cut -d' ' -f1 /proc/uptime) s"

n=0
# trial K METHOD REP: one timed bootstrap of a fresh C holding K sleepers
trial() {
	local k=$1 m=$2 rep=$3 C out st total ready why c d
	n=$((n + 1))
	C=$CG/t$n
	mkdir $C
	$H move $CG/pool$k $C
	case $m in
	shell) out=$($H time $S $C sh /bench/shell-bootstrap.sh -- $H stamp $S 2>/tmp/err) ;;
	dind) out=$($H time $S $C sh /bench/shell-bootstrap.sh --xargs -- $H stamp $S 2>/tmp/err) ;;
	cginit) out=$($H time $S $C /sbin/cginit --cgroup=require -- $H stamp $S 2>/tmp/err) ;;
	floor) out=$($H time $S $C /bench/bootfloor $H stamp $S 2>/tmp/err) ;;
	floor-layout) out=$($H time $S $C /bench/bootfloor -l $H stamp $S 2>/tmp/err) ;;
	*) out="none 0 -1" ;;
	esac
	set -- $out
	st=${1:-none}
	total=${2:-0}
	ready=${3:--1}
	why=
	[ "$st" = 0 ] || why="exit status $st: $(tail -n 1 /tmp/err)"
	[ -z "$why" ] && [ "$ready" = -1 ] && why="the workload never started"
	[ -z "$why" ] && [ -n "$(cat $C/cgroup.procs)" ] && why="C still holds processes"
	[ -z "$why" ] && [ "$($H count $C/init)" != "$k" ] && why="C/init holds $($H count $C/init) pids, not $k"
	if [ -z "$why" ]; then
		for c in cpu memory pids; do
			tr ' ' '\n' <$C/cgroup.subtree_control | grep -qx $c || why="$c not enabled in C"
		done
	fi
	if [ -z "$why" ]; then
		report "TRIAL $k $m $rep OK $ready $total"
	else
		report "TRIAL $k $m $rep BAD:$(echo "$why" | tr ' ' '_') $ready $total"
	fi
	# tear down: sleepers back to the pool, then the tree, leaves first
	for d in $(find $C -depth -type d); do
		[ -n "$(cat $d/cgroup.procs 2>/dev/null)" ] && $H move $d $CG/pool$k
		rmdir $d 2>/dev/null
	done
	[ -d $C ] && report "BENCH-VM: could not remove $C"
}

# warm-up, not reported as a repetition: TCG translates code the first
# time it runs, which would charge whichever method comes first
set -- $KS
for m in $METHODS; do
	trial "$1" "$m" warmup
	trial "$1" "$m" warmup
done

rep=0
while [ $rep -lt "$BOOTREPS" ]; do
	for k in $KS; do
		# rotate the order of the methods from one repetition to the next
		set -- $METHODS
		i=0
		while [ $i -lt $((rep % $#)) ]; do
			first=$1
			shift
			set -- "$@" "$first"
			i=$((i + 1))
		done
		for m in "$@"; do
			trial "$k" "$m" "$rep"
		done
	done
	rep=$((rep + 1))
done
report "BENCH-VM: done at $(cut -d' ' -f1 /proc/uptime) s"
sync
poweroff -f
