/* SPDX-License-Identifier: MIT */
/*
 * cginit: a tiny PID 1 for containers that run sandboxes.
 *
 * Shared declarations for every module: the error-reporting helper, the
 * parsed command line, and the interfaces between init.c (orchestration),
 * reaper.c (children and signals), privdrop.c (privileges) and the cgroup
 * code, declared in cgsetup.h (cgsetup.c, cgkill.c and cgjob.c make every
 * cgroup write). The job runner and its broker are declared in job.h.
 */
#ifndef CGINIT_H
#define CGINIT_H

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The version comes from the Makefile (VERSION), its one place. */
#ifndef CGINIT_VERSION
#error "CGINIT_VERSION is not defined: build with make"
#endif
#ifndef CGINIT_GIT
#define CGINIT_GIT "unknown"
#endif

/* Exit codes, following the conventions of docker run, env and timeout. */
enum {
	EXIT_CGINIT_FAILURE = 125, /* cginit itself failed */
	EXIT_CANNOT_EXEC = 126,    /* command found but not executable */
	EXIT_NOT_FOUND = 127,      /* command not found */
};

/* ---- log.c: the one error-reporting helper ---------------------------- */

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

extern int cg_verbosity; /* messages above this level are dropped */

/* An error kept for the caller to print, as an error or as a warning. */
struct cg_err {
	bool set;
	int errnum;
	char msg[1024];
};

/* Prints "cginit: <message>" to stderr in one write(2). */
void cg_log(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Reports a failure: "<message>: strerror(errnum)" (no cause when errnum is
 * 0). With err NULL it is printed now; otherwise the first one is kept in
 * *err. Returns -1 so that callers can `return cg_error(...)`. */
int cg_error(struct cg_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void cg_err_print(const struct cg_err *err, enum log_level level);
/* Adds context on the way up, as crun's crun_error_wrap: "<context>: "
 * before the message kept in *err. Returns -1. */
int cg_err_wrap(struct cg_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* strerror() for the errors cginit meets; "errno N" for the others. */
const char *cg_strerror(int errnum);

/* ---- text.c: formatting and numbers without libc's printf/strtol -------- */

#include <stdarg.h>

/* snprintf's contract for %s %.*s %-Ns %c %d %i %u %x (l, ll, z). */
int cg_fmt(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cg_vfmt(char *buf, size_t cap, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* A decimal long, optionally negative; *end past the digits. -1 on no
 * digits or overflow. */
int cg_parse_long(const char *text, const char **end, long *value);
/* ---- io.c: reading files, the clock, inherited fds ---------------------- */

/* Reads dirfd/name (a path, with AT_FDCWD) into buf, NUL-terminated, up to
 * cap - 1 bytes, with one read(2): for files of one seq_file record (a
 * cgroup interface file but cgroup.procs and cgroup.threads, /proc/PID/stat
 * and /proc/PID/cgroup), which that read returns whole. The length, or -1
 * with errno. */
ssize_t cg_read_small(int dirfd, const char *name, char *buf, size_t cap);
/* Reads dirfd/name whole into a malloc'd, NUL-terminated buffer that can
 * grow to max bytes; NULL with errno (EFBIG past max). */
char *cg_read_all(int dirfd, const char *name, size_t max);
/* Field `field` of a /proc/PID/stat text, counted after the command name
 * (1 is the state, 2 the parent pid, 7 the flags), as a number; -1 when
 * it is not one. */
int cg_stat_field(const char *stat, int field, long *value);
/* All of text to fd, over short writes and EINTR; -1 on a failed write. */
int cg_write_all(int fd, const char *text);
/* CLOCK_MONOTONIC in milliseconds. */
uint64_t monotonic_ms(void);
/* The most CPU seconds a second a job could use: the CPUs online, from
 * the list at `online` (/sys/devices/system/cpu/online), or this
 * process's affinity mask if that is more. Not the mask alone: a job may
 * widen its own within its cpuset, which sched_setaffinity allows without
 * privilege. CG_CPUS_UNKNOWN when neither can be read, so that CPU time is
 * looked at as often as the caller's minimum allows. */
#define CG_CPUS_ONLINE "/sys/devices/system/cpu/online"
#define CG_CPUS_UNKNOWN 4096u
unsigned cg_count_cpus(const char *online);
/* The CPUs in a kernel CPU list such as "0-3,8,10-11\n"; 0 if it is not
 * one. */
unsigned cg_count_cpu_list(const char *list);
/* The sooner of two deadlines, 0 standing for none. */
uint64_t cg_sooner(uint64_t a, uint64_t b);
/* A directory stream of its own for dirfd, which stays open: a dup() would
 * share dirfd's offset, and a second walk over the same directory would
 * read nothing. NULL with errno. */
DIR *cg_open_dir_stream(int dirfd);
/* Closes every fd but 0, 1, 2 and the n in keep: close_range, or where the
 * kernel lacks it (before 5.9) the fds proc/self/fd lists. -1 having said
 * why. */
int cg_close_fds_except(const char *proc, const int *keep, size_t n);

/* ---- options.c ---------------------------------------------------------- */

enum cgroup_mode { CGROUP_AUTO = 0, CGROUP_REQUIRE, CGROUP_OFF };

#define CGINIT_MAX_REMAP 256

struct cg_names {
	const char *init;    /* C/init: cginit and what was in C at start */
	const char *sandbox; /* C/sandbox: the delegated subtree */
	const char *worker;  /* C/sandbox/worker: the worker's leaf */
	const char *jobs;    /* C/sandbox/jobs: per-job cgroups go here */
};

/* The limits of one cgroup of the layout (sandbox/ or jobs/), as the
 * kernel spells them; NULL leaves the kernel's default ("max"). */
struct cg_limits {
	const char *memory_max;      /* memory.max */
	const char *pids_max;        /* pids.max */
	const char *cpu_max;         /* cpu.max */
	const char *max_descendants; /* cgroup.max.descendants */
	const char *max_depth;       /* cgroup.max.depth */
};

struct options {
	/* init */
	bool subreaper;
	int pdeathsig;          /* 0: none */
	bool kill_process_group; /* forward to the worker's process group */
	bool warn_on_reap;
	int grace_ms;            /* -1: no grace; SIGTERM/SIGINT only forwarded */
	bool remap[CGINIT_MAX_REMAP];
	int verbosity;

	/* cgroup */
	enum cgroup_mode cgroup_mode;
	bool cgroup_mode_explicit; /* given on the command line or env */
	const char *controllers;   /* extra controllers, comma or space list */
	struct cg_limits jobs_limits;    /* --jobs-*: all jobs together */
	struct cg_limits sandbox_limits; /* --sandbox-*: worker and jobs together */
	/* The first option that needs the layout (a limit, --delegate-to):
	 * with one, a missing layout is fatal, whatever the mode. */
	const char *layout_needed_by;
	bool delegate;             /* --delegate-to UID[:GID] given */
	uid_t delegate_uid;
	gid_t delegate_gid;
	struct cg_names names;
	/* As PID 1 with a layout, no job broker (job.h). */
	bool no_broker;

	/* privileges (privdrop.c) */
	const char *user;
	const char *cap_drop;
	const char *cap_keep;
	bool no_new_privs;
	/* --user keeps today's bounding, inheritable set and lets setuid
	 * binaries work (no no_new_privs): for a worker that needs sudo. */
	bool allow_privilege_escalation;

	/* diagnostics and the command */
	bool check;
	bool dry_run;  /* parse and resolve everything, run nothing */
	char **argv; /* the worker's argv, NULL-terminated */
};

enum parse_result {
	PARSE_OK = 0,   /* run the worker */
	PARSE_EXIT_OK,  /* --help, --version, -l printed: exit 0 */
	PARSE_ERROR,    /* message printed: exit 125 */
};

/* getenv is injected so that tests can parse without touching environ. */
typedef char *(*getenv_fn)(const char *name);

/* PARSE_ERROR with *err saying why; the caller prints it, then the
 * synopsis (usage_short). */
enum parse_result options_parse(struct options *opt, int argc, char **argv,
				getenv_fn env, struct cg_err *err);

/* ---- values.c: the values of single options ----------------------------- */

/* A decimal integer in [min, max], digits only; -1 on anything else. */
long parse_bounded(const char *text, long min, long max);
int parse_signal(const char *text);            /* -1 when invalid */
const char *signal_name(int sig);              /* "SIGTERM", or NULL */
int parse_exit_code(const char *text);         /* 0..255, or -1 */
int parse_duration_ms(const char *text);       /* seconds, may be "1.5" */
/* A limit as the kernel takes it: "max" or a decimal number, with a
 * K/M/G/T suffix when suffix_ok (memory.max). */
bool cg_valid_limit(const char *v, bool suffix_ok);
/* cpu.max: "QUOTA" or "QUOTA PERIOD", QUOTA a number or "max". */
bool cg_valid_cpu_max(const char *v);

/* ---- usage.c: what cginit says about itself ----------------------------- */

void usage(int fd);         /* --help */
void usage_short(int fd);   /* the synopsis and "See 'cginit --help'." */
void usage_license(int fd); /* -l, --license */
void usage_version(int fd); /* --version */

/* ---- reaper.c ----------------------------------------------------------- */

/* Hooks that reaper.c calls into: they keep cgroup and privilege work out of
 * reaper.c and let tests run the loop without either. */
struct spawn_hooks {
	int cgroup_fd;   /* fd of the worker's cgroup dir, or -1 */
	/* "NAME=value" entries the worker gets on top of cginit's own
	 * environment, NULL-terminated; may be NULL. */
	char *const *env;
	/* Called in the child after fork, before exec; in_cgroup says whether
	 * clone3 already placed it in cgroup_fd. Returns 0, or -1 having
	 * printed why. Runs with every signal still blocked. */
	int (*before_exec)(void *ctx, bool in_cgroup);
	void *ctx;
	/* Leave the terminal's foreground group alone: a job runner's job
	 * is not the one that Ctrl-C must reach first (the runner forwards
	 * it). */
	bool no_terminal;
};

struct reaper_config {
	bool kill_process_group;
	bool warn_on_reap;
	bool subreaper_mode;   /* not PID 1: clean up descendants at the end */
	int grace_ms;          /* -1: none */
	/* Called when the grace expired, or when the worker exited, to kill
	 * what is left of the sandbox; returns 0 when it did the job. */
	int (*kill_sandbox)(void *ctx);
	void *kill_ctx;
	const char *proc_root; /* "/proc" normally */
	uint64_t (*now_ms)(void); /* NULL: CLOCK_MONOTONIC */
	/* The job runner's limits: each turn, the caller's next deadline
	 * (0: none); once it has passed, on_deadline. NULL: none. */
	uint64_t (*next_deadline)(void *ctx);
	void (*on_deadline)(void *ctx);
	void *timer_ctx;
	/* Quiet: no INFO line for the worker's exit (the runner has its
	 * own verdict). */
	bool quiet_exit;
};

/* Blocks every signal, saving the mask the process inherited. */
int reaper_block_signals(sigset_t *inherited);
/* Forks the worker into its own process group and execs argv. */
pid_t reaper_spawn(char **argv, const sigset_t *inherited,
		   const struct spawn_hooks *hooks);
/* Runs until the worker exits; returns its wait status. */
int reaper_loop(pid_t worker, const struct reaper_config *cfg);
/* After the worker: reap what is left; as a subreaper, end descendants. */
void reaper_finish(pid_t worker, const struct reaper_config *cfg);
/* Maps a wait status to an exit code: the code, or 128+N for signal N. */
int exit_code_from_status(int status);
int reaper_become_subreaper(void);
/* Whether clone3 can place the worker (for --check); spawns nothing. */
bool reaper_clone3_available(void);
int reaper_set_pdeathsig(int sig);

/* ---- privdrop.c: least privilege for the worker ------------------------- */

#define PRIV_MAX_GROUPS 64

struct priv_plan {
	bool change_user;       /* --user given */
	uid_t uid;
	gid_t gid;
	gid_t groups[PRIV_MAX_GROUPS]; /* supplementary groups of the user */
	size_t ngroups;
	char home[256];         /* set as HOME when HOME is unset */
	bool drop_caps;         /* --cap-drop given */
	uint64_t drop;          /* bit N: capability N */
	bool keep_caps;         /* --cap-keep given */
	uint64_t keep;
	/* --user without --allow-privilege-escalation: no capability left
	 * anywhere but what --cap-keep keeps, bounding set included, and
	 * no_new_privs, so that no setuid binary can hand any back. */
	bool least_privilege;
	bool no_new_privs;
};

/* Where the user and group databases are; injected for tests. */
struct priv_files {
	const char *passwd; /* "/etc/passwd" */
	const char *group;  /* "/etc/group" */
};

/* Resolves --user, --cap-drop, --cap-keep and --no-new-privs into a plan,
 * before anything runs. Bad input (unknown user, group or capability, a
 * kept capability we do not hold) gives -1 with *err saying why. */
int priv_prepare(const struct options *opt, const struct priv_files *files,
		 struct priv_plan *plan, struct cg_err *err);
/* In the worker between fork and exec: setgroups, setgid, setuid, then the
 * capability sets and no_new_privs. -1 with *err saying why. */
int priv_apply(const struct priv_plan *plan, struct cg_err *err);
/* cginit itself, once the worker runs: keep only what reaping, forwarding
 * and killing need. */
int priv_limit_self(struct cg_err *err);
/* The job broker: mkdir, rmdir and chown in jobs/, and the kill sweep;
 * CAP_CHOWN, CAP_DAC_OVERRIDE and CAP_KILL. */
int priv_limit_broker(struct cg_err *err);
/* As PID 1, after the worker is forked: oom_score_adj -1000 for cginit
 * (needs CAP_SYS_RESOURCE, so before priv_limit_self). -1 having said why
 * at -v. */
int priv_protect_self_from_oom(const char *proc);
/* A --cap-drop/--cap-keep LIST (names with or without CAP_, any case,
 * comma separated, or "all") as a mask, bit N for capability N; option
 * names the option in the message. -1 having printed why. */
int priv_parse_caps(const char *list, const char *option, uint64_t *mask, struct cg_err *err);

/* ---- userdb.c: the user and group databases, for --user ----------------- */

/* The --user part of priv_prepare: USER[:GROUP] against files into uid,
 * gid, groups, home and change_user, whatever cginit's own privileges. */
int priv_resolve_user(const char *spec, const struct priv_files *files,
		      struct priv_plan *plan, struct cg_err *err);

/* ---- the cgroup code: cgsys.c cgprobe.c cgsetup.c cgkill.c cgcheck.c ---- */

#include "cgsetup.h"

#endif
