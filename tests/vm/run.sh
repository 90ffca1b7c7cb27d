#!/bin/bash
# tests/vm/run.sh CGINIT_STATIC [SCENARIO...]
#
# Real-kernel integration suite: boots Debian's kernel under QEMU with an
# initramfs made here (busybox, runc, the given static cginit, the scenario
# scripts), runs each scenario in the guest and reports one PASS:/FAIL: line
# per scenario and kernel ("PASS: idempotent [6.1.0-57]"), then one
# "N passed, N failed" over every kernel, the last line printed.  Exits
# non-zero if any failed or if the guest never reported.  See
# tests/vm/README.md.
#
# SCENARIO is a number or a name (default: all):
#   1 privileged  2 forkbomb  3 memhog  4 readonly  5 nodelegate
#   6 hostcgns    7 shutdown  8 delegation  9 idempotent  10 pid1
#   11 dockerfile  12 noclone3  13 worker-escape  14 hostile-job
#   15 root-worker-job  16 oom-pid1  17 clone-after-kill  18 job-runner
# Scenarios 1-9 and 11-18 share one boot (idempotent last); 10 (cginit as
# the guest's PID 1) has its own.  11 runs the ENTRYPOINT of
# Dockerfile.example, which this script copies out of the Dockerfile into
# the initramfs.  12 hides clone3 behind seccomp, as Docker's default
# profile does.
#
# Environment:
#   CGINIT_CACHE_DIR     cache root (default build/cache, relative to the
#                        repository root); each kernel is kept in its
#                        vm/kernels/<package>/
#   CGINIT_VM_KERNELS    kernel packages to run the scenarios on, one boot
#                        (or two, with pid1) each, e.g. "6.1.0-50 6.1.0-57"
#                        (short for linux-image-6.1.0-NN-amd64); default:
#                        PINNED_KERNEL below, or FALLBACK_KERNEL where apt
#                        cannot download that one
#   CGINIT_VM_ACCEL      kvm or tcg to skip the KVM probe
#   CGINIT_VM_KVM_PROBE  seconds KVM gets to show the guest is up (20)
#   CGINIT_VM_TIMEOUT    hard limit of the main boot in seconds (420)
#   CGINIT_VM_SCENARIO_TIMEOUT  limit of one scenario in the guest (150)
set -euo pipefail

# by number (1-18), and in the order they run: idempotent last in its boot
ALL="privileged forkbomb memhog readonly nodelegate hostcgns shutdown delegation idempotent pid1 dockerfile noclone3 worker-escape hostile-job root-worker-job oom-pid1 clone-after-kill job-runner"
RUN_ORDER="privileged forkbomb memhog readonly nodelegate hostcgns shutdown delegation dockerfile noclone3 worker-escape hostile-job root-worker-job oom-pid1 clone-after-kill job-runner idempotent pid1"

# The kernels the suite boots by default, in this one place, the first
# that apt can download: the newest Debian 6.1 here (bookworm-security),
# else bookworm main's, which a machine without bookworm-security still
# has (it has the clone3 cgroup.kill bug, which cginit works around; see
# README.md, "Kernels"). Not linux-image-amd64, whose target moves with the
# apt sources. The run says which one it booted.
PINNED_KERNEL=linux-image-6.1.0-57-amd64
PINNED_VERSION=6.1.192-3
FALLBACK_KERNEL=linux-image-6.1.0-50-amd64
FALLBACK_VERSION=6.1.176-1

say() { echo "vm-check: $*" >&2; }
# die MESSAGE: stop. Once the run has begun (after the arguments), also a
# FAIL line and the closing "N passed, N failed", so that a run that could
# not boot anything still ends with its count.
die() {
	say "error: $*"
	if [ -n "${running:-}" ]; then
		echo "FAIL: vm-check: $*"
		echo "0 passed, 1 failed"
	fi
	exit 2
}

[ $# -ge 1 ] || {
	echo "usage: $0 CGINIT_STATIC [SCENARIO...]" >&2
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

# ---- scenarios ----------------------------------------------------------
name_of() {
	local i=1 n
	for n in $ALL; do
		if [ "$1" = "$i" ] || [ "$1" = "$n" ]; then
			echo "$n"
			return 0
		fi
		i=$((i + 1))
	done
	return 1
}
wanted=()
if [ $# -eq 0 ]; then
	read -r -a wanted <<<"$ALL"
else
	for a in "$@"; do
		n=$(name_of "$a") || die "unknown scenario '$a' (one of: $ALL, or 1-18)"
		wanted+=("$n")
	done
fi
# canonical order whatever the order asked (idempotent must come last in
# its boot), each scenario once
boot_a=()
boot_b=()
for n in $RUN_ORDER; do
	case " ${wanted[*]} " in *" $n "*) ;; *) continue ;; esac
	if [ "$n" = pid1 ]; then boot_b=(pid1); else boot_a+=("$n"); fi
done

# ---- cache, lock --------------------------------------------------------
cache=${CGINIT_CACHE_DIR:-build/cache}
case $cache in
/*) ;;
*) cache=$repo/$cache ;;
esac
vmc=$cache/vm
build=$vmc/build
mkdir -p "$vmc"
exec 9>"$vmc/lock"
flock -w 900 9 || die "another run holds $vmc/lock"

t_start=$(date +%s)
running=1

# ---- the kernel: Debian's linux-image, unpacked, never installed ----------
# Options the guest needs built in (no modules for these).
NEED_Y="CGROUPS MEMCG CGROUP_PIDS CGROUP_SCHED CGROUP_BPF BPF_SYSCALL PID_NS
IPC_NS UTS_NS NET_NS USER_NS DEVTMPFS TMPFS BLK_DEV_INITRD RD_GZIP
SERIAL_8250 SERIAL_8250_CONSOLE SECCOMP"

# modinfo_field FILE FIELD: a field of a module's .modinfo (NUL-separated)
modinfo_field() {
	tr '\0' '\n' <"$1" | sed -n "s/^$2=//p" | head -n 1
}

# add_module NAME: copy module NAME and, first, what it depends on, into
# $kmods, appending to $kmods/order in load order
add_module() {
	local name=$1 f dep
	grep -qx "$name" "$kmods/order" 2>/dev/null && return 0
	f=$(find "$kx/lib/modules" \( -name "$name.ko*" -o -name "${name//_/-}.ko*" \
		-o -name "${name//-/_}.ko*" \) | head -n 1)
	[ -n "$f" ] || die "module $name not found in the kernel package"
	case $f in
	*.ko) cp "$f" "$kmods/$name.ko" ;;
	*.ko.xz) xz -dc "$f" >"$kmods/$name.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$kmods/$name.ko" ;;
	*) die "cannot use module file $f" ;;
	esac
	for dep in $(modinfo_field "$kmods/$name.ko" depends | tr ',' ' '); do
		add_module "$dep"
	done
	echo "$name" >>"$kmods/order"
}

# fetch_kernel PKG [VERSION [optional]]: Debian's kernel package PKG (at
# VERSION, when given) unpacked into $vmc/kernels/PKG/: vmlinuz, config,
# kernel.version ("PKG VERSION") and modules/ (the few the guest loads, and
# their load order). Keyed by package name, so that a cache of one kernel
# is never booted as another; a cached VERSION other than the one asked
# for is fetched again. Sets $kdir. With "optional", a package apt cannot
# download returns 1 instead of stopping the run.
fetch_kernel() {
	local pkg=$1 want=${2:-} optional=${3:-} tmp cfg o v got
	kdir=$vmc/kernels/$pkg
	if [ -s "$kdir/vmlinuz" ] && [ -s "$kdir/kernel.version" ] && [ -d "$kdir/modules" ]; then
		got=$(cut -d' ' -f2 "$kdir/kernel.version")
		if [ -z "$want" ] || [ "$got" = "$want" ]; then
			say "kernel: cached $(cat "$kdir/kernel.version")"
			return 0
		fi
		say "kernel: cache holds $pkg $got, not $want: fetching it again"
	fi
	if ! apt-cache show "$pkg${want:+=$want}" >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		say "apt-cache knows no $pkg${want:+ $want}; running apt-get update"
		apt-get update -qq >&2 || true
	fi
	say "kernel: downloading $pkg${want:+ $want}"
	mkdir -p "$vmc/kernels"
	tmp=$(mktemp -d "$vmc/kernels/fetch.XXXXXX")
	chmod 755 "$tmp"
	(cd "$tmp" && apt-get download -q "$pkg${want:+=$want}" 2>&1 | grep -v 'unsandboxed' >&2) || true
	if ! ls "$tmp"/*.deb >/dev/null 2>&1; then
		rm -rf "$tmp"
		if [ -n "$optional" ]; then
			say "kernel: apt cannot download $pkg${want:+ $want}"
			return 1
		fi
		die "apt-get download $pkg${want:+=$want} failed (apt-cache policy $pkg: is it in the apt sources?)"
	fi
	kx=$tmp/x
	dpkg-deb -x "$tmp"/*.deb "$kx"
	cfg=$(ls "$kx"/boot/config-* | head -n 1)
	for o in $NEED_Y; do
		grep -qx "CONFIG_$o=y" "$cfg" || die "$pkg: CONFIG_$o is not built in"
	done
	kmods=$tmp/modules
	mkdir -p "$kmods"
	: >"$kmods/order"
	# runc (Go) may block on the entropy pool without virtio-rng
	v=$(sed -n 's/^CONFIG_HW_RANDOM_VIRTIO=//p' "$cfg")
	case $v in
	y) say "kernel: virtio-rng is built in" ;;
	m) # the PCI transport too, or the device never shows up
	   grep -qx 'CONFIG_VIRTIO_PCI=m' "$cfg" && add_module virtio_pci
	   add_module virtio-rng
	   say "kernel: virtio-rng is a module; guest loads: $(tr '\n' ' ' <"$kmods/order")" ;;
	*) say "kernel: no virtio-rng in $pkg; runc may wait for entropy" ;;
	esac
	rm -rf "$kdir"
	mkdir -p "$tmp/k"
	mv "$kmods" "$tmp/k/modules"
	cp "$cfg" "$tmp/k/config"
	cp "$(ls "$kx"/boot/vmlinuz-* | head -n 1)" "$tmp/k/vmlinuz"
	echo "$pkg $(dpkg-deb -f "$tmp"/*.deb Version)" >"$tmp/k/kernel.version"
	mv "$tmp/k" "$kdir"
	rm -rf "$tmp"
	say "kernel: cached $(cat "$kdir/kernel.version") in $kdir"
}

# ---- the initramfs ------------------------------------------------------
# copy_with_libs BIN DEST_ROOT: BIN and the shared libraries ldd names
copy_with_libs() {
	local bin=$1 root=$2 lib
	mkdir -p "$root$(dirname "$bin")"
	cp -L "$bin" "$root$bin"
	for lib in $(ldd "$bin" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# busybox_into DIR: static busybox in DIR/bin with a symlink per applet
busybox_into() {
	local d=$1 a
	mkdir -p "$d/bin"
	cp "$busybox" "$d/bin/busybox"
	for a in $("$busybox" --list); do
		[ "$a" = busybox ] || [ -e "$d/bin/$a" ] || ln -s busybox "$d/bin/$a"
	done
}

build_initramfs() {
	local root=$build/root rfs src cc
	rm -rf "$build"
	mkdir -p "$build/bin" "$root"

	busybox=
	for b in /bin/busybox /usr/bin/busybox; do
		if [ -x "$b" ] && ! LC_ALL=C readelf -l "$b" 2>/dev/null | grep -q 'program interpreter'; then
			busybox=$b
			break
		fi
	done
	[ -n "$busybox" ] || die "no static busybox (apt-get install busybox-static)"
	command -v runc >/dev/null || die "no runc (apt-get install runc)"

	if command -v musl-gcc >/dev/null; then cc=musl-gcc; else cc=gcc; fi
	for src in "$here"/src/*.c; do
		"$cc" -static -Os -Wall -o "$build/bin/$(basename "$src" .c)" "$src" ||
			die "cannot build $src with $cc -static"
	done

	mkdir -p "$root"/{sbin,proc,sys,dev,run,tmp,t,b,root,etc,lib/modules}
	busybox_into "$root"
	cp "$cginit" "$root/sbin/cginit"
	copy_with_libs "$(command -v runc)" "$root"
	cp "$here"/guest/init "$here"/guest/init-pid1 "$root/"
	cp "$here"/guest/*.sh "$build"/bin/* "$root/t/"
	# scenario 11 runs Dockerfile.example's ENTRYPOINT word for word, one
	# word per line; a Dockerfile it cannot read becomes the scenario's FAIL
	if ! python3 "$repo/tests/examples/argv.py" --lines dockerfile-entrypoint \
		"$repo/Dockerfile.example" >"$root/t/dockerfile-entrypoint" 2>"$build/entrypoint.err"; then
		echo "ERROR: $(tr '\n' ' ' <"$build/entrypoint.err")" >"$root/t/dockerfile-entrypoint"
	fi
	# the kernel's modules come in an archive of their own per kernel
	# (modules_initrd), appended to this one
	printf 'root:x:0:0:root:/root:/bin/sh\nworker:x:1000:1000:worker:/tmp:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\nworker:x:1000:\n' >"$root/etc/group"

	# the template every container's rootfs is copied from (guest/lib.sh)
	rfs=$root/rootfs
	mkdir -p "$rfs"/{sbin,proc,sys,dev,tmp,t,etc,root}
	busybox_into "$rfs"
	cp "$cginit" "$rfs/sbin/cginit"
	cp "$here"/guest/wlib.sh "$here"/guest/[wj][0-9]*.sh "$build"/bin/* "$rfs/t/"
	cp "$root/etc/passwd" "$root/etc/group" "$rfs/etc/"
	chmod 1777 "$rfs/tmp"

	chmod 755 "$root/init" "$root/init-pid1"
	(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$build/initrd.gz"
	rm -rf "$root"
	say "initramfs: $(du -k "$build/initrd.gz" | cut -f1) KiB"
}

# modules_initrd TAG: $build/initrd-TAG.gz, the initramfs plus the modules
# of the kernel in $kdir. The kernel unpacks concatenated cpio archives one
# after the other, so the common part is built once for every kernel.
modules_initrd() {
	local tag=$1 m=$build/modules-$1
	rm -rf "$m"
	mkdir -p "$m/lib/modules"
	cp "$kdir"/modules/* "$m/lib/modules/"
	(cd "$m" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$m.cpio.gz"
	cat "$build/initrd.gz" "$m.cpio.gz" >"$build/initrd-$tag.gz"
	rm -rf "$m" "$m.cpio.gz"
}

# ---- booting ------------------------------------------------------------
accel=${CGINIT_VM_ACCEL:-}
# a KVM that hung once on this host (same host kernel) is not probed again
kvm_memo=$vmc/kvm-hangs
kvm_key="$(uname -r) $(qemu-system-x86_64 --version | head -n 1)"

# boot NAME TIMEOUT APPEND: boot the guest; console to console-NAME.log,
# result lines (the guest's ttyS1) to results-NAME.log
boot() {
	local name=$1 tmo=$2 append=$3 con res pid i rc
	con=$build/console-$name.log
	res=$build/results-$name.log
	qemu_run() { # ACCEL [exec]: QEMU under the hard timeout; "exec"
		# (for a background subshell) makes $! the pid of timeout(1)
		local ex=
		[ "${2:-}" = exec ] && ex="exec"
		$ex timeout "$tmo" qemu-system-x86_64 -accel "$1" -m 1024 -smp 1 \
			-nographic -no-reboot -nic none \
			-kernel "$kdir/vmlinuz" -initrd "$build/initrd-$ktag.gz" \
			-append "console=ttyS0 quiet panic=-1 $append" \
			-serial mon:stdio -serial "file:$res" -device virtio-rng-pci \
			</dev/null >"$con" 2>&1
	}
	if [ -z "$accel" ] && [ "$(cat "$kvm_memo" 2>/dev/null)" = "$kvm_key" ]; then
		accel=tcg
		say "accelerator: tcg (kvm hung here before: $kvm_memo; delete it to probe again)"
	fi
	if [ -z "$accel" ]; then
		if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
			# /dev/kvm may open yet never run the guest (nested
			# virtualisation): give it a short time to show life
			local probe=${CGINIT_VM_KVM_PROBE:-20}
			: >"$res"
			qemu_run kvm exec &
			pid=$!
			for ((i = 0; i < probe * 10; i++)); do
				grep -q 'CGINIT-VM: guest up' "$res" 2>/dev/null && break
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			if grep -q 'CGINIT-VM: guest up' "$res" 2>/dev/null; then
				accel=kvm
				say "accelerator: kvm (guest up in $((i / 10)).$((i % 10)) s)"
				rc=0
				wait "$pid" || rc=$?
				return $rc
			fi
			kill "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
			echo "$kvm_key" >"$kvm_memo"
			say "accelerator: kvm did not bring the guest up within ${probe} s; falling back to tcg"
		else
			say "accelerator: /dev/kvm not usable; using tcg"
		fi
		accel=tcg
	fi
	: >"$res"
	rc=0
	qemu_run "$accel" || rc=$?
	return $rc
}

# ---- main ---------------------------------------------------------------
# kernel_tag PKG: the short name of a kernel in result lines: 6.1.0-57
kernel_tag() {
	local t=${1#linux-image-}
	echo "${t%-amd64}"
}

# The kernels to boot: the pinned one, or CGINIT_VM_KERNELS (package
# names; "6.1.0-50" is short for linux-image-6.1.0-50-amd64), each once.
kernels=()
if [ -n "${CGINIT_VM_KERNELS:-}" ]; then
	for k in $CGINIT_VM_KERNELS; do
		case $k in linux-image-*) ;; *) k=linux-image-$k-amd64 ;; esac
		case " ${kernels[*]} " in *" $k "*) continue ;; esac
		kernels+=("$k")
	done
	[ ${#kernels[@]} -gt 0 ] || die "CGINIT_VM_KERNELS names no kernel"
	say "kernels: ${kernels[*]} (CGINIT_VM_KERNELS; the default is $PINNED_KERNEL $PINNED_VERSION)"
	for k in "${kernels[@]}"; do
		fetch_kernel "$k"
	done
elif fetch_kernel "$PINNED_KERNEL" "$PINNED_VERSION" optional; then
	kernels=("$PINNED_KERNEL")
	say "kernel: $PINNED_KERNEL $PINNED_VERSION (pinned in tests/vm/run.sh; CGINIT_VM_KERNELS for others)"
elif fetch_kernel "$FALLBACK_KERNEL" "$FALLBACK_VERSION" optional; then
	kernels=("$FALLBACK_KERNEL")
	say "kernel: $FALLBACK_KERNEL $FALLBACK_VERSION, the fallback: these apt sources lack" \
		"$PINNED_KERNEL $PINNED_VERSION (bookworm-security)"
else
	die "apt can download neither $PINNED_KERNEL $PINNED_VERSION (bookworm-security) nor" \
		"$FALLBACK_KERNEL $FALLBACK_VERSION (bookworm): add the one you want to the apt sources," \
		"or name the kernels to test with CGINIT_VM_KERNELS=\"linux-image-6.1.0-NN-amd64 ...\""
fi
build_initramfs
t_built=$(date +%s)

results=()
# collect NAME RC SCENARIO...: result lines of one boot, tagged [$ktag]
collect() {
	local name=$1 rc=$2 res=$build/results-$1.log con=$build/console-$1.log s line missing=0 why
	shift 2
	for s in "$@"; do
		line=$(tr -d '\r' <"$res" | grep -E "^(PASS: $s\$|FAIL: $s: )" | tail -n 1 || true)
		if [ -z "$line" ]; then
			missing=1
			if [ "$rc" = 124 ]; then
				why="guest never reported (boot killed by the timeout)"
			else
				why="guest never reported (qemu exit code $rc)"
			fi
			if [ "$s" = pid1 ] && grep -q 'Attempted to kill init' "$con"; then
				why="cginit as PID 1 exited: $(tr -d '\r' <"$con" | grep -a 'cginit:' | tail -n 1) [$(tr -d '\r' <"$con" | grep -a -o 'Attempted to kill init! exitcode=0x[0-9a-f]*' | tail -n 1)]"
			fi
			line="FAIL: $s: $why"
		fi
		case $line in
		PASS:*) line="$line [$ktag]" ;;
		FAIL:*) line="FAIL: $s [$ktag]: ${line#FAIL: "$s": }" ;;
		esac
		results+=("$line")
	done
	if [ $missing = 1 ] || [ "$rc" != 0 ]; then
		say "boot $name: qemu exit code $rc; last console lines ($con):"
		tr -d '\r' <"$con" | tail -n 40 | sed 's/^/    /' >&2
	fi
}

# booted NAME: the guest's own word on its kernel (uname -r and the
# version in /proc/version, on ttyS1), which must be the package's
booted() {
	local res=$build/results-$1.log got ver
	got=$(tr -d '\r' <"$res" | sed -n 's/^CGINIT-VM: kernel //p' | head -n 1)
	ver=$(cut -d' ' -f2 "$kdir/kernel.version")
	if [ -z "$got" ]; then
		say "boot $1: the guest never said which kernel it runs"
		return 0
	fi
	say "boot $1: guest kernel $got"
	case $got in
	"$ktag-amd64 "*"$ver"*) ;;
	*) results+=("FAIL: kernel [$ktag]: the guest runs '$got', not $(cat "$kdir/kernel.version")") ;;
	esac
}

for k in "${kernels[@]}"; do
	kdir=$vmc/kernels/$k
	ktag=$(kernel_tag "$k")
	modules_initrd "$ktag"
	say "kernel $ktag: $(cat "$kdir/kernel.version")"
	if [ ${#boot_a[@]} -gt 0 ]; then
		list=$(IFS=,; echo "${boot_a[*]}")
		say "boot A-$ktag: scenarios ${boot_a[*]}"
		t0=$(date +%s)
		rc=0
		boot "A-$ktag" "${CGINIT_VM_TIMEOUT:-420}" \
			"cginit_vm.scenarios=$list cginit_vm.timeout=${CGINIT_VM_SCENARIO_TIMEOUT:-150}" || rc=$?
		say "boot A-$ktag: $(($(date +%s) - t0)) s with $accel"
		booted "A-$ktag"
		collect "A-$ktag" "$rc" "${boot_a[@]}"
	fi
	if [ ${#boot_b[@]} -gt 0 ]; then
		say "boot B-$ktag: scenario pid1 (cginit is the guest's PID 1)"
		t0=$(date +%s)
		rc=0
		boot "B-$ktag" 180 "rdinit=/init-pid1" || rc=$?
		say "boot B-$ktag: $(($(date +%s) - t0)) s with $accel"
		booted "B-$ktag"
		collect "B-$ktag" "$rc" pid1
	fi
done

pass=0
fail=0
for line in "${results[@]}"; do
	echo "$line"
	case $line in
	PASS:*) pass=$((pass + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
done
say "total $(($(date +%s) - t_start)) s (setup $((t_built - t_start)) s); logs in $build"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
