// SPDX-License-Identifier: MIT
/*
 * bench/sigchild.c: the receiving end of the signal-forwarding benchmark.
 * Runs as the init's child. It blocks SIGUSR1 and SIGTERM, says "R" on the
 * ack fifo, then answers every SIGUSR1 with one byte on the same fifo, until
 * SIGTERM (or SIGINT/SIGHUP) arrives.
 *
 *   sigchild ACK_FIFO
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	sigset_t set;
	int ack, sig;

	if (argc != 2) {
		fprintf(stderr, "usage: sigchild ACK_FIFO\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
		perror("sigchild: sigprocmask");
		return 2;
	}
	ack = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (ack < 0) {
		perror("sigchild: open fifo");
		return 2;
	}
	if (write(ack, "R", 1) != 1)
		return 3;
	for (;;) {
		sig = sigwaitinfo(&set, NULL);
		if (sig < 0)
			continue; /* EINTR */
		if (sig != SIGUSR1)
			return 0;
		if (write(ack, "A", 1) != 1)
			return 3;
	}
}
