#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/vm-bootstrap.sh OUT_DIR CGINIT_STATIC REPS: metrics 7 and 8 of
# bench/run.sh, in one boot.
#
# Boots the guest kernel that the VM test harness (tests/vm/run.sh) keeps in
# its cache, with an initramfs made here: static busybox, the static cginit,
# bench/vmhelper, bench/bootfloor, bench/jobfloor and bench/jobbench (built
# static), bench/shell-bootstrap.sh and bench/vm-guest.sh as /init. The
# guest times the shell bootstrap, cginit's and the C floor at K = 10, 100
# and 1000 sleepers (metric 7), and cginit --job against its floor
# (metric 8); see vm-guest.sh.
#
# Prints results.tsv lines on stdout: metric "boot" (time until the
# workload starts in a ready tree) and "boot_total" (the whole run, exit
# included), subject "K METHOD", value in ms (one line per trial); metric
# "job", subject METHOD, value the median of one repetition's runs in ms;
# or a "!not run: why" / "!failed: why" value. Downloads and installs
# nothing: without a cached kernel it reports why and exits 0. Progress
# and the guest console go to stderr.
#
# Environment: BENCH_VM_PARTS (boot,job: metric 7, metric 8; default
# both), BENCH_VM_KS (default 10,100,1000), BENCH_VM_REPS (default: REPS),
# BENCH_VM_BOOT_REPS (metric 7's trials per K and method, default 3 x
# REPS: the same trial swings by tens of ms from one run to the next, the
# moves of 1000 pids alone 20 to 45 ms, so its median needs more of them
# than metric 8's),
# BENCH_VM_TIMEOUT (seconds, default 600), BENCH_VM_METHODS (default
# shell,cginit,dind,floor,floor-layout), BENCH_VM_JOB_RUNS (default 100),
# BENCH_VM_JOB_METHODS (default true,floor,floor-byte,floor-full,nobroker,
# broker), BENCH_VM_KERNEL (a package of the VM harness's cache, default the
# newest of its DEFAULT_KERNELS), CGINIT_CACHE_DIR (as for
# tests/vm/run.sh), BENCH_VM_ACCEL (tcg, the default: KVM hangs on these
# machines).

set -u -o pipefail

OUT=$1
CGINIT_STATIC=$2
REPS=${BENCH_VM_REPS:-$3}
BOOT_REPS=${BENCH_VM_BOOT_REPS:-$((3 * REPS))}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
KS=${BENCH_VM_KS:-10,100,1000}
METHODS=${BENCH_VM_METHODS:-shell,cginit,dind,floor,floor-layout}
PARTS=${BENCH_VM_PARTS:-boot,job}
JOB_RUNS=${BENCH_VM_JOB_RUNS:-100}
JOB_METHODS=${BENCH_VM_JOB_METHODS:-true,floor,floor-byte,floor-full,nobroker,broker}
TIMEOUT=${BENCH_VM_TIMEOUT:-600}
ACCEL=${BENCH_VM_ACCEL:-tcg}
cache=${CGINIT_CACHE_DIR:-build/cache}
[[ $cache == /* ]] || cache=$ROOT/$cache
VMC=$cache/vm
VMDIR=$OUT/vm

say() { echo "vm-bootstrap: $*" >&2; }
# whole_metric TEXT: TEXT for every metric of the selected parts
whole_metric() {
	[[ ,$PARTS, == *,boot,* ]] && printf 'boot\t*\t%s\n' "$1"
	[[ ,$PARTS, == *,job,* ]] && printf 'job\t*\t%s\n' "$1"
	return 0
}
not_run() {
	say "not run: $*"
	whole_metric "!not run: $*"
	exit 0
}
failed() {
	whole_metric "!failed: $*"
	exit 1
}

# ---- what the run needs, none of it fetched here --------------------------
[[ -x $CGINIT_STATIC ]] || not_run "$CGINIT_STATIC not built (make static)"
if LC_ALL=C readelf -l "$CGINIT_STATIC" 2>/dev/null | grep -q 'program interpreter'; then
	not_run "$CGINIT_STATIC is dynamically linked; the guest needs the static build"
fi
command -v qemu-system-x86_64 >/dev/null || not_run "qemu-system-x86_64 not installed (Debian qemu-system-x86)"
# The harness keeps one directory per kernel package, vm/kernels/PKG/
# (older harnesses: vm/vmlinuz). Its default kernels (DEFAULT_KERNELS in
# tests/vm/kernel.sh, oldest first), the newest first here.
harness_var() { sed -n "s/^$1=//p" "$ROOT/tests/vm/kernel.sh" | head -n 1 | tr -d '"'; }
if [[ -n ${BENCH_VM_KERNEL:-} ]]; then
	k=$BENCH_VM_KERNEL
	[[ $k == linux-image-* ]] || k=linux-image-$k-amd64
	kernels=("$VMC/kernels/$k")
else
	kernels=()
	for k in $(harness_var DEFAULT_KERNELS | tr ' ' '\n' | tac); do
		kernels+=("$VMC/kernels/$k")
	done
	kernels+=("$VMC")
fi
KDIR=
for kd in "${kernels[@]}"; do
	[[ -s $kd/vmlinuz ]] && { KDIR=$kd; break; }
done
[[ -n $KDIR ]] || not_run "no guest kernel cached at ${kernels[0]#"$ROOT"/}/vmlinuz; the VM harness fetches it: run 'make vm-check' (tests/vm/run.sh) once, with the same CGINIT_CACHE_DIR"
busybox=
for b in /bin/busybox /usr/bin/busybox; do
	if [[ -x $b ]] && ! LC_ALL=C readelf -l "$b" 2>/dev/null | grep -q 'program interpreter'; then
		busybox=$b
		break
	fi
done
[[ -n $busybox ]] || not_run "no static busybox (Debian busybox-static)"
command -v cpio >/dev/null || not_run "cpio not installed"

# ---- the initramfs ----------------------------------------------------------
rm -rf "$VMDIR"
mkdir -p "$VMDIR"
root=$VMDIR/root
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,bench}
cp "$busybox" "$root/bin/busybox"
for a in $("$busybox" --list); do
	[[ $a == busybox || -e $root/bin/$a ]] || ln -s busybox "$root/bin/$a"
done
cp "$CGINIT_STATIC" "$root/sbin/cginit"
cp "$BENCH/shell-bootstrap.sh" "$root/bench/"
cp "${BENCH_VM_GUEST:-$BENCH/vm-guest.sh}" "$root/init"
chmod 755 "$root/init" "$root/bench/shell-bootstrap.sh"
# musl first: like cginit-static, small static binaries that exec fast;
# the floors must not pay for a bigger libc than cginit does
for tool in vmhelper bootfloor jobfloor jobbench; do
	if ! musl-gcc -O2 -Wall -Wextra -static -o "$root/bench/$tool" "$BENCH/$tool.c" 2>"$VMDIR/cc.log" &&
		! gcc -O2 -Wall -Wextra -static -o "$root/bench/$tool" "$BENCH/$tool.c" 2>>"$VMDIR/cc.log"; then
		cat "$VMDIR/cc.log" >&2
		failed "cannot build bench/$tool.c statically"
	fi
done
(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$VMDIR/initrd.gz" ||
	failed "cannot pack the initramfs"
rm -rf "$root"

# ---- the boot -------------------------------------------------------------------
say "booting $(cat "$KDIR/kernel.version" 2>/dev/null || echo "$KDIR/vmlinuz") with $ACCEL;" \
	"parts $PARTS, $REPS reps ($BOOT_REPS for boot); K=$KS, methods $METHODS; $JOB_RUNS runs of $JOB_METHODS"
: >"$VMDIR/results.log"
t0=$SECONDS
rc=0
timeout "$TIMEOUT" qemu-system-x86_64 -accel "$ACCEL" -m 1024 -smp 1 \
	-nographic -no-reboot -nic none \
	-kernel "$KDIR/vmlinuz" -initrd "$VMDIR/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1 bench.parts=$PARTS bench.ks=$KS bench.reps=$REPS bench.bootreps=$BOOT_REPS bench.methods=$METHODS bench.jobruns=$JOB_RUNS bench.jobmethods=$JOB_METHODS" \
	-serial mon:stdio -serial "file:$VMDIR/results.log" \
	</dev/null >"$VMDIR/console.log" 2>&1 || rc=$?
say "guest ran $((SECONDS - t0)) s (qemu status $rc); console in ${VMDIR#"$ROOT"/}/console.log"

tr -d '\r' <"$VMDIR/results.log" >"$VMDIR/results.txt"
if ! grep -q '^BENCH-VM: up' "$VMDIR/results.txt"; then
	tail -n 30 "$VMDIR/console.log" | sed 's/^/    /' >&2
	failed "the guest never came up (qemu status $rc; see build/bench/vm/console.log)"
fi
grep -e '^BENCH-VM:' -e '^JOBLEFT' -e '^JOB .* BAD' "$VMDIR/results.txt" | sed 's/^/    /' >&2
awk '$1 == "TRIAL" && $4 != "warmup" {
	subject = $2 " " $3
	if ($5 == "OK") {
		printf "boot\t%s\t%.3f\n", subject, $6 / 1e6
		printf "boot_total\t%s\t%.3f\n", subject, $7 / 1e6
	} else {
		why = substr($5, 5)
		gsub(/_/, " ", why)
		printf "boot\t%s\t!failed: %s\n", subject, why
		printf "boot_total\t%s\t!failed: %s\n", subject, why
	}
}
$1 == "JOB" {
	if ($4 == "OK") {
		printf "job\t%s\t%.4f\n", $2, $5 / 1e6
	} else {
		why = substr($4, 5)
		gsub(/_/, " ", why)
		printf "job\t%s\t!failed: %s\n", $2, why
	}
}
$1 == "JOBLEFT" { printf "job\t*\t!failed: job cgroup %s left in jobs/\n", $2 }' "$VMDIR/results.txt"
if ! grep -q '^BENCH-VM: done' "$VMDIR/results.txt"; then
	if [[ $rc == 124 ]]; then
		failed "the guest did not finish within BENCH_VM_TIMEOUT=$TIMEOUT s"
	else
		failed "the guest stopped early (qemu status $rc)"
	fi
fi
exit 0
