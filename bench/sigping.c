// SPDX-License-Identifier: MIT
/*
 * bench/sigping.c: the sending end of the signal-forwarding benchmark. Runs
 * on the host side. For each round trip it takes the time, sends SIGUSR1 to
 * TARGET (the init's host pid, or the child itself for the no-init
 * baseline) and waits for sigchild's one-byte answer on ACK_FD.
 *
 *   sigping TARGET_PID ROUND_TRIPS ACK_FD [WARMUP]
 *
 * Prints "OK median_ns p99_ns mean_ns min_ns max_ns" on stdout; on a lost
 * signal (no answer within 2 s) prints "LOST after I round trips" and
 * exits 1. sigchild must have said "R" already (run.sh waits for it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* One round trip; returns its duration in ns, or -1 when no answer came. */
static long long round_trip(pid_t target, int ack)
{
	struct pollfd pfd = { .fd = ack, .events = POLLIN };
	long long t0 = mono_ns();
	char c;
	int r;

	if (kill(target, SIGUSR1) != 0)
		return -1;
	for (;;) {
		r = poll(&pfd, 1, 2000);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (read(ack, &c, 1) == 1)
			return mono_ns() - t0;
		if (errno != EINTR && errno != EAGAIN)
			return -1;
	}
}

int main(int argc, char **argv)
{
	pid_t target;
	long n, warmup, i;
	long long *lat, sum = 0, d;
	int ack;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: sigping TARGET_PID ROUND_TRIPS ACK_FD [WARMUP]\n");
		return 2;
	}
	target = (pid_t)atol(argv[1]);
	n = atol(argv[2]);
	ack = atoi(argv[3]);
	warmup = argc == 5 ? atol(argv[4]) : 200;
	if (n < 1 || target < 2) {
		fprintf(stderr, "sigping: bad arguments\n");
		return 2;
	}
	lat = calloc((size_t)n, sizeof(*lat));
	if (!lat)
		return 2;

	for (i = 0; i < warmup; i++) {
		if (round_trip(target, ack) < 0) {
			printf("LOST after %ld warm-up round trips\n", i);
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		d = round_trip(target, ack);
		if (d < 0) {
			printf("LOST after %ld round trips\n", i);
			return 1;
		}
		lat[i] = d;
		sum += d;
	}
	qsort(lat, (size_t)n, sizeof(*lat), by_value);
	/* nearest-rank percentiles */
	printf("OK %lld %lld %lld %lld %lld\n", lat[(n - 1) / 2],
	       lat[(n * 99 + 99) / 100 - 1], sum / n, lat[0], lat[n - 1]);
	return 0;
}
