// SPDX-License-Identifier: MIT
/*
 * Least privilege for the worker: --user, capabilities, no_new_privs.
 * (Stub: being implemented; every option is refused until then.)
 */
#include "cginit.h"

#include <string.h>

int priv_prepare(const struct options *opt, const struct priv_files *files,
		 struct priv_plan *plan)
{
	(void)files;
	memset(plan, 0, sizeof(*plan));
	if (opt->user || opt->cap_drop || opt->cap_keep || opt->no_new_privs)
		return cg_error(NULL, 0, "--user, --cap-drop, --cap-keep and --no-new-privs are not implemented yet");
	return 0;
}

int priv_apply(const struct priv_plan *plan)
{
	(void)plan;
	return 0;
}

int priv_limit_self(void)
{
	return 0;
}
