# Scenario 12: clone3 hidden by seccomp (ENOSYS, as Docker's default
# profile does): the worker still starts in sandbox/worker, moved there by
# itself before exec.
. /t/lib.sh
ID=ctr12
mkbundle $ID --no-clone3 -- /sbin/cginit --cgroup=require -- /bin/sh /t/w12.sh ||
	{ bad "mkbundle failed"; finish; exit; }
ctr_run_ok $ID
finish
