// SPDX-License-Identifier: MIT
/*
 * The broker: makes job cgroups as root, so that their limits are root's
 * and a job with the worker's uid cannot lift them (see cgjob.c for why
 * the ownership holds). The protocol is in job.h.
 *
 * It is a child of PID 1, not PID 1 itself:
 * - PID 1's death ends the container; the broker's parser takes input from
 *   the worker's uid, which a job may have taken over. A crash there costs
 *   the broker, never the container;
 * - PID 1 drops to the capabilities of reaping and killing once the
 *   worker runs; the broker keeps CAP_CHOWN, CAP_DAC_OVERRIDE (mkdir and
 *   rmdir in jobs/, which is the worker's) and CAP_KILL (the sweep on
 *   kernels without cgroup.kill), and nothing else;
 * - PID 1's loop stays a sigtimedwait with no timeout: no socket, no
 *   wake-up of any kind for it.
 * The broker sleeps in poll(2) with no timeout while no request is
 * pending and no job has a wall limit, so the container stays at zero
 * wake-ups when idle.
 *
 * What a client can cost it is bounded: BROKER_CLIENTS connections at
 * once, one message of JOB_MSG_MAX bytes per step, BROKER_REQUEST_MS to
 * send the request, and no allocation that outlives a step.
 */
#include "job.h"

#include "cgjob.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define BROKER_KILL_MS 1000
/* The broker's looks at a job's cpu.stat are at least this far apart: a
 * job that idles just short of its limit would otherwise wake it every
 * 10 ms for as long as it lives. It is the backstop a grace past the
 * limit, so this bounds its overshoot, not the runner's. */
#define BROKER_CPU_CHECK_MS 100
#define BROKER_NAME_PREFIX "job"

/* ---- the socket ----------------------------------------------------------- */

/* "@cginit-broker-" and 16 hex digits: abstract sockets live in the
 * network namespace, which a Kubernetes pod's containers share, so the
 * name must differ from any other cginit's. */
static void make_address(char *address, size_t cap)
{
	uint64_t r;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = monotonic_ms() ^ ((uint64_t)getpid() << 32);
	cg_fmt(address, cap, "@cginit-broker-%x%x", (unsigned)(r >> 32), (unsigned)r);
}

/* sockaddr_un for "@name": a leading NUL, no trailing one. */
static socklen_t abstract_addr(const char *address, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	size_t n = strlen(address + 1);
	if (address[0] != '@' || n == 0 || n >= sizeof(sa->sun_path) - 1)
		return 0;
	memcpy(sa->sun_path + 1, address + 1, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

int broker_socket_connect(const char *address, struct cg_err *err)
{
	struct sockaddr_un sa;
	socklen_t len = abstract_addr(address, &sa);
	if (!len)
		return cg_error(err, EINVAL, "CGINIT_BROKER '%s': expected @name", address);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cg_error(err, errno, "socket AF_UNIX");
	if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
		cg_error(err, errno, "connect to the broker %s", address);
		close(fd);
		return -1;
	}
	return fd;
}

int broker_listen(char *address, size_t cap)
{
	make_address(address, cap);
	struct sockaddr_un sa;
	socklen_t len = abstract_addr(address, &sa);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return cg_error(NULL, errno, "broker: socket AF_UNIX");
	if (bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, BROKER_CLIENTS) < 0) {
		cg_error(NULL, errno, "broker: bind and listen on %s", address);
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- replies -------------------------------------------------------------- */

static void send_line(int fd, const char *line, int pass_fd)
{
	struct iovec iov = {.iov_base = (void *)line, .iov_len = strlen(line)};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (pass_fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	/* Non-blocking: a client that does not read loses its answer, and
	 * the broker does not wait for it. */
	if (sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		cg_log(LOG_DEBUG, "broker: reply lost: %s", cg_strerror(errno));
}

static void send_error(int fd, const struct cg_err *err)
{
	char line[sizeof(err->msg) + 32];
	cg_fmt(line, sizeof(line), "error %d %s\n", err->errnum ? err->errnum : EPROTO, err->msg);
	send_line(fd, line, -1);
}

/* ---- clients -------------------------------------------------------------- */

static void end_job(struct broker *b, struct client *c)
{
	if (c->state != CLIENT_HOLDING || c->job.fd < 0)
		return;
	struct cg_err err = {0};
	/* A failed rmdir leaves an empty or dying cgroup of root's: the
	 * final sweep of sandbox/ still covers it. */
	if (cg_job_end(&b->sys, b->cfg->jobs_fd, &c->job, BROKER_KILL_MS, &err) < 0)
		cg_err_print(&err, LOG_WARN);
}

static void drop_client(struct broker *b, struct client *c)
{
	end_job(b, c);
	close(c->fd);
	memset(c, 0, sizeof(*c));
	c->state = CLIENT_FREE;
	c->fd = -1;
	cg_job_init(&c->job);
}

static bool may_ask(const struct broker *b, const struct ucred *cred)
{
	return cred->uid == 0 || cred->uid == b->cfg->allowed_uid;
}

static void refuse(int fd, int errnum, const char *why)
{
	struct cg_err err = {0};
	cg_error(&err, errnum, "%s", why);
	send_error(fd, &err);
	close(fd);
}

static void serve_client(struct broker *b, struct client *c);

/* Whether pid sits in a job cgroup this broker handed out: such a
 * caller is a job, and a job asking for jobs could hold every slot.
 * /proc/PID/cgroup ends in ".../<jobs>/<name>"; the names are the
 * broker's own, unique for its life. A pid gone or unreadable is let
 * through: the kernel's rules still bind whatever it gets. */
static bool peer_is_a_job(const struct broker *b, pid_t pid)
{
	/* No job held, no job to be in: most connections, one read fewer. */
	bool holding = false;
	for (size_t i = 0; i < BROKER_CLIENTS && !holding; i++)
		holding = b->clients[i].state == CLIENT_HOLDING;
	if (!holding)
		return false;
	char path[64];
	cg_fmt(path, sizeof(path), "%s/%d/cgroup", b->sys.proc, (int)pid);
	char text[4096];
	if (b->sys.read_small(b->sys.ctx, AT_FDCWD, path, text, sizeof(text)) < 0)
		return false;
	const char *jobs = strrchr(b->cfg->jobs_path, '/');
	jobs = jobs ? jobs + 1 : b->cfg->jobs_path;
	/* The cgroup v2 line, "0::/path": the last one where v1 hierarchies
	 * are mounted too, as named ones on a hybrid host. */
	char *line = strncmp(text, "0::", 3) == 0 ? text : strstr(text, "\n0::");
	if (!line)
		return false;
	line += line == text ? 3 : 4;
	char *nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	char *last = strrchr(line, '/');
	bool in_job = false;
	if (last && last > line) {
		*last = '\0';
		const char *parent = strrchr(line, '/');
		parent = parent ? parent + 1 : line;
		for (size_t i = 0; i < BROKER_CLIENTS && !in_job; i++)
			in_job = b->clients[i].state == CLIENT_HOLDING &&
				 strcmp(b->clients[i].job.name, last + 1) == 0 &&
				 strcmp(parent, jobs) == 0;
	}
	return in_job;
}

static void accept_client(struct broker *b)
{
	int fd = accept4(b->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			cg_error(NULL, errno, "broker: accept");
		return;
	}
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		refuse(fd, errno, "SO_PEERCRED");
		return;
	}
	if (!may_ask(b, &cred)) {
		refuse(fd, EPERM, "only root and the worker's uid may ask for a job cgroup");
		return;
	}
	if (peer_is_a_job(b, cred.pid)) {
		refuse(fd, EPERM, "a job of the broker may not ask for more jobs");
		return;
	}
	for (size_t i = 0; i < BROKER_CLIENTS; i++) {
		struct client *c = &b->clients[i];
		if (c->state != CLIENT_FREE)
			continue;
		c->state = CLIENT_ASKING;
		c->fd = fd;
		c->cred = cred;
		c->deadline_ms = b->sys.now_ms(b->sys.ctx) + BROKER_REQUEST_MS;
		/* A runner sends its request right after connect: it is
		 * often here already, and one poll round fewer is one
		 * context switch fewer per job. */
		serve_client(b, c);
		return;
	}
	refuse(fd, EAGAIN, "the broker holds as many jobs as it takes; retry later");
}

static void grant_job(struct broker *b, struct client *c, char *msg, size_t len)
{
	struct cg_err err = {0};
	struct job_request req;
	struct cg_job_owner owner = {c->cred.uid, c->cred.gid};
	if (jobproto_parse_request(msg, len, &req, &err) < 0 ||
	    cg_job_create(&b->sys, b->cfg->jobs_fd, b->cfg->jobs_path, BROKER_NAME_PREFIX,
			  &b->seq, &req.lim, &owner, &c->job, &err) < 0) {
		send_error(c->fd, &err);
		drop_client(b, c);
		return;
	}
	c->state = CLIENT_HOLDING;
	/* The runner keeps the wall clock, but a job with its uid can stop
	 * it (SIGSTOP): the broker, root, keeps it too, a grace later. */
	uint64_t now = b->sys.now_ms(b->sys.ctx);
	c->deadline_ms = req.wall_limit_ms
		? now + (uint64_t)req.wall_limit_ms + BROKER_WALL_GRACE_MS
		: 0;
	/* The CPU time limit too; the job cannot reach it sooner than on all
	 * the CPUs at once. */
	if (req.time_limit_ms) {
		c->cpu_limit_usec = ((uint64_t)req.time_limit_ms + BROKER_CPU_GRACE_MS) * 1000;
		c->cpu_check_ms = now + c->cpu_limit_usec / 1000 / b->ncpus;
	}
	char line[CG_JOB_NAME_MAX + 8];
	cg_fmt(line, sizeof(line), "ok %s\n", c->job.name);
	send_line(c->fd, line, c->job.fd);
	cg_log(LOG_DEBUG, "broker: %s for uid %d (pid %d)", c->job.path, (int)c->cred.uid,
	       (int)c->cred.pid);
}

static void release_job(struct broker *b, struct client *c, const char *msg, size_t len)
{
	if (len != 8 || memcmp(msg, "release\n", 8) != 0) {
		struct cg_err err = {0};
		cg_error(&err, EPROTO, "expected release");
		send_error(c->fd, &err);
		drop_client(b, c);
		return;
	}
	struct cg_err err = {0};
	if (cg_job_end(&b->sys, b->cfg->jobs_fd, &c->job, BROKER_KILL_MS, &err) < 0)
		send_error(c->fd, &err);
	else
		send_line(c->fd, "released\n", -1);
	drop_client(b, c);
}

static void serve_client(struct broker *b, struct client *c)
{
	char msg[JOB_MSG_MAX + 1];
	/* MSG_TRUNC: the real length, so that an oversized message is
	 * refused rather than read in part. */
	ssize_t n = recv(c->fd, msg, sizeof(msg) - 1, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop_client(b, c); /* gone: its job goes with it */
		return;
	}
	if ((size_t)n > JOB_MSG_MAX) {
		struct cg_err err = {0};
		cg_error(&err, EMSGSIZE, "a message is at most %d bytes", JOB_MSG_MAX);
		send_error(c->fd, &err);
		drop_client(b, c);
		return;
	}
	if (c->state == CLIENT_ASKING)
		grant_job(b, c, msg, (size_t)n);
	else
		release_job(b, c, msg, (size_t)n);
}

/* ---- the loop ------------------------------------------------------------- */

/* A job past its wall-limit-ms or time-limit-ms and the grace: killed,
 * once, and the client kept, so that its runner still reads a verdict and
 * releases the cgroup. Its cgroup.procs goes back to root first: a job
 * that stopped its runner before the runner's clone3 would otherwise have
 * the runner start it later, in a cgroup whose limits nobody keeps any
 * more. */
static void kill_overdue(struct broker *b, struct client *c, const char *which)
{
	struct cg_err err = {0};
	c->deadline_ms = c->cpu_limit_usec = 0;
	cg_log(LOG_WARN, "broker: %s outlived its %s limit: killing it", c->job.path, which);
	if (b->sys.chown_at(b->sys.ctx, c->job.fd, "cgroup.procs", 0, 0) < 0)
		cg_error(NULL, errno, "broker: chown 0:0 %s/cgroup.procs", c->job.path);
	if (cg_job_kill(&b->sys, &c->job, BROKER_KILL_MS, &err) < 0)
		cg_err_print(&err, LOG_WARN);
}

static void check_job_cpu(struct broker *b, struct client *c, uint64_t now)
{
	if (cg_job_check_cpu(&b->sys, &c->job, c->cpu_limit_usec, b->ncpus, BROKER_CPU_CHECK_MS,
			     now, &c->cpu_check_ms))
		kill_overdue(b, c, "CPU time");
	else if (!c->cpu_check_ms)
		c->cpu_limit_usec = 0; /* its cgroup is gone */
}

/* Drops the clients that did not ask in time and kills the jobs past
 * their limits; the poll timeout until the next such deadline, -1 (none)
 * when there is none: no wake-up while idle. */
static int expire_and_next_timeout(struct broker *b)
{
	uint64_t now = b->sys.now_ms(b->sys.ctx), next = 0;
	for (size_t i = 0; i < BROKER_CLIENTS; i++) {
		struct client *c = &b->clients[i];
		if (c->state == CLIENT_FREE)
			continue;
		if (c->deadline_ms && c->deadline_ms <= now) {
			if (c->state == CLIENT_ASKING) {
				drop_client(b, c);
				continue;
			}
			kill_overdue(b, c, "wall");
		}
		if (c->cpu_limit_usec && c->cpu_check_ms <= now)
			check_job_cpu(b, c, now);
		next = cg_sooner(next, cg_sooner(c->deadline_ms,
						 c->cpu_limit_usec ? c->cpu_check_ms : 0));
	}
	return next ? (int)(next - now) : -1;
}

int broker_step(struct broker *b, int timeout_cap_ms)
{
	struct pollfd pfd[BROKER_CLIENTS + 1];
	struct client *who[BROKER_CLIENTS + 1];
	int timeout = expire_and_next_timeout(b);
	if (timeout_cap_ms >= 0 && (timeout < 0 || timeout > timeout_cap_ms))
		timeout = timeout_cap_ms;
	nfds_t n = 0;
	pfd[n].fd = b->listen_fd;
	pfd[n].events = POLLIN;
	who[n++] = NULL;
	for (size_t i = 0; i < BROKER_CLIENTS; i++) {
		if (b->clients[i].state == CLIENT_FREE)
			continue;
		pfd[n].fd = b->clients[i].fd;
		pfd[n].events = POLLIN;
		who[n++] = &b->clients[i];
	}
	int ready = poll(pfd, n, timeout);
	if (ready < 0)
		return errno == EINTR ? 0 : cg_error(NULL, errno, "broker: poll");
	/* The clients first: a new one cannot take the slot of one that
	 * leaves in this same round before its leaving is seen. */
	for (nfds_t i = 1; ready > 0 && i < n; i++)
		if (pfd[i].revents && who[i]->state != CLIENT_FREE)
			serve_client(b, who[i]);
	if (ready > 0 && (pfd[0].revents & POLLIN))
		accept_client(b);
	return 0;
}

void broker_init(struct broker *b, const struct broker_config *cfg, const struct cg_sys *sys,
		 int listen_fd)
{
	memset(b, 0, sizeof(*b));
	b->cfg = cfg;
	b->sys = *sys;
	b->listen_fd = listen_fd;
	b->seq = 1;
	b->ncpus = 1;
	for (size_t i = 0; i < BROKER_CLIENTS; i++) {
		b->clients[i].fd = -1;
		cg_job_init(&b->clients[i].job);
	}
}

/* SCHED_BATCH, whose wake-ups do not preempt the running task (the fair
 * class's wake-up preemption skips batch tasks; sched(7): "mildly
 * disfavored" on wake-up).
 * A runner's connect wakes the broker before the request is sent, and its
 * hang-up wakes it again while the runner still has its verdict to write:
 * as a normal task, the broker would take the CPU at each, for nothing
 * but an EAGAIN the first time. As a batch task it runs once the runner
 * blocks on the reply, with the request there, for the same share of CPU
 * time. Failing that, it is only slower. */
static void prefer_the_caller(void)
{
	struct sched_param param = {.sched_priority = 0};
	/* The raw call: musl's sched_setscheduler() is ENOSYS on purpose, as
	 * the syscall sets one thread's policy, not a process's. The broker
	 * has one thread. */
	if (syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &param) < 0)
		cg_log(LOG_DEBUG, "broker: sched_setscheduler SCHED_BATCH: %s",
		       cg_strerror(errno));
}

static __attribute__((noreturn)) void broker_child(const struct broker_config *cfg,
						   int listen_fd)
{
	static struct broker b;
	struct cg_sys sys;
	cg_sys_default(&sys);
	broker_init(&b, cfg, &sys, listen_fd);
	b.ncpus = cg_count_cpus(CG_CPUS_ONLINE);
	/* Not a second init: it ends with PID 1 in any case. Every signal
	 * stays blocked, as PID 1 left them, so none from the worker's uid
	 * (which cannot signal root anyway) is ever acted on. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		cg_error(NULL, errno, "broker: PR_SET_PDEATHSIG");
	if (chdir("/") < 0)
		cg_error(NULL, errno, "broker: chdir /");
	const int keep[] = {listen_fd, cfg->jobs_fd};
	cg_close_fds_except("/proc", keep, 2);
	/* Out of the OOM killer's choice, as PID 1 is: the broker is a few
	 * pages, which in a container whose memory is held by no process
	 * (a full tmpfs) would make it the likeliest victim; and runners
	 * then fail. Needs CAP_SYS_RESOURCE, so before the drop. */
	priv_protect_self_from_oom("/proc");
	prefer_the_caller();
	struct cg_err err = {0};
	if (priv_limit_broker(&err) < 0)
		cg_log(LOG_WARN, "broker: going on with more capabilities than it needs: %s",
		       err.msg);
	for (;;) {
		if (broker_step(&b, -1) < 0) {
			/* poll itself failing is not something to spin on. */
			_exit(EXIT_CGINIT_FAILURE);
		}
	}
}

int broker_start(const struct broker_config *cfg, int listen_fd, pid_t *pid)
{
	pid_t child = fork();
	if (child < 0) {
		cg_error(NULL, errno, "fork the broker");
		close(listen_fd);
		return -1;
	}
	if (child == 0)
		broker_child(cfg, listen_fd);
	/* Only the broker holds the socket: if it dies, a client's connect
	 * fails at once instead of waiting on a listener nobody serves. */
	close(listen_fd);
	*pid = child;
	return 0;
}
