# Scenario 2: a fork bomb in $CGINIT_SANDBOX/job1 with pids.max=32 is
# contained; cgroup.kill empties the job.
. /t/lib.sh
ID=ctr2
mkbundle $ID -- /sbin/cginit -- /bin/sh /t/w2.sh || { bad "mkbundle failed"; finish; exit; }
ctr_run $ID
code=$?
show_ctr_output
[ "$code" = 0 ] || bad "container exit code $code, want 0"
worker_report
runc delete -f $ID 2>/dev/null
finish
