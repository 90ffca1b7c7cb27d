# The hostile job of scenario 15: 65534 inside and outside.
. /t/wlib.sh
DENIED="Permission denied"
expect_eq "$(id -u)" 65534 "uid of the job"
expect_eq "$(cat /proc/self/uid_map | tr -s ' ' | sed 's/^ //')" "65534 65534 1" "uid_map of the job"
C=$CGINIT_CGROUP
J=$CGINIT_SANDBOX
mine=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
must_fail "rewrite the container's pids.max" "$DENIED" "echo 123456 >$C/pids.max"
must_fail "rewrite the container's memory.max" "$DENIED" "echo 9999999999 >$C/memory.max"
must_fail "raise jobs/pids.max" "$DENIED" "echo max >$J/pids.max"
must_fail "raise its own cgroup's pids.max (root made it)" "$DENIED" "echo max >$mine/pids.max"
must_fail "mkdir a job cgroup" "$DENIED" "mkdir $J/evil"
must_fail "join init/" "$DENIED" "echo 0 >$C/init/cgroup.procs"
must_fail "leave the container's cgroup" "$DENIED" "echo 0 >/sys/fs/cgroup/cgroup.procs"
exit 0
