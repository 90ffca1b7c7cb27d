/* SPDX-License-Identifier: MIT */
/*
 * A fake cgroup v2 "kernel" for unit tests: a directory tree in a temp dir
 * plus the rules of cgroup-v2.rst that the bootstrap depends on, applied in
 * the write hook:
 * - writing a pid to cgroup.procs moves it (one pid per write);
 * - writing to cgroup.subtree_control fails with EBUSY while the cgroup
 *   holds processes, and with ENOENT for a controller it does not have;
 * - a new child cgroup gets cgroup.controllers = its parent's
 *   subtree_control, and the interface files of those controllers.
 * - chown is recorded in a table of owners (everything else is root's,
 *   as the kernel makes a cgroup of root's), so no test needs root;
 * - kill of a listed pid removes it from every cgroup.procs, as a death
 *   does.
 * Failures are injected per file and pid. It never touches /sys/fs/cgroup.
 */
#ifndef FAKECG_H
#define FAKECG_H

#include "cginit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#define FAKE_MAX_FAULTS 16
#define FAKE_MAX_OWNERS 256
#define FAKE_MAX_KILLS 64

struct fake_owner {
	char path[PATH_MAX];
	uid_t uid;
	gid_t gid;
};

struct fake_fault {
	char file[64];  /* file name the write goes to */
	long pid;       /* for cgroup.procs: only this pid; 0: any */
	int err;        /* errno to fail with */
	int times;      /* how many writes fail; -1: all */
};

struct fakecg {
	char root[PATH_MAX];   /* the temp dir */
	char mount[PATH_MAX];  /* root/cgroup: the fake cgroup2 mount */
	char proc[PATH_MAX];   /* root/proc/self */
	char procroot[PATH_MAX]; /* root/proc */
	char sysfs[PATH_MAX];  /* root/sysfs: a "tmpfs" for hybrid tests */
	char c_path[PATH_MAX]; /* C */
	bool readonly;
	bool not_ours;         /* C may not be written by cginit (EACCES) */
	bool hybrid;           /* sys_mount is a tmpfs, cgroup2 below it */
	bool has_kill;         /* new cgroups get cgroup.kill */
	bool kill_is_slow;     /* cgroup.kill leaves the processes listed, as
				* tasks stuck in D state would stay */
	uint64_t clock_ms;
	unsigned clock_step;   /* ms added by every now_ms() call */
	/* Called after each successful pid move: lets a test add processes
	 * to C the way a concurrent docker exec would. */
	void (*on_move)(struct fakecg *f, long pid);
	unsigned moves;
	struct fake_fault faults[FAKE_MAX_FAULTS];
	int n_faults;
	/* When set, subtree_control reads back this instead of what was
	 * written (to test the read-back check). */
	const char *subtree_readback;
	unsigned kills;        /* writes to cgroup.kill */
	struct fake_owner owners[FAKE_MAX_OWNERS];
	int n_owners;
	long killed[FAKE_MAX_KILLS]; /* pids sent a signal through kill() */
	int n_killed;
	int kill_errno;        /* kill() fails with this when non-zero */
	unsigned long c_magic; /* fstatfs f_type of fds below the mount */
	struct cg_sys sys;
};

/* mkdir -p: each component of path in turn, an existing one being fine. */
static inline void fake_mkdirs(const char *path)
{
	char part[PATH_MAX];
	if (snprintf(part, sizeof(part), "%s", path) >= (int)sizeof(part))
		abort();
	for (char *slash = strchr(part + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = '\0';
		if (mkdir(part, 0755) < 0 && errno != EEXIST) {
			perror(part);
			abort();
		}
		if (!slash)
			return;
		*slash = '/';
	}
}

static inline void fake_write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	if (!fp) {
		perror(path);
		abort();
	}
	fputs(text, fp);
	fclose(fp);
}

static inline char *fake_read_text(const char *dir, const char *name)
{
	static char buf[8192];
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf[0] = '\0';
	FILE *fp = fopen(path, "r");
	if (!fp)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static inline void fake_fd_path(int dirfd, char *out, size_t len)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	ssize_t n = readlink(link, out, len - 1);
	out[n > 0 ? n : 0] = '\0';
}

/* Fills a new cgroup directory with the files the kernel would show. */
static inline void fake_populate(struct fakecg *f, const char *dir, const char *controllers)
{
	fake_write_text(dir, "cgroup.procs", "");
	fake_write_text(dir, "cgroup.threads", "");
	fake_write_text(dir, "cgroup.controllers", controllers);
	fake_write_text(dir, "cgroup.subtree_control", "");
	fake_write_text(dir, "cgroup.type", "domain\n");
	fake_write_text(dir, "cgroup.max.descendants", "max\n");
	fake_write_text(dir, "cgroup.max.depth", "max\n");
	if (f->has_kill)
		fake_write_text(dir, "cgroup.kill", "");
	fake_write_text(dir, "cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
	if (cg_has_token(controllers, "memory")) {
		fake_write_text(dir, "memory.max", "max\n");
		fake_write_text(dir, "memory.swap.max", "max\n");
		fake_write_text(dir, "memory.oom.group", "0\n");
		fake_write_text(dir, "memory.peak", "0\n");
		fake_write_text(dir, "memory.events",
				"low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
	}
	if (cg_has_token(controllers, "pids")) {
		fake_write_text(dir, "pids.max", "max\n");
		fake_write_text(dir, "pids.events", "max 0\n");
	}
	if (cg_has_token(controllers, "cpu"))
		fake_write_text(dir, "cpu.max", "max 100000\n");
}

static inline int fake_fs_info(void *ctx, const char *path, unsigned long *magic, bool *ro)
{
	struct fakecg *f = ctx;
	if (strncmp(path, f->mount, strlen(f->mount)) == 0) {
		*magic = CGROUP2_MAGIC;
	} else if (strcmp(path, f->sysfs) == 0) {
		*magic = TMPFS_FS_MAGIC;
	} else {
		errno = ENOENT;
		return -1;
	}
	*ro = f->readonly;
	return 0;
}

static inline bool fake_can_write(void *ctx, const char *path)
{
	struct fakecg *f = ctx;
	(void)path;
	return !f->not_ours;
}

static inline int fake_take_fault(struct fakecg *f, const char *name, long pid)
{
	for (int i = 0; i < f->n_faults; i++) {
		struct fake_fault *x = &f->faults[i];
		if (strcmp(x->file, name) != 0 || (x->pid && x->pid != pid) || x->times == 0)
			continue;
		if (x->times > 0)
			x->times--;
		return x->err;
	}
	return 0;
}

static inline void fake_add_fault(struct fakecg *f, const char *file, long pid, int err,
				  int times)
{
	struct fake_fault *x = &f->faults[f->n_faults++];
	snprintf(x->file, sizeof(x->file), "%s", file);
	x->pid = pid;
	x->err = err;
	x->times = times;
}

/* Removes `pid` from the file (cgroup.procs, cgroup.threads) of dir; true
 * if it was there. */
static inline bool fake_remove_from(const char *dir, const char *file, long pid)
{
	char *text = fake_read_text(dir, file);
	if (!text)
		return false;
	char out[8192] = "";
	bool found = false;
	char *save = NULL;
	for (char *t = strtok_r(text, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		if (strtol(t, NULL, 10) == pid && !found) {
			found = true;
			continue;
		}
		strcat(out, t);
		strcat(out, "\n");
	}
	fake_write_text(dir, file, out);
	return found;
}

static inline bool fake_remove_pid(const char *dir, long pid)
{
	return fake_remove_from(dir, "cgroup.procs", pid);
}

static inline void fake_append_pid(const char *dir, long pid)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	FILE *fp = fopen(path, "a");
	fprintf(fp, "%ld\n", pid);
	fclose(fp);
}

static inline int fake_move_pid(struct fakecg *f, const char *dir, const char *buf)
{
	long pid = strtol(buf, NULL, 10);
	int e = fake_take_fault(f, "cgroup.procs", pid);
	if (e == ESRCH)
		fake_remove_pid(f->c_path, pid); /* it exited */
	if (e) {
		errno = e;
		return -1;
	}
	/* The fake tracks C only: a pid comes from there. */
	if (pid != 0 && !fake_remove_pid(f->c_path, pid)) {
		errno = ESRCH;
		return -1;
	}
	fake_append_pid(dir, pid);
	f->moves++;
	if (f->on_move)
		f->on_move(f, pid);
	return 0;
}

static inline int fake_subtree_control(struct fakecg *f, const char *dir, const char *buf)
{
	int e = fake_take_fault(f, "cgroup.subtree_control", 0);
	if (e) {
		errno = e;
		return -1;
	}
	char *procs = fake_read_text(dir, "cgroup.procs");
	/* No internal processes, except in the root cgroup. */
	if (procs && procs[0] && strcmp(dir, f->mount) != 0) {
		errno = EBUSY;
		return -1;
	}
	char avail[512], cur[512];
	snprintf(avail, sizeof(avail), "%s", fake_read_text(dir, "cgroup.controllers"));
	snprintf(cur, sizeof(cur), "%s", fake_read_text(dir, "cgroup.subtree_control"));
	char copy[512];
	snprintf(copy, sizeof(copy), "%s", buf);
	char *save = NULL;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (t[0] != '+' || !cg_has_token(avail, t + 1)) {
			errno = ENOENT;
			return -1;
		}
		if (!cg_has_token(cur, t + 1)) {
			size_t n = strlen(cur);
			while (n && cur[n - 1] == '\n')
				cur[--n] = '\0';
			snprintf(cur + n, sizeof(cur) - n, "%s%s", n ? " " : "", t + 1);
		}
	}
	strcat(cur, "\n");
	fake_write_text(dir, "cgroup.subtree_control", f->subtree_readback ? f->subtree_readback : cur);
	return 0;
}

static inline int fake_write_file(void *ctx, int dirfd, const char *name, const char *buf,
				  size_t len)
{
	struct fakecg *f = ctx;
	char dir[PATH_MAX], text[512];
	fake_fd_path(dirfd, dir, sizeof(dir));
	snprintf(text, sizeof(text), "%.*s", (int)len, buf);
	if (f->readonly) {
		errno = EROFS;
		return -1;
	}
	if (strcmp(name, "cgroup.procs") == 0)
		return fake_move_pid(f, dir, text);
	if (strcmp(name, "cgroup.subtree_control") == 0)
		return fake_subtree_control(f, dir, text);
	int e = fake_take_fault(f, name, 0);
	if (e) {
		errno = e;
		return -1;
	}
	if (strcmp(name, "cgroup.kill") == 0) {
		if (!f->has_kill) {
			errno = ENOENT;
			return -1;
		}
		f->kills++;
		/* Everyone in it dies; the fake tracks no deeper. */
		if (!f->kill_is_slow)
			fake_write_text(dir, "cgroup.procs", "");
		return 0;
	}
	/* Any other interface file must exist: cgroupfs has no O_CREAT. */
	int fd = openat(dirfd, name, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* A write to an open file: find its directory and name, then do what
 * fake_write_file does. */
static inline int fake_write_fd(void *ctx, int fd, const char *buf, size_t len)
{
	char path[PATH_MAX];
	fake_fd_path(fd, path, sizeof(path));
	char *slash = strrchr(path, '/');
	if (!slash) {
		errno = EBADF;
		return -1;
	}
	*slash = '\0';
	int dirfd = open(path, O_RDONLY | O_DIRECTORY);
	if (dirfd < 0)
		return -1;
	int r = fake_write_file(ctx, dirfd, slash + 1, buf, len);
	int saved = errno;
	close(dirfd);
	errno = saved;
	return r;
}

/* A read of a cgroup file; a fault on "read CGROUP/NAME" (CGROUP the last
 * component of its directory) fails it, as the kernel fails cgroup.procs
 * of a threaded cgroup with EOPNOTSUPP. */
static inline char *fake_read_all(void *ctx, int dirfd, const char *name, size_t max)
{
	struct fakecg *f = ctx;
	char dir[PATH_MAX], fault[sizeof(((struct fake_fault *)0)->file)];
	fake_fd_path(dirfd, dir, sizeof(dir));
	const char *cgroup = strrchr(dir, '/');
	snprintf(fault, sizeof(fault), "read %s/%s", cgroup ? cgroup + 1 : dir, name);
	int e = fake_take_fault(f, fault, 0);
	if (e) {
		errno = e;
		return NULL;
	}
	/* cgroup.events is the kernel's view of cgroup.procs. */
	if (strcmp(name, "cgroup.events") == 0) {
		const char *procs = fake_read_text(dir, "cgroup.procs");
		char *text = malloc(64);
		if (!procs || !text) {
			free(text);
			errno = ENOENT;
			return NULL;
		}
		snprintf(text, 64, "populated %d\nfrozen 0\n", procs[0] != '\0');
		return text;
	}
	return cg_read_all(dirfd, name, max);
}

/* The fake's files are regular ones: fake_read_all, cut to cap - 1 bytes
 * as one read(2) of a record that long would be. */
static inline ssize_t fake_read_small(void *ctx, int dirfd, const char *name, char *buf,
				      size_t cap)
{
	char *text = fake_read_all(ctx, dirfd, name, 1 << 20);
	if (!text)
		return -1;
	size_t n = strlen(text);
	if (n > cap - 1)
		n = cap - 1;
	memcpy(buf, text, n);
	buf[n] = '\0';
	free(text);
	return (ssize_t)n;
}

/* rmdir of a cgroup: EBUSY while it holds processes or child cgroups, as
 * the kernel; the interface files go with it. A fault on "rmdir" fails it. */
static inline int fake_remove_dir(void *ctx, int parent_fd, const char *name)
{
	struct fakecg *f = ctx;
	char parent[PATH_MAX], dir[PATH_MAX * 2];
	fake_fd_path(parent_fd, parent, sizeof(parent));
	snprintf(dir, sizeof(dir), "%s/%s", parent, name);
	int e = fake_take_fault(f, "rmdir", 0);
	const char *procs = fake_read_text(dir, "cgroup.procs");
	if (!e && !procs)
		e = ENOENT;
	if (!e && procs[0])
		e = EBUSY;
	DIR *d = e ? NULL : opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL)
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			e = EBUSY;
	if (d)
		rewinddir(d);
	while (d && !e && (de = readdir(d)) != NULL)
		if (de->d_type == DT_REG)
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
	if (!e && rmdir(dir) < 0)
		e = errno;
	errno = e;
	return e ? -1 : 0;
}

static inline int fake_make_dir(void *ctx, int dirfd, const char *name)
{
	struct fakecg *f = ctx;
	if (f->readonly) {
		errno = EROFS;
		return -1;
	}
	if (mkdirat(dirfd, name, 0755) < 0)
		return -1;
	char parent[PATH_MAX], dir[PATH_MAX * 2], controllers[512];
	fake_fd_path(dirfd, parent, sizeof(parent));
	snprintf(controllers, sizeof(controllers), "%s",
		 fake_read_text(parent, "cgroup.subtree_control"));
	snprintf(dir, sizeof(dir), "%s/%s", parent, name);
	fake_populate(f, dir, controllers);
	return 0;
}

static inline int fake_chown_at(void *ctx, int dirfd, const char *name, uid_t uid, gid_t gid)
{
	struct fakecg *f = ctx;
	char dir[PATH_MAX], path[PATH_MAX];
	struct stat st;
	fake_fd_path(dirfd, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s%s%s", dir, name[0] ? "/" : "", name);
	if (stat(path, &st) < 0)
		return -1;
	int e = fake_take_fault(f, "chown", 0);
	if (e) {
		errno = e;
		return -1;
	}
	int i = 0;
	while (i < f->n_owners && strcmp(f->owners[i].path, path) != 0)
		i++;
	if (i == f->n_owners) {
		if (i == FAKE_MAX_OWNERS)
			abort();
		f->n_owners++;
		snprintf(f->owners[i].path, sizeof(f->owners[i].path), "%s", path);
	}
	f->owners[i].uid = uid;
	f->owners[i].gid = gid;
	return 0;
}

/* The owner of a path in the fake: root's unless chowned. */
static inline void fake_owner_of(const struct fakecg *f, const char *path, uid_t *uid, gid_t *gid)
{
	*uid = 0;
	*gid = 0;
	for (int i = 0; i < f->n_owners; i++)
		if (strcmp(f->owners[i].path, path) == 0) {
			*uid = f->owners[i].uid;
			*gid = f->owners[i].gid;
		}
}

static inline int fake_fd_magic(void *ctx, int fd, unsigned long *magic)
{
	struct fakecg *f = ctx;
	char path[PATH_MAX];
	fake_fd_path(fd, path, sizeof(path));
	*magic = strncmp(path, f->mount, strlen(f->mount)) == 0 ? f->c_magic : 0xEF53UL;
	return 0;
}

/* Removes pid from the cgroup.procs and cgroup.threads of dir and of every
 * cgroup below. */
static inline void fake_remove_pid_below(const char *dir, long pid)
{
	fake_remove_pid(dir, pid);
	fake_remove_from(dir, "cgroup.threads", pid);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char sub[PATH_MAX];
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		fake_remove_pid_below(sub, pid);
	}
	closedir(d);
}

/* A signal "kills" a fake process: it leaves every cgroup.procs. */
static inline int fake_kill(void *ctx, pid_t pid, int sig)
{
	struct fakecg *f = ctx;
	(void)sig;
	if (f->kill_errno) {
		errno = f->kill_errno;
		return -1;
	}
	if (f->n_killed < FAKE_MAX_KILLS)
		f->killed[f->n_killed++] = pid;
	fake_remove_pid_below(f->mount, pid);
	return 0;
}

static inline uint64_t fake_now_ms(void *ctx)
{
	struct fakecg *f = ctx;
	f->clock_ms += f->clock_step;
	return f->clock_ms;
}

/* A fake /proc/PID/stat with the given flags field. */
static inline void fake_set_stat(struct fakecg *f, long pid, const char *comm, unsigned long flags)
{
	char dir[PATH_MAX + 32], text[256];
	snprintf(dir, sizeof(dir), "%s/%ld", f->procroot, pid);
	mkdir(dir, 0755);
	snprintf(text, sizeof(text), "%ld (%s) S 2 0 0 0 -1 %lu 0 0 0 0 0 0 0 0 20 0 1 0\n", pid,
		 comm, flags);
	fake_write_text(dir, "stat", text);
}

/* Writes the fake /proc/self/{cgroup,mountinfo}: C is `rel` below a
 * cgroup2 mount whose root is `mount_root`. */
static inline void fake_set_proc(struct fakecg *f, const char *rel, const char *mount_root)
{
	char text[PATH_MAX * 3];
	snprintf(text, sizeof(text), "0::%s\n", rel);
	fake_write_text(f->proc, "cgroup", text);
	snprintf(text, sizeof(text),
		 "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
		 "30 22 0:26 %s %s rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw\n",
		 mount_root, f->mount);
	fake_write_text(f->proc, "mountinfo", text);
}

/* A fresh fake: C at `rel` holding `procs`, with `controllers` available. */
static inline void fake_init(struct fakecg *f, const char *rel, const char *controllers,
			     const char *procs)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/cginit-fakecg-XXXXXX");
	if (!mkdtemp(f->root))
		abort();
	snprintf(f->mount, sizeof(f->mount), "%s/cgroup", f->root);
	snprintf(f->sysfs, sizeof(f->sysfs), "%s/sysfs", f->root);
	snprintf(f->proc, sizeof(f->proc), "%s/proc/self", f->root);
	snprintf(f->procroot, sizeof(f->procroot), "%s/proc", f->root);
	snprintf(f->c_path, sizeof(f->c_path), "%s%s", f->mount, strcmp(rel, "/") ? rel : "");
	fake_mkdirs(f->proc);
	fake_mkdirs(f->sysfs);
	fake_mkdirs(f->c_path);
	f->has_kill = true;
	f->clock_step = 1;
	fake_populate(f, f->c_path, controllers);
	fake_write_text(f->c_path, "cgroup.procs", procs);
	fake_set_proc(f, rel, "/");
	f->sys.proc = f->procroot;
	f->sys.sys_mount = f->mount;
	f->sys.fs_info = fake_fs_info;
	f->sys.can_write = fake_can_write;
	f->sys.write_file = fake_write_file;
	f->sys.write_fd = fake_write_fd;
	f->sys.read_all = fake_read_all;
	f->sys.read_small = fake_read_small;
	f->sys.make_dir = fake_make_dir;
	f->sys.remove_dir = fake_remove_dir;
	f->sys.chown_at = fake_chown_at;
	f->sys.fd_magic = fake_fd_magic;
	f->sys.kill = fake_kill;
	f->sys.now_ms = fake_now_ms;
	f->c_magic = CGROUP2_MAGIC;
	f->sys.ctx = f;
}

static inline int fake_remove_entry(const char *path, const struct stat *st, int type,
				    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	/* FTW_DP: a directory, after everything in it (FTW_DEPTH). */
	if ((type == FTW_DP ? rmdir(path) : unlink(path)) < 0)
		perror(path);
	return 0; /* on with the rest, as rm -rf does */
}

/* rm -rf of the temp dir: depth first, never following a link out of it
 * (FTW_PHYS). */
static inline void fake_cleanup(struct fakecg *f)
{
	if (nftw(f->root, fake_remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 ||
	    access(f->root, F_OK) == 0)
		fprintf(stderr, "cannot remove %s\n", f->root);
}

#endif
