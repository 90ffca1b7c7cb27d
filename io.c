// SPDX-License-Identifier: MIT
/*
 * The little I/O every module needs: a small file into a buffer, a file of
 * any size into memory, a numeric field of /proc/PID/stat, the monotonic
 * clock, a directory stream of an open directory, and closing the fds
 * cginit inherited.
 */
#include "cginit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

uint64_t monotonic_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Reads fd into buf, from *len on, until the end of the file (0) or until
 * buf holds cap - 1 bytes (1), again after EINTR; -1 with errno. */
static int read_upto(int fd, char *buf, size_t cap, size_t *len)
{
	while (*len + 1 < cap) {
		ssize_t n = read(fd, buf + *len, cap - 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		*len += (size_t)n;
	}
	return 1;
}

ssize_t cg_read_small(int dirfd, const char *name, char *buf, size_t cap)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* One read(2). What this reads is one seq_file record: a cgroup's
	 * value, list or flat keyed file, /proc/PID/stat or /proc/PID/cgroup.
	 * seq_read formats a record whole before it copies any of it, so the
	 * first read returns all of it that fits; a second would only see the
	 * end of the file. On cgroupfs every syscall of a job's life counts. */
	ssize_t n;
	do
		n = read(fd, buf, cap - 1);
	while (n < 0 && errno == EINTR);
	int saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

int cg_stat_field(const char *stat, int field, long *value)
{
	/* "pid (comm) state ppid pgrp ...": the command may hold spaces and
	 * parentheses, so fields are counted from the last ')'. */
	const char *p = strrchr(stat, ')');
	if (!p)
		return -1;
	for (int i = 0; i < field; i++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -1;
	}
	const char *end;
	if (cg_parse_long(p + 1, &end, value) < 0 || (*end != ' ' && *end != '\n' && *end))
		return -1;
	return 0;
}

char *cg_read_all(int dirfd, const char *name, size_t max)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		int rc = read_upto(fd, buf, cap, &len);
		if (rc == 0) {
			buf[len] = '\0';
			break;
		}
		/* Full: twice the room, up to max. */
		char *bigger = rc > 0 && cap < max ? realloc(buf, cap * 2) : NULL;
		if (!bigger) {
			int e = rc < 0 ? errno : cap < max ? ENOMEM : EFBIG;
			free(buf);
			buf = NULL;
			errno = e;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	int saved = errno;
	close(fd);
	errno = saved;
	return buf;
}

DIR *cg_open_dir_stream(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	DIR *dir = fdopendir(fd);
	if (!dir) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return dir;
}

static bool is_kept(int fd, const int *keep, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

/* Before close_range (Linux 5.9): the fds /proc lists, one by one. */
static int close_listed_fds(const char *proc, const int *keep, size_t n)
{
	char path[64];
	cg_fmt(path, sizeof(path), "%s/self/fd", proc);
	DIR *dir = opendir(path);
	if (!dir)
		return cg_error(NULL, errno, "open %s: inherited fds stay open", path);
	int own = dirfd(dir);
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		long fd;
		const char *end;
		if (cg_parse_long(de->d_name, &end, &fd) < 0 || *end || fd < 3 || fd == own ||
		    fd > INT_MAX || is_kept((int)fd, keep, n))
			continue;
		close((int)fd);
	}
	closedir(dir);
	return 0;
}

int cg_close_fds_except(const char *proc, const int *keep, size_t n)
{
	/* close_range over the gaps between the kept fds, lowest first. */
	unsigned lo = 3;
	for (;;) {
		unsigned next = ~0u;
		for (size_t i = 0; i < n; i++)
			if (keep[i] >= (int)lo && (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		unsigned hi = next == ~0u ? ~0u : next - 1;
		if (next != lo && syscall(SYS_close_range, lo, hi, 0) < 0)
			return errno == ENOSYS ? close_listed_fds(proc, keep, n)
					       : cg_error(NULL, errno, "close_range %u..%u", lo, hi);
		if (next == ~0u)
			return 0;
		lo = next + 1;
	}
}

int cg_write_all(int fd, const char *text)
{
	size_t len = strlen(text);
	while (len > 0) {
		ssize_t n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

unsigned cg_count_cpu_list(const char *list)
{
	unsigned n = 0;
	for (const char *p = list; *p && *p != '\n';) {
		long first, last;
		const char *end;
		if (cg_parse_long(p, &end, &first) < 0)
			return 0;
		last = first;
		if (*end == '-' && cg_parse_long(end + 1, &end, &last) < 0)
			return 0;
		if (last < first || last - first >= 65536)
			return 0;
		n += (unsigned)(last - first + 1);
		if (*end == ',')
			end++;
		else if (*end && *end != '\n')
			return 0;
		p = end;
	}
	return n;
}

/* The CPUs of one affinity mask, sized for the kernel's 8192 at most. */
static unsigned count_affinity(void)
{
	static cpu_set_t sets[8192 / CPU_SETSIZE];
	if (sched_getaffinity(0, sizeof(sets), sets) < 0)
		return 0;
	int n = CPU_COUNT_S(sizeof(sets), sets);
	return n > 0 ? (unsigned)n : 0;
}

unsigned cg_count_cpus(const char *online)
{
	char list[4096];
	unsigned listed = cg_read_small(AT_FDCWD, online, list, sizeof(list)) > 0
				  ? cg_count_cpu_list(list)
				  : 0;
	unsigned mask = count_affinity();
	unsigned n = listed > mask ? listed : mask;
	if (n)
		return n;
	cg_log(LOG_DEBUG, "cannot count the CPUs (%s, sched_getaffinity): CPU time is "
	       "looked at as often as it may be", online);
	return CG_CPUS_UNKNOWN;
}

uint64_t cg_sooner(uint64_t a, uint64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}
