/* SPDX-License-Identifier: MIT */
/*
 * The cgroup v2 code. Every cgroup write of cginit is in cgsetup.c (the
 * bootstrap), cgkill.c (placing the worker, killing the sandbox) and
 * cgjob.c (a job's cgroup, for the runner and the broker); what
 * they read to decide, and the verdict --check (cgcheck.c) shares, is
 * cgprobe.h's.
 *
 * Every write, mkdir, chown and kill, and the reads a fake kernel has to
 * answer (statfs, cgroup.procs), go through struct cg_sys: cgsys.c's real
 * one, or tests/unit/fakecg.h's fake tree in a temp dir. The other reads
 * (cgroup.controllers, /proc/PID/stat) and the walks of directories go to
 * the tree directly, which the fake's temp dir serves as well. Nothing here
 * hard-codes /sys/fs/cgroup.
 */
#ifndef CGSETUP_H
#define CGSETUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CGROUP2_MAGIC 0x63677270UL
#define CGROUP1_MAGIC 0x27e0ebUL
#define TMPFS_FS_MAGIC 0x01021994UL

/* Cgroup paths, in full. Real ones are a few hundred bytes (Kubernetes'
 * are the longest); a longer one is refused with ENAMETOOLONG. 4096 would
 * triple the memory cginit keeps touched for its whole life. */
#define CG_PATH_MAX 1024

/* The bound of every whole-file read (cg_read_all, sys->read_all):
 * cgroup.procs at pid_max (4194304) is about 32 MiB. mountinfo and
 * /proc/self/cgroup are far smaller, but read with the same bound. */
#define CG_READ_MAX ((size_t)64 << 20)

/* Bounds: no loop in the bootstrap runs for ever. */
#define CG_EVACUATE_ROUNDS 200
#define CG_EVACUATE_TIMEOUT_MS 3000
#define CG_ENABLE_TRIES 5

struct cg_err;
struct cg_names;
struct cg_limits;
struct cg_probe;

struct cg_sys {
	const char *proc;          /* "/proc": self/cgroup, self/mountinfo, PID/stat */
	const char *sys_mount;     /* "/sys/fs/cgroup": where cgroup2 is expected */
	/* statfs f_type and statvfs ST_RDONLY of path. */
	int (*fs_info)(void *ctx, const char *path, unsigned long *magic, bool *readonly);
	/* Whether cginit may make cgroups in the directory at path. */
	bool (*can_write)(void *ctx, const char *path);
	/* One write(2) of buf to dirfd/name; -1 with errno on failure. */
	int (*write_file)(void *ctx, int dirfd, const char *name, const char *buf, size_t len);
	/* One write(2) to an open file: the evacuation moves every pid through
	 * one open init/cgroup.procs. */
	int (*write_fd)(void *ctx, int fd, const char *buf, size_t len);
	/* dirfd/name read whole into a malloc'd, NUL-terminated buffer of at
	 * most max bytes (cg_read_all); NULL with errno. */
	char *(*read_all)(void *ctx, int dirfd, const char *name, size_t max);
	/* dirfd/name into buf with one read (cg_read_small): a file of one
	 * record, such as cgroup.events or cpu.stat; its length, or -1. */
	ssize_t (*read_small)(void *ctx, int dirfd, const char *name, char *buf, size_t cap);
	/* mkdirat; EEXIST is reported as such. */
	int (*make_dir)(void *ctx, int dirfd, const char *name);
	/* unlinkat(AT_REMOVEDIR): a job's cgroup at its end. */
	int (*remove_dir)(void *ctx, int dirfd, const char *name);
	/* fchownat of dirfd/name, or of dirfd itself when name is "". */
	int (*chown_at)(void *ctx, int dirfd, const char *name, uid_t uid, gid_t gid);
	/* fstatfs f_type of an open file: that C really is on cgroup2. */
	int (*fd_magic)(void *ctx, int fd, unsigned long *magic);
	/* kill(2), for the sweep of the kernels without cgroup.kill. */
	int (*kill)(void *ctx, pid_t pid, int sig);
	uint64_t (*now_ms)(void *ctx);
	/* Who the kernel makes a new cgroup's directory and files owned by:
	 * the maker's fsuid and fsgid (cgroup_kn_set_ugid), for cginit its
	 * euid and egid. A layout directory made by root needs no chown but
	 * of its delegated entry. */
	uid_t maker_uid;
	gid_t maker_gid;
	void *ctx;
};

/* The real world (cgsys.c): /proc/self, /sys/fs/cgroup, the real syscalls. */
void cg_sys_default(struct cg_sys *sys);

struct cg_config {
	const struct cg_names *names;
	const struct cg_limits *jobs_limits;    /* on jobs/, may be NULL */
	const struct cg_limits *sandbox_limits; /* on sandbox/, may be NULL */
	const char *extra_controllers; /* comma or space list, may be NULL */
	bool delegate;                 /* hand uid:gid what a sandboxer needs */
	uid_t uid;
	gid_t gid;
};

struct cg_layout {
	int c_fd, init_fd, sandbox_fd, worker_fd, jobs_fd; /* -1 when not open */
	char c_path[CG_PATH_MAX];
	char init_path[CG_PATH_MAX];
	char sandbox_path[CG_PATH_MAX];
	char worker_path[CG_PATH_MAX];
	char jobs_path[CG_PATH_MAX];
	char controllers[256]; /* enabled in C, space separated */
	unsigned moved;        /* processes evacuated into init/ */
};

void cg_layout_init(struct cg_layout *l);
void cg_layout_close(struct cg_layout *l);

/* Evacuates C into init/, enables controllers, builds sandbox/{worker,jobs}
 * with limits and delegation. Never writes outside C. On failure *err says
 * why and what fixes it; what was done stays done, which is harmless: the
 * processes sit in init/ and no controller is half-enabled. */
int cg_bootstrap(const struct cg_sys *sys, const struct cg_probe *p,
		 const struct cg_config *cfg, struct cg_layout *out, struct cg_err *err);

/* Pieces of the bootstrap, exposed for tests. */
/* Where the evacuation takes C's processes: C and init/, open and named
 * (the names are for the messages). */
struct cg_evacuation {
	int c_fd, init_fd;
	const char *c_path, *init_path;
};
int cg_evacuate(const struct cg_sys *sys, const struct cg_evacuation *ev, unsigned *moved,
		struct cg_err *err);
/* refill: where to evacuate again on EBUSY, or NULL. */
int cg_enable_controllers(const struct cg_sys *sys, int dirfd, const char *where,
			  const char *wanted, const struct cg_evacuation *refill, char *enabled,
			  size_t enabled_len, struct cg_err *err);

/* Parsers of what the kernel hands us in the evacuation, exposed for tests
 * and fuzzing. */
/* The next line of a cgroup.procs text: true with *pid, or *pid = -1 for
 * a line that is not a pid; false at the end. */
bool cg_next_pid(const char **cursor, long *pid);
/* Whether a /proc/PID/stat text is that of a kernel thread. */
bool cg_stat_is_kthread(const char *stat);

/* ---- cgkill.c: placing and killing -------------------------------------- */

/* Moves the calling process into the cgroup dirfd (the fallback when clone3
 * cannot place the worker). */
int cg_enter(const struct cg_sys *sys, int dirfd, const char *where);

/* Kills every process in the cgroup dirfd and below: cgroup.kill where the
 * kernel has it (5.14+), else SIGKILL to each listed pid, over the whole
 * tree, until a walk reads every cgroup and finds it empty. -1 unless the
 * tree was read and emptied. */
int cg_kill_tree(const struct cg_sys *sys, int dirfd, const char *where);

#include "cgprobe.h"

/* ---- cgcheck.c ----------------------------------------------------------- */

/* --check: prints what the bootstrap would find, writes nothing. Returns 0
 * when --cgroup=require would succeed, 1 otherwise. */
int cg_check(const struct cg_sys *sys, const struct cg_config *cfg, bool clone3,
	     int out_fd);

#endif
