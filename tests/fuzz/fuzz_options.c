// SPDX-License-Identifier: MIT
/* The whole command line and the environment: the input is split at NULs
 * into words; the words up to an empty one are argv, those after it are
 * NAME=value entries of the environment (CGINIT_*, TINI_*).
 * run.sh passes -close_fd_mask=3: --help and the errors print a lot. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ENV 32

static char *fuzz_env[MAX_ENV + 1];

static char *env_lookup(const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; fuzz_env[i]; i++)
		if (strncmp(fuzz_env[i], name, n) == 0 && fuzz_env[i][n] == '=')
			return fuzz_env[i] + n + 1;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words[66];
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	int argc = 0, nenv = 0;
	words[argc++] = (char *)"cginit";
	char *p = text;
	for (; p < text + size && *p && argc < 65; p += strlen(p) + 1)
		words[argc++] = p;
	words[argc] = NULL;
	if (p < text + size && !*p)
		p++; /* the empty word: the environment follows */
	for (; p < text + size && nenv < MAX_ENV; p += strlen(p) + 1)
		if (strchr(p, '='))
			fuzz_env[nenv++] = p;
	fuzz_env[nenv] = NULL;
	struct options opt;
	struct cg_err err = {0};
	enum parse_result r = options_parse(&opt, argc, words, env_lookup, &err);
	if (r == PARSE_ERROR && (!err.set || !err.msg[0]))
		abort(); /* every refusal says why */
	if (r == PARSE_OK && !opt.check && (!opt.argv || !opt.argv[0]))
		abort(); /* OK without --check means there is a command */
	/* What options_parse promises: never off with a limit, never the
	 * opt-out without --user. */
	if (r == PARSE_OK && opt.layout_needed_by && opt.cgroup_mode == CGROUP_OFF)
		abort();
	if (r == PARSE_OK && opt.allow_privilege_escalation && !opt.user)
		abort();
	free(text);
	return 0;
}
