/* forkbomb: every process forks as fast as it can, forever.  When fork()
 * fails (the pids controller said no) it waits a little and tries again, so
 * the cgroup stays at its limit.  As a safety net for a broken test, each
 * process gives up after LIFETIME seconds. */
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define LIFETIME 90

int main(void)
{
	time_t end = time(NULL) + LIFETIME;
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	signal(SIGCHLD, SIG_IGN); /* children are never waited for */
	while (time(NULL) < end) {
		pid_t pid = fork();
		if (pid < 0)
			nanosleep(&pause, NULL);
	}
	return 0;
}
