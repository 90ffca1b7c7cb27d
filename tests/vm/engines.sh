#!/bin/bash
# tests/vm/engines.sh CGINIT_STATIC [ENGINE...]
#
# cginit under the real engines (make vm-engines): Debian's docker.io
# (dockerd, containerd, runc) and podman (crun, conmon), each in a QEMU
# guest of its own, started there from the packages (apt-get download +
# dpkg-deb -x; nothing is installed on this host). Each engine imports an
# image made from a busybox rootfs with the cginit under test, and runs the
# scenarios in tests/vm/engines/scenarios.sh with its own CLI: privileged,
# host cgroupns, read-only cgroupfs, --init, exec, stop, a fork bomb,
# --user delegation, pause, restart, podman's unmask, and the examples
# (Dockerfile.example's ENTRYPOINT and CMD, examples/compose.yaml's
# options). One line per scenario, "PASS: docker-privileged [6.1.0-57]" or
# "FAIL: NAME [6.1.0-57]: why", one for the compose schema check, then
# "N passed, N failed", the last line printed. A scenario the guest never
# reported on counts as failed, and the console's tail is shown.
#
# ENGINE is docker or podman (default: both, in parallel, one guest each).
#
# Environment:
#   CGINIT_CACHE_DIR          cache root (default build/cache); the packages
#                             go to vm/engines/, the kernel is shared with
#                             run.sh (vm/kernels/<package>/)
#   CGINIT_VM_ENGINES_KERNEL  kernel package (default ENGINES_KERNEL below)
#   CGINIT_VM_ENGINES_SERIAL  1: boot the guests one after the other
#   CGINIT_VM_ENGINES_TIMEOUT hard limit of one guest in seconds (480)
#   CGINIT_VM_SCENARIO_TIMEOUT limit of one scenario in the guest (120)
#   CGINIT_VM_ENGINES_ONLY    "a b": only these scenarios (names without
#                             the engine, e.g. "privileged exec")
# See tests/vm/README.md, "Docker and podman".
set -euo pipefail

# The kernel: one of KERNEL_PINS (tests/vm/kernel.sh, with its version
# and sha256), and its fallback (bookworm main) where apt cannot download
# it.
ENGINES_KERNEL=linux-image-6.1.0-57-amd64
ENGINES_FALLBACK_KERNEL=linux-image-6.1.0-50-amd64

# The packages, pinned, all from bookworm main (a machine whose apt sources
# lack bookworm-security has every one): the engines, and the libraries
# their binaries need (ld.so --list names them; a missing one stops the
# build and says which). A pinned version apt no longer has (a point
# release replaced it) is replaced by apt's candidate, and the run says so.
ENGINE_PKGS="
docker.io=20.10.24+dfsg1-1+deb12u1+b6
containerd=1.6.20~ds1-1+deb12u3
runc=1.1.5+ds1-1+deb12u1
podman=4.3.1+ds1-8+deb12u1+b3
crun=1.8.1-1+deb12u1
conmon=2.1.6+ds1-1
golang-github-containers-common=0.50.1+ds1-4
libc6=2.36-9+deb12u14
libcap2=1:2.66-4+deb12u3+b1
libdevmapper1.02.1=2:1.02.185-2
libgcrypt20=1.10.1-3+deb12u1
libglib2.0-0=2.74.6-2+deb12u9
libgpg-error0=1.46-1
liblz4-1=1.9.4-1
liblzma5=5.4.1-1+deb12u1
libpcre2-8-0=10.42-1
libseccomp2=2.5.4-1+deb12u1
libselinux1=3.4-1+b6
libsystemd0=252.39-1~deb12u2
libudev1=252.39-1~deb12u2
libzstd1=1.5.4+dfsg2-5
libgpgme11=1.18.0-3+b1
libassuan0=2.5.5-5
libsubid4=1:4.13+dfsg1-1+deb12u2
libyajl2=2.1.0-3+deb12u2
libaudit1=1:3.0.9-1
libcap-ng0=0.8.3-1+b3
libpam0g=1.5.2-6+deb12u2
libsemanage2=3.4-1+b5
libsepol2=3.4-2.1
libbz2-1.0=1.0.8-5+b1
libcrypt1=1:4.4.33-2
docker-compose=1.29.2-3
"
# what each guest carries out of them
DOCKER_BINS="/usr/sbin/dockerd /usr/bin/docker /usr/bin/containerd /usr/bin/containerd-shim-runc-v2 /usr/sbin/runc"
PODMAN_BINS="/usr/bin/podman /usr/bin/crun /usr/bin/conmon"
PODMAN_FILES="/etc/containers/policy.json /usr/share/containers/containers.conf /usr/share/containers/seccomp.json"

say() { echo "vm-engines: $*" >&2; }
die() {
	say "error: $*"
	if [ -n "${running:-}" ]; then
		echo "FAIL: vm-engines: $*"
		echo "0 passed, 1 failed"
	fi
	exit 2
}

[ $# -ge 1 ] || {
	echo "usage: $0 CGINIT_STATIC [docker|podman...]" >&2
	exit 2
}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cginit=$1
shift
[ -f "$cginit" ] || die "$cginit: no such file"
cginit=$(cd "$(dirname "$cginit")" && pwd)/$(basename "$cginit")
if LC_ALL=C readelf -l "$cginit" 2>/dev/null | grep -q 'Requesting program interpreter'; then
	die "$cginit is dynamically linked; the guest needs a static binary (make static)"
fi
engines=()
for e in "${@:-docker podman}"; do
	for w in $e; do
		case $w in docker | podman) engines+=("$w") ;; *) die "unknown engine $w (docker or podman)" ;; esac
	done
done

cache=${CGINIT_CACHE_DIR:-build/cache}
case $cache in /*) ;; *) cache=$repo/$cache ;; esac
vmc=$cache/vm
ec=$vmc/engines
build=$ec/build
mkdir -p "$ec"
exec 8>"$ec/lock"
flock -w 900 8 || die "another run holds $ec/lock"
running=1
t_start=$(date +%s)

# ---- the kernel: run.sh's, from the same cache -------------------------------
# shellcheck source=tests/vm/kernel.sh
. "$here/kernel.sh"

updated=
# apt_update_once PKG=VER...: an apt-get update (as root, once) when apt
# knows not all of these package versions
apt_update_once() {
	[ -z "$updated" ] || return 0
	apt-cache show "$@" >/dev/null 2>&1 && return 0
	[ "$(id -u)" = 0 ] || return 0
	updated=1
	say "apt-cache knows not all of $*; running apt-get update"
	apt-get update -qq >&2 || true
}

# ---- the packages ------------------------------------------------------
# fetch_pkgs: every package of ENGINE_PKGS as a .deb in $ec/debs (kept
# across runs), unpacked together into $ec/root-<hash of the list>; sets
# $X and writes $X/.versions ("name version", the ones really used)
fetch_pkgs() {
	local spec name ver deb hash got missing
	hash=$(echo "$ENGINE_PKGS" | sha256sum | cut -c1-12)
	X=$ec/root-$hash
	if [ -s "$X/.versions" ]; then
		say "packages: cached in $X"
		return 0
	fi
	mkdir -p "$ec/debs"
	rm -rf "$ec"/root-* "$ec/unpack"
	mkdir -p "$ec/unpack"
	: >"$ec/unpack/.versions"
	# the ones not in debs/ yet, in one apt-get call (one by one below
	# where that fails, say because a pin is gone)
	missing=
	for spec in $ENGINE_PKGS; do
		name=${spec%%=*}
		ver=${spec#*=}
		ls "$ec/debs/${name}_$(echo "$ver" | sed 's/:/%3a/')_"*.deb >/dev/null 2>&1 || missing="$missing $spec"
	done
	if [ -n "$missing" ]; then
		# shellcheck disable=SC2086
		apt_update_once $missing
		say "packages: downloading$missing"
		(cd "$ec/debs" && apt-get download -q $missing 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' >&2) || true
	fi
	for spec in $ENGINE_PKGS; do
		name=${spec%%=*}
		ver=${spec#*=}
		deb=$(ls "$ec/debs/${name}_$(echo "$ver" | sed 's/:/%3a/')_"*.deb 2>/dev/null | head -n 1 || true)
		if [ -z "$deb" ]; then
			apt_update_once "$spec"
			(cd "$ec/debs" && apt-get download -q "$spec" 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' >&2) || true
			deb=$(ls "$ec/debs/${name}_$(echo "$ver" | sed 's/:/%3a/')_"*.deb 2>/dev/null | head -n 1 || true)
		fi
		if [ -z "$deb" ]; then
			# the pin is gone from the archive: apt's candidate, said loudly
			(cd "$ec/debs" && apt-get download -q "$name" 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' >&2) || true
			ls "$ec/debs/${name}_"*.deb >/dev/null 2>&1 || die "apt-get download $name failed (pinned $ver)"
			deb=$(ls -t "$ec/debs/${name}_"*.deb | head -n 1)
			say "packages: NOTE: $name $ver is not in the apt sources; using $(dpkg-deb -f "$deb" Version)"
		fi
		got=$(dpkg-deb -f "$deb" Version)
		dpkg-deb -x "$deb" "$ec/unpack"
		echo "$name $got" >>"$ec/unpack/.versions"
	done
	mv "$ec/unpack" "$X"
	say "packages: unpacked $(wc -l <"$X/.versions") packages into $X"
}

# ---- the initramfs -------------------------------------------------------
# libs_of BIN: the shared objects BIN needs, as paths inside $X, found by
# the packaged loader (ld.so --list, i.e. ldd) in the unpacked packages
# only; a library no pinned package has is an error on stderr
libs_of() {
	local out l
	out=$("$X/lib64/ld-linux-x86-64.so.2" --inhibit-cache \
		--library-path "$X/lib/x86_64-linux-gnu:$X/usr/lib/x86_64-linux-gnu" --list "$X$1" 2>&1) || {
		echo "ld.so --list $1 failed: $out" >&2
		return 1
	}
	if echo "$out" | grep -q 'not found'; then
		echo "$1 needs libraries no pinned package has: $(echo "$out" | grep 'not found' | awk '{print $1}' | tr '\n' ' ')(add the package to ENGINE_PKGS)" >&2
		return 1
	fi
	for l in $(echo "$out" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
		case $l in
		"$X"/*) echo "${l#"$X"}" ;;
		*) echo "$1 needs $l, which no pinned package has; it comes from this host (add its package to ENGINE_PKGS)" >&2
		   return 1 ;;
		esac
	done
}

# put PATH ROOT: PATH of the unpacked packages into ROOT, same place,
# symlinks resolved
put() {
	mkdir -p "$2$(dirname "$1")"
	cp -L "$X$1" "$2$1"
}

busybox_into() {
	local d=$1 a
	mkdir -p "$d/bin"
	cp "$busybox" "$d/bin/busybox"
	for a in $("$busybox" --list); do
		[ "$a" = busybox ] || [ -e "$d/bin/$a" ] || ln -s busybox "$d/bin/$a"
	done
}

# the parts both guests share, built once: $build/common
build_common() {
	local c=$build/common rfs src cc b
	busybox=
	for b in /bin/busybox /usr/bin/busybox; do
		if [ -x "$b" ] && ! LC_ALL=C readelf -l "$b" 2>/dev/null | grep -q 'program interpreter'; then
			busybox=$b
			break
		fi
	done
	[ -n "$busybox" ] || die "no static busybox (apt-get install busybox-static)"
	if command -v musl-gcc >/dev/null; then cc=musl-gcc; else cc=gcc; fi
	mkdir -p "$c"/{proc,sys,dev,run,tmp,t,etc,root,var/lib,var/tmp,usr/local/bin,lib/modules,img}
	busybox_into "$c"
	ln -s /run "$c/var/run"
	chmod 1777 "$c/tmp" "$c/var/tmp"
	cp "$cginit" "$c/usr/local/bin/cginit-static"
	cp "$here"/engines/init "$c/init"
	cp "$here"/engines/init2 "$here"/engines/*.sh "$c/t/"
	chmod 755 "$c/init" "$c/t/init2"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$c/etc/passwd"
	printf 'root:x:0:\n' >"$c/etc/group"
	printf '127.0.0.1 localhost\n' >"$c/etc/hosts"
	: >"$c/etc/resolv.conf"
	cp "$kdir"/modules/* "$c/lib/modules/"

	# the image's rootfs: busybox, the cginit under test as /sbin/cginit,
	# the worker scripts and helpers in /t, a "worker" user (uid 1000, as
	# Dockerfile.example's useradd makes it); the guest imports it with
	# the engine's own tools
	rfs=$c/img/rootfs
	mkdir -p "$rfs"/{sbin,proc,sys,dev,tmp,t/out,etc,root,home/worker}
	busybox_into "$rfs"
	cp "$cginit" "$rfs/sbin/cginit"
	cp "$here"/guest/wlib.sh "$here"/guest/w2.sh "$here"/guest/w11.sh "$here"/guest/w18.sh \
		"$here"/guest/j18.sh "$here"/engines/w-*.sh "$rfs/t/"
	for src in forkbomb memhog; do
		"$cc" -static -Os -Wall -o "$rfs/t/$src" "$here/src/$src.c" || die "cannot build $src.c with $cc -static"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nworker:x:1000:1000::/home/worker:/bin/sh\n' >"$rfs/etc/passwd"
	printf 'root:x:0:\nworker:x:1000:\n' >"$rfs/etc/group"
	chmod 1777 "$rfs/tmp" "$rfs/t/out"
	# as a tarball for `import`: root's, but the worker's home
	(cd "$rfs" && tar --numeric-owner --owner=0 --group=0 --exclude=./home/worker -cf "$c/img/rootfs.tar" . &&
		tar --numeric-owner --owner=1000 --group=1000 -rf "$c/img/rootfs.tar" ./home/worker) ||
		die "cannot make the image's tarball"
	rm -rf "$rfs"

	# the examples, as the engines start them
	python3 "$repo/tests/examples/argv.py" --lines dockerfile-entrypoint "$repo/Dockerfile.example" \
		>"$c/img/dockerfile-entrypoint" 2>"$build/examples.err" || echo "ERROR: $(cat "$build/examples.err")" >"$c/img/dockerfile-entrypoint"
	python3 "$here/engines/examples.py" dockerfile-changes "$repo/Dockerfile.example" \
		>"$c/img/dockerfile-changes" 2>"$build/examples.err" || echo "ERROR: $(cat "$build/examples.err")" >"$c/img/dockerfile-changes"
	python3 "$here/engines/examples.py" compose-run "$repo/examples/compose.yaml" \
		>"$c/img/compose-run" 2>"$build/examples.err" || echo "ERROR: $(cat "$build/examples.err")" >"$c/img/compose-run"
}

# build_engine ENGINE: $build/initrd-ENGINE.cpio, uncompressed (it boots
# faster than a gzip one under TCG): the common part, the engine's
# binaries and their libraries
build_engine() {
	local e=$1 r=$build/root-$1 bins files f l
	rm -rf "$r"
	cp -a "$build/common" "$r"
	case $e in
	docker) bins=$DOCKER_BINS files= ;;
	podman)
		bins=$PODMAN_BINS files=$PODMAN_FILES
		mkdir -p "$r/etc/containers"
		cp "$here/engines/containers.conf" "$here/engines/storage.conf" "$r/etc/containers/"
		;;
	esac
	for f in $bins; do
		[ -e "$X$f" ] || die "no $f in the unpacked packages"
		put "$f" "$r"
		libs_of "$f" >"$build/libs" 2>"$build/libs.err" || die "$(cat "$build/libs.err")"
		for l in $(cat "$build/libs"); do
			[ -e "$r$l" ] || put "$l" "$r"
		done
	done
	for f in $files; do
		[ -e "$X$f" ] || die "no $f in the unpacked packages"
		put "$f" "$r"
	done
	put /lib64/ld-linux-x86-64.so.2 "$r"
	cp "$X/.versions" "$r/t/versions"
	echo "$e" >"$r/t/engine"
	(cd "$r" && find . | cpio -o -H newc -R 0:0 --quiet) >"$build/initrd-$e.cpio"
	rm -rf "$r"
	say "initramfs $e: $(($(stat -c %s "$build/initrd-$e.cpio") / 1048576)) MiB (uncompressed)"
}

# ---- booting -----------------------------------------------------------
# boot ENGINE: one TCG guest under timeout; console to console-ENGINE.log,
# the guest's result lines (ttyS1) to results-ENGINE.log
boot() {
	local e=$1 rc=0 t0
	t0=$(date +%s)
	: >"$build/results-$e.log"
	timeout "${CGINIT_VM_ENGINES_TIMEOUT:-480}" qemu-system-x86_64 -accel tcg -m 2048 -smp 1 \
		-nographic -no-reboot -nic none \
		-kernel "$kdir/vmlinuz" -initrd "$build/initrd-$e.cpio" \
		-append "console=ttyS0 quiet panic=-1 cginit_vm.timeout=${CGINIT_VM_SCENARIO_TIMEOUT:-120}${only:+ cginit_vm.only=$only}" \
		-serial mon:stdio -serial "file:$build/results-$e.log" -device virtio-rng-pci \
		</dev/null >"$build/console-$e.log" 2>&1 || rc=$?
	echo "$rc $(($(date +%s) - t0))" >"$build/boot-$e.rc"
}

# the scenarios each engine's guest must report on, from scenarios.sh
# (CGINIT_VM_ENGINES_ONLY="a b": only those)
only=$(echo "${CGINIT_VM_ENGINES_ONLY:-}" | tr ' ' ',')
scenarios_of() {
	sed -n "s/^# scenario \([a-z0-9-]*\) \([a-z ]*\):.*/\1 \2/p" "$here/engines/scenarios.sh" |
		awk -v e="$1" -v only=",$only," '{ for (i = 2; i <= NF; i++) if ($i == e && (only == ",," || index(only, "," $1 ","))) print $1 }'
}

# ---- main ----------------------------------------------------------------
(
	flock -w 900 9 || die "another run holds $vmc/lock"
	if [ -n "${CGINIT_VM_ENGINES_KERNEL:-}" ]; then
		fetch_kernel "$CGINIT_VM_ENGINES_KERNEL"
	else
		fetch_kernel "$ENGINES_KERNEL" optional ||
			{ say "kernel: apt cannot download $ENGINES_KERNEL (bookworm-security); using $ENGINES_FALLBACK_KERNEL";
			  fetch_kernel "$ENGINES_FALLBACK_KERNEL"; }
	fi
	echo "$kdir" >"$ec/kdir"
) 9>"$vmc/lock" || die "no kernel"
kdir=$(cat "$ec/kdir")
ktag=$(cut -d' ' -f1 "$kdir/kernel.version")
ktag=${ktag#linux-image-}
ktag=${ktag%-amd64}
fetch_pkgs
rm -rf "$build"
mkdir -p "$build"
build_common
for e in "${engines[@]}"; do
	build_engine "$e"
done
rm -rf "$build/common"
say "packages: $(grep -E '^(docker.io|containerd|runc|podman|crun|conmon|golang-github-containers-common) ' "$X/.versions" | tr '\n' ',' | sed 's/,$//; s/,/, /g')"
say "kernel: $(cat "$kdir/kernel.version"); setup $(($(date +%s) - t_start)) s"

pids=()
for e in "${engines[@]}"; do
	say "boot $e: started"
	if [ "${CGINIT_VM_ENGINES_SERIAL:-0}" = 1 ]; then
		boot "$e"
	else
		boot "$e" &
		pids+=($!)
	fi
done
for p in "${pids[@]}"; do wait "$p" || true; done

results=()
for e in "${engines[@]}"; do
	res=$build/results-$e.log
	con=$build/console-$e.log
	read -r rc secs <"$build/boot-$e.rc"
	say "boot $e: $secs s, qemu exit code $rc; $(tr -d '\r' <"$res" | grep -a '^CGINIT-VM: ' | grep -v -e 'guest up' -e done | sed 's/^CGINIT-VM: //' | tr '\n' ';')"
	missing=0
	for s in $(scenarios_of "$e"); do
		line=$(tr -d '\r' <"$res" | grep -a -E "^(PASS: $e-$s\$|FAIL: $e-$s: )" | tail -n 1 || true)
		if [ -z "$line" ]; then
			missing=1
			if [ "$rc" = 124 ]; then
				line="FAIL: $e-$s: guest never reported (killed by the timeout)"
			else
				line="FAIL: $e-$s: guest never reported (qemu exit code $rc)"
			fi
		fi
		case $line in
		PASS:*) line="$line [$ktag]" ;;
		FAIL:*) line="FAIL: $e-$s [$ktag]: ${line#FAIL: "$e-$s": }" ;;
		esac
		results+=("$line")
	done
	if [ $missing = 1 ] || [ "$rc" != 0 ]; then
		say "boot $e: last console lines ($con):"
		tr -d '\r' <"$con" | tail -n 40 | sed 's/^/    /' >&2
	fi
done

# the compose file against the schema Debian's docker-compose ships
if line=$(python3 "$here/engines/examples.py" compose-schema "$repo/examples/compose.yaml" \
	"$X/usr/lib/python3/dist-packages/compose/config/compose_spec.json" 2>&1); then
	results+=("PASS: compose-schema ($line)")
else
	results+=("FAIL: compose-schema: $(echo "$line" | tail -n 3 | tr '\n' ' ')")
fi

pass=0
fail=0
for line in "${results[@]}"; do
	echo "$line"
	case $line in
	PASS:*) pass=$((pass + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
done
say "total $(($(date +%s) - t_start)) s; logs in $build"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
