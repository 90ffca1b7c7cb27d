// SPDX-License-Identifier: MIT
/*
 * sigflood: sends signals to one process at a steady rate, and watches that
 * the process stays alive meanwhile.
 *
 *   sigflood PID RATE SECONDS SIG...
 *
 * Sends RATE * SECONDS signals in all, one every 1/RATE s (paced on
 * CLOCK_MONOTONIC with absolute clock_nanosleep deadlines, so that a late
 * wakeup does not slow the schedule down; the total is fixed either way),
 * taking the SIGs (numbers) in turn.
 *
 * Before the first signal, and after every 50th and the last, it reads
 * /proc/PID/stat: the process must still be there, be the same process
 * (same start time), and be neither a zombie nor stopped. kill(2) must not
 * fail. Otherwise it stops at once and says what happened (exit 1).
 *
 * Prints one line: how many signals of each number it sent. Exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

#define MAX_SIGS 16

/* The state letter and start time (field 22) of /proc/PID/stat; 0 when the
 * process is gone. */
static char read_stat(long pid, unsigned long long *start)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (access(path, F_OK) < 0)
		return 0;
	char *p = proc_read_stat(AT_FDCWD, path, buf, sizeof(buf));
	if (!p)
		return '?';
	char state = p[2];
	/* After ") ": field 3 is the state; the start time is field 22. */
	char *q = p + 2;
	for (int field = 3; field < 22 && q; field++) {
		q = strchr(q, ' ');
		if (q)
			q++;
	}
	*start = q ? strtoull(q, NULL, 10) : 0;
	return state;
}

static int check(long pid, unsigned long long start, unsigned long sent)
{
	unsigned long long now_start = 0;
	char st = read_stat(pid, &now_start);
	if (st == 0) {
		printf("sigflood: process %ld is gone after %lu signals\n", pid, sent);
		return -1;
	}
	if (now_start != start) {
		printf("sigflood: process %ld was replaced by another after %lu signals\n", pid, sent);
		return -1;
	}
	if (st == 'Z' || st == 'X' || st == 'T' || st == 't') {
		printf("sigflood: process %ld is in state %c after %lu signals\n", pid, st, sent);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: sigflood PID RATE SECONDS SIG...\n");
		return 2;
	}
	long pid = strtol(argv[1], NULL, 10);
	long rate = strtol(argv[2], NULL, 10);
	long seconds = strtol(argv[3], NULL, 10);
	int n_sigs = argc - 4;
	if (pid <= 1 || rate < 1 || rate > 100000 || seconds < 0 || seconds > 3600 ||
	    n_sigs > MAX_SIGS) {
		fprintf(stderr, "sigflood: bad arguments\n");
		return 2;
	}
	int sigs[MAX_SIGS];
	unsigned long per_sig[MAX_SIGS] = {0};
	for (int i = 0; i < n_sigs; i++) {
		sigs[i] = atoi(argv[4 + i]);
		if (sigs[i] < 1 || sigs[i] > 64) {
			fprintf(stderr, "sigflood: bad signal '%s'\n", argv[4 + i]);
			return 2;
		}
	}
	unsigned long long start = 0;
	if (read_stat(pid, &start) == 0) {
		printf("sigflood: no process %ld\n", pid);
		return 1;
	}
	if (check(pid, start, 0) < 0)
		return 1;

	unsigned long total = (unsigned long)(rate * seconds);
	long step_ns = 1000000000L / rate;
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (unsigned long sent = 0; sent < total; sent++) {
		next.tv_nsec += step_ns;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		int k = (int)(sent % (unsigned long)n_sigs);
		if (kill((pid_t)pid, sigs[k]) < 0) {
			printf("sigflood: kill(%ld, %d) failed after %lu signals: %s\n", pid, sigs[k],
			       sent, strerror(errno));
			return 1;
		}
		per_sig[k]++;
		if ((sent + 1) % 50 == 0 || sent + 1 == total) {
			if (check(pid, start, sent + 1) < 0)
				return 1;
		}
	}
	printf("sent");
	for (int i = 0; i < n_sigs; i++)
		printf(" %d:%lu", sigs[i], per_sig[i]);
	printf("\n");
	return 0;
}
