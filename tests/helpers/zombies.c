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

#include "proc.h"

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
	long z = proc_count_zombies(first, sizeof(first));
	for (long i = 0; i < rounds && z != 0; i++) {
		nanosleep(&tick, NULL);
		z = proc_count_zombies(first, sizeof(first));
	}
	if (z > 0)
		printf("%ld (e.g. %s)\n", z, first);
	else
		printf("%ld\n", z);
	return z == 0 ? 0 : 1;
}
