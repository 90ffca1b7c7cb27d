// SPDX-License-Identifier: MIT
/*
 * sendsig: kill(2), with no shell in between.
 *
 *   sendsig SIGNUM PID
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: sendsig SIGNUM PID\n");
		return 2;
	}
	char *e1, *e2;
	long sig = strtol(argv[1], &e1, 10);
	long pid = strtol(argv[2], &e2, 10);
	if (*e1 || *e2 || sig < 0 || sig > 64) {
		fprintf(stderr, "sendsig: bad arguments\n");
		return 2;
	}
	if (kill((pid_t)pid, (int)sig) < 0) {
		fprintf(stderr, "sendsig: kill(%ld, %ld): %s\n", pid, sig, strerror(errno));
		return 1;
	}
	return 0;
}
