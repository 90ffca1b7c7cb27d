# snap9.sh FILE: scenario 9's picture of the layout in the real root: the
# cgroups, their controllers, owners, the job made between the runs, its
# limit and its process.  Taken by the scenario before the second run and
# by the second run's worker (while that cginit still runs: on exit cginit
# kills its sandbox, jobs included).
CG=/sys/fs/cgroup
{
	(cd $CG && find . -type d | sort)
	for d in "" /sandbox /sandbox/jobs /sandbox/jobs/keep; do
		echo "$d subtree_control: $(cat $CG$d/cgroup.subtree_control)"
		echo "$d owner: $(stat -c %u:%g $CG$d $CG$d/cgroup.procs | tr '\n' ' ')"
	done
	echo "keep pids.max: $(cat $CG/sandbox/jobs/keep/pids.max 2>/dev/null)"
	echo "keep procs: $(cat $CG/sandbox/jobs/keep/cgroup.procs 2>/dev/null)"
} >"$1"
