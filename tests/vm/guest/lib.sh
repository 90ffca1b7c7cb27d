# lib.sh: helpers for the scenario scripts that run in the QEMU guest, on
# the guest's side of the containers (sourced by /t/sN-*.sh).  busybox sh.
#
# A scenario records every failed check with `bad`, and ends with `finish`,
# which prints "RESULT: PASS" or "RESULT: FAIL: reasons".  The guest's /init
# turns that into the PASS:/FAIL: line; a scenario that prints no RESULT
# line (crash, timeout) is reported as failed.

CG=/sys/fs/cgroup
FAILS=

# bad REASON: record a failed check.
bad() {
	FAILS="${FAILS:+$FAILS; }$*"
	echo "check failed: $*"
}

# finish: print the verdict of the scenario.
finish() {
	if [ -z "$FAILS" ]; then
		echo "RESULT: PASS"
	else
		echo "RESULT: FAIL: $FAILS"
	fi
}

# uptime_cs: guest uptime in centiseconds (sub-second timing).
uptime_cs() {
	local up
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}" | sed 's/^0*//; s/^$/0/'
}

# has_tokens FILE TOKEN...: every TOKEN is a whole word of FILE.
has_tokens() {
	local f=$1 t
	shift
	for t in "$@"; do
		tr ' ' '\n' <"$f" | grep -qx "$t" || return 1
	done
	return 0
}

# json_str S: S as a JSON string literal.
json_str() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

# mkbundle ID [--ro-cgroup] [--host-cgroupns] [--no-clone3] [--cgpath PATH]
#          [--cap CAP_NAME]... -- ARGS...
# Makes the OCI bundle /b/ID from `runc spec`, edited for the test:
# terminal off, writable rootfs (a copy of /rootfs), ARGS as the process,
# Docker's default capability set, a cgroup namespace (unless
# --host-cgroupns), /sys/fs/cgroup mounted rw (unless --ro-cgroup),
# linux.cgroupsPath PATH (default /vmtest/ID), and with --no-clone3 a
# seccomp filter that fails clone3 with ENOSYS; each --cap adds a
# capability to that set (what --privileged would give among others).
# Sets B to the bundle directory.
mkbundle() {
	local id=$1 ro=0 cgns=1 noclone3=0 cgpath="/vmtest/$1" args= a extra=
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--ro-cgroup) ro=1 ;;
		--host-cgroupns) cgns=0 ;;
		--no-clone3) noclone3=1 ;;
		--cgpath) cgpath=$2; shift ;;
		--cap) extra="$extra, \"$2\""; shift ;;
		--) shift; break ;;
		*) echo "mkbundle: bad option $1" >&2; return 1 ;;
		esac
		shift
	done
	for a in "$@"; do
		args="${args:+$args, }$(json_str "$a")"
	done
	B=/b/$id
	rm -rf "$B"
	mkdir -p "$B"
	cp -a /rootfs "$B/rootfs"
	mkdir -p "$B/rootfs/t/out"
	chmod 1777 "$B/rootfs/t/out"
	runc spec -b "$B" || return 1
	awk -v args="$args" -v cgns=$cgns -v ro=$ro -v cgpath="$cgpath" -v noclone3=$noclone3 \
		-v extra="$extra" '
		BEGIN {
			caps = "\"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\", \"CAP_FSETID\", " \
			       "\"CAP_FOWNER\", \"CAP_MKNOD\", \"CAP_NET_RAW\", " \
			       "\"CAP_SETGID\", \"CAP_SETUID\", \"CAP_SETFCAP\", " \
			       "\"CAP_SETPCAP\", \"CAP_SYS_CHROOT\"" extra
		}
		/"terminal": true/ { sub(/true/, "false") }
		/"readonly": true/ { sub(/true/, "false") }
		skip_args && /^[ \t]*\],?$/ { skip_args = 0; print "\t\t\t" args }
		skip_args { next }
		/"args": \[/ { print; skip_args = 1; next }
		/"CAP_NET_BIND_SERVICE"$/ { print $0 ", " caps; next }
		/"destination": "\/sys\/fs\/cgroup"/ { in_cg = 1 }
		in_cg && /"ro"/ { if (!ro) sub(/"ro"/, "\"rw\""); in_cg = 0 }
		# re-emit the namespaces: the ones runc spec wrote (it adds a
		# cgroup one itself on a cgroup v2 host), with cgroup on or off
		in_ns && /"type":/ {
			t = $0
			sub(/.*"type": *"/, "", t)
			sub(/".*/, "", t)
			if (t != "cgroup") types = types " " t
		}
		in_ns && /^[ \t]*\],?$/ {
			if (cgns) types = types " cgroup"
			n = split(types, ts, " ")
			for (i = 1; i <= n; i++)
				printf "\t\t\t{ \"type\": \"%s\" }%s\n", ts[i], (i < n ? "," : "")
			in_ns = 0
			print
			next
		}
		in_ns { next }
		/"namespaces": \[/ { print; in_ns = 1; types = ""; next }
		/"linux": \{/ {
			print
			print "\t\t\"cgroupsPath\": \"" cgpath "\","
			# clone3 fails with ENOSYS, as under Docker'"'"'s default
			# seccomp profile: cginit must fall back to fork + a move
			if (noclone3)
				print "\t\t\"seccomp\": { \"defaultAction\": \"SCMP_ACT_ALLOW\", " \
				      "\"architectures\": [ \"SCMP_ARCH_X86_64\" ], \"syscalls\": [ " \
				      "{ \"names\": [ \"clone3\" ], \"action\": \"SCMP_ACT_ERRNO\", " \
				      "\"errnoRet\": 38 } ] },"
			next
		}
		{ print }
	' "$B/config.json" >"$B/config.json.new" || return 1
	mv "$B/config.json.new" "$B/config.json"
}

# ctr_run ID: `runc run` the bundle $B in the foreground, container stdout
# and stderr to $B/stdout and $B/stderr.  Returns the container's code.
ctr_run() {
	runc run --no-pivot -b "$B" "$1" >"$B/stdout" 2>"$B/stderr"
}

# ctr_run_ok ID: ctr_run, then the verdict most scenarios want: the
# container exits 0, the worker's own checks passed (worker_report), and
# the container is deleted. Its output goes into the scenario log.
ctr_run_ok() {
	local code
	ctr_run "$1"
	code=$?
	show_ctr_output
	[ "$code" = 0 ] || bad "container exit code $code, want 0"
	worker_report
	runc delete -f "$1" 2>/dev/null
}

# ctr_create ID: `runc create` the bundle $B (pid in $B/pid).
ctr_create() {
	runc create --no-pivot -b "$B" --pid-file "$B/pid" "$1" \
		>"$B/stdout" 2>"$B/stderr"
}

# reaped_code PID SECONDS: wait until the reaper (our ancestor, see
# reaper.c) has reaped PID, then print its exit code.  Fails on timeout.
reaped_code() {
	local pid=$1 n=$(($2 * 10)) line
	while [ $n -gt 0 ]; do
		line=$(grep "^$pid " "$REAPER_STATUS" 2>/dev/null)
		if [ -n "$line" ]; then
			echo "${line#* }"
			return 0
		fi
		usleep 100000
		n=$((n - 1))
	done
	return 1
}

# wait_file FILE SECONDS: wait until FILE exists.
wait_file() {
	local n=$(($2 * 10))
	while [ ! -e "$1" ]; do
		[ $n -le 0 ] && return 1
		usleep 100000
		n=$((n - 1))
	done
	return 0
}

# worker_report: fold the in-container checks (see wlib.sh) into ours.
worker_report() {
	local line
	if [ ! -e "$B/rootfs/t/out/done" ]; then
		bad "worker did not finish its checks"
	fi
	if [ -s "$B/rootfs/t/out/fail" ]; then
		while read -r line; do
			bad "worker: $line"
		done <"$B/rootfs/t/out/fail"
	fi
}

# show_ctr_output: container stdout/stderr into the scenario log.
show_ctr_output() {
	echo "--- container stdout:"
	cat "$B/stdout" 2>/dev/null
	echo "--- container stderr:"
	cat "$B/stderr" 2>/dev/null
	echo "---"
}

# is_kthread PID: PID is a kernel thread (PF_KTHREAD in /proc/PID/stat).
is_kthread() {
	local stat flags
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	# fields after the ")" that closes comm: state ppid pgrp session tty
	# tpgid flags -> flags is the 7th
	flags=$(echo "${stat##*) }" | awk '{ print $7 }')
	[ $((flags & 0x00200000)) -ne 0 ]
}
