# Scenario 6: host cgroup namespace (no cgroup namespace, rw cgroupfs).
# cginit must work inside /vmtest/ctr6 only: a sibling cgroup with a
# process in it, the parent and the real root are left as they were.
. /t/lib.sh
ID=ctr6
mkdir -p $CG/vmtest/sib6
sleep 1000 &
sib=$!
echo $sib >$CG/vmtest/sib6/cgroup.procs || bad "setup: cannot move sleeper into sib6"
sleep 1001 &
rootsl=$!
mkbundle $ID --host-cgroupns -- /sbin/cginit -- /bin/sh /t/w6.sh || { bad "mkbundle failed"; finish; exit; }
if ! ctr_create $ID; then
	show_ctr_output
	bad "runc create failed: $(tail -n 3 "$B/stderr" | tr '\n' ' ')"
	finish
	exit
fi
ipid=$(cat "$B/pid")

# snapshot STEM: what must not change, with runc's own changes already made
snapshot() {
	for f in $CG/cgroup.subtree_control $CG/vmtest/cgroup.subtree_control \
		$CG/vmtest/sib6/cgroup.subtree_control $CG/vmtest/sib6/cgroup.procs \
		$CG/vmtest/cgroup.procs; do
		echo "$f: $(cat $f | tr '\n' ' ')"
	done >/tmp/s6.$1
	(cd $CG && find . -type d | grep -v '^\./vmtest/ctr6' | sort) >/tmp/s6.$1.dirs
	cat $CG/cgroup.procs >/tmp/s6.$1.rootprocs
}
snapshot before
runc start $ID || bad "runc start failed"
code=$(reaped_code "$ipid" 60) || { bad "container did not exit"; runc kill $ID KILL; }
snapshot after
echo "exit code: $code"
show_ctr_output
[ "$code" = 0 ] || bad "exit code $code, want 0"
worker_report
cmp -s /tmp/s6.before /tmp/s6.after || {
	diff /tmp/s6.before /tmp/s6.after
	bad "cgroup files outside C changed: $(diff /tmp/s6.before /tmp/s6.after | grep '^[-+]/' | tr '\n' ' ')"
}
cmp -s /tmp/s6.before.dirs /tmp/s6.after.dirs || {
	bad "cgroups outside C changed: $(diff /tmp/s6.before.dirs /tmp/s6.after.dirs | grep '^[-+]\.' | tr '\n' ' ')"
}
# every process of the real root that is still alive is still there
for p in $(cat /tmp/s6.before.rootprocs); do
	[ -d /proc/$p ] || continue
	grep -qx "$p" /tmp/s6.after.rootprocs || bad "pid $p ($(cat /proc/$p/comm)) left the root cgroup"
done
expect() { [ "$1" = "$2" ] || bad "$3: got '$1', want '$2'"; }
expect "$(cat /proc/$sib/cgroup)" "0::/vmtest/sib6" "cgroup of the sibling's process"
expect "$(cat /proc/$rootsl/cgroup)" "0::/" "cgroup of the root's sleeper"
expect "$(cat /proc/1/cgroup)" "0::/" "cgroup of the guest's init"
kill $sib $rootsl
wait $sib $rootsl 2>/dev/null
runc delete -f $ID
rmdir $CG/vmtest/sib6
finish
