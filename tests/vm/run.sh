#!/bin/bash
# tests/vm/run.sh CGINIT_STATIC [SCENARIO...]
#
# Real-kernel integration suite: boots Debian's kernel under QEMU with an
# initramfs made here (busybox, runc, the given static cginit, the scenario
# scripts), runs each scenario in the guest and reports one PASS:/FAIL: line
# per scenario and kernel ("PASS: idempotent [6.1.0-57]"), then one
# "N passed, N failed" over every kernel, the last line printed.  Exits
# non-zero if any failed or if the guest never reported.  By default it
# runs every scenario on each of DEFAULT_KERNELS (tests/vm/kernel.sh), under
# TCG, booting the ELF vmlinux through PVH.  See tests/vm/README.md.
#
# SCENARIO is a number or a name (default: all):
#   1 privileged  2 forkbomb  3 memhog  4 readonly  5 nodelegate
#   6 hostcgns    7 shutdown  8 delegation  9 idempotent  10 pid1
#   11 dockerfile  12 noclone3  13 worker-escape  14 hostile-job
#   15 root-worker-job  16 oom-pid1  17 clone-after-kill  18 job-runner
#   19 broker-attack
# Scenarios 1-9 and 11-19 share one boot (idempotent last); 10 (cginit as
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
#                        DEFAULT_KERNELS in kernel.sh. A package in KERNEL_PINS is
#                        fetched at its pinned version and sha256; any other
#                        at the newest version bookworm holds, said so
#   CGINIT_VM_DEBIAN_MIRROR    the archive the kernels come from (default
#                        http://deb.debian.org/debian), suite bookworm
#   CGINIT_VM_SECURITY_MIRROR  the same for bookworm-security (default
#                        http://deb.debian.org/debian-security)
#   CGINIT_VM_ACCEL      tcg (default) or kvm; see tests/vm/README.md for
#                        why KVM is not the default
#   CGINIT_VM_BOOT       vmlinux (default: the ELF unpacked from the
#                        bzImage, booted through PVH) or bzimage
#   CGINIT_VM_TIMEOUT    hard limit of the main boot in seconds (420)
#   CGINIT_VM_TIMEOUT_PID1  hard limit of the pid1 boot in seconds (180)
#   CGINIT_VM_SCENARIO_TIMEOUT  limit of one scenario in the guest (150)
set -euo pipefail

# by number (1-19), and in the order they run: idempotent last in its boot
ALL="privileged forkbomb memhog readonly nodelegate hostcgns shutdown delegation idempotent pid1 dockerfile noclone3 worker-escape hostile-job root-worker-job oom-pid1 clone-after-kill job-runner broker-attack"
RUN_ORDER="privileged forkbomb memhog readonly nodelegate hostcgns shutdown delegation dockerfile noclone3 worker-escape hostile-job root-worker-job oom-pid1 clone-after-kill job-runner broker-attack idempotent pid1"

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
		n=$(name_of "$a") || die "unknown scenario '$a' (one of: $ALL, or 1-19)"
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
# KERNEL_PINS, DEFAULT_KERNELS and fetch_kernel, shared with engines.sh
# shellcheck source=tests/vm/kernel.sh
. "$here/kernel.sh"

# unpack_vmlinux: $kdir/vmlinux, the ELF vmlinux inside $kdir/vmlinuz with
# its PVH entry note (tests/vm/vmlinux.py), made once per cached kernel;
# where that fails, $kdir/vmlinux.failed says why and the bzImage is booted.
unpack_vmlinux() {
	[ -s "$kdir/vmlinux" ] || [ -s "$kdir/vmlinux.failed" ] && return 0
	grep -qx 'CONFIG_PVH=y' "$kdir/config" || {
		echo "CONFIG_PVH is not set in $(cat "$kdir/kernel.version")" >"$kdir/vmlinux.failed"
		return 0
	}
	if python3 "$here/vmlinux.py" "$kdir/vmlinuz" "$kdir/vmlinux.tmp" >"$kdir/vmlinux.log" 2>&1; then
		mv "$kdir/vmlinux.tmp" "$kdir/vmlinux"
		say "kernel: $(cat "$kdir/vmlinux.log")"
	else
		rm -f "$kdir/vmlinux.tmp"
		tr '\n' ' ' <"$kdir/vmlinux.log" >"$kdir/vmlinux.failed"
	fi
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
	# uncompressed: under TCG the guest's gunzip cost more than QEMU's
	# loading of the bigger file (tests/vm/README.md, "Timing")
	(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) >"$build/initrd.cpio"
	rm -rf "$root"
	say "initramfs: $(du -k "$build/initrd.cpio" | cut -f1) KiB, uncompressed"
}

# modules_initrd TAG: $build/initrd-TAG.cpio, the initramfs plus the modules
# of the kernel in $kdir. The kernel unpacks concatenated cpio archives one
# after the other, so the common part is built once for every kernel.
modules_initrd() {
	local tag=$1 m=$build/modules-$1
	rm -rf "$m"
	mkdir -p "$m/lib/modules"
	cp "$kdir"/modules/* "$m/lib/modules/"
	(cd "$m" && find . | cpio -o -H newc -R 0:0 --quiet) >"$m.cpio"
	cat "$build/initrd.cpio" "$m.cpio" >"$build/initrd-$tag.cpio"
	rm -rf "$m" "$m.cpio"
}

# ---- booting ------------------------------------------------------------
# TCG unless asked: /dev/kvm on these machines is kvm_pvm, under which a
# stock kernel runs over 1000 times slower than under TCG (README.md)
accel=${CGINIT_VM_ACCEL:-tcg}
case $accel in
tcg | kvm) ;;
*) die "CGINIT_VM_ACCEL=$accel: tcg or kvm" ;;
esac
case ${CGINIT_VM_BOOT:-vmlinux} in
vmlinux | bzimage) ;;
*) die "CGINIT_VM_BOOT=${CGINIT_VM_BOOT}: vmlinux or bzimage" ;;
esac

# kernel_image: the image to boot for $kdir into $kimage, and what it is
# into $kimage_is: the ELF vmlinux through PVH unless CGINIT_VM_BOOT says
# bzimage or the vmlinux could not be had, which is said
kernel_image() {
	if [ "${CGINIT_VM_BOOT:-vmlinux}" = vmlinux ] && [ -s "$kdir/vmlinux" ]; then
		kimage=$kdir/vmlinux kimage_is="vmlinux via PVH"
	elif [ "${CGINIT_VM_BOOT:-vmlinux}" = vmlinux ]; then
		kimage=$kdir/vmlinuz kimage_is="bzImage (no vmlinux: $(cat "$kdir/vmlinux.failed" 2>/dev/null))"
	else
		kimage=$kdir/vmlinuz kimage_is="bzImage (CGINIT_VM_BOOT=bzimage)"
	fi
}

# boot NAME TIMEOUT APPEND: boot the guest under its own hard timeout;
# console to console-NAME.log, result lines (the guest's ttyS1) to
# results-NAME.log. Sets $up, the seconds until the guest said
# "CGINIT-VM: guest up" (or "never").
boot() {
	local name=$1 tmo=$2 append=$3 con res pid rc t0 now
	con=$build/console-$name.log
	res=$build/results-$name.log
	: >"$res"
	t0=$(date +%s%N)
	timeout "$tmo" qemu-system-x86_64 -accel "$accel" -m 1024 -smp 1 \
		-nographic -no-reboot -nic none \
		-kernel "$kimage" -initrd "$build/initrd-$ktag.cpio" \
		-append "console=ttyS0 quiet panic=-1 $append" \
		-serial mon:stdio -serial "file:$res" -device virtio-rng-pci \
		</dev/null >"$con" 2>&1 &
	pid=$!
	up=never
	while kill -0 "$pid" 2>/dev/null; do
		if grep -q 'CGINIT-VM: guest up' "$res" 2>/dev/null; then
			now=$(date +%s%N)
			up=$(awk -v d=$((now - t0)) 'BEGIN { printf "%.1f", d / 1e9 }')
			break
		fi
		sleep 0.1
	done
	rc=0
	wait "$pid" || rc=$?
	if [ "$up" = never ] && grep -q 'CGINIT-VM: guest up' "$res"; then
		up="?" # up and done between two looks
	fi
	return $rc
}

# ---- main ---------------------------------------------------------------
# kernel_tag PKG: the short name of a kernel in result lines: 6.1.0-57
kernel_tag() {
	local t=${1#linux-image-}
	echo "${t%-amd64}"
}

# The kernels to boot: DEFAULT_KERNELS, or CGINIT_VM_KERNELS (package
# names; "6.1.0-50" is short for linux-image-6.1.0-50-amd64), each once.
kernels=()
for k in ${CGINIT_VM_KERNELS:-$DEFAULT_KERNELS}; do
	case $k in linux-image-*) ;; *) k=linux-image-$k-amd64 ;; esac
	case " ${kernels[*]} " in *" $k "*) continue ;; esac
	kernels+=("$k")
done
[ ${#kernels[@]} -gt 0 ] || die "CGINIT_VM_KERNELS names no kernel"
if [ -n "${CGINIT_VM_KERNELS:-}" ]; then
	say "kernels: ${kernels[*]} (CGINIT_VM_KERNELS; the default is $DEFAULT_KERNELS)"
else
	say "kernels: ${kernels[*]} (DEFAULT_KERNELS, pinned in tests/vm/kernel.sh; CGINIT_VM_KERNELS for others)"
fi
for k in "${kernels[@]}"; do
	fetch_kernel "$k"
	unpack_vmlinux
done
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

timing=()
for k in "${kernels[@]}"; do
	kdir=$vmc/kernels/$k
	ktag=$(kernel_tag "$k")
	modules_initrd "$ktag"
	kernel_image
	say "kernel $ktag: $(cat "$kdir/kernel.version"), booting its $kimage_is with $accel"
	tk=$(date +%s)
	if [ ${#boot_a[@]} -gt 0 ]; then
		list=$(IFS=,; echo "${boot_a[*]}")
		say "boot A-$ktag: scenarios ${boot_a[*]}"
		t0=$(date +%s)
		rc=0
		boot "A-$ktag" "${CGINIT_VM_TIMEOUT:-420}" \
			"cginit_vm.scenarios=$list cginit_vm.timeout=${CGINIT_VM_SCENARIO_TIMEOUT:-150}" || rc=$?
		say "boot A-$ktag: guest up after $up s, $(($(date +%s) - t0)) s in all ($accel, $kimage_is)"
		timing+=("A-$ktag up ${up} s, $(($(date +%s) - t0)) s")
		booted "A-$ktag"
		collect "A-$ktag" "$rc" "${boot_a[@]}"
	fi
	if [ ${#boot_b[@]} -gt 0 ]; then
		say "boot B-$ktag: scenario pid1 (cginit is the guest's PID 1)"
		t0=$(date +%s)
		rc=0
		boot "B-$ktag" "${CGINIT_VM_TIMEOUT_PID1:-180}" "rdinit=/init-pid1" || rc=$?
		say "boot B-$ktag: guest up after $up s, $(($(date +%s) - t0)) s in all ($accel, $kimage_is)"
		timing+=("B-$ktag up ${up} s, $(($(date +%s) - t0)) s")
		booted "B-$ktag"
		collect "B-$ktag" "$rc" pid1
	fi
	timing+=("kernel $ktag: $(($(date +%s) - tk)) s")
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
say "timing: ${timing[*]/%/;}"
say "total $(($(date +%s) - t_start)) s (setup $((t_built - t_start)) s); logs in $build"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
