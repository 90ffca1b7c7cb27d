// SPDX-License-Identifier: MIT
/* What a client may send the broker, and what the broker may answer the
 * runner, as any bytes: the broker runs as root and parses input from the
 * worker's uid. An accepted request holds only valid values, each key
 * once, and formats back to a request that parses to the same; an
 * accepted reply names one path component. Also the verdict's JSON
 * escaping: any error text comes out as one line with no raw control
 * byte and no unescaped quote. */
#include "fuzz.h"

#include "job.h"

#include <stdlib.h>
#include <string.h>

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_request(const uint8_t *data, size_t size)
{
	char msg[JOB_MSG_MAX + 1];
	size_t n = size < sizeof(msg) ? size : sizeof(msg);
	memcpy(msg, data, n);
	struct job_request req;
	struct cg_err err = {0};
	if (jobproto_parse_request(msg, n, &req, &err) < 0) {
		if (!err.set || strlen(err.msg) >= sizeof(err.msg))
			abort();
		return;
	}
	const struct cg_limits lim = req.lim;
	if (req.wall_limit_ms < 0 || req.wall_limit_ms > 86400000 || req.time_limit_ms < 0 ||
	    req.time_limit_ms > 86400000 ||
	    (lim.memory_max && !cg_valid_limit(lim.memory_max, true)) ||
	    (lim.pids_max && !cg_valid_limit(lim.pids_max, false)) ||
	    (lim.cpu_max && !cg_valid_cpu_max(lim.cpu_max)) || lim.max_depth || lim.max_descendants)
		abort();
	char again[JOB_MSG_MAX + 1];
	int len = jobproto_format_request(&req, again, sizeof(again));
	struct job_request back;
	if (len < 0 || jobproto_parse_request(again, (size_t)len, &back, &err) < 0)
		abort();
	if (!same(lim.memory_max, back.lim.memory_max) || !same(lim.pids_max, back.lim.pids_max) ||
	    !same(lim.cpu_max, back.lim.cpu_max) || req.wall_limit_ms != back.wall_limit_ms ||
	    req.time_limit_ms != back.time_limit_ms)
		abort();
}

static void check_reply(const uint8_t *data, size_t size)
{
	char msg[JOB_MSG_MAX + 1], name[CG_JOB_NAME_MAX];
	size_t n = size < sizeof(msg) ? size : sizeof(msg);
	memcpy(msg, data, n);
	struct cg_err err = {0};
	if (jobproto_parse_reply(msg, n, name, sizeof(name), &err) == 0 &&
	    (!name[0] || strchr(name, '/') || strlen(name) >= sizeof(name)))
		abort();
}

static void check_json(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return;
	struct job_verdict v = {.status = JOB_INTERNAL_ERROR, .exit_code = -1,
				.limits_set_by = "worker", .error = text, .cgroup = text};
	static char out[16384];
	int len = job_verdict_json(&v, out, sizeof(out));
	if (len > 0) {
		bool in_string = false;
		for (int i = 0; i < len - 1; i++) {
			unsigned char c = (unsigned char)out[i];
			if (c < 0x20)
				abort();
			if (c == '\\' && in_string)
				i++;
			else if (c == '"')
				in_string = !in_string;
		}
		if (in_string || out[len - 1] != '\n')
			abort();
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_request(data, size);
	check_reply(data, size);
	check_json(data, size);
	return 0;
}
