// SPDX-License-Identifier: MIT
/*
 * bench/bootfloor.c: the floor of metric 7, the least a cgroup v2
 * bootstrap can do. Built static and run in the bench's QEMU guest, in the
 * place of cginit --cgroup=require.
 *
 *   bootfloor [-l] CMD [ARGS...]
 *
 * C is this process's cgroup (the 0:: line of /proc/self/cgroup, under
 * /sys/fs/cgroup), as for cginit and bench/shell-bootstrap.sh. It makes
 * C/init, reads C/cgroup.procs and writes each pid to C/init/cgroup.procs,
 * one write per pid (the kernel takes one per write), reads again until C
 * is empty, writes "+cpu +memory +pids" to C/cgroup.subtree_control and
 * execs CMD. No layout beyond init/, no checks.
 *
 * -l adds what any init with cginit's layout must do on top, to show
 * where cginit's time goes (it is not the floor): mkdir C/sandbox, enable
 * the three controllers in it, mkdir sandbox/worker and sandbox/jobs,
 * enable them in jobs/, then clone3(CLONE_INTO_CGROUP) CMD into worker/
 * instead of an exec, and wait for it, as an init stays.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clone3into.h"

#define CONTROLLERS "+cpu +memory +pids"

static char buf[1 << 20];

/* The whole of path (at most sizeof(buf) - 1 bytes), NUL-terminated. */
static ssize_t slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

/* dir/name made, with the controllers enabled in it when enable. */
static int make(const char *dir, const char *name, int enable)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		perror(path);
		return -1;
	}
	if (!enable)
		return 0;
	snprintf(path, sizeof(path), "%s/%s/cgroup.subtree_control", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, CONTROLLERS, strlen(CONTROLLERS)) < 0) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* -l: the layout, then CMD started in worker/ and waited for. */
static int layout_and_spawn(const char *c, char **argv)
{
	char sandbox[4200], worker[4300];
	long pid;
	int fd, st;

	snprintf(sandbox, sizeof(sandbox), "%s/sandbox", c);
	snprintf(worker, sizeof(worker), "%s/worker", sandbox);
	if (make(c, "sandbox", 1) < 0 || make(sandbox, "worker", 0) < 0 ||
	    make(sandbox, "jobs", 1) < 0)
		return 1;
	fd = open(worker, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		perror(worker);
		return 1;
	}
	pid = clone_into(fd);
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0) {
		perror("bootfloor: clone3");
		return 1;
	}
	while (waitpid((pid_t)pid, &st, 0) < 0)
		if (errno != EINTR)
			return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	char c[4096], path[4200];
	const char *line;
	int to, round;

	int layout = argc > 1 && strcmp(argv[1], "-l") == 0;

	argv += layout;
	argc -= layout;
	if (argc < 2) {
		fprintf(stderr, "usage: bootfloor [-l] CMD [ARGS...]\n");
		return 2;
	}
	if (slurp("/proc/self/cgroup") < 0 || !(line = strstr(buf, "0::"))) {
		fprintf(stderr, "bootfloor: no cgroup v2 line in /proc/self/cgroup\n");
		return 1;
	}
	line += 3;
	snprintf(c, sizeof(c), "/sys/fs/cgroup%.*s", (int)strcspn(line, "\n"), line);
	if (c[strlen(c) - 1] == '/')
		c[strlen(c) - 1] = '\0';
	snprintf(path, sizeof(path), "%s/init", c);
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		perror(path);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/init/cgroup.procs", c);
	to = open(path, O_WRONLY | O_CLOEXEC);
	if (to < 0) {
		perror(path);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", c);
	for (round = 0;; round++) {
		char *p, *end;
		int moved = 0;

		if (slurp(path) < 0) {
			perror(path);
			return 1;
		}
		for (p = buf; *p; p = end) {
			end = p + strcspn(p, "\n");
			/* ESRCH (gone) and EINVAL (still being made) are
			 * skipped; the next round sees what is left */
			if (end > p && write(to, p, (size_t)(end - p)) < 0 &&
			    errno != ESRCH && errno != EINVAL)
				perror("bootfloor: move");
			moved += end > p;
			if (*end)
				end++;
		}
		if (!moved)
			break;
		if (round == 1000) {
			fprintf(stderr, "bootfloor: %s never emptied\n", c);
			return 1;
		}
	}
	close(to);
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", c);
	to = open(path, O_WRONLY | O_CLOEXEC);
	if (to < 0 || write(to, CONTROLLERS, strlen(CONTROLLERS)) < 0) {
		perror(path);
		return 1;
	}
	close(to);
	if (layout)
		return layout_and_spawn(c, argv + 1);
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
