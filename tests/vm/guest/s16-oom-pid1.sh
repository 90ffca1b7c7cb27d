# Scenario 16: the worker fills the container's memory with a file on a
# tmpfs (charged to it, held by no process; src/fill.c, whose own pages
# are fewer than cginit's) in a container with a memory.max of its own. The OOM killer then has to choose among tiny
# processes; it must never choose cginit, PID 1. (Found by an attack
# review: the kernel chose cginit, and the container died.) Twice:
#  a) Docker's default capabilities, no --sandbox-memory-max: sandbox/ gets
#     C's memory.max less a reserve for init/, so the OOM kill stays in it;
#  b) with CAP_SYS_RESOURCE (as --privileged has) and --sandbox-memory-max
#     max, which turns that default off: cginit takes oom_score_adj -1000,
#     which the worker cannot take too.
. /t/lib.sh

# oom_run ID WANT_ADJ MKBUNDLE_ARGS... -- CGINIT_ARGS...: runs the worker
# w16.sh in a container whose cgroup gets memory.max 48M.
oom_run() {
	local id=$1 want_adj=$2 pre=
	shift 2
	while [ "$1" != -- ]; do
		pre="$pre $1"
		shift
	done
	shift
	# shellcheck disable=SC2086
	mkbundle $id $pre -- /sbin/cginit --cgroup=require --user worker "$@" -- /bin/sh /t/w16.sh "$want_adj" ||
		{ bad "$id: mkbundle failed"; return; }
	if ! ctr_create $id; then
		show_ctr_output
		bad "$id: runc create failed: $(tail -n 3 "$B/stderr" | tr '\n' ' ')"
		return
	fi
	local ipid code kills C=$CG/vmtest/$id
	ipid=$(cat "$B/pid")
	echo 48M >$C/memory.max || bad "$id: setup: cannot set the container's memory.max"
	echo 0 >$C/memory.swap.max 2>/dev/null
	dmesg -c >/dev/null
	runc start $id || bad "$id: runc start failed"
	code=$(reaped_code "$ipid" 120) || { bad "$id: container did not exit"; runc kill $id KILL; }
	echo "$id: exit code $code; sandbox/memory.max was $(cat $C/sandbox/memory.max 2>/dev/null)"
	show_ctr_output
	worker_report
	kills=$(dmesg | grep -E 'Killed process [0-9]+ \(' | sed 's/.*Killed process [0-9]* (\([^)]*\)).*/\1/' | tr '\n' ' ')
	echo "$id: OOM victims: $kills"
	[ -n "$kills" ] || bad "$id: no OOM kill: the attack did not happen"
	case " $kills " in
	*" cginit "*) bad "$id: the OOM killer chose cginit (PID 1): $kills" ;;
	esac
	# cginit lived to report the worker, which the OOM killer took
	[ "$code" = 137 ] || bad "$id: exit code $code, want 137 (the worker OOM-killed)"
	case " $kills " in *" fill "*) ;; *) bad "$id: the filler was not the OOM victim: $kills" ;; esac
	runc delete -f $id 2>/dev/null
}

oom_run ctr16a 0 --
grep -q '^sandbox memory.max 33554432$' "$B/rootfs/t/out/seen" 2>/dev/null ||
	bad "ctr16a: sandbox/memory.max was not C's 48M less 16M: $(cat "$B/rootfs/t/out/seen" 2>/dev/null)"
oom_run ctr16b -1000 --cap CAP_SYS_RESOURCE -- --sandbox-memory-max max
grep -q '^sandbox memory.max max$' "$B/rootfs/t/out/seen" 2>/dev/null ||
	bad "ctr16b: sandbox/memory.max is not max: $(cat "$B/rootfs/t/out/seen" 2>/dev/null)"
finish
