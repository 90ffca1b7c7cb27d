// SPDX-License-Identifier: MIT
/*
 * launcher: prepares the process state that cginit inherits, then execs it.
 *
 *   launcher [options] -- COMMAND [ARGS...]
 *
 *   -C            close every fd above 2 first
 *   -o FD:PATH    open PATH read-only at FD, without FD_CLOEXEC
 *   -b SIG        block SIG (repeatable; any of 1..64, set with the raw
 *                 rt_sigprocmask, so 32..34 too)
 *   -i SIG        ignore SIG (SIG_IGN; repeatable)
 *   -r SIG        make SIG pending on ourselves with raise() (block it too,
 *                 or it is delivered at once)
 *   -s FILE       write our SigBlk, SigIgn and SigPnd/ShdPnd lines (from
 *                 /proc/self/status) to FILE just before the exec
 *   -D FILE       fork: the child execs COMMAND; the parent waits until FILE
 *                 exists (at most 20 s), then exits 0 (1 on timeout). This
 *                 makes the exec'd command an orphan whose parent died.
 *
 * Options are applied in this order: -C, -o, -b, -i, -r, -s, -D, exec.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_ITEMS 64

static int parse_int(const char *text, long min, long max, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || errno || v < min || v > max) {
		fprintf(stderr, "launcher: bad %s '%s'\n", what, text);
		exit(2);
	}
	return (int)v;
}

static void close_above_2(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		perror("launcher: opendir /proc/self/fd");
		exit(2);
	}
	int fds[1024];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL && n < 1024) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		int fd = atoi(de->d_name);
		if (fd > 2 && fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

static void open_at(const char *spec)
{
	const char *colon = strchr(spec, ':');
	if (!colon) {
		fprintf(stderr, "launcher: -o wants FD:PATH, not '%s'\n", spec);
		exit(2);
	}
	char num[16];
	size_t len = (size_t)(colon - spec);
	if (len == 0 || len >= sizeof(num)) {
		fprintf(stderr, "launcher: bad fd in '%s'\n", spec);
		exit(2);
	}
	memcpy(num, spec, len);
	num[len] = '\0';
	int want = parse_int(num, 3, 1000, "fd");
	int fd = open(colon + 1, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "launcher: open %s: %s\n", colon + 1, strerror(errno));
		exit(2);
	}
	if (fd != want) {
		if (dup2(fd, want) < 0) {
			perror("launcher: dup2");
			exit(2);
		}
		close(fd);
	}
}

static void write_state(const char *path)
{
	char buf[8192];
	int in = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		perror("launcher: open /proc/self/status");
		exit(2);
	}
	ssize_t n = read(in, buf, sizeof(buf) - 1);
	close(in);
	if (n <= 0) {
		perror("launcher: read /proc/self/status");
		exit(2);
	}
	buf[n] = '\0';
	FILE *out = fopen(path, "we");
	if (!out) {
		perror("launcher: state file");
		exit(2);
	}
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "SigBlk:", 7) == 0 || strncmp(line, "SigIgn:", 7) == 0 ||
		    strncmp(line, "SigPnd:", 7) == 0 || strncmp(line, "ShdPnd:", 7) == 0)
			fprintf(out, "%s\n", line);
	if (fclose(out) != 0) {
		perror("launcher: state file");
		exit(2);
	}
}

static void wait_for_file_then_exit(const char *path)
{
	struct timespec tick = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000};
	for (int i = 0; i < 1000; i++) {
		if (access(path, F_OK) == 0)
			_exit(0);
		nanosleep(&tick, NULL);
	}
	fprintf(stderr, "launcher: %s did not appear within 20 s\n", path);
	_exit(1);
}

int main(int argc, char **argv)
{
	const char *opens[MAX_ITEMS];
	int blocks[MAX_ITEMS], ignores[MAX_ITEMS], raises[MAX_ITEMS];
	size_t n_open = 0, n_block = 0, n_ign = 0, n_raise = 0;
	int close_fds = 0;
	const char *state = NULL, *detach = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "+Co:b:i:r:s:D:")) != -1) {
		switch (opt) {
		case 'C': close_fds = 1; break;
		case 'o': if (n_open < MAX_ITEMS) opens[n_open++] = optarg; break;
		case 'b': if (n_block < MAX_ITEMS) blocks[n_block++] = parse_int(optarg, 1, 64, "signal"); break;
		case 'i': if (n_ign < MAX_ITEMS) ignores[n_ign++] = parse_int(optarg, 1, 64, "signal"); break;
		case 'r': if (n_raise < MAX_ITEMS) raises[n_raise++] = parse_int(optarg, 1, 64, "signal"); break;
		case 's': state = optarg; break;
		case 'D': detach = optarg; break;
		default:
			fprintf(stderr, "launcher: unknown option\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: launcher [-C] [-o FD:PATH] [-b SIG] [-i SIG] [-r SIG] "
				"[-s FILE] [-D FILE] -- COMMAND [ARGS...]\n");
		return 2;
	}
	if (close_fds)
		close_above_2();
	for (size_t i = 0; i < n_open; i++)
		open_at(opens[i]);
	/* Straight to the kernel: the C library would leave out the signals it
	 * keeps for itself (32 and 33 for glibc), and those must be testable. */
	uint64_t mask = 0;
	for (size_t i = 0; i < n_block; i++)
		mask |= (uint64_t)1 << (blocks[i] - 1);
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &mask, NULL, sizeof(mask)) < 0) {
		perror("launcher: rt_sigprocmask");
		return 2;
	}
	for (size_t i = 0; i < n_ign; i++) {
		if (signal(ignores[i], SIG_IGN) == SIG_ERR) {
			fprintf(stderr, "launcher: ignore %d: %s\n", ignores[i], strerror(errno));
			return 2;
		}
	}
	for (size_t i = 0; i < n_raise; i++) {
		if (raise(raises[i]) != 0) {
			fprintf(stderr, "launcher: raise %d: %s\n", raises[i], strerror(errno));
			return 2;
		}
	}
	if (state)
		write_state(state);
	if (detach) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("launcher: fork");
			return 2;
		}
		if (pid > 0)
			wait_for_file_then_exit(detach);
	}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "launcher: exec %s: %s\n", argv[optind], strerror(errno));
	return 127;
}
