# Scenario 15: a root worker in the host cgroup namespace, where C's own
# pids.max and memory.max (the container's limits) are in reach.  Its
# sandboxer maps the job to an unprivileged uid outside (the README's
# recipe for a root worker: --user 65534:65534:1 --group 65534:65534:1),
# and with cgroupfs left visible the job still can write nothing.
. /t/lib.sh
ID=ctr15
mkbundle $ID --host-cgroupns -- /sbin/cginit --cgroup=require --jobs-pids-max 16 \
	-- /bin/sh /t/w15.sh || { bad "mkbundle failed"; finish; exit; }
ctr_run_ok $ID
finish
