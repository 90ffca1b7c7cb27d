# Worker of scenario 1 (privileged-like, private cgroupns, processes in C
# before cginit starts).  Waits until the guest has finished its `runc
# exec` sleepers, then checks the layout from inside.
. /t/wlib.sh
i=0
while [ ! -e "$OUT/go" ] && [ $i -lt 600 ]; do
	usleep 100000
	i=$((i + 1))
done
[ -e "$OUT/go" ] || wbad "never got the go signal from the guest"

expect_eq "$(cat /proc/self/cgroup)" "0::/sandbox/worker" "/proc/self/cgroup of the worker"
expect_eq "$CGINIT_CGROUP" "/sys/fs/cgroup" "CGINIT_CGROUP"
expect_eq "$CGINIT_SANDBOX" "/sys/fs/cgroup/sandbox/jobs" "CGINIT_SANDBOX"
check_layout /sys/fs/cgroup
expect_eq "$(cat /proc/1/cgroup)" "0::/init" "cgroup of cginit (pid 1)"

# every sleeper started by `runc exec` (before, during or after the
# bootstrap) must be in init/
n=0
for p in /proc/[0-9]*; do
	[ "$(cat "$p/comm" 2>/dev/null)" = sleep ] || continue
	cg=$(cat "$p/cgroup" 2>/dev/null) || continue
	n=$((n + 1))
	expect_eq "$cg" "0::/init" "cgroup of exec'd sleeper ${p#/proc/}"
done
echo "$n" >"$OUT/sleepers"
[ "$n" -ge 2 ] || wbad "expected at least 2 exec'd sleepers, found $n"
wdone
