# Scenario 13: a compromised worker.  Dockerfile.example's shape
# (--user worker) with limits on jobs/ and on sandbox/; the worker, uid
# 1000, tries every way around them that the first layout allowed, and
# each must fail with the kernel's own error.  The legitimate flow (a job
# cgroup, a limit on it, a child moved in) still works.
. /t/lib.sh
ID=ctr13
mkbundle $ID -- /sbin/cginit --cgroup=require --user worker --jobs-pids-max 16 \
	--jobs-memory-max 32M --sandbox-pids-max 48 --sandbox-memory-max 96M -- /bin/sh /t/w13.sh ||
	{ bad "mkbundle failed"; finish; exit; }
ctr_run_ok $ID
finish
