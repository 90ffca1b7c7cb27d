# Worker of scenario 12: seccomp makes clone3 fail, yet the worker is in
# its cgroup before it runs a single instruction of its own.
. /t/wlib.sh
expect_eq "$(awk '$1 == "Seccomp:" { print $2 }' /proc/self/status)" 2 "seccomp mode of the worker"
/sbin/cginit --check >/t/out/check 2>&1
grep clone3 /t/out/check >&2
grep -q '^clone3: *no' /t/out/check || wbad "cginit --check does not see clone3 as missing: $(grep clone3 /t/out/check)"
expect_eq "$(cat /proc/self/cgroup)" "0::/sandbox/worker" "cgroup of the worker"
expect_eq "$(cat /proc/1/cgroup)" "0::/init" "cgroup of cginit, PID 1"
check_layout /sys/fs/cgroup
wdone
