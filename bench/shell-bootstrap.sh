#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/shell-bootstrap.sh [--xargs] [--cgroup C] [-- CMD [ARGS...]]: the
# cgroup v2 bootstrap as container entrypoints do it today in shell (the
# Docker-in-Docker way), written here as the baseline that metric 7 of
# bench/run.sh times cginit against. Like an entrypoint, it execs CMD once
# the tree is ready.
#
#   1. make C/init;
#   2. read C/cgroup.procs and write each pid to C/init/cgroup.procs, one pid
#      per write (the kernel takes one per write), and read again, until
#      C/cgroup.procs is empty;
#   3. write "+cpu +memory +pids" to C/cgroup.subtree_control.
#
# C (--cgroup) defaults to the cgroup this shell is in (the 0:: line of
# /proc/self/cgroup under /sys/fs/cgroup), which is what cginit uses too.
# Like the original it has no bound on rounds: it loops for as long as new
# processes keep arriving. It uses the shell's builtin echo, so each pid
# costs one open+write+close and no fork: the fastest shell form, which
# makes the ratio to cginit conservative. With --xargs it instead moves the
# pids as the docker:dind entrypoint does, in one pass through `xargs -rn1`,
# which runs echo once per pid: a process each with GNU xargs, while
# busybox's (the guest's, and that of Alpine-based dind images) runs its
# echo applet in-process, so the pass costs about one write per pid.
#
# Exit status: CMD's, or 0 without one; 1 when the final write to
# subtree_control failed (CMD is then not run).

set -u

mode=loop
C=
while [ $# -gt 0 ]; do
	case $1 in
	--xargs) mode='xargs' ;;
	--cgroup) C=${2:?--cgroup needs a directory}; shift ;;
	--) shift; break ;;
	*) echo "shell-bootstrap: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

if [ -z "$C" ]; then
	C=
	while IFS= read -r line; do
		case $line in
		0::*) C=/sys/fs/cgroup${line#0::} ;;
		esac
	done </proc/self/cgroup
	[ -n "$C" ] || {
		echo "shell-bootstrap: no cgroup v2 entry in /proc/self/cgroup" >&2
		exit 1
	}
	C=${C%/}
fi

mkdir -p "$C/init"

if [ $mode = xargs ]; then
	xargs -rn1 <"$C/cgroup.procs" >"$C/init/cgroup.procs" 2>/dev/null || :
else
	while :; do
		pids=$(cat "$C/cgroup.procs")
		[ -n "$pids" ] || break
		for pid in $pids; do
			# ESRCH (gone) and EINVAL (still being made) are
			# skipped; the next round sees what is left
			echo "$pid" >"$C/init/cgroup.procs" 2>/dev/null || :
		done
	done
fi

echo "+cpu +memory +pids" >"$C/cgroup.subtree_control" || exit 1
[ $# -eq 0 ] || exec "$@"
