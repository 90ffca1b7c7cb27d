// SPDX-License-Identifier: MIT
/*
 * bench/jobbench.c: the guest side of metric 8 (job runner overhead),
 * built static for the bench's QEMU guest.
 *
 *   jobbench ns CGROUP_DIR CMD [ARGS...]
 *       runs CMD as PID 1 of a new pid and mount namespace, with its own
 *       /proc, inside CGROUP_DIR (the child joins it; this process stays
 *       where it is, so that C holds only the namespace). Waits for it and
 *       exits with its status. CMD is cginit, which then makes its layout
 *       in C and, as PID 1, starts the broker.
 *
 *   jobbench run OUT RUNS REPS METHODS
 *       the worker under that cginit. METHODS is a comma list of
 *         true         fork + exec of /bin/true (floor 1)
 *         floor        /bench/jobfloor $CGINIT_SANDBOX /bin/true (the floor)
 *         floor-byte   jobfloor -p: plus cginit's start byte
 *         floor-full   jobfloor -p -k: plus the kill check and the
 *                      verdict's reads
 *         nobroker     cginit --job -q --no-broker LIMITS -- /bin/true
 *         broker       cginit --job -q LIMITS -- /bin/true
 *       with LIMITS the floor's: --memory-max 64M --pids-max 16
 *       --cpu-max "50000 100000". After 20 warm-up runs of each, every
 *       repetition runs each method RUNS times, interleaved (the order
 *       rotates from one round to the next), and times each run from
 *       fork to reap. One line per method and repetition goes to OUT:
 *         JOB METHOD REP OK MEDIAN_NS MIN_NS
 *         JOB METHOD REP BAD:<why>
 *       and "JOBLEFT NAME" for each cgroup left in $CGINIT_SANDBOX.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WARMUP 20
#define MAX_METHODS 8

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int wait_for(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int cmd_ns(const char *dir, char **argv)
{
	char path[4096];
	pid_t pid;
	int fd;

	if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0) {
		perror("jobbench: unshare");
		return 125;
	}
	pid = fork();
	if (pid < 0) {
		perror("jobbench: fork");
		return 125;
	}
	if (pid == 0) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
			perror("jobbench: mount /proc");
			_exit(125);
		}
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1) {
			perror(path);
			_exit(125);
		}
		close(fd);
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	return wait_for(pid);
}

struct method {
	const char *name;
	char *argv[16];
	long long *ns;
	int bad; /* the first non-zero exit status seen in a repetition */
};

static int setup(struct method *m, const char *name, const char *sandbox)
{
	static char *limits[] = {"--memory-max", "64M", "--pids-max", "16",
				 "--cpu-max", "50000 100000"};
	char **a = m->argv;
	int n = 0;

	m->name = name;
	if (strcmp(name, "true") == 0) {
		a[n++] = "/bin/true";
	} else if (strncmp(name, "floor", 5) == 0) {
		a[n++] = "/bench/jobfloor";
		if (strcmp(name, "floor-byte") == 0) {
			a[n++] = "-p";
		} else if (strcmp(name, "floor-full") == 0) {
			a[n++] = "-p";
			a[n++] = "-k";
		} else if (strcmp(name, "floor") != 0) {
			return -1;
		}
		a[n++] = (char *)sandbox;
		a[n++] = "/bin/true";
	} else if (strcmp(name, "broker") == 0 || strcmp(name, "nobroker") == 0) {
		a[n++] = "/sbin/cginit";
		a[n++] = "--job";
		a[n++] = "-q";
		if (name[0] == 'n')
			a[n++] = "--no-broker";
		for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
			a[n++] = limits[i];
		a[n++] = "--";
		a[n++] = "/bin/true";
	} else {
		return -1;
	}
	a[n] = NULL;
	return 0;
}

/* One run of m: ns from fork to reap, and its exit status in *code. */
static long long once(const struct method *m, int *code)
{
	long long t0 = mono_ns();
	pid_t pid = fork();

	if (pid < 0) {
		*code = 125;
		return 0;
	}
	if (pid == 0) {
		execv(m->argv[0], m->argv);
		_exit(127);
	}
	*code = wait_for(pid);
	return mono_ns() - t0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static int cmd_run(const char *out_path, int runs, int reps, char *list)
{
	struct method ms[MAX_METHODS];
	const char *sandbox = getenv("CGINIT_SANDBOX");
	const char *broker = getenv("CGINIT_BROKER");
	char *save = NULL, *name;
	int nm = 0, code;
	FILE *out = fopen(out_path, "w");
	DIR *d;
	struct dirent *de;

	if (!out) {
		perror(out_path);
		return 1;
	}
	if (!sandbox || !*sandbox) {
		fprintf(out, "JOB * 0 BAD:no_CGINIT_SANDBOX:_cginit_made_no_layout\n");
		fclose(out);
		return 1;
	}
	for (name = strtok_r(list, ",", &save); name && nm < MAX_METHODS;
	     name = strtok_r(NULL, ",", &save)) {
		if (setup(&ms[nm], name, sandbox) < 0) {
			fprintf(out, "JOB %s 0 BAD:unknown_method\n", name);
			continue;
		}
		if (strcmp(name, "broker") == 0 && (!broker || !*broker)) {
			fprintf(out, "JOB broker 0 BAD:no_CGINIT_BROKER_from_cginit_as_PID_1\n");
			continue;
		}
		ms[nm].ns = calloc((size_t)runs, sizeof(long long));
		if (!ms[nm].ns)
			return 1;
		nm++;
	}
	for (int w = 0; w < WARMUP; w++)
		for (int j = 0; j < nm; j++)
			once(&ms[j], &code);
	for (int rep = 0; rep < reps; rep++) {
		for (int j = 0; j < nm; j++)
			ms[j].bad = 0;
		for (int r = 0; r < runs; r++) {
			for (int i = 0; i < nm; i++) {
				struct method *m = &ms[(i + r + rep) % nm];

				m->ns[r] = once(m, &code);
				if (code && !m->bad)
					m->bad = code;
			}
		}
		for (int j = 0; j < nm; j++) {
			struct method *m = &ms[j];

			if (m->bad) {
				fprintf(out, "JOB %s %d BAD:exit_status_%d\n", m->name, rep, m->bad);
				continue;
			}
			qsort(m->ns, (size_t)runs, sizeof(long long), cmp_ll);
			fprintf(out, "JOB %s %d OK %lld %lld\n", m->name, rep,
				runs % 2 ? m->ns[runs / 2]
					 : (m->ns[runs / 2 - 1] + m->ns[runs / 2]) / 2,
				m->ns[0]);
		}
		fflush(out);
	}
	/* every job's cgroup must be gone */
	d = opendir(sandbox);
	while (d && (de = readdir(d)) != NULL)
		if (de->d_type == DT_DIR && de->d_name[0] != '.')
			fprintf(out, "JOBLEFT %s\n", de->d_name);
	if (d)
		closedir(d);
	fclose(out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "ns") == 0)
		return cmd_ns(argv[2], argv + 3);
	if (argc == 6 && strcmp(argv[1], "run") == 0 && atoi(argv[3]) > 0 && atoi(argv[4]) > 0)
		return cmd_run(argv[2], atoi(argv[3]), atoi(argv[4]), argv[5]);
	fprintf(stderr, "usage: jobbench ns CGROUP_DIR CMD [ARGS...] |"
			" run OUT RUNS REPS METHODS\n");
	return 2;
}
