// SPDX-License-Identifier: MIT
/*
 * The real struct cg_sys: the cgroup code's writes, mkdirs, chowns and
 * kills, and the reads a test has to fake, done with the real syscalls on
 * /proc and /sys/fs/cgroup. The unit tests put tests/unit/fakecg.h's fake
 * kernel in its place (see cgsetup.h).
 */
#include "cginit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

static int real_fs_info(void *ctx, const char *path, unsigned long *magic, bool *readonly)
{
	(void)ctx;
	struct statfs sfs;
	struct statvfs svfs;
	if (statfs(path, &sfs) < 0 || statvfs(path, &svfs) < 0)
		return -1;
	*magic = (unsigned long)sfs.f_type;
	*readonly = (svfs.f_flag & ST_RDONLY) != 0;
	return 0;
}

static bool real_can_write(void *ctx, const char *path)
{
	(void)ctx;
	return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0;
}

static int real_write_fd(void *ctx, int fd, const char *buf, size_t len)
{
	(void)ctx;
	ssize_t n = write(fd, buf, len);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int real_write_file(void *ctx, int dirfd, const char *name, const char *buf,
			   size_t len)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* cgroupfs takes one value per write(2); never split it. */
	int ret = real_write_fd(ctx, fd, buf, len);
	int saved = errno;
	close(fd);
	errno = saved;
	return ret;
}

static char *real_read_all(void *ctx, int dirfd, const char *name, size_t max)
{
	(void)ctx;
	return cg_read_all(dirfd, name, max);
}

static ssize_t real_read_small(void *ctx, int dirfd, const char *name, char *buf, size_t cap)
{
	(void)ctx;
	return cg_read_small(dirfd, name, buf, cap);
}

static int real_make_dir(void *ctx, int dirfd, const char *name)
{
	(void)ctx;
	return mkdirat(dirfd, name, 0755);
}

static int real_remove_dir(void *ctx, int dirfd, const char *name)
{
	(void)ctx;
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}

static int real_chown_at(void *ctx, int dirfd, const char *name, uid_t uid, gid_t gid)
{
	(void)ctx;
	return fchownat(dirfd, name, uid, gid, name[0] ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH);
}

static int real_fd_magic(void *ctx, int fd, unsigned long *magic)
{
	(void)ctx;
	struct statfs sfs;
	if (fstatfs(fd, &sfs) < 0)
		return -1;
	*magic = (unsigned long)sfs.f_type;
	return 0;
}

static int real_kill(void *ctx, pid_t pid, int sig)
{
	(void)ctx;
	return kill(pid, sig);
}

static uint64_t real_now_ms(void *ctx)
{
	(void)ctx;
	return monotonic_ms();
}

void cg_sys_default(struct cg_sys *sys)
{
	memset(sys, 0, sizeof(*sys));
	sys->proc = "/proc";
	sys->sys_mount = "/sys/fs/cgroup";
	sys->fs_info = real_fs_info;
	sys->can_write = real_can_write;
	sys->write_file = real_write_file;
	sys->write_fd = real_write_fd;
	sys->read_all = real_read_all;
	sys->read_small = real_read_small;
	sys->make_dir = real_make_dir;
	sys->remove_dir = real_remove_dir;
	sys->chown_at = real_chown_at;
	sys->fd_magic = real_fd_magic;
	sys->kill = real_kill;
	sys->now_ms = real_now_ms;
	/* cginit never calls setfsuid: its fsuid and fsgid are these. */
	sys->maker_uid = geteuid();
	sys->maker_gid = getegid();
}
