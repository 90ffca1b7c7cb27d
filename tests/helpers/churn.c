// SPDX-License-Identifier: MIT
/*
 * churn: a busy worker for the robustness tests. It counts the signals it
 * gets and leaves orphans behind, without a break, until a SIGTERM tells it
 * to stop; then it checks that no zombie is left in the pid namespace,
 * reports, and exits.
 *
 *   churn READY REPORT CODE
 *
 * HUP, USR1, USR2, WINCH and CONT get a handler that only counts them, and
 * TERM one that counts it and ends the churning (SA_RESTART); every other
 * signal keeps its inherited disposition. READY is created (holding our
 * pid) once the handlers are in place. The stop being a signal, it comes
 * through cginit like the others; and as pending standard signals are
 * taken lowest first, by cginit and by us, a HUP, USR1 or USR2 sent to
 * cginit before the TERM is counted before we stop.
 *
 * Each round double-forks 10 orphans: the middle child forks a grandchild
 * and exits at once, the grandchild exits at once too, so it ends up a
 * zombie that only the nearest subreaper or PID 1 can reap. Then a 5 ms
 * pause, and the next round, until the SIGTERM (or until 120 s have
 * passed, so that a lost test cannot leave us running).
 *
 * Then it polls /proc (every 50 ms, at most 20 s) until no process of the
 * namespace is a zombie. REPORT gets "name count" lines: hup, usr1, usr2,
 * winch, cont, term, orphans, fork_failures, zombies, and "zombie" with
 * one of them when some were left. Exit CODE, or 91 when zombies were
 * left, 92 if the report could not be written, 93 if no SIGTERM came.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

#define ROUND 10
#define MAX_MS (120 * 1000L)

static volatile sig_atomic_t n_hup, n_usr1, n_usr2, n_winch, n_cont, n_term;

static void on_signal(int sig)
{
	switch (sig) {
	case SIGHUP: n_hup++; break;
	case SIGUSR1: n_usr1++; break;
	case SIGUSR2: n_usr2++; break;
	case SIGWINCH: n_winch++; break;
	case SIGCONT: n_cont++; break;
	case SIGTERM: n_term++; break;
	default: break;
	}
}

static void pause_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL); /* a signal may cut it short: fine */
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* One orphan; 1 if it was made. */
static int make_orphan(unsigned long *failures)
{
	pid_t mid = fork();
	if (mid < 0) {
		(*failures)++;
		return 0;
	}
	if (mid == 0) {
		pid_t g = fork();
		if (g == 0)
			_exit(0);
		_exit(g < 0 ? 1 : 0);
	}
	int st;
	while (waitpid(mid, &st, 0) < 0) {
		if (errno != EINTR)
			return 0;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		(*failures)++;
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: churn READY REPORT CODE\n");
		return 2;
	}
	const char *ready = argv[1], *report = argv[2];
	int code = atoi(argv[3]);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	const int counted[] = {SIGHUP, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTERM};
	sigset_t unblock;
	sigemptyset(&unblock);
	for (size_t i = 0; i < sizeof(counted) / sizeof(counted[0]); i++) {
		if (sigaction(counted[i], &sa, NULL) < 0) {
			perror("churn: sigaction");
			return 2;
		}
		sigaddset(&unblock, counted[i]);
	}
	sigprocmask(SIG_UNBLOCK, &unblock, NULL);

	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", ready);
	FILE *f = fopen(tmp, "we");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0 || rename(tmp, ready) < 0) {
		perror("churn: ready file");
		return 2;
	}

	unsigned long orphans = 0, failures = 0;
	long start = now_ms();
	int stopped = 0;
	while (now_ms() - start < MAX_MS) {
		if (n_term > 0) {
			stopped = 1;
			break;
		}
		for (int i = 0; i < ROUND; i++)
			orphans += (unsigned long)make_orphan(&failures);
		pause_ms(5);
	}

	char one[256] = "";
	long z = proc_count_zombies(one, sizeof(one));
	for (int i = 0; i < 400 && z != 0; i++) {
		pause_ms(50);
		z = proc_count_zombies(one, sizeof(one));
	}

	snprintf(tmp, sizeof(tmp), "%s.tmp", report);
	f = fopen(tmp, "we");
	if (!f)
		return 92;
	fprintf(f, "hup %d\nusr1 %d\nusr2 %d\nwinch %d\ncont %d\nterm %d\n", (int)n_hup,
		(int)n_usr1, (int)n_usr2, (int)n_winch, (int)n_cont, (int)n_term);
	fprintf(f, "orphans %lu\nfork_failures %lu\nzombies %ld\n", orphans, failures, z);
	if (z != 0)
		fprintf(f, "zombie %s\n", one);
	if (fclose(f) != 0 || rename(tmp, report) < 0)
		return 92;
	if (z != 0)
		return 91;
	return stopped ? code : 93;
}
