# Scenario 19: attacks on the job broker, from hostile jobs and a hostile
# worker with the worker's uid (cginit as PID 1, --user worker). What must
# hold: no job ends up in a cgroup whose limits its uid can rewrite, nor
# in another job's or a cgroup of its own; the broker keeps serving after
# junk and floods; a job cannot write its own verdict on --json-fd, nor
# outlive its --wall-limit or --time-limit, nor starve the other runners of
# the broker.
# Each attack is in w19.sh, with what the kernel answered in the log.
. /t/lib.sh
ID=ctr19
mkbundle $ID -- /sbin/cginit --user worker -- /bin/sh /t/w19.sh ||
	{ bad "mkbundle failed"; finish; exit; }
ctr_run_ok $ID
finish
