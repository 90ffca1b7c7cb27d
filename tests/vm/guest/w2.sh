# Worker of scenario 2: a fork bomb in a job with pids.max=32.
. /t/wlib.sh
J=$CGINIT_SANDBOX/job1
if ! mkdir "$J"; then
	wbad "mkdir $J failed"
	wdone
	exit 1
fi
echo 32 >"$J/pids.max" || wbad "cannot write pids.max"
sh -c "echo \$\$ >'$J/cgroup.procs' && exec /t/forkbomb" &
sleep 5
cur=$(cat "$J/pids.current")
echo "pids.current during the bomb: $cur" >&2
[ "$cur" -le 32 ] || wbad "pids.current $cur > pids.max 32"
[ "$cur" -ge 16 ] || wbad "bomb did not grow: pids.current $cur"
max=$(awk '$1 == "max" { print $2 }' "$J/pids.events")
echo "pids.events max: $max" >&2
[ "${max:-0}" -gt 0 ] || wbad "pids.events max is '${max}', want > 0"
kill -0 1 || wbad "cginit (pid 1) is gone"

echo 1 >"$J/cgroup.kill" || wbad "writing cgroup.kill failed"
i=0
while grep -q 'populated 1' "$J/cgroup.events" && [ $i -lt 100 ]; do
	usleep 100000
	i=$((i + 1))
done
grep -q 'populated 0' "$J/cgroup.events" || wbad "job1 still populated after cgroup.kill"
[ -z "$(cat "$J/cgroup.procs")" ] || wbad "job1 cgroup.procs not empty after cgroup.kill"
wait
rmdir "$J" || wbad "rmdir $J failed"
wdone
