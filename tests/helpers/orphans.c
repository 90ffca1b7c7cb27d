// SPDX-License-Identifier: MIT
/*
 * orphans: leaves N orphans behind for init to reap, in bursts, and checks
 * that they were reaped.
 *
 *   orphans N [BATCH]
 *
 * For each batch (default 500) it double-forks BATCH grandchildren: each
 * middle child tells us its child's pid and exits at once (we reap it), so
 * the grandchild is re-parented to the nearest subreaper or PID 1. The
 * grandchildren all block reading one pipe; when the batch is complete we
 * close its write end and they all exit at the same moment, a burst of
 * SIGCHLDs that the kernel coalesces.
 *
 * Then we wait until every grandchild of the batch is gone from /proc, that
 * is, exited and reaped by its new parent, before the next batch; so at the
 * end no orphan of ours is alive or a zombie. If a batch is not gone after
 * 20 s, we stop with exit 1 and say what is left (this also keeps a broken
 * reaper from exhausting the machine's shared pid space).
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

static void pause_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static pid_t fork_retry(void)
{
	for (int tries = 0; tries < 2000; tries++) {
		pid_t pid = fork();
		if (pid >= 0 || errno != EAGAIN)
			return pid;
		pause_ms(10);
	}
	return -1;
}

/* Waits until none of pids[] exists (at most 20 s); returns how many are
 * left, and one of them with its state. */
static size_t wait_gone(const pid_t *pids, size_t n, pid_t *left_pid, char *left_state)
{
	size_t first = 0; /* pids before this one are known gone */
	for (int round = 0; round < 2000; round++) {
		while (first < n && proc_state(pids[first]) == '\0')
			first++;
		if (first == n)
			return 0;
		pause_ms(10);
	}
	size_t left = 0;
	for (size_t i = first; i < n; i++) {
		char st = proc_state(pids[i]);
		if (st != '\0') {
			if (left == 0) {
				*left_pid = pids[i];
				*left_state = st;
			}
			left++;
		}
	}
	return left;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: orphans N [BATCH]\n");
		return 2;
	}
	long total = strtol(argv[1], NULL, 10);
	long batch = argc == 3 ? strtol(argv[2], NULL, 10) : 500;
	if (total < 0 || batch < 1 || batch > 100000) {
		fprintf(stderr, "orphans: bad N or BATCH\n");
		return 2;
	}
	pid_t *pids = calloc((size_t)batch, sizeof(pid_t));
	if (!pids) {
		perror("orphans: calloc");
		return 2;
	}
	long made = 0;
	while (made < total) {
		long this_batch = total - made < batch ? total - made : batch;
		int gate[2], report[2];
		if (pipe2(gate, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0) {
			perror("orphans: pipe");
			return 1;
		}
		for (long i = 0; i < this_batch; i++) {
			pid_t mid = fork_retry();
			if (mid < 0) {
				perror("orphans: fork");
				return 1;
			}
			if (mid == 0) {
				pid_t g = fork_retry();
				if (g == 0) {
					char c;
					close(gate[1]);
					close(report[0]);
					close(report[1]);
					while (read(gate[0], &c, 1) < 0 && errno == EINTR)
						;
					_exit(0);
				}
				if (g < 0)
					_exit(1);
				_exit(write(report[1], &g, sizeof(g)) == (ssize_t)sizeof(g) ? 0 : 1);
			}
			int st;
			while (waitpid(mid, &st, 0) < 0 && errno == EINTR)
				;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
			    read(report[0], &pids[i], sizeof(pids[i])) != (ssize_t)sizeof(pids[i])) {
				fprintf(stderr, "orphans: a middle child failed\n");
				return 1;
			}
		}
		close(report[0]);
		close(report[1]);
		close(gate[1]); /* the burst: every grandchild of this batch exits */
		close(gate[0]);
		made += this_batch;
		pid_t left_pid = 0;
		char left_state = '?';
		size_t left = wait_gone(pids, (size_t)this_batch, &left_pid, &left_state);
		if (left > 0) {
			fprintf(stderr, "orphans: %zu of the last %ld orphans still exist 20 s after they "
					"were told to exit (e.g. pid %d, state %c); stopping after %ld\n",
				left, this_batch, (int)left_pid, left_state, made);
			return 1;
		}
	}
	free(pids);
	return 0;
}
