# Scenario 4: read-only cgroupfs (Docker's unprivileged default, and what
# docker run --init gets).  --cgroup=require fails with 125 and a
# "read-only" message before the worker runs; --cgroup=auto runs it as a
# plain init without a word, and says why only at -v; a limit asked for
# fails closed: 125, the worker never runs, and the message names it.
. /t/lib.sh

# ro_run ID EXPECT_CODE CGINIT_ARGS...: one container on a read-only
# cgroupfs whose worker touches /t/out/ran; sets B.
ro_run() {
	local id=$1 want=$2 code
	shift 2
	mkbundle "$id" --ro-cgroup -- /sbin/cginit "$@" -- /bin/sh -c 'touch /t/out/ran' ||
		{ bad "$id: mkbundle failed"; return 1; }
	ctr_run "$id"
	code=$?
	echo "$id ($*): exit code $code"
	show_ctr_output
	[ "$code" = "$want" ] || bad "$id ($*): exit code $code, want $want"
	runc delete -f "$id" 2>/dev/null
	return 0
}

ro_run ctr4a 125 --cgroup=require
grep -q 'read-only' "$B/stderr" || bad "require: no 'read-only' in stderr"
[ -e "$B/rootfs/t/out/ran" ] && bad "require: the worker ran"

ro_run ctr4b 0 --cgroup=auto
[ -e "$B/rootfs/t/out/ran" ] || bad "auto: the worker did not run"
[ -s "$B/stderr" ] && bad "auto: stderr not empty at the default verbosity: $(head -c 300 "$B/stderr")"

ro_run ctr4c 0 -v
[ -e "$B/rootfs/t/out/ran" ] || bad "auto -v: the worker did not run"
grep -q 'read-only' "$B/stderr" || bad "auto -v: the reason ('read-only') is not said"
grep -q 'warning' "$B/stderr" && bad "auto -v: a warning where there is nothing to do"

ro_run ctr4d 125 --jobs-pids-max 16
[ -e "$B/rootfs/t/out/ran" ] && bad "--jobs-pids-max: the worker ran without its limit"
grep -q -- '--jobs-pids-max' "$B/stderr" || bad "--jobs-pids-max: stderr does not name the option"
grep -q 'read-only' "$B/stderr" || bad "--jobs-pids-max: stderr does not say read-only"

ro_run ctr4e 125 --delegate-to 1000:1000
[ -e "$B/rootfs/t/out/ran" ] && bad "--delegate-to: the worker ran"
grep -q -- '--delegate-to' "$B/stderr" || bad "--delegate-to: stderr does not name the option"
finish
