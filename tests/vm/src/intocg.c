/* intocg MODE CGROUP: start a child in the cgroup directory CGROUP and say
 * how it ended, on one line: "exit N" or "signal N".  The child does
 * nothing but _exit(7), so "signal 9" means the kernel killed it on its
 * way to user space.
 *   clone3     clone3(CLONE_INTO_CGROUP) straight into CGROUP (what cginit
 *              does);
 *   fork-move  fork in our own cgroup, then the child writes "0" to
 *              CGROUP/cgroup.procs (cginit's fallback).
 * For scenario 17, which pins down the trigger of the 6.1.176 SIGKILL. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define INTO_CGROUP 0x200000000ULL

struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls, set_tid, set_tid_size, cgroup;
};

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: intocg clone3|fork-move CGROUP\n");
		return 2;
	}
	int cg = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0) {
		fprintf(stderr, "intocg: open %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	long pid;
	if (strcmp(argv[1], "clone3") == 0) {
		struct clone3_args a;
		memset(&a, 0, sizeof(a));
		a.flags = INTO_CGROUP;
		a.exit_signal = SIGCHLD;
		a.cgroup = (uint64_t)cg;
		pid = syscall(SYS_clone3, &a, sizeof(a));
	} else if (strcmp(argv[1], "fork-move") == 0) {
		pid = fork();
		if (pid == 0) {
			int fd = openat(cg, "cgroup.procs", O_WRONLY);
			if (fd < 0 || write(fd, "0", 1) != 1)
				_exit(3);
		}
	} else {
		fprintf(stderr, "intocg: unknown mode %s\n", argv[1]);
		return 2;
	}
	if (pid < 0) {
		fprintf(stderr, "intocg: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (pid == 0)
		_exit(7);
	int st;
	if (waitpid((pid_t)pid, &st, 0) < 0) {
		fprintf(stderr, "intocg: waitpid: %s\n", strerror(errno));
		return 2;
	}
	if (WIFSIGNALED(st))
		printf("signal %d\n", WTERMSIG(st));
	else
		printf("exit %d\n", WEXITSTATUS(st));
	return 0;
}
