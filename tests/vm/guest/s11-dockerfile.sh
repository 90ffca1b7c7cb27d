# Scenario 11: the ENTRYPOINT of Dockerfile.example, word for word. run.sh
# copied it out of the Dockerfile into /t/dockerfile-entrypoint (one word
# per line). It runs as the process of a privileged-like runc container (rw
# cgroupfs, private cgroup namespace, a rootfs with a "worker" user in
# /etc/passwd and /etc/group), followed by a worker command, /t/w11.sh,
# that checks what the Dockerfile promises the worker.
. /t/lib.sh
ID=ctr11
EP=/t/dockerfile-entrypoint
if [ ! -s "$EP" ]; then
	bad "no $EP in the initramfs"
	finish
	exit
fi
if grep -q '^ERROR' "$EP"; then
	bad "run.sh could not read the ENTRYPOINT: $(cat "$EP")"
	finish
	exit
fi
set --
while IFS= read -r w; do
	set -- "$@" "$w"
done <"$EP"
echo "ENTRYPOINT of Dockerfile.example: $*"
grep -q '^worker:' /rootfs/etc/passwd || bad "the rootfs has no worker in /etc/passwd"
grep -q '^worker:' /rootfs/etc/group || bad "the rootfs has no worker in /etc/group"
mkbundle $ID -- "$@" /bin/sh /t/w11.sh || { bad "mkbundle failed"; finish; exit; }
ctr_run $ID
code=$?
echo "container exit code: $code"
show_ctr_output
[ "$code" = 0 ] || bad "container exit code $code, want 0"
# --cgroup=require that succeeds says nothing
if grep -q 'cginit:' "$B/stderr"; then
	bad "cginit printed: $(grep 'cginit:' "$B/stderr" | head -n 2 | tr '\n' ' ')"
fi
worker_report
runc delete -f $ID 2>/dev/null
finish
