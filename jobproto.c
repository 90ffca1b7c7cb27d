// SPDX-License-Identifier: MIT
/*
 * The runner's and the broker's messages (see job.h). The broker runs as
 * root and parses what any process of the worker's uid sends, so the
 * parser accepts only the exact grammar and bounds everything; the kernel
 * checks the values again when the broker writes them.
 */
#include "job.h"

#include <errno.h>
#include <string.h>

#define REQUEST_MAGIC "cginit-job"

int jobproto_format_request(const struct job_request *req, char *buf, size_t cap)
{
	const struct cg_limits *lim = &req->lim;
	size_t n = (size_t)cg_fmt(buf, cap, "%s %d\n", REQUEST_MAGIC, JOB_PROTO_VERSION);
	const struct {
		const char *key, *value;
	} lines[] = {
		{"memory.max", lim->memory_max},
		{"pids.max", lim->pids_max},
		{"cpu.max", lim->cpu_max},
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]) && n < cap; i++)
		if (lines[i].value)
			n += (size_t)cg_fmt(buf + n, cap - n, "%s %s\n", lines[i].key,
					    lines[i].value);
	if (req->wall_limit_ms > 0 && n < cap)
		n += (size_t)cg_fmt(buf + n, cap - n, "wall-limit-ms %d\n", req->wall_limit_ms);
	if (req->time_limit_ms > 0 && n < cap)
		n += (size_t)cg_fmt(buf + n, cap - n, "time-limit-ms %d\n", req->time_limit_ms);
	return n < cap ? (int)n : -1;
}

/* The slot of lim that KEY names, and whether its value may carry a size
 * suffix; NULL for an unknown key. */
static const char **slot_of(struct cg_limits *lim, const char *key, bool *is_cpu,
			    bool *suffix_ok)
{
	*is_cpu = false;
	*suffix_ok = false;
	if (strcmp(key, "memory.max") == 0) {
		*suffix_ok = true;
		return &lim->memory_max;
	}
	if (strcmp(key, "pids.max") == 0)
		return &lim->pids_max;
	if (strcmp(key, "cpu.max") == 0) {
		*is_cpu = true;
		return &lim->cpu_max;
	}
	return NULL;
}

/* wall-limit-ms and time-limit-ms: 1 ms to a day, once each. */
static int parse_ms_limit(const char *key, const char *value, int *slot, struct cg_err *err)
{
	long ms;
	const char *end;
	if (*slot)
		return cg_error(err, EPROTO, "request key %s given twice", key);
	if (!*value || cg_parse_long(value, &end, &ms) < 0 || *end || *value == '-' || ms < 1 ||
	    ms > 86400000L)
		return cg_error(err, EINVAL, "request %s '%.*s': not 1 to 86400000", key, 40,
				value);
	*slot = (int)ms;
	return 0;
}

static int parse_limit_line(char *line, struct job_request *req, struct cg_err *err)
{
	struct cg_limits *lim = &req->lim;
	char *space = strchr(line, ' ');
	if (!space)
		return cg_error(err, EPROTO, "request line '%.*s': expected KEY VALUE", 40, line);
	*space = '\0';
	const char *value = space + 1;
	if (strcmp(line, "wall-limit-ms") == 0)
		return parse_ms_limit(line, value, &req->wall_limit_ms, err);
	if (strcmp(line, "time-limit-ms") == 0)
		return parse_ms_limit(line, value, &req->time_limit_ms, err);
	bool is_cpu, suffix_ok;
	const char **slot = slot_of(lim, line, &is_cpu, &suffix_ok);
	if (!slot)
		return cg_error(err, EPROTO, "request key '%.*s': expected memory.max, pids.max, "
				"cpu.max, wall-limit-ms or time-limit-ms", 40, line);
	if (*slot)
		return cg_error(err, EPROTO, "request key %s given twice", line);
	bool ok = is_cpu ? cg_valid_cpu_max(value) : cg_valid_limit(value, suffix_ok);
	if (!ok)
		return cg_error(err, EINVAL, "request %s '%.*s': not a valid value", line, 40, value);
	*slot = value;
	return 0;
}

int jobproto_parse_request(char *msg, size_t len, struct job_request *req, struct cg_err *err)
{
	memset(req, 0, sizeof(*req));
	if (len == 0 || len > JOB_MSG_MAX || msg[len - 1] != '\n' || memchr(msg, '\0', len))
		return cg_error(err, EPROTO, "request: not %d bytes or fewer of text lines",
				JOB_MSG_MAX);
	msg[len - 1] = '\0';
	char *next = msg;
	char *line = next;
	next = strchr(line, '\n');
	if (next)
		*next++ = '\0';
	char magic[32];
	cg_fmt(magic, sizeof(magic), "%s %d", REQUEST_MAGIC, JOB_PROTO_VERSION);
	if (strcmp(line, magic) != 0)
		return cg_error(err, EPROTO, "request: expected '%s' first", magic);
	while (next) {
		line = next;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (parse_limit_line(line, req, err) < 0)
			return -1;
	}
	return 0;
}

int jobproto_parse_reply(char *msg, size_t len, char *name, size_t name_cap,
			 struct cg_err *err)
{
	if (len == 0 || len > JOB_MSG_MAX || msg[len - 1] != '\n' || memchr(msg, '\0', len))
		return cg_error(err, EPROTO, "the broker's reply is not a line of text");
	msg[len - 1] = '\0';
	if (strncmp(msg, "ok ", 3) == 0) {
		const char *n = msg + 3;
		size_t l = strlen(n);
		if (l == 0 || l >= name_cap || strchr(n, '/') || strchr(n, ' '))
			return cg_error(err, EPROTO, "the broker's reply names no cgroup");
		memcpy(name, n, l + 1);
		return 0;
	}
	long code;
	const char *end;
	if (strncmp(msg, "error ", 6) == 0 && cg_parse_long(msg + 6, &end, &code) == 0 &&
	    *end == ' ' && code > 0 && code < 4096) {
		/* TEXT already ends with the broker's strerror. */
		cg_error(err, 0, "the broker refused: %s", end + 1);
		err->errnum = (int)code;
		return -1;
	}
	return cg_error(err, EPROTO, "the broker's reply '%.*s' is not ok or error", 40, msg);
}
