// SPDX-License-Identifier: MIT
/*
 * The job runner: `cginit --job [options] -- command [args...]`, or the
 * same through a link named cginit-job. `cginit CMD` still runs CMD, as
 * tini does: "--job" is an option cginit never took before, so no command
 * line that worked changes meaning.
 *
 * Its life: a cgroup of the job's own (from the broker, else made here),
 * the command started inside it, signals forwarded, the CPU and wall
 * limits watched, everything in the cgroup killed when the command exits
 * or a limit is hit, the cgroup read and removed, and a verdict.
 */
#include "job.h"

#include "cgjob.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_TIMED_OUT 124        /* timeout(1)'s */
#define JOB_KILL_MS 2000          /* the job's cgroup empty after the kill */
#define BROKER_REPLY_SECONDS 5
#define CPU_CHECK_MIN_MS 10       /* between two looks at cpu.stat */

struct job_options {
	struct cg_limits lim;
	int time_limit_ms; /* CPU time; 0: none */
	int wall_limit_ms; /* 0: none */
	const char *json_path;
	int json_fd;       /* -1: none */
	const char *parent; /* where to make the cgroup without a broker */
	bool no_broker, require_broker, quiet;
	char **argv;
};

struct job_run {
	struct job_options opt;
	struct cg_sys sys;
	struct cg_job job;
	int parent_fd;     /* without a broker: where job was made */
	int broker_fd;     /* with one: the connection that holds the job */
	bool via_broker;   /* the broker was asked, whether or not it answered */
	pid_t main;
	uint64_t start_ms, end_ms, wall_deadline, cpu_check_at;
	unsigned ncpus;
	const char *limit_hit; /* "cpu" or "wall" */
	struct cg_err err;
};

/* ---- options ----------------------------------------------------------- */

static const char job_usage[] =
	"Usage: cginit --job [options] [--] command [args...]\n"
	"       cginit-job [options] [--] command [args...]\n"
	"Runs command in a cgroup of its own under $CGINIT_SANDBOX, with limits,\n"
	"kills all it leaves when it exits, and prints a verdict.\n"
	"  --memory-max V     memory.max (bytes, K/M/G/T, or max); no swap\n"
	"  --pids-max N       pids.max\n"
	"  --cpu-max \"Q P\"    cpu.max: quota and period in microseconds\n"
	"  --time-limit T     CPU time, from cpu.stat (2, 1.5, 1.5s, 500ms)\n"
	"  --wall-limit T     wall-clock time\n"
	"  --json PATH        append the verdict as one JSON line to PATH\n"
	"  --json-fd N        write it to fd N instead\n"
	"  --parent DIR       cgroup to make the job in without a broker\n"
	"                     (default: $CGINIT_SANDBOX)\n"
	"  --no-broker        make the cgroup here even when $CGINIT_BROKER is set\n"
	"  --require-broker   refuse to run without the broker's root-owned limits\n"
	"  -q, --quiet        no summary line on stderr\n"
	"  -v                 more messages\n"
	"Exit: the command's code or 128+signal; 124 on a time limit; 125 when\n"
	"the runner itself fails. See cginit(1), JOBS.\n";

/* "2", "1.5", "1.5s" or "500ms", as milliseconds; -1 when invalid. */
static int parse_time(const char *text)
{
	char buf[32];
	size_t n = strlen(text);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, text, n + 1);
	if (n > 2 && strcmp(buf + n - 2, "ms") == 0) {
		buf[n - 2] = '\0';
		long v;
		const char *end;
		if (cg_parse_long(buf, &end, &v) < 0 || *end || v < 1 || v > 86400000L)
			return -1;
		return (int)v;
	}
	if (buf[n - 1] == 's')
		buf[n - 1] = '\0';
	int ms = parse_duration_ms(buf);
	return ms > 0 ? ms : -1;
}

static int bad(struct cg_err *err, const char *option, const char *value, const char *expected)
{
	return cg_error(err, 0, "invalid %s '%s': %s", option, value, expected);
}

/* One option and its value; -1 with *err. */
static int apply_option(struct job_options *o, const char *name, const char *v,
			struct cg_err *err)
{
	if (strcmp(name, "--memory-max") == 0) {
		o->lim.memory_max = v;
		return cg_valid_limit(v, true) ? 0 : bad(err, name, v, "expected bytes, K/M/G/T or max");
	}
	if (strcmp(name, "--pids-max") == 0) {
		o->lim.pids_max = v;
		return cg_valid_limit(v, false) ? 0 : bad(err, name, v, "expected a number or max");
	}
	if (strcmp(name, "--cpu-max") == 0) {
		o->lim.cpu_max = v;
		return cg_valid_cpu_max(v) ? 0 : bad(err, name, v, "expected \"QUOTA PERIOD\"");
	}
	if (strcmp(name, "--time-limit") == 0 || strcmp(name, "--wall-limit") == 0) {
		int ms = parse_time(v);
		if (ms < 0)
			return bad(err, name, v, "expected seconds (1.5, 2s) or 500ms, at most a day");
		*(name[2] == 't' ? &o->time_limit_ms : &o->wall_limit_ms) = ms;
		return 0;
	}
	if (strcmp(name, "--json") == 0) {
		o->json_path = v;
		return 0;
	}
	if (strcmp(name, "--json-fd") == 0) {
		long fd;
		const char *end;
		if (cg_parse_long(v, &end, &fd) < 0 || *end || fd < 0 || fd > 65535)
			return bad(err, name, v, "expected an open fd");
		o->json_fd = (int)fd;
		return 0;
	}
	if (strcmp(name, "--parent") == 0) {
		o->parent = v;
		return 0;
	}
	return cg_error(err, 0, "unknown option %s", name);
}

static bool takes_value(const char *name)
{
	static const char *const with_value[] = {
		"--memory-max", "--pids-max", "--cpu-max", "--time-limit", "--wall-limit",
		"--json", "--json-fd", "--parent",
	};
	for (size_t i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (strcmp(name, with_value[i]) == 0)
			return true;
	return false;
}

static bool apply_flag(struct job_options *o, const char *arg)
{
	if (strcmp(arg, "--no-broker") == 0)
		o->no_broker = true;
	else if (strcmp(arg, "--require-broker") == 0)
		o->require_broker = true;
	else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0)
		o->quiet = true;
	else if (strcmp(arg, "-v") == 0)
		cg_verbosity++;
	else
		return false;
	return true;
}

/* PARSE_OK, PARSE_EXIT_OK (--help), or PARSE_ERROR with *err. */
static enum parse_result parse_job_options(struct job_options *o, int argc, char **argv,
					   struct cg_err *err)
{
	memset(o, 0, sizeof(*o));
	o->json_fd = -1;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			cg_write_all(STDOUT_FILENO, job_usage);
			return PARSE_EXIT_OK;
		}
		if (apply_flag(o, arg))
			continue;
		/* --name=value, or --name value */
		char name[32];
		const char *eq = strchr(arg, '=');
		size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
		if (n < sizeof(name))
			cg_fmt(name, sizeof(name), "%.*s", (int)n, arg);
		if (n >= sizeof(name) || !takes_value(name)) {
			cg_error(err, 0, "unknown option %s", arg);
			return PARSE_ERROR;
		}
		const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!v) {
			cg_error(err, 0, "option %s needs a value", name);
			return PARSE_ERROR;
		}
		if (apply_option(o, name, v, err) < 0)
			return PARSE_ERROR;
	}
	if (i >= argc) {
		cg_error(err, 0, "no command given");
		return PARSE_ERROR;
	}
	if (o->no_broker && o->require_broker) {
		cg_error(err, 0, "--no-broker and --require-broker exclude each other");
		return PARSE_ERROR;
	}
	o->argv = argv + i;
	return PARSE_OK;
}

/* ---- the job's cgroup ----------------------------------------------------- */

/* The reply: one line, and the job cgroup's fd in SCM_RIGHTS. */
static int receive_grant(struct job_run *r, const char *sandbox)
{
	char msg[JOB_MSG_MAX + 1];
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {.iov_base = msg, .iov_len = sizeof(msg) - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	ssize_t n = recvmsg(r->broker_fd, &mh, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return cg_error(&r->err, n < 0 ? errno : ECONNRESET, "no answer from the broker");
	int fd = -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (jobproto_parse_reply(msg, (size_t)n, r->job.name, sizeof(r->job.name), &r->err) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd < 0)
		return cg_error(&r->err, EPROTO, "the broker sent no cgroup fd");
	r->job.fd = fd;
	cg_fmt(r->job.path, sizeof(r->job.path), "%s/%s", sandbox ? sandbox : "jobs", r->job.name);
	return 0;
}

/* The broker must be root: anyone can bind an abstract name that a dead
 * broker left free. */
static int check_broker_is_root(int fd, struct cg_err *err)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return cg_error(err, errno, "SO_PEERCRED of the broker");
	if (cred.uid != 0)
		return cg_error(err, EPERM, "the broker runs as uid %d, not root: refusing it",
				(int)cred.uid);
	return 0;
}

static int job_from_broker(struct job_run *r, const char *address)
{
	char req[JOB_MSG_MAX];
	r->broker_fd = broker_socket_connect(address, &r->err);
	if (r->broker_fd < 0 || check_broker_is_root(r->broker_fd, &r->err) < 0)
		return -1;
	struct timeval tv = {.tv_sec = BROKER_REPLY_SECONDS};
	struct job_request ask = {.lim = r->opt.lim,
				  .wall_limit_ms = r->opt.wall_limit_ms,
				  .time_limit_ms = r->opt.time_limit_ms};
	int len = jobproto_format_request(&ask, req, sizeof(req));
	if (setsockopt(r->broker_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 || len < 0 ||
	    send(r->broker_fd, req, (size_t)len, MSG_NOSIGNAL) != len)
		return cg_error(&r->err, errno, "send the request to the broker %s", address);
	return receive_grant(r, getenv("CGINIT_SANDBOX"));
}

static int job_made_here(struct job_run *r)
{
	const char *parent = r->opt.parent ? r->opt.parent : getenv("CGINIT_SANDBOX");
	if (!parent || !*parent)
		return cg_error(&r->err, 0, "no cgroup to make the job in: run under cginit with a "
				"cgroup layout (it sets CGINIT_SANDBOX), or give --parent DIR");
	r->parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->parent_fd < 0)
		return cg_error(&r->err, errno, "open %s", parent);
	unsigned long seq = (unsigned long)getpid();
	return cg_job_create(&r->sys, r->parent_fd, parent, "runner", &seq, &r->opt.lim, NULL,
			     &r->job, &r->err);
}

static int acquire_cgroup(struct job_run *r)
{
	const char *address = getenv("CGINIT_BROKER");
	bool use_broker = address && *address && !r->opt.no_broker;
	r->via_broker = use_broker;
	if (use_broker)
		return job_from_broker(r, address) < 0
			       ? cg_err_wrap(&r->err, "cannot get a job cgroup from the broker")
			       : 0;
	if (r->opt.require_broker)
		return cg_error(&r->err, 0, "--require-broker: CGINIT_BROKER is not set, so no "
				"broker offers root-owned limits (cginit offers one as PID 1 with a "
				"cgroup layout)");
	return job_made_here(r);
}

/* Kills what is left and waits until the cgroup is empty: the
 * reaper's kill_sandbox hook, at the end of the job and after a limit. */
static int kill_job(void *ctx)
{
	struct job_run *r = ctx;
	struct cg_err err = {0};
	if (cg_job_kill(&r->sys, &r->job, JOB_KILL_MS, &err) < 0) {
		if (!r->err.set)
			r->err = err;
		return -1;
	}
	return 0;
}

/* The broker's job, empty now: the runner may rmdir it itself where jobs/
 * is its uid's (the delegation gives it that directory), and then only
 * hangs up, which saves a round trip on every job; the broker's rmdir
 * then finds it gone. Else it asks the broker and waits until the cgroup
 * is gone, so that nothing outlives the runner. */
static void release_from_broker(struct job_run *r, struct cg_err *err)
{
	if (r->sys.remove_dir(r->sys.ctx, AT_FDCWD, r->job.path) < 0) {
		char reply[64] = "";
		ssize_t n = -1;
		if (send(r->broker_fd, "release\n", 8, MSG_NOSIGNAL) == 8)
			n = recv(r->broker_fd, reply, sizeof(reply) - 1, 0);
		if (n != 9 || memcmp(reply, "released\n", 9) != 0)
			cg_error(err, n < 0 ? errno : EPROTO, "the broker did not release %s",
				 r->job.path);
	}
	close(r->job.fd);
	cg_job_init(&r->job);
}

static void release_cgroup(struct job_run *r)
{
	struct cg_err err = {0};
	if (r->broker_fd >= 0 && r->job.fd >= 0) {
		release_from_broker(r, &err);
	} else if (r->job.fd >= 0) {
		cg_job_remove(&r->sys, r->parent_fd, &r->job, &err);
	}
	if (r->broker_fd >= 0)
		close(r->broker_fd);
	if (r->parent_fd >= 0)
		close(r->parent_fd);
	r->broker_fd = r->parent_fd = -1;
	if (err.set && !r->err.set)
		r->err = err;
}

/* ---- the limits ------------------------------------------------------------ */

static void limit_hit(struct job_run *r, const char *which)
{
	if (r->limit_hit)
		return;
	r->limit_hit = which;
	r->wall_deadline = r->cpu_check_at = 0;
	kill_job(r);
}

static void check_cpu(struct job_run *r, uint64_t now)
{
	uint64_t limit = (uint64_t)r->opt.time_limit_ms * 1000;
	if (cg_job_check_cpu(&r->sys, &r->job, limit, r->ncpus, CPU_CHECK_MIN_MS, now,
			     &r->cpu_check_at))
		limit_hit(r, "cpu");
}

static uint64_t next_deadline(void *ctx)
{
	struct job_run *r = ctx;
	return cg_sooner(r->wall_deadline, r->cpu_check_at);
}

static void on_deadline(void *ctx)
{
	struct job_run *r = ctx;
	uint64_t now = monotonic_ms();
	if (r->wall_deadline && now >= r->wall_deadline)
		limit_hit(r, "wall");
	else if (r->cpu_check_at && now >= r->cpu_check_at)
		check_cpu(r, now);
}

/* ---- running it ------------------------------------------------------------ */

static int enter_job_cgroup(void *ctx, bool in_cgroup)
{
	struct job_run *r = ctx;
	return in_cgroup ? 0 : cg_enter(&r->sys, r->job.fd, r->job.path);
}

static int run_job(struct job_run *r, const sigset_t *inherited, int *status)
{
	struct spawn_hooks hooks = {
		.cgroup_fd = r->job.fd,
		.before_exec = enter_job_cgroup,
		.ctx = r,
		.no_terminal = true,
	};
	r->start_ms = monotonic_ms();
	r->main = reaper_spawn(r->opt.argv, inherited, &hooks);
	if (r->main < 0)
		return cg_error(&r->err, 0, "cannot start %s", r->opt.argv[0]);
	if (r->opt.wall_limit_ms)
		r->wall_deadline = r->start_ms + (uint64_t)r->opt.wall_limit_ms;
	if (r->opt.time_limit_ms)
		check_cpu(r, r->start_ms);
	struct reaper_config rc = {
		.kill_process_group = true,
		.subreaper_mode = true,
		.grace_ms = -1,
		.kill_sandbox = kill_job,
		.kill_ctx = r,
		.proc_root = "/proc",
		.next_deadline = next_deadline,
		.on_deadline = on_deadline,
		.timer_ctx = r,
		.quiet_exit = true,
	};
	*status = reaper_loop(r->main, &rc);
	r->end_ms = monotonic_ms();
	/* What the command left behind: killed through the cgroup, reaped
	 * here (we are their subreaper). */
	reaper_finish(r->main, &rc);
	return 0;
}

/* ---- the verdict ------------------------------------------------------------ */

static void judge(const struct job_run *r, bool started, int status, struct job_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->exit_code = -1;
	v->lim = &r->opt.lim;
	v->time_limit_ms = r->opt.time_limit_ms;
	v->wall_limit_ms = r->opt.wall_limit_ms;
	v->limits_set_by = r->via_broker ? "broker" : "worker";
	v->cgroup = r->job.path[0] ? r->job.path : NULL;
	v->limit_hit = r->limit_hit;
	if (started) {
		cg_job_read_stats(&r->sys, &r->job, &v->st);
		v->wall_ms = r->end_ms - r->start_ms;
		if (WIFEXITED(status))
			v->exit_code = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			v->signal = WTERMSIG(status);
	}
	/* memory.peak since 5.19; before, the largest RSS of any one process,
	 * which the runner, as their reaper, has for all of them. */
	v->memory_peak_source = "memory.peak";
	v->memory_peak = v->st.memory_peak;
	struct rusage ru;
	if (!v->st.has_peak) {
		v->memory_peak_source = "maxrss";
		v->memory_peak = getrusage(RUSAGE_CHILDREN, &ru) == 0
					 ? (uint64_t)ru.ru_maxrss * 1024 : 0;
	}
	/* Killed past a limit by someone else than us: the broker, when a
	 * job stopped the runner (SIGSTOP) to outlive its limits. It kills a
	 * grace past them, and never for memory: an OOM kill stays one. */
	bool by_broker = r->via_broker && v->signal == SIGKILL && v->st.oom_kill == 0;
	if (!v->limit_hit && by_broker && r->opt.time_limit_ms &&
	    v->st.usage_usec >= ((uint64_t)r->opt.time_limit_ms + BROKER_CPU_GRACE_MS) * 1000)
		v->limit_hit = "cpu";
	if (!v->limit_hit && by_broker && r->opt.wall_limit_ms &&
	    v->wall_ms >= (uint64_t)r->opt.wall_limit_ms)
		v->limit_hit = "wall";
	if (!started)
		v->status = JOB_INTERNAL_ERROR;
	else if (v->limit_hit)
		v->status = JOB_TIME_LIMIT;
	else if (v->st.oom_kill > 0)
		v->status = JOB_MEMORY_LIMIT;
	else if (v->signal)
		v->status = JOB_SIGNALLED;
	else if (v->exit_code != 0)
		v->status = JOB_NONZERO_EXIT;
	else
		v->status = JOB_ACCEPTED;
}

/* timeout(1)'s conventions: the command's code, 128+N for signal N, 124
 * for a limit hit, 125 for the runner's own failure. */
static int exit_code_of(const struct job_verdict *v)
{
	switch (v->status) {
	case JOB_INTERNAL_ERROR: return EXIT_CGINIT_FAILURE;
	case JOB_TIME_LIMIT: return EXIT_TIMED_OUT;
	default: return v->signal ? 128 + v->signal : v->exit_code;
	}
}

/* The verdict to --json or --json-fd, in one write: with O_APPEND,
 * runners that share a file never interleave their lines. */
static int write_json(const struct job_run *r, const struct job_verdict *v)
{
	static char text[4096];
	if (!r->opt.json_path && r->opt.json_fd < 0)
		return 0;
	int len = job_verdict_json(v, text, sizeof(text));
	int fd = r->opt.json_fd;
	if (r->opt.json_path)
		fd = open(r->opt.json_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return cg_error(NULL, errno, "open %s for the verdict", r->opt.json_path);
	int rc = 0;
	if (len < 0 || write(fd, text, (size_t)len) != len)
		rc = cg_error(NULL, len < 0 ? EOVERFLOW : errno, "write the verdict");
	if (r->opt.json_path)
		close(fd);
	return rc;
}

static void print_line(const struct job_run *r, const struct job_verdict *v)
{
	static char text[2048];
	if (r->opt.quiet && v->status != JOB_INTERNAL_ERROR)
		return;
	if (job_verdict_line(v, text, sizeof(text)) > 0)
		cg_write_all(STDERR_FILENO, text);
}

/* ---- main -------------------------------------------------------------------- */

int job_main(int argc, char **argv)
{
	static struct job_run r;
	memset(&r, 0, sizeof(r));
	r.parent_fd = r.broker_fd = -1;
	cg_sys_default(&r.sys);
	cg_job_init(&r.job);
	switch (parse_job_options(&r.opt, argc, argv, &r.err)) {
	case PARSE_OK: break;
	case PARSE_EXIT_OK: return 0;
	default:
		cg_err_print(&r.err, LOG_ERROR);
		cg_write_all(STDERR_FILENO, "See 'cginit --job --help'.\n");
		return EXIT_CGINIT_FAILURE;
	}
	/* Only the CPU time limit needs it: a read of sysfs fewer per job. */
	r.ncpus = r.opt.time_limit_ms ? cg_count_cpus(CG_CPUS_ONLINE) : 1;
	/* The job must not write the verdict for us. */
	if (r.opt.json_fd >= 0 && fcntl(r.opt.json_fd, F_SETFD, FD_CLOEXEC) < 0) {
		cg_error(NULL, errno, "--json-fd %d", r.opt.json_fd);
		return EXIT_CGINIT_FAILURE;
	}
	/* Not dumpable: a job with our uid could otherwise reopen the
	 * --json-fd file or pipe through /proc/<runner>/fd/N and write a
	 * verdict of its own, take the broker connection with pidfd_getfd,
	 * or ptrace the runner (kernel.yama.ptrace_scope 0). The job's exec
	 * makes it dumpable again. */
	if (prctl(PR_SET_DUMPABLE, 0) < 0)
		cg_error(NULL, errno, "prctl PR_SET_DUMPABLE 0");
	sigset_t inherited;
	int status = 0;
	if (reaper_block_signals(&inherited) < 0 || reaper_become_subreaper() < 0)
		return EXIT_CGINIT_FAILURE;
	bool started = acquire_cgroup(&r) == 0 && run_job(&r, &inherited, &status) == 0;
	struct job_verdict v;
	judge(&r, started, status, &v);
	static char cgroup[CG_PATH_MAX];
	if (v.cgroup) {
		cg_fmt(cgroup, sizeof(cgroup), "%s", v.cgroup);
		v.cgroup = cgroup;
	}
	/* The stats are read; now the cgroup goes, and a cgroup that will
	 * not go is the runner's failure, whatever the job did. */
	release_cgroup(&r);
	if (r.err.set) {
		v.status = JOB_INTERNAL_ERROR;
		v.error = r.err.msg;
	}
	print_line(&r, &v);
	int code = exit_code_of(&v);
	if (write_json(&r, &v) < 0)
		code = EXIT_CGINIT_FAILURE;
	return code;
}
