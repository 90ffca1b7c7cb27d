# Scenario 17: the trigger of the SIGKILL that Debian's 6.1.129-6.1.190
# send a child of clone3(CLONE_INTO_CGROUP) (scenario 9 on those kernels).
# Each case starts a child with /t/intocg, which only does _exit(7), in
# cgroups that cgroup.kill has or has not been written to, and records how
# it ended.  The model: each write of cgroup.kill adds one to a count of
# the cgroup and of every cgroup below it (a new cgroup starts at 0), and
# an affected kernel SIGKILLs a clone3 child whenever the count of the
# parent's cgroup differs from that of the target.  The scenario passes when
# the kernel follows the model, with the bug or without it; the verdict is
# an INFO line.  fork plus a move (cginit's fallback) must always live.
. /t/lib.sh
R=$CG/ks16
rmdir $R/*/* $R/* $R 2>/dev/null
mkdir $R || { bad "mkdir $R"; finish; exit; }

# case NAME MODE CGROUP: one child, its end recorded as NAME=exit7|signal9
out=
case_() {
	local r
	r=$(/t/intocg "$2" "$3" 2>&1 | tr -d ' ')
	echo "INFO: $1 ($2 into ${3#$CG} from $(sed 's/^0:://' /proc/self/cgroup)): $r"
	out="$out $1=$r"
}

mkdir $R/a
case_ fresh clone3 $R/a

mkdir $R/b
echo 1 >$R/b/cgroup.kill
case_ killed-self clone3 $R/b
case_ killed-self-again clone3 $R/b
case_ killed-self-forkmove fork-move $R/b

mkdir -p $R/c/w
echo 1 >$R/c/cgroup.kill
case_ killed-parent clone3 $R/c/w
case_ killed-parent-forkmove fork-move $R/c/w
rmdir $R/c/w && mkdir $R/c/w
case_ killed-parent-recreated clone3 $R/c/w
mkdir $R/c/new
case_ killed-parent-newsibling clone3 $R/c/new

# the same number of kills on both sides: the caller in g/s, target g/t
mkdir -p $R/g/s $R/g/t
echo 1 >$R/g/cgroup.kill
echo $$ >$R/g/s/cgroup.procs || bad "cannot move into g/s"
case_ same-count clone3 $R/g/t
echo 1 >$R/g/t/cgroup.kill
case_ target-one-more clone3 $R/g/t
case_ caller-one-more clone3 $R/a
case_ caller-one-more-forkmove fork-move $R/a
echo $$ >$CG/cgroup.procs || bad "cannot move back into the root"

echo "INFO: results:$out"
# counts equal, or fork-move: the child lives on every kernel
for c in fresh killed-self-forkmove killed-parent-forkmove killed-parent-recreated \
	killed-parent-newsibling same-count caller-one-more-forkmove; do
	case " $out " in *" $c=exit7 "*) ;; *) bad "$c: the child did not live" ;; esac
done
# counts differ: all killed (the bug) or all alive (fixed), never a mix
killed=0 alive=0
for c in killed-self killed-self-again killed-parent target-one-more caller-one-more; do
	case " $out " in
	*" $c=signal9 "*) killed=$((killed + 1)) ;;
	*" $c=exit7 "*) alive=$((alive + 1)) ;;
	*) bad "$c: neither killed nor alive" ;;
	esac
done
if [ $killed = 5 ]; then
	echo "INFO: verdict: this kernel has the bug: clone3(CLONE_INTO_CGROUP) SIGKILLs the child when the cgroup.kill counts of the parent's and the target cgroup differ"
elif [ $alive = 5 ]; then
	echo "INFO: verdict: this kernel does not have the bug"
else
	bad "with unequal cgroup.kill counts $killed children were killed and $alive lived: not the known bug"
fi
rmdir $R/*/* $R/* $R 2>/dev/null
finish
