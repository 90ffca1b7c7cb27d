// SPDX-License-Identifier: MIT
/*
 * bench/jobfloor.c: the floor of metric 8, the least a job runner can do
 * to run one command in a cgroup of its own with limits. Built static and
 * run in the bench's QEMU guest.
 *
 *   jobfloor [-p] [-k] PARENT CMD [ARGS...]
 *
 * In order: mkdir PARENT/floor-PID; write memory.max (64M), pids.max (16)
 * and cpu.max (50000 100000), the limits metric 8 gives cginit --job too;
 * clone3(CLONE_INTO_CGROUP) a child that execs CMD; wait for it; rmdir
 * the cgroup (retried while the kernel still counts the dead child).
 * Exits with CMD's status. Nothing else: no options beyond these, no
 * signal forwarding, no verdict.
 *
 * Two flags add, one by one, what cginit --job does on top, so that the
 * table shows where the runner's time goes (they are not the floor):
 *   -p  the start byte: the child's first act is one byte on a pipe, which
 *       the parent waits for, as cginit does to detect the 6.1.129-6.1.190
 *       CLONE_INTO_CGROUP kill bug (a child the kernel killed never
 *       writes it);
 *   -k  after the wait, read cgroup.events, and only if it is still
 *       populated write cgroup.kill and read it until it is not; read the
 *       verdict's files (memory.peak, memory.events, pids.events,
 *       cpu.stat), as cginit does; and write memory.swap.max and
 *       memory.oom.group with the limits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clone3into.h"

static int put(int dir, const char *file, const char *value)
{
	int fd = openat(dir, file, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

static ssize_t get(int dir, const char *file, char *buf, size_t cap)
{
	int fd = openat(dir, file, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static int reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

int main(int argc, char **argv)
{
	char path[4096], buf[4096];
	int byte = 0, kill_read = 0, i = 1, dir, st, ready[2];
	long pid;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-p") == 0)
			byte = 1;
		else if (strcmp(argv[i], "-k") == 0)
			kill_read = 1;
		else
			break;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: jobfloor [-p] [-k] PARENT CMD [ARGS...]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/floor-%d", argv[i], (int)getpid());
	if (mkdir(path, 0755) < 0 ||
	    (dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		perror(path);
		return 125;
	}
	if (put(dir, "memory.max", "64M") < 0 || put(dir, "pids.max", "16") < 0 ||
	    put(dir, "cpu.max", "50000 100000") < 0 ||
	    (kill_read && (put(dir, "memory.swap.max", "0") < 0 ||
			   put(dir, "memory.oom.group", "1") < 0))) {
		perror("jobfloor: limits");
		rmdir(path);
		return 125;
	}
	if (byte && pipe2(ready, O_CLOEXEC) < 0) {
		perror("jobfloor: pipe2");
		rmdir(path);
		return 125;
	}
	pid = clone_into(dir);
	if (pid == 0) {
		if (byte && write(ready[1], "", 1) != 1)
			_exit(125);
		execv(argv[i + 1], argv + i + 1);
		_exit(127);
	}
	if (byte) {
		close(ready[1]);
		if (pid > 0 && read(ready[0], buf, 1) != 1) {
			perror("jobfloor: the start byte");
			kill((pid_t)pid, SIGKILL);
			reap((pid_t)pid);
			rmdir(path);
			return 125;
		}
		close(ready[0]);
	}
	if (pid < 0) {
		perror("jobfloor: clone3");
		rmdir(path);
		return 125;
	}
	st = reap((pid_t)pid);
	if (kill_read) {
		if (get(dir, "cgroup.events", buf, sizeof(buf)) > 0 && !strstr(buf, "populated 0")) {
			put(dir, "cgroup.kill", "1");
			while (get(dir, "cgroup.events", buf, sizeof(buf)) > 0 &&
			       !strstr(buf, "populated 0"))
				usleep(1000);
		}
		get(dir, "memory.peak", buf, sizeof(buf));
		get(dir, "memory.events", buf, sizeof(buf));
		get(dir, "pids.events", buf, sizeof(buf));
		get(dir, "cpu.stat", buf, sizeof(buf));
	}
	close(dir);
	for (i = 0; rmdir(path) < 0; i++) {
		if (errno != EBUSY || i >= 100000) {
			perror(path);
			return 125;
		}
		sched_yield();
	}
	if (st < 0)
		return 125;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
