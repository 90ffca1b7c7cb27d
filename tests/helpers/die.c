// SPDX-License-Identifier: MIT
/*
 * die: ends in a chosen way, for exit-status tests.
 *
 *   die code N     exit(N)
 *   die sig N      be killed by signal N (default action restored and the
 *                  signal unblocked first; no core file is written)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: die code N | die sig N\n");
		return 2;
	}
	char *end;
	long n = strtol(argv[2], &end, 10);
	if (*end != '\0') {
		fprintf(stderr, "die: bad number '%s'\n", argv[2]);
		return 2;
	}
	if (strcmp(argv[1], "code") == 0)
		exit((int)n);
	if (strcmp(argv[1], "sig") != 0 || n < 1 || n > 64) {
		fprintf(stderr, "usage: die code N | die sig N\n");
		return 2;
	}
	int sig = (int)n;
	/* Signals that dump core must not leave core files around. */
	struct rlimit none = {0, 0};
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	fprintf(stderr, "die: still alive after signal %d\n", sig);
	return 200;
}
