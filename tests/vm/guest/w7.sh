# Worker of scenario 7: ignores SIGTERM, runs three jobs that ignore it too.
. /t/wlib.sh
trap '' TERM
for i in 1 2 3; do
	mkdir "$CGINIT_SANDBOX/job$i" || wbad "mkdir job$i failed"
	sh -c "echo \$\$ >'$CGINIT_SANDBOX/job$i/cgroup.procs' && exec sleep 1000" &
done
sleep 1
for i in 1 2 3; do
	[ -n "$(cat "$CGINIT_SANDBOX/job$i/cgroup.procs")" ] || wbad "job$i has no process"
done
wdone
touch "$OUT/ready"
while :; do
	sleep 1
done
