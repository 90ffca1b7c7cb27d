# The hostile job of scenario 14, inside the jail: nobody (65534) in its
# own user namespace, which is the worker's uid 1000 outside.
# j14.sh visible: cgroupfs is there; every attempt but raising its own
# cgroup's limit must fail, and jobs/ caps it anyway.
# j14.sh hidden: cgroupfs is a tmpfs of its own; nothing of it is there.
. /t/wlib.sh
CG=/sys/fs/cgroup
S=$CG/sandbox
J=$S/jobs
DENIED="Permission denied"
expect_eq "$(id -u)" 65534 "uid of the job in the jail"
expect_eq "$(cat /proc/self/uid_map | tr -s ' ' | sed 's/^ //')" "65534 1000 1" "uid_map of the job"
if [ "$1" = hidden ]; then
	expect_eq "$(ls -A $CG | tr '\n' ' ')" "" "contents of $CG in the jail"
	# busybox's words for ENOENT on a path's directory
	must_fail "raise jobs/pids.max through a hidden cgroupfs" "nonexistent directory" \
		"echo max >$J/pids.max"
	exit 0
fi
self=$(sed -n 's/^0:://p' /proc/self/cgroup)
case $self in
/sandbox/jobs/NSJAIL.*) ;;
*) wbad "the job is in '$self', not in a jobs/NSJAIL.<pid> cgroup" ;;
esac
mine=$CG$self
expect_eq "$(cat "$mine/pids.max")" 8 "pids.max of the job's own cgroup"

must_fail "raise jobs/pids.max" "$DENIED" "echo max >$J/pids.max"
must_fail "raise jobs/memory.max" "$DENIED" "echo max >$J/memory.max"
must_fail "-pids in jobs/cgroup.subtree_control" "$DENIED" "echo -pids >$J/cgroup.subtree_control"
must_fail "-pids in sandbox/cgroup.subtree_control" "$DENIED" "echo -pids >$S/cgroup.subtree_control"
must_fail "mkdir an unlimited sibling of jobs/" "$DENIED" "mkdir $S/evil"
must_fail "join the worker's cgroup" "$DENIED" "echo 0 >$S/worker/cgroup.procs"
must_fail "join init/" "$DENIED" "echo 0 >$CG/init/cgroup.procs"
mkdir "$J/evil$$" || wbad "mkdir jobs/evil (jobs/ is the worker's uid's to mkdir in)"
must_fail "move itself into a new, unlimited job cgroup" "$DENIED" "echo 0 >$J/evil$$/cgroup.procs"
rmdir "$J/evil$$"
expect_eq "$(sed -n 's/^0:://p' /proc/self/cgroup)" "$self" "the job's cgroup after the attempts"

# its own cgroup is the worker's uid's, so this works: and buys nothing
echo max >"$mine/pids.max" || wbad "the job could not raise its own pids.max (it should)"
expect_eq "$(cat "$mine/pids.max")" max "pids.max of the job's own cgroup, raised"
/t/forkbomb &
usleep 3000000
# read, not $(cat): with the bomb at the limit, this shell cannot fork
read -r cur <"$J/pids.current"
echo "jobs/pids.current during the job's fork bomb: $cur (jobs/pids.max 16)"
[ "$cur" -le 16 ] || wbad "jobs/pids.current $cur > jobs/pids.max 16"
[ "$cur" -ge 12 ] || wbad "the bomb did not grow past the job's old limit 8: $cur"
# the job is PID 1 of its pid namespace: its exit ends the bomb
exit 0
