# Worker of scenario 18, uid 1000, cginit as PID 1 with a broker.
. /t/wlib.sh
V=/tmp/verdicts
[ -n "$CGINIT_BROKER" ] || wbad "no CGINIT_BROKER in the worker's environment"

# job NAME WANT_CODE OPTIONS... -- CMD: runs one job, its JSON verdict in
# $V/NAME, its summary line in $V/NAME.err, and checks the exit code.
job() {
	local name=$1 want=$2 code
	shift 2
	/sbin/cginit --job --json "$V/$name" "$@" >"$V/$name.out" 2>"$V/$name.err"
	code=$?
	echo "job $name: exit $code; $(cat "$V/$name.err")" >&2
	expect_eq "$code" "$want" "exit code of job $name"
}
# has NAME TEXT: the verdict of NAME holds TEXT.
has() {
	grep -qF "$2" "$V/$1" || wbad "verdict of $1 lacks $2: $(cat "$V/$1")"
}
mkdir -p $V

job true 0 -- /bin/true
has true '"status":"accepted"'
has true '"exit_code":0'
has true '"limits_set_by":"broker"'
has true '"memory_peak_source":"memory.peak"'
grep -q '^cginit job: accepted: exit 0' "$V/true.err" || wbad "summary of true: $(cat $V/true.err)"

job exit3 3 -- /bin/sh -c 'exit 3'
has exit3 '"status":"nonzero_exit"'
has exit3 '"exit_code":3'

job bomb 124 --pids-max 16 --wall-limit 3 -- /t/forkbomb
has bomb '"status":"time_limit"'
has bomb '"limit_hit":"wall"'
has bomb '"pids_max":"16"'
grep -q '"pids_max_hits":[1-9]' "$V/bomb" || wbad "bomb: no pids.max hit: $(cat $V/bomb)"

job hog 137 --memory-max 32M -- /t/memhog
has hog '"status":"memory_limit"'
has hog '"signal":"SIGKILL"'
grep -q '"oom_kill":[1-9]' "$V/hog" || wbad "hog: no oom_kill: $(cat $V/hog)"
kill -0 $$ || wbad "the worker is gone after the OOM kill"

job busy 124 --time-limit 1 --wall-limit 30 -- /bin/sh -c 'while :; do :; done'
has busy '"limit_hit":"cpu"'
grep -q '"cpu_usec":1[0-9][0-9][0-9][0-9][0-9][0-9]' "$V/busy" ||
	wbad "busy: cpu_usec not in [1 s, 2 s): $(cat $V/busy)"

job sleep 124 --wall-limit 1 -- /bin/sleep 100
has sleep '"limit_hit":"wall"'

job term 143 -- /bin/sh -c 'kill -TERM $$'
has term '"status":"signalled"'
has term '"signal":"SIGTERM"'

# A signal to the runner goes on to the job.
/sbin/cginit --job --json "$V/fwd" -- /bin/sleep 100 2>"$V/fwd.err" &
runner=$!
sleep 1
kill -TERM "$runner"
wait "$runner"
expect_eq "$?" 143 "exit code of a job whose runner got SIGTERM"
has fwd '"signal":"SIGTERM"'

# A daemon that double-forks out of its session: gone with the job.
job daemon 0 -- /bin/sh -c 'setsid /bin/sh -c "sleep 1000 & echo \$! >/tmp/daemon.pid"; exit 0'
has daemon '"status":"accepted"'
d=$(cat /tmp/daemon.pid)
[ -n "$d" ] || wbad "the daemon did not start"
[ -n "$d" ] && kill -0 "$d" 2>/dev/null && wbad "the daemon $d outlived its job"

job hostile 0 --pids-max 8 --memory-max 64M -- /bin/sh /t/j18.sh
grep -q '^job in /sandbox/jobs/job-' "$V/hostile.err" || wbad "hostile job ran elsewhere: $(cat $V/hostile.err)"
if grep -q escaped "$V/hostile.out"; then
	wbad "hostile job: $(grep escaped "$V/hostile.out" | tr '\n' ';')"
fi

# --json-fd: the job does not inherit the verdict's fd, so it cannot
# write a verdict of its own there.
/sbin/cginit --job -q --json-fd 3 -- /bin/sh -c 'echo "{\"status\":\"accepted\"}" >&3' 3>$V/fd.json
expect_eq "$(wc -l <$V/fd.json | tr -d ' ')" 1 "lines on --json-fd"
grep -q '^{"cginit_job":1,"status":"nonzero_exit"' $V/fd.json || wbad "--json-fd verdict: $(cat $V/fd.json)"

# Without the broker: the worker's own cgroup, and the verdict says so.
job own 0 --no-broker --pids-max 8 -- /bin/true
has own '"limits_set_by":"worker"'
grep -q 'limits set by the worker' "$V/own.err" || wbad "own: the summary does not say whose limits"
job own_required 125 --require-broker --no-broker -- /bin/true
env -u CGINIT_BROKER /sbin/cginit --job --require-broker -- /bin/true 2>$V/req.err
expect_eq "$?" 125 "--require-broker without CGINIT_BROKER"

# Many jobs in a row: no cgroup, no zombie, and no fd or memory growth in
# PID 1 or the broker (PID 1's other child), read from /proc/PID/status,
# which uid 1000 may read: FDSize is the fd table, which doubles past 64.
broker=$(tr ' ' '\n' </proc/1/task/1/children | grep -vx "$$" | grep . | head -n 1)
[ -n "$broker" ] || wbad "no broker among PID 1's children"
field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# Idle, the broker sleeps in poll with no timeout and PID 1 in
# sigtimedwait: not one context switch of either in 2 s.
csw() { echo "$(field "$1" voluntary_ctxt_switches)/$(field "$1" nonvoluntary_ctxt_switches)"; }
b0=$(csw "$broker") p0=$(csw 1)
sleep 2
expect_eq "$(csw "$broker")" "$b0" "the broker's context switches over 2 s idle"
expect_eq "$(csw 1)" "$p0" "PID 1's context switches over 2 s idle"
rss1=$(field 1 VmRSS) brss1=$(field "$broker" VmRSS) fds1=$(field "$broker" FDSize)
n=0 failed=0
while [ $n -lt ${JOBS_IN_A_ROW:-1000} ]; do
	/sbin/cginit --job -q --pids-max 4 -- /bin/true || failed=$((failed + 1))
	n=$((n + 1))
done
expect_eq "$failed" 0 "jobs of the $n in a row that failed"
rss2=$(field 1 VmRSS) brss2=$(field "$broker" VmRSS) fds2=$(field "$broker" FDSize)
echo "after $n jobs: PID 1 VmRSS $rss1 -> $rss2 kB, broker VmRSS $brss1 -> $brss2 kB, FDSize $fds1 -> $fds2" >&2
[ $((rss2 - rss1)) -le 16 ] || wbad "PID 1 grew from $rss1 to $rss2 kB over $n jobs"
[ $((brss2 - brss1)) -le 16 ] || wbad "the broker grew from $brss1 to $brss2 kB over $n jobs"
expect_eq "$fds2" "$fds1" "the broker's FDSize after $n jobs"
zombies=$(grep -l '^State:.Z' /proc/[0-9]*/status 2>/dev/null | wc -l)
expect_eq "$zombies" 0 "zombies after the jobs"
left=$(cd "$CGINIT_SANDBOX" && find . -mindepth 1 -type d)
expect_eq "$left" "" "cgroups left in jobs/ after the jobs"
wdone
