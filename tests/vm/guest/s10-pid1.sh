# Scenario 10 (worker of cginit as the guest's PID 1): the layout in the real
# root cgroup.  Kernel threads are listed in the root's cgroup.procs (45 of
# them on Debian's 6.1 with -smp 1); the per-CPU ones cannot be moved
# (EINVAL), the others can.  Every user process must have left the root,
# and every kernel thread must still be there.
. /t/lib.sh
R=/dev/ttyS1
expect() { [ "$1" = "$2" ] || bad "$3: got '$1', want '$2'"; }
expect "$(cat /proc/self/cgroup)" "0::/sandbox/worker" "/proc/self/cgroup of the worker"
expect "$CGINIT_CGROUP" "/sys/fs/cgroup" "CGINIT_CGROUP"
expect "$CGINIT_SANDBOX" "/sys/fs/cgroup/sandbox/jobs" "CGINIT_SANDBOX"
expect "$(cat /proc/1/comm)" "cginit" "comm of pid 1"
expect "$(cat /proc/1/cgroup)" "0::/init" "cgroup of pid 1"
sl=$(cat /tmp/s10.sleeper)
expect "$(cat /proc/$sl/cgroup 2>/dev/null)" "0::/init" "cgroup of the sleeper that was in the root"
dirs=$(cd $CG && find . -mindepth 1 -type d | sed 's|^\./||' | sort | tr '\n' ' ')
expect "$dirs" "init sandbox sandbox/jobs sandbox/worker " "cgroups under the root"
for d in "" /sandbox /sandbox/jobs; do
	has_tokens $CG$d/cgroup.subtree_control cpu memory pids ||
		bad "$CG$d/cgroup.subtree_control lacks cpu/memory/pids: '$(cat $CG$d/cgroup.subtree_control)'"
done
for d in /sandbox /sandbox/jobs; do
	[ -z "$(cat $CG$d/cgroup.procs)" ] || bad "$CG$d/cgroup.procs not empty"
done
# the root keeps only kernel threads
user=
for p in $(cat $CG/cgroup.procs); do
	is_kthread $p || user="$user $p($(cat /proc/$p/comm 2>/dev/null))"
done
[ -z "$user" ] || bad "user processes left in the root cgroup:$user"
nk_before=0
for p in $(cat /tmp/s10.root.before); do
	is_kthread $p && nk_before=$((nk_before + 1))
done
nk_root=$(for p in $(cat $CG/cgroup.procs); do is_kthread $p && echo; done | wc -l)
moved=
for p in $(cat $CG/init/cgroup.procs); do
	is_kthread $p && moved="$moved $p($(cat /proc/$p/comm))"
done
echo "INFO: kernel threads listed in the root before cginit: $nk_before, now: $nk_root"
echo "INFO: kernel threads that cginit moved into init/:${moved:- none}"
# the kernel lets unbound kernel threads (kswapd0, khugepaged, ...) be
# moved; an init must leave them in the root, as systemd does
[ -z "$moved" ] || bad "kernel threads moved into init/:$moved"
echo "INFO: root cgroup.procs now: $(cat $CG/cgroup.procs | tr '\n' ' ')"
res=$(finish)
echo "$res"
case $res in
"RESULT: PASS") line="PASS: pid1" ;;
*) line="FAIL: pid1: ${res#RESULT: FAIL: }" ;;
esac
echo "$line"
echo "$line" >$R
echo "CGINIT-VM: done" >$R
sync
poweroff -f
