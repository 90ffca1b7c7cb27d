// SPDX-License-Identifier: MIT
/*
 * bench/vmhelper.c: the guest-side tools of metric 7 (cgroup bootstrap cost),
 * built static so that it runs from the bench's initramfs.
 *
 *   vmhelper spawn K CGROUP_DIR
 *       forks K sleepers (children that pause until killed) straight into
 *       CGROUP_DIR and returns once all of them are there. Forking without
 *       exec keeps set-up cheap under TCG.
 *   vmhelper move SRC_DIR DST_DIR
 *       moves every process of SRC_DIR/cgroup.procs to DST_DIR, one pid per
 *       write, until SRC is empty (at most 1000 rounds). Set-up and
 *       tear-down only; never timed.
 *   vmhelper count CGROUP_DIR
 *       prints how many pids CGROUP_DIR/cgroup.procs lists.
 *   vmhelper time CGROUP_DIR CMD [ARGS...]
 *       forks, puts the child into CGROUP_DIR (it writes "0" to
 *       cgroup.procs), execs CMD there and waits for it. Prints
 *       "<exit status> <ns from fork to reap>" (the command's own stdout
 *       goes to stderr). The timer itself stays
 *       outside CGROUP_DIR, so the command finds only its own process and
 *       the sleepers in it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Reads DIR/cgroup.procs whole into a malloc'd, NUL-terminated buffer. */
static char *read_procs(const char *dir)
{
	char path[4096];
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf) {
		perror(path);
		exit(1);
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				exit(1);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

static int count(const char *dir)
{
	char *buf = read_procs(dir), *p = buf;
	int n = 0;

	while (*p) {
		if (*p != '\n' && (p == buf || p[-1] == '\n'))
			n++;
		p++;
	}
	free(buf);
	return n;
}

static int join(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, "0", 1) != 1) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int cmd_spawn(long k, const char *dir)
{
	long i;
	int have = count(dir);

	for (i = 0; i < k; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("vmhelper: fork");
			return 1;
		}
		if (pid == 0) {
			if (join(dir) != 0)
				_exit(1);
			/* a sleeper: no fds, nothing but pause */
			for (int fd = 0; fd < 3; fd++)
				close(fd);
			for (;;)
				pause();
		}
	}
	/* sleepers join asynchronously: wait until they are all listed */
	for (i = 0; i < 100000 && count(dir) < have + k; i++)
		usleep(1000);
	return count(dir) >= have + k ? 0 : 1;
}

static int cmd_move(const char *src, const char *dst)
{
	char path[4096];
	int fd, round;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dst);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	for (round = 0; round < 1000; round++) {
		char *buf = read_procs(src), *line, *save = NULL;
		int moved = 0;

		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (strcmp(line, "0") == 0)
				continue;
			if (write(fd, line, strlen(line)) < 0 &&
			    errno != ESRCH && errno != EINVAL) {
				fprintf(stderr, "vmhelper: move %s: %s\n", line,
					strerror(errno));
			}
			moved++;
		}
		free(buf);
		if (moved == 0) {
			close(fd);
			return 0;
		}
	}
	close(fd);
	fprintf(stderr, "vmhelper: %s never emptied\n", src);
	return 1;
}

static int cmd_stamp(const char *file)
{
	char buf[32];
	int fd, len;

	len = snprintf(buf, sizeof(buf), "%lld\n", mono_ns());
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, buf, (size_t)len) != len) {
		perror(file);
		return 1;
	}
	return close(fd) == 0 ? 0 : 1;
}

static long long read_stamp(const char *file)
{
	char buf[32];
	ssize_t n;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return atoll(buf);
}

static int cmd_time(const char *stamp, const char *dir, char **argv)
{
	long long t0, t1, ts;
	int status;
	pid_t pid;

	unlink(stamp);
	t0 = mono_ns();
	pid = fork();
	if (pid < 0) {
		perror("vmhelper: fork");
		return 1;
	}
	if (pid == 0) {
		if (join(dir) != 0) {
			perror("vmhelper: join");
			_exit(125);
		}
		dup2(2, 1); /* our stdout carries only the result line */
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("vmhelper: waitpid");
			return 1;
		}
	}
	t1 = mono_ns();
	ts = read_stamp(stamp);
	printf("%d %lld %lld\n",
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       t1 - t0, ts < 0 ? -1 : ts - t0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "spawn") == 0)
		return cmd_spawn(atol(argv[2]), argv[3]);
	if (argc == 4 && strcmp(argv[1], "move") == 0)
		return cmd_move(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "count") == 0) {
		printf("%d\n", count(argv[2]));
		return 0;
	}
	if (argc >= 5 && strcmp(argv[1], "time") == 0)
		return cmd_time(argv[2], argv[3], argv + 4);
	if (argc == 3 && strcmp(argv[1], "stamp") == 0)
		return cmd_stamp(argv[2]);
	fprintf(stderr, "usage: vmhelper spawn K DIR | move SRC DST | count DIR |"
			" time STAMP DIR CMD [ARGS...] | stamp FILE\n");
	return 2;
}
