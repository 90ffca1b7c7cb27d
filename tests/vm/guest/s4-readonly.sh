# Scenario 4: read-only cgroupfs (Docker's unprivileged default).
# --cgroup=require fails with 125 and a "read-only" message before the
# worker runs; --cgroup=auto runs it with exactly one warning line.
. /t/lib.sh
ID=ctr4a
mkbundle $ID --ro-cgroup -- /sbin/cginit --cgroup=require -- /bin/sh -c 'touch /t/out/ran' ||
	{ bad "mkbundle failed"; finish; exit; }
ctr_run $ID
code=$?
echo "require: exit code $code"
show_ctr_output
[ "$code" = 125 ] || bad "require: exit code $code, want 125"
grep -q 'read-only' "$B/stderr" || bad "require: no 'read-only' in stderr"
[ -e "$B/rootfs/t/out/ran" ] && bad "require: the worker ran"
runc delete -f $ID 2>/dev/null

ID=ctr4b
mkbundle $ID --ro-cgroup -- /sbin/cginit --cgroup=auto -- /bin/sh -c 'touch /t/out/ran' ||
	{ bad "mkbundle failed"; finish; exit; }
ctr_run $ID
code=$?
echo "auto: exit code $code"
show_ctr_output
[ "$code" = 0 ] || bad "auto: exit code $code, want 0"
[ -e "$B/rootfs/t/out/ran" ] || bad "auto: the worker did not run"
n=$(grep -c 'warning' "$B/stderr")
[ "$n" = 1 ] || bad "auto: $n stderr lines contain 'warning', want exactly 1"
runc delete -f $ID 2>/dev/null
finish
