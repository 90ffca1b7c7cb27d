// SPDX-License-Identifier: MIT
/*
 * Least privilege: --user, --cap-drop, --cap-keep and --no-new-privs for the
 * worker, and a smaller capability set for cginit itself once the worker
 * runs. Every capability operation goes through libcap.
 *
 * priv_prepare resolves the options into a plan before anything runs, so
 * that bad input (an unknown user, group or capability, a capability to
 * keep that cginit does not hold) exits 125 before a worker exists.
 * priv_apply carries the plan out in the child, between fork and exec; any
 * failure there ends the child before exec, so that nothing half-applied
 * ever runs.
 *
 * --user's USER[:GROUP] is resolved against /etc/passwd and /etc/group by
 * userdb.c (priv_resolve_user).
 *
 * In the worker, in this order (each step needs privileges the next one
 * may take away):
 *   1. the bounding set loses what the worker may not have (needs
 *      CAP_SETPCAP, which root still has at that point);
 *   2. setgroups, setgid, setuid; with --cap-keep, PR_SET_KEEPCAPS (set
 *      through libcap) keeps the permitted set across the uid change;
 *   3. permitted, effective and inheritable are cut to the plan, and a
 *      non-root worker gets what it keeps as ambient capabilities, the only
 *      ones a non-root program keeps across execve;
 *   4. no_new_privs, last: it takes nothing away from the steps above.
 */
#include "cginit.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BIT(c) (UINT64_C(1) << (c))

/* Capabilities of the running kernel that a uint64_t can hold. */
static unsigned cap_bits(void)
{
	cap_value_t n = cap_max_bits();
	if (n <= 0)
		n = CAP_LAST_CAP + 1;
	return n > 64 ? 64 : (unsigned)n;
}

static uint64_t all_caps(void)
{
	unsigned n = cap_bits();
	return n >= 64 ? ~UINT64_C(0) : BIT(n) - 1;
}

static unsigned char lower(char c)
{
	unsigned char u = (unsigned char)c;
	return u >= 'A' && u <= 'Z' ? (unsigned char)(u - 'A' + 'a') : u;
}

static bool same_ci(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

/* ---- capability names ---------------------------------------------------- */

/*
 * The names, from the CAP_* constants of libcap's <sys/capability.h> (its
 * own copy of the kernel's header): each name is its constant's, stringized,
 * so a name cannot drift from its number. One string of names and a byte
 * per value: no table of pointers. libcap's cap_from_name would do the same
 * job, but it also parses numbers with strtoul, which drags musl's
 * stdio-based number scanner (2.5 KB) into the static binary.
 */
#define CAP_LIST(X) X(CHOWN) X(DAC_OVERRIDE) X(DAC_READ_SEARCH) X(FOWNER) X(FSETID) \
	X(KILL) X(SETGID) X(SETUID) X(SETPCAP) X(LINUX_IMMUTABLE) X(NET_BIND_SERVICE) \
	X(NET_BROADCAST) X(NET_ADMIN) X(NET_RAW) X(IPC_LOCK) X(IPC_OWNER) X(SYS_MODULE) \
	X(SYS_RAWIO) X(SYS_CHROOT) X(SYS_PTRACE) X(SYS_PACCT) X(SYS_ADMIN) X(SYS_BOOT) \
	X(SYS_NICE) X(SYS_RESOURCE) X(SYS_TIME) X(SYS_TTY_CONFIG) X(MKNOD) X(LEASE) \
	X(AUDIT_WRITE) X(AUDIT_CONTROL) X(SETFCAP) X(MAC_OVERRIDE) X(MAC_ADMIN) X(SYSLOG) \
	X(WAKE_ALARM) X(BLOCK_SUSPEND) X(AUDIT_READ) CAP_LIST_38(X) CAP_LIST_40(X)
/* Newer than some kernel headers a glibc build may see. */
#if defined(CAP_PERFMON) && defined(CAP_BPF)
#define CAP_LIST_38(X) X(PERFMON) X(BPF)
#else
#define CAP_LIST_38(X)
#endif
#ifdef CAP_CHECKPOINT_RESTORE
#define CAP_LIST_40(X) X(CHECKPOINT_RESTORE)
#else
#define CAP_LIST_40(X)
#endif
#define CAP_NAME_TEXT(x) #x "\0"
#define CAP_NAME_VALUE(x) CAP_##x,
static const char cap_name_text[] = CAP_LIST(CAP_NAME_TEXT);
static const unsigned char cap_name_value[] = {CAP_LIST(CAP_NAME_VALUE)};

/* For messages: "SYS_ADMIN", or "?" for a number with no name here. */
static const char *cap_name(unsigned cap)
{
	const char *text = cap_name_text;
	for (size_t i = 0; i < sizeof(cap_name_value); i++, text += strlen(text) + 1)
		if (cap_name_value[i] == cap)
			return text;
	return "?";
}

/* "chown", "CAP_CHOWN", "Cap_Chown": a capability of the running kernel. */
static int lookup_cap(const char *name, size_t len, unsigned *out)
{
	if (len > 4 && same_ci(name, "cap_", 4)) {
		name += 4;
		len -= 4;
	}
	const char *text = cap_name_text;
	for (size_t i = 0; i < sizeof(cap_name_value); i++) {
		size_t n = strlen(text);
		if (n == len && same_ci(name, text, len) && cap_name_value[i] < cap_bits()) {
			*out = cap_name_value[i];
			return 0;
		}
		text += n + 1;
	}
	return -1;
}

/* ---- capability sets as masks ------------------------------------------------ */

/* One set (permitted, effective or inheritable) of caps as a mask. */
static uint64_t mask_of(cap_t caps, cap_flag_t flag)
{
	uint64_t mask = 0;
	for (unsigned c = 0; c < cap_bits(); c++) {
		cap_flag_value_t on = CAP_CLEAR;
		if (cap_get_flag(caps, (cap_value_t)c, flag, &on) == 0 && on == CAP_SET)
			mask |= BIT(c);
	}
	return mask;
}

/* Makes one set of caps exactly mask. */
static int set_mask(cap_t caps, cap_flag_t flag, uint64_t mask)
{
	for (unsigned c = 0; c < cap_bits(); c++) {
		cap_value_t v = (cap_value_t)c;
		if (cap_set_flag(caps, flag, 1, &v, (mask & BIT(c)) ? CAP_SET : CAP_CLEAR) < 0)
			return -1;
	}
	return 0;
}

/* This process's permitted set; 0 if it cannot be read. */
static uint64_t own_permitted(void)
{
	cap_t cur = cap_get_proc();
	if (!cur)
		return 0;
	uint64_t mask = mask_of(cur, CAP_PERMITTED);
	cap_free(cur);
	return mask;
}

static uint64_t own_bounding(void)
{
	uint64_t mask = 0;
	for (unsigned c = 0; c < cap_bits(); c++)
		if (cap_get_bound((cap_value_t)c) == 1)
			mask |= BIT(c);
	return mask;
}

/* Drops from the bounding set everything not in keep. */
static int limit_bounding(uint64_t keep, struct cg_err *err)
{
	uint64_t drop = own_bounding() & ~keep;
	for (unsigned c = 0; c < cap_bits(); c++)
		if ((drop & BIT(c)) && cap_drop_bound((cap_value_t)c) < 0)
			return cg_error(err, errno, "drop CAP_%s (%u) from the bounding set",
					cap_name(c), c);
	return 0;
}

/* With held non-NULL, every capability named must be in *held, and "all"
 * means all of *held. */
static int parse_caps(const char *list, const char *option, const uint64_t *held,
		      uint64_t *mask, struct cg_err *err)
{
	*mask = 0;
	const char *p = list;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *name = p;
		while (len > 0 && (*name == ' ' || *name == '\t')) {
			name++;
			len--;
		}
		while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
			len--;
		unsigned cap;
		if (len == 0) {
			return cg_error(err, 0, "invalid %s '%s': empty capability name", option, list);
		} else if (len == 3 && same_ci(name, "all", 3)) {
			*mask |= held ? *held : all_caps();
		} else if (lookup_cap(name, len, &cap) < 0) {
			return cg_error(err, 0, "invalid %s '%s': unknown capability '%.*s'",
					option, list, (int)len, name);
		} else if (held && !(*held & BIT(cap))) {
			return cg_error(err, 0, "invalid %s '%s': cginit does not hold '%.*s' "
					"(not in its permitted or bounding set)",
					option, list, (int)len, name);
		} else {
			*mask |= BIT(cap);
		}
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int priv_parse_caps(const char *list, const char *option, uint64_t *mask, struct cg_err *err)
{
	return parse_caps(list, option, NULL, mask, err);
}

/* ---- the plan -------------------------------------------------------------- */

/* What the worker ends with: the kept set (without --cap-keep, nothing
 * under --user's least privilege, else everything) less the dropped one. */
static uint64_t worker_caps(const struct priv_plan *plan)
{
	uint64_t want = plan->keep_caps ? plan->keep : plan->least_privilege ? 0 : all_caps();
	return plan->drop_caps ? want & ~plan->drop : want;
}

/* Whether the worker's capability sets change at all. */
static bool changes_caps(const struct priv_plan *plan)
{
	return plan->drop_caps || plan->keep_caps || plan->least_privilege;
}

int priv_prepare(const struct options *opt, const struct priv_files *files,
		 struct priv_plan *plan, struct cg_err *err)
{
	memset(plan, 0, sizeof(*plan));
	if (opt->user && priv_resolve_user(opt->user, files, plan, err) < 0)
		return -1;
	/* A setuid-root binary in the image (debian:bookworm-slim ships
	 * several) would otherwise give an unprivileged worker every
	 * capability in the bounding set back. */
	plan->least_privilege = plan->change_user && !opt->allow_privilege_escalation;
	plan->no_new_privs = opt->no_new_privs || plan->least_privilege;
	if (opt->cap_drop) {
		if (parse_caps(opt->cap_drop, "--cap-drop", NULL, &plan->drop, err) < 0)
			return -1;
		plan->drop_caps = true;
	}
	if (opt->cap_keep) {
		/* Unknown names first, then what is not held. */
		uint64_t held = own_permitted() & own_bounding();
		if (parse_caps(opt->cap_keep, "--cap-keep", NULL, &plan->keep, err) < 0 ||
		    parse_caps(opt->cap_keep, "--cap-keep", &held, &plan->keep, err) < 0)
			return -1;
		plan->keep_caps = true;
	}
	/* What the child would fail at with EPERM, said now and by name. */
	uint64_t have = own_permitted();
	if (changes_caps(plan) && (own_bounding() & ~worker_caps(plan)) &&
	    !(have & BIT(CAP_SETPCAP))) {
		if (!plan->drop_caps && !plan->keep_caps)
			return cg_error(err, 0, "cannot apply --user %s: cginit lacks CAP_SETPCAP, "
					"needed to empty the worker's bounding set; give the "
					"container CAP_SETPCAP, or accept the risk with "
					"--allow-privilege-escalation", opt->user);
		return cg_error(err, 0, "cannot apply %s%s%s: cginit lacks CAP_SETPCAP, needed to "
				"drop capabilities from the bounding set",
				opt->cap_drop ? "--cap-drop" : "",
				opt->cap_drop && opt->cap_keep ? " and " : "",
				opt->cap_keep ? "--cap-keep" : "");
	}
	uint64_t setid = BIT(CAP_SETUID) | BIT(CAP_SETGID);
	if (plan->change_user && (have & setid) != setid)
		return cg_error(err, 0, "cannot apply --user %s: cginit lacks CAP_SETUID or CAP_SETGID",
				opt->user);
	return 0;
}

/* ---- applying it ----------------------------------------------------------- */

/*
 * The credential system calls, made directly: the child is a fresh fork of
 * single-threaded cginit, so the libc wrappers' machinery for changing
 * every thread at once (musl's __synccall: signals, semaphores, 2 KB of the
 * static binary) has nothing to do. 32-bit ABIs that kept 16-bit ids in
 * the old calls have *32 variants.
 */
#ifdef SYS_setuid32
#define NR_SETGROUPS SYS_setgroups32
#define NR_SETGID SYS_setgid32
#define NR_SETUID SYS_setuid32
#else
#define NR_SETGROUPS SYS_setgroups
#define NR_SETGID SYS_setgid
#define NR_SETUID SYS_setuid
#endif

static int change_user(const struct priv_plan *plan, struct cg_err *err)
{
	if (syscall(NR_SETGROUPS, plan->ngroups, plan->groups) < 0)
		return cg_error(err, errno, "setgroups (%zu groups)", plan->ngroups);
	if (syscall(NR_SETGID, plan->gid) < 0)
		return cg_error(err, errno, "setgid %u", (unsigned)plan->gid);
	/* Leaving uid 0 empties the permitted set, unless PR_SET_KEEPCAPS is
	 * on, as it must be for --cap-keep (the effective set is emptied
	 * anyway; set_worker_caps sets it again). */
	if (plan->keep_caps && cap_prctlw(PR_SET_KEEPCAPS, 1, 0, 0, 0, 0) < 0)
		return cg_error(err, errno, "prctl PR_SET_KEEPCAPS");
	if (syscall(NR_SETUID, plan->uid) < 0)
		return cg_error(err, errno, "setuid %u", (unsigned)plan->uid);
	if (plan->keep_caps && cap_prctlw(PR_SET_KEEPCAPS, 0, 0, 0, 0, 0) < 0)
		return cg_error(err, errno, "prctl PR_SET_KEEPCAPS");
	/* HOME comes with the worker's environment, from init.c. */
	return 0;
}

/* Permitted, effective and inheritable: with --cap-keep exactly want, with
 * --cap-drop alone whatever is left less the dropped ones. */
static int set_worker_caps(const struct priv_plan *plan, uint64_t want, struct cg_err *err)
{
	static const cap_flag_t flags[] = {CAP_PERMITTED, CAP_EFFECTIVE, CAP_INHERITABLE};
	cap_t caps = cap_get_proc();
	if (!caps)
		return cg_error(err, errno, "cap_get_proc");
	int rc = 0;
	for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]) && rc == 0; f++) {
		uint64_t now = plan->keep_caps ? want : mask_of(caps, flags[f]) & want;
		rc = set_mask(caps, flags[f], now);
	}
	if (rc == 0 && cap_set_proc(caps) < 0)
		rc = -1;
	cap_free(caps);
	if (rc < 0)
		return cg_error(err, errno, "cannot set the worker's capabilities");
	/* Nothing inherited from cginit's own ambient set survives; lowering
	 * the inheritable set above has already cut it to what is kept. */
	if (plan->least_privilege && cap_reset_ambient() < 0)
		return cg_error(err, errno, "clear the worker's ambient capabilities");
	/* A non-root program keeps across execve only its ambient set. */
	uid_t uid = plan->change_user ? plan->uid : getuid();
	if (!plan->keep_caps || uid == 0)
		return 0;
	for (unsigned c = 0; c < cap_bits(); c++)
		if ((want & BIT(c)) && cap_set_ambient((cap_value_t)c, CAP_SET) < 0)
			return cg_error(err, errno, "raise CAP_%s (%u) to the ambient set",
					cap_name(c), c);
	return 0;
}

int priv_apply(const struct priv_plan *plan, struct cg_err *err)
{
	bool caps = changes_caps(plan);
	if (!plan->change_user && !caps && !plan->no_new_privs)
		return 0; /* plain tini: the worker gets what cginit got */
	uint64_t want = worker_caps(plan);
	if (caps && limit_bounding(want, err) < 0)
		return -1;
	if (plan->change_user && change_user(plan, err) < 0)
		return -1;
	if (caps && set_worker_caps(plan, want, err) < 0)
		return -1;
	if (plan->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0)
		return cg_error(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
	return 0;
}

/* ---- cginit itself ----------------------------------------------------------- */

/*
 * Once the worker runs, cginit only waits, forwards signals, kills, and
 * reads /proc. It keeps:
 *   CAP_KILL          signals to a worker, or descendants, of another uid
 *                     (the --user worker, whatever it setuid'd to): without
 *                     it, forwarding and the subreaper's cleanup fail with
 *                     EPERM (the integration tests check both);
 *   CAP_DAC_OVERRIDE  writes to cgroup.kill (and the fallback's reads of
 *                     cgroup.procs) in a sandbox delegated to the worker's
 *                     uid: those files are the worker's then, not root's.
 *                     It covers reads and directory searches too, so
 *                     CAP_DAC_READ_SEARCH is not kept;
 *   CAP_SYS_PTRACE    the subreaper's /proc scan for descendants: on a /proc
 *                     mounted hidepid=invisible, other uids' processes are
 *                     only visible with it. Kept to be safe: without it that
 *                     cleanup would silently miss them.
 * Everything else goes from the permitted, effective, inheritable and
 * bounding sets (cginit never execs, so the last two are defence in
 * depth). No cgroup write after the worker starts needs CAP_SYS_ADMIN:
 * cgroup.kill only checks file permissions. Without CAP_SETPCAP the
 * bounding set stays as it is; lowering the other three needs nothing.
 */
/* Keeps only `keep` in the permitted, effective and bounding sets. */
static int limit_self_to(uint64_t keep, struct cg_err *err)
{
	cap_t cur = cap_get_proc();
	if (!cur)
		return cg_error(err, errno, "cap_get_proc");
	uint64_t permitted = mask_of(cur, CAP_PERMITTED), effective = mask_of(cur, CAP_EFFECTIVE);
	int rc = (effective & BIT(CAP_SETPCAP)) ? limit_bounding(keep, err) : 0;
	/* The inheritable set (and with it the ambient one) becomes empty. */
	if (cap_clear(cur) < 0 || set_mask(cur, CAP_PERMITTED, permitted & keep) < 0 ||
	    set_mask(cur, CAP_EFFECTIVE, effective & keep) < 0 || cap_set_proc(cur) < 0)
		rc = cg_error(err, errno, "cannot lower cginit's capabilities");
	cap_free(cur);
	return rc;
}

int priv_limit_self(struct cg_err *err)
{
	return limit_self_to(BIT(CAP_KILL) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_SYS_PTRACE), err);
}

int priv_limit_broker(struct cg_err *err)
{
	return limit_self_to(BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_KILL), err);
}

/* ---- cginit and the OOM killer ---------------------------------------------- */

/*
 * Memory that no process holds, such as a file on a tmpfs or /dev/shm, is
 * charged to the cgroup of whoever wrote it but counts in nobody's
 * oom_score. A worker that fills the container's memory that way leaves
 * the OOM killer a choice among tiny processes, and it may pick PID 1,
 * which ends the container. So PID 1 takes OOM_SCORE_ADJ_MIN, which the
 * killer never picks. Lowering it needs CAP_SYS_RESOURCE; it is done after
 * the worker is forked, because a child inherits the value and also the
 * floor it may go back down to without that capability.
 */
int priv_protect_self_from_oom(const char *proc)
{
	char path[64];
	cg_fmt(path, sizeof(path), "%s/self/oom_score_adj", proc);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int rc = fd >= 0 && write(fd, "-1000", 5) == 5 ? 0 : -1;
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		/* No CAP_SYS_RESOURCE, as in an unprivileged container, or no
		 * /proc (which is said already): only at -v, with what helps. */
		cg_log(LOG_INFO, "cannot protect cginit from the OOM killer (write -1000 to %s: %s): "
		       "set --sandbox-memory-max below the container's memory limit", path,
		       cg_strerror(e));
	return rc;
}
