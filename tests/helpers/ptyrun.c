// SPDX-License-Identifier: MIT
/*
 * ptyrun: runs a command on a new pseudo-terminal, as it would run from an
 * interactive `docker run -t`: the command leads a new session whose
 * controlling terminal is the pty, with stdin, stdout and stderr on it.
 *
 *   ptyrun COMMAND [ARGS...]
 *
 * What the command writes is copied to our stdout (output post-processing
 * is off, so no "\r" is added). Exits with the command's code, or 128+N if
 * a signal N killed it. Once the command has exited, what it left in the
 * terminal is drained without waiting for other holders of the terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void copy_out(int master)
{
	char buf[4096];
	ssize_t n;
	while ((n = read(master, buf, sizeof(buf))) > 0) {
		ssize_t off = 0;
		while (off < n) {
			ssize_t w = write(STDOUT_FILENO, buf + off, (size_t)(n - off));
			if (w <= 0)
				return;
			off += w;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: ptyrun COMMAND [ARGS...]\n");
		return 2;
	}
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
		perror("ptyrun: posix_openpt");
		return 2;
	}
	const char *slave_name = ptsname(master);
	if (!slave_name) {
		perror("ptyrun: ptsname");
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("ptyrun: fork");
		return 2;
	}
	if (pid == 0) {
		if (setsid() < 0) {
			perror("ptyrun: setsid");
			_exit(2);
		}
		int slave = open(slave_name, O_RDWR);
		if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) {
			perror("ptyrun: open the terminal");
			_exit(2);
		}
		struct termios t;
		if (tcgetattr(slave, &t) == 0) {
			t.c_oflag &= ~(tcflag_t)OPOST;
			tcsetattr(slave, TCSANOW, &t);
		}
		if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0) {
			perror("ptyrun: dup2");
			_exit(2);
		}
		if (slave > 2)
			close(slave);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "ptyrun: exec %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	int status = 0;
	int done = 0;
	for (;;) {
		struct pollfd pfd = {.fd = master, .events = POLLIN};
		int r = poll(&pfd, 1, 100);
		if (r > 0) {
			char buf[4096];
			ssize_t n = read(master, buf, sizeof(buf));
			if (n > 0) {
				ssize_t unused = write(STDOUT_FILENO, buf, (size_t)n);
				(void)unused;
				continue;
			}
			if (n == 0 || errno == EIO)
				break; /* every holder of the terminal has closed it */
		}
		if (!done && waitpid(pid, &status, WNOHANG) == pid) {
			done = 1;
			/* Drain what is left without waiting on leftovers that
			 * might keep the terminal open. */
			fcntl(master, F_SETFL, O_NONBLOCK);
			copy_out(master);
			break;
		}
	}
	if (!done && waitpid(pid, &status, 0) < 0) {
		perror("ptyrun: waitpid");
		return 2;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 2;
}
