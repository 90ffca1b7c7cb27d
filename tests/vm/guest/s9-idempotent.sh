# Scenario 9: the bootstrap run twice over the same C.  After a bootstrap
# C holds no process (its subtree_control has domain controllers), so no
# second cginit can start in C: runc itself refuses to put a new container
# there (EBUSY on cgroup.procs).  The one cgroup exempt from that rule is
# the real root, so this runs `cginit --cgroup=require` twice in the
# guest's root cgroup, moving itself back between the runs.  It runs last
# in its boot: the first run moves every guest process into /init.
. /t/lib.sh
expect() { [ "$1" = "$2" ] || bad "$3: got '$1', want '$2'"; }

expect "$(cat /proc/self/cgroup)" "0::/" "cgroup of the scenario before the first run"
W='echo "$CGINIT_CGROUP $CGINIT_SANDBOX $(cat /proc/self/cgroup)" >'
/sbin/cginit --cgroup=require -- /bin/sh -c "$W/tmp/s9.w1"
rc=$?
echo "first run: exit code $rc, worker saw: $(cat /tmp/s9.w1 2>/dev/null)"
if [ $rc != 0 ]; then
	bad "first run: exit code $rc"
	finish
	exit
fi
expect "$(cat /tmp/s9.w1)" "/sys/fs/cgroup /sys/fs/cgroup/sandbox/jobs 0::/sandbox/worker" "first run: worker's view"
expect "$(cat /proc/self/cgroup)" "0::/init" "cgroup of the scenario after the first run"

# a job made between the runs, with a limit and a process: a second
# bootstrap must leave it alone
mkdir $CG/sandbox/jobs/keep && echo 7 >$CG/sandbox/jobs/keep/pids.max || bad "cannot make jobs/keep"
sleep 1000 &
keeper=$!
echo $keeper >$CG/sandbox/jobs/keep/cgroup.procs || bad "cannot move a process into jobs/keep"
sh /t/snap9.sh /tmp/s9.before
echo "layout before the second run:"
sed 's/^/    /' /tmp/s9.before

# The first run's shutdown wrote sandbox/cgroup.kill, so worker/ has been
# killed once and init/ never: the trigger of the clone3 SIGKILL of
# scenario 17 on an affected kernel.
# back into the root cgroup (allowed: the root has no internal-process rule)
echo $$ >$CG/cgroup.procs || bad "cannot move back into the root cgroup"
expect "$(cat /proc/self/cgroup)" "0::/" "cgroup of the scenario before the second run"
/sbin/cginit --cgroup=require -v -- /bin/sh -c "sh /t/snap9.sh /tmp/s9.after; $W/tmp/s9.w2" 2>/tmp/s9.err2
rc=$?
echo "second run: exit code $rc, worker saw: $(cat /tmp/s9.w2 2>/dev/null)"
# -v: on a kernel with the clone3 cgroup.kill bug (README.md, "Kernels")
# cginit says here that it started the worker with fork and a move
sed 's/^/    second run: /' /tmp/s9.err2
[ $rc = 0 ] || bad "second run: exit code $rc"
expect "$(cat /tmp/s9.w2 2>/dev/null)" "/sys/fs/cgroup /sys/fs/cgroup/sandbox/jobs 0::/sandbox/worker" "second run: worker's view"
expect "$(cat /proc/self/cgroup)" "0::/init" "cgroup of the scenario after the second run"
if ! cmp -s /tmp/s9.before /tmp/s9.after; then
	diff /tmp/s9.before /tmp/s9.after
	bad "layout changed by the second run: $(diff /tmp/s9.before /tmp/s9.after | grep '^[-+][^-+]' | tr '\n' ' ')"
fi
# (on exit cginit kills its sandbox, so the job's process is gone by now)
kill $keeper 2>/dev/null
wait $keeper 2>/dev/null
finish
