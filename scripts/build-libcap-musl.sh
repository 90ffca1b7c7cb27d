#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Builds libcap's static archive with musl-gcc, from Debian's own source
# package for libcap2, and caches it for the static build of cginit:
#
#   $CACHE/libcap.a
#   $CACHE/include/sys/capability.h     libcap's API
#   $CACHE/include/linux/capability.h   libcap's own copy of the kernel's
#                                       uapi header (musl-gcc sees no
#                                       /usr/include/linux)
#
# where CACHE is ${CGINIT_CACHE_DIR:-build/cache}/libcap-musl. When all three
# are there, nothing is fetched or built again.
#
# Debian's libcap.a is compiled against glibc (it needs __sprintf_chk and
# friends), so it cannot go into a musl binary. The source comes from
# `apt-get source` run against a private apt configuration under
# ${CGINIT_BUILD_DIR:-build}/apt: its own sources.list with a deb-src entry,
# its own lists and cache. The system's /etc/apt is read for nothing but
# defaults and is never written.
#
# Needs: musl-gcc (musl-tools), gcc and make (the host compiler generates
# cap_names.h), apt-get, dpkg-source (dpkg-dev), and the Debian archive
# keyring (debian-archive-keyring, part of every Debian install).
#
# Environment:
#   CGINIT_CACHE_DIR      where the result goes (default build/cache)
#   CGINIT_BUILD_DIR      scratch: private apt dirs and the source tree
#   LIBCAP_MIRROR         Debian mirror (default: the system's main archive
#                         URI from its apt sources, else deb.debian.org)
#   LIBCAP_SUITE          suite (default: VERSION_CODENAME of /etc/os-release)
#   MUSL_CC               the musl compiler (default musl-gcc)
set -eu

cache=${CGINIT_CACHE_DIR:-build/cache}/libcap-musl
work=${CGINIT_BUILD_DIR:-build}
musl_cc=${MUSL_CC:-musl-gcc}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

say() { printf 'build-libcap-musl: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if [ -f "$cache/libcap.a" ] && [ -f "$cache/include/sys/capability.h" ] &&
   [ -f "$cache/include/linux/capability.h" ]; then
	exit 0
fi

for tool in "$musl_cc" gcc make apt-get dpkg-source ar; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install gcc make musl-tools dpkg-dev)"
done

suite=${LIBCAP_SUITE:-}
if [ -z "$suite" ] && [ -r /etc/os-release ]; then
	# shellcheck source=/dev/null
	suite=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
fi
[ -n "$suite" ] || die "cannot tell the Debian suite: set LIBCAP_SUITE (e.g. bookworm)"

# The mirror this machine already uses for the main archive (read, never
# written), so that a machine behind its own mirror keeps using it.
system_mirror() {
	local_uri=""
	if [ -r /etc/apt/sources.list.d/debian.sources ]; then
		local_uri=$(awk 'tolower($1) == "uris:" && $2 ~ /debian\/?$/ { print $2; exit }' \
			/etc/apt/sources.list.d/debian.sources)
	fi
	if [ -z "$local_uri" ] && [ -r /etc/apt/sources.list ]; then
		local_uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\// && $i ~ /debian\/?$/) { print $i; exit } }' \
			/etc/apt/sources.list)
	fi
	printf '%s' "${local_uri%/}"
}
mirror=${LIBCAP_MIRROR:-$(system_mirror)}
mirror=${mirror:-http://deb.debian.org/debian}

# Absolute paths: apt and make both change directory.
mkdir -p "$work" "$cache"
work=$(cd "$work" && pwd)
cache=$(cd "$cache" && pwd)
apt="$work/apt"
src="$work/libcap-src"

# ---- the private apt configuration ---------------------------------------
mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial"
signed=""
[ -r "$keyring" ] && signed=" [signed-by=$keyring]"
printf 'deb-src%s %s %s main\n' "$signed" "$mirror" "$suite" >"$apt/sources.list"

# Every path apt would write under /var or read sources from is redirected.
# As root, apt would hand downloads to the _apt user, who cannot write into
# a build tree owned by someone else: download as ourselves instead.
apt_get() {
	apt-get -q \
		-o Dir::Etc::SourceList="$apt/sources.list" \
		-o Dir::Etc::SourceParts="$apt/sources.list.d" \
		-o Dir::State::Lists="$apt/lists" \
		-o Dir::Cache="$apt/cache" \
		-o Dir::Cache::pkgcache="" -o Dir::Cache::srcpkgcache="" \
		-o APT::Sandbox::User="$(id -un)" \
		"$@"
}

say "fetching the source of libcap2 ($suite from $mirror)"
apt_get update >"$apt/update.log" 2>&1 || { cat "$apt/update.log" >&2; die "apt-get update failed"; }
rm -rf "$src"
mkdir -p "$src"
(cd "$src" && apt_get source libcap2) >"$apt/source.log" 2>&1 ||
	{ cat "$apt/source.log" >&2; die "apt-get source libcap2 failed"; }
tree=
for d in "$src"/libcap2-*/; do
	[ -f "$d/libcap/Makefile" ] && tree=${d%/}
done
[ -n "$tree" ] || die "no libcap2-*/libcap/Makefile in $src"
say "building $(basename "$tree")/libcap/libcap.a with $musl_cc"

# Only the archive: no shared library (SHARED=no), no libpsx and no Go
# (PTHREADS=no), no gperf table (USE_GPERF=no: a plain name table is
# smaller). cap_names.h is made by _makenames, built with the host gcc
# (BUILD_CC). lib= avoids Make.Rules running ldd to guess a libdir we do not
# install to. COPTS matches the static build of cginit so that
# --gc-sections can drop what cginit does not call. CFLAGS and friends from
# the environment would replace libcap's own, so they are cleared.
env -u CFLAGS -u CPPFLAGS -u LDFLAGS -u MAKEFLAGS -u MFLAGS \
	make -C "$tree/libcap" \
	CC="$musl_cc" BUILD_CC=gcc AR=ar RANLIB=ranlib \
	SHARED=no PTHREADS=no USE_GPERF=no lib=lib \
	COPTS="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-stack-protector" \
	libcap.a >"$work/libcap-build.log" 2>&1 ||
	{ tail -n 40 "$work/libcap-build.log" >&2; die "building libcap.a failed (log: $work/libcap-build.log)"; }

# Into place last, so that an interrupted build is never taken for a cached
# one: the archive is the marker the Makefile depends on, so it goes last.
stage="$cache.tmp.$$"
rm -rf "$stage"
mkdir -p "$stage/include/sys" "$stage/include/linux"
cp "$tree/libcap/include/sys/capability.h" "$stage/include/sys/"
cp "$tree/libcap/include/uapi/linux/capability.h" "$stage/include/linux/"
cp "$tree/libcap/libcap.a" "$stage/"
printf '%s\n' "$(basename "$tree")" >"$stage/VERSION"
rm -rf "$cache"
mv "$stage" "$cache"
say "cached $cache/libcap.a ($(wc -c <"$cache/libcap.a") bytes, $(cat "$cache/VERSION"))"
