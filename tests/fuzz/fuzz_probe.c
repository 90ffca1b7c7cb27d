// SPDX-License-Identifier: MIT
/* The text half of the probe: mountinfo and /proc/self/cgroup together,
 * split at the first NUL, as a hostile mount namespace could hand them. C
 * must never lead outside the cgroup2 mount: whatever is accepted is the
 * mount point itself or a path below it with no ".." component. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static bool below_mount(const struct cg_probe *p)
{
	size_t n = strlen(p->mount);
	if (strncmp(p->path, p->mount, n) != 0)
		return false;
	if (p->path[n] != '\0' && p->path[n] != '/' && p->mount[n - 1] != '/')
		return false;
	for (const char *c = p->path + n; (c = strstr(c, "..")) != NULL; c += 2)
		if ((c[-1] == '/') && (c[2] == '/' || c[2] == '\0'))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	const char *mountinfo = text;
	size_t first = strlen(text);
	const char *cgroups = first < size ? text + first + 1 : "";
	struct cg_probe p;
	struct cg_err err = {0};
	if (cg_probe_text(mountinfo, cgroups, "/sys/fs/cgroup", &p, &err) == 0 &&
	    p.hier == CG_HIER_V2 && (!p.mount[0] || !below_mount(&p)))
		abort();
	if (strlen(err.msg) >= sizeof(err.msg))
		abort();
	free(text);
	return 0;
}
