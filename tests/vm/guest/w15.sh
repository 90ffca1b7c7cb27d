# Worker of scenario 15: root, host cgroup namespace.
. /t/wlib.sh
expect_eq "$(id -u)" 0 "uid of the worker"
expect_eq "$CGINIT_CGROUP" /sys/fs/cgroup/vmtest/ctr15 "CGINIT_CGROUP"
before=$(cat "$CGINIT_CGROUP/pids.max"):$(cat "$CGINIT_CGROUP/memory.max")
/t/jail --cgroup-mount "$CGINIT_SANDBOX" --pids-max 8 --user 65534:65534:1 --group 65534:65534:1 \
	--chroot / --disable_proc -- /bin/sh /t/j15.sh 2>/tmp/jail15.err
rc=$?
cat /tmp/jail15.err >&2
expect_eq "$rc" 0 "exit code of the job"
expect_eq "$(cat "$CGINIT_CGROUP/pids.max"):$(cat "$CGINIT_CGROUP/memory.max")" "$before" \
	"the container's own pids.max:memory.max after the job"
expect_eq "$(cat "$CGINIT_SANDBOX/pids.max")" 16 "jobs/pids.max after the job"
wdone
