// SPDX-License-Identifier: MIT
/*
 * The one error-reporting helper. Every message of cginit goes to stderr in
 * a single write(2), so that lines from cginit and from the worker do not
 * interleave mid-line, and nothing of cginit's ever lands on stdout.
 */
#include "cginit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cg_verbosity = LOG_WARN;

/* The errors cginit can meet, in glibc's words. libc's strerror() carries
 * the text of every errno there is, 2 KB of the static binary: more than
 * the whole signal loop. Anything else prints as "errno N". */
static const struct {
	unsigned char num;
	const char *text;
} error_texts[] = {
	{EPERM, "Operation not permitted"},
	{ENOENT, "No such file or directory"},
	{ESRCH, "No such process"},
	{EINTR, "Interrupted system call"},
	{EIO, "Input/output error"},
	{ENXIO, "No such device or address"},
	{E2BIG, "Argument list too long"},
	{ENOEXEC, "Exec format error"},
	{EBADF, "Bad file descriptor"},
	{ECHILD, "No child processes"},
	{EAGAIN, "Resource temporarily unavailable"},
	{ENOMEM, "Cannot allocate memory"},
	{EACCES, "Permission denied"},
	{EFAULT, "Bad address"},
	{EBUSY, "Device or resource busy"},
	{EEXIST, "File exists"},
	{EXDEV, "Invalid cross-device link"},
	{ENODEV, "No such device"},
	{ENOTDIR, "Not a directory"},
	{EISDIR, "Is a directory"},
	{EINVAL, "Invalid argument"},
	{ENFILE, "Too many open files in system"},
	{EMFILE, "Too many open files"},
	{ENOTTY, "Inappropriate ioctl for device"},
	{ETXTBSY, "Text file busy"},
	{EFBIG, "File too large"},
	{ENOSPC, "No space left on device"},
	{EROFS, "Read-only file system"},
	{EPIPE, "Broken pipe"},
	{ERANGE, "Numerical result out of range"},
	{ENAMETOOLONG, "File name too long"},
	{ENOSYS, "Function not implemented"},
	{ELOOP, "Too many levels of symbolic links"},
	{EOVERFLOW, "Value too large for defined data type"},
	{EOPNOTSUPP, "Operation not supported"},
	{ETIMEDOUT, "Connection timed out"},
	{ECONNREFUSED, "Connection refused"},
	{ECONNRESET, "Connection reset by peer"},
	{EPROTO, "Protocol error"},
	{EMSGSIZE, "Message too long"},
	{EDQUOT, "Disk quota exceeded"},
};

const char *cg_strerror(int errnum)
{
	static char unknown[24];
	for (size_t i = 0; i < sizeof(error_texts) / sizeof(error_texts[0]); i++)
		if (error_texts[i].num == errnum)
			return error_texts[i].text;
	cg_fmt(unknown, sizeof(unknown), "errno %d", errnum);
	return unknown;
}

static void write_line(const char *prefix, const char *body, const char *cause)
{
	char line[1024];
	int n = cg_fmt(line, sizeof(line), "cginit: %s%s%s%s\n", prefix, body,
			 cause ? ": " : "", cause ? cause : "");
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	if (len > 0 && line[len - 1] != '\n')
		line[len - 1] = '\n';
	/* Best effort: a closed stderr must not take PID 1 down with it. */
	ssize_t unused = write(STDERR_FILENO, line, len);
	(void)unused;
}

void cg_log(enum log_level level, const char *fmt, ...)
{
	if ((int)level > cg_verbosity)
		return;
	int saved = errno;
	char body[900];
	va_list ap;
	va_start(ap, fmt);
	cg_vfmt(body, sizeof(body), fmt, ap);
	va_end(ap);
	write_line(level == LOG_WARN ? "warning: " : "", body, NULL);
	errno = saved;
}

int cg_error(struct cg_err *err, int errnum, const char *fmt, ...)
{
	int saved = errno;
	char body[900];
	va_list ap;
	va_start(ap, fmt);
	cg_vfmt(body, sizeof(body), fmt, ap);
	va_end(ap);
	const char *cause = errnum ? cg_strerror(errnum) : NULL;
	if (err) {
		/* Keep the first cause: it is the one that explains the rest. */
		if (!err->set) {
			cg_fmt(err->msg, sizeof(err->msg), "%s%s%s", body,
				 cause ? ": " : "", cause ? cause : "");
			err->errnum = errnum;
			err->set = true;
		}
	} else {
		write_line("", body, cause);
	}
	errno = saved;
	return -1;
}

void cg_err_print(const struct cg_err *err, enum log_level level)
{
	if (!err->set || (int)level > cg_verbosity)
		return;
	write_line(level == LOG_WARN ? "warning: " : "", err->msg, NULL);
}

int cg_err_wrap(struct cg_err *err, const char *fmt, ...)
{
	if (!err || !err->set)
		return -1;
	char context[256], msg[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	cg_vfmt(context, sizeof(context), fmt, ap);
	va_end(ap);
	cg_fmt(msg, sizeof(msg), "%s: %s", context, err->msg);
	memcpy(err->msg, msg, sizeof(msg));
	return -1;
}
