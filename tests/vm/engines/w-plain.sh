# w-plain.sh CODE [init]: a worker that only says it ran (/t/out/ran),
# what it sees (/t/out/facts), and exits CODE. With "init", PID 1 must be
# the engine's --init, cginit, with this script as its command.
. /t/wlib.sh
touch "$OUT/ran"
{
	echo "uid=$(id -u)"
	echo "cgroup=$(sed -n 's/^0:://p' /proc/self/cgroup)"
	echo "cgroupfs=$(awk '$2 == "/sys/fs/cgroup" { split($4, o, ","); print o[1] }' /proc/mounts)"
	echo "pid1cmd=$(tr '\0' ' ' </proc/1/cmdline)"
	echo "pid1version=$(/proc/1/exe --version 2>&1 | head -n 1)"
} >"$OUT/facts"
# no layout: --cgroup=auto on a read-only cgroupfs leaves it alone
[ -e /sys/fs/cgroup/init ] && wbad "a layout was made: /sys/fs/cgroup/init exists"
if [ "${2:-}" = init ]; then
	case $(cat "$OUT/facts" | sed -n 's/^pid1version=//p') in
	"cginit version "*) ;;
	*) wbad "PID 1 is not cginit: $(/proc/1/exe --version 2>&1 | head -n 1)" ;;
	esac
	case $(tr '\0' ' ' </proc/1/cmdline) in
	*" -- /bin/sh /t/w-plain.sh "*) ;;
	*) wbad "PID 1's command line: '$(tr '\0' ' ' </proc/1/cmdline)', want INIT -- /bin/sh /t/w-plain.sh ..." ;;
	esac
fi
wdone
exit "$1"
