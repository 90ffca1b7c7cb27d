# Scenario 8: --delegate-to 1000:1000; the worker runs as uid 1000 and
# makes a job cgroup, sets a limit and moves its child in, without root.
. /t/lib.sh
ID=ctr8
mkbundle $ID -- /sbin/cginit --delegate-to 1000:1000 -- /t/runas 1000 1000 /bin/sh /t/w8.sh ||
	{ bad "mkbundle failed"; finish; exit; }
ctr_run_ok $ID
finish
