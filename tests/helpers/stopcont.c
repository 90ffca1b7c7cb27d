// SPDX-License-Identifier: MIT
/*
 * stopcont: a SIGSTOP/SIGCONT storm against one process.
 *
 *   stopcont PID PAIRS
 *
 * Sends PAIRS pairs of SIGSTOP then SIGCONT. For every other pair it waits
 * (polling /proc/PID/stat every 100 us, at most 2 s) until the process is
 * really stopped before it sends the SIGCONT; the other pairs follow each
 * other as fast as kill(2) goes. After the last SIGCONT it waits (at most
 * 5 s) until the process is no longer stopped.
 *
 * Prints "pairs N stopped_seen M". Exit 0; 1 if a kill failed or the
 * process is gone, zombie, or still stopped at the end; 3 if it was never
 * seen stopped (then the storm proved nothing).
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

static int is_stopped(char st)
{
	return st == 'T' || st == 't';
}

static void pause_us(long us)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = us * 1000L};
	nanosleep(&ts, NULL);
}

static int send(long pid, int sig, long pair)
{
	if (kill((pid_t)pid, sig) == 0)
		return 0;
	printf("stopcont: kill(%ld, %d) failed at pair %ld: %s\n", pid, sig, pair, strerror(errno));
	return -1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: stopcont PID PAIRS\n");
		return 2;
	}
	long pid = strtol(argv[1], NULL, 10);
	long pairs = strtol(argv[2], NULL, 10);
	if (pid <= 1 || pairs < 1 || pairs > 1000000) {
		fprintf(stderr, "stopcont: bad arguments\n");
		return 2;
	}
	long seen = 0;
	for (long i = 0; i < pairs; i++) {
		if (send(pid, SIGSTOP, i) < 0)
			return 1;
		if (i % 2 == 0) {
			for (int t = 0; t < 20000; t++) {
				char st = proc_state(pid);
				if (st == 0 || st == 'Z' || st == 'X') {
					printf("stopcont: process %ld is %s at pair %ld\n", pid,
					       st ? "a zombie" : "gone", i);
					return 1;
				}
				if (is_stopped(st)) {
					seen++;
					break;
				}
				pause_us(100);
			}
		}
		if (send(pid, SIGCONT, i) < 0)
			return 1;
	}
	char st = proc_state(pid);
	for (int t = 0; t < 50000 && is_stopped(st); t++) {
		pause_us(100);
		st = proc_state(pid);
	}
	printf("pairs %ld stopped_seen %ld\n", pairs, seen);
	if (st == 0 || st == 'Z' || st == 'X' || is_stopped(st)) {
		printf("stopcont: after the storm, process %ld is %s\n", pid,
		       st == 0 ? "gone" : is_stopped(st) ? "still stopped" : "a zombie");
		return 1;
	}
	return seen > 0 ? 0 : 3;
}
