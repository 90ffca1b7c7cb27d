# Worker of scenario 13: uid 1000, limits on jobs/ (16 pids, 32M) and on
# sandbox/ (48 pids, 96M).  Every escape attempt must fail.
. /t/wlib.sh
S=/sys/fs/cgroup/sandbox
J=$CGINIT_SANDBOX
expect_eq "$(id -u)" 1000 "uid of the worker"
expect_eq "$J" "$S/jobs" "CGINIT_SANDBOX"
expect_eq "$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)" 0000000000000000 "CapBnd"
expect_eq "$(awk '$1 == "NoNewPrivs:" { print $2 }' /proc/self/status)" 1 "NoNewPrivs"
DENIED="Permission denied"

# while jobs/ is empty, so that only permission can stop it
must_fail "rmdir jobs/ (to make it again without limits)" "$DENIED" "rmdir $J"
must_fail "mkdir an unlimited sibling of jobs/" "$DENIED" "mkdir $S/evil"
# a controller off and on again re-creates the limit files below, owned
# by the writer: neither subtree_control may be written
must_fail "-pids in sandbox/cgroup.subtree_control" "$DENIED" "echo -pids >$S/cgroup.subtree_control"
must_fail "-pids in jobs/cgroup.subtree_control" "$DENIED" "echo -pids >$J/cgroup.subtree_control"
must_fail "-memory in jobs/cgroup.subtree_control" "$DENIED" "echo -memory >$J/cgroup.subtree_control"
for f in pids.max memory.max cpu.max cgroup.max.descendants cgroup.max.depth; do
	must_fail "raise jobs/$f" "$DENIED" "echo max >$J/$f"
	must_fail "raise sandbox/$f" "$DENIED" "echo max >$S/$f"
done
must_fail "mkdir in the worker's own cgroup" "$DENIED" "mkdir $S/worker/sub"
must_fail "chmod a limit file of jobs/" "Operation not permitted" "chmod 666 $J/pids.max"
must_fail "move the worker into init/" "$DENIED" "echo \$\$ >/sys/fs/cgroup/init/cgroup.procs"
must_fail "write C's subtree_control" "$DENIED" "echo -pids >/sys/fs/cgroup/cgroup.subtree_control"
expect_eq "$(cat $J/pids.max)" 16 "jobs/pids.max after the attempts"
expect_eq "$(cat $S/pids.max)" 48 "sandbox/pids.max after the attempts"
has_tokens "$J/cgroup.subtree_control" cpu memory pids || wbad "jobs/ lost a controller"

# the legitimate flow: one cgroup per job, a limit, a child moved in
J1=$J/j1
mkdir "$J1" || wbad "mkdir $J1 failed"
echo 8 >"$J1/pids.max" || wbad "cannot write j1/pids.max"
expect_eq "$(cat "$J1/pids.max")" 8 "j1/pids.max"
sleep 1000 &
child=$!
echo "$child" >"$J1/cgroup.procs" || wbad "cannot move a child into j1"
expect_eq "$(cat /proc/$child/cgroup)" "0::/sandbox/jobs/j1" "cgroup of the moved child"

# with a job running: it may not go back to the worker, nor to another job
must_fail "move a job's process into sandbox/worker" "$DENIED" "echo $child >$S/worker/cgroup.procs"
mkdir "$J/j2" || wbad "mkdir $J/j2 failed"
must_fail "move a job's process into another job" "$DENIED" "echo $child >$J/j2/cgroup.procs"
must_fail "move a job's process into jobs/ itself" "$DENIED" "echo $child >$J/cgroup.procs"
# sandbox/cgroup.procs is the worker's, but nothing can live in sandbox/
must_fail "move a job's process into sandbox/" "Device or resource busy" "echo $child >$S/cgroup.procs"
must_fail "threaded move into sandbox/" "$DENIED" "echo $child >$S/cgroup.threads"
expect_eq "$(cat /proc/$child/cgroup)" "0::/sandbox/jobs/j1" "cgroup of the job after the attempts"

# a job may raise its own cgroup's limit (the worker owns it), but jobs/
# still caps every job together: a fork bomb in j2, whose own pids.max is
# now max, stays at jobs/pids.max 16 (j1's sleeper counts too)
echo max >"$J/j2/pids.max" || wbad "cannot raise j2/pids.max (the worker's own)"
sh -c "echo \$\$ >$J/j2/cgroup.procs && exec /t/forkbomb" &
usleep 3000000
cur=$(cat "$J/pids.current")
echo "jobs/pids.current during a fork bomb in j2 (pids.max max): $cur (jobs/pids.max 16)"
[ "$cur" -le 16 ] || wbad "jobs/pids.current $cur > jobs/pids.max 16"
[ "$cur" -ge 8 ] || wbad "the bomb did not grow: jobs/pids.current $cur"
# 6.1 counts a refused fork in the forking task's own cgroup (j2); later
# kernels also count it where the limit was hit (jobs/)
max=$(cat "$J/j2/pids.events" "$J/pids.events" | awk '$1 == "max" { n += $2 } END { print n + 0 }')
[ "$max" -gt 0 ] || wbad "pids.events of j2 and jobs/: max is $max, want > 0"
echo 1 >"$J/j2/cgroup.kill" || wbad "cannot kill j2"
kill "$child"
wait 2>/dev/null

# and the worker and all jobs together stay under sandbox/pids.max: a fork
# bomb in the worker's own cgroup (no limit of its own) stops at 48. It
# leads a process group of its own, so that one kill ends it.
sh -c "exec setsid /t/forkbomb" &
bomb=$!
usleep 3000000
# read, not $(cat): the bomb shares this cgroup, so it may leave no pid to fork
read -r cur <"$S/pids.current"
echo "sandbox/pids.current during a fork bomb in the worker: $cur (sandbox/pids.max 48)"
[ "$cur" -le 48 ] || wbad "sandbox/pids.current $cur > sandbox/pids.max 48"
[ "$cur" -ge 24 ] || wbad "the bomb did not grow: sandbox/pids.current $cur"
i=0
while kill -9 -- "-$bomb" 2>/dev/null && [ $i -lt 50 ]; do
	usleep 100000
	i=$((i + 1))
done
wait 2>/dev/null
# (an unprivileged worker may not signal PID 1, so look, do not kill -0)
[ -d /proc/1 ] && grep -q '^Name:.*cginit' /proc/1/status || wbad "cginit (pid 1) is gone"
i=0
while ! rmdir "$J/j2" 2>/dev/null && [ $i -lt 50 ]; do
	usleep 100000
	i=$((i + 1))
done
[ -d "$J/j2" ] && wbad "cannot rmdir j2"
rmdir "$J1" || wbad "cannot rmdir j1"
wdone
