/* SPDX-License-Identifier: MIT */
/*
 * One job's cgroup, from mkdir to rmdir: made under jobs/ with its limits,
 * killed whole, read for the verdict, removed. Used by the job runner
 * (job.c), which makes the cgroup itself when there is no broker, and by
 * the broker (broker.c), which makes it as root. Every write goes through
 * struct cg_sys, as in cgsetup.c, so the unit tests run it on the fake.
 */
#ifndef CGJOB_H
#define CGJOB_H

#include "cginit.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define CG_JOB_NAME_MAX 32

struct cg_job {
	int fd;                      /* the job's cgroup directory, or -1 */
	char name[CG_JOB_NAME_MAX];  /* its name under the parent */
	char path[CG_PATH_MAX];      /* parent path/name, for messages */
};

/* Who may place and kill the job: the broker's caller. The rest of the
 * job's files stay root's. */
struct cg_job_owner {
	uid_t uid;
	gid_t gid;
};

/* What the verdict reads from the job's cgroup once it is empty. */
struct cg_job_stats {
	bool has_peak;          /* memory.peak exists (Linux 5.19+) */
	uint64_t memory_peak;   /* bytes */
	bool has_memory_events;
	uint64_t oom_kill;      /* memory.events oom_kill */
	bool has_pids_events;
	uint64_t pids_max_hits; /* pids.events max */
	uint64_t usage_usec, user_usec, system_usec; /* cpu.stat */
};

void cg_job_init(struct cg_job *job);

/* Makes a fresh cgroup PREFIX-N (the first free N from *seq on) under
 * parent_fd, writes the limits (memory.max with memory.swap.max 0, so swap
 * does not stretch it; memory.oom.group 1, so the OOM killer takes the
 * whole job; pids.max; cpu.max) and, with owner, hands the owner
 * cgroup.procs and cgroup.kill. On any failure the cgroup is removed
 * again: a job never runs with half its limits. */
int cg_job_create(const struct cg_sys *sys, int parent_fd, const char *parent_path,
		  const char *prefix, unsigned long *seq, const struct cg_limits *lim,
		  const struct cg_job_owner *owner, struct cg_job *job, struct cg_err *err);

/* Kills everything in the job's cgroup and waits, at most timeout_ms,
 * until it is empty. -1 having said why. */
int cg_job_kill(const struct cg_sys *sys, const struct cg_job *job, unsigned timeout_ms,
		struct cg_err *err);

/* Removes the job's cgroup, the cgroups a job made below it first, and
 * closes it. parent_fd is the directory it was made in. */
int cg_job_remove(const struct cg_sys *sys, int parent_fd, struct cg_job *job,
		  struct cg_err *err);

/* The broker's end of a job: rmdir, and only if that fails (the job still
 * runs, or made cgroups below) the kill and the removal. The job is
 * closed and reset whatever happens. */
int cg_job_end(const struct cg_sys *sys, int parent_fd, struct cg_job *job, unsigned kill_ms,
	       struct cg_err *err);

/* cpu.stat usage_usec: what the CPU time limit is checked against. */
int cg_job_cpu_usec(const struct cg_sys *sys, const struct cg_job *job, uint64_t *usec);

/* Whether the job has used limit_usec of CPU; if not, *next_ms is when to
 * look again: the soonest it could, running on ncpus CPUs, and at least
 * min_ms from now; 0 once the cgroup is gone (nothing runs there). */
bool cg_job_check_cpu(const struct cg_sys *sys, const struct cg_job *job, uint64_t limit_usec,
		      unsigned ncpus, unsigned min_ms, uint64_t now_ms, uint64_t *next_ms);

void cg_job_read_stats(const struct cg_sys *sys, const struct cg_job *job,
		       struct cg_job_stats *st);

/* The value of KEY in a flat keyed file ("key value\n" lines, as in
 * cpu.stat and memory.events); false when the key is missing. Exposed for
 * tests and fuzzing. */
bool cg_keyed_u64(const char *text, const char *key, uint64_t *value);

#endif
