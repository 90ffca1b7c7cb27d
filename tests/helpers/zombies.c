// SPDX-License-Identifier: MIT
/*
 * zombies: counts processes in state Z in the /proc this process sees.
 *
 *   zombies [-w SECONDS]
 *
 * Prints the count. With -w it polls (every 50 ms) until the count is 0 or
 * SECONDS have passed. Exit 0 when the last count was 0, 1 otherwise.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long count_zombies(char *first, size_t len)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	long z = 0;
	first[0] = '\0';
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof(path), "%s/stat", de->d_name);
		int fd = openat(dirfd(d), path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		char *p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'Z') {
			if (z == 0) {
				/* Keep one for the report: "pid (comm) Z ppid". */
				size_t keep = (size_t)(p - buf) + 1;
				char *after = p + 4;
				size_t ppid_len = strcspn(after, " ");
				snprintf(first, len, "%.*s ppid %.*s", (int)(keep < 200 ? keep : 200), buf,
					 (int)(ppid_len < 20 ? ppid_len : 20), after);
			}
			z++;
		}
	}
	closedir(d);
	return z;
}

int main(int argc, char **argv)
{
	long seconds = 0;
	if (argc == 3 && strcmp(argv[1], "-w") == 0)
		seconds = strtol(argv[2], NULL, 10);
	else if (argc != 1) {
		fprintf(stderr, "usage: zombies [-w SECONDS]\n");
		return 2;
	}
	long rounds = seconds * 20;
	struct timespec tick = {.tv_sec = 0, .tv_nsec = 50 * 1000 * 1000};
	char first[256];
	long z = count_zombies(first, sizeof(first));
	for (long i = 0; i < rounds && z != 0; i++) {
		nanosleep(&tick, NULL);
		z = count_zombies(first, sizeof(first));
	}
	if (z > 0)
		printf("%ld (e.g. %s)\n", z, first);
	else
		printf("%ld\n", z);
	return z == 0 ? 0 : 1;
}
