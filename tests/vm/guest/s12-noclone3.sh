# Scenario 12: clone3 hidden by seccomp (ENOSYS, as Docker's default
# profile does): the worker still starts in sandbox/worker, moved there by
# itself before exec.
. /t/lib.sh
ID=ctr12
mkbundle $ID --no-clone3 -- /sbin/cginit --cgroup=require -- /bin/sh /t/w12.sh ||
	{ bad "mkbundle failed"; finish; exit; }
ctr_run $ID
code=$?
show_ctr_output
[ "$code" = 0 ] || bad "container exit code $code, want 0"
worker_report
runc delete -f $ID 2>/dev/null
finish
