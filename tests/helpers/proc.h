/* SPDX-License-Identifier: MIT */
/* What several helpers read from /proc: a process's state letter, and how
 * many zombies the /proc of this namespace shows. */
#ifndef HELPERS_PROC_H
#define HELPERS_PROC_H

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* dirfd/path (a /proc/.../stat file) into buf, NUL-terminated; the text
 * after the command name (") S ppid ..."), or NULL. The command may hold
 * spaces and parentheses, hence the last ')'. */
static inline char *proc_read_stat(int dirfd, const char *path, char *buf, size_t cap)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p : NULL;
}

/* The state letter of a process: 0 when it is gone, '?' when unreadable. */
static inline char proc_state(long pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	char *p = proc_read_stat(AT_FDCWD, path, buf, sizeof(buf));
	if (p)
		return p[2];
	return access(path, F_OK) < 0 ? 0 : '?';
}

/* The zombies in /proc; the first goes to `first` as "pid (comm) ppid N".
 * -1, with the reason in `first`, when /proc cannot be read. */
static inline long proc_count_zombies(char *first, size_t len)
{
	DIR *d = opendir("/proc");
	if (!d) {
		snprintf(first, len, "cannot open /proc");
		return -1;
	}
	long z = 0;
	first[0] = '\0';
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof(path), "%s/stat", de->d_name);
		char *p = proc_read_stat(dirfd(d), path, buf, sizeof(buf));
		if (!p || p[2] != 'Z')
			continue;
		if (z == 0) {
			size_t keep = (size_t)(p - buf) + 1;
			char *after = p + 4;
			size_t ppid_len = strcspn(after, " ");
			snprintf(first, len, "%.*s ppid %.*s", (int)(keep < 200 ? keep : 200), buf,
				 (int)(ppid_len < 20 ? ppid_len : 20), after);
		}
		z++;
	}
	closedir(d);
	return z;
}

#endif
