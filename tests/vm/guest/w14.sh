# Worker of scenario 14: uid 1000, jobs/pids.max 16.  Runs the hostile job
# /t/j14.sh under the nsjail stand-in, twice.
. /t/wlib.sh
J=$CGINIT_SANDBOX
expect_eq "$(id -u)" 1000 "uid of the worker"
# Docker's default /proc is masked, so nsjail needs --disable_proc there.
/t/jail --cgroup-mount "$J" --pids-max 8 --chroot / --disable_proc -- /bin/sh /t/j14.sh visible \
	2>/tmp/jail14.err
rc=$?
cat /tmp/jail14.err >&2
expect_eq "$rc" 0 "exit code of the job with cgroupfs visible"
# the controllers were on already: the sandboxer wrote no subtree_control
grep -q 'wrote' /tmp/jail14.err && wbad "the sandboxer wrote a subtree_control: $(grep wrote /tmp/jail14.err)"
expect_eq "$(cat "$J/pids.max")" 16 "jobs/pids.max after the job"
has_tokens "$J/cgroup.subtree_control" cpu memory pids || wbad "jobs/ lost a controller"
[ -d /sys/fs/cgroup/sandbox/evil ] && wbad "the job made sandbox/evil"

# the recipe of the README: cgroupfs hidden in the jail
/t/jail --cgroup-mount "$J" --pids-max 8 --chroot / --disable_proc --tmpfsmount /sys/fs/cgroup \
	-- /bin/sh /t/j14.sh hidden 2>/tmp/jail14b.err
rc=$?
cat /tmp/jail14b.err >&2
expect_eq "$rc" 0 "exit code of the job with cgroupfs hidden"
left=$(ls -d "$J"/NSJAIL.* 2>/dev/null)
[ -z "$left" ] || wbad "job cgroups left behind: $left"
wdone
