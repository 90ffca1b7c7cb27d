# Scenario 5: the parent of the container cgroup does not delegate memory.
# runc enables every controller in the ancestors when it makes the cgroup,
# so memory is taken away between `runc create` and `runc start`.
. /t/lib.sh
ID=ctr5
P=$CG/vmtest5
mkbundle $ID --cgpath /vmtest5/$ID -- /sbin/cginit --cgroup=require -- /bin/sh -c 'touch /t/out/ran' ||
	{ bad "mkbundle failed"; finish; exit; }
if ! ctr_create $ID; then
	show_ctr_output
	bad "runc create failed: $(tail -n 3 "$B/stderr" | tr '\n' ' ')"
	finish
	exit
fi
ipid=$(cat "$B/pid")
echo "parent subtree_control after runc create: $(cat $P/cgroup.subtree_control)"
echo -memory >$P/cgroup.subtree_control || bad "could not take memory away from $P"
echo "parent subtree_control now: $(cat $P/cgroup.subtree_control)"
echo "C's cgroup.controllers now: $(cat $P/$ID/cgroup.controllers)"
has_tokens $P/$ID/cgroup.controllers memory && bad "setup: memory still in C's cgroup.controllers"
has_tokens $P/$ID/cgroup.controllers pids || bad "setup: pids missing from C's cgroup.controllers"
runc start $ID || bad "runc start failed"
code=$(reaped_code "$ipid" 60) || { bad "container did not exit"; runc kill $ID KILL; }
echo "exit code: $code"
show_ctr_output
[ "$code" = 125 ] || bad "exit code $code, want 125"
grep -qw memory "$B/stderr" || bad "stderr does not name memory"
[ -e "$B/rootfs/t/out/ran" ] && bad "the worker ran"
runc delete -f $ID
rmdir $P 2>/dev/null
finish
