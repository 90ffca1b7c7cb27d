// SPDX-License-Identifier: MIT
/* /proc/self/cgroup text, as the kernel (or a hostile mount) hands it. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	char out[PATH_MAX];
	if (cg_unified_path(text, out, sizeof(out)) > 0 && strlen(out) >= sizeof(out))
		abort();
	free(text);
	return 0;
}
