# Worker of scenario 6 (host cgroup namespace): C is /vmtest/ctr6.
. /t/wlib.sh
expect_eq "$(cat /proc/self/cgroup)" "0::/vmtest/ctr6/sandbox/worker" "/proc/self/cgroup of the worker"
expect_eq "$CGINIT_CGROUP" "/sys/fs/cgroup/vmtest/ctr6" "CGINIT_CGROUP"
expect_eq "$CGINIT_SANDBOX" "/sys/fs/cgroup/vmtest/ctr6/sandbox/jobs" "CGINIT_SANDBOX"
check_layout /sys/fs/cgroup/vmtest/ctr6
expect_eq "$(cat /proc/1/cgroup)" "0::/vmtest/ctr6/init" "cgroup of cginit (pid 1)"
wdone
