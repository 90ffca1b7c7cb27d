# Job of scenario 18: runs with the worker's uid in its job cgroup, under
# the broker, and tries to lift its own limits and to leave. Prints one
# "escaped: WHAT" line for each attempt that worked.
me=$(sed -n 's/^0:://p' /proc/self/cgroup)
J=/sys/fs/cgroup$me
echo "job in $me" >&2
for f in pids.max memory.max cpu.max memory.swap.max memory.oom.group; do
	(echo max >"$J/$f") 2>/dev/null && echo "escaped: wrote $f"
done
mkdir "$J/sub" 2>/dev/null && echo "escaped: mkdir below the job"
for d in "$J/.." /sys/fs/cgroup/sandbox /sys/fs/cgroup/sandbox/worker; do
	(echo $$ >"$d/cgroup.procs") 2>/dev/null && echo "escaped: moved into $d"
done
mkdir "$J/../evil" 2>/dev/null && {
	(echo $$ >"$J/../evil/cgroup.procs") 2>/dev/null && echo "escaped: moved into a cgroup of its own"
	rmdir "$J/../evil"
}
now=$(sed -n 's/^0:://p' /proc/self/cgroup)
[ "$now" = "$me" ] || echo "escaped: now in $now"
exit 0
