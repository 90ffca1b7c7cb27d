// SPDX-License-Identifier: MIT
/*
 * The read half of the cgroup code: find C, tell the hierarchy apart,
 * check that C can be written, and plan the controllers. Nothing here
 * writes to a cgroup; every write is in cgsetup.c and cgkill.c.
 *
 * cg_diagnose is the one verdict on a probed C, before any write: the
 * bootstrap stops at its first reason, and --check lists all of them, so
 * that --check and --cgroup=require say the same thing in the same words.
 */
#include "cginit.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REQUIRED_CONTROLLERS "cpu memory pids"

/* ---- tokens --------------------------------------------------------------- */

void cg_chomp(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

bool cg_has_token(const char *list, const char *token)
{
	/* Whole tokens only: "cpu" must not match "cpuset", as it does in
	 * nsjail's check. */
	size_t tlen = strlen(token);
	if (!list)
		return false;
	for (const char *p = list; *p;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		const char *end = p;
		while (*end && !isspace((unsigned char)*end))
			end++;
		if ((size_t)(end - p) == tlen && strncmp(p, token, tlen) == 0)
			return true;
		p = end;
	}
	return false;
}

static void append_token(char *out, size_t len, const char *prefix, const char *tok,
			 size_t toklen)
{
	size_t used = strlen(out);
	cg_fmt(out + used, len - used, "%s%s%.*s", used ? " " : "", prefix, (int)toklen, tok);
}

int cg_wanted_controllers(const char *extra, char *out, size_t len, struct cg_err *err)
{
	cg_fmt(out, len, "%s", REQUIRED_CONTROLLERS);
	if (!extra)
		return 0;
	for (const char *p = extra; *p;) {
		while (*p == ',' || *p == ' ')
			p++;
		const char *end = p;
		while (*end && *end != ',' && *end != ' ')
			end++;
		char tok[32];
		size_t tlen = (size_t)(end - p);
		if (tlen == 0)
			break;
		if (tlen >= sizeof(tok))
			return cg_error(err, 0, "controller name '%.*s' is too long", (int)tlen, p);
		memcpy(tok, p, tlen);
		tok[tlen] = '\0';
		if (!cg_has_token(out, tok)) {
			if (strlen(out) + tlen + 2 >= len)
				return cg_error(err, 0, "too many controllers in '%s'", extra);
			append_token(out, len, "", tok, tlen);
		}
		p = end;
	}
	return 0;
}

static int join_path(char *out, size_t len, const char *a, const char *b)
{
	int n = cg_fmt(out, len, "%s%s%s", a, (a[0] && a[strlen(a) - 1] == '/') ? "" : "/", b);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* ---- finding C ----------------------------------------------------------- */

const char *cg_hierarchy_name(enum cg_hierarchy h)
{
	switch (h) {
	case CG_HIER_V2: return "v2 (unified)";
	case CG_HIER_HYBRID: return "hybrid (v1 controllers, v2 without them)";
	case CG_HIER_V1: return "v1";
	default: return "none";
	}
}

/* mountinfo escapes blanks in paths as \040 and friends. */
static void unescape_octal(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* The idx-th space-separated field of a line, and its length. */
static const char *field_at(const char *line, const char *eol, int idx, size_t *len)
{
	const char *p = line;
	for (int i = 0; i < idx; i++) {
		while (p < eol && *p != ' ')
			p++;
		if (p == eol)
			return NULL;
		p++;
	}
	const char *end = p;
	while (end < eol && *end != ' ')
		end++;
	*len = (size_t)(end - p);
	return *len ? p : NULL;
}

static void copy_unescaped(char *out, const char *src, size_t n)
{
	memcpy(out, src, n);
	out[n] = '\0';
	unescape_octal(out);
}

/* The filesystem type of a mountinfo line: what follows " - ". Paths
 * cannot hold " - ": the kernel escapes their blanks as \040. */
static const char *mount_fstype(const char *line, const char *eol)
{
	for (const char *p = line; p + 3 <= eol; p++)
		if (p[0] == ' ' && p[1] == '-' && p[2] == ' ')
			return p + 3;
	return NULL;
}

static const char *end_of_line(const char *line)
{
	const char *nl = strchr(line, '\n');
	return nl ? nl : line + strlen(line);
}

static bool fstype_is(const char *line, const char *eol, const char *type)
{
	const char *t = mount_fstype(line, eol);
	size_t n = strlen(type);
	return t && (size_t)(eol - t) > n && strncmp(t, type, n) == 0 && t[n] == ' ';
}

/* Finds a cgroup2 mount in mountinfo, preferring `preferred`. Fills mount
 * point and mount root; returns whether one was found. A line reads
 * "id parent maj:min root mountpoint opts [optional...] - fstype src sopts". */
bool cg_find_cgroup2_mount(const char *mountinfo, const char *preferred, char *mnt,
			   size_t mlen, char *root, size_t rlen)
{
	bool found = false;
	for (const char *line = mountinfo; *line;) {
		const char *eol = end_of_line(line);
		size_t rn = 0, mn = 0;
		const char *r = field_at(line, eol, 3, &rn), *m = field_at(line, eol, 4, &mn);
		bool preferred_one = m && mn == strlen(preferred) && memcmp(m, preferred, mn) == 0;
		if (fstype_is(line, eol, "cgroup2") && r && m && rn < rlen && mn < mlen &&
		    (!found || preferred_one)) {
			copy_unescaped(root, r, rn);
			copy_unescaped(mnt, m, mn);
			found = true;
			if (preferred_one)
				break;
		}
		line = *eol ? eol + 1 : eol;
	}
	return found;
}

/* The "0::/path" line of /proc/self/cgroup. */
int cg_unified_path(const char *text, char *out, size_t len)
{
	for (const char *line = text; *line;) {
		const char *eol = end_of_line(line);
		size_t n = (size_t)(eol - line);
		if (n > 3 && strncmp(line, "0::", 3) == 0) {
			if (n - 3 >= len)
				return -1;
			memcpy(out, line + 3, n - 3);
			out[n - 3] = '\0';
			return 1;
		}
		line = *eol ? eol + 1 : eol;
	}
	return 0;
}

static bool has_v1_mounts(const char *mountinfo)
{
	for (const char *line = mountinfo; *line;) {
		const char *eol = end_of_line(line);
		if (fstype_is(line, eol, "cgroup"))
			return true;
		line = *eol ? eol + 1 : eol;
	}
	return false;
}

/* Whether a cgroup path has a ".." component. The kernel shows a cgroup
 * above the root of the reader's cgroup namespace as "/../..": joined to
 * the mount point, that path would lead outside C's namespace, and a write
 * there would be a write outside C. */
static bool has_dotdot(const char *path)
{
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += n;
	}
	return false;
}

/* C = mount point + (our cgroup path with the mount's root cut off). */
static int resolve_c(struct cg_probe *p, const char *mount_root, struct cg_err *err)
{
	const char *rel = p->rel;
	if (rel[0] != '/' || has_dotdot(rel))
		return cg_error(err, 0,
				"cginit's cgroup '%s' is outside its cgroup namespace: start cginit "
				"inside the container's cgroup namespace", rel);
	size_t rootlen = strcmp(mount_root, "/") == 0 ? 0 : strlen(mount_root);
	if (rootlen && (strncmp(rel, mount_root, rootlen) != 0 ||
			(rel[rootlen] != '/' && rel[rootlen] != '\0')))
		return cg_error(err, 0,
				"cginit's cgroup %s is not below the root %s of the cgroup2 mount at %s: "
				"mount cgroup2 from inside the container's cgroup namespace",
				rel, mount_root, p->mount);
	const char *tail = rel + rootlen;
	if (*tail == '\0' || strcmp(tail, "/") == 0)
		cg_fmt(p->path, sizeof(p->path), "%s", p->mount);
	else if (cg_fmt(p->path, sizeof(p->path), "%s%s", p->mount, tail) >= (int)sizeof(p->path))
		return cg_error(err, ENAMETOOLONG, "cgroup path %s%s", p->mount, tail);
	p->ns_root = strcmp(rel, "/") == 0;
	return 0;
}

int cg_probe_text(const char *mountinfo, const char *cgroups, const char *sys_mount,
		  struct cg_probe *p, struct cg_err *err)
{
	char mount_root[CG_PATH_MAX];
	memset(p, 0, sizeof(*p));
	bool v2 = cg_find_cgroup2_mount(mountinfo, sys_mount, p->mount, sizeof(p->mount),
				     mount_root, sizeof(mount_root));
	int unified = cg_unified_path(cgroups, p->rel, sizeof(p->rel));
	if (unified < 0)
		return cg_error(err, ENAMETOOLONG, "cginit's cgroup path in /proc/self/cgroup");
	if (!v2 || unified == 0) {
		p->hier = has_v1_mounts(mountinfo) ? CG_HIER_V1 : CG_HIER_NONE;
		return 0;
	}
	p->hier = CG_HIER_V2;
	return resolve_c(p, mount_root, err);
}

/* A tmpfs of v1 hierarchies next to a cgroup2 mount is the hybrid layout;
 * there the v2 tree usually holds no controllers at all. A file-existence
 * test cannot tell this apart from v2. */
static int classify_mounts(const struct cg_sys *sys, const char *mountinfo,
			   struct cg_probe *p, struct cg_err *err)
{
	unsigned long magic;
	if (sys->fs_info(sys->ctx, p->mount, &magic, &p->readonly) < 0)
		return cg_error(err, errno, "statfs %s", p->mount);
	if (magic != CGROUP2_MAGIC)
		return cg_error(err, 0, "%s is in mountinfo as cgroup2 but statfs says 0x%lx",
				p->mount, magic);
	unsigned long sys_magic;
	bool sys_ro;
	if (strcmp(p->mount, sys->sys_mount) != 0 &&
	    sys->fs_info(sys->ctx, sys->sys_mount, &sys_magic, &sys_ro) == 0 &&
	    sys_magic != CGROUP2_MAGIC && has_v1_mounts(mountinfo))
		p->hier = CG_HIER_HYBRID;
	return 0;
}

int cg_probe(const struct cg_sys *sys, struct cg_probe *p, struct cg_err *err)
{
	int ret = -1;
	char *mountinfo = NULL, *cgroups = NULL;
	memset(p, 0, sizeof(*p));
	int procfd = open(sys->proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return cg_error(err, errno, "open %s: is /proc mounted?", sys->proc);
	mountinfo = cg_read_all(procfd, "self/mountinfo", CG_READ_MAX);
	if (!mountinfo) {
		cg_error(err, errno, "read %s/self/mountinfo: is /proc mounted?", sys->proc);
		goto out;
	}
	cgroups = cg_read_all(procfd, "self/cgroup", CG_READ_MAX);
	if (!cgroups) {
		cg_error(err, errno, "read %s/self/cgroup", sys->proc);
		goto out;
	}
	if (cg_probe_text(mountinfo, cgroups, sys->sys_mount, p, err) < 0)
		goto out;
	if (p->hier == CG_HIER_V2 && classify_mounts(sys, mountinfo, p, err) < 0)
		goto out;
	/* Root in a container, or a user the cgroup was delegated to. */
	p->writable = p->hier == CG_HIER_V2 && !p->readonly && sys->can_write(sys->ctx, p->path);
	ret = 0;
out:
	free(mountinfo);
	free(cgroups);
	close(procfd);
	return ret;
}

bool cg_nothing_to_bootstrap(const struct cg_probe *p)
{
	return p->hier != CG_HIER_V2 || p->readonly || !p->writable;
}

/* ---- planning the controllers --------------------------------------------- */

/* A wanted controller that the parent does not delegate: an error when it
 * is one cginit needs, else a name added to *skipped. */
static int missing_controller(const char *tok, const char *where, bool required,
			      char *skipped, size_t skipped_len, struct cg_err *err)
{
	if (!required) {
		if (skipped)
			append_token(skipped, skipped_len, "", tok, strlen(tok));
		return 0;
	}
	return cg_error(err, 0,
			"controller %s not delegated by the parent cgroup: %s lacks it in "
			"cgroup.controllers; enable it in the parent's cgroup.subtree_control "
			"(host or runtime config)",
			tok, where);
}

/* Builds "+a +b" of the wanted controllers that are available and not yet
 * enabled; a required one that is missing is an error, an optional one
 * goes to skipped (may be NULL). */
int cg_plan_enable(const char *wanted, const char *available, const char *enabled,
		   const char *where, char *plan, size_t len, char *skipped, size_t skipped_len,
		   struct cg_err *err)
{
	plan[0] = '\0';
	if (skipped)
		skipped[0] = '\0';
	for (const char *p = wanted; *p;) {
		while (*p == ' ')
			p++;
		const char *end = strchr(p, ' ');
		size_t tlen = end ? (size_t)(end - p) : strlen(p);
		char tok[32];
		if (tlen == 0 || tlen >= sizeof(tok))
			break;
		memcpy(tok, p, tlen);
		tok[tlen] = '\0';
		if (!cg_has_token(available, tok)) {
			if (missing_controller(tok, where, cg_has_token(REQUIRED_CONTROLLERS, tok),
					       skipped, skipped_len, err) < 0)
				return -1;
		} else if (!cg_has_token(enabled, tok)) {
			append_token(plan, len, "+", tok, tlen);
		}
		p += tlen;
	}
	return 0;
}

static int check_domain(int c_fd, const char *where, struct cg_err *err)
{
	char type[64];
	/* The root cgroup has no cgroup.type; it is always a domain. */
	if (cg_read_small(c_fd, "cgroup.type", type, sizeof(type)) < 0)
		return errno == ENOENT ? 0 : cg_error(err, errno, "read %s/cgroup.type", where);
	cg_chomp(type);
	if (strcmp(type, "domain") == 0)
		return 0;
	return cg_error(err, 0,
			"%s is of cgroup.type '%s': memory and pids need a plain domain cgroup; "
			"a threaded controller was enabled while it held processes",
			where, type);
}

static int layout_paths(const struct cg_probe *p, const struct cg_names *names,
			struct cg_layout *l, struct cg_err *err)
{
	cg_fmt(l->c_path, sizeof(l->c_path), "%s", p->path);
	if (join_path(l->init_path, sizeof(l->init_path), l->c_path, names->init) < 0 ||
	    join_path(l->sandbox_path, sizeof(l->sandbox_path), l->c_path, names->sandbox) < 0 ||
	    join_path(l->worker_path, sizeof(l->worker_path), l->sandbox_path, names->worker) < 0 ||
	    join_path(l->jobs_path, sizeof(l->jobs_path), l->sandbox_path, names->jobs) < 0)
		return cg_error(err, ENAMETOOLONG, "cgroup path under %s", l->c_path);
	return 0;
}

static int usable_hierarchy(const struct cg_probe *p, struct cg_err *err)
{
	switch (p->hier) {
	case CG_HIER_V2:
		break;
	case CG_HIER_HYBRID:
		return cg_error(err, 0, "cgroup hybrid host: the controllers are on v1 and the "
				"cgroup2 tree at %s has none; cginit needs cgroup v2 "
				"(boot the host with systemd.unified_cgroup_hierarchy=1)", p->mount);
	case CG_HIER_V1:
		return cg_error(err, 0, "cgroup v1 host: cginit needs cgroup v2 "
				"(boot the host with systemd.unified_cgroup_hierarchy=1)");
	default:
		return cg_error(err, 0, "no cgroup filesystem is mounted: mount cgroup2 on "
				"/sys/fs/cgroup");
	}
	if (p->readonly)
		return cg_error(err, EROFS, "cgroupfs is read-only at %s: run the container with "
				"--privileged, or podman --security-opt unmask=/sys/fs/cgroup, or "
				"mount /sys/fs/cgroup rw in the runtime's config", p->mount);
	if (!p->writable)
		return cg_error(err, EACCES, "cginit cannot write its cgroup %s: run cginit as "
				"root in the container, or delegate that cgroup to its uid", p->path);
	return 0;
}

/* The path came from text; the open directory must really be cgroup2
 * (a bind mount or a symlink could put something else there). */
static int open_c(const struct cg_sys *sys, const char *path, struct cg_err *err)
{
	unsigned long magic;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cg_error(err, errno, "open %s", path);
	if (sys->fd_magic(sys->ctx, fd, &magic) < 0) {
		cg_error(err, errno, "statfs %s", path);
		goto fail;
	}
	if (magic != CGROUP2_MAGIC) {
		cg_error(err, 0, "%s is not on a cgroup2 filesystem (statfs type 0x%lx): "
			 "mount cgroup2 on %s", path, magic, path);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}


/* ---- a default for sandbox/memory.max ---------------------------------------- */

/* What init/ keeps of a limited C, at least: cginit needs about 100 KB, the
 * rest is for what docker exec starts there. */
#define INIT_RESERVE_MIN (16L << 20)

/*
 * Memory that no process holds (a file on a tmpfs or /dev/shm) is charged
 * to whoever wrote it, but counts for nobody when the OOM killer chooses.
 * A worker that fills a limited C that way leaves the killer a choice among
 * tiny processes, cginit among them. So where C has a memory.max and no
 * --sandbox-memory-max was given, sandbox/ gets C's limit less a reserve
 * (a sixteenth, at least 16 MiB), and its OOM kills stay inside sandbox/.
 * False where C has no limit, or one too small to split.
 */
bool cg_default_sandbox_memory(int c_fd, char *out, size_t len)
{
	char text[32];
	const char *end;
	long limit;
	if (cg_read_small(c_fd, "memory.max", text, sizeof(text)) <= 0 ||
	    cg_parse_long(text, &end, &limit) < 0 || limit <= 0)
		return false; /* "max", or no memory.max: the real root */
	long reserve = limit / 16 > INIT_RESERVE_MIN ? limit / 16 : INIT_RESERVE_MIN;
	if (limit < 2 * reserve)
		return false;
	cg_fmt(out, len, "%ld", limit - reserve);
	return true;
}

/* ---- the verdict ------------------------------------------------------------ */

void cg_diagnosis_init(struct cg_diagnosis *d)
{
	memset(d, 0, sizeof(*d));
	d->c_fd = -1;
}

/* One reason why the layout cannot be made: the first is kept for the
 * bootstrap, and each goes to the caller's hook, for --check. */
static void add_reason(struct cg_diagnosis *d, const struct cg_err *reason)
{
	if (d->n_reasons++ == 0)
		d->first = *reason;
	if (d->on_reason)
		d->on_reason(d->ctx, reason);
}

/* What C offers, against what is wanted: a missing required controller is
 * a reason, a missing optional one is only skipped. */
static void diagnose_controllers(struct cg_diagnosis *d, const char *where)
{
	char available[512], enabled[512], plan[512];
	struct cg_err err = {0};
	if (cg_read_small(d->c_fd, "cgroup.controllers", available, sizeof(available)) < 0)
		cg_error(&err, errno, "read %s/cgroup.controllers", where);
	else if (cg_read_small(d->c_fd, "cgroup.subtree_control", enabled, sizeof(enabled)) < 0)
		cg_error(&err, errno, "read %s/cgroup.subtree_control", where);
	else
		cg_plan_enable(d->wanted, available, enabled, where, plan, sizeof(plan), d->skipped,
			       sizeof(d->skipped), &err);
	if (err.set)
		add_reason(d, &err);
}

int cg_diagnose(const struct cg_sys *sys, const struct cg_probe *p, const struct cg_config *cfg,
		struct cg_layout *l, struct cg_diagnosis *d)
{
	struct cg_err err = {0};
	/* Without cgroup v2 there is no C to look at: one reason, the end. */
	if (p->hier != CG_HIER_V2) {
		usable_hierarchy(p, &err);
		add_reason(d, &err);
		return -1;
	}
	/* Read-only or not ours: said, and C is still read for the rest. */
	if (usable_hierarchy(p, &err) < 0)
		add_reason(d, &err);
	err = (struct cg_err){0};
	if (layout_paths(p, cfg->names, l, &err) < 0)
		add_reason(d, &err);
	err = (struct cg_err){0};
	bool wanted_ok = cg_wanted_controllers(cfg->extra_controllers, d->wanted, sizeof(d->wanted),
					       &err) == 0;
	if (!wanted_ok)
		add_reason(d, &err);
	err = (struct cg_err){0};
	d->c_fd = open_c(sys, p->path, &err);
	if (d->c_fd < 0) {
		add_reason(d, &err);
		return -1;
	}
	err = (struct cg_err){0};
	if (check_domain(d->c_fd, p->path, &err) < 0)
		add_reason(d, &err);
	if (wanted_ok)
		diagnose_controllers(d, p->path);
	return d->n_reasons ? -1 : 0;
}
