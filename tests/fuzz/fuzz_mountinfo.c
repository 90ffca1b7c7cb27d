// SPDX-License-Identifier: MIT
/* /proc/self/mountinfo text: octal escapes, missing fields, long lines. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	char mnt[PATH_MAX], root[PATH_MAX];
	if (cg_find_cgroup2_mount(text, "/sys/fs/cgroup", mnt, sizeof(mnt), root, sizeof(root)) &&
	    (strlen(mnt) >= sizeof(mnt) || strlen(root) >= sizeof(root)))
		abort();
	free(text);
	return 0;
}
