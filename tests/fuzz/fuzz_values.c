// SPDX-License-Identifier: MIT
/* Signal names, exit codes and durations given on the command line. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	int sig = parse_signal(text);
	if (sig != -1 && (sig < 1 || sig > SIGRTMAX))
		abort();
	int code = parse_exit_code(text);
	if (code < -1 || code > 255)
		abort();
	int ms = parse_duration_ms(text);
	if (ms < -1 || ms > 86400 * 1000 + 999)
		abort();
	long v;
	const char *end;
	if (cg_parse_long(text, &end, &v) == 0 && (end < text || end > text + size))
		abort();
	free(text);
	return 0;
}
