// SPDX-License-Identifier: MIT
/*
 * cginit --check: what the cgroup bootstrap would find here, and whether
 * --cgroup=require would succeed. It only reads; it writes nothing.
 */
#include "cginit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_REASONS 8

struct check_report {
	int fd;
	const char *reasons[MAX_REASONS];
	char reason_buf[MAX_REASONS][1100];
	int n_reasons;
};

static void kv(struct check_report *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void kv(struct check_report *r, const char *key, const char *fmt, ...)
{
	char value[1200], line[1400];
	va_list ap;
	va_start(ap, fmt);
	cg_vfmt(value, sizeof(value), fmt, ap);
	va_end(ap);
	int n = cg_fmt(line, sizeof(line), "%-18s %s\n", key, value);
	if (n > 0) {
		ssize_t unused = write(r->fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
		(void)unused;
	}
}

/* A reason, word for word as the bootstrap would print it. */
static void add_reason(struct check_report *r, const char *text)
{
	if (r->n_reasons >= MAX_REASONS)
		return;
	cg_fmt(r->reason_buf[r->n_reasons], sizeof(r->reason_buf[0]), "%s", text);
	r->reasons[r->n_reasons] = r->reason_buf[r->n_reasons];
	r->n_reasons++;
}

static void read_trimmed(int dirfd, const char *name, char *buf, size_t len)
{
	if (cg_read_small(dirfd, name, buf, len) < 0)
		buf[0] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = p[1] ? ' ' : (char)'\0';
}

static unsigned count_lines(int dirfd, const char *name)
{
	char buf[8192];
	unsigned n = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t got;
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < got; i++)
			n += buf[i] == '\n';
	close(fd);
	return n;
}

/* A per-cgroup file such as memory.peak exists in non-root cgroups only;
 * when C is a namespace root, look at one of its children instead. */
static const char *file_presence(int c_fd, const char *name, const struct cg_names *names)
{
	if (faccessat(c_fd, name, F_OK, 0) == 0)
		return "yes";
	const char *children[] = {names->init, names->sandbox};
	for (size_t i = 0; i < 2; i++) {
		char path[256];
		cg_fmt(path, sizeof(path), "%s/%s", children[i], name);
		if (faccessat(c_fd, path, F_OK, 0) == 0)
			return "yes";
	}
	for (size_t i = 0; i < 2; i++)
		if (faccessat(c_fd, children[i], F_OK, 0) == 0)
			return "no";
	return "no (or C is a root: known after the bootstrap)";
}

/* What C holds and offers; the verdict on it is the diagnosis's. */
static void report_controllers(struct check_report *r, int c_fd, const struct cg_diagnosis *d)
{
	char avail[512], enabled[512], type[64];
	read_trimmed(c_fd, "cgroup.controllers", avail, sizeof(avail));
	read_trimmed(c_fd, "cgroup.subtree_control", enabled, sizeof(enabled));
	read_trimmed(c_fd, "cgroup.type", type, sizeof(type));
	kv(r, "cgroup.type:", "%s", type[0] ? type : "domain (root)");
	kv(r, "processes in C:", "%u", count_lines(c_fd, "cgroup.procs"));
	kv(r, "available:", "%s", avail[0] ? avail : "(none)");
	kv(r, "enabled:", "%s", enabled[0] ? enabled : "(none)");
	if (d->wanted[0])
		kv(r, "wanted:", "%s", d->wanted);
	if (d->skipped[0])
		kv(r, "warning:", "optional controllers not delegated by the parent cgroup, would "
				  "be skipped: %s", d->skipped);
}

static void report_features(struct check_report *r, int c_fd, const struct cg_names *names,
			    bool clone3)
{
	const char *files[] = {"memory.swap.max", "memory.peak", "pids.peak", "cgroup.kill"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char key[32];
		cg_fmt(key, sizeof(key), "%s:", files[i]);
		kv(r, key, "%s", file_presence(c_fd, files[i], names));
	}
	kv(r, "clone3:", "%s", clone3 ? "yes (the worker is forked straight into its cgroup)"
				       : "no (the worker moves itself before exec)");
}

static void reason_hook(void *ctx, const struct cg_err *reason)
{
	add_reason(ctx, reason->msg);
}

int cg_check(const struct cg_sys *sys, const struct cg_config *cfg, bool clone3, int out_fd)
{
	struct check_report r = {.fd = out_fd};
	struct cg_probe p;
	struct cg_err err = {0};
	struct cg_layout l;
	struct cg_diagnosis d;
	cg_layout_init(&l);
	cg_diagnosis_init(&d);
	if (cg_probe(sys, &p, &err) < 0) {
		add_reason(&r, err.msg);
		goto verdict;
	}
	kv(&r, "cgroup version:", "%s", cg_hierarchy_name(p.hier));
	if (p.hier == CG_HIER_HYBRID)
		kv(&r, "mount:", "%s (cgroup2 without controllers)", p.mount);
	/* The reasons are the bootstrap's own, in its words (cgprobe.c). */
	d.on_reason = reason_hook;
	d.ctx = &r;
	cg_diagnose(sys, &p, cfg, &l, &d);
	if (p.hier != CG_HIER_V2)
		goto verdict;
	kv(&r, "mount:", "%s", p.mount);
	kv(&r, "read-only:", "%s", p.readonly ? "yes" : "no");
	kv(&r, "cgroup (C):", "%s", p.path);
	kv(&r, "namespace root:", "%s", p.ns_root ? "yes" : "no (host cgroup namespace?)");
	if (d.c_fd < 0)
		goto verdict;
	report_controllers(&r, d.c_fd, &d);
	report_features(&r, d.c_fd, cfg->names, clone3);
	if (l.jobs_path[0])
		kv(&r, "CGINIT_SANDBOX:", "%s", l.jobs_path);
	/* The safe recipe: a job must not reach cgroupfs, nor be outside uid
	 * 0 (see the README's threat model). */
	kv(&r, "nsjail flags:", "--use_cgroupv2 --cgroupv2_mount \"$CGINIT_SANDBOX\" "
				"--tmpfsmount /sys/fs/cgroup");
	kv(&r, "  root worker:", "also --user 65534:65534:1 --group 65534:65534:1 (never map "
				"a job to uid 0 outside)");
	kv(&r, "  masked /proc:", "also --disable_proc, unless the container is privileged");
	close(d.c_fd);
verdict:
	kv(&r, "require mode:", "%s", r.n_reasons ? "would fail" : "would succeed");
	for (int i = 0; i < r.n_reasons; i++)
		kv(&r, "reason:", "%s", r.reasons[i]);
	return r.n_reasons ? 1 : 0;
}
