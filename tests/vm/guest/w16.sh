# Worker of scenario 16: uid 1000. $1 is the oom_score_adj PID 1 must have.
# Checks that the worker cannot have PID 1's, then fills a tmpfs file past
# the container's limit.
. /t/wlib.sh
want=$1
i=0
while [ "$(cat /proc/1/oom_score_adj)" != "$want" ] && [ $i -lt 100 ]; do
	usleep 100000
	i=$((i + 1))
done
expect_eq "$(cat /proc/1/oom_score_adj)" "$want" "oom_score_adj of cginit, PID 1"
expect_eq "$(cat /proc/self/oom_score_adj)" 0 "oom_score_adj of the worker"
must_fail "take PID 1's OOM protection" "Permission denied" "echo -1000 >/proc/self/oom_score_adj"
echo "sandbox memory.max $(cat /sys/fs/cgroup/sandbox/memory.max)" >"$OUT/seen"
wdone
# The filler's few pages are fewer than cginit's, and it is the only
# process left in the sandbox: left to choose by size, the OOM killer
# would choose PID 1.
exec /t/fill /tmp/fill 200
