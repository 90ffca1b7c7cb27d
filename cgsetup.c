// SPDX-License-Identifier: MIT
/*
 * The cgroup v2 bootstrap: turn C, the cgroup cginit starts in, into
 *
 *   C/                no processes; +cpu +memory +pids
 *   ├── init/         cginit and every process that was in C
 *   └── sandbox/      root's, with the limits of worker and jobs together;
 *       │             only its cgroup.procs goes to the worker's uid
 *       ├── worker/   the worker; root's
 *       └── jobs/     root's limits for all jobs together; the directory
 *                     goes to the worker's uid, for one cgroup per job
 *
 * Every cgroup write of cginit is here, but for placing the worker and
 * killing the sandbox (cgkill.c); what it reads first to decide is in
 * cgprobe.c, whose verdict (cg_diagnose) comes before the first write.
 *
 * The kernel rules that shape it (Documentation/admin-guide/cgroup-v2.rst):
 * - the no internal process constraint: controllers can be enabled in a
 *   cgroup's subtree_control only while it holds no processes, hence
 *   init/;
 * - delegation containment: moving a process needs write access to
 *   cgroup.procs of the common ancestor of source and destination, hence
 *   the worker sits next to jobs/ inside sandbox/, whose cgroup.procs is
 *   all that a move into a job needs beyond the job cgroup itself.
 */
#include "cginit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- evacuation ---------------------------------------------------------- */

bool cg_next_pid(const char **cursor, long *pid)
{
	const char *p = *cursor;
	if (!*p)
		return false;
	const char *nl = strchr(p, '\n');
	const char *next = nl ? nl + 1 : p + strlen(p);
	const char *end;
	if (cg_parse_long(p, &end, pid) < 0 || end != (nl ? nl : next) || *pid < 0)
		*pid = -1;
	*cursor = next;
	return true;
}

/* PF_KTHREAD, from the flags field of /proc/PID/stat. */
#define PF_KTHREAD_FLAG 0x00200000UL

bool cg_stat_is_kthread(const char *stat)
{
	long flags;
	return cg_stat_field(stat, 7, &flags) == 0 &&
	       ((unsigned long)flags & PF_KTHREAD_FLAG) != 0;
}

/* Kernel threads sit in the real root cgroup, and there only: cginit, as
 * the PID 1 of a machine, sees them in C. They stay where they are, like
 * systemd leaves them; the root cgroup is exempt from the no internal
 * processes rule, so they do not stop the controllers. */
static bool is_kernel_thread(const struct cg_sys *sys, long pid)
{
	char path[64], stat[512];
	cg_fmt(path, sizeof(path), "%s/%ld/stat", sys->proc, pid);
	return cg_read_small(AT_FDCWD, path, stat, sizeof(stat)) > 0 && cg_stat_is_kthread(stat);
}

struct evac_round {
	unsigned moved, vanished, pending, foreign, kernel, listed;
};

/* One pass over C/cgroup.procs: one pid per write(2), as the kernel wants,
 * all through one open init/cgroup.procs. */
static int evacuate_once(const struct cg_sys *sys, const struct cg_evacuation *ev, int procs_fd,
			 bool real_root, struct evac_round *r, struct cg_err *err)
{
	memset(r, 0, sizeof(*r));
	char *procs = sys->read_all(sys->ctx, ev->c_fd, "cgroup.procs", CG_READ_MAX);
	if (!procs)
		return cg_error(err, errno, "read %s/cgroup.procs", ev->c_path);
	int ret = 0;
	const char *cursor = procs;
	long pid;
	for (const char *line = cursor; cg_next_pid(&cursor, &pid); line = cursor) {
		r->listed++;
		if (pid < 0)
			continue;
		/* 0 is a process of another pid namespace; writing "0" would
		 * move ourselves instead, so leave it. */
		if (pid == 0) {
			r->foreign++;
			continue;
		}
		if (real_root && is_kernel_thread(sys, pid)) {
			r->kernel++;
			continue;
		}
		/* The pid as the kernel listed it, which cg_next_pid found to
		 * be digits only: no formatting per pid, of thousands. */
		if (sys->write_fd(sys->ctx, procs_fd, line, strcspn(line, "\n")) == 0) {
			r->moved++;
		} else if (errno == ESRCH) {
			r->vanished++; /* exited since the read */
		} else if (errno == EINVAL || errno == EAGAIN) {
			r->pending++;  /* still being forked: next round */
		} else {
			ret = cg_error(err, errno, "move pid %ld into %s/cgroup.procs", pid,
				       ev->init_path);
			break;
		}
	}
	free(procs);
	return ret;
}

int cg_evacuate(const struct cg_sys *sys, const struct cg_evacuation *ev, unsigned *moved,
		struct cg_err *err)
{
	int ret = -1;
	uint64_t deadline = sys->now_ms(sys->ctx) + CG_EVACUATE_TIMEOUT_MS;
	struct evac_round r = {0};
	/* Only the real root cgroup, which has no cgroup.type, holds kernel
	 * threads; elsewhere the /proc look-up per pid would be waste. */
	bool real_root = faccessat(ev->c_fd, "cgroup.type", F_OK, 0) < 0 && errno == ENOENT;
	int procs_fd = openat(ev->init_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (procs_fd < 0)
		return cg_error(err, errno, "open %s/cgroup.procs for writing", ev->init_path);
	/* New processes can join C while we loop (docker exec, a fork in a
	 * process we have not moved yet), so loop until a read finds C
	 * empty; bounded, unlike the Docker-in-Docker shell loop. */
	for (int round = 0; round < CG_EVACUATE_ROUNDS; round++) {
		if (evacuate_once(sys, ev, procs_fd, real_root, &r, err) < 0)
			goto out;
		*moved += r.moved;
		if (r.listed == r.kernel) {
			ret = 0;
			goto out;
		}
		if (r.foreign + r.kernel == r.listed) {
			cg_error(err, 0,
				 "%s holds %u processes of another pid namespace that cginit "
				 "cannot move: start cginit in the container's pid namespace",
				 ev->c_path, r.foreign);
			goto out;
		}
		if (sys->now_ms(sys->ctx) > deadline)
			break;
		if (r.moved == 0 && r.vanished == 0) {
			/* Only tasks still being created: give them a moment. */
			struct timespec pause = {.tv_sec = 0, .tv_nsec = 1000000L};
			nanosleep(&pause, NULL);
		}
	}
	cg_error(err, EBUSY,
		 "%s still holds processes after %d rounds or %d ms (%u listed in the last "
		 "round): something keeps starting processes in it",
		 ev->c_path, CG_EVACUATE_ROUNDS, CG_EVACUATE_TIMEOUT_MS, r.listed);
out:
	close(procs_fd);
	return ret;
}

static const char *enable_hint(int errnum)
{
	switch (errnum) {
	case EBUSY:
		return "the cgroup still holds processes (no internal process constraint)";
	case EOPNOTSUPP:
		return "the cgroup is threaded, and domain controllers need a domain cgroup";
	case EROFS:
		return "cgroupfs is read-only";
	case EACCES:
	case EPERM:
		return "no write access: run as root in the container, or delegate the cgroup";
	case EINVAL:
		/* cgroup-v2.rst, "CPU": with CONFIG_RT_GROUP_SCHED, the cpu
		 * controller can be enabled only while every realtime process
		 * is in the root cgroup. */
		return "the cpu controller can be enabled only while every realtime "
		       "(SCHED_FIFO, SCHED_RR) process is in the root cgroup: move them there, "
		       "or make them SCHED_OTHER with chrt -o -p 0 PID";
	default:
		return "see cgroup-v2.rst";
	}
}

int cg_enable_controllers(const struct cg_sys *sys, int dirfd, const char *where,
			  const char *wanted, const struct cg_evacuation *refill, char *enabled,
			  size_t enabled_len, struct cg_err *err)
{
	char available[512], current[512], plan[512];
	if (cg_read_small(dirfd, "cgroup.controllers", available, sizeof(available)) < 0)
		return cg_error(err, errno, "read %s/cgroup.controllers", where);
	if (cg_read_small(dirfd, "cgroup.subtree_control", current, sizeof(current)) < 0)
		return cg_error(err, errno, "read %s/cgroup.subtree_control", where);
	/* The optional ones missing here were said once, by the diagnosis. */
	if (cg_plan_enable(wanted, available, current, where, plan, sizeof(plan), NULL, 0, err) < 0)
		return -1;
	/* All in one write: enabling them one by one while processes remain
	 * turns on the threaded cpu first, makes the cgroup "domain
	 * threaded", and then memory fails with EOPNOTSUPP. */
	for (int attempt = 1; plan[0]; attempt++) {
		if (sys->write_file(sys->ctx, dirfd, "cgroup.subtree_control", plan,
				    strlen(plan)) == 0)
			break;
		int e = errno;
		if (e != EBUSY || !refill || attempt >= CG_ENABLE_TRIES)
			return cg_error(err, e, "write '%s' to %s/cgroup.subtree_control (%s)",
					plan, where, enable_hint(e));
		/* Someone joined C since we emptied it: empty it again. */
		unsigned moved = 0;
		cg_log(LOG_INFO, "%s/cgroup.subtree_control: EBUSY, evacuating again", where);
		if (cg_evacuate(sys, refill, &moved, err) < 0)
			return -1;
	}
	if (cg_read_small(dirfd, "cgroup.subtree_control", current, sizeof(current)) < 0)
		return cg_error(err, errno, "read back %s/cgroup.subtree_control", where);
	cg_chomp(current);
	for (const char *p = plan; *p;) {
		const char *end = strchr(p, ' ');
		size_t tlen = end ? (size_t)(end - p) : strlen(p);
		char tok[32];
		cg_fmt(tok, sizeof(tok), "%.*s", (int)(tlen - 1), p + 1);
		if (!cg_has_token(current, tok))
			return cg_error(err, 0, "controller %s missing from %s/cgroup.subtree_control "
					"after enabling it (it reads '%s')", tok, where, current);
		p = end ? end + 1 : p + tlen;
	}
	if (enabled)
		cg_fmt(enabled, enabled_len, "%s", current);
	return 0;
}

/* ---- the layout ---------------------------------------------------------- */

void cg_layout_init(struct cg_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->c_fd = l->init_fd = l->sandbox_fd = l->worker_fd = l->jobs_fd = -1;
}

void cg_layout_close(struct cg_layout *l)
{
	int *fds[] = {&l->c_fd, &l->init_fd, &l->sandbox_fd, &l->worker_fd, &l->jobs_fd};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* mkdir, tolerating an existing one (the bootstrap is idempotent), then
 * open it; *made (when not NULL) says whether this call made it. */
static int make_cgroup(const struct cg_sys *sys, int parent, const char *name,
		       const char *where, bool *made, struct cg_err *err)
{
	bool fresh = sys->make_dir(sys->ctx, parent, name) == 0;
	if (!fresh && errno != EEXIST) {
		int e = errno;
		return cg_error(err, e, "mkdir %s/%s%s", where, name,
				e == EROFS ? ": cgroupfs is read-only" : "");
	}
	if (made)
		*made = fresh;
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cg_error(err, errno, "open %s/%s", where, name);
	return fd;
}

static int write_limit(const struct cg_sys *sys, int fd, const char *file, const char *value,
		       const char *where, struct cg_err *err)
{
	if (!value)
		return 0;
	if (sys->write_file(sys->ctx, fd, file, value, strlen(value)) < 0) {
		int e = errno;
		return cg_error(err, e, "write '%s' to %s/%s%s", value, where, file,
				e == ENOENT ? " (its controller is not enabled)" : "");
	}
	return 0;
}

/* Limits of sandbox/ or jobs/. Their files belong to the parent's side of
 * the delegation: root made them (the kernel gives a controller's files
 * the owner of whoever enabled it, here root), and root keeps them. */
static int apply_limits(const struct cg_sys *sys, int fd, const struct cg_limits *lim,
			const char *where, struct cg_err *err)
{
	if (!lim)
		return 0;
	if (write_limit(sys, fd, "memory.max", lim->memory_max, where, err) < 0 ||
	    write_limit(sys, fd, "pids.max", lim->pids_max, where, err) < 0 ||
	    write_limit(sys, fd, "cpu.max", lim->cpu_max, where, err) < 0 ||
	    write_limit(sys, fd, "cgroup.max.descendants", lim->max_descendants, where,
			err) < 0 ||
	    write_limit(sys, fd, "cgroup.max.depth", lim->max_depth, where, err) < 0)
		return -1;
	return 0;
}

/*
 * Ownership of the layout: the minimal delegation (cgroup-v2.rst,
 * "Delegation" and "Delegation Containment"; systemd's Delegate=). The
 * delegatee, the worker's uid, gets what a sandboxer needs to make one
 * cgroup per job and move a child into it, and nothing else:
 *
 *   sandbox/cgroup.procs  a move from worker/ into jobs/<job> needs write
 *                         access to cgroup.procs of the common ancestor,
 *                         sandbox/ (clone3 CLONE_INTO_CGROUP too). Nothing
 *                         can be moved into sandbox/ itself: its controllers
 *                         are on, and the no internal process constraint
 *                         answers EBUSY.
 *   jobs/ (the directory) mkdir and rmdir of job cgroups. The kernel gives
 *                         a new cgroup and its files to its creator, so each
 *                         job cgroup is the delegatee's, and jobs/ caps them
 *                         all together.
 *
 * Root keeps everything else, on every run, whatever an earlier run or
 * version gave away:
 *   sandbox/ (directory)  its owner could mkdir an unlimited sibling of
 *                         jobs/, or rmdir jobs/ and make it again unlimited;
 *   cgroup.subtree_control, everywhere: turning a controller off and on
 *                         makes the kernel re-create the limit files below,
 *                         owned by the writer;
 *   cgroup.threads        thread migration, which no sandboxer needs;
 *   every limit file      memory.max, pids.max, cpu.max, cgroup.max.*:
 *                         the limits of a delegated cgroup are its parent's;
 *   worker/ and its files no job can join the worker's cgroup, nor make
 *                         cgroups in it;
 *   jobs/cgroup.procs     a move between two jobs has jobs/ as its common
 *                         ancestor, so no job can move into another job.
 * The job cgroups below jobs/ keep their owner: they are the delegatee's.
 */
enum layout_dir { DIR_SANDBOX, DIR_WORKER, DIR_JOBS };

/* The one file of a layout directory that goes to the delegatee ("." for
 * the directory itself), or NULL. */
static const char *delegated_entry(enum layout_dir which)
{
	switch (which) {
	case DIR_SANDBOX: return "cgroup.procs";
	case DIR_JOBS: return ".";
	default: return NULL;
	}
}

static int own_entry(const struct cg_sys *sys, int fd, const char *name, bool delegated,
		     const struct cg_config *cfg, const char *where, struct cg_err *err)
{
	uid_t uid = delegated && cfg->delegate ? cfg->uid : 0;
	gid_t gid = delegated && cfg->delegate ? cfg->gid : 0;
	const char *file = strcmp(name, ".") == 0 ? "" : name;
	if (sys->chown_at(sys->ctx, fd, file, uid, gid) < 0)
		return cg_error(err, errno, "chown %s%s%s to %d:%d", where, file[0] ? "/" : "",
				file, (int)uid, (int)gid);
	return 0;
}

/* A cgroup below sandbox/ or worker/ that the layout did not make: one a
 * worker made when an earlier version gave it those directories. Left the
 * worker's, it would be a place beside jobs/, under no jobs/ limit, that a
 * job could move into (sandbox/cgroup.procs is the common ancestor). The
 * cgroups below jobs/ are the jobs', and stay the delegatee's. */
static bool stray_cgroup(enum layout_dir which, const char *name, const struct cg_names *names)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || which == DIR_JOBS)
		return false;
	return which == DIR_WORKER ||
	       (strcmp(name, names->worker) != 0 && strcmp(name, names->jobs) != 0);
}

/* The cgroup parent/name and everything below it, root's. */
static int own_tree_as_root(const struct cg_sys *sys, int parent, const char *name,
			    const char *where, struct cg_err *err)
{
	char path[CG_PATH_MAX];
	if (cg_fmt(path, sizeof(path), "%s/%s", where, name) >= (int)sizeof(path))
		return cg_error(err, ENAMETOOLONG, "cgroup path under %s", where);
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : cg_error(err, errno, "open %s", path);
	int ret = -1;
	DIR *dir = cg_open_dir_stream(fd);
	if (!dir) {
		cg_error(err, errno, "read directory %s", path);
		goto out;
	}
	if (sys->chown_at(sys->ctx, fd, "", 0, 0) < 0) {
		cg_error(err, errno, "chown %s to 0:0", path);
		goto out;
	}
	struct dirent *de;
	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		const char *n = de->d_name;
		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0) {
			errno = 0;
			continue;
		}
		if (de->d_type == DT_DIR) {
			if (own_tree_as_root(sys, fd, n, path, err) < 0)
				goto out;
		} else if (sys->chown_at(sys->ctx, fd, n, 0, 0) < 0) {
			cg_error(err, errno, "chown %s/%s to 0:0", path, n);
			goto out;
		}
		errno = 0;
	}
	if (errno) {
		cg_error(err, errno, "read directory %s", path);
		goto out;
	}
	ret = 0;
out:
	if (dir)
		closedir(dir);
	close(fd);
	return ret;
}

/* Every file of one layout directory root's, but the delegated one.
 * made_by_root: this run made the directory as root, so every entry is
 * root's already and no cgroup is below it but the layout's own; only the
 * delegated entry is chowned. That skips a chown for each of the about 50
 * files of a cgroup with +cpu +memory +pids, paid before the worker can
 * start. */
static int own_dir(const struct cg_sys *sys, int fd, enum layout_dir which,
		   const struct cg_config *cfg, bool made_by_root, const char *where,
		   struct cg_err *err)
{
	const char *delegated = delegated_entry(which);
	if (made_by_root)
		return delegated && cfg->delegate
			       ? own_entry(sys, fd, delegated, true, cfg, where, err)
			       : 0;
	int ret = -1;
	DIR *dir = cg_open_dir_stream(fd);
	if (!dir)
		return cg_error(err, errno, "read directory %s", where);
	if (own_entry(sys, fd, ".", delegated && strcmp(delegated, ".") == 0, cfg, where, err) < 0)
		goto out;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_type == DT_DIR) {
			if (stray_cgroup(which, de->d_name, cfg->names) &&
			    own_tree_as_root(sys, fd, de->d_name, where, err) < 0)
				goto out;
			errno = 0;
			continue;
		}
		bool is_delegated = delegated && strcmp(de->d_name, delegated) == 0;
		if (own_entry(sys, fd, de->d_name, is_delegated, cfg, where, err) < 0)
			goto out;
		errno = 0;
	}
	if (errno) {
		cg_error(err, errno, "read directory %s", where);
		goto out;
	}
	ret = 0;
out:
	closedir(dir);
	return ret;
}

/* made[DIR_*]: which of the three this run made. A directory that was
 * there already may hold anything an earlier run or worker left. So may
 * worker/ and jobs/ even when this run made them, if sandbox/ was there
 * already: an earlier version gave sandbox/ to the worker, whose uid could
 * rmdir the jobs/ just made and mkdir one of its own before our openat.
 * Only C's own child sandbox/ is out of its reach (C is root's). */
static int own_layout(const struct cg_sys *sys, const struct cg_layout *l,
		      const struct cg_config *cfg, const bool made[3], struct cg_err *err)
{
	bool root = sys->maker_uid == 0 && sys->maker_gid == 0 && made[DIR_SANDBOX];
	if (own_dir(sys, l->sandbox_fd, DIR_SANDBOX, cfg, root, l->sandbox_path, err) < 0 ||
	    own_dir(sys, l->worker_fd, DIR_WORKER, cfg, root && made[DIR_WORKER],
		    l->worker_path, err) < 0 ||
	    own_dir(sys, l->jobs_fd, DIR_JOBS, cfg, root && made[DIR_JOBS], l->jobs_path,
		    err) < 0)
		return -1;
	return 0;
}

static int build_sandbox(const struct cg_sys *sys, const struct cg_config *cfg,
			 const char *wanted, struct cg_layout *l, struct cg_err *err)
{
	bool made[3];
	l->sandbox_fd = make_cgroup(sys, l->c_fd, cfg->names->sandbox, l->c_path,
				    &made[DIR_SANDBOX], err);
	if (l->sandbox_fd < 0)
		return -1;
	if (cg_enable_controllers(sys, l->sandbox_fd, l->sandbox_path, wanted, NULL, NULL, 0,
				  err) < 0)
		return -1;
	l->worker_fd = make_cgroup(sys, l->sandbox_fd, cfg->names->worker, l->sandbox_path,
				   &made[DIR_WORKER], err);
	if (l->worker_fd < 0)
		return -1;
	l->jobs_fd = make_cgroup(sys, l->sandbox_fd, cfg->names->jobs, l->sandbox_path,
				 &made[DIR_JOBS], err);
	if (l->jobs_fd < 0)
		return -1;
	if (cg_enable_controllers(sys, l->jobs_fd, l->jobs_path, wanted, NULL, NULL, 0, err) < 0)
		return -1;
	struct cg_limits box = cfg->sandbox_limits ? *cfg->sandbox_limits : (struct cg_limits){0};
	char memory[32];
	if (!box.memory_max && cg_default_sandbox_memory(l->c_fd, memory, sizeof(memory))) {
		box.memory_max = memory;
		cg_log(LOG_INFO, "%s/memory.max %s: the memory.max of %s less a reserve for %s/",
		       l->sandbox_path, memory, l->c_path, cfg->names->init);
	}
	if (apply_limits(sys, l->sandbox_fd, &box, l->sandbox_path, err) < 0 ||
	    apply_limits(sys, l->jobs_fd, cfg->jobs_limits, l->jobs_path, err) < 0)
		return -1;
	/* Last: nothing is the delegatee's before every limit is in place. */
	return own_layout(sys, l, cfg, made, err);
}

/* The diagnosis's first reason, as the bootstrap's error. */
static int fail_with(struct cg_err *err, const struct cg_err *reason)
{
	if (!err)
		cg_err_print(reason, LOG_ERROR);
	else if (!err->set)
		*err = *reason;
	return -1;
}

int cg_bootstrap(const struct cg_sys *sys, const struct cg_probe *p,
		 const struct cg_config *cfg, struct cg_layout *l, struct cg_err *err)
{
	struct cg_diagnosis d;
	cg_layout_init(l);
	cg_diagnosis_init(&d);
	/* Everything that can be known before a write is known first, so that
	 * a refusal leaves C as it was. */
	int diagnosed = cg_diagnose(sys, p, cfg, l, &d);
	l->c_fd = d.c_fd;
	if (diagnosed < 0) {
		fail_with(err, &d.first);
		goto fail;
	}
	if (d.skipped[0])
		cg_log(LOG_WARN, "controllers not available in %s, skipped: %s", l->c_path,
		       d.skipped);
	l->init_fd = make_cgroup(sys, l->c_fd, cfg->names->init, l->c_path, NULL, err);
	if (l->init_fd < 0)
		goto fail;
	const struct cg_evacuation ev = {l->c_fd, l->init_fd, l->c_path, l->init_path};
	if (cg_evacuate(sys, &ev, &l->moved, err) < 0)
		goto fail;
	if (cg_enable_controllers(sys, l->c_fd, l->c_path, d.wanted, &ev, l->controllers,
				  sizeof(l->controllers), err) < 0)
		goto fail;
	if (build_sandbox(sys, cfg, d.wanted, l, err) < 0)
		goto fail;
	return 0;
fail:
	cg_layout_close(l);
	return -1;
}
