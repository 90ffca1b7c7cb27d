#!/bin/bash
# Integration tests of cginit on the host's kernel, every scenario inside its
# own pid + mount namespace (see lib.sh for the cgroup guard).
#
#   tests/integration/run.sh [--only NAME]... [--list] BINARY...
#
# One line per test per binary, "PASS: name [binary]", "FAIL: name [binary]:
# reason" or "SKIP: name [binary]: reason", then "N passed, N failed, N
# skipped". Exits 1 if anything failed. ORPHANS sets the orphan-storm size
# (default 20000). KEEP=1 keeps the temp dirs of passing tests too.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
H=$REPO/build/helpers
export H REPO

# shellcheck source=lib.sh
. "$HERE/lib.sh"
# shellcheck source=tests.sh
. "$HERE/tests.sh"

usage() {
	echo "usage: $0 [--only NAME]... [--list] BINARY..." >&2
	exit 2
}

run_one() {
	local name=$1 bin=$2 label
	label=$(basename "$bin")
	if [ -n "$setup_problem" ]; then
		echo "FAIL: $name [$label]: $setup_problem"
		failed=$((failed + 1))
		return
	fi
	if [ -n "$ns_problem" ]; then
		echo "SKIP: $name [$label]: $ns_problem"
		skipped=$((skipped + 1))
		return
	fi
	if [ ! -x "$bin" ]; then
		echo "FAIL: $name [$label]: $bin is not an executable file"
		failed=$((failed + 1))
		return
	fi
	local tdir rc reason
	tdir=$(mktemp -d "${TMPDIR:-/tmp}/cginit-it.$name.XXXXXX")
	chmod 755 "$tdir"
	(
		T=$tdir
		CG=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
		CG_REAL=$(readlink -f "$CG")
		export T CG CG_REAL
		cd "$T" || exit 1
		"t_$name"
	) >"$tdir/.log" 2>&1 </dev/null
	rc=$?
	# End whatever namespace the test left running (by the pid we started).
	if [ -f "$tdir/.pids" ]; then
		local p
		while read -r p; do
			if kill -0 "$p" 2>/dev/null; then
				kill -HUP "$p" 2>/dev/null
				wait_until 10 eval "! kill -0 $p 2>/dev/null"
			fi
		done <"$tdir/.pids"
	fi
	reason=$(head -c 2000 "$tdir/.reason" 2>/dev/null | tr '\n' ' ')
	case $rc in
	0)
		echo "PASS: $name [$label]"
		passed=$((passed + 1))
		[ -n "${KEEP:-}" ] || rm -rf "$tdir"
		;;
	77)
		echo "SKIP: $name [$label]: ${reason:-no reason given}"
		skipped=$((skipped + 1))
		;;
	*)
		echo "FAIL: $name [$label]: ${reason:-the test exited with $rc} (details: $tdir)"
		failed=$((failed + 1))
		;;
	esac
}

# The whole run is one function, parsed before it starts: editing this file
# during a run cannot change what the run does.
main() {
	only=()
	bins=()
	while [ $# -gt 0 ]; do
		case $1 in
		--only) [ $# -ge 2 ] || usage; only+=("$2"); shift 2 ;;
		--only=*) only+=("${1#--only=}"); shift ;;
		--list) printf '%s\n' "${TESTS[@]}"; exit 0 ;;
		-h | --help) usage ;;
		-*) echo "run.sh: unknown option $1" >&2; usage ;;
		*) bins+=("$1"); shift ;;
		esac
	done
	[ ${#bins[@]} -gt 0 ] || usage

	selected=()
	if [ ${#only[@]} -eq 0 ]; then
		selected=("${TESTS[@]}")
	else
		for name in "${only[@]}"; do
			found=0
			for t in "${TESTS[@]}"; do [ "$t" = "$name" ] && found=1; done
			[ $found = 1 ] || { echo "run.sh: no test named '$name' (see --list)" >&2; exit 2; }
			selected+=("$name")
		done
	fi

	# Nothing from the caller's environment may change cginit's behaviour.
	for v in $(compgen -e); do
		case $v in CGINIT_* | TINI_* | LISTEN_PID | LISTEN_FDS | LISTEN_FDNAMES) unset "$v" ;; esac
	done
	export LC_ALL=C

	# The helpers: build what is missing (the Makefile knows how).
	missing=()
	for src in "$REPO"/tests/helpers/*.c; do
		name=$(basename "$src" .c)
		[ "$H/$name" -nt "$src" ] || missing+=("build/helpers/$name")
	done
	setup_problem=""
	if [ ${#missing[@]} -gt 0 ]; then
		make -s -C "$REPO" "${missing[@]}" >&2 || setup_problem="cannot build the test helpers (make ${missing[*]})"
	fi

	# Can this machine run the namespaces at all? If not, every test is a
	# (loud) skip rather than a failure of cginit.
	ns_problem=""
	for prog in unshare timeout; do
		command -v "$prog" >/dev/null 2>&1 || ns_problem="$prog is not installed"
	done
	if [ -z "$ns_problem" ] && [ -z "$setup_problem" ]; then
		ns_out=$(NS_TIMEOUT=20 in_ns 'echo ok' 2>&1)
		if [ "$ns_out" != ok ]; then
			ns_problem="cannot create the test namespace (root and unshare(1) needed): ${ns_out//$'\n'/ }"
		fi
	fi

	passed=0 failed=0 skipped=0

	for bin in "${bins[@]}"; do
		for name in "${selected[@]}"; do
			run_one "$name" "$bin"
		done
	done

	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

main "$@"
exit $?
