#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/vm-bootstrap.sh OUT_DIR CGINIT_STATIC REPS: metric 7 of bench/run.sh.
#
# Boots the guest kernel that the VM test harness (tests/vm/run.sh) keeps in
# its cache, with an initramfs made here: static busybox, the static cginit,
# bench/vmhelper (built static), bench/shell-bootstrap.sh and
# bench/vm-guest.sh as /init. The guest times the shell bootstrap against
# cginit's at K = 10, 100 and 1000 sleepers (see vm-guest.sh).
#
# Prints results.tsv lines on stdout: metric "boot" (time until the
# workload starts in a ready tree) and "boot_total" (the whole run, exit
# included), subject "K METHOD", value in ms (one line per trial), or a
# "!not run: why" / "!failed: why" value. Downloads and installs nothing: without a cached kernel it reports
# why and exits 0. Progress and the guest console go to stderr.
#
# Environment: BENCH_VM_KS (default 10,100,1000), BENCH_VM_REPS (default:
# REPS), BENCH_VM_TIMEOUT (seconds, default 240), BENCH_VM_METHODS (default
# shell,cginit,dind), CGINIT_CACHE_DIR (as for tests/vm/run.sh), BENCH_VM_ACCEL
# (tcg, the default: KVM hangs on these machines).

set -u -o pipefail

OUT=$1
CGINIT_STATIC=$2
REPS=${BENCH_VM_REPS:-$3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
KS=${BENCH_VM_KS:-10,100,1000}
METHODS=${BENCH_VM_METHODS:-shell,cginit,dind}
TIMEOUT=${BENCH_VM_TIMEOUT:-240}
ACCEL=${BENCH_VM_ACCEL:-tcg}
cache=${CGINIT_CACHE_DIR:-build/cache}
[[ $cache == /* ]] || cache=$ROOT/$cache
VMC=$cache/vm
VMDIR=$OUT/vm

say() { echo "vm-bootstrap: $*" >&2; }
not_run() {
	say "not run: $*"
	printf 'boot\t*\t!not run: %s\n' "$*"
	exit 0
}

# ---- what the run needs, none of it fetched here --------------------------
[[ -x $CGINIT_STATIC ]] || not_run "$CGINIT_STATIC not built (make static)"
if LC_ALL=C readelf -l "$CGINIT_STATIC" 2>/dev/null | grep -q 'program interpreter'; then
	not_run "$CGINIT_STATIC is dynamically linked; the guest needs the static build"
fi
command -v qemu-system-x86_64 >/dev/null || not_run "qemu-system-x86_64 not installed (Debian qemu-system-x86)"
[[ -s $VMC/vmlinuz ]] || not_run "no guest kernel cached at ${VMC#"$ROOT"/}/vmlinuz; the VM harness fetches it: run 'make vm-check' (tests/vm/run.sh) once"
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
if ! gcc -O2 -Wall -Wextra -static -o "$root/bench/vmhelper" "$BENCH/vmhelper.c" 2>"$VMDIR/cc.log" &&
	! musl-gcc -O2 -Wall -Wextra -static -o "$root/bench/vmhelper" "$BENCH/vmhelper.c" 2>>"$VMDIR/cc.log"; then
	cat "$VMDIR/cc.log" >&2
	printf 'boot\t*\t!failed: cannot build bench/vmhelper.c statically\n'
	exit 1
fi
(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$VMDIR/initrd.gz" ||
	{ printf 'boot\t*\t!failed: cannot pack the initramfs\n'; exit 1; }
rm -rf "$root"

# ---- the boot -------------------------------------------------------------------
say "booting $(cat "$VMC/kernel.version" 2>/dev/null || echo "$VMC/vmlinuz") with $ACCEL;" \
	"K=$KS, $REPS reps, methods $METHODS"
: >"$VMDIR/results.log"
t0=$SECONDS
rc=0
timeout "$TIMEOUT" qemu-system-x86_64 -accel "$ACCEL" -m 1024 -smp 1 \
	-nographic -no-reboot -nic none \
	-kernel "$VMC/vmlinuz" -initrd "$VMDIR/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1 bench.ks=$KS bench.reps=$REPS bench.methods=$METHODS" \
	-serial mon:stdio -serial "file:$VMDIR/results.log" \
	</dev/null >"$VMDIR/console.log" 2>&1 || rc=$?
say "guest ran $((SECONDS - t0)) s (qemu status $rc); console in ${VMDIR#"$ROOT"/}/console.log"

tr -d '\r' <"$VMDIR/results.log" >"$VMDIR/results.txt"
if ! grep -q '^BENCH-VM: up' "$VMDIR/results.txt"; then
	tail -n 30 "$VMDIR/console.log" | sed 's/^/    /' >&2
	printf 'boot\t*\t!failed: the guest never came up (qemu status %s; see build/bench/vm/console.log)\n' "$rc"
	exit 1
fi
grep '^BENCH-VM:' "$VMDIR/results.txt" | sed 's/^/    /' >&2
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
}' "$VMDIR/results.txt"
if ! grep -q '^BENCH-VM: done' "$VMDIR/results.txt"; then
	if [[ $rc == 124 ]]; then
		printf 'boot\t*\t!failed: the guest did not finish within BENCH_VM_TIMEOUT=%s s\n' "$TIMEOUT"
	else
		printf 'boot\t*\t!failed: the guest stopped early (qemu status %s)\n' "$rc"
	fi
	exit 1
fi
exit 0
