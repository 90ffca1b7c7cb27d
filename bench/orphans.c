// SPDX-License-Identifier: MIT
/*
 * bench/orphans.c: the reaping workload. Runs as the only child of the init
 * under test, inside a fresh pid namespace whose /proc is its own.
 *
 *   orphans N SAMPLE_EVERY CTL_FIFO ACK_FIFO
 *
 * Protocol with run.sh (one line or byte at a time over two fifos):
 *   -> "R\n"            ready; run.sh now samples the init's CPU time
 *   <- 'G'              go
 *   makes N orphans, each by a double fork: we vfork a child, the child
 *   clones a grandchild and exits at once, we reap the child; the grandchild
 *   exits at once too and, having been re-parented, must be reaped by the
 *   init (PID 1 of the namespace). On x86-64 the grandchild is a raw
 *   clone(CLONE_VM) that exits before touching memory, which makes the
 *   workload about 3x faster to generate than fork+fork; the init's side
 *   (SIGCHLD, wait4, release of the task) is the same either way.
 *   Every SAMPLE_EVERY orphans it counts Z-state tasks in /proc, then after
 *   the last one it polls until none is left (or 60 s pass).
 *   -> "OK wall_ns drain_ns peak_zombies\n"  ("TIMEOUT ..." when zombies
 *      were left after 60 s, "STUCK ..." when no process could be made for
 *      30 s)
 *   <- 'X'              run.sh has sampled the init's CPU again; exit 0
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Number of tasks in this pid namespace's /proc whose state is Z. */
static int zombies_now(void)
{
	DIR *dir = opendir("/proc");
	struct dirent *de;
	int count = 0;

	if (!dir)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		char path[300], st[512];
		const char *close_paren;
		ssize_t len;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/stat", de->d_name);
		fd = openat(dirfd(dir), path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue; /* already reaped */
		len = read(fd, st, sizeof(st) - 1);
		close(fd);
		if (len <= 0)
			continue;
		st[len] = '\0';
		/* "pid (comm) S ...": comm may hold spaces and parens. */
		close_paren = strrchr(st, ')');
		if (close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z')
			count++;
	}
	closedir(dir);
	return count;
}

/*
 * Called in the vfork child: makes one grandchild that exits at once.
 * The grandchild shares our memory and even our stack pointer, so it must
 * not touch the stack: it goes straight from clone's return to exit.
 */
static void spawn_orphan(void)
{
#if defined(__x86_64__)
	long ret;
	register long r10 __asm__("r10") = 0; /* child_tid */
	register long r8 __asm__("r8") = 0;   /* tls */

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t" /* SYS_exit: this task only */
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "1:\n\t"
			 : "=a"(ret)
			 : "0"((long)SYS_clone), "D"((long)(CLONE_VM | SIGCHLD)),
			   "S"(0L), "d"(0L), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	(void)ret;
#else
	/* a plain fork: the grandchild has its own copy of memory */
	if (syscall(SYS_clone, (long)SIGCHLD, 0L, 0L, 0L, 0L) == 0)
		syscall(SYS_exit, 0);
#endif
}

/* One double fork. Kept out of main so that vfork cannot clobber its
 * locals. Returns 0, or -1 when no process could be made (pids.max,
 * RLIMIT_NPROC). */
static __attribute__((noinline)) int one_orphan(void)
{
	pid_t child = vfork();

	if (child == 0) {
		spawn_orphan();
		_exit(0);
	}
	if (child < 0)
		return -1;
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static void say(int fd, const char *text)
{
	size_t len = strlen(text);

	if (write(fd, text, len) != (ssize_t)len)
		_exit(3);
}

static void await(int fd, char want)
{
	char c;

	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n == 1 && c == want)
			return;
		if (n == 0 || (n < 0 && errno != EINTR))
			_exit(4);
	}
}

int main(int argc, char **argv)
{
	long n, every, i;
	int ctl, ack, peak = 0, z;
	long long t0, t_last, t_end, deadline, stuck_since = 0;
	char line[128];
	const char *verdict = "OK";

	if (argc != 5) {
		fprintf(stderr, "usage: orphans N SAMPLE_EVERY CTL_FIFO ACK_FIFO\n");
		return 2;
	}
	n = atol(argv[1]);
	every = atol(argv[2]);
	if (every < 1)
		every = 1;
	ack = open(argv[4], O_WRONLY | O_CLOEXEC);
	ctl = open(argv[3], O_RDONLY | O_CLOEXEC);
	if (ack < 0 || ctl < 0) {
		perror("orphans: open fifo");
		return 2;
	}
	say(ack, "R\n");
	await(ctl, 'G');

	t0 = mono_ns();
	for (i = 0; i < n; i++) {
		if (one_orphan() < 0) {
			/* out of pids: give the init time to catch up */
			if (!stuck_since)
				stuck_since = mono_ns();
			else if (mono_ns() - stuck_since > 30LL * 1000000000LL) {
				verdict = "STUCK";
				break;
			}
			usleep(1000);
			i--;
			continue;
		}
		stuck_since = 0;
		if ((i + 1) % every == 0) {
			z = zombies_now();
			if (z > peak)
				peak = z;
		}
	}
	t_last = mono_ns();

	deadline = t_last + 60LL * 1000000000LL;
	for (;;) {
		z = zombies_now();
		if (z > peak)
			peak = z;
		if (z == 0)
			break;
		if (mono_ns() > deadline) {
			verdict = "TIMEOUT";
			break;
		}
		usleep(200);
	}
	t_end = mono_ns();

	snprintf(line, sizeof(line), "%s %lld %lld %d\n", verdict, t_end - t0,
		 t_end - t_last, peak);
	say(ack, line);
	await(ctl, 'X');
	return 0;
}
