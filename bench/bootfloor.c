// SPDX-License-Identifier: MIT
/*
 * bench/bootfloor.c: the floor of metric 7, the least a cgroup v2
 * bootstrap can do. Built static and run in the bench's QEMU guest, in the
 * place of cginit --cgroup=require.
 *
 *   bootfloor CMD [ARGS...]
 *
 * C is this process's cgroup (the 0:: line of /proc/self/cgroup, under
 * /sys/fs/cgroup), as for cginit and bench/shell-bootstrap.sh. It makes
 * C/init, reads C/cgroup.procs and writes each pid to C/init/cgroup.procs,
 * one write per pid (the kernel takes one per write), reads again until C
 * is empty, writes "+cpu +memory +pids" to C/cgroup.subtree_control and
 * execs CMD. No layout beyond init/, no checks, no options.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
	char c[4096], path[4200];
	const char *line;
	int to, round;

	if (argc < 2) {
		fprintf(stderr, "usage: bootfloor CMD [ARGS...]\n");
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
	if (to < 0 || write(to, "+cpu +memory +pids", 18) != 18) {
		perror(path);
		return 1;
	}
	close(to);
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
