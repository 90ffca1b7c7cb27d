// SPDX-License-Identifier: MIT
/*
 * A job's cgroup: make, limit, hand over, kill, read, remove. See cgjob.h.
 *
 * Who owns what decides what the job can lift. Made by the broker (root),
 * every file is root's but cgroup.procs and cgroup.kill, which go to the
 * caller: it can place its job and kill it, and nothing else. A process
 * inside can then not leave: a move needs write access to the cgroup.procs
 * of the common ancestor (cgroup-v2.rst, "Delegation Containment"), which
 * for any cgroup outside the job is jobs/ or above, all root's; nor raise
 * memory.max or pids.max, nor mkdir below. Made by the worker itself (no
 * broker), the files are the worker's, and a job with the worker's uid
 * can rewrite them: the verdict says so.
 */
#include "cgjob.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CG_JOB_TRIES 64        /* names tried before giving up */
#define CG_JOB_REMOVE_MS 2000  /* rmdir retried this long on EBUSY */
#define CG_JOB_DEPTH_MAX 32    /* sub-cgroups a worker-made job may nest */
#define CG_JOB_CPU_RETRY_MS 100     /* after cpu.stat could not be read */

void cg_job_init(struct cg_job *job)
{
	job->fd = -1;
	job->name[0] = '\0';
	job->path[0] = '\0';
}

bool cg_keyed_u64(const char *text, const char *key, uint64_t *value)
{
	size_t klen = strlen(key);
	for (const char *line = text; line && *line;) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			long v;
			if (cg_parse_long(line + klen + 1, NULL, &v) < 0 || v < 0)
				return false;
			*value = (uint64_t)v;
			return true;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

/* One read of a flat keyed file, then the keys from it: cpu.stat holds
 * three of the verdict's numbers. */
static bool read_keys(const struct cg_sys *sys, int fd, const char *file, const char *const *keys,
		      uint64_t *const *values, size_t n)
{
	char text[4096];
	if (sys->read_small(sys->ctx, fd, file, text, sizeof(text)) < 0)
		return false;
	bool all = true;
	for (size_t i = 0; i < n; i++)
		all = cg_keyed_u64(text, keys[i], values[i]) && all;
	return all;
}

static bool read_keyed(const struct cg_sys *sys, int fd, const char *file, const char *key,
		       uint64_t *value)
{
	return read_keys(sys, fd, file, &key, &value, 1);
}

/* One write; a file the kernel lacks is fine when `optional`: memory.swap.max
 * without swap accounting, memory.oom.group without the memory controller. */
static int write_job_file(const struct cg_sys *sys, const struct cg_job *job, const char *file,
			  const char *value, bool optional, struct cg_err *err)
{
	if (!value || sys->write_file(sys->ctx, job->fd, file, value, strlen(value)) == 0)
		return 0;
	int e = errno;
	if (optional && e == ENOENT)
		return 0;
	return cg_error(err, e, "write '%s' to %s/%s%s", value, job->path, file,
			e == ENOENT ? " (its controller is not enabled in the parent's "
				      "cgroup.subtree_control)" : "");
}

static int apply_job_limits(const struct cg_sys *sys, const struct cg_job *job,
			    const struct cg_limits *lim, struct cg_err *err)
{
	const char *mem = lim ? lim->memory_max : NULL;
	if (write_job_file(sys, job, "memory.max", mem, false, err) < 0 ||
	    write_job_file(sys, job, "memory.swap.max", mem ? "0" : NULL, true, err) < 0 ||
	    write_job_file(sys, job, "memory.oom.group", "1", true, err) < 0 ||
	    write_job_file(sys, job, "pids.max", lim ? lim->pids_max : NULL, false, err) < 0 ||
	    write_job_file(sys, job, "cpu.max", lim ? lim->cpu_max : NULL, false, err) < 0)
		return -1;
	return 0;
}

static int hand_over(const struct cg_sys *sys, const struct cg_job *job,
		     const struct cg_job_owner *owner, struct cg_err *err)
{
	static const char *const files[] = {"cgroup.procs", "cgroup.kill"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (sys->chown_at(sys->ctx, job->fd, files[i], owner->uid, owner->gid) == 0)
			continue;
		/* No cgroup.kill before Linux 5.14: the caller kills by pid. */
		if (errno == ENOENT && i == 1)
			continue;
		return cg_error(err, errno, "chown %d:%d %s/%s", (int)owner->uid,
				(int)owner->gid, job->path, files[i]);
	}
	return 0;
}

/* mkdir of the first free PREFIX-N. */
static int make_job_dir(const struct cg_sys *sys, int parent_fd, const char *parent_path,
			const char *prefix, unsigned long *seq, struct cg_job *job,
			struct cg_err *err)
{
	for (int i = 0; i < CG_JOB_TRIES; i++, (*seq)++) {
		cg_fmt(job->name, sizeof(job->name), "%s-%lu", prefix, *seq);
		if (sys->make_dir(sys->ctx, parent_fd, job->name) == 0) {
			(*seq)++;
			if ((size_t)cg_fmt(job->path, sizeof(job->path), "%s/%s", parent_path,
					   job->name) >= sizeof(job->path))
				return cg_error(err, ENAMETOOLONG, "job cgroup under %s", parent_path);
			return 0;
		}
		if (errno != EEXIST) {
			int e = errno;
			return cg_error(err, e, "mkdir %s/%s%s", parent_path, job->name,
					e == EAGAIN ? ": cgroup.max.descendants reached" : "");
		}
	}
	return cg_error(err, EEXIST, "mkdir %s/%s-N: %d names taken", parent_path, prefix,
			CG_JOB_TRIES);
}

int cg_job_create(const struct cg_sys *sys, int parent_fd, const char *parent_path,
		  const char *prefix, unsigned long *seq, const struct cg_limits *lim,
		  const struct cg_job_owner *owner, struct cg_job *job, struct cg_err *err)
{
	for (int tries = 0;; tries++) {
		cg_job_init(job);
		if (make_job_dir(sys, parent_fd, parent_path, prefix, seq, job, err) < 0)
			return -1;
		job->fd = openat(parent_fd, job->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (job->fd < 0) {
			cg_error(err, errno, "open %s", job->path);
			goto out_remove;
		}
		/* parent_fd may be another uid's (the broker's jobs/ is the
		 * worker's), which can rmdir the cgroup just made and mkdir
		 * one of its own by that name before the openat: its files
		 * would be that uid's, and the job's limits with them. Ours
		 * only; one not ours is left alone and the next name tried. */
		struct stat st;
		if (fstat(job->fd, &st) < 0) {
			cg_error(err, errno, "stat %s", job->path);
			goto out_remove;
		}
		if (st.st_uid == geteuid())
			break;
		cg_log(LOG_WARN, "%s: made by uid %d between our mkdir and open, not ours: "
		       "leaving it", job->path, (int)st.st_uid);
		close(job->fd);
		if (tries + 1 >= CG_JOB_TRIES) {
			cg_job_init(job);
			return cg_error(err, EEXIST, "mkdir %s/%s-N: %d cgroups replaced by "
					"another uid", parent_path, prefix, CG_JOB_TRIES);
		}
	}
	if (apply_job_limits(sys, job, lim, err) < 0)
		goto out_remove;
	if (owner && hand_over(sys, job, owner, err) < 0)
		goto out_remove;
	return 0;
out_remove:
	/* Nothing half-applied: no job runs in it, so this cannot fail but
	 * for a kernel that is going away. */
	cg_job_remove(sys, parent_fd, job, NULL);
	return -1;
}

static bool job_is_populated(const struct cg_sys *sys, const struct cg_job *job, bool *known)
{
	uint64_t populated = 1;
	*known = read_keyed(sys, job->fd, "cgroup.events", "populated", &populated);
	return populated != 0;
}

static void pause_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)ms * 1000000L};
	nanosleep(&ts, NULL);
}

int cg_job_kill(const struct cg_sys *sys, const struct cg_job *job, unsigned timeout_ms,
		struct cg_err *err)
{
	/* Most jobs end with their main process and leave the cgroup empty:
	 * no kill to send then. Nothing of the job is left to come back in:
	 * a move or a clone3 into it needs its cgroup.procs and that of a
	 * common ancestor, which only the runner's side holds. */
	bool known;
	if (!job_is_populated(sys, job, &known))
		return 0;
	if (cg_kill_tree(sys, job->fd, job->path) < 0)
		return cg_error(err, EBUSY, "cannot kill the job in %s", job->path);
	/* cgroup.kill only sends the kills; the processes leave the cgroup
	 * as they exit. A short, growing pause: this runs once per job, and
	 * most jobs are gone before the first. */
	uint64_t deadline = sys->now_ms(sys->ctx) + timeout_ms;
	unsigned pause = 1;
	for (;;) {
		if (!job_is_populated(sys, job, &known))
			return 0;
		if (!known)
			return cg_error(err, errno, "read %s/cgroup.events", job->path);
		if (sys->now_ms(sys->ctx) >= deadline)
			return cg_error(err, EBUSY, "%s still holds processes %u ms after the kill",
					job->path, timeout_ms);
		pause_ms(pause);
		if (pause < 64)
			pause *= 2;
	}
}

/* The cgroups below dir, depth first: a worker-made job owns its directory
 * and may have made some. Bounded, since each level holds an fd. */
static int remove_children(const struct cg_sys *sys, int dir_fd, const char *where, int depth,
			   struct cg_err *err)
{
	if (depth > CG_JOB_DEPTH_MAX)
		return cg_error(err, ELOOP, "remove %s: nested deeper than %d", where,
				CG_JOB_DEPTH_MAX);
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return cg_error(err, errno, "opendir %s", where);
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		int sub = openat(dir_fd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0)
			continue; /* gone since readdir */
		rc = remove_children(sys, sub, where, depth + 1, err);
		close(sub);
		if (rc == 0 && sys->remove_dir(sys->ctx, dir_fd, de->d_name) < 0 && errno != ENOENT)
			rc = cg_error(err, errno, "rmdir %s/.../%s", where, de->d_name);
	}
	closedir(dir);
	return rc;
}

int cg_job_remove(const struct cg_sys *sys, int parent_fd, struct cg_job *job,
		  struct cg_err *err)
{
	int rc = 0;
	if (job->fd < 0 && !job->name[0])
		return 0;
	/* rmdir first: most jobs made no cgroup below, and a broker's job
	 * cannot (its directory is root's). EBUSY for a moment after the
	 * last process left, since a dying task still counts until it is
	 * fully gone; or for good, for cgroups below, removed then. */
	bool below_done = false;
	uint64_t deadline = sys->now_ms(sys->ctx) + CG_JOB_REMOVE_MS;
	while (sys->remove_dir(sys->ctx, parent_fd, job->name) < 0 && errno != ENOENT) {
		if (errno != EBUSY || sys->now_ms(sys->ctx) >= deadline) {
			rc = cg_error(err, errno, "rmdir %s", job->path);
			break;
		}
		if (!below_done && job->fd >= 0) {
			below_done = true;
			if (remove_children(sys, job->fd, job->path, 0, err) < 0) {
				rc = -1;
				break;
			}
			continue;
		}
		pause_ms(5);
	}
	if (job->fd >= 0)
		close(job->fd);
	cg_job_init(job);
	return rc;
}

int cg_job_end(const struct cg_sys *sys, int parent_fd, struct cg_job *job, unsigned kill_ms,
	       struct cg_err *err)
{
	/* A runner that did its part left the cgroup empty: one rmdir. */
	if (sys->remove_dir(sys->ctx, parent_fd, job->name) == 0 || errno == ENOENT) {
		if (job->fd >= 0)
			close(job->fd);
		cg_job_init(job);
		return 0;
	}
	if (cg_job_kill(sys, job, kill_ms, err) < 0) {
		if (job->fd >= 0)
			close(job->fd);
		cg_job_init(job);
		return -1;
	}
	return cg_job_remove(sys, parent_fd, job, err);
}

int cg_job_cpu_usec(const struct cg_sys *sys, const struct cg_job *job, uint64_t *usec)
{
	return read_keyed(sys, job->fd, "cpu.stat", "usage_usec", usec) ? 0 : -1;
}

bool cg_job_check_cpu(const struct cg_sys *sys, const struct cg_job *job, uint64_t limit_usec,
		      unsigned ncpus, unsigned min_ms, uint64_t now_ms, uint64_t *next_ms)
{
	uint64_t used = 0;
	if (cg_job_cpu_usec(sys, job, &used) < 0) {
		/* A removed cgroup runs nothing: no more looks. Anything else
		 * may pass; look again later. */
		bool gone = errno == ENOENT || errno == ENODEV;
		*next_ms = gone ? 0
				: now_ms + (min_ms > CG_JOB_CPU_RETRY_MS ? min_ms : CG_JOB_CPU_RETRY_MS);
		return false;
	}
	if (used >= limit_usec)
		return true;
	/* The job cannot use CPU faster than ncpus seconds a second, so the
	 * next look can wait until the limit could first be reached: a job
	 * far from its limit costs few wake-ups. */
	uint64_t wait = (limit_usec - used) / 1000 / (ncpus ? ncpus : 1);
	*next_ms = now_ms + (wait < min_ms ? min_ms : wait);
	return false;
}


void cg_job_read_stats(const struct cg_sys *sys, const struct cg_job *job,
		       struct cg_job_stats *st)
{
	memset(st, 0, sizeof(*st));
	char peak[64];
	if (sys->read_small(sys->ctx, job->fd, "memory.peak", peak, sizeof(peak)) >= 0) {
		long v;
		st->has_peak = cg_parse_long(peak, NULL, &v) == 0 && v >= 0;
		st->memory_peak = st->has_peak ? (uint64_t)v : 0;
	}
	st->has_memory_events = read_keyed(sys, job->fd, "memory.events", "oom_kill",
					   &st->oom_kill);
	st->has_pids_events = read_keyed(sys, job->fd, "pids.events", "max", &st->pids_max_hits);
	static const char *const cpu_keys[] = {"usage_usec", "user_usec", "system_usec"};
	uint64_t *const cpu_values[] = {&st->usage_usec, &st->user_usec, &st->system_usec};
	read_keys(sys, job->fd, "cpu.stat", cpu_keys, cpu_values, 3);
}
