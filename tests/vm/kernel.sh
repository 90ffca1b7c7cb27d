# tests/vm/kernel.sh: the guest kernels of the VM suites, sourced by
# run.sh (make vm-check) and engines.sh (make vm-engines), so that both
# boot the same pinned packages from the same cache, vm/kernels/<package>/.
# The caller defines say and die and sets $vmc (the cache's vm/ directory)
# before sourcing it.

# The kernels, pinned in this one place: package, version and the sha256
# of its .deb (the one Debian's signed index gives). They are fetched with
# apt-get through a private apt configuration of this suite's own
# (bookworm and bookworm-security, whatever the machine's apt sources say;
# see fetch_kernel), and a .deb whose sha256 is not the pinned one is
# refused. 6.1.0-47 is the oldest 6.1 Debian still ships (bookworm main),
# 6.1.0-50 is bookworm main's linux-image-amd64, and 6.1.0-57 the newest
# (bookworm-security). 47 and 50 have the clone3 cgroup.kill bug that
# cginit works around (README.md, "Kernels"); 57 has the fix.
KERNEL_PINS="
linux-image-6.1.0-47-amd64 6.1.170-3 e0061f95dbe31f5646e5a29ba9a62293f6b625a70e81fc2b04344d8ab7589c34
linux-image-6.1.0-50-amd64 6.1.176-1 7b5597492a0a65aee61985a492e6bcc3f2cde830072a0e3b3d8c7e1b90279bd3
linux-image-6.1.0-57-amd64 6.1.192-3 14d219d01e1283261817d961dbb3895cb5b4288d0de10e0ba0632a0d993e15bf
"
# What make check boots: the oldest and the newest pinned. Not
# linux-image-amd64, whose target moves with the archive.
DEFAULT_KERNELS="linux-image-6.1.0-47-amd64 linux-image-6.1.0-57-amd64"
DEBIAN_SUITE=bookworm


# ---- the kernel: Debian's linux-image, unpacked, never installed ----------
# Options the guests need built in (no modules for these); the freezer for
# the engines' pause.
NEED_Y="CGROUPS MEMCG CGROUP_PIDS CGROUP_SCHED CGROUP_FREEZER CGROUP_BPF BPF_SYSCALL PID_NS
IPC_NS UTS_NS NET_NS USER_NS DEVTMPFS TMPFS BLK_DEV_INITRD
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

# pin_of PKG: "VERSION SHA256" of a package in KERNEL_PINS, or nothing
pin_of() {
	awk -v p="$1" '$1 == p { print $2, $3 }' <<<"$KERNEL_PINS"
}

# The suite's own apt configuration, under the cache: its own sources
# (bookworm and bookworm-security, amd64), lists, cache and an empty dpkg
# status, so that neither the machine's apt sources nor what it has
# installed change what is fetched. /etc/apt is read for defaults only and
# never written; nothing is installed. As in scripts/build-libcap-musl.sh,
# root downloads as itself rather than as _apt, who cannot write here.
apt_dir=$vmc/apt
apt_updated=
vm_apt() {
	apt-get -q \
		-o Dir::Etc::SourceList="$apt_dir/sources.list" \
		-o Dir::Etc::SourceParts="$apt_dir/sources.list.d" \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::State::status="$apt_dir/status" \
		-o Dir::Cache="$apt_dir/cache" \
		-o Dir::Cache::pkgcache="" -o Dir::Cache::srcpkgcache="" \
		-o APT::Sandbox::User="$(id -un)" \
		"$@"
}
vm_apt_update() {
	local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -z "$apt_updated" ] || return 0
	[ -r "$keyring" ] || die "no $keyring to check the archive's signatures (apt-get install debian-archive-keyring)"
	rm -rf "$apt_dir"
	mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	: >"$apt_dir/status"
	{
		echo "deb [arch=amd64 signed-by=$keyring] ${CGINIT_VM_DEBIAN_MIRROR:-http://deb.debian.org/debian} $DEBIAN_SUITE main"
		echo "deb [arch=amd64 signed-by=$keyring] ${CGINIT_VM_SECURITY_MIRROR:-http://deb.debian.org/debian-security} $DEBIAN_SUITE-security main"
	} >"$apt_dir/sources.list"
	say "kernel: apt-get update with the suite's own sources ($apt_dir/sources.list)"
	if ! vm_apt update >"$apt_dir/update.log" 2>&1; then
		sed 's/^/    /' "$apt_dir/update.log" >&2
		die "apt-get update with $apt_dir/sources.list failed"
	fi
	apt_updated=1
}

# fetch_kernel PKG: Debian's kernel package PKG unpacked into
# $vmc/kernels/PKG/: vmlinuz, vmlinux (the ELF inside it, for PVH; or
# vmlinux.failed with the reason), config, kernel.version ("PKG VERSION"),
# kernel.sha256 (the .deb's) and modules/ (the few the guest loads, and
# their load order). A pinned package (KERNEL_PINS) is fetched at its
# version and must have its sha256; a cache of another version or sha256
# is fetched again. Any other package: the newest the suite's sources
# hold, and a cache of it is used as it is. Keyed by package name, so that
# a cache of one kernel is never booted as another. Sets $kdir. With
# "optional", a package apt cannot download returns 1 instead of dying.
fetch_kernel() {
	local pkg=$1 optional=${2:-} pin want='' sum='' tmp deb got_sum cfg o v got
	pin=$(pin_of "$pkg")
	if [ -n "$pin" ]; then
		want=${pin%% *}
		sum=${pin#* }
	fi
	kdir=$vmc/kernels/$pkg
	if [ -s "$kdir/vmlinuz" ] && [ -s "$kdir/kernel.version" ] && [ -d "$kdir/modules" ]; then
		got=$(cut -d' ' -f2 "$kdir/kernel.version")
		if [ -z "$pin" ] || { [ "$got" = "$want" ] && [ "$(cat "$kdir/kernel.sha256" 2>/dev/null)" = "$sum" ]; }; then
			say "kernel: cached $(cat "$kdir/kernel.version")${pin:+ (pinned)}"
			return 0
		fi
		say "kernel: cache holds $pkg $got with sha256 $(cat "$kdir/kernel.sha256" 2>/dev/null || echo unknown)," \
			"not the pinned $want $sum: fetching it again"
	fi
	vm_apt_update
	if [ -n "$pin" ]; then
		say "kernel: downloading $pkg $want (pinned, sha256 $sum)"
	else
		say "kernel: downloading $pkg, NOT pinned: the newest in $DEBIAN_SUITE and $DEBIAN_SUITE-security"
	fi
	mkdir -p "$vmc/kernels"
	tmp=$(mktemp -d "$vmc/kernels/fetch.XXXXXX")
	chmod 755 "$tmp"
	(cd "$tmp" && vm_apt download "$pkg${want:+=$want}") >"$tmp/download.log" 2>&1 || true
	deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ]; then
		sed 's/^/    /' "$tmp/download.log" >&2
		rm -rf "$tmp"
		[ -n "$optional" ] && return 1
		die "apt-get download $pkg${want:+=$want} failed with $apt_dir/sources.list" \
			"($DEBIAN_SUITE, $DEBIAN_SUITE-security). If Debian has dropped it from the archive," \
			"pin another kernel in KERNEL_PINS (tests/vm/kernel.sh), or name others in CGINIT_VM_KERNELS"
	fi
	got_sum=$(sha256sum "$deb" | cut -d' ' -f1)
	if [ -n "$sum" ] && [ "$got_sum" != "$sum" ]; then
		rm -rf "$tmp"
		die "$(basename "$deb"): sha256 $got_sum, not the pinned $sum"
	fi
	kx=$tmp/x
	dpkg-deb -x "$deb" "$kx"
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
	echo "$pkg $(dpkg-deb -f "$deb" Version)" >"$tmp/k/kernel.version"
	echo "$got_sum" >"$tmp/k/kernel.sha256"
	mv "$tmp/k" "$kdir"
	rm -rf "$tmp"
	say "kernel: cached $(cat "$kdir/kernel.version") (sha256 $got_sum) in $kdir"
}
