/* SPDX-License-Identifier: MIT */
/*
 * bench/clone3into.h: clone3(CLONE_INTO_CGROUP) for the bench's floor
 * programs (jobfloor.c, bootfloor.c), which stay apart from cginit's own
 * code so that a floor measures nothing of cginit.
 */
#ifndef BENCH_CLONE3INTO_H
#define BENCH_CLONE3INTO_H

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

/* A child in the cgroup of the directory cgroup_fd, as fork() returns. */
static inline long clone_into(int cgroup_fd)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
			stack_size, tls, set_tid, set_tid_size, cgroup;
	} a;

	memset(&a, 0, sizeof(a));
	a.flags = CLONE_INTO_CGROUP;
	a.exit_signal = SIGCHLD;
	a.cgroup = (uint64_t)cgroup_fd;
	return syscall(SYS_clone3, &a, sizeof(a));
}

#endif
