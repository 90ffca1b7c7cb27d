// SPDX-License-Identifier: MIT
/* privdrop.c: --user against fake passwd/group files, capability lists,
 * and the checks priv_prepare makes before anything runs. */
#include "cginit.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char passwd_text[] =
	"# a comment, then a blank line\n"
	"\n"
	"root:x:0:0:root:/root:/bin/sh\n"
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	"alice:x:1000:1000:Alice:/home/alice:/bin/sh\n"
	"bob:x:1001:100::/home/bob:/bin/sh\n"
	"nohome:x:1002:1002:::/bin/sh\n"
	"broken:x:notanumber:1003::/:/bin/sh\n"
	"+nisuser::::::\n"
	"short:x:1004:1004"; /* no newline at the end, 4 fields */

static const char group_text[] =
	"root:x:0:\n"
	"users:x:100:\n"
	"alice:x:1000:\n"
	"audio:x:29:bob,alice\n"
	"video:x:44:bob\n"
	"wheel:x:10:carol,alice,dave\n"
	"alicia:x:55:aliceX,xalice\n"
	"# wheel2:x:11:alice\n"
	"badgid:x:oops:alice\n";

static char passwd_path[64], group_path[64], err_path[64];
static struct priv_files files;
static struct options opt;
static struct priv_plan plan;

static void write_temp(char *path, const char *text)
{
	snprintf(path, 64, "%s", "/tmp/cginit-privdrop-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	size_t len = strlen(text);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void setup(void)
{
	write_temp(passwd_path, passwd_text);
	write_temp(group_path, group_text);
	write_temp(err_path, "");
	files.passwd = passwd_path;
	files.group = group_path;
	memset(&opt, 0, sizeof(opt));
	memset(&plan, 0xa5, sizeof(plan)); /* priv_prepare must clear it */
}

static void teardown(void)
{
	unlink(passwd_path);
	unlink(group_path);
	unlink(err_path);
}

/* priv_prepare; *message gets the error it returned, as cginit would
 * print it ("cginit: " and the message). */
static int prepare(char *message, size_t size)
{
	struct cg_err err = {0};
	int rc = priv_prepare(&opt, &files, &plan, &err);
	if (message)
		snprintf(message, size, "%s%s", err.set ? "cginit: " : "", err.msg);
	ck_assert_msg(rc == 0 || err.set, "priv_prepare failed and said nothing");
	return rc;
}

/* The parsing alone, which works whatever this process's privileges. */
static int prepare_user(const char *user)
{
	opt.user = user;
	memset(&plan, 0xa5, sizeof(plan));
	struct cg_err err = {0};
	return priv_resolve_user(user, &files, &plan, &err);
}

/* Fails unless priv_prepare refuses, naming what in its message. */
static void assert_refused(const char *what)
{
	char msg[1024];
	ck_assert_int_eq(prepare(msg, sizeof(msg)), -1);
	ck_assert_msg(strstr(msg, what) != NULL, "message '%s' does not name '%s'", msg, what);
	ck_assert_msg(strncmp(msg, "cginit: ", 8) == 0, "message '%s'", msg);
}

static bool has_group(gid_t gid)
{
	for (size_t i = 0; i < plan.ngroups; i++)
		if (plan.groups[i] == gid)
			return true;
	return false;
}

static bool is_root(void)
{
	return geteuid() == 0;
}

/* A test that needs root fails loudly without it, never passes quietly. */
static void require_root(void)
{
	if (!is_root())
		ck_abort_msg("this test needs root (make check runs as root)");
}

/* ---- users and groups ----------------------------------------------------- */

START_TEST(test_no_options_is_a_noop)
{
	ck_assert_int_eq(prepare(NULL, 0), 0);
	ck_assert(!plan.change_user && !plan.drop_caps && !plan.keep_caps && !plan.no_new_privs);
	ck_assert_uint_eq(plan.ngroups, 0);
	ck_assert_uint_eq(plan.drop | plan.keep, 0);
	/* Applying the empty plan changes nothing, so it cannot fail. */
	ck_assert_int_eq(priv_apply(&plan, NULL), 0);
}
END_TEST

START_TEST(test_user_by_name)
{
	ck_assert_int_eq(prepare_user("alice"), 0);
	ck_assert(plan.change_user);
	ck_assert_uint_eq(plan.uid, 1000);
	ck_assert_uint_eq(plan.gid, 1000);
	ck_assert_str_eq(plan.home, "/home/alice");
	/* Primary first, then every group that lists alice, once each, and
	 * not the groups of users whose names merely contain hers. */
	ck_assert_uint_eq(plan.ngroups, 3);
	ck_assert_uint_eq(plan.groups[0], 1000);
	ck_assert(has_group(29) && has_group(10));
	ck_assert(!has_group(44) && !has_group(55) && !has_group(11));
}
END_TEST

START_TEST(test_user_primary_group_not_its_own)
{
	ck_assert_int_eq(prepare_user("bob"), 0);
	ck_assert_uint_eq(plan.uid, 1001);
	ck_assert_uint_eq(plan.gid, 100);
	ck_assert_uint_eq(plan.groups[0], 100);
	ck_assert(has_group(29) && has_group(44));
	ck_assert_uint_eq(plan.ngroups, 3);
}
END_TEST

START_TEST(test_user_and_group)
{
	ck_assert_int_eq(prepare_user("alice:video"), 0);
	ck_assert_uint_eq(plan.uid, 1000);
	ck_assert_uint_eq(plan.gid, 44);
	/* An explicit group is the only one. */
	ck_assert_uint_eq(plan.ngroups, 1);
	ck_assert_uint_eq(plan.groups[0], 44);
	ck_assert_str_eq(plan.home, "/home/alice");

	ck_assert_int_eq(prepare_user("alice:4000"), 0);
	ck_assert_uint_eq(plan.gid, 4000);
	ck_assert_uint_eq(plan.ngroups, 1);
}
END_TEST

START_TEST(test_numeric_user_in_passwd)
{
	ck_assert_int_eq(prepare_user("1000"), 0);
	ck_assert_uint_eq(plan.uid, 1000);
	ck_assert_uint_eq(plan.gid, 1000);
	ck_assert_str_eq(plan.home, "/home/alice");
	ck_assert_uint_eq(plan.ngroups, 3);

	ck_assert_int_eq(prepare_user("0"), 0);
	ck_assert_uint_eq(plan.uid, 0);
	ck_assert_uint_eq(plan.gid, 0);
	ck_assert_str_eq(plan.home, "/root");
}
END_TEST

START_TEST(test_numeric_user_absent)
{
	ck_assert_int_eq(prepare_user("4242"), 0);
	ck_assert(plan.change_user);
	ck_assert_uint_eq(plan.uid, 4242);
	ck_assert_uint_eq(plan.gid, 4242);
	ck_assert_uint_eq(plan.ngroups, 1);
	ck_assert_uint_eq(plan.groups[0], 4242);
	ck_assert_str_eq(plan.home, "/");

	ck_assert_int_eq(prepare_user("4242:audio"), 0);
	ck_assert_uint_eq(plan.uid, 4242);
	ck_assert_uint_eq(plan.gid, 29);
	ck_assert_uint_eq(plan.ngroups, 1);

	ck_assert_int_eq(prepare_user("4242:77"), 0);
	ck_assert_uint_eq(plan.gid, 77);
}
END_TEST

START_TEST(test_odd_entries)
{
	/* Empty home: "/". An entry with 4 fields and no newline: found. */
	ck_assert_int_eq(prepare_user("nohome"), 0);
	ck_assert_str_eq(plan.home, "/");
	ck_assert_int_eq(prepare_user("short"), 0);
	ck_assert_uint_eq(plan.uid, 1004);
	ck_assert_str_eq(plan.home, "/");
	/* NIS lines are not users; a commented-out group is no group. */
	opt.user = "+nisuser";
	assert_refused("unknown user '+nisuser'");
	opt.user = "alice:wheel2";
	assert_refused("unknown group 'wheel2'");
	/* An entry that cannot be used is an error, not a guess. */
	opt.user = "broken";
	assert_refused("bad entry for 'broken'");
	opt.user = "alice:badgid";
	assert_refused("bad entry for group 'badgid'");
}
END_TEST

START_TEST(test_unknown_user_or_group)
{
	opt.user = "mallory";
	assert_refused("unknown user 'mallory'");
	ck_assert(!plan.change_user);
	opt.user = "mallory:audio";
	assert_refused("unknown user 'mallory'");
	opt.user = "alice:nogroup";
	assert_refused("unknown group 'nogroup'");
	opt.user = "4242:nogroup";
	assert_refused("unknown group 'nogroup'");
	/* Names are case-sensitive. */
	opt.user = "Alice";
	assert_refused("unknown user 'Alice'");
}
END_TEST

START_TEST(test_bad_user_syntax)
{
	const char *bad[] = {"", ":audio", "alice:", "alice:audio:x", ":"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		opt.user = bad[i];
		assert_refused("invalid --user");
	}
	/* (uid_t)-1 means "unchanged" to setuid: it is no uid, and out of
	 * range numbers are not numbers; both are then unknown names. */
	opt.user = "4294967295";
	assert_refused("unknown user '4294967295'");
	opt.user = "99999999999";
	assert_refused("unknown user");
	opt.user = "-1";
	assert_refused("unknown user '-1'");
}
END_TEST

START_TEST(test_missing_databases)
{
	files.passwd = "/nonexistent/passwd";
	files.group = "/nonexistent/group";
	/* A scratch image: numbers work, names cannot. */
	ck_assert_int_eq(prepare_user("65534:65534"), 0);
	ck_assert_uint_eq(plan.uid, 65534);
	ck_assert_uint_eq(plan.gid, 65534);
	opt.user = "nobody";
	assert_refused("unknown user 'nobody' (not in /nonexistent/passwd)");
	/* A database that exists but cannot be read is an error. */
	files.passwd = "/";
	opt.user = "1000";
	assert_refused("read /");
}
END_TEST

START_TEST(test_too_many_groups)
{
	char text[8192];
	size_t n = 0;
	for (int i = 0; i < PRIV_MAX_GROUPS + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "g%d:x:%d:alice\n", i, 2000 + i);
	unlink(group_path);
	write_temp(group_path, text);
	opt.user = "alice";
	assert_refused("more than 64 groups");
	/* Exactly the limit is fine: the primary group plus 63. */
	n = 0;
	for (int i = 0; i < PRIV_MAX_GROUPS - 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "g%d:x:%d:alice\n", i, 2000 + i);
	unlink(group_path);
	write_temp(group_path, text);
	ck_assert_int_eq(prepare_user("alice"), 0);
	ck_assert_uint_eq(plan.ngroups, PRIV_MAX_GROUPS);
}
END_TEST

/* ---- capability lists ------------------------------------------------------ */

static uint64_t caps_of(const char *list)
{
	uint64_t mask = 0xdead;
	struct cg_err err = {0};
	int rc = priv_parse_caps(list, "--cap-drop", &mask, &err);
	ck_assert(rc == 0 || err.set);
	return rc < 0 ? UINT64_MAX : mask;
}

#define BIT(c) (UINT64_C(1) << (c))

static uint64_t kernel_caps(void)
{
	int n = cap_max_bits();
	return n >= 64 ? UINT64_MAX : BIT(n) - 1;
}

START_TEST(test_cap_names)
{
	ck_assert_uint_eq(caps_of("chown"), BIT(CAP_CHOWN));
	ck_assert_uint_eq(caps_of("CAP_KILL"), BIT(CAP_KILL));
	ck_assert_uint_eq(caps_of("cap_net_admin"), BIT(CAP_NET_ADMIN));
	ck_assert_uint_eq(caps_of("Cap_Sys_Admin"), BIT(CAP_SYS_ADMIN));
	ck_assert_uint_eq(caps_of("NET_BIND_SERVICE"), BIT(CAP_NET_BIND_SERVICE));
	ck_assert_uint_eq(caps_of("chown,kill,setuid"),
			  BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_SETUID));
	ck_assert_uint_eq(caps_of(" chown , CAP_KILL "), BIT(CAP_CHOWN) | BIT(CAP_KILL));
	ck_assert_uint_eq(caps_of("kill,kill,KILL"), BIT(CAP_KILL));
	ck_assert_uint_eq(caps_of("setfcap"), BIT(CAP_SETFCAP));
	ck_assert_uint_eq(caps_of("audit_read"), BIT(CAP_AUDIT_READ));
	if (cap_max_bits() > CAP_CHECKPOINT_RESTORE)
		ck_assert_uint_eq(caps_of("checkpoint_restore"), BIT(CAP_CHECKPOINT_RESTORE));
	/* Every name libcap knows for this kernel parses to its number. */
	for (int c = 0; c < cap_max_bits() && c <= CAP_LAST_CAP; c++) {
		char *name = cap_to_name(c);
		ck_assert_ptr_nonnull(name);
		ck_assert_msg(caps_of(name) == BIT(c), "%s is not %d", name, c);
		cap_free(name);
	}
}
END_TEST

START_TEST(test_cap_all)
{
	ck_assert_uint_eq(caps_of("all"), kernel_caps());
	ck_assert_uint_eq(caps_of("ALL"), kernel_caps());
	ck_assert_uint_eq(caps_of("chown,all"), kernel_caps());
	ck_assert_uint_eq(caps_of("all") & BIT(CAP_SYS_ADMIN), BIT(CAP_SYS_ADMIN));
}
END_TEST

START_TEST(test_cap_unknown)
{
	const char *bad[] = {"frobnicate", "cap_frobnicate", "CAP_", "cap_chown1", "chown2",
			     "12", "0", "cap_cap_chown", "chown;kill", "chown,", ",chown",
			     "chown,,kill", "", " ", "al", "alll", "cap_all", "sys-admin"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(caps_of(bad[i]) == UINT64_MAX, "'%s' was accepted", bad[i]);
}
END_TEST

START_TEST(test_cap_drop_plan)
{
	char msg[1024];
	opt.cap_drop = "net_raw,CAP_MKNOD";
	ck_assert_int_eq(prepare(msg, sizeof(msg)), is_root() ? 0 : -1);
	if (!is_root())
		return;
	ck_assert(plan.drop_caps && !plan.keep_caps && !plan.change_user);
	ck_assert_uint_eq(plan.drop, BIT(CAP_NET_RAW) | BIT(CAP_MKNOD));

	opt.cap_drop = "cap_bogus";
	assert_refused("unknown capability 'cap_bogus'");
	ck_assert(strstr(msg, "--cap-drop") == NULL); /* the first call printed nothing */
}
END_TEST

START_TEST(test_cap_drop_message_names_option)
{
	opt.cap_drop = "chown,bogus";
	assert_refused("invalid --cap-drop 'chown,bogus': unknown capability 'bogus'");
	opt.cap_drop = NULL;
	opt.cap_keep = "kill,Bogus";
	assert_refused("invalid --cap-keep 'kill,Bogus': unknown capability 'Bogus'");
}
END_TEST

/* Lowers this test process's own capabilities (Check forks each test). */
static void give_up(cap_value_t cap)
{
	cap_t c = cap_get_proc();
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(cap_set_flag(c, CAP_PERMITTED, 1, &cap, CAP_CLEAR), 0);
	ck_assert_int_eq(cap_set_flag(c, CAP_EFFECTIVE, 1, &cap, CAP_CLEAR), 0);
	ck_assert_int_eq(cap_set_flag(c, CAP_INHERITABLE, 1, &cap, CAP_CLEAR), 0);
	ck_assert_int_eq(cap_set_proc(c), 0);
	cap_free(c);
}

START_TEST(test_cap_keep_plan)
{
	if (!is_root()) {
		opt.cap_keep = "chown";
		assert_refused("cginit does not hold 'chown'");
		return;
	}
	opt.cap_keep = "chown,kill";
	ck_assert_int_eq(prepare(NULL, 0), 0);
	ck_assert(plan.keep_caps && !plan.drop_caps);
	ck_assert_uint_eq(plan.keep, BIT(CAP_CHOWN) | BIT(CAP_KILL));

	opt.cap_keep = "all";
	opt.cap_drop = "sys_admin";
	ck_assert_int_eq(prepare(NULL, 0), 0);
	ck_assert(plan.keep_caps && plan.drop_caps);
	ck_assert_uint_eq(plan.drop, BIT(CAP_SYS_ADMIN));
}
END_TEST

START_TEST(test_cap_keep_not_held)
{
	require_root();
	give_up(CAP_SYS_MODULE);
	opt.cap_keep = "chown,sys_module";
	assert_refused("invalid --cap-keep 'chown,sys_module': cginit does not hold 'sys_module'");
	/* "all" means all that is held, so it is no error. */
	opt.cap_keep = "ALL";
	ck_assert_int_eq(prepare(NULL, 0), 0);
	ck_assert_uint_eq(plan.keep & BIT(CAP_SYS_MODULE), 0);
	ck_assert_uint_eq(plan.keep & BIT(CAP_CHOWN), BIT(CAP_CHOWN));
	/* Out of the bounding set counts as not held too. */
	ck_assert_int_eq(cap_drop_bound(CAP_SYS_BOOT), 0);
	opt.cap_keep = "sys_boot";
	assert_refused("cginit does not hold 'sys_boot'");
	/* Dropping what is not held is fine: there is nothing to drop. */
	opt.cap_keep = NULL;
	opt.cap_drop = "sys_module,sys_boot";
	ck_assert_int_eq(prepare(NULL, 0), 0);
}
END_TEST

START_TEST(test_prerequisites_checked)
{
	require_root();
	/* Without CAP_SETPCAP the bounding set cannot be cut: said now. */
	give_up(CAP_SETPCAP);
	opt.cap_drop = "net_raw";
	assert_refused("CAP_SETPCAP");
	opt.cap_drop = NULL;
	/* Without CAP_SETUID, --user cannot be applied: said now. */
	give_up(CAP_SETUID);
	opt.user = "alice";
	assert_refused("--user alice");
}
END_TEST

/* ---- applying, in a child ---------------------------------------------------- */

/* Runs priv_apply in a child and has it report through its exit code. */
static int apply_in_child(int (*check)(void))
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (priv_apply(&plan, NULL) < 0)
			_exit(125);
		_exit(check());
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int flag_of(cap_value_t c, cap_flag_t f)
{
	cap_t cur = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;
	cap_get_flag(cur, c, f, &v);
	cap_free(cur);
	return v == CAP_SET;
}

static int check_user_keep(void)
{
	gid_t groups[8];
	if (getuid() != 4242 || geteuid() != 4242 || getgid() != 29 || getegid() != 29)
		return 1;
	if (getgroups(8, groups) != 1 || groups[0] != 29)
		return 2;
	if (!flag_of(CAP_KILL, CAP_PERMITTED) || !flag_of(CAP_KILL, CAP_EFFECTIVE) ||
	    !flag_of(CAP_KILL, CAP_INHERITABLE) || cap_get_ambient(CAP_KILL) != 1)
		return 3;
	if (flag_of(CAP_CHOWN, CAP_PERMITTED) || cap_get_ambient(CAP_CHOWN) != 0 ||
	    cap_get_bound(CAP_CHOWN) != 0 || cap_get_bound(CAP_KILL) != 1)
		return 4;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 5;
	return 0;
}

START_TEST(test_apply_user_keep)
{
	require_root();
	opt.user = "4242:audio";
	opt.cap_keep = "kill";
	opt.no_new_privs = true;
	ck_assert_int_eq(prepare(NULL, 0), 0);
	/* HOME itself is set by init.c from the plan (integration tests). */
	ck_assert_str_eq(plan.home, "/");
	ck_assert_int_eq(apply_in_child(check_user_keep), 0);
}
END_TEST

/* --user alone: nothing anywhere, bounding set included, and NNP. */
static int check_user_least_privilege(void)
{
	if (getuid() != 4242 || geteuid() != 4242)
		return 1;
	for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
		if (cap_get_bound(c) == 1)
			return 2;
		if (flag_of(c, CAP_PERMITTED) || flag_of(c, CAP_EFFECTIVE) ||
		    flag_of(c, CAP_INHERITABLE) || cap_get_ambient(c) == 1)
			return 3;
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 4;
	return 0;
}

START_TEST(test_user_means_least_privilege)
{
	opt.user = "4242";
	ck_assert_int_eq(prepare(NULL, 0), 0);
	ck_assert(plan.least_privilege && plan.no_new_privs);
	require_root();
	ck_assert_int_eq(apply_in_child(check_user_least_privilege), 0);
}
END_TEST

/* The opt-out: the bounding set stays whole and setuid binaries work. */
static int check_user_escalation_allowed(void)
{
	if (getuid() != 4242)
		return 1;
	if (cap_get_bound(CAP_SYS_ADMIN) != 1 || cap_get_bound(CAP_SETUID) != 1)
		return 2;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
		return 3;
	return 0;
}

START_TEST(test_allow_privilege_escalation_keeps_todays_behaviour)
{
	opt.user = "4242";
	opt.allow_privilege_escalation = true;
	ck_assert_int_eq(prepare(NULL, 0), 0);
	ck_assert(!plan.least_privilege && !plan.no_new_privs);
	require_root();
	ck_assert_int_eq(apply_in_child(check_user_escalation_allowed), 0);
}
END_TEST

/* An explicit --no-new-privs still holds with the opt-out. */
START_TEST(test_no_new_privs_wins_over_the_opt_out)
{
	opt.user = "4242";
	opt.allow_privilege_escalation = true;
	opt.no_new_privs = true;
	ck_assert_int_eq(prepare(NULL, 0), 0);
	ck_assert(!plan.least_privilege && plan.no_new_privs);
}
END_TEST

static int check_root_drop(void)
{
	if (getuid() != 0)
		return 1;
	if (cap_get_bound(CAP_NET_RAW) != 0 || flag_of(CAP_NET_RAW, CAP_PERMITTED) ||
	    flag_of(CAP_NET_RAW, CAP_EFFECTIVE))
		return 2;
	if (cap_get_bound(CAP_CHOWN) != 1 || !flag_of(CAP_CHOWN, CAP_EFFECTIVE))
		return 3;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
		return 4;
	return 0;
}

START_TEST(test_apply_root_drop)
{
	require_root();
	opt.cap_drop = "net_raw";
	ck_assert_int_eq(prepare(NULL, 0), 0);
	ck_assert_int_eq(apply_in_child(check_root_drop), 0);
}
END_TEST

static int check_limit_self(void)
{
	if (priv_limit_self(NULL) < 0)
		return 1;
	if (!flag_of(CAP_KILL, CAP_EFFECTIVE) || !flag_of(CAP_DAC_OVERRIDE, CAP_EFFECTIVE))
		return 2;
	if (flag_of(CAP_SYS_ADMIN, CAP_PERMITTED) || flag_of(CAP_SETUID, CAP_PERMITTED) ||
	    flag_of(CAP_DAC_READ_SEARCH, CAP_PERMITTED) ||
	    cap_get_bound(CAP_SYS_ADMIN) != 0)
		return 3;
	if (cap_get_bound(CAP_KILL) != 1)
		return 4;
	return 0;
}

START_TEST(test_limit_self)
{
	require_root();
	ck_assert_int_eq(prepare(NULL, 0), 0);
	ck_assert_int_eq(apply_in_child(check_limit_self), 0);
}
END_TEST

static Suite *privdrop_suite(void)
{
	Suite *s = suite_create("privdrop");
	TCase *t = tcase_create("users");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_no_options_is_a_noop);
	tcase_add_test(t, test_user_by_name);
	tcase_add_test(t, test_user_primary_group_not_its_own);
	tcase_add_test(t, test_user_and_group);
	tcase_add_test(t, test_numeric_user_in_passwd);
	tcase_add_test(t, test_numeric_user_absent);
	tcase_add_test(t, test_odd_entries);
	tcase_add_test(t, test_unknown_user_or_group);
	tcase_add_test(t, test_bad_user_syntax);
	tcase_add_test(t, test_missing_databases);
	tcase_add_test(t, test_too_many_groups);
	suite_add_tcase(s, t);

	t = tcase_create("capabilities");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_cap_names);
	tcase_add_test(t, test_cap_all);
	tcase_add_test(t, test_cap_unknown);
	tcase_add_test(t, test_cap_drop_plan);
	tcase_add_test(t, test_cap_drop_message_names_option);
	tcase_add_test(t, test_cap_keep_plan);
	tcase_add_test(t, test_cap_keep_not_held);
	tcase_add_test(t, test_prerequisites_checked);
	suite_add_tcase(s, t);

	t = tcase_create("apply");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_apply_user_keep);
	tcase_add_test(t, test_apply_root_drop);
	tcase_add_test(t, test_user_means_least_privilege);
	tcase_add_test(t, test_allow_privilege_escalation_keeps_todays_behaviour);
	tcase_add_test(t, test_no_new_privs_wins_over_the_opt_out);
	tcase_add_test(t, test_limit_self);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(privdrop_suite());
	/* Always forked, whatever CK_FORK says: some tests give up
	 * capabilities of their own process, which must not outlive them. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
