# Worker of scenario 19, uid 1000, cginit as PID 1 with a broker: attacks
# on the broker (see s19-broker-attack.sh). "ATTACK name: outcome" lines go
# to stderr, into the scenario log.
. /t/wlib.sh
V=/tmp/v19
mkdir -p $V
J=$CGINIT_SANDBOX
say() { echo "ATTACK $*" >&2; }
[ -n "$CGINIT_BROKER" ] || wbad "no CGINIT_BROKER in the worker's environment"
broker=$(tr ' ' '\n' </proc/1/task/1/children | grep -vx "$$" | grep . | head -n 1)
[ -n "$broker" ] || wbad "no broker among PID 1's children"
field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
fds0=$(field "$broker" FDSize)
echo "yama ptrace_scope: $(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo none)" >&2

# 1. A job asks the broker for a second job (it has the worker's uid, so
# it may) and tries to use the passed fd: move itself, clone3, limits,
# mkdir, "../" of the fd.
/sbin/cginit --job -q -- /t/brokatk ask >$V/ask.out 2>$V/ask.err
say "ask: exit $?: $(tr '\n' ';' <$V/ask.err)"
grep escaped $V/ask.out && wbad "second job from the broker: $(grep escaped $V/ask.out | tr '\n' ';')"

# 2. Job to job: job A tries to join job B's cgroup (a write, and clone3),
# to rename it, to write its limits, and kills it through its cgroup.kill.
/sbin/cginit --job -q --json $V/b.json -- /bin/sleep 30 &
rb=$!
sleep 1
B=$(cd "$J" && ls -d job-* | head -n 1)
echo "job B is $B" >&2
cat >$V/a.sh <<'EOS'
J=$1 B=$2
(echo $$ >"$J/$B/cgroup.procs") && echo "escaped: moved into job B"
r=$(/t/intocg clone3 "$J/$B" 2>&1); case $r in exit*) echo "escaped: clone3 into job B";; esac; echo "clone3 into B: $r" >&2
mv "$J/$B" "$J/renamed" && echo "escaped: renamed job B"
(echo max >"$J/$B/pids.max") && echo "escaped: wrote job B's pids.max"
(echo 1 >"$J/$B/cgroup.freeze") && echo "escaped: froze job B"
mkdir "$J/$B/sub" && echo "escaped: mkdir in job B"
# the worker's own processes: pulled into this job (sandbox/ is the common
# ancestor, its cgroup.procs the worker's uid's): allowed, and harmless
# only because the worker is semi-trusted anyway
(echo 1 >"$J/$B/cgroup.kill") && echo "note: killed job B through its cgroup.kill" >&2
exit 0
EOS
/sbin/cginit --job -q -- /bin/sh $V/a.sh "$J" "$B" >$V/a.out 2>$V/a.err
say "job to job: $(tr '\n' ';' <$V/a.err)"
grep escaped $V/a.out && wbad "job to job: $(grep escaped $V/a.out | tr '\n' ';')"
wait $rb
say "job B ended with $? after job A wrote its cgroup.kill (same uid: kill(2) does as much)"

# 3. The worker itself (compromised) sends junk: oversized, fds, bad
# requests, idle connections; the broker must still serve, and keep no fd.
/t/brokatk junk >$V/junk.out 2>$V/junk.err
say "junk: exit $?: $(tr '\n' ';' <$V/junk.err)"
grep escaped $V/junk.out && wbad "junk: $(grep escaped $V/junk.out)"
[ -d /proc/$broker ] || wbad "the broker is gone after the junk"
expect_eq "$(cd "$J" && find . -mindepth 1 -type d)" "" "cgroups left in jobs/ after the junk"

# 3b. The job and its runner (same uid; the guest's ptrace_scope is 0, as
# on Debian): ptrace it, take its fds (the broker connection) with
# pidfd_getfd.
/sbin/cginit --job -q -- /t/brokatk parent >$V/parent.out 2>$V/parent.err
say "parent: $(cat $V/parent.out $V/parent.err | tr '\n' ';')"
grep escaped $V/parent.out && wbad "the job and its runner: $(grep escaped $V/parent.out | tr '\n' ';')"

# 4. --json-fd: the job does not inherit the fd, and cannot reopen it
# through /proc/<runner>/fd/N either: the runner is not dumpable.
line=$(/sbin/cginit --job -q --json-fd 3 -- /bin/sh -c \
	'echo "{\"cginit_job\":1,\"status\":\"accepted\",\"forged\":1}" >/proc/$PPID/fd/3' \
	3>&1 >/dev/null 2>/dev/null | head -n 1)
say "json-fd on a pipe, first line: $line"
case $line in *forged*) wbad "a job wrote its own verdict on --json-fd through /proc/\$PPID/fd/3: $line" ;; esac

# 5. The job stops its runner (same uid): the runner's --wall-limit is
# not enforced, so the broker, root, kills the job 1 s after it.
rm -f $V/stop.mark
/sbin/cginit --job -q --wall-limit 1 -- /bin/sh -c \
	'kill -STOP $PPID; sleep 4; echo alive >'$V'/stop.mark' 2>/dev/null &
rs=$!
sleep 7
if [ -e $V/stop.mark ]; then
	say "stop the runner: the job was alive 4 s into its --wall-limit 1"
	wbad "a job that SIGSTOPs its runner outlives its --wall-limit 1"
else
	say "stop the runner: the job was killed in time"
fi
kill -CONT $rs
wait $rs
say "stop the runner: runner exit $?"

# 5b. The same with the CPU time limit and no wall limit: the busy job
# stops its runner, and the broker, reading cpu.stat, kills it once it has
# used --time-limit and the grace; the runner, let go, says why.
/sbin/cginit --job -q --time-limit 1 --json $V/cpu.json -- /bin/sh -c \
	'kill -STOP $PPID; while :; do :; done' 2>/dev/null &
rc=$!
n=0
job=
while [ -z "$job" ] && [ $n -lt 40 ]; do
	job=$(tr -d ' \n' </proc/$rc/task/$rc/children 2>/dev/null)
	sleep 0.25
	n=$((n + 1))
done
n=0
while [ -n "$job" ] && [ $n -lt 60 ] && ! grep -q '^State:.*Z' /proc/$job/status 2>/dev/null; do
	sleep 0.25
	n=$((n + 1))
done
if [ -z "$job" ] || grep -q '^State:.*[RS]' /proc/$job/status 2>/dev/null; then
	say "stop the runner, CPU: the busy job ran on 15 s past --time-limit 1"
	wbad "a job that SIGSTOPs its runner outlives its --time-limit 1"
else
	say "stop the runner, CPU: the busy job was killed after $((n / 4)) s"
fi
kill -CONT $rc
wait $rc
code=$?
say "stop the runner, CPU: runner exit $code: $(cat $V/cpu.json)"
expect_eq "$code" 124 "exit code of a runner whose job the broker killed past its CPU time"
grep -q '"limit_hit":"cpu"' $V/cpu.json || wbad "verdict of a job killed past its CPU time: $(cat $V/cpu.json)"

# 6. One job tries to hold every slot of the broker, so that the other
# runners fail: the broker refuses callers inside its own jobs.
/sbin/cginit --job -q --wall-limit 30 -- /t/brokatk hold 40 >$V/hold.out 2>$V/hold.err &
rh=$!
n=0
while [ $n -lt 60 ] && ! grep -q held $V/hold.out; do sleep 0.5; n=$((n + 1)); done
/sbin/cginit --job -q -- /bin/true 2>$V/starved.err
code=$?
say "slots: $(cat $V/hold.out); another runner then: exit $code $(cat $V/starved.err)"
expect_eq "$code" 0 "a runner while one job holds $(cat $V/hold.out) broker connections"
kill -TERM $rh
wait $rh
/sbin/cginit --job -q -- /bin/true || wbad "a runner after the holder's end"
# the fd table grew for the 31 held jobs; it must grow no further
fds0=$(field "$broker" FDSize)

# 7. The squat: a job watches jobs/ and replaces each job-N the broker
# makes by one of its own between the broker's mkdir and its openat by
# name. Before the fix the broker wrote its limits into the job's cgroup
# and handed it to the next runner, whose job could rewrite them; now the
# broker checks that the cgroup it opened is its own.
/sbin/cginit --job -q --wall-limit 80 -- /t/brokatk squat "$J" 70 >$V/squat.out 2>$V/squat.err &
rq=$!
sleep 1
n=0 lifted=0 failed=0 t0=$(cut -d. -f1 /proc/uptime)
while [ $n -lt ${SQUAT_JOBS:-300} ] && [ $(( $(cut -d. -f1 /proc/uptime) - t0 )) -lt 60 ]; do
	out=$(/sbin/cginit --job -q --pids-max 8 -- /bin/sh -c '
		me=/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup)
		(echo max >"$me/pids.max") 2>/dev/null && echo "lifted $me owner $(stat -c %u "$me")"
		exit 0' 2>>$V/squat-runners.err)
	[ $? = 0 ] || failed=$((failed + 1))
	case $out in lifted*) lifted=$((lifted + 1)); echo "$out" >>$V/lifted ;; esac
	n=$((n + 1))
done
kill -TERM $rq
wait $rq
say "squat: $(tail -n 1 $V/squat.out); $n jobs: $lifted with pids.max rewritten by the job, $failed failed ($(sort $V/squat-runners.err 2>/dev/null | uniq -c | sort -rn | head -n 3 | tr '\n' ';'))"
expect_eq "$lifted" 0 "jobs of $n that ran in a squatter's cgroup and raised their pids.max $(head -n 2 $V/lifted 2>/dev/null | tr '\n' ';')"
# A squatter with the worker's uid can still make other runners fail
# (rmdir of a fresh, empty job-N in jobs/, which is its uid's): no worse
# than what that uid can do to those jobs anyway (kill(2) them). What
# must hold is above: no limit lifted.
say "squat: $failed of $n runners failed (a denial of service the same uid has anyway)"

# The end: the broker alive, no fd kept, nothing left.
[ -d /proc/$broker ] || wbad "the broker is gone"
/sbin/cginit --job -q -- /bin/true || wbad "a runner at the end"
expect_eq "$(field "$broker" FDSize)" "$fds0" "the broker's FDSize at the end"
left=$(cd "$J" && find . -mindepth 1 -type d)
say "left in jobs/: $(echo $left)"
wdone
