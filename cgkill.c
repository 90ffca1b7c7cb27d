// SPDX-License-Identifier: MIT
/*
 * Placing and killing: cg_enter moves the worker into its cgroup where
 * clone3 could not place it, and cg_kill_tree ends everything in the
 * sandbox when the worker is gone or its grace expired. This file and
 * cgsetup.c make every cgroup write of cginit, each through struct cg_sys.
 *
 * The kill is cgroup.kill where the kernel has it (5.14+). Before that it
 * is a sweep: SIGKILL to every pid listed anywhere in the subtree, walk
 * after walk, until one whole walk reads every cgroup and lists nobody.
 */
#include "cginit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int cg_enter(const struct cg_sys *sys, int dirfd, const char *where)
{
	/* "0" names the writer itself. */
	if (sys->write_file(sys->ctx, dirfd, "cgroup.procs", "0", 1) < 0)
		return cg_error(NULL, errno, "move the worker into its cgroup: write 0 to "
				"%s/cgroup.procs", where);
	return 0;
}

/* What one walk of the sweep saw: how many processes were listed (each
 * sent SIGKILL) and whether any cgroup could not be read or a process not
 * be killed. */
struct sweep {
	unsigned listed;
	bool failed;
	int errnum;
};

static void sweep_failed(struct sweep *sw, int errnum)
{
	if (!sw->failed)
		sw->errnum = errnum;
	sw->failed = true;
}

/* SIGKILL to every process listed in dirfd's cgroup.procs. A threaded
 * cgroup cannot list processes (EOPNOTSUPP): its cgroup.threads lists
 * threads, and a kill of any thread's id kills its whole process. */
static void sweep_procs(const struct cg_sys *sys, int dirfd, struct sweep *sw)
{
	char *procs = sys->read_all(sys->ctx, dirfd, "cgroup.procs", CG_READ_MAX);
	if (!procs && errno == EOPNOTSUPP)
		procs = sys->read_all(sys->ctx, dirfd, "cgroup.threads", CG_READ_MAX);
	if (!procs) {
		/* ENOENT and ENODEV: the cgroup was removed under us. */
		if (errno != ENOENT && errno != ENODEV)
			sweep_failed(sw, errno);
		return;
	}
	const char *cursor = procs;
	long pid;
	while (cg_next_pid(&cursor, &pid)) {
		if (pid <= 0)
			continue;
		sw->listed++;
		/* ESRCH: it exited since the read, and is no longer listed. */
		if (sys->kill(sys->ctx, (pid_t)pid, SIGKILL) < 0 && errno != ESRCH)
			sweep_failed(sw, errno);
	}
	free(procs);
}

/* The whole subtree of dirfd, depth first. Every directory is a cgroup:
 * only "." and ".." are skipped, since "mkdir .hidden" is a legal cgroup,
 * and there is no depth cap, since a job can nest as deep as
 * cgroup.max.depth lets it. Running out of fds fails the walk. */
static void sweep_tree(const struct cg_sys *sys, int dirfd, struct sweep *sw)
{
	sweep_procs(sys, dirfd, sw);
	DIR *dir = cg_open_dir_stream(dirfd);
	if (!dir) {
		sweep_failed(sw, errno);
		return;
	}
	struct dirent *de;
	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		const char *n = de->d_name;
		if (de->d_type != DT_DIR || strcmp(n, ".") == 0 || strcmp(n, "..") == 0) {
			errno = 0;
			continue;
		}
		int sub = openat(dirfd, n, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub >= 0) {
			sweep_tree(sys, sub, sw);
			close(sub);
		} else if (errno != ENOENT) {
			sweep_failed(sw, errno);
		}
		errno = 0;
	}
	if (errno)
		sweep_failed(sw, errno);
	closedir(dir);
}

#define CG_SWEEP_TIMEOUT_MS 2000

int cg_kill_tree(const struct cg_sys *sys, int dirfd, const char *where)
{
	if (dirfd < 0)
		return -1;
	if (sys->write_file(sys->ctx, dirfd, "cgroup.kill", "1", 1) == 0)
		return 0;
	if (errno != ENOENT)
		cg_error(NULL, errno, "write 1 to %s/cgroup.kill", where);
	/* No cgroup.kill before Linux 5.14: kill what is listed, walk after
	 * walk, since a process may fork between our read and our kill,
	 * until one whole walk reads every cgroup and lists nobody. */
	uint64_t deadline = sys->now_ms(sys->ctx) + CG_SWEEP_TIMEOUT_MS;
	for (;;) {
		struct sweep sw = {0};
		sweep_tree(sys, dirfd, &sw);
		if (sw.failed)
			return cg_error(NULL, sw.errnum, "sweep of %s: a cgroup could not be read "
					"or a process not be killed", where);
		if (sw.listed == 0)
			return 0;
		if (sys->now_ms(sys->ctx) > deadline)
			return cg_error(NULL, EBUSY, "%s still holds processes after %d ms of SIGKILL",
					where, CG_SWEEP_TIMEOUT_MS);
		struct timespec pause = {.tv_sec = 0, .tv_nsec = 5000000L};
		nanosleep(&pause, NULL);
	}
}
