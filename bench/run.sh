#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/run.sh: cginit against tini, tini-static, dumb-init and catatonit, in
# one run, on this machine. Prints one markdown table per metric on stdout
# (progress goes to stderr) and keeps everything under build/bench/.
# See bench/README.md for the metrics and the BENCH_* knobs.
#
# Safety: the whole run happens in a private mount namespace where a
# read-only, empty tmpfs hides /sys/fs/cgroup, so no init under test (cginit
# runs in its default --cgroup=auto mode) can write to the host's cgroups.
# Every process this script starts is tracked by pid and ended by pid.

set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
OUT=$ROOT/build/bench

REPS=${BENCH_REPS:-5}
IDLE_SECONDS=${BENCH_IDLE_SECONDS:-10}
ORPHANS=${BENCH_ORPHANS:-20000}
SIGNALS=${BENCH_SIGNALS:-10000}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-200}
METRICS=${BENCH_METRICS:-1 2 3 4 5 6 7 8}
CGINIT=${BENCH_CGINIT:-$ROOT/cginit}
CGINIT_STATIC=${BENCH_CGINIT_STATIC:-$ROOT/cginit-static}

log() { printf '[bench %5ss] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

for knob in REPS IDLE_SECONDS ORPHANS SIGNALS STARTUP_RUNS; do
	[[ ${!knob} =~ ^[1-9][0-9]*$ ]] || die "BENCH_$knob must be a positive integer, not '${!knob}'"
done
wants() { [[ " $METRICS " == *" $1 "* ]]; }

# ---- the guard: a private mount namespace with /sys/fs/cgroup hidden -------
if [[ -z ${CGINIT_BENCH_GUARDED:-} ]]; then
	# pid namespaces and the /proc of other inits: root, through sudo if
	# need be.
	. "$(dirname "$0")/../scripts/as-root.sh"
	command -v unshare >/dev/null || die "unshare (util-linux) not found"
	CGINIT_BENCH_GUARDED=1 exec unshare --mount --propagation private -- "$BASH" "${BASH_SOURCE[0]}" "$@"
fi
if [[ -d /sys/fs/cgroup ]]; then
	mount -t tmpfs -o ro,size=4k,mode=0555 cginit-bench-guard /sys/fs/cgroup ||
		die "could not hide /sys/fs/cgroup in the bench's mount namespace; refusing to run inits"
fi

START=$SECONDS
mkdir -p "$OUT"
rm -f "$OUT/results.tsv" "$OUT"/startup-*.json "$OUT"/startup_pid1-*.json
: >"$OUT/results.tsv"
: >"$OUT/init-stderr.log"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cginit-bench.XXXXXX")

# Every process started here and not yet reaped, so that an interrupted run
# ends them (by pid). A pid leaves the set as soon as it is waited for, so
# that a recycled pid is never signalled.
declare -A LIVE=()
cleanup() {
	local p kid
	for p in "${!LIVE[@]}"; do
		# the init first (unshare's child), should --kill-child not have run
		for kid in $(cat "/proc/$p/task/$p/children" 2>/dev/null); do
			kill -KILL "$kid" 2>/dev/null
		done
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$OUT/results.tsv"; }

# ---- the binaries ------------------------------------------------------------
# name, link class, path. cginit's two builds may not exist yet: they are
# then reported as missing in every table, loudly, and the run goes on.
SUBJECTS=(
	"cginit-static static $CGINIT_STATIC"
	"tini-static static /usr/bin/tini-static"
	"catatonit static /usr/bin/catatonit"
	"cginit dynamic $CGINIT"
	"tini dynamic /usr/bin/tini"
	"dumb-init dynamic /usr/bin/dumb-init"
)
NAMES=()
declare -A PATH_OF MISSING
present() { [[ -z ${MISSING[$1]:-} ]]; }
: >"$OUT/subjects.tsv"
for s in "${SUBJECTS[@]}"; do
	read -r name class path <<<"$s"
	NAMES+=("$name")
	PATH_OF[$name]=$path
	printf '%s\t%s\t%s\n' "$name" "$class" "$path" >>"$OUT/subjects.tsv"
	if [[ ! -x $path ]]; then
		case $name in
		cginit) MISSING[$name]="missing: $path not built (make)" ;;
		cginit-static) MISSING[$name]="missing: $path not built (make static)" ;;
		*) MISSING[$name]="missing: $path not installed" ;;
		esac
		log "${MISSING[$name]}"
	fi
done
# cginit's builds are copied once, so that every metric measures the same
# binary even if `make` replaces it while the bench runs.
mkdir -p "$OUT/bin"
BUILDS=
for name in cginit-static cginit; do
	if present "$name"; then
		cp "${PATH_OF[$name]}" "$OUT/bin/$name" || die "cannot copy ${PATH_OF[$name]}"
		BUILDS+="${BUILDS:+; }$name sha256 $(sha256sum <"$OUT/bin/$name" | cut -c1-12) ($(stat -c %s "$OUT/bin/$name") bytes, $(date -r "${PATH_OF[$name]}" +%H:%M))"
		PATH_OF[$name]=$OUT/bin/$name
	fi
done
log "measuring ${BUILDS:-no cginit build}"
printf '%s\t%s\t%s\n' "bare /bin/true" baseline /bin/true >>"$OUT/subjects.tsv"
printf '%s\t%s\t%s\n' "direct (no init)" baseline - >>"$OUT/subjects.tsv"

# ---- the drivers ---------------------------------------------------------------
# Static when glibc's libc.a is there: fewer mappings make fork cheaper and
# the numbers steadier; the drivers are the same for every init anyway.
build_driver() {
	local name=$1
	gcc -O2 -Wall -Wextra -static -o "$OUT/$name" "$BENCH/$name.c" 2>"$WORK/cc.log" ||
		gcc -O2 -Wall -Wextra -o "$OUT/$name" "$BENCH/$name.c" 2>"$WORK/cc.log" ||
		{ cat "$WORK/cc.log" >&2; die "could not build bench/$name.c"; }
}
for d in orphans sigchild sigping; do build_driver "$d"; done

# ---- helpers for an init as PID 1 of a fresh pid namespace ----------------------
# ns_start NAME ARGS...: runs `unshare --pid --fork --mount-proc INIT -- ARGS`
# in the background; sets UPID (unshare's pid). --kill-child makes the init
# die with unshare, so killing unshare ends the whole namespace. stdin and
# stdout come from /dev/null; stderr goes to a log.
ns_start() {
	local name=$1
	shift
	unshare --pid --fork --kill-child --mount-proc "${PATH_OF[$name]}" -- "$@" \
		</dev/null >/dev/null 2>>"$OUT/init-stderr.log" &
	UPID=$!
	LIVE[$UPID]=1
}

# ns_init UPID: the host pid of the init (unshare's only child), once it has
# exec'd the init; empty after 5 s without one.
ns_init() {
	local upid=$1 kid i
	for ((i = 0; i < 500; i++)); do
		kid=$(cat "/proc/$upid/task/$upid/children" 2>/dev/null) || return 1
		kid=${kid%% *}
		if [[ -n $kid && $(readlink "/proc/$kid/exe" 2>/dev/null) != "$(readlink "/proc/$upid/exe")" ]]; then
			echo "$kid"
			return 0
		fi
		sleep 0.01
	done
	return 1
}

# ns_stop UPID [INITPID]: ends one namespace (SIGKILL to its init kills every
# task in it) and waits for unshare. Both pids are still ours here: the init
# is unshare's child, and unshare has not been waited for yet.
ns_stop() {
	local upid=$1 ipid=${2:-}
	[[ -n ${LIVE[$upid]:-} ]] || return 0
	# the init only while unshare still lists it as its child; killing
	# unshare also kills the init (--kill-child)
	if [[ -n $ipid && " $(cat "/proc/$upid/task/$upid/children" 2>/dev/null) " == *" $ipid "* ]]; then
		kill -KILL "$ipid" 2>/dev/null
	fi
	kill -KILL "$upid" 2>/dev/null
	wait "$upid" 2>/dev/null
	unset "LIVE[$upid]"
}

# cpu_ns PID: the task's on-CPU time in ns. schedstat's first field is the
# scheduler's exact runtime; utime+stime (10 ms ticks) is the fallback.
cpu_ns() {
	local a
	if read -r a _ <"/proc/$1/schedstat" 2>/dev/null && [[ $a =~ ^[0-9]+$ ]]; then
		echo "$a"
	else
		local st
		st=$(<"/proc/$1/stat") || return 1
		st=${st##*) }
		# shellcheck disable=SC2086
		set -- $st
		echo $(((${12} + ${13}) * 1000000000 / $(getconf CLK_TCK)))
	fi
}

status_field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# order of the subjects for repetition REP: rotated, so that no init is
# always first or last (drift on a noisy machine).
rotation() {
	local rep=$1 n=${#NAMES[@]} i
	for ((i = 0; i < n; i++)); do
		echo "${NAMES[(i + rep) % n]}"
	done
}

fmt_ms() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e6 }'; }
fmt_us() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e3 }'; }

# ---- 1. binary size ------------------------------------------------------------------
metric_size() {
	local name
	log "1. binary size"
	for name in "${NAMES[@]}"; do
		if ! present "$name"; then
			record size "$name" "!${MISSING[$name]}"
			continue
		fi
		if strip -o "$WORK/stripped" "${PATH_OF[$name]}" 2>>"$WORK/strip.log"; then
			record size "$name" "$(awk -v b="$(stat -c %s "$WORK/stripped")" 'BEGIN { printf "%.1f", b / 1024 }')"
		else
			record size "$name" "!failed: strip $(tail -n1 "$WORK/strip.log")"
		fi
		rm -f "$WORK/stripped"
	done
}

# ---- 2 + 3. idle RSS and idle wakeups ---------------------------------------------------
# Every init of every repetition idles at the same time: idle processes do
# not disturb each other, and the window is paid once.
metric_idle() {
	local rep name upid ipid kid sleep_exe i ok
	local -a runs=()
	log "2+3. idle: ${#NAMES[@]} inits x $REPS reps, ${IDLE_SECONDS}s window"
	sleep_exe=$(readlink -f "$(command -v sleep)")
	for ((rep = 0; rep < REPS; rep++)); do
		for name in "${NAMES[@]}"; do
			present "$name" || continue
			ns_start "$name" sleep 100000
			runs+=("$name $UPID")
		done
	done
	declare -A IPID V0
	for r in "${runs[@]}"; do
		read -r name upid <<<"$r"
		ipid=$(ns_init "$upid") || { IPID[$upid]=; continue; }
		# ready once the init's child is the sleep
		ok=
		for ((i = 0; i < 500; i++)); do
			kid=$(cat "/proc/$ipid/task/$ipid/children" 2>/dev/null)
			kid=${kid%% *}
			if [[ -n $kid && $(readlink "/proc/$kid/exe" 2>/dev/null) == "$sleep_exe" ]]; then
				ok=1
				break
			fi
			sleep 0.01
		done
		[[ -n $ok ]] && IPID[$upid]=$ipid || IPID[$upid]=
	done
	sleep 1 # let start-up settle before the window opens
	for r in "${runs[@]}"; do
		read -r name upid <<<"$r"
		ipid=${IPID[$upid]}
		[[ -n $ipid ]] || continue
		V0[$upid]=$(($(status_field "$ipid" voluntary_ctxt_switches) + $(status_field "$ipid" nonvoluntary_ctxt_switches)))
	done
	sleep "$IDLE_SECONDS"
	for r in "${runs[@]}"; do
		read -r name upid <<<"$r"
		ipid=${IPID[$upid]}
		if [[ -z $ipid || ! -e /proc/$ipid/status ]]; then
			record rss "$name" "!failed: init did not start its child (see build/bench/init-stderr.log)"
			record wakeups "$name" "!failed: init did not start its child"
			continue
		fi
		record rss "$name" "$(status_field "$ipid" VmRSS)"
		record wakeups "$name" $(($(status_field "$ipid" voluntary_ctxt_switches) + $(status_field "$ipid" nonvoluntary_ctxt_switches) - V0[$upid]))
	done
	for r in "${runs[@]}"; do
		read -r name upid <<<"$r"
		ns_stop "$upid" "${IPID[$upid]}"
	done
	for name in "${NAMES[@]}"; do
		present "$name" || { record rss "$name" "!${MISSING[$name]}"; record wakeups "$name" "!${MISSING[$name]}"; }
	done
}

# ---- 4. reaping -----------------------------------------------------------------------------
reap_once() {
	local name=$1 ack ctl line ipid c0 c1 verdict wall peak i
	rm -f "$WORK/ack" "$WORK/ctl"
	mkfifo "$WORK/ack" "$WORK/ctl"
	exec {ack}<>"$WORK/ack" {ctl}<>"$WORK/ctl"
	ns_start "$name" "$OUT/orphans" "$ORPHANS" 200 "$WORK/ctl" "$WORK/ack" {ack}>&- {ctl}>&-
	if ! read -r -t 10 line <&"$ack" || [[ $line != R ]] || ! ipid=$(ns_init "$UPID"); then
		record reap_cpu "$name" "!failed: driver never started under the init"
		record reap_wall "$name" "!failed: driver never started"
		record reap_peak "$name" "!failed: driver never started"
		ns_stop "$UPID"
		exec {ack}>&- {ctl}>&-
		return
	fi
	c0=$(cpu_ns "$ipid")
	printf G >&"$ctl"
	if ! read -r -t 150 verdict wall _ peak <&"$ack"; then
		verdict="no answer in 150 s"
	fi
	c1=$(cpu_ns "$ipid")
	printf X >&"$ctl"
	if [[ $verdict == OK ]]; then
		record reap_cpu "$name" "$(awk -v d=$((c1 - c0)) -v n="$ORPHANS" 'BEGIN { printf "%.3f", d / n / 1e3 }')"
		record reap_wall "$name" "$(fmt_ms "$wall")"
		record reap_peak "$name" "$peak"
	else
		record reap_cpu "$name" "!failed: $verdict"
		record reap_wall "$name" "!failed: $verdict"
		record reap_peak "$name" "!failed: $verdict"
	fi
	# the driver exits on X and the init after it; give it 5 s, then kill
	for ((i = 0; i < 500; i++)); do
		kill -0 "$ipid" 2>/dev/null || break
		sleep 0.01
	done
	ns_stop "$UPID" "$ipid"
	exec {ack}>&- {ctl}>&-
}

metric_reap() {
	local rep name
	log "4. reaping: $ORPHANS orphans x ${#NAMES[@]} inits x $REPS reps"
	for ((rep = 0; rep < REPS; rep++)); do
		for name in $(rotation "$rep"); do
			if present "$name"; then
				reap_once "$name"
			else
				record reap_cpu "$name" "!${MISSING[$name]}"
				record reap_wall "$name" "!${MISSING[$name]}"
				record reap_peak "$name" "!${MISSING[$name]}"
			fi
		done
	done
}

# ---- 5. start-up latency ----------------------------------------------------------------------
# startup_series METRIC PREFIX: one hyperfine series per repetition of
# `PREFIX INIT -- /bin/true` for every init, and of `PREFIX /bin/true`.
startup_series() {
	local metric=$1 prefix=$2 rep name
	local -a cmds
	for ((rep = 0; rep < REPS; rep++)); do
		cmds=(-n "bare /bin/true" "$prefix /bin/true")
		for name in $(rotation "$rep"); do
			present "$name" && cmds+=(-n "$name" "$prefix '${PATH_OF[$name]}' -- /bin/true")
		done
		if ! hyperfine -N -i --style none --warmup 20 --runs "$STARTUP_RUNS" \
			--export-json "$OUT/$metric-$rep.json" "${cmds[@]}" >"$WORK/hyperfine.log" 2>&1; then
			cat "$WORK/hyperfine.log" >&2
			for name in "${NAMES[@]}" "bare /bin/true"; do
				if [[ $name == bare* ]] || present "$name"; then
					record "$metric" "$name" "!failed: hyperfine failed"
				fi
			done
			continue
		fi
		# one line per command: median of this repetition's runs, in ms;
		# a command that exited non-zero even once is a failure
		python3 - "$metric" "$OUT/$metric-$rep.json" >>"$OUT/results.tsv" <<-'EOF'
			import json, statistics, sys
			for r in json.load(open(sys.argv[2]))["results"]:
			    bad = [c for c in r.get("exit_codes", []) if c != 0]
			    if bad:
			        v = f"!failed: exit code {bad[0]} in {len(bad)} of {len(r['times'])} runs"
			    else:
			        v = f"{statistics.median(r['times']) * 1e3:.4f}"
			    print(f"{sys.argv[1]}\t{r['command']}\t{v}")
		EOF
	done
	for name in "${NAMES[@]}"; do
		present "$name" || record "$metric" "$name" "!${MISSING[$name]}"
	done
}

metric_startup() {
	local name
	if ! command -v hyperfine >/dev/null; then
		for name in "${NAMES[@]}" "bare /bin/true"; do
			record startup "$name" "!not run: hyperfine not installed"
			record startup_pid1 "$name" "!not run: hyperfine not installed"
		done
		return
	fi
	command -v python3 >/dev/null || die "python3 is needed to read hyperfine's JSON"
	log "5. start-up: $STARTUP_RUNS runs x $REPS reps per init, on the host and as PID 1 (hyperfine)"
	startup_series startup ""
	startup_series startup_pid1 "unshare --pid --fork"
}

# ---- 6. signal forwarding latency -------------------------------------------------------------
# sig_once NAME: NAME is an init, or "direct (no init)" for the floor.
sig_once() {
	local name=$1 ack c ipid target line upid verdict med p99 i
	rm -f "$WORK/ack"
	mkfifo "$WORK/ack"
	exec {ack}<>"$WORK/ack"
	if [[ $name == direct* ]]; then
		"$OUT/sigchild" "$WORK/ack" </dev/null >/dev/null 2>>"$OUT/init-stderr.log" {ack}>&- &
		upid=$!
		LIVE[$upid]=1
		ipid=
		target=$upid
	else
		ns_start "$name" "$OUT/sigchild" "$WORK/ack" {ack}>&-
		upid=$UPID
	fi
	if ! read -r -N 1 -t 10 c <&"$ack" || [[ $c != R ]]; then
		record sig_median "$name" "!failed: child never started under the init"
		record sig_p99 "$name" "!failed: child never started"
		ns_stop "$upid"
		exec {ack}>&-
		return
	fi
	if [[ $name != direct* ]]; then
		ipid=$(ns_init "$upid")
		target=$ipid
	fi
	line=$("$OUT/sigping" "$target" "$SIGNALS" "$ack" 200)
	read -r verdict med p99 _ <<<"$line"
	if [[ $verdict == OK ]]; then
		record sig_median "$name" "$(fmt_us "$med")"
		record sig_p99 "$name" "$(fmt_us "$p99")"
	else
		record sig_median "$name" "!failed: $line"
		record sig_p99 "$name" "!failed: $line"
	fi
	# SIGTERM is forwarded like any signal; the child leaves, then the init
	kill -TERM "$target" 2>/dev/null
	for ((i = 0; i < 300; i++)); do
		kill -0 "$upid" 2>/dev/null || break
		[[ $(awk '{ print $3 }' "/proc/$upid/stat" 2>/dev/null) == Z ]] && break
		sleep 0.01
	done
	ns_stop "$upid" "$ipid"
	exec {ack}>&-
}

metric_signal() {
	local rep name
	log "6. signals: $SIGNALS round trips x ${#NAMES[@]} inits x $REPS reps"
	for ((rep = 0; rep < REPS; rep++)); do
		sig_once "direct (no init)"
		for name in $(rotation "$rep"); do
			if present "$name"; then
				sig_once "$name"
			else
				record sig_median "$name" "!${MISSING[$name]}"
				record sig_p99 "$name" "!${MISSING[$name]}"
			fi
		done
	done
}

# ---- 7 + 8. cgroup bootstrap and job runner, in one VM boot -------------------------------------
metric_vm() {
	local parts=
	wants 7 && parts+=${parts:+,}boot
	wants 8 && parts+=${parts:+,}job
	log "$(wants 7 && echo "7. cgroup bootstrap")$(wants 7 && wants 8 && echo " + ")$(wants 8 &&
		echo "8. job runner") (one VM boot)"
	local static=${PATH_OF[cginit-static]}
	present cginit-static || static=$CGINIT_STATIC
	BENCH_VM_PARTS=$parts "$BENCH/vm-bootstrap.sh" "$OUT" "$static" "$REPS" >"$WORK/vm.out" 2>"$WORK/vm.log"
	local rc=$?
	cp "$WORK/vm.log" "$OUT/vm.log" 2>/dev/null
	cat "$WORK/vm.out" >>"$OUT/results.tsv"
	[[ $rc == 0 ]] || log "7/8. VM run ended with status $rc (see build/bench/vm.log)"
}

# ---- run ----------------------------------------------------------------------------------------
wants 1 && metric_size
{ wants 2 || wants 3; } && metric_idle
wants 4 && metric_reap
wants 5 && metric_startup
wants 6 && metric_signal
{ wants 7 || wants 8; } && metric_vm
ELAPSED=$((SECONDS - START))

# ---- report -------------------------------------------------------------------------------------
table() { python3 "$BENCH/report.py" "$OUT" table "$1"; }
{
	echo "## cginit benchmarks"
	echo
	echo "$(date -u +%Y-%m-%dT%H:%MZ) on $(uname -r), $(nproc) CPUs; BENCH_REPS=$REPS;" \
		"each cell is the median (min, max) over the repetitions; ratios are" \
		"median ÷ median (above 1 = more than the reference)."
	echo
	echo "Builds measured: ${BUILDS:-none (cginit not built)}."
	echo
	if wants 1; then
		table size
		cat <<-'EOF'
			Size of the binary after `strip`, static builds compared with static
			peers and the dynamic build with dynamic peers (whose libc is not
			counted). It is what each image layer or `docker run --init` bind
			mount carries, and what must be paged in before the first instruction.

		EOF
	fi
	if wants 2; then
		table rss
		cat <<-EOF
			Resident memory of the init as PID 1 of a fresh pid namespace, its
			child asleep, read from the host (VmRSS in /proc/PID/status) after
			${IDLE_SECONDS} s of idle. Every container pays it for its whole life,
			so on a node packed with small sandboxes it adds up.

		EOF
	fi
	if wants 3; then
		table wakeups
		cat <<-EOF
			Voluntary plus involuntary context switches of the idle init over
			${IDLE_SECONDS} s (from /proc/PID/status, before and after). An init that
			polls wakes a CPU that could sleep, in every container, forever: it
			costs power and latency to neighbours, and it shows up in idle-cost
			audits. The goal needs 0 in every repetition.

		EOF
	fi
	if wants 4; then
		table reap_cpu
		table reap_wall
		table reap_peak
		cat <<-EOF
			The init's child makes ${ORPHANS} orphans by double fork, as fast as it
			can; each is re-parented to the init, which must reap it. 4a is the
			init's own CPU time (scheduler runtime from /proc/PID/schedstat, exact
			to the ns, rather than utime+stime in 10 ms ticks) divided by the
			orphans; 4b is wall time until /proc of the namespace shows no zombie
			(mostly the child's fork rate); 4c is the most zombies seen at once,
			sampled every 200 orphans. Build systems, test runners and shell
			scripts leave orphans behind; an init that reaps slowly or not at all
			fills the pid table and, with pids.max, stops the container from
			forking.

		EOF
	fi
	if wants 5; then
		table startup
		table startup_pid1
		cat <<-EOF
			Wall time of \`INIT -- /bin/true\` (hyperfine, no shell, ${STARTUP_RUNS} runs
			per repetition after 20 warm-up runs): exec of the init, its set-up,
			spawning and reaping the child, and exit. In 5a the init runs on the
			host, not as PID 1: tini then prints a warning, and cginit becomes a
			subreaper that, before it exits, looks through /proc for descendants
			left behind. In 5b it is PID 1 of a new pid namespace, as in a
			container (\`unshare --pid --fork\` is in every row, bare included).
			This is added to every \`docker run\` and every short-lived job.

		EOF
	fi
	if wants 6; then
		table sig_median
		table sig_p99
		cat <<-EOF
			A host-side driver sends SIGUSR1 to the init (PID 1 of a pid namespace)
			and waits until the init's child has it and answers one byte on a fifo;
			${SIGNALS} round trips per repetition after 200 warm-up ones. "direct"
			sends to the child itself: the floor without an init. \`docker stop\`,
			\`kill\` and Ctrl-C reach the workload only through this path, and a
			slow or lossy init turns a graceful stop into a SIGKILL.

		EOF
	fi
	if wants 7; then
		python3 "$BENCH/report.py" "$OUT" bootstrap
		cat <<-'EOF'
			In a QEMU guest with a real cgroup2 root, K sleepers sit in a fresh
			cgroup C and a bootstrap is started inside C: the shell loop
			(bench/shell-bootstrap.sh: move every pid to C/init, one per write,
			until C is empty, then enable +cpu +memory +pids), the one-pass
			`xargs -rn1` form of the docker:dind entrypoint,
			`cginit --cgroup=require`, or the C floor (bench/bootfloor.c: the
			same moves, one write per pid, and the one write to
			subtree_control, with nothing else). Each then execs a stand-in workload that
			notes when it started: the cells are the time from fork to that
			point, checked afterwards (C empty, K pids in C/init, controllers
			on). "whole run" is cginit until it exited. QEMU runs without KVM
			(TCG), so the times are emulated: only ratios mean anything. It is
			the start-up tax of a container that hosts sandboxes, paid before
			its first job can get memory or pids limits. The goal is cginit
			within 1.1× of the floor at K=1000: busybox's xargs form is already
			about one write per pid, so no bootstrap can be 10× faster than it.

		EOF
	fi
	if wants 8; then
		python3 "$BENCH/report.py" "$OUT" jobs
		cat <<-EOF
			In the same guest, \`cginit --cgroup=require\` is PID 1 of a pid
			namespace of its own in a fresh cgroup, with its layout and its broker
			(CGINIT_BROKER), and its worker (bench/jobbench.c) times each command
			from fork to reap, ${BENCH_VM_JOB_RUNS:-100} runs per repetition, the
			commands interleaved, after 20 warm-up runs each. LIMITS are the
			floor's: \`--memory-max 64M --pids-max 16 --cpu-max "50000 100000"\`.
			The floor (bench/jobfloor.c) makes a cgroup in jobs/, writes the
			three limits, starts /bin/true in it with clone3(CLONE_INTO_CGROUP),
			waits and removes the cgroup; its -p and -k rows add, step by step,
			what the runner does on top, to show where the runner's time goes.
			Every job's cgroup must be gone at the end. It is the price of a job
			with limits and a verdict, paid on every job a worker runs; the goal
			is the runner within 1.5× of the floor, with and without the broker.

		EOF
	fi
	python3 "$BENCH/report.py" "$OUT" goals
	echo
	echo "bench: measured in ${ELAPSED} s (BENCH_REPS=$REPS BENCH_IDLE_SECONDS=$IDLE_SECONDS" \
		"BENCH_ORPHANS=$ORPHANS BENCH_SIGNALS=$SIGNALS BENCH_STARTUP_RUNS=$STARTUP_RUNS);" \
		"raw results in build/bench/results.tsv"
} | tee "$OUT/report.md"
