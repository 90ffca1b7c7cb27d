/* runas UID GID CMD [ARGS...]: drop every supplementary group, switch to the
 * given gid and uid, then exec CMD.  Used by the delegation scenario to run a
 * worker as an unprivileged user inside the test container. */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: runas UID GID CMD [ARGS...]\n");
		return 125;
	}
	uid_t uid = (uid_t)strtoul(argv[1], NULL, 10);
	gid_t gid = (gid_t)strtoul(argv[2], NULL, 10);
	if (setgroups(0, NULL) != 0) {
		perror("runas: setgroups");
		return 125;
	}
	if (setgid(gid) != 0) {
		perror("runas: setgid");
		return 125;
	}
	if (setuid(uid) != 0) {
		perror("runas: setuid");
		return 125;
	}
	execvp(argv[3], argv + 3);
	perror("runas: exec");
	return 127;
}
