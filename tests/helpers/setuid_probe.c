// SPDX-License-Identifier: MIT
/*
 * setuid_probe: installed setuid-root by the privdrop suite, then run by a
 * worker that cginit started with --user. It prints what the exec gave it:
 *
 *   ruid=N euid=N  from getresuid
 *   capeff=HEX     CapEff of /proc/self/status
 *
 * With no_new_privs (what --user implies) the setuid bit is ignored: euid
 * stays the worker's and CapEff stays 0. With --allow-privilege-escalation
 * it is honoured, as it is for sudo.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	uid_t r, e, s;
	if (getresuid(&r, &e, &s) < 0) {
		perror("getresuid");
		return 1;
	}
	printf("ruid=%u euid=%u\n", (unsigned)r, (unsigned)e);
	FILE *fp = fopen("/proc/self/status", "r");
	if (!fp) {
		perror("/proc/self/status");
		return 1;
	}
	char line[256];
	while (fgets(line, sizeof(line), fp)) {
		if (strncmp(line, "CapEff:", 7) != 0)
			continue;
		const char *value = line + 7;
		value += strspn(value, " \t");
		printf("capeff=%s", value);
	}
	fclose(fp);
	return 0;
}
