# Scenario 2: a fork bomb in $CGINIT_SANDBOX/job1 with pids.max=32 is
# contained; cgroup.kill empties the job.
. /t/lib.sh
ID=ctr2
mkbundle $ID -- /sbin/cginit -- /bin/sh /t/w2.sh || { bad "mkbundle failed"; finish; exit; }
ctr_run_ok $ID
finish
