#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/examples/check.sh CGINIT_BINARY
#
# Keeps the user-facing files honest (make check-examples):
#   - every examples/*.json parses (python3 json), every examples/*.yaml
#     parses (python3-yaml, safe_load_all), and each example is set up the
#     way examples/README.md says (structure.py);
#   - the cginit command line of each example (the ECS task definitions,
#     each Kubernetes manifest, the Compose file, and Dockerfile.example's
#     ENTRYPOINT + CMD), taken out by argv.py, passes
#     `CGINIT_BINARY --dry-run ARGS...`: every option, value and --user is
#     checked as cginit would check it, and nothing runs. The user "worker"
#     does not exist here, so each dry run happens in a private mount
#     namespace (unshare) with a made-up /etc/passwd and /etc/group
#     bind-mounted over the real ones, which are never touched;
#   - Dockerfile.example's ENTRYPOINT is exactly the documented one;
#   - `groff -man -Tutf8 -ww -z cginit.1` prints nothing;
#   - `CGINIT_BINARY --help` fits in 80 columns, and it, README.md and
#     cginit.1 name every long option of options.c's table and every
#     environment variable options.c reads.
#
# Prints "PASS: what" or "FAIL: what: why" per check, then
# "N passed, N failed"; exits 1 if anything failed. Needs python3,
# python3-yaml, groff-base and util-linux's unshare; root, or
# unprivileged user namespaces (then it maps itself to root in one).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

[ $# -eq 1 ] || {
	echo "usage: $0 CGINIT_BINARY" >&2
	exit 2
}
cginit=$1
case $cginit in
/*) ;;
*) cginit=$PWD/$cginit ;;
esac

passed=0 failed=0
pass() {
	echo "PASS: $1"
	passed=$((passed + 1))
}
fail() {
	echo "FAIL: $1: $2"
	failed=$((failed + 1))
}
# one_line TEXT: TEXT on one line, for a FAIL reason
one_line() { printf '%s' "$1" | tr '\n' ' ' | sed 's/ *$//' | cut -c1-300; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have() { command -v "$1" >/dev/null 2>&1; }

if [ ! -x "$cginit" ]; then
	fail "cginit binary" "$cginit is not an executable file"
	echo "$passed passed, $failed failed"
	exit 1
fi

# ---- the files parse ----------------------------------------------------------
py_ok=1
if ! have python3; then
	fail "python3" "not installed (apt-get install python3 python3-yaml)"
	py_ok=0
elif ! python3 -c 'import yaml' 2>/dev/null; then
	fail "python3-yaml" "python3 cannot import yaml (apt-get install python3-yaml)"
	py_ok=0
fi

if [ $py_ok = 1 ]; then
	for f in "$repo"/examples/*.json; do
		[ -e "$f" ] || continue
		if out=$(python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$f" 2>&1); then
			pass "examples/${f##*/} parses as JSON"
		else
			fail "examples/${f##*/} parses as JSON" "$(one_line "$out")"
		fi
	done
	for f in "$repo"/examples/*.yaml "$repo"/examples/*.yml; do
		[ -e "$f" ] || continue
		if out=$(python3 -c 'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' "$f" 2>&1); then
			pass "examples/${f##*/} parses as YAML"
		else
			fail "examples/${f##*/} parses as YAML" "$(one_line "$out")"
		fi
	done
	while IFS= read -r line; do
		case $line in
		PASS:*) pass "${line#PASS: }" ;;
		FAIL:*)
			rest=${line#FAIL: }
			fail "${rest%%: *}" "${rest#*: }"
			;;
		esac
	done < <(python3 "$here/structure.py" "$repo/examples" 2>&1 |
		sed '/^PASS: /b; /^FAIL: /b; s/^/FAIL: structure.py: /')
fi

# ---- the command lines pass cginit --dry-run ----------------------------------
cat >"$tmp/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
worker:x:1000:1000:worker:/home/worker:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$tmp/group" <<'EOF'
root:x:0:
worker:x:1000:
nogroup:x:65534:
EOF

# in_fake_etc CMD...: CMD in a private mount namespace where /etc/passwd and
# /etc/group are the ones above. Output in $out, exit code in $rc.
if [ "$(id -u)" = 0 ]; then
	ns=(unshare --mount --propagation private)
else
	ns=(unshare --user --map-root-user --mount --propagation private)
fi
in_fake_etc() {
	rc=0
	# shellcheck disable=SC2016
	out=$("${ns[@]}" sh -c 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group || exit 98
		shift 2
		exec "$@"' sh "$tmp/passwd" "$tmp/group" "$@" 2>&1 </dev/null) || rc=$?
}

dry_ok=1
if ! have unshare; then
	fail "dry runs" "unshare not found (apt-get install util-linux)"
	dry_ok=0
else
	in_fake_etc "$cginit" --dry-run --user worker -- true
	if [ "$rc" = 0 ]; then
		pass "dry run with the made-up /etc/passwd: --user worker is found"
	else
		fail "dry run with the made-up /etc/passwd" "exit $rc: $(one_line "$out")"
		dry_ok=0
	fi
	# the negative control: an unknown user must fail, or the dry runs prove nothing
	in_fake_etc "$cginit" --dry-run --user no-such-user -- true
	if [ "$rc" = 125 ] && [[ $out == *"unknown user"* ]]; then
		pass "dry run rejects an unknown --user (exit 125)"
	else
		fail "dry run rejects an unknown --user" "exit $rc, want 125: $(one_line "$out")"
	fi
fi

# dry_run_file KIND FILE: every cginit command line of FILE through --dry-run
dry_run_file() {
	local kind=$1 file=$2 rel=${2#"$repo"/} name n i w argv found=0
	if ! python3 "$here/argv.py" "$kind" "$file" >"$tmp/records" 2>"$tmp/records.err"; then
		fail "$rel: command lines" "$(one_line "$(cat "$tmp/records.err")")"
		return
	fi
	while IFS= read -r -d '' name && IFS= read -r -d '' n; do
		argv=()
		for ((i = 0; i < n; i++)); do
			IFS= read -r -d '' w
			argv+=("$w")
		done
		[ "${argv[0]##*/}" = cginit ] || continue
		found=1
		if [ "${argv[0]}" != /sbin/cginit ]; then
			fail "$rel: $name" "runs ${argv[0]}; the images put cginit in /sbin/cginit"
			continue
		fi
		in_fake_etc "$cginit" --dry-run "${argv[@]:1}"
		if [ "$rc" = 0 ]; then
			pass "$rel: $name: cginit --dry-run ${argv[*]:1}"
		else
			fail "$rel: $name: cginit --dry-run ${argv[*]:1}" "exit $rc: $(one_line "$out")"
		fi
	done <"$tmp/records"
	[ $found = 1 ] || fail "$rel" "no command line that runs cginit"
}

if [ $py_ok = 1 ] && [ $dry_ok = 1 ]; then
	dry_run_file dockerfile "$repo/Dockerfile.example"
	dry_run_file ecs "$repo/examples/ecs-task-definition.json"
	dry_run_file ecs "$repo/examples/ecs-task-definition-fargate.json"
	dry_run_file k8s "$repo/examples/k8s-pod.yaml"
	dry_run_file k8s "$repo/examples/k8s-pod-shared-pid.yaml"
	dry_run_file compose "$repo/examples/compose.yaml"
fi

# ---- Dockerfile.example's ENTRYPOINT, to the letter ----------------------------
want='/sbin/cginit
--cgroup=require
--user
worker
--'
if [ $py_ok = 1 ]; then
	if got=$(python3 "$here/argv.py" --lines dockerfile-entrypoint "$repo/Dockerfile.example" 2>&1) &&
		[ "$got" = "$want" ]; then
		pass "Dockerfile.example: ENTRYPOINT is [\"/sbin/cginit\", \"--cgroup=require\", \"--user\", \"worker\", \"--\"]"
	else
		fail "Dockerfile.example: ENTRYPOINT" "got: $(one_line "$got")"
	fi
fi

# ---- the manual page --------------------------------------------------------------
if ! have groff; then
	fail "cginit.1 under groff -ww" "groff not found (apt-get install groff-base)"
elif [ ! -f "$repo/cginit.1" ]; then
	fail "cginit.1 under groff -ww" "no cginit.1"
else
	out=$(groff -man -Tutf8 -ww -z "$repo/cginit.1" 2>&1)
	rc=$?
	if [ $rc = 0 ] && [ -z "$out" ]; then
		pass "cginit.1: groff -man -Tutf8 -ww -z prints nothing"
	else
		fail "cginit.1: groff -man -Tutf8 -ww -z" "exit $rc: $(one_line "$out")"
	fi
fi

# ---- --help, README.md and cginit.1 against options.c ----------------------------
help=$("$cginit" --help 2>&1)
rc=$?
if [ $rc != 0 ]; then
	fail "cginit --help" "exit $rc"
fi
wide=$(printf '%s\n' "$help" | awk 'length($0) > 80 { printf "line %d has %d columns; ", NR, length($0) }')
if [ -z "$wide" ]; then
	pass "cginit --help fits in 80 columns"
else
	fail "cginit --help fits in 80 columns" "$wide"
fi

# The long option table and the variables options.c reads.
options=$(sed -n '/long_options\[\] = {/,/{NULL/p' "$repo/options.c" |
	sed -n 's/^[[:space:]]*{"\([a-z0-9-]*\)",.*/\1/p')
envs=$(grep -o '"\(CGINIT\|TINI\)_[A-Z_]*"' "$repo/options.c" | tr -d '"' | sort -u)
if [ -z "$options" ] || [ -z "$envs" ]; then
	fail "options.c" "found no long option table or no environment variable in it"
fi
# mentions DOC TEXT [VARIABLES]: every option, and every variable (default:
# all that options.c reads), appears in TEXT
mentions() {
	local doc=$1 text=$2 vars=${3:-$envs} o missing=""
	for o in $options; do
		grep -q -e "--$o\([^a-z0-9-]\|$\)" <<<"$text" || missing="$missing --$o"
	done
	if [ -z "$missing" ]; then
		pass "$doc names every long option of options.c ($(wc -w <<<"$options"))"
	else
		fail "$doc names every long option of options.c" "missing:$missing"
	fi
	missing=""
	for o in $vars; do
		grep -q -e "$o\([^A-Z_]\|$\)" <<<"$text" || missing="$missing $o"
	done
	if [ -z "$missing" ]; then
		pass "$doc names every variable options.c reads ($(wc -w <<<"$vars"))"
	else
		fail "$doc names every variable options.c reads" "missing:$missing"
	fi
}
# --help sums up the TINI_ aliases in words; the CGINIT_ names must be there
mentions "cginit --help" "$help" "$(grep '^CGINIT_' <<<"$envs")"
mentions "README.md" "$(cat "$repo/README.md")"
# roff: \- is a minus sign, \f.. a font change, \& a zero-width break
mentions "cginit.1" "$(sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\&//g' "$repo/cginit.1")"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
