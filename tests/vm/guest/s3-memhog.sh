# Scenario 3: a memory hog in $CGINIT_SANDBOX/job2 with memory.max=32M is
# OOM-killed alone; the worker and cginit live on.
. /t/lib.sh
ID=ctr3
mkbundle $ID -- /sbin/cginit -- /bin/sh /t/w3.sh || { bad "mkbundle failed"; finish; exit; }
ctr_run $ID
code=$?
show_ctr_output
[ "$code" = 0 ] || bad "container exit code $code, want 0 (worker or cginit died?)"
worker_report
runc delete -f $ID 2>/dev/null
finish
