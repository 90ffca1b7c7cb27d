// SPDX-License-Identifier: MIT
/* Command line and environment parsing. */
#include "cginit.h"

#include <check.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fake environment: NAME=value pairs. */
static const char *fake_env[8];

static char *env_lookup(const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; fake_env[i]; i++)
		if (strncmp(fake_env[i], name, n) == 0 && fake_env[i][n] == '=')
			return (char *)fake_env[i] + n + 1;
	return NULL;
}

static struct options opt;

/* The error of the last parse. */
static struct cg_err parse_err;

/* Parses a NULL-terminated list of words with stdout silenced (--help and
 * --version print there). Errors come back in parse_err: options_parse
 * itself must print nothing on stderr. */
static enum parse_result parse(const char *first, ...)
{
	static char *argv[32];
	int argc = 0;
	argv[argc++] = (char *)"cginit";
	va_list ap;
	va_start(ap, first);
	for (const char *w = first; w && argc < 31; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	char path[] = "/tmp/cginit-test-options-XXXXXX";
	int out = dup(1), err = dup(2), null = open("/dev/null", O_WRONLY), cap = mkstemp(path);
	dup2(null, 1);
	dup2(cap, 2);
	memset(&parse_err, 0, sizeof(parse_err));
	enum parse_result r = options_parse(&opt, argc, argv, env_lookup, &parse_err);
	dup2(out, 1);
	dup2(err, 2);
	close(out);
	close(err);
	close(null);
	off_t printed = lseek(cap, 0, SEEK_END);
	close(cap);
	unlink(path);
	ck_assert_msg(printed == 0, "options_parse printed %ld bytes on stderr", (long)printed);
	ck_assert_msg(r != PARSE_ERROR || parse_err.set, "PARSE_ERROR with no message");
	return r;
}

static void setup(void)
{
	memset(fake_env, 0, sizeof(fake_env));
}

START_TEST(test_defaults)
{
	ck_assert_int_eq(parse("true", NULL), PARSE_OK);
	ck_assert_str_eq(opt.argv[0], "true");
	ck_assert_ptr_null(opt.argv[1]);
	ck_assert(!opt.subreaper && !opt.kill_process_group && !opt.warn_on_reap);
	ck_assert_int_eq(opt.grace_ms, -1);
	ck_assert_int_eq(opt.cgroup_mode, CGROUP_AUTO);
	ck_assert_int_eq(opt.verbosity, LOG_WARN);
	ck_assert_str_eq(opt.names.sandbox, "sandbox");
	ck_assert_str_eq(opt.names.jobs, "jobs");
}
END_TEST

START_TEST(test_stops_at_first_non_option)
{
	ck_assert_int_eq(parse("sh", "-c", "exit 5", NULL), PARSE_OK);
	ck_assert_str_eq(opt.argv[0], "sh");
	ck_assert_str_eq(opt.argv[1], "-c");
	ck_assert_int_eq(parse("-v", "--", "ls", "-l", NULL), PARSE_OK);
	ck_assert_str_eq(opt.argv[0], "ls");
	ck_assert_str_eq(opt.argv[1], "-l");
	ck_assert_int_eq(opt.verbosity, LOG_WARN + 1);
}
END_TEST

START_TEST(test_tini_flags)
{
	ck_assert_int_eq(parse("-s", "-g", "-w", "-vv", "-p", "SIGKILL", "-e", "3", "-e", "143",
			       "--", "x", NULL), PARSE_OK);
	ck_assert(opt.subreaper && opt.kill_process_group && opt.warn_on_reap);
	ck_assert_int_eq(opt.verbosity, LOG_WARN + 2);
	ck_assert_int_eq(opt.pdeathsig, SIGKILL);
	ck_assert(opt.remap[3] && opt.remap[143] && !opt.remap[0]);
}
END_TEST

START_TEST(test_exit_and_usage_flags)
{
	ck_assert_int_eq(parse("--version", NULL), PARSE_EXIT_OK);
	ck_assert_int_eq(parse("-h", NULL), PARSE_EXIT_OK);
	ck_assert_int_eq(parse("--help", NULL), PARSE_EXIT_OK);
	ck_assert_int_eq(parse("-l", NULL), PARSE_EXIT_OK);
}
END_TEST

START_TEST(test_bad_input)
{
	ck_assert_int_eq(parse(NULL), PARSE_ERROR);                  /* no command */
	ck_assert_int_eq(parse("-x", "true", NULL), PARSE_ERROR);    /* unknown */
	ck_assert_int_eq(parse("--bogus", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("-p", "SIGNOPE", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("-p", "0", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("-p", "65", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("-e", "256", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("-e", "-1", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("-e", "abc", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("-e", NULL), PARSE_ERROR);            /* no value */
	ck_assert_int_eq(parse("--grace", "soon", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--cgroup=maybe", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--jobs-pids-max", "12k", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--jobs-memory-max", "lots", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--jobs-cpu-max", "50000 10", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--delegate-to", "bob", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--sandbox-name", "a/b", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--jobs-name", "cgroup.procs", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--worker-name", "jobs", "true", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--controllers", "Memory!", "true", NULL), PARSE_ERROR);
}
END_TEST

START_TEST(test_cgroup_options)
{
	ck_assert_int_eq(parse("--cgroup=require", "--controllers", "io,hugetlb",
			       "--jobs-memory-max", "512M", "--jobs-pids-max", "max",
			       "--jobs-cpu-max", "50000 100000", "--jobs-max-descendants", "100",
			       "--delegate-to", "1000:1000", "--sandbox-name", "box", "w", NULL),
			 PARSE_OK);
	ck_assert_int_eq(opt.cgroup_mode, CGROUP_REQUIRE);
	ck_assert(opt.cgroup_mode_explicit);
	ck_assert_str_eq(opt.controllers, "io,hugetlb");
	ck_assert_str_eq(opt.jobs_limits.memory_max, "512M");
	ck_assert_str_eq(opt.jobs_limits.pids_max, "max");
	ck_assert_str_eq(opt.jobs_limits.cpu_max, "50000 100000");
	ck_assert_str_eq(opt.jobs_limits.max_descendants, "100");
	ck_assert(opt.delegate);
	ck_assert_int_eq(opt.delegate_uid, 1000);
	ck_assert_int_eq(opt.delegate_gid, 1000);
	ck_assert_str_eq(opt.names.sandbox, "box");
	ck_assert_int_eq(parse("--delegate-to", "1000:2000", "w", NULL), PARSE_OK);
	ck_assert_int_eq(opt.delegate_gid, 2000);
	ck_assert_int_eq(parse("--delegate-to", "7", "w", NULL), PARSE_OK);
	ck_assert_int_eq(opt.delegate_gid, 7);
	ck_assert_int_eq(parse("--cgroup", "off", "w", NULL), PARSE_OK);
	ck_assert_int_eq(opt.cgroup_mode, CGROUP_OFF);
}
END_TEST

START_TEST(test_sandbox_and_depth_limits)
{
	ck_assert_int_eq(parse("--sandbox-memory-max", "1G", "--sandbox-pids-max", "256",
			       "--sandbox-cpu-max", "200000 100000", "--sandbox-max-descendants", "50",
			       "--sandbox-max-depth", "3", "--jobs-max-depth", "1", "w", NULL),
			 PARSE_OK);
	ck_assert_str_eq(opt.sandbox_limits.memory_max, "1G");
	ck_assert_str_eq(opt.sandbox_limits.pids_max, "256");
	ck_assert_str_eq(opt.sandbox_limits.cpu_max, "200000 100000");
	ck_assert_str_eq(opt.sandbox_limits.max_descendants, "50");
	ck_assert_str_eq(opt.sandbox_limits.max_depth, "3");
	ck_assert_str_eq(opt.jobs_limits.max_depth, "1");
	ck_assert_ptr_null(opt.jobs_limits.pids_max);
	ck_assert_str_eq(opt.layout_needed_by, "--sandbox-memory-max");
	ck_assert_int_eq(parse("--sandbox-max-depth", "max", "w", NULL), PARSE_OK);
	/* Too small to hold one job cgroup, or not a value at all. */
	ck_assert_int_eq(parse("--sandbox-max-depth", "1", "w", NULL), PARSE_ERROR);
	ck_assert_str_eq(parse_err.msg, "invalid --sandbox-max-depth '1': expected at least 2: "
					"a job cgroup is sandbox/jobs/<job>");
	ck_assert_int_eq(parse("--sandbox-max-descendants", "2", "w", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--jobs-max-depth", "0", "w", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--sandbox-pids-max", "16M", "w", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--sandbox-cpu-max", "fast", "w", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("--sandbox-memory-max", "-1", "w", NULL), PARSE_ERROR);
}
END_TEST

START_TEST(test_options_that_need_the_layout)
{
	ck_assert_int_eq(parse("w", NULL), PARSE_OK);
	ck_assert_ptr_null(opt.layout_needed_by);
	ck_assert_int_eq(parse("--user", "nobody", "w", NULL), PARSE_OK);
	ck_assert_ptr_null(opt.layout_needed_by);
	ck_assert_int_eq(parse("--jobs-pids-max", "16", "--jobs-memory-max", "1G", "w", NULL),
			 PARSE_OK);
	ck_assert_str_eq(opt.layout_needed_by, "--jobs-pids-max");
	ck_assert_int_eq(parse("--delegate-to", "1000", "w", NULL), PARSE_OK);
	ck_assert_str_eq(opt.layout_needed_by, "--delegate-to");
	/* Off and a limit cannot both hold; the message names the option. */
	ck_assert_int_eq(parse("--cgroup=off", "--jobs-pids-max", "16", "w", NULL), PARSE_ERROR);
	ck_assert_ptr_nonnull(strstr(parse_err.msg, "--jobs-pids-max needs the cgroup layout"));
	ck_assert_int_eq(parse("--sandbox-pids-max", "16", "--cgroup", "off", "w", NULL),
			 PARSE_ERROR);
	ck_assert_int_eq(parse("--cgroup=off", "--delegate-to", "1000", "w", NULL), PARSE_ERROR);
	fake_env[0] = "CGINIT_CGROUP_MODE=off";
	ck_assert_int_eq(parse("--jobs-max-depth", "2", "w", NULL), PARSE_ERROR);
	ck_assert_int_eq(parse("w", NULL), PARSE_OK);
}
END_TEST

START_TEST(test_allow_privilege_escalation)
{
	ck_assert_int_eq(parse("--user", "nobody", "w", NULL), PARSE_OK);
	ck_assert(!opt.allow_privilege_escalation);
	ck_assert_int_eq(parse("--user", "nobody", "--allow-privilege-escalation", "w", NULL),
			 PARSE_OK);
	ck_assert(opt.allow_privilege_escalation);
	/* It only relaxes --user. */
	ck_assert_int_eq(parse("--allow-privilege-escalation", "w", NULL), PARSE_ERROR);
	fake_env[0] = "CGINIT_ALLOW_PRIVILEGE_ESCALATION=1";
	ck_assert_int_eq(parse("w", NULL), PARSE_ERROR);
	fake_env[1] = "CGINIT_USER=nobody";
	ck_assert_int_eq(parse("w", NULL), PARSE_OK);
	ck_assert(opt.allow_privilege_escalation);
	fake_env[0] = "CGINIT_ALLOW_PRIVILEGE_ESCALATION=0";
	ck_assert_int_eq(parse("w", NULL), PARSE_OK);
	ck_assert(!opt.allow_privilege_escalation);
}
END_TEST

START_TEST(test_check_needs_no_command)
{
	ck_assert_int_eq(parse("--check", NULL), PARSE_OK);
	ck_assert(opt.check);
	ck_assert_ptr_null(opt.argv);
}
END_TEST

START_TEST(test_grace)
{
	ck_assert_int_eq(parse("--grace", "2", "w", NULL), PARSE_OK);
	ck_assert_int_eq(opt.grace_ms, 2000);
	ck_assert_int_eq(parse("--grace", "0.25", "w", NULL), PARSE_OK);
	ck_assert_int_eq(opt.grace_ms, 250);
	ck_assert_int_eq(parse_duration_ms("1.5"), 1500);
	ck_assert_int_eq(parse_duration_ms("0"), 0);
	ck_assert_int_eq(parse_duration_ms("1.2345"), -1);
	ck_assert_int_eq(parse_duration_ms("1."), -1);
	ck_assert_int_eq(parse_duration_ms("86401"), -1);
	ck_assert_int_eq(parse_duration_ms("-1"), -1);
}
END_TEST

START_TEST(test_env_and_aliases)
{
	fake_env[0] = "TINI_SUBREAPER=";
	fake_env[1] = "TINI_KILL_PROCESS_GROUP=1";
	fake_env[2] = "TINI_VERBOSITY=3";
	ck_assert_int_eq(parse("w", NULL), PARSE_OK);
	ck_assert(opt.subreaper);
	ck_assert(opt.kill_process_group);
	ck_assert_int_eq(opt.verbosity, 3);
	/* cginit's own name wins over the alias; 0 means off. */
	fake_env[3] = "CGINIT_SUBREAPER=0";
	fake_env[4] = "CGINIT_VERBOSITY=0";
	fake_env[5] = "CGINIT_CGROUP_MODE=off";
	ck_assert_int_eq(parse("w", NULL), PARSE_OK);
	ck_assert(!opt.subreaper);
	ck_assert_int_eq(opt.verbosity, 0);
	ck_assert_int_eq(opt.cgroup_mode, CGROUP_OFF);
	/* The command line wins over the environment. */
	ck_assert_int_eq(parse("--cgroup=require", "-v", "w", NULL), PARSE_OK);
	ck_assert_int_eq(opt.cgroup_mode, CGROUP_REQUIRE);
	ck_assert_int_eq(opt.verbosity, 1);
}
END_TEST

START_TEST(test_privilege_env)
{
	fake_env[0] = "CGINIT_USER=worker";
	fake_env[1] = "CGINIT_CAP_KEEP=net_bind_service";
	fake_env[2] = "CGINIT_NO_NEW_PRIVS=1";
	ck_assert_int_eq(parse("--dry-run", "w", NULL), PARSE_OK);
	ck_assert(opt.dry_run);
	ck_assert_str_eq(opt.user, "worker");
	ck_assert_str_eq(opt.cap_keep, "net_bind_service");
	ck_assert_ptr_null(opt.cap_drop);
	ck_assert(opt.no_new_privs);
	/* The command line wins. */
	ck_assert_int_eq(parse("--user", "1000", "w", NULL), PARSE_OK);
	ck_assert_str_eq(opt.user, "1000");
}
END_TEST

START_TEST(test_bad_env)
{
	fake_env[0] = "CGINIT_VERBOSITY=loud";
	ck_assert_int_eq(parse("w", NULL), PARSE_ERROR);
	fake_env[0] = "CGINIT_CGROUP_MODE=sometimes";
	ck_assert_int_eq(parse("w", NULL), PARSE_ERROR);
}
END_TEST

START_TEST(test_signal_names)
{
	ck_assert_int_eq(parse_signal("SIGTERM"), SIGTERM);
	ck_assert_int_eq(parse_signal("term"), SIGTERM);
	ck_assert_int_eq(parse_signal("sigKill"), SIGKILL);
	ck_assert_int_eq(parse_signal("9"), 9);
	ck_assert_int_eq(parse_signal("USR1"), SIGUSR1);
	ck_assert_int_eq(parse_signal("SIGRTMIN"), SIGRTMIN);
	ck_assert_int_eq(parse_signal("RTMIN+2"), SIGRTMIN + 2);
	ck_assert_int_eq(parse_signal("SIGRTMAX-1"), SIGRTMAX - 1);
	ck_assert_int_eq(parse_signal("RTMIN-1"), -1);
	ck_assert_int_eq(parse_signal(""), -1);
	ck_assert_int_eq(parse_signal("SIG"), -1);
	ck_assert_int_eq(parse_signal("9x"), -1);
	ck_assert_int_eq(parse_signal("0"), -1);
	ck_assert_str_eq(signal_name(SIGSEGV), "SEGV");
	for (int s = 1; s < 32; s++) {
		const char *name = signal_name(s);
		if (name)
			ck_assert_int_eq(parse_signal(name), s);
	}
}
END_TEST

START_TEST(test_exit_codes)
{
	for (int i = 0; i < 256; i++) {
		char buf[8];
		snprintf(buf, sizeof(buf), "%d", i);
		ck_assert_int_eq(parse_exit_code(buf), i);
	}
	ck_assert_int_eq(parse_exit_code("256"), -1);
	ck_assert_int_eq(parse_exit_code("+1"), -1);
	ck_assert_int_eq(parse_exit_code(" 1"), -1);
	ck_assert_int_eq(parse_exit_code("99999999999999999999"), -1);
}
END_TEST

static Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *t = tcase_create("parse");
	tcase_add_checked_fixture(t, setup, NULL);
	tcase_add_test(t, test_defaults);
	tcase_add_test(t, test_stops_at_first_non_option);
	tcase_add_test(t, test_tini_flags);
	tcase_add_test(t, test_exit_and_usage_flags);
	tcase_add_test(t, test_bad_input);
	tcase_add_test(t, test_cgroup_options);
	tcase_add_test(t, test_sandbox_and_depth_limits);
	tcase_add_test(t, test_options_that_need_the_layout);
	tcase_add_test(t, test_allow_privilege_escalation);
	tcase_add_test(t, test_check_needs_no_command);
	tcase_add_test(t, test_grace);
	tcase_add_test(t, test_env_and_aliases);
	tcase_add_test(t, test_bad_env);
	tcase_add_test(t, test_privilege_env);
	tcase_add_test(t, test_signal_names);
	tcase_add_test(t, test_exit_codes);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(options_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
