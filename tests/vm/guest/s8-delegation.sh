# Scenario 8: --delegate-to 1000:1000; the worker runs as uid 1000 and
# makes a job cgroup, sets a limit and moves its child in, without root.
. /t/lib.sh
ID=ctr8
mkbundle $ID -- /sbin/cginit --delegate-to 1000:1000 -- /t/runas 1000 1000 /bin/sh /t/w8.sh ||
	{ bad "mkbundle failed"; finish; exit; }
ctr_run $ID
code=$?
show_ctr_output
[ "$code" = 0 ] || bad "container exit code $code, want 0"
worker_report
runc delete -f $ID 2>/dev/null
finish
