# Scenario 14: a hostile job, run as the README tells a worker to, by a
# sandboxer (src/jail.c, a stand-in for nsjail: new user, pid and mount
# namespaces, a cgroup NSJAIL.<pid> under $CGINIT_SANDBOX, and the job's
# uid mapped to the worker's own outside).  First with cgroupfs visible in
# the jail (an unsafe recipe): the job can raise its own cgroup's limit,
# but nothing else, and jobs/ still caps it.  Then with the safe recipe
# (--tmpfsmount /sys/fs/cgroup): the container's cgroupfs is out of its
# reach (a job that makes a cgroup namespace of its own could still mount
# its own job cgroup, under jobs/'s limits).
. /t/lib.sh
ID=ctr14
mkbundle $ID -- /sbin/cginit --cgroup=require --user worker --jobs-pids-max 16 \
	-- /bin/sh /t/w14.sh || { bad "mkbundle failed"; finish; exit; }
ctr_run_ok $ID
finish
