# shellcheck shell=sh
# Sourced first by the scripts that need root (install-deps.sh,
# tests/check.sh, bench/run.sh): as root they go on; otherwise they run
# again through sudo. So one command works as written for root, as in CI or
# a container without sudo, and for a user with sudo.
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		exec sudo -E "$0" "$@"
	fi
	echo "$0: needs root: run it as root, or install sudo" >&2
	exit 1
fi
