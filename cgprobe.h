/* SPDX-License-Identifier: MIT */
/*
 * The read half of the cgroup code (cgprobe.c): finding C, telling the
 * hierarchy apart, and the verdict on whether the layout can be made. It
 * writes nothing. Included by cgsetup.h, after struct cg_sys, cg_config and
 * cg_layout.
 */
#ifndef CGPROBE_H
#define CGPROBE_H

enum cg_hierarchy {
	CG_HIER_NONE = 0, /* no cgroup filesystem at all */
	CG_HIER_V1,       /* cgroup v1 only */
	CG_HIER_HYBRID,   /* v1 controllers, plus a controller-less cgroup2 */
	CG_HIER_V2,       /* unified */
};

const char *cg_hierarchy_name(enum cg_hierarchy h);

struct cg_probe {
	enum cg_hierarchy hier;
	char mount[CG_PATH_MAX];  /* the cgroup2 mount point */
	char rel[CG_PATH_MAX];    /* C as /proc/self/cgroup names it: "/" or "/docker/x" */
	char path[CG_PATH_MAX];   /* C as an absolute path */
	bool readonly;
	bool writable;         /* C/cgroup.procs is writable by cginit */
	bool ns_root;          /* C is the root of our cgroup namespace */
};

/* Finds C and tells v1, hybrid and v2 apart. Writes nothing. */
int cg_probe(const struct cg_sys *sys, struct cg_probe *p, struct cg_err *err);
/* The text part of the probe, exposed for tests and fuzzing: from
 * mountinfo and /proc/self/cgroup, the cgroup2 mount, C, and hier V2 (or
 * V1, NONE); refuses a C outside the mount or the cgroup namespace. */
int cg_probe_text(const char *mountinfo, const char *cgroups, const char *sys_mount,
		  struct cg_probe *p, struct cg_err *err);
/* Whether the probe found no writable cgroup v2 at all (v1, hybrid, none,
 * read-only, or not cginit's to write): nothing a layout could be made in,
 * as opposed to a layout that was possible and failed. */
bool cg_nothing_to_bootstrap(const struct cg_probe *p);

bool cg_has_token(const char *list, const char *token);
/* Strips trailing blanks and newlines in place. */
void cg_chomp(char *s);

/* Parsers of what the kernel hands us, exposed for tests and fuzzing. */
/* The path of the "0::" line of /proc/self/cgroup: 1 found, 0 none, -1
 * longer than len. */
int cg_unified_path(const char *text, char *out, size_t len);
/* A cgroup2 mount in mountinfo text, preferring the one at `preferred`. */
bool cg_find_cgroup2_mount(const char *mountinfo, const char *preferred, char *mnt,
			   size_t mlen, char *root, size_t rlen);
/* "+a +b" of the wanted controllers available and not yet enabled; -1 with
 * *err when a required one is not available; the optional ones that are
 * not go to skipped (may be NULL). */
int cg_plan_enable(const char *wanted, const char *available, const char *enabled,
		   const char *where, char *plan, size_t len, char *skipped, size_t skipped_len,
		   struct cg_err *err);
int cg_wanted_controllers(const char *extra, char *out, size_t len, struct cg_err *err);

/* sandbox/memory.max where none was asked for: C's memory.max less a
 * reserve for init/, as a number of bytes in out; false where C has no
 * limit, or one too small to split. */
bool cg_default_sandbox_memory(int c_fd, char *out, size_t len);

/*
 * The verdict on a probed C, before any write: each reason why the layout
 * cannot be made, in the order the bootstrap meets them. cg_bootstrap stops
 * at the first; --check lists them all. So both say the same, in the same
 * words, by construction.
 */
struct cg_diagnosis {
	int c_fd;             /* C, open read-only, once the diagnosis got there; else -1 */
	char wanted[256];     /* the controllers to enable, space separated */
	char skipped[128];    /* optional controllers C does not have */
	unsigned n_reasons;
	struct cg_err first;  /* the first reason: what --cgroup=require says */
	/* Called for every reason, first included; may be NULL. */
	void (*on_reason)(void *ctx, const struct cg_err *reason);
	void *ctx;
};

void cg_diagnosis_init(struct cg_diagnosis *d);
/* Fills d, and the paths of l; 0 when nothing stops the layout. The
 * caller closes d->c_fd. */
int cg_diagnose(const struct cg_sys *sys, const struct cg_probe *p, const struct cg_config *cfg,
		struct cg_layout *l, struct cg_diagnosis *d);

#endif
