/* reaper STATUSFILE CMD [ARGS...]: run CMD as a child subreaper.  Every
 * process that ends below us (CMD itself, and orphans such as a container's
 * init whose `runc create` parent has exited) is reaped, and a line
 * "PID CODE" is appended to STATUSFILE, CODE being the exit code or 128+N
 * for death by signal N.  Once CMD has exited we keep reaping for up to
 * LINGER seconds, then exit with CMD's code. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LINGER 5

static void on_alarm(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: reaper STATUSFILE CMD [ARGS...]\n");
		return 125;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
		perror("reaper: PR_SET_CHILD_SUBREAPER");
		return 125;
	}
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror("reaper: open status file");
		return 125;
	}
	pid_t main_pid = fork();
	if (main_pid < 0) {
		perror("reaper: fork");
		return 125;
	}
	if (main_pid == 0) {
		execvp(argv[2], argv + 2);
		perror("reaper: exec");
		_exit(127);
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm; /* no SA_RESTART: alarm interrupts wait() */
	sigaction(SIGALRM, &sa, NULL);

	int main_code = -1;
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, 0);
		if (pid < 0) {
			if (errno == EINTR && main_code >= 0)
				break; /* lingered long enough */
			if (errno == EINTR)
				continue;
			break; /* ECHILD: nothing left */
		}
		int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		char line[64];
		int n = snprintf(line, sizeof line, "%d %d\n", (int)pid, code);
		if (write(fd, line, (size_t)n) != n)
			perror("reaper: write");
		if (pid == main_pid) {
			main_code = code;
			alarm(LINGER);
		}
	}
	return main_code < 0 ? 125 : main_code;
}
