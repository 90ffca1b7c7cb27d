# Worker of scenario 11, started by Dockerfile.example's ENTRYPOINT
# (/sbin/cginit --cgroup=require --user worker --): it must run as the user
# worker, in sandbox/worker, and own $CGINIT_SANDBOX enough to make a job
# cgroup, limit it and move a process into it.
. /t/wlib.sh
uid=$(awk -F: '$1 == "worker" { print $3 }' /etc/passwd)
gid=$(awk -F: '$1 == "worker" { print $4 }' /etc/passwd)
expect_eq "$(id -u):$(id -g)" "$uid:$gid" "uid:gid of the worker (worker in /etc/passwd)"
expect_eq "$(id -un)" "worker" "user name of the worker"
capeff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
expect_eq "$capeff" "0000000000000000" "effective capabilities of the worker"
expect_eq "$(cat /proc/self/cgroup)" "0::/sandbox/worker" "cgroup of the worker"
expect_eq "$(cat /proc/1/cgroup)" "0::/init" "cgroup of cginit, PID 1"
expect_eq "${CGINIT_SANDBOX-unset}" "/sys/fs/cgroup/sandbox/jobs" "CGINIT_SANDBOX"
home=$(awk -F: '$1 == "worker" { print $6 }' /etc/passwd)
# runc hands the root process HOME=/root; cginit gives the worker its own.
expect_eq "${HOME-unset}" "$home" "HOME of the worker"
echo "worker environment: HOME=${HOME-unset} CGINIT_CGROUP=${CGINIT_CGROUP-unset}"
if [ ! -d "$CGINIT_SANDBOX" ]; then
	wbad "\$CGINIT_SANDBOX ($CGINIT_SANDBOX) is not a directory"
	wdone
	exit 1
fi
# the minimal delegation: the jobs/ directory and the common ancestor's
# cgroup.procs are the worker's; everything else of the layout is root's
for f in "$CGINIT_SANDBOX" /sys/fs/cgroup/sandbox/cgroup.procs; do
	expect_eq "$(stat -c %u:%g "$f")" "$uid:$gid" "owner of $f"
done
for f in /sys/fs/cgroup/sandbox "$CGINIT_SANDBOX/cgroup.procs" \
	"$CGINIT_SANDBOX/cgroup.subtree_control" "$CGINIT_SANDBOX/pids.max" \
	/sys/fs/cgroup/sandbox/cgroup.subtree_control /sys/fs/cgroup/sandbox/worker \
	/sys/fs/cgroup/sandbox/worker/cgroup.procs; do
	expect_eq "$(stat -c %u:%g "$f")" "0:0" "owner of $f"
done
# --user means least privilege: no bounding set, no_new_privs
expect_eq "$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)" "0000000000000000" \
	"bounding set of the worker"
expect_eq "$(awk '$1 == "NoNewPrivs:" { print $2 }' /proc/self/status)" "1" \
	"no_new_privs of the worker"
J=$CGINIT_SANDBOX/job1
if ! mkdir "$J"; then
	wbad "worker cannot mkdir $J"
	wdone
	exit 1
fi
echo 32 >"$J/pids.max" || wbad "worker cannot write $J/pids.max"
expect_eq "$(cat "$J/pids.max")" 32 "pids.max of job1"
echo 64M >"$J/memory.max" || wbad "worker cannot write $J/memory.max"
expect_eq "$(cat "$J/memory.max")" 67108864 "memory.max of job1"
sleep 1000 &
child=$!
echo "$child" >"$J/cgroup.procs" || wbad "worker cannot move its child into job1"
expect_eq "$(cat /proc/$child/cgroup)" "0::/sandbox/jobs/job1" "cgroup of the moved child"
kill "$child"
wait "$child" 2>/dev/null
wdone
