#!/bin/sh
# The worker of `make example`: it leaves an orphan behind for cginit to
# reap (the subshell exits at once, so the sleep is reparented to cginit),
# then exits with 3, which cginit passes on.
echo "worker: pid $$, leaving an orphan behind"
(sleep 0.1 &)
sleep 0.3
exit 3
