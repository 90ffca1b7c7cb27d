#!/bin/bash
# Integration tests of cginit on the host's kernel, every scenario inside its
# own pid + mount namespace (see lib.sh for the cgroup guard).
#
#   tests/integration/run.sh [--only NAME]... [--list] BINARY...
#
# One line per test per binary, "PASS: name [binary]", "FAIL: name [binary]:
# reason" or "SKIP: name [binary]: reason", then "integration: N passed, N
# failed, N skipped" (the runner is lib.sh's suite_main). Exits 1 if
# anything failed. ORPHANS sets the orphan-storm size
# (default 20000). KEEP=1 keeps the temp dirs of passing tests too.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
H=$REPO/build/helpers
export H REPO

# shellcheck source=lib.sh
. "$HERE/lib.sh"
# shellcheck source=tests.sh
. "$HERE/tests.sh"

SUITE=integration
SUITE_TESTS=TESTS
suite_main "$@"
exit $?
