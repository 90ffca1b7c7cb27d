# Scenario 7: `runc kill ctr7 TERM` with `cginit --grace 2`: the worker and
# its jobs ignore SIGTERM; after the grace cginit kills sandbox/ and exits
# with 137.
. /t/lib.sh
ID=ctr7
S=$CG/vmtest/$ID/sandbox
mkbundle $ID -- /sbin/cginit --grace 2 -- /bin/sh /t/w7.sh || { bad "mkbundle failed"; finish; exit; }
ctr_run $ID &
rp=$!
if ! wait_file "$B/rootfs/t/out/ready" 60; then
	bad "worker never got ready"
	runc kill $ID KILL
	wait $rp
	show_ctr_output
	worker_report
	runc delete -f $ID 2>/dev/null
	finish
	exit
fi
pids=$(cat $S/worker/cgroup.procs $S/jobs/job*/cgroup.procs)
echo "processes in sandbox/: $(echo $pids)"
[ $(echo $pids | wc -w) -ge 4 ] || bad "expected >= 4 processes in sandbox/, got $(echo $pids | wc -w)"
# watch sandbox/ empty out while init/ is still populated (information)
( while :; do
	if grep -q 'populated 0' $S/cgroup.events 2>/dev/null; then
		if grep -q 'populated 1' $S/../init/cgroup.events 2>/dev/null; then
			echo "observed: sandbox/ empty while init/ still populated at $(uptime_cs) cs"
		fi
		break
	fi
	[ -e $S/cgroup.events ] || break
	usleep 20000
done ) &
watcher=$!
t0=$(uptime_cs)
runc kill $ID TERM || bad "runc kill TERM failed"
n=0
while kill -0 $rp 2>/dev/null && [ $n -lt 300 ]; do
	usleep 100000
	n=$((n + 1))
done
t1=$(uptime_cs)
if kill -0 $rp 2>/dev/null; then
	bad "container still running 30 s after SIGTERM"
	runc kill $ID KILL
fi
wait $rp
code=$?
kill $watcher 2>/dev/null
wait $watcher 2>/dev/null
el=$((t1 - t0))
echo "exit code $code after $((el / 100)).$((el % 100 / 10)) s (sent at $t0 cs)"
show_ctr_output
[ "$code" = 137 ] || bad "exit code $code, want 137"
[ $el -lt 1000 ] || bad "took $el cs, want < 10 s"
[ $el -ge 150 ] || bad "exited after only $el cs although the worker ignores SIGTERM (grace 2 s)"
for p in $pids; do
	[ -d /proc/$p ] && bad "sandbox process $p still alive"
done
if [ -d $S ]; then
	left=$(find $S -name cgroup.procs -exec cat {} \;)
	[ -z "$left" ] || bad "processes left in sandbox/: $left"
fi
worker_report
runc delete -f $ID 2>/dev/null
finish
