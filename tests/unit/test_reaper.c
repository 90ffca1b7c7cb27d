// SPDX-License-Identifier: MIT
/* Exit status mapping, spawning, forwarding, reaping and the grace. Each
 * test runs in its own process (Check forks), so blocking every signal and
 * reaping with waitpid(-1) touch only that process. */
#include "cginit.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static sigset_t inherited;
static struct reaper_config cfg;

static void setup(void)
{
	cg_verbosity = LOG_ERROR;
	ck_assert_int_eq(reaper_block_signals(&inherited), 0);
	cfg = (struct reaper_config){.grace_ms = -1, .proc_root = "/proc"};
}

static pid_t spawn_sh(const char *script)
{
	char *argv[] = {(char *)"sh", (char *)"-c", (char *)script, NULL};
	return reaper_spawn(argv, &inherited, NULL);
}

START_TEST(test_exit_code_mapping)
{
	for (int code = 0; code < 256; code++)
		ck_assert_int_eq(exit_code_from_status(code << 8), code);
	ck_assert_int_eq(exit_code_from_status(SIGKILL), 137);
	ck_assert_int_eq(exit_code_from_status(SIGTERM), 143);
	ck_assert_int_eq(exit_code_from_status(SIGSEGV | 0x80), 128 + SIGSEGV); /* core */
}
END_TEST

START_TEST(test_worker_status)
{
	pid_t w = spawn_sh("exit 42");
	ck_assert_int_gt(w, 0);
	ck_assert_int_eq(exit_code_from_status(reaper_loop(w, &cfg)), 42);
}
END_TEST

START_TEST(test_worker_own_process_group)
{
	pid_t w = spawn_sh("sleep 5");
	ck_assert_int_eq(getpgid(w), w);
	kill(w, SIGKILL);
	ck_assert_int_eq(exit_code_from_status(reaper_loop(w, &cfg)), 137);
}
END_TEST

START_TEST(test_exec_failures)
{
	char *missing[] = {(char *)"/nonexistent/cginit-test", NULL};
	char *not_exec[] = {(char *)"/etc/passwd", NULL};
	pid_t w = reaper_spawn(missing, &inherited, NULL);
	ck_assert_int_eq(exit_code_from_status(reaper_loop(w, &cfg)), EXIT_NOT_FOUND);
	w = reaper_spawn(not_exec, &inherited, NULL);
	ck_assert_int_eq(exit_code_from_status(reaper_loop(w, &cfg)), EXIT_CANNOT_EXEC);
}
END_TEST

/* clone3 into a directory that is not a cgroup: the kernel refuses
 * CLONE_INTO_CGROUP (EBADF) before any child exists, and the spawn fails
 * rather than run the worker outside its cgroup, leaving nothing to reap.
 * Where clone3 is missing (or hidden by seccomp, or valgrind) the spawn
 * falls back to fork and the move, which before_exec would do. The child
 * that the kernel kills (the cgroup.kill count bug of some 6.1 kernels)
 * needs the affected kernel: VM scenarios 9 and 17. No cgroup of the host
 * is touched. */
START_TEST(test_clone3_into_a_plain_directory_fails)
{
	char dir[] = "/tmp/cginit-probe-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	char *argv[] = {(char *)"true", NULL};
	struct spawn_hooks hooks = {.cgroup_fd = fd};
	pid_t pid = reaper_spawn(argv, &inherited, &hooks);
	if (reaper_clone3_available()) {
		ck_assert_int_lt(pid, 0);
		ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
		ck_assert_int_eq(errno, ECHILD);
	} else {
		ck_assert_int_gt(pid, 0);
		int st;
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	close(fd);
	rmdir(dir);
}
END_TEST

/* Waits until the worker has exec'd `comm`, so that a signal sent next
 * meets the worker's own dispositions, not the fork-to-exec window (which
 * valgrind stretches, and where it loses pending signals). */
static void wait_exec(pid_t pid, const char *comm)
{
	char path[64], buf[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 1000; i++) {
		FILE *fp = fopen(path, "r");
		if (fp) {
			bool match = fgets(buf, sizeof(buf), fp) && strncmp(buf, comm, strlen(comm)) == 0;
			fclose(fp);
			if (match)
				return;
		}
		usleep(10000);
	}
	ck_abort_msg("worker %d never exec'd %s", (int)pid, comm);
}

/* Starts `sh -c script` where the script touches "$READY" once its traps
 * are set, and waits for that: a signal sent earlier would find the
 * shell's default dispositions. */
static pid_t spawn_ready(const char *script)
{
	char ready[] = "/tmp/cginit-ready-XXXXXX";
	int fd = mkstemp(ready);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(ready);
	setenv("READY", ready, 1);
	pid_t w = spawn_sh(script);
	for (int i = 0; i < 1000 && access(ready, F_OK) < 0; i++)
		usleep(10000);
	ck_assert_msg(access(ready, F_OK) == 0, "worker never got ready");
	unlink(ready);
	return w;
}

START_TEST(test_signal_forwarded)
{
	/* Queued on us before the loop runs: it must still reach the worker. */
	pid_t w = spawn_sh("exec sleep 5");
	wait_exec(w, "sleep");
	ck_assert_int_eq(kill(getpid(), SIGTERM), 0);
	ck_assert_int_eq(exit_code_from_status(reaper_loop(w, &cfg)), 143);
}
END_TEST

START_TEST(test_signal_to_group)
{
	/* The worker exits on USR1; its child sleep dies only if the signal
	 * went to the whole group. Being a subreaper, we then find the sleep
	 * gone (reaped in the loop, or a zombie killed by USR1), where with
	 * the worker alone signalled it would still be sleeping. */
	ck_assert_int_eq(reaper_become_subreaper(), 0);
	pid_t w = spawn_ready("trap 'exit 7' USR1; sleep 30 & : > \"$READY\"; wait");
	cfg.kill_process_group = true;

	ck_assert_int_eq(kill(getpid(), SIGUSR1), 0);
	ck_assert_int_eq(exit_code_from_status(reaper_loop(w, &cfg)), 7);
	int st = 0;
	pid_t left = 0;
	for (int i = 0; i < 100 && left == 0; i++) {
		left = waitpid(-1, &st, WNOHANG);
		if (left == 0)
			usleep(20000);
	}
	if (left > 0)
		ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1);
	else
		ck_assert_int_eq(errno, ECHILD);
}
END_TEST

static uint64_t fake_clock;
static uint64_t fake_now(void)
{
	return fake_clock += 50;
}

START_TEST(test_grace_kills_stubborn_worker)
{
	pid_t w = spawn_ready("trap '' TERM; : > \"$READY\"; while :; do sleep 1; done");
	cfg.grace_ms = 100;
	cfg.now_ms = fake_now;
	ck_assert_int_eq(kill(getpid(), SIGTERM), 0);
	ck_assert_int_eq(exit_code_from_status(reaper_loop(w, &cfg)), 137);
}
END_TEST

static int kill_calls;
static int count_kill(void *ctx)
{
	(void)ctx;
	kill_calls++;
	return -1; /* "could not": the reaper must fall back to SIGKILL */
}

START_TEST(test_grace_uses_sandbox_kill_then_falls_back)
{
	pid_t w = spawn_ready("trap '' TERM INT; : > \"$READY\"; while :; do sleep 1; done");
	cfg.grace_ms = 10;
	cfg.now_ms = fake_now;
	cfg.kill_sandbox = count_kill;
	kill(getpid(), SIGINT);
	ck_assert_int_eq(exit_code_from_status(reaper_loop(w, &cfg)), 137);
	ck_assert_int_eq(kill_calls, 1);
}
END_TEST

START_TEST(test_reaps_orphans_and_subreaper_cleanup)
{
	ck_assert_int_eq(reaper_become_subreaper(), 0);
	/* The worker leaves a child that ignores SIGTERM: after the worker,
	 * cginit must SIGTERM, then SIGKILL it. */
	pid_t w = spawn_sh("(trap '' TERM; sleep 30) & exit 0");
	ck_assert_int_eq(exit_code_from_status(reaper_loop(w, &cfg)), 0);
	cfg.subreaper_mode = true;
	reaper_finish(w, &cfg);
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}
END_TEST

static Suite *reaper_suite(void)
{
	Suite *s = suite_create("reaper");
	TCase *t = tcase_create("reaper");
	tcase_set_timeout(t, 20);
	tcase_add_checked_fixture(t, setup, NULL);
	tcase_add_test(t, test_exit_code_mapping);
	tcase_add_test(t, test_worker_status);
	tcase_add_test(t, test_worker_own_process_group);
	tcase_add_test(t, test_exec_failures);
	tcase_add_test(t, test_clone3_into_a_plain_directory_fails);
	tcase_add_test(t, test_signal_forwarded);
	tcase_add_test(t, test_signal_to_group);
	tcase_add_test(t, test_grace_kills_stubborn_worker);
	tcase_add_test(t, test_grace_uses_sandbox_kill_then_falls_back);
	tcase_add_test(t, test_reaps_orphans_and_subreaper_cleanup);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(reaper_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
