// SPDX-License-Identifier: MIT
/*
 * probe: a worker that reports the state it was started in, one
 * "key=value" line each on stdout, then exits 0.
 *
 *   pid ppid pgid sid  from the calls of those names
 *   fds                open fds, comma separated (the one used to list
 *                      them left out); listed before anything else is opened
 *   sigblk sigign      SigBlk and SigIgn of /proc/self/status (hex)
 *   sigpnd shdpnd      SigPnd and ShdPnd
 *   listen_pid         $LISTEN_PID, or "(unset)"
 *   cwd                getcwd()
 *   tty_fg             tcgetpgrp(0), or -1 when stdin is not a terminal
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void list_fds(char *out, size_t len)
{
	int fds[256];
	size_t n = 0;
	out[0] = '\0';
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		snprintf(out, len, "error");
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL && n < 256) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		int fd = atoi(de->d_name);
		if (fd != dirfd(d))
			fds[n++] = fd;
	}
	closedir(d);
	qsort(fds, n, sizeof(fds[0]), cmp_int);
	size_t used = 0;
	for (size_t i = 0; i < n && used < len; i++) {
		int w = snprintf(out + used, len - used, "%s%d", i ? "," : "", fds[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

static void status_field(const char *status, const char *key, char *out, size_t len)
{
	snprintf(out, len, "missing");
	const char *p = strstr(status, key);
	if (!p)
		return;
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strcspn(p, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

int main(void)
{
	char fds[2048];
	list_fds(fds, sizeof(fds));

	char status[8192] = "";
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, status, sizeof(status) - 1);
		status[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	char blk[64], ign[64], pnd[64], shd[64];
	status_field(status, "\nSigBlk:", blk, sizeof(blk));
	status_field(status, "\nSigIgn:", ign, sizeof(ign));
	status_field(status, "\nSigPnd:", pnd, sizeof(pnd));
	status_field(status, "\nShdPnd:", shd, sizeof(shd));

	char cwd[4096];
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "error");
	const char *listen = getenv("LISTEN_PID");

	printf("pid=%d\nppid=%d\npgid=%d\nsid=%d\n", (int)getpid(), (int)getppid(),
	       (int)getpgrp(), (int)getsid(0));
	printf("fds=%s\nsigblk=%s\nsigign=%s\nsigpnd=%s\nshdpnd=%s\n", fds, blk, ign, pnd, shd);
	printf("listen_pid=%s\ncwd=%s\ntty_fg=%d\n", listen ? listen : "(unset)", cwd,
	       isatty(0) ? (int)tcgetpgrp(0) : -1);
	return fflush(stdout) == 0 ? 0 : 1;
}
