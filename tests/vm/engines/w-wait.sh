# w-wait.sh [term|ignore|exit0]: the worker of the engine scenarios that
# keep a container up (tests/vm/engines/scenarios.sh). It writes what it
# sees to /t/out/facts, checks the layout (where there is one), and says
# "ready"; then, until the guest writes /t/out/go, it runs each job the
# guest asks for (/t/out/job-req-N: a cgroup jN under $CGINIT_SANDBOX
# with pids.max 8, a child moved in). On SIGTERM: term exits 3, ignore
# ignores it, exit0 (the default) exits 0.
. /t/wlib.sh
mode=${1:-exit0}
echo "start $$" >>"$OUT/starts"
self=$(sed -n 's/^0:://p' /proc/self/cgroup)
{
	echo "pid=$$"
	echo "uid=$(id -u)"
	echo "cgroup=$self"
	echo "pid1=$(sed -n 's/^0:://p' /proc/1/cgroup)"
	echo "CGINIT_CGROUP=${CGINIT_CGROUP-unset}"
	echo "CGINIT_SANDBOX=${CGINIT_SANDBOX-unset}"
	echo "cgroupfs=$(awk '$2 == "/sys/fs/cgroup" { split($4, o, ","); print o[1] }' /proc/mounts)"
} >"$OUT/facts.tmp"
mv "$OUT/facts.tmp" "$OUT/facts"
[ -n "${CGINIT_CGROUP:-}" ] && check_layout "$CGINIT_CGROUP"
case $mode in
term) trap 'echo "worker: SIGTERM, exit 3"; exit 3' TERM ;;
ignore) trap '' TERM ;;
*) trap 'echo "worker: SIGTERM, exit 0"; exit 0' TERM ;;
esac

# run_job N: job N in its own cgroup under $CGINIT_SANDBOX
run_job() {
	local j=$CGINIT_SANDBOX/j$1 got
	rm -f "$OUT/job-req-$1"
	if ! mkdir "$j"; then
		wbad "job $1: mkdir $j failed"
	else
		echo 8 >"$j/pids.max" || wbad "job $1: cannot write $j/pids.max"
		got=$(sh -c "echo \$\$ >'$j/cgroup.procs' && sed -n 's/^0:://p' /proc/self/cgroup")
		expect_eq "$got" "${self%/sandbox/worker}/sandbox/jobs/j$1" "cgroup of job $1"
		rmdir "$j" || wbad "job $1: rmdir $j failed"
	fi
	touch "$OUT/job-$1.done"
}

touch "$OUT/ready"
while [ ! -e "$OUT/go" ]; do
	for r in "$OUT"/job-req-*; do
		[ -e "$r" ] && run_job "${r##*-}"
	done
	sleep 1 &
	wait $!
done
wdone
exit 0
