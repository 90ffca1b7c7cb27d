# scenarios.sh NAME: one engine scenario, run by init2 in the guest as
# `sh /t/scenarios.sh NAME` under a timeout, with the engine ($E, from
# /t/engine) up and the images imported. Each "# scenario NAME ENGINES:"
# line below is the list both init2 and engines.sh go by: a scenario named
# there that prints no RESULT counts as failed.
. /t/elib.sh
RUN="$E run --network=none"

# hold NAME CGINIT_ARGS... -- ENGINE_FLAGS...: a detached container of
# $IMG, `/sbin/cginit ARGS... -- /bin/sh /t/w-wait.sh MODE`, with /t/out
# mounted; waits for the worker's "ready". Sets O, ID, C (its cgroup in
# the guest) and P (cginit's pid in the guest). MODE is $MODE (default
# exit0).
hold() {
	local n=$1 args=
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args="$args $1"
		shift
	done
	[ "${1:-}" = -- ] && shift
	outdir "$n"
	if ! $RUN -d --name "$n" $V "$@" $IMG /sbin/cginit $args -- /bin/sh /t/w-wait.sh ${MODE:-exit0} >/tmp/run.out 2>&1; then
		bad "$E run failed: $(tail -n 3 /tmp/run.out | tr '\n' ' ')"
		return 1
	fi
	ID=$(tail -n 1 /tmp/run.out)
	tick "$E run -d $n returned"
	if ! wait_file "$O/ready" 60; then
		bad "the worker never got ready"
		show "$n"
		return 1
	fi
	ctr_find "$ID" || bad "no cgroup of container $ID with cginit in its init/ (C='$C', P='$P')"
	tick "$n: C=$C, cginit is pid $P; the worker is ready"
	return 0
}

# keep: the container that exec, pause and restart share (a start costs
# 5 to 10 s under TCG), started by the first of them that runs; init2
# leaves it up between scenarios, restart ends it
keep() {
	if [ -s /tmp/o/keep/id ] && ctr_find "$(cat /tmp/o/keep/id)"; then
		O=/tmp/o/keep
		ID=$(cat $O/id)
		tick "keep: still up, C=$C, cginit is pid $P"
		return 0
	fi
	$E rm -f keep >/dev/null 2>&1
	hold keep --cgroup=require -- --privileged || return 1
	echo "$ID" >$O/id
}

# job NAME N: ask the worker of NAME for job N and wait for it
job() {
	touch "$O/job-req-$2"
	wait_file "$O/job-$2.done" 30 || bad "job $2 never ran"
}

# release NAME WANT: tell the worker to end; the container must exit WANT
release() {
	local code
	touch "$O/go"
	code=$(ctr_wait "$1" 30) || bad "$1 did not stop after go"
	tick "$1 exited with $code"
	[ "$code" = "$2" ] || { bad "$1 exited with '$code', want $2"; show "$1"; }
}

# expect_facts PREFIX: the worker's facts for a layout at C=PREFIX as the
# container sees it ("" with a private cgroup namespace)
expect_facts() {
	local p=$1
	[ "$(fact cgroup)" = "$p/sandbox/worker" ] || bad "worker's cgroup '$(fact cgroup)', want $p/sandbox/worker"
	[ "$(fact pid1)" = "$p/init" ] || bad "cginit's cgroup '$(fact pid1)', want $p/init"
	[ "$(fact CGINIT_CGROUP)" = "/sys/fs/cgroup$p" ] || bad "CGINIT_CGROUP '$(fact CGINIT_CGROUP)', want /sys/fs/cgroup$p"
	[ "$(fact CGINIT_SANDBOX)" = "/sys/fs/cgroup$p/sandbox/jobs" ] ||
		bad "CGINIT_SANDBOX '$(fact CGINIT_SANDBOX)', want /sys/fs/cgroup$p/sandbox/jobs"
}

# scenario readonly docker podman: no --privileged (cgroupfs read-only): --cgroup=auto runs the worker and prints nothing; --cgroup=require exits 125 and the worker never runs
sc_readonly() {
	local code
	outdir ro-auto
	$RUN --name ro-auto $V $IMG /sbin/cginit -- /bin/sh /t/w-plain.sh 0 >"$O/stdout" 2>"$O/stderr"
	code=$?
	echo "auto: exit $code; facts: $(tr '\n' ' ' <"$O/facts" 2>/dev/null)"
	[ "$code" = 0 ] || bad "auto: exit code $code, want 0"
	[ "$(fact cgroupfs)" = ro ] || bad "auto: cgroupfs is '$(fact cgroupfs)' in the container, want ro"
	[ -e "$O/ran" ] || bad "auto: the worker did not run"
	[ -s "$O/stderr" ] && bad "auto: printed on stderr: $(head -n 2 "$O/stderr" | tr '\n' ' ')"
	[ -s "$O/stdout" ] && bad "auto: printed on stdout: $(head -n 2 "$O/stdout" | tr '\n' ' ')"
	worker_report
	outdir ro-require
	$RUN --name ro-require $V $IMG /sbin/cginit --cgroup=require -- /bin/sh /t/w-plain.sh 0 >"$O/stdout" 2>"$O/stderr"
	code=$?
	echo "require: exit $code (container: $(ctr_code ro-require)); stderr: $(cat "$O/stderr")"
	[ "$code" = 125 ] || bad "require: exit code $code, want 125"
	[ "$(ctr_code ro-require)" = 125 ] || bad "require: the container's exit code is '$(ctr_code ro-require)', want 125"
	grep -q 'read-only' "$O/stderr" || bad "require: no 'read-only' in the message: $(head -n 2 "$O/stderr" | tr '\n' ' ')"
	[ -e "$O/ran" ] && bad "require: the worker ran"
}

# scenario init docker podman: the engine's --init is cginit-static (dockerd --init-path, podman --init-path): the worker's exit code 7 comes back, cginit prints nothing; docker info reports cginit's version and dockerd warns of nothing
sc_init() {
	local code flags=--init info want
	[ "$E" = podman ] && flags="--init --init-path=$INIT"
	outdir init
	$RUN --name init $flags $V $IMG /bin/sh /t/w-plain.sh 7 init >"$O/stdout" 2>"$O/stderr"
	code=$?
	echo "exit $code; facts: $(tr '\n' ' ' <"$O/facts" 2>/dev/null)"
	[ "$code" = 7 ] || bad "exit code $code, want the worker's 7"
	[ -e "$O/ran" ] || bad "the worker did not run"
	[ -s "$O/stderr" ] && bad "printed on stderr: $(head -n 2 "$O/stderr" | tr '\n' ' ')"
	[ -s "$O/stdout" ] && bad "printed on stdout: $(head -n 2 "$O/stdout" | tr '\n' ' ')"
	worker_report
	if [ "$E" = docker ]; then
		info=$(docker info --format '{{.InitBinary}}|{{.InitCommit.ID}}|{{.InitCommit.Expected}}' 2>&1)
		want=$($INIT --version | sed -n 's/.* - git\.//p')
		echo "docker info: InitBinary|InitCommit.ID|Expected = $info; cginit --version: $($INIT --version)"
		[ "$(echo "$info" | cut -d'|' -f2)" = "$want" ] ||
			bad "docker info InitCommit.ID '$(echo "$info" | cut -d'|' -f2)', want cginit's $want"
		docker info 2>&1 | grep -i 'init' | sed 's/^/docker info: /'
		if grep -a -i -e 'level=warn' -e 'level=err' /tmp/engine.log | grep -i -e cginit -e 'init version' -e 'docker-init'; then
			bad "dockerd warned about the init: $(grep -a -i -e 'level=warn' -e 'level=err' /tmp/engine.log | grep -i -e cginit -e 'init version' -e 'docker-init' | head -n 1)"
		fi
	fi
}

# privileged NS: --privileged --cgroupns=NS, cginit --cgroup=require
privileged() {
	local ns=$1 n=priv-$1 prefix= parent=/docker
	[ "$E" = podman ] && parent=/libpod_parent
	# the engine makes its own parent cgroup with its first container
	[ -d $CG$parent ] || $RUN --rm $IMG /bin/true
	snapshot /tmp/snap.before
	hold $n --cgroup=require -- --privileged --cgroupns=$ns || return
	[ "$ns" = host ] && prefix=$C
	expect_facts "$prefix"
	layout_host "$C" "$P"
	snapshot /tmp/snap.after
	compare_outside "$C" /tmp/snap.before /tmp/snap.after
	job $n 1
	release $n 0
	worker_report
}

# scenario privileged docker podman: --privileged with a private cgroupns: the layout in C, the worker in sandbox/worker, a job under $CGINIT_SANDBOX, nothing outside C changed
sc_privileged() { privileged private; }

# scenario hostcgns docker podman: --privileged --cgroupns=host: the same inside C=/docker/ID (the guest's whole tree in view), nothing outside C changed
sc_hostcgns() { privileged host; }

# scenario exec docker podman: exec into a bootstrapped container works, lands in init/ and leaves C empty
sc_exec() {
	local n=keep out code
	keep || return
	out=$($E exec $n cat /proc/self/cgroup 2>&1)
	echo "exec: /proc/self/cgroup $out"
	[ "$out" = "0::/init" ] || bad "exec'd process in '$out', want 0::/init"
	$E exec $n sh -c 'exit 3'
	code=$?
	[ "$code" = 3 ] || bad "exec's exit code $code, want 3"
	$E exec -d $n sleep 300 || bad "exec -d failed"
	usleep 500000
	[ -z "$(cat $CG$C/cgroup.procs)" ] || bad "C holds processes after exec: $(cat $CG$C/cgroup.procs | tr '\n' ' ')"
	[ "$(wc -l <$CG$C/init/cgroup.procs)" -ge 2 ] || bad "the exec'd sleep is not in init/: $(cat $CG$C/init/cgroup.procs | tr '\n' ' ')"
	layout_host "$C" "$P"
	job $n 1
	[ -s "$O/fail" ] && worker_report
}

# scenario pause docker podman: pause freezes the whole container, jobs wait; after unpause the layout holds and a job runs
sc_pause() {
	local n=keep
	keep || return
	$E pause $n >/dev/null || bad "$E pause failed"
	grep -q 'frozen 1' $CG$C/sandbox/worker/cgroup.events || bad "the worker is not frozen: $(tr '\n' ' ' <$CG$C/sandbox/worker/cgroup.events)"
	touch "$O/job-req-11"
	sleep 2
	[ -e "$O/job-11.done" ] && bad "a job ran while the container was paused"
	$E unpause $n >/dev/null || bad "$E unpause failed"
	wait_file "$O/job-11.done" 30 || bad "no job ran after unpause"
	grep -q 'frozen 0' $CG$C/sandbox/worker/cgroup.events || bad "the worker is still frozen"
	layout_host "$C" "$P"
	job $n 12
	[ -s "$O/fail" ] && worker_report
}

# scenario restart docker podman: restart: cginit makes the layout again in the new C, the worker starts again there, and jobs still work
sc_restart() {
	local n=keep c1 p1 s1
	keep || return
	c1=$C p1=$P s1=$(grep -c start "$O/starts")
	rm -f "$O/ready"
	$E restart -t 10 $n >/dev/null || bad "$E restart failed"
	wait_file "$O/ready" 60 || { bad "the worker did not start again"; show $n; return; }
	ctr_find "$ID" || bad "no cgroup of container keep ($ID) with cginit in its init/ after the restart"
	echo "after restart: C=$C (was $c1), cginit pid $P (was $p1); starts: $(tr '\n' ' ' <"$O/starts")"
	[ "$(grep -c start "$O/starts")" = $((s1 + 1)) ] || bad "the worker started $(grep -c start "$O/starts") times, want $((s1 + 1))"
	[ "$P" != "$p1" ] || bad "cginit's pid did not change: no restart"
	expect_facts ""
	layout_host "$C" "$P"
	job $n 1
	release $n 0
	worker_report
}

# stop NAME TIMEOUT: `$E stop -t TIMEOUT NAME`; sets CODE and EL (centiseconds)
stop_timed() {
	local t0
	t0=$(now_cs)
	$E stop -t "$2" "$1" >/dev/null 2>&1 || bad "$E stop failed"
	EL=$(($(now_cs) - t0))
	CODE=$(ctr_code "$1")
	tick "stopped"
	echo "$E stop -t $2: exit code $CODE after $((EL / 100)).$((EL % 100 / 10)) s"
}

# scenario stop-term docker podman: stop of a worker that traps SIGTERM and exits 3: the container exits 3, before the engine's timeout
sc_stop_term() {
	MODE=term hold stop-term --cgroup=require -- --privileged || return
	stop_timed stop-term 20
	[ "$CODE" = 3 ] || { bad "exit code $CODE, want the worker's 3"; show stop-term; }
	[ $EL -lt 1500 ] || bad "took $EL cs, want < 15 s (the worker exits on SIGTERM; the engine's timeout is 20 s)"
}

# scenario stop-ignore docker podman: stop -t 2 of a worker that ignores SIGTERM: 137 once the engine's 2 s are up
sc_stop_ignore() {
	MODE=ignore hold stop-ignore --cgroup=require -- --privileged || return
	stop_timed stop-ignore 2
	[ "$CODE" = 137 ] || { bad "exit code $CODE, want 137"; show stop-ignore; }
	[ $EL -ge 190 ] || bad "stopped after $EL cs, before the engine's 2 s"
	[ $EL -lt 1500 ] || bad "took $EL cs, want < 15 s"
}

# scenario stop-grace docker podman: stop -t 30 of a worker that ignores SIGTERM, with cginit --grace 1: 137 after the grace, long before the engine's 30 s
sc_stop_grace() {
	MODE=ignore hold stop-grace --cgroup=require --grace 1 -- --privileged || return
	stop_timed stop-grace 30
	[ "$CODE" = 137 ] || { bad "exit code $CODE, want 137"; show stop-grace; }
	[ $EL -ge 90 ] || bad "stopped after $EL cs, before the grace of 1 s"
	[ $EL -lt 2000 ] || bad "took $EL cs: cginit's --grace 1 did not end it (engine timeout 30 s)"
	$E logs stop-grace 2>&1 | grep 'cginit:' | sed 's/^/cginit said: /'
}

# scenario forkbomb docker podman: a fork bomb in a job under $CGINIT_SANDBOX with pids.max 32 stays there; cginit and the worker live on
sc_forkbomb() {
	local code
	outdir forkbomb
	$RUN --name forkbomb --privileged $V $IMG /sbin/cginit --cgroup=require -- /bin/sh /t/w2.sh >"$O/stdout" 2>"$O/stderr"
	code=$?
	echo "exit $code; $(cat "$O/stderr")"
	[ "$code" = 0 ] || bad "exit code $code, want 0"
	worker_report
}

# scenario delegation docker podman: --user worker: the unprivileged worker owns just jobs/ and sandbox/cgroup.procs, makes a job cgroup with limits and moves its child in
sc_delegation() {
	local code
	outdir delegation
	$RUN --name delegation --privileged $V $IMG /sbin/cginit --cgroup=require --user worker -- /bin/sh /t/w11.sh \
		>"$O/stdout" 2>"$O/stderr"
	code=$?
	echo "exit $code"; cat "$O/stdout" "$O/stderr"
	[ "$code" = 0 ] || bad "exit code $code, want 0"
	grep -q 'cginit:' "$O/stderr" && bad "cginit printed: $(grep 'cginit:' "$O/stderr" | head -n 1)"
	worker_report
}

# scenario jobs docker podman: --user worker, and cginit --job through the broker: each verdict, a hostile job that cannot lift its limits or leave its cgroup, the runner without the broker, 50 jobs in a row that leave nothing (guest/w18.sh, scenario 18 of run.sh)
sc_jobs() {
	local code
	outdir jobs
	$RUN --name jobs --privileged -e JOBS_IN_A_ROW=50 $V $IMG /sbin/cginit --cgroup=require --user worker \
		-- /bin/sh /t/w18.sh >"$O/stdout" 2>"$O/stderr"
	code=$?
	echo "exit $code"; cat "$O/stdout" "$O/stderr"
	[ "$code" = 0 ] || bad "exit code $code, want 0"
	worker_report
}

# scenario unmask podman: no --privileged, --security-opt unmask=/sys/fs/cgroup: a writable cgroupfs, and cginit --cgroup=require makes the layout
sc_unmask() {
	local n=unmask
	hold $n --cgroup=require -- --security-opt unmask=/sys/fs/cgroup || return
	[ "$(fact cgroupfs)" = rw ] || bad "cgroupfs is '$(fact cgroupfs)' in the container, want rw"
	expect_facts ""
	layout_host "$C" "$P"
	job $n 1
	release $n 0
	worker_report
}

# example_up NAME: wait for the line the examples' command prints, then
# the layout as Dockerfile.example promises it (worker's uid 1000 owns
# jobs/ and sandbox/cgroup.procs)
example_up() {
	local n=$1 i=0 want="worker worker in cgroup /sandbox/worker; jobs go in /sys/fs/cgroup/sandbox/jobs" w uid
	# one `logs -f` into a file rather than a poll of `logs`
	$E logs -f $n >/tmp/$n.log 2>&1 &
	while ! grep -qxF "$want" /tmp/$n.log; do
		i=$((i + 1))
		if [ $i -gt 120 ]; then
			bad "no '$want' from the container: $(head -n 3 /tmp/$n.log | tr '\n' ' ')"
			return 1
		fi
		usleep 250000
	done
	ctr_find "$ID" || bad "no cgroup of container $n ($ID) with cginit in its init/"
	tick "$n: its line; C=$C, cginit pid $P"
	layout_host "$C" "$P"
	for f in sandbox/jobs sandbox/cgroup.procs; do
		[ "$(stat -c %u:%g $CG$C/$f)" = 1000:1000 ] || bad "$f is $(stat -c %u:%g $CG$C/$f)'s, want the worker's 1000:1000"
	done
	for w in $(cat $CG$C/sandbox/worker/cgroup.procs); do
		uid=$(awk '/^Uid:/ { print $2 }' /proc/$w/status)
		[ "$uid" = 1000 ] || bad "worker process $w runs as uid $uid, want 1000"
	done
	if grep -q 'cginit:' /tmp/$n.log; then
		bad "cginit printed: $(grep 'cginit:' /tmp/$n.log | head -n 1)"
	fi
}

# scenario dockerfile docker podman: Dockerfile.example's ENTRYPOINT and CMD (import --change), run as its Run line says (--privileged --cgroupns=private): its line, the layout, the worker as uid 1000; stop gives 143
sc_dockerfile() {
	local n=dockerfile
	if grep -q '^ERROR' /img/dockerfile-changes; then
		bad "engines.sh could not read Dockerfile.example: $(cat /img/dockerfile-changes)"
		return
	fi
	$RUN -d --name $n --privileged --cgroupns=private worker >/tmp/run.out 2>&1 ||
		{ bad "$E run failed: $(tail -n 3 /tmp/run.out | tr '\n' ' ')"; return; }
	ID=$(tail -n 1 /tmp/run.out)
	example_up $n || return
	stop_timed $n 10
	# 143, not the 137 of the engine's SIGKILL after its 10 s: the sleep
	# ended by the SIGTERM that cginit passed on
	[ "$CODE" = 143 ] || bad "stop: exit code $CODE, want 143 (sleep ended by the SIGTERM cginit passed on)"
}

# scenario compose docker podman: examples/compose.yaml's service as Compose starts it (privileged, cgroup private, init false, its entrypoint and command, stop_grace_period as --stop-timeout): the layout with its limits; stop gives 143 long before the 30 s
sc_compose() {
	local n=compose code t0 el f want
	if grep -q '^ERROR' /img/compose-run; then
		bad "engines.sh could not translate compose.yaml: $(cat /img/compose-run)"
		return
	fi
	set --
	while IFS= read -r w; do
		set -- "$@" "$w"
	done </img/compose-run
	echo "compose.yaml as: $E run -d --name $n --network=none $*"
	$RUN -d --name $n "$@" >/tmp/run.out 2>&1 ||
		{ bad "$E run failed: $(tail -n 3 /tmp/run.out | tr '\n' ' ')"; return; }
	ID=$(tail -n 1 /tmp/run.out)
	example_up $n || return
	for f in "sandbox/jobs/pids.max 1024" "sandbox/jobs/memory.max 3221225472" \
		"sandbox/pids.max 1200" "sandbox/memory.max 3758096384"; do
		want=${f#* }
		f=${f% *}
		[ "$(cat $CG$C/$f)" = "$want" ] || bad "$f is $(cat $CG$C/$f), want $want"
	done
	[ "$($E inspect -f '{{.Config.StopTimeout}}' $n)" = 30 ] ||
		bad "StopTimeout $($E inspect -f '{{.Config.StopTimeout}}' $n), want 30 (stop_grace_period)"
	t0=$(now_cs)
	$E stop $n >/dev/null || bad "$E stop failed"
	el=$(($(now_cs) - t0))
	code=$(ctr_code $n)
	echo "stop: exit code $code after $el cs"
	# 143 well before the 30 s: the SIGTERM passed on, no SIGKILL
	[ "$code" = 143 ] || bad "stop: exit code $code, want 143"
	[ $el -lt 2000 ] || bad "stop took $el cs, want < 20 s (stop_grace_period is 30 s)"
}

case ${1:-} in
"") echo "usage: scenarios.sh NAME" >&2; exit 2 ;;
esac
f=sc_$(echo "$1" | tr - _)
T0=$(cut -d' ' -f1 /proc/uptime)
if ! type "$f" >/dev/null 2>&1; then
	bad "no scenario $1"
else
	"$f"
fi
finish
