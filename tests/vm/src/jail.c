/* jail: a small static stand-in for Google's nsjail, for the QEMU tests.
 * nsjail is not packaged in Debian and the guest has only busybox, runc and
 * the static helpers here, so the tests that run jobs as the README tells a
 * worker to (nsjail under $CGINIT_SANDBOX) use this. It does what nsjail 3.x
 * does with `--mode o --use_cgroupv2 --cgroupv2_mount DIR` (here: --cgroup-mount
 * DIR, and --pids-max, --mem-max, --cpu-max for its --cgroup_* limits):
 * 1. for each limit asked for, read DIR/cgroup.subtree_control and write
 *    "+CONTROLLER" there if it is not listed (fatal on failure); unlike
 *    nsjail's strstr, whole tokens are compared ("cpuset" is not "cpu");
 * 2. clone the job (CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS); it waits on a pipe;
 * 3. mkdir DIR/NSJAIL.<pid>, write pids.max, memory.max, cpu.max as asked,
 *    then the pid to its cgroup.procs;
 * 4. write setgroups ("deny" unless root), uid_map, gid_map (default: nobody
 *    inside is the caller outside);
 * 5. let the job go, wait for it, rmdir the cgroup.
 * With no limit, there is no cgroup (and no subtree_control is read).
 * The job makes / private, mounts a tmpfs on each --tmpfsmount and a fresh
 * /proc, takes the inside gid and uid and execs the command. Exit: the job's
 * code, 128+N if signal N killed it, 125 if jail failed before the job ran,
 * 127 if the command could not be executed. */
#define _GNU_SOURCE 1
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FAIL 125
#define MAXTMPFS 32

struct idmap { unsigned long in, out, count; };

static const char *cgmount;
static const char *limit[3]; /* values for pids.max, memory.max, cpu.max */
static const char *const ctrl[3] = {"pids", "memory", "cpu"};
static const char *const ctrlfile[3] = {"pids.max", "memory.max", "cpu.max"};
static const char *tmpfs[MAXTMPFS];
static int ntmpfs, noproc;
static volatile pid_t job;
static char pidstr[24]; /* the job's pid, as we see it */

static void usage(FILE *f)
{
	fprintf(f, "usage: jail [--cgroup-mount DIR] [--pids-max N] [--mem-max BYTES]"
		" [--cpu-max \"Q P\"] [--user IN[:OUT[:N]]] [--group IN[:OUT[:N]]]"
		" [--tmpfsmount PATH]... [--disable_proc] [--chroot /] -- CMD [ARGS...]\n");
}

static int perr(const char *op, const char *path)
{
	fprintf(stderr, "jail: %s %s: %s\n", op, path, strerror(errno));
	return -1;
}

/* the job's own messages: one write(2), no stdio after the clone */
static void child_fail(const char *op, const char *path, int code)
{
	const char *part[] = {"jail: ", op, " ", path, ": ", strerror(errno), "\n"};
	char buf[512];
	size_t n = 0;
	for (size_t i = 0; i < sizeof part / sizeof *part; i++)
		for (const char *p = part[i]; *p && n < sizeof buf; p++)
			buf[n++] = *p;
	if (write(STDERR_FILENO, buf, n) < 0) { /* nowhere left to report to */ }
	_exit(code);
}

static int pathf(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);
	if (n >= 0 && (size_t)n < size)
		return 0;
	errno = ENAMETOOLONG;
	return perr("path", dir);
}

/* O_WRONLY only: cgroupfs files cannot be created. 1: absent and missing_ok */
static int write_file(const char *path, const char *s, int missing_ok)
{
	size_t len = strlen(s);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return missing_ok && errno == ENOENT ? 1 : perr("open", path);
	ssize_t n = write(fd, s, len);
	if (n < 0 || (size_t)n != len) {
		if (n >= 0)
			errno = EIO;
		perr("write", path);
		close(fd);
		return -1;
	}
	return close(fd) != 0 ? perr("close", path) : 0;
}

static int has_token(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (p[n] == '\0' || isspace((unsigned char)p[n])))
			return 1;
	return 0;
}

static int enable_controllers(void)
{
	char path[PATH_MAX], have[4096], op[16];
	if (pathf(path, sizeof path, cgmount, "cgroup.subtree_control"))
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return perr("open", path);
	ssize_t n = read(fd, have, sizeof have - 1);
	if (n < 0) {
		perr("read", path);
		close(fd);
		return -1;
	}
	have[n] = '\0';
	if (close(fd) != 0)
		return perr("close", path);
	for (int i = 0; i < 3; i++) {
		if (!limit[i] || has_token(have, ctrl[i]))
			continue;
		snprintf(op, sizeof op, "+%s", ctrl[i]);
		if (write_file(path, op, 0))
			return -1;
		fprintf(stderr, "jail: wrote %s to %s\n", op, path);
	}
	return 0;
}

/* cg is filled in as soon as the cgroup exists, so that it can be removed */
static int make_cgroup(char *cg, size_t size)
{
	char path[PATH_MAX], name[32];
	snprintf(name, sizeof name, "NSJAIL.%s", pidstr);
	if (pathf(path, sizeof path, cgmount, name))
		return -1;
	if (mkdir(path, 0700) != 0)
		return perr("mkdir", path);
	snprintf(cg, size, "%s", path);
	for (int i = 0; i < 3; i++)
		if (limit[i] && (pathf(path, sizeof path, cg, ctrlfile[i]) ||
				 write_file(path, limit[i], 0)))
			return -1;
	if (pathf(path, sizeof path, cg, "cgroup.procs"))
		return -1;
	return write_file(path, pidstr, 0);
}

static void remove_cgroup(const char *cg)
{
	struct timespec pause = {0, 50 * 1000 * 1000};
	for (int i = 0; rmdir(cg) != 0; i++) {
		if (errno != EBUSY || i == 20) { /* a leftover is not fatal */
			perr("rmdir", cg);
			return;
		}
		if (nanosleep(&pause, NULL) != 0 && errno != EINTR) {
			perr("nanosleep", cg);
			return;
		}
	}
}

static int write_maps(int root, const struct idmap *u, const struct idmap *g)
{
	char path[64], line[80];
	snprintf(path, sizeof path, "/proc/%s/setgroups", pidstr);
	if (!root && write_file(path, "deny", 1) < 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%s/uid_map", pidstr);
	snprintf(line, sizeof line, "%lu %lu %lu\n", u->in, u->out, u->count);
	if (write_file(path, line, 0))
		return -1;
	snprintf(path, sizeof path, "/proc/%s/gid_map", pidstr);
	snprintf(line, sizeof line, "%lu %lu %lu\n", g->in, g->out, g->count);
	return write_file(path, line, 0);
}

/* kill and reap the job that never started, remove its cgroup, exit 125 */
static void abort_job(pid_t pid, const char *cg)
{
	if (kill(pid, SIGKILL) != 0 && errno != ESRCH)
		perr("kill", pidstr);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (cg[0])
		remove_cgroup(cg);
	exit(FAIL);
}

/* the job is its pid namespace's init: from here only SIGKILL reaches it */
static void on_signal(int sig)
{
	(void)sig;
	if (job > 0)
		kill(job, SIGKILL);
}

static int parse_id(const char **s, unsigned long *v)
{
	char *end;
	if (!isdigit((unsigned char)**s))
		return -1;
	errno = 0;
	*v = strtoul(*s, &end, 10);
	*s = end;
	return errno || *v > UINT32_MAX - 1 ? -1 : 0;
}

/* INSIDE[:OUTSIDE[:COUNT]] */
static int parse_map(const char *s, struct idmap *m, unsigned long out)
{
	const char *arg = s;
	m->out = out;
	m->count = 1;
	if (parse_id(&s, &m->in) ||
	    (*s == ':' && (++s, parse_id(&s, &m->out))) ||
	    (*s == ':' && (++s, parse_id(&s, &m->count))) || *s != '\0' ||
	    m->count == 0 || m->count > UINT32_MAX - m->in ||
	    m->count > UINT32_MAX - m->out) {
		fprintf(stderr, "jail: bad id mapping %s: want INSIDE[:OUTSIDE[:COUNT]]\n", arg);
		return -1;
	}
	return 0;
}

/* after the clone: only read, close, mount, set*id, execvp, write, _exit */
static void run_job(int go, char **argv, const struct idmap *u, const struct idmap *g,
		    int root, const char *uidstr, const char *gidstr)
{
	char c;
	ssize_t r;
	while ((r = read(go, &c, 1)) < 0 && errno == EINTR)
		;
	if (r != 1) /* the parent gave up and has said why */
		_exit(FAIL);
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		child_fail("mount --make-rprivate", "/", FAIL);
	for (int i = 0; i < ntmpfs; i++)
		if (mount("tmpfs", tmpfs[i], "tmpfs", MS_NOSUID | MS_NODEV, NULL) != 0)
			child_fail("mount tmpfs on", tmpfs[i], FAIL);
	if (!noproc && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		child_fail("mount proc on", "/proc", FAIL);
	if (root && setgroups(0, NULL) != 0) /* not allowed after "deny" */
		child_fail("setgroups", "0", FAIL);
	if (setresgid((gid_t)g->in, (gid_t)g->in, (gid_t)g->in) != 0)
		child_fail("setresgid", gidstr, FAIL);
	if (setresuid((uid_t)u->in, (uid_t)u->in, (uid_t)u->in) != 0)
		child_fail("setresuid", uidstr, FAIL);
	execvp(argv[0], argv);
	child_fail("exec", argv[0], 127);
}

int main(int argc, char **argv)
{
#define ARG(name, c) {name, required_argument, NULL, c}
	static const struct option opts[] = {
		ARG("cgroup-mount", 'C'), ARG("pids-max", 'P'), ARG("mem-max", 'R'),
		ARG("cpu-max", 'U'), ARG("user", 'u'), ARG("group", 'g'),
		ARG("tmpfsmount", 'T'), ARG("chroot", 'c'), ARG("mode", 'M'),
		{"disable_proc", no_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uid_t uid = getuid(); /* nsjail's default OUTSIDE ids */
	gid_t gid = getgid();
	struct idmap um = {65534, uid, 1}, gm = {65534, gid, 1};
	int o;
	while ((o = getopt_long(argc, argv, "+u:g:T:c:M:h", opts, NULL)) != -1) {
		switch (o) {
		case 'C': cgmount = optarg; break;
		case 'P': limit[0] = optarg; break;
		case 'R': limit[1] = optarg; break;
		case 'U': limit[2] = optarg; break;
		case 'u': if (parse_map(optarg, &um, uid)) return FAIL; break;
		case 'g': if (parse_map(optarg, &gm, gid)) return FAIL; break;
		case 'p': noproc = 1; break;
		case 'T':
			if (ntmpfs < MAXTMPFS) {
				tmpfs[ntmpfs++] = optarg;
				break;
			}
			fprintf(stderr, "jail: more than %d --tmpfsmount\n", MAXTMPFS);
			return FAIL;
		case 'c': /* only documents that the job shares our root */
			if (strcmp(optarg, "/") == 0)
				break;
			fprintf(stderr, "jail: --chroot %s: only / is supported\n", optarg);
			return FAIL;
		case 'M':
			if (strcmp(optarg, "o") == 0)
				break;
			fprintf(stderr, "jail: --mode %s: only o (once) is supported\n", optarg);
			return FAIL;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return FAIL;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return FAIL;
	}
	if (!limit[0] && !limit[1] && !limit[2])
		cgmount = NULL; /* as in nsjail: no limit, no cgroup */
	if (cgmount && enable_controllers())
		return FAIL;

	int root = geteuid() == 0, go[2], st;
	char uidstr[24], gidstr[24], cg[PATH_MAX] = "";
	snprintf(uidstr, sizeof uidstr, "%lu", um.in);
	snprintf(gidstr, sizeof gidstr, "%lu", gm.in);
	if (pipe2(go, O_CLOEXEC) != 0) {
		perr("pipe2", "go");
		return FAIL;
	}
	/* fork-like clone (no new stack): the job returns here with 0 */
	pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | CLONE_NEWPID |
				   CLONE_NEWNS | SIGCHLD), NULL, NULL, NULL, NULL);
	if (pid < 0) {
		perr("clone", "CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS");
		return FAIL;
	}
	if (pid == 0) {
		close(go[1]); /* so that read sees EOF if the parent dies */
		run_job(go[0], argv + optind, &um, &gm, root, uidstr, gidstr);
	}
	if (close(go[0]) != 0)
		perr("close", "go");

	job = pid;
	snprintf(pidstr, sizeof pidstr, "%d", (int)pid);
	struct sigaction sa = {.sa_handler = on_signal};
	int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		if (sigaction(sigs[i], &sa, NULL) != 0) {
			perr("sigaction", strsignal(sigs[i]));
			abort_job(pid, cg);
		}
	if ((cgmount && make_cgroup(cg, sizeof cg)) || write_maps(root, &um, &gm))
		abort_job(pid, cg);
	if (write(go[1], "g", 1) != 1) {
		perr("write", "go");
		abort_job(pid, cg);
	}
	if (close(go[1]) != 0)
		perr("close", "go");
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			perr("waitpid", pidstr);
			abort_job(pid, cg);
		}
	if (cg[0])
		remove_cgroup(cg);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : FAIL;
}
