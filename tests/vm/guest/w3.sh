# Worker of scenario 3: a memory hog in a job with memory.max=32M.
. /t/wlib.sh
J=$CGINIT_SANDBOX/job2
if ! mkdir "$J"; then
	wbad "mkdir $J failed"
	wdone
	exit 1
fi
echo 32M >"$J/memory.max" || wbad "cannot write memory.max"
# no swap in the guest; make sure anyway that the job cannot swap
[ -e "$J/memory.swap.max" ] && echo 0 >"$J/memory.swap.max"
sh -c "echo \$\$ >'$J/cgroup.procs' && exec /t/memhog" >"$OUT/memhog.log" 2>&1 &
wait $!
rc=$?
echo "memhog exit: $rc; memory.events:" >&2
cat "$J/memory.events" >&2
expect_eq "$rc" 137 "exit code of the memory hog (SIGKILL by OOM)"
oom=$(awk '$1 == "oom_kill" { print $2 }' "$J/memory.events")
[ "${oom:-0}" -ge 1 ] || wbad "memory.events oom_kill is '$oom', want >= 1"
kill -0 1 || wbad "cginit (pid 1) is gone"
last=$(tail -n 1 "$OUT/memhog.log")
echo "memhog last line: $last" >&2
case $last in *reached*) wbad "memhog was never stopped" ;; esac
rmdir "$J" || wbad "rmdir $J failed"
wdone
