// SPDX-License-Identifier: MIT
/*
 * recorder: a worker for the integration tests that writes down every
 * signal it receives.
 *
 *   recorder [-x SIG] [-i SIG]... [-c CHILDLOG CHILDREADY] LOG READY
 *
 * It installs a handler for every signal that can be caught (1..31 but
 * KILL and STOP, and every realtime signal the C library lets a program
 * use), then unblocks everything, so a signal that was already pending when
 * it started (the mask it inherited kept it blocked) is recorded too.
 *
 * LOG gets one line per signal, "NUMBER\n", appended by the handler itself.
 * READY is created (atomically, by rename) once all of this is in place,
 * holding "pid pgid ppid"; a test waits for it before it sends anything.
 *
 *   -x SIG   exit 0 after recording SIG
 *   -i SIG   ignore SIG (SIG_IGN) instead of recording it
 *   -c L R   first fork a child that stays in our process group and records
 *            into L, its READY being R (it also honours -x and -i)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int log_fd = -1;
static volatile sig_atomic_t exit_on = 0;
static volatile sig_atomic_t exiting = 0;

static void on_signal(int sig)
{
	int saved = errno;
	char buf[16];
	size_t len = 0;
	char digits[12];
	size_t nd = 0;
	unsigned v = (unsigned)sig;
	do {
		digits[nd++] = (char)('0' + v % 10u);
		v /= 10u;
	} while (v && nd < sizeof(digits));
	while (nd > 0)
		buf[len++] = digits[--nd];
	buf[len++] = '\n';
	ssize_t unused = write(log_fd, buf, len);
	(void)unused;
	if (sig == exit_on)
		exiting = 1;
	errno = saved;
}

static int parse_sig(const char *text)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || v < 1 || v > 64) {
		fprintf(stderr, "recorder: bad signal number '%s'\n", text);
		exit(2);
	}
	return (int)v;
}

static void write_ready(const char *path)
{
	char tmp[4096];
	char line[64];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	int n = snprintf(line, sizeof(line), "%d %d %d\n", (int)getpid(), (int)getpgrp(),
			 (int)getppid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || n <= 0 || write(fd, line, (size_t)n) != (ssize_t)n || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		perror("recorder: write ready file");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	int ignored[65] = {0};
	const char *child_log = NULL, *child_ready = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "+x:i:c:")) != -1) {
		switch (opt) {
		case 'x': exit_on = parse_sig(optarg); break;
		case 'i': ignored[parse_sig(optarg)] = 1; break;
		case 'c':
			if (optind >= argc) {
				fprintf(stderr, "recorder: -c needs LOG and READY\n");
				return 2;
			}
			child_log = optarg;
			child_ready = argv[optind++];
			break;
		default:
			fprintf(stderr, "usage: recorder [-x SIG] [-i SIG] [-c LOG READY] LOG READY\n");
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: recorder [-x SIG] [-i SIG] [-c LOG READY] LOG READY\n");
		return 2;
	}
	const char *log_path = argv[optind], *ready_path = argv[optind + 1];
	if (child_log) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("recorder: fork");
			return 2;
		}
		if (pid == 0) {
			log_path = child_log;
			ready_path = child_ready;
		}
	}
	log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		perror("recorder: open log");
		return 2;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigfillset(&sa.sa_mask);
	for (int sig = 1; sig <= 64; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sig > 31 && (sig < SIGRTMIN || sig > SIGRTMAX))
			continue; /* reserved by the C library */
		sa.sa_handler = ignored[sig] ? SIG_IGN : on_signal;
		if (sigaction(sig, &sa, NULL) < 0) {
			fprintf(stderr, "recorder: sigaction(%d): %s\n", sig, strerror(errno));
			return 2;
		}
	}
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	/* Unblocking delivers what was pending since before we started. */
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) {
		perror("recorder: sigprocmask");
		return 2;
	}
	write_ready(ready_path);
	for (;;) {
		/* Check and sleep without a gap a signal could fall into. */
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (exiting)
			return 0;
		sigsuspend(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
}
