# Worker of scenario 8, run as uid 1000 in a sandbox delegated to 1000:1000.
. /t/wlib.sh
expect_eq "$(id -u):$(id -g)" "1000:1000" "uid:gid of the worker"
capeff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
expect_eq "$capeff" "0000000000000000" "effective capabilities of the worker"
J=$CGINIT_SANDBOX/jobX
if ! mkdir "$J"; then
	wbad "uid 1000 cannot mkdir $J"
	wdone
	exit 1
fi
echo 16 >"$J/pids.max" || wbad "uid 1000 cannot write $J/pids.max"
expect_eq "$(cat "$J/pids.max")" 16 "pids.max of jobX"
sleep 1000 &
child=$!
echo "$child" >"$J/cgroup.procs" || wbad "uid 1000 cannot move its child into jobX"
expect_eq "$(cat /proc/$child/cgroup)" "0::/sandbox/jobs/jobX" "cgroup of the moved child"
# and the worker really is unprivileged: C itself is not its to change
if (echo "$child" >/sys/fs/cgroup/init/cgroup.procs) 2>/dev/null; then
	wbad "uid 1000 could move a process into init/ (not delegated)"
fi
if (echo +pids >/sys/fs/cgroup/cgroup.subtree_control) 2>/dev/null; then
	wbad "uid 1000 could write C's cgroup.subtree_control"
fi
kill "$child"
wdone
