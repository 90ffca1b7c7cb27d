// SPDX-License-Identifier: MIT
/*
 * forkfill: under a small RLIMIT_NPROC, fills every process slot left with
 * orphans, lets them exit, and checks that they were reaped, so that the
 * slots come back for the next round.
 *
 *   forkfill ROUNDS
 *
 * Each round double-forks until fork(2) fails with EAGAIN (at most 1000):
 * the middle child forks a grandchild, reports its pid, and exits (we reap
 * it); the grandchild, now an orphan of the nearest subreaper or PID 1,
 * blocks on a pipe. When fork fails, the pipe is closed, every grandchild
 * exits, and we wait (at most 20 s) until each is gone from /proc: exited
 * and reaped. An orphan that nobody reaps stays a zombie, keeps its slot,
 * and the next round gets fewer.
 *
 * Prints one line per round: "round R orphans N limit yes|no". Exit 0 when
 * every round made at least one orphan and met the limit; 1 otherwise (with
 * a line that says why).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

#define MAX_PER_ROUND 1000

static void pause_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: forkfill ROUNDS\n");
		return 2;
	}
	long rounds = strtol(argv[1], NULL, 10);
	if (rounds < 1 || rounds > 1000) {
		fprintf(stderr, "forkfill: bad ROUNDS\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	static pid_t pids[MAX_PER_ROUND];
	int ok = 1;
	for (long r = 1; r <= rounds; r++) {
		int gate[2], report[2];
		if (pipe2(gate, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0) {
			printf("forkfill: pipe: %s\n", strerror(errno));
			return 1;
		}
		size_t n = 0;
		int limit = 0;
		while (n < MAX_PER_ROUND) {
			pid_t mid = fork();
			if (mid < 0) {
				if (errno != EAGAIN) {
					printf("forkfill: fork: %s\n", strerror(errno));
					return 1;
				}
				limit = 1;
				break;
			}
			if (mid == 0) {
				pid_t g = fork();
				if (g < 0)
					_exit(errno == EAGAIN ? 3 : 4);
				if (g == 0) {
					char c;
					close(gate[1]);
					while (read(gate[0], &c, 1) < 0 && errno == EINTR)
						;
					_exit(0);
				}
				_exit(write(report[1], &g, sizeof(g)) == (ssize_t)sizeof(g) ? 0 : 4);
			}
			int st;
			while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
				;
			if (WIFEXITED(st) && WEXITSTATUS(st) == 3) {
				limit = 1;
				break;
			}
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
			    read(report[0], &pids[n], sizeof(pids[n])) != (ssize_t)sizeof(pids[n])) {
				printf("forkfill: a middle child failed\n");
				return 1;
			}
			n++;
		}
		close(report[0]);
		close(report[1]);
		close(gate[1]);
		close(gate[0]);
		printf("round %ld orphans %zu limit %s\n", r, n, limit ? "yes" : "no");
		if (n == 0) {
			printf("forkfill: round %ld could not make a single orphan\n", r);
			ok = 0;
		}
		if (!limit) {
			printf("forkfill: round %ld never met the process limit\n", r);
			ok = 0;
		}
		for (size_t i = 0; i < n; i++) {
			int t = 0;
			char st;
			while ((st = proc_state(pids[i])) != 0 && t++ < 2000)
				pause_ms(10);
			if (st != 0) {
				printf("forkfill: orphan %d of round %ld still exists (state %c) 20 s "
				       "after it was told to exit\n", (int)pids[i], r, st);
				return 1;
			}
		}
	}
	return ok ? 0 : 1;
}
