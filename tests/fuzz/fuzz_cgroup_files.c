// SPDX-License-Identifier: MIT
/* cgroup.procs, cgroup.controllers and cgroup.subtree_control contents.
 * The input is split at the first two NULs: procs, available, enabled. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static const char *take(const char **p, const char *end)
{
	const char *start = *p;
	while (*p < end && **p)
		(*p)++;
	if (*p < end)
		(*p)++;
	return start;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	const char *p = text, *end = text + size;
	const char *procs = take(&p, end);
	const char *available = take(&p, end);
	const char *enabled = p < end ? p : "";

	const char *cursor = procs;
	long pid;
	size_t lines = 0;
	while (cg_next_pid(&cursor, &pid)) {
		if (pid < -1 || ++lines > size + 1)
			abort(); /* a pid is >= -1, and the walk always advances */
	}
	char skipped[128], plan[512];
	struct cg_err err = {0};
	if (cg_plan_enable("cpu memory pids io", available, enabled, "C", plan, sizeof(plan),
			   skipped, sizeof(skipped), &err) == 0) {
		/* Every planned controller must be available. */
		const char *t = plan;
		while (*t) {
			char tok[32];
			size_t n = strcspn(t, " ");
			if (t[0] != '+' || n < 2 || n > sizeof(tok))
				abort();
			memcpy(tok, t + 1, n - 1);
			tok[n - 1] = '\0';
			if (!cg_has_token(available, tok))
				abort();
			t += n + (t[n] == ' ');
		}
	}
	free(text);
	return 0;
}
