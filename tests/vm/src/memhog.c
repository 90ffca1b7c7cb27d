/* memhog: allocate memory 1 MiB at a time and touch every page, without end,
 * so that the only way out is the OOM killer.  Prints its progress every
 * 8 MiB on stdout.  Safety net: stops after LIMIT_MIB (far above any cgroup
 * limit the tests set, far below the guest's RAM). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1024 * 1024)
#define LIMIT_MIB 768

int main(void)
{
	for (long mib = 1; mib <= LIMIT_MIB; mib++) {
		char *p = malloc(CHUNK);
		if (!p) {
			printf("memhog: malloc failed at %ld MiB\n", mib);
			return 1;
		}
		memset(p, (int)(mib & 0xff) | 1, CHUNK);
		if (mib % 8 == 0) {
			printf("memhog: %ld MiB\n", mib);
			fflush(stdout);
		}
	}
	printf("memhog: reached %d MiB without being stopped\n", LIMIT_MIB);
	return 2;
}
