// SPDX-License-Identifier: MIT
/* The whole command line: the input is split at NULs into argv words.
 * run.sh passes -close_fd_mask=3: --help and the errors print a lot. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static char *no_env(const char *name)
{
	(void)name;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words[66];
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	int argc = 0;
	words[argc++] = (char *)"cginit";
	for (char *p = text; p < text + size && argc < 65; p += strlen(p) + 1)
		words[argc++] = p;
	words[argc] = NULL;
	struct options opt;
	enum parse_result r = options_parse(&opt, argc, words, no_env);
	if (r == PARSE_OK && !opt.check && (!opt.argv || !opt.argv[0]))
		abort(); /* OK without --check means there is a command */
	free(text);
	return 0;
}
