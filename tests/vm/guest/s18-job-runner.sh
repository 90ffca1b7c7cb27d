# Scenario 18: cginit --job under cginit as PID 1 with --user worker, so
# through the root broker: each job's verdict (accepted, nonzero exit,
# pids.max, memory limit with oom_kill, CPU and wall time limits), a
# setsid daemon that leaves nothing behind, a job with the worker's uid
# that tries to lift its limits and leave its cgroup, and the runner
# without the broker, which says so.
. /t/lib.sh
ID=ctr18
mkbundle $ID -- /sbin/cginit --user worker -- /bin/sh /t/w18.sh ||
	{ bad "mkbundle failed"; finish; exit; }
ctr_run_ok $ID
finish
