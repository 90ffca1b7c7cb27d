// SPDX-License-Identifier: MIT
/*
 * Children and signals: spawn the worker, wait for signals with every one of
 * them blocked, forward them, reap every child, and report how the worker
 * ended.
 *
 * cginit never installs a signal handler. Every signal stays blocked and is
 * taken with rt_sigtimedwait(2), so an idle cginit sleeps in the kernel with no
 * timer (tini wakes once a second), and the worker inherits the dispositions
 * cginit itself was started with.
 */
#include "cginit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* Bounds for cleaning up descendants in subreaper mode. */
#define DESCENDANT_GRACE_MS 2000
#define DESCENDANT_MAX 4096
#define PROC_SCAN_MAX ((size_t)DESCENDANT_MAX * 4)

/* The kernel's sigset: 64 bits. libc's sigfillset() leaves out the
 * signals libc keeps for itself (glibc 32-33, musl 32-34), and a signal
 * cginit does not block would kill it when sent from outside the
 * container; so the masks go to the kernel as they are, by raw syscalls. */
#define KERNEL_SIGSET_SIZE 8

static const uint64_t all_signals = ~(uint64_t)0;

static int set_mask(const void *mask, void *old)
{
	return (int)syscall(SYS_rt_sigprocmask, SIG_SETMASK, mask, old, KERNEL_SIGSET_SIZE);
}

int reaper_block_signals(sigset_t *inherited)
{
	memset(inherited, 0, sizeof(*inherited));
	/* Blocked, not ignored: a blocked signal is queued even for a
	 * namespace's PID 1, whose SIG_DFL signals the kernel would drop. */
	if (set_mask(&all_signals, inherited) < 0)
		return cg_error(NULL, errno, "rt_sigprocmask: cannot block signals");
	return 0;
}

int reaper_become_subreaper(void)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return cg_error(NULL, errno, "prctl(PR_SET_CHILD_SUBREAPER)");
	return 0;
}

int reaper_set_pdeathsig(int sig)
{
	if (prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) < 0)
		return cg_error(NULL, errno, "prctl(PR_SET_PDEATHSIG, %d)", sig);
	return 0;
}

/* ---- spawning ----------------------------------------------------------- */

/* Whether env entry `e` ("NAME=value") sets the same name as `other`. */
static bool same_name(const char *e, const char *other)
{
	const char *eq = strchr(other, '=');
	size_t n = eq ? (size_t)(eq - other) : strlen(other);
	return strncmp(e, other, n) == 0 && e[n] == '=';
}

/* Execs argv with cginit's environment plus `extra` ("NAME=value" each,
 * replacing a variable of the same name). Built in place on the stack,
 * not with setenv: the child of a fork should not allocate, and setenv's
 * machinery weighs 2 KB in the static binary.
 * Socket activation names the process that owns the sockets in
 * LISTEN_PID; when that was cginit, the sockets now belong to the worker. */
static void exec_with_env(char **argv, char *const *extra, pid_t parent)
{
	size_t n_env = 0, n_extra = 0;
	while (environ && environ[n_env])
		n_env++;
	while (extra && extra[n_extra])
		n_extra++;
	char *envp[n_env + n_extra + 2];
	char listen_pid[40];
	size_t k = 0;
	for (size_t i = 0; i < n_extra; i++)
		envp[k++] = extra[i];
	const char *v = getenv("LISTEN_PID");
	char parent_pid[24];
	cg_fmt(parent_pid, sizeof(parent_pid), "%d", (int)parent);
	if (v && strcmp(v, parent_pid) == 0) {
		cg_fmt(listen_pid, sizeof(listen_pid), "LISTEN_PID=%d", (int)getpid());
		envp[k++] = listen_pid;
	}
	size_t n_over = k;
	for (size_t i = 0; i < n_env; i++) {
		bool replaced = false;
		for (size_t j = 0; j < n_over && !replaced; j++)
			replaced = same_name(environ[i], envp[j]);
		if (!replaced)
			envp[k++] = environ[i];
	}
	envp[k] = NULL;
	execvpe(argv[0], argv, envp);
}

/* Gives the terminal to the worker so that Ctrl-C and job control reach it.
 * SIGTTOU is blocked here, which is what lets a background group do this. */
static void take_terminal(pid_t pgrp)
{
	if (!isatty(STDIN_FILENO))
		return;
	if (tcsetpgrp(STDIN_FILENO, pgrp) < 0 && errno != ENOTTY)
		cg_log(LOG_DEBUG, "tcsetpgrp(stdin, %d): %s", (int)pgrp, cg_strerror(errno));
}

static int exec_failure_code(int err)
{
	return err == ENOENT || err == ENOTDIR ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
}

static __attribute__((noreturn)) void child_exec(char **argv, const sigset_t *inherited,
						 const struct spawn_hooks *hooks,
						 pid_t parent, bool in_cgroup)
{
	/* Set here and in the parent: whichever runs first, a signal sent to
	 * the group right after fork finds it. */
	if (setpgid(0, 0) < 0) {
		cg_error(NULL, errno, "setpgid in the worker");
		_exit(EXIT_CGINIT_FAILURE);
	}
	if (!hooks || !hooks->no_terminal)
		take_terminal(getpid());
	if (hooks && hooks->before_exec && hooks->before_exec(hooks->ctx, in_cgroup) < 0)
		_exit(EXIT_CGINIT_FAILURE);
	if (set_mask(inherited, NULL) < 0) {
		cg_error(NULL, errno, "rt_sigprocmask in the worker");
		_exit(EXIT_CGINIT_FAILURE);
	}
	exec_with_env(argv, hooks ? hooks->env : NULL, parent);
	int err = errno;
	cg_error(NULL, err, "exec %s", argv[0]);
	_exit(exec_failure_code(err));
}

struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls, set_tid, set_tid_size, cgroup;
};

static long clone3_into(int cgroup_fd)
{
	struct clone3_args args;
	memset(&args, 0, sizeof(args));
	args.flags = CLONE_INTO_CGROUP;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)cgroup_fd;
	return syscall(SYS_clone3, &args, sizeof(args));
}

static bool no_clone3(int err)
{
	return err == ENOSYS || err == E2BIG || err == EPERM;
}

/* Forks straight into the worker's cgroup, so that not even one instruction
 * of the child runs in init/. Returns -2 when the kernel has no clone3 or
 * no CLONE_INTO_CGROUP (before 5.7), or a seccomp filter hides it, as
 * Docker's default profile does; and -2 when the kernel would kill the
 * child, which the probe finds out first.
 *
 * That kernel bug: "cgroup: fix race between fork and cgroup.kill" counts
 * the kills of each cgroup, and kills a new child whose cgroup's count
 * changed during the fork. Its backport to 6.1.y (Debian's 6.1.129 to
 * 6.1.190) reads the count before it knows the CLONE_INTO_CGROUP target,
 * from the parent's cgroup, and compares it with the target's: every such
 * child is SIGKILLed while the two counts differ. After cginit's own
 * shutdown wrote sandbox/cgroup.kill, a second cginit over the same C
 * never got a worker (scenario 9). "cgroup: fix spurious SIGKILL of
 * CLONE_INTO_CGROUP children" (6.1.191) mends it. Only a child can tell:
 * the counts cannot be read, and a fresh worker/ (count 0) helps only while
 * init/'s count is 0 too (VM scenario 17 shows both). fork plus a move is
 * immune: the child forks in its parent's cgroup, and a move counts
 * nothing. So the child's first act is one byte on a pipe: a child that
 * the kernel killed never writes it, and then fork plus a move it is. That
 * costs a pipe, not a process: the job runner starts one child per job. */
static pid_t fork_into_cgroup(int cgroup_fd)
{
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		return cg_error(NULL, errno, "pipe2 for the worker's start");
	long pid = clone3_into(cgroup_fd);
	if (pid == 0) {
		close(ready[0]);
		/* Its write end goes at exec (O_CLOEXEC). */
		if (write(ready[1], "", 1) != 1)
			_exit(EXIT_CGINIT_FAILURE);
		return 0;
	}
	int e = errno;
	close(ready[1]);
	if (pid < 0) {
		close(ready[0]);
		errno = e;
		return no_clone3(e) ? -2 : -1;
	}
	char byte;
	ssize_t n;
	do
		n = read(ready[0], &byte, 1);
	while (n < 0 && errno == EINTR);
	close(ready[0]);
	if (n == 1)
		return (pid_t)pid;
	int st = 0;
	while (waitpid((pid_t)pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		return cg_error(NULL, ECHILD, "the child of clone3 ended before it ran");
	cg_log(LOG_INFO, "this kernel SIGKILLs children of clone3(CLONE_INTO_CGROUP) "
	       "into that cgroup (its cgroup.kill count bug); starting with fork and a move");
	return -2;
}

bool reaper_clone3_available(void)
{
	/* A zero size is rejected with EINVAL by a kernel that has clone3,
	 * and with ENOSYS by one without it or behind a seccomp filter. */
	return syscall(SYS_clone3, NULL, 0) < 0 && errno != ENOSYS;
}

pid_t reaper_spawn(char **argv, const sigset_t *inherited,
		   const struct spawn_hooks *hooks)
{
	pid_t parent = getpid();
	pid_t pid = -2;
	bool in_cgroup = false;
	if (hooks && hooks->cgroup_fd >= 0) {
		pid = fork_into_cgroup(hooks->cgroup_fd);
		in_cgroup = pid >= 0;
		/* ENOENT here is the cgroup's, not the command's. */
		if (pid == -1)
			return cg_error(NULL, errno, "clone3 into its cgroup: cannot start %s%s",
					argv[0], errno == ENOENT || errno == ENODEV
							 ? " (the cgroup was removed since it was made)"
							 : "");
	}
	if (pid == -2)
		pid = fork();
	if (pid < 0)
		return cg_error(NULL, errno, "fork: cannot start %s", argv[0]);
	if (pid == 0)
		child_exec(argv, inherited, hooks, parent, in_cgroup);
	if (setpgid(pid, pid) < 0 && errno != EACCES && errno != ESRCH)
		cg_log(LOG_DEBUG, "setpgid(%d): %s", (int)pid, cg_strerror(errno));
	if (!hooks || !hooks->no_terminal)
		take_terminal(pid);
	return pid;
}

/* ---- reaping and forwarding --------------------------------------------- */

int exit_code_from_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_CGINIT_FAILURE;
}

/* Reaps every child that has exited. Signals coalesce, so one SIGCHLD may
 * stand for many children; and a SIGCHLD for the worker may be merged with
 * others, so the worker is looked for here, not in the signal. Returns true
 * once the worker is reaped, its status in *status. */
static bool reap_all(pid_t worker, bool warn, int *status, unsigned long *reaped,
		     bool *no_children)
{
	bool worker_done = false;
	*no_children = false;
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		if (pid == 0)
			break;
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				*no_children = true;
			else
				cg_error(NULL, errno, "waitpid");
			break;
		}
		(*reaped)++;
		if (pid == worker) {
			*status = st;
			worker_done = true;
		} else if (warn) {
			cg_log(LOG_WARN, "reaped orphan %d (exit code %d)", (int)pid,
			       exit_code_from_status(st));
		}
	}
	return worker_done;
}

static void forward_signal(pid_t worker, int sig, bool group)
{
	pid_t target = group ? -worker : worker;
	if (kill(target, sig) < 0 && errno != ESRCH)
		cg_error(NULL, errno, "kill(%d, %d): cannot forward", (int)target, sig);
	else
		cg_log(LOG_DEBUG, "forwarded signal %d to %d", sig, (int)target);
}

/* Waits for the next signal, at most until deadline_ms when that is set.
 * Returns the signal (its details in *si), 0 on timeout, -1 on error. */
static int wait_signal(uint64_t deadline_ms, uint64_t (*now)(void), siginfo_t *si)
{
	for (;;) {
		struct timespec ts, *timeout = NULL;
		if (deadline_ms != 0) {
			uint64_t t = now();
			uint64_t left = deadline_ms > t ? deadline_ms - t : 0;
			ts.tv_sec = (time_t)(left / 1000);
			ts.tv_nsec = (long)(left % 1000) * 1000000L;
			timeout = &ts;
		}
		/* No timeout unless a grace runs: idle costs no wakeup. */
		long sig = syscall(SYS_rt_sigtimedwait, &all_signals, si, timeout,
				   KERNEL_SIGSET_SIZE);
		if (sig > 0)
			return (int)sig;
		if (errno == EAGAIN && timeout)
			return 0;
		if (errno != EINTR)
			return cg_error(NULL, errno, "rt_sigtimedwait");
	}
}

/* A write of ours to a stderr whose reader is gone raises SIGPIPE on
 * cginit itself (SI_USER, from our own pid); with every signal blocked it
 * would wait in the queue and be forwarded, killing a healthy worker. */
static bool is_own_sigpipe(int sig, const siginfo_t *si)
{
	return sig == SIGPIPE && si->si_code == SI_USER && si->si_pid == getpid();
}

static void kill_after_grace(pid_t worker, const struct reaper_config *cfg)
{
	cg_log(LOG_WARN, "grace of %d ms expired: killing the worker", cfg->grace_ms);
	if (cfg->kill_sandbox && cfg->kill_sandbox(cfg->kill_ctx) == 0)
		return;
	/* The worker may have left its group, so both. */
	kill(-worker, SIGKILL);
	kill(worker, SIGKILL);
}

static uint64_t caller_deadline(const struct reaper_config *cfg)
{
	return cfg->next_deadline ? cfg->next_deadline(cfg->timer_ctx) : 0;
}

int reaper_loop(pid_t worker, const struct reaper_config *cfg)
{
	uint64_t (*now)(void) = cfg->now_ms ? cfg->now_ms : monotonic_ms;
	uint64_t deadline = 0; /* of the grace */
	bool grace_spent = false;
	unsigned long reaped = 0;
	int status = 0;
	bool none_left;
	for (;;) {
		if (reap_all(worker, cfg->warn_on_reap, &status, &reaped, &none_left))
			break;
		if (none_left) {
			/* The worker was never ours to wait for: nothing can
			 * end this loop, so say so rather than hang. */
			cg_error(NULL, ECHILD, "worker %d is gone without a status", (int)worker);
			status = EXIT_CGINIT_FAILURE << 8;
			break;
		}
		siginfo_t si;
		uint64_t timer = caller_deadline(cfg);
		int sig = wait_signal(cg_sooner(deadline, timer), now, &si);
		if (sig < 0) {
			/* Not expected; a short pause keeps a broken loop from
			 * spinning PID 1 at 100% CPU. */
			struct timespec pause = {.tv_sec = 0, .tv_nsec = 10000000L};
			nanosleep(&pause, NULL);
			continue;
		}
		if (sig == 0) {
			if (timer && now() >= timer)
				cfg->on_deadline(cfg->timer_ctx);
			if (deadline && now() >= deadline) {
				kill_after_grace(worker, cfg);
				deadline = 0;
				grace_spent = true;
			}
			continue;
		}
		if (sig == SIGCHLD || is_own_sigpipe(sig, &si))
			continue;
		forward_signal(worker, sig, cfg->kill_process_group);
		if ((sig == SIGTERM || sig == SIGINT) && cfg->grace_ms >= 0 &&
		    deadline == 0 && !grace_spent)
			deadline = now() + (uint64_t)cfg->grace_ms + 1;
	}
	/* reaped counts the worker too: the rest were orphans. */
	cg_log(cfg->quiet_exit ? LOG_DEBUG : LOG_INFO,
	       "worker %d exited with code %d; orphans reaped: %lu", (int)worker,
	       exit_code_from_status(status), reaped ? reaped - 1 : 0);
	return status;
}

/* ---- cleaning up after the worker --------------------------------------- */

/* The parent pid of /proc/PID/stat. */
static pid_t read_ppid(int procfd, const char *pid)
{
	char path[64], buf[512];
	long ppid;
	cg_fmt(path, sizeof(path), "%s/stat", pid);
	if (cg_read_small(procfd, path, buf, sizeof(buf)) <= 0 || cg_stat_field(buf, 2, &ppid) < 0)
		return -1;
	return (pid_t)ppid;
}

/* Lists the processes below `self` in the process tree; -1 when /proc
 * cannot tell (not mounted: an empty directory lists nothing). */
static long find_descendants(const char *proc_root, pid_t self, pid_t *out, size_t max)
{
	static pid_t pids[PROC_SCAN_MAX], ppids[PROC_SCAN_MAX];
	size_t n = 0, found = 0;
	DIR *dir = opendir(proc_root);
	if (!dir) {
		cg_error(NULL, errno, "opendir %s: cannot look for descendants", proc_root);
		return -1;
	}
	if (faccessat(dirfd(dir), "self", F_OK, 0) < 0) {
		cg_log(LOG_WARN, "%s is not mounted: cginit cannot find the worker's "
		       "descendants, only its process group", proc_root);
		closedir(dir);
		return -1;
	}
	struct dirent *de;
	while ((de = readdir(dir)) != NULL && n < PROC_SCAN_MAX) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		long pid;
		pid_t ppid = read_ppid(dirfd(dir), de->d_name);
		if (ppid < 0 || cg_parse_long(de->d_name, NULL, &pid) < 0)
			continue;
		pids[n] = (pid_t)pid;
		ppids[n++] = ppid;
	}
	closedir(dir);
	/* Grow the set from self until nothing new joins it. */
	bool grew = true;
	while (grew && found < max) {
		grew = false;
		for (size_t i = 0; i < n && found < max; i++) {
			if (pids[i] == 0)
				continue;
			bool parent_in = ppids[i] == self;
			for (size_t j = 0; j < found && !parent_in; j++)
				parent_in = out[j] == ppids[i];
			if (parent_in) {
				out[found++] = pids[i];
				pids[i] = 0;
				grew = true;
			}
		}
	}
	return (long)found;
}

/* Signals every descendant; without /proc, the worker's process group,
 * which is all that can still be named. Returns how many, or -1 for the
 * group. */
static long signal_descendants(const char *proc_root, pid_t worker, int sig)
{
	static pid_t victims[DESCENDANT_MAX];
	long n = find_descendants(proc_root, getpid(), victims, DESCENDANT_MAX);
	if (n < 0) {
		kill(-worker, sig);
		return -1;
	}
	for (long i = 0; i < n; i++)
		if (kill(victims[i], sig) < 0 && errno != ESRCH)
			cg_error(NULL, errno, "kill(%d, %d)", (int)victims[i], sig);
	return n;
}

/* Reaps until no child is left or the deadline passes. */
static bool reap_until(uint64_t deadline, const struct reaper_config *cfg)
{
	uint64_t (*now)(void) = cfg->now_ms ? cfg->now_ms : monotonic_ms;
	unsigned long reaped = 0;
	int unused;
	bool none_left;
	for (;;) {
		reap_all(0, cfg->warn_on_reap, &unused, &reaped, &none_left);
		if (none_left)
			return true;
		if (now() >= deadline)
			return false;
		siginfo_t si;
		if (wait_signal(deadline, now, &si) < 0)
			return false;
	}
}

void reaper_finish(pid_t worker, const struct reaper_config *cfg)
{
	unsigned long reaped = 0;
	int unused;
	bool none_left;
	reap_all(0, cfg->warn_on_reap, &unused, &reaped, &none_left);
	if (cfg->kill_sandbox)
		cfg->kill_sandbox(cfg->kill_ctx);
	/* A subreaper with no child has no descendant either: orphans come
	 * to us, so anything below us would be our child. Skip the scan. */
	if (none_left)
		return;
	/* As PID 1, our exit makes the kernel kill the whole namespace. As a
	 * subreaper nobody does that for us, so no descendant may outlive us:
	 * SIGTERM first, SIGKILL after a bounded grace. */
	if (!cfg->subreaper_mode)
		return;
	uint64_t (*now)(void) = cfg->now_ms ? cfg->now_ms : monotonic_ms;
	signal_descendants(cfg->proc_root, worker, SIGTERM);
	if (reap_until(now() + DESCENDANT_GRACE_MS, cfg))
		return;
	cg_log(LOG_WARN, "descendants still alive after %d ms: sending SIGKILL",
	       DESCENDANT_GRACE_MS);
	for (int round = 0; round < 10; round++) {
		signal_descendants(cfg->proc_root, worker, SIGKILL);
		if (reap_until(now() + 200, cfg))
			return;
	}
	cg_log(LOG_WARN, "some descendants outlive cginit: they could not be found or killed");
}
