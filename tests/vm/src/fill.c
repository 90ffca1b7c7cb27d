/* fill FILE MIB: appends MIB MiB of zeros to FILE, 4 KiB at a time.  On a
 * tmpfs that memory is charged to the writer's cgroup, yet held by no
 * process: the OOM killer sees only this program's own few pages, fewer
 * than cginit's.  Scenario 16 uses it to make the OOM killer choose among
 * tiny processes.  Exit 0 when all was written, 1 on a write error. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char block[4096] = {0};
	if (argc != 3)
		return 2;
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		return 1;
	long blocks = atol(argv[2]) * 256;
	for (long i = 0; i < blocks; i++)
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
			return 1;
	return 0;
}
