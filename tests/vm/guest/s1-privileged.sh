# Scenario 1: privileged-like container (rw cgroupfs, private cgroupns) with
# processes already in the container cgroup C when cginit starts.
. /t/lib.sh
ID=ctr1
mkbundle $ID -- /sbin/cginit -- /bin/sh /t/w1.sh || { bad "mkbundle failed"; finish; exit; }
if ! ctr_create $ID; then
	show_ctr_output
	bad "runc create failed: $(tail -n 3 "$B/stderr" | tr '\n' ' ')"
	finish
	exit
fi
ipid=$(cat "$B/pid")
# two sleepers in C before cginit runs (the container's init is blocked in
# runc init until `runc start`)
for i in 1 2; do
	runc exec -d $ID /bin/sleep 1000 || bad "runc exec (before start) failed"
done
echo "C before start: $(cat $CG/vmtest/$ID/cgroup.procs | tr '\n' ' ')"
# more sleepers while cginit boots: one exec started just before `runc
# start`, two more right after
( runc exec -d $ID /bin/sleep 1001 || echo "note: exec during start failed" ) &
e1=$!
runc start $ID || bad "runc start failed"
( for i in 1 2; do runc exec -d $ID /bin/sleep 1002 || echo "note: exec after start failed"; done ) &
e2=$!
wait $e1 $e2
touch "$B/rootfs/t/out/go"
code=$(reaped_code "$ipid" 90) || { bad "container did not exit"; runc kill $ID KILL; }
echo "container exit code: $code, sleepers seen by worker: $(cat "$B/rootfs/t/out/sleepers" 2>/dev/null)"
show_ctr_output
[ "$code" = 0 ] || bad "container exit code $code, want 0"
worker_report
runc delete -f $ID
finish
