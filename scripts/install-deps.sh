#!/bin/sh
# Installs, from Debian's packages, what cginit needs:
#   scripts/install-deps.sh build   compile cginit and cginit-static
#   scripts/install-deps.sh test    also every test suite (make check)
#   scripts/install-deps.sh bench   also the peers for make bench
# As root, or through sudo, which it calls itself. .ci/run uses it too, so CI and the README
# install exactly the same things.
set -eu
. "$(dirname "$0")/as-root.sh"
what=${1:-test}
build="gcc make libc6-dev musl-tools libcap-dev pkg-config dpkg-dev ca-certificates git"
test="check libsubunit-dev util-linux mount procps qemu-system-x86 busybox-static runc cpio gzip debian-archive-keyring python3 python3-yaml python3-jsonschema groff-base man-db valgrind cppcheck clang clang-tidy libclang-rt-14-dev"
bench="tini dumb-init catatonit hyperfine time"
case $what in
build) pkgs=$build ;;
test) pkgs="$build $test" ;;
bench) pkgs="$build $test $bench" ;;
*) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs
