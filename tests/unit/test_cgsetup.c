// SPDX-License-Identifier: MIT
/* The cgroup bootstrap against a fake cgroup tree in a temp dir. */
#include "fakecg.h"

#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>

#define ALL_CONTROLLERS "cpuset cpu io memory hugetlb pids rdma misc\n"

static struct fakecg fake;
static struct cg_names names = {"init", "sandbox", "worker", "jobs"};
static struct cg_limits no_limits;

/*
 * What every test starts with, fresh: the fake kernel, a layout for the
 * bootstrap to fill, an error to read its message from, the default config
 * to adjust, and fds for C and init/ (for the evacuation and for changing
 * the tree by hand). The teardown closes every fd they hold, whether the
 * test passed or failed half-way.
 */
static struct cg_layout lay;
static struct cg_err err;
static struct cg_config cfg;
static int c_fd = -1, init_fd = -1;

static struct cg_config default_config(void)
{
	struct cg_config defaults = {.names = &names, .jobs_limits = &no_limits,
				     .sandbox_limits = &no_limits};
	return defaults;
}

static void setup(void)
{
	fake_init(&fake, "/", ALL_CONTROLLERS, "1\n20\n30\n");
	cg_verbosity = LOG_ERROR;
	cg_layout_init(&lay);
	err = (struct cg_err){0};
	cfg = default_config();
	c_fd = init_fd = -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void teardown(void)
{
	cg_layout_close(&lay);
	close_fd(&c_fd);
	close_fd(&init_fd);
	fake_cleanup(&fake);
}

/* Probe, then bootstrap with cfg into lay; why it failed is in err. */
static int probe_and_bootstrap(void)
{
	struct cg_probe p;
	if (cg_probe(&fake.sys, &p, &err) < 0)
		return -1;
	return cg_bootstrap(&fake.sys, &p, &cfg, &lay, &err);
}

/* C, open in c_fd (the teardown closes it). */
static int open_c(void)
{
	if (c_fd < 0)
		c_fd = open(fake.c_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_msg(c_fd >= 0, "open %s", fake.c_path);
	return c_fd;
}

static const char *in_c(const char *sub, const char *file)
{
	static char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s%s%s", fake.c_path, sub[0] ? "/" : "", sub);
	return fake_read_text(dir, file);
}

static const char *in_c_path(const char *sub)
{
	static char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", fake.c_path, sub);
	return path;
}

/* ---- tokens ---------------------------------------------------------------- */

START_TEST(test_whole_tokens)
{
	ck_assert(cg_has_token("cpuset cpu memory", "cpu"));
	ck_assert(!cg_has_token("cpuset memory pids", "cpu"));
	ck_assert(!cg_has_token("cpu", "cpuset"));
	ck_assert(cg_has_token("memory\n", "memory"));
	ck_assert(!cg_has_token("", "memory"));
	ck_assert(!cg_has_token("memoryx", "memory"));
}
END_TEST

START_TEST(test_wanted_controllers)
{
	char out[256];
	ck_assert_int_eq(cg_wanted_controllers(NULL, out, sizeof(out), NULL), 0);
	ck_assert_str_eq(out, "cpu memory pids");
	ck_assert_int_eq(cg_wanted_controllers("io,hugetlb memory", out, sizeof(out), NULL), 0);
	ck_assert_str_eq(out, "cpu memory pids io hugetlb");
}
END_TEST

/* ---- probing ---------------------------------------------------------------- */

START_TEST(test_probe_private_namespace)
{
	struct cg_probe p;
	ck_assert_int_eq(cg_probe(&fake.sys, &p, &err), 0);
	ck_assert_int_eq(p.hier, CG_HIER_V2);
	ck_assert_str_eq(p.path, fake.mount);
	ck_assert(p.ns_root);
	ck_assert(!p.readonly);
}
END_TEST

START_TEST(test_probe_host_namespace)
{
	fake_cleanup(&fake);
	fake_init(&fake, "/docker/abc", ALL_CONTROLLERS, "1\n");
	struct cg_probe p;
	ck_assert_int_eq(cg_probe(&fake.sys, &p, NULL), 0);
	ck_assert_int_eq(p.hier, CG_HIER_V2);
	ck_assert_str_eq(p.path, fake.c_path);
	ck_assert(!p.ns_root);
}
END_TEST

START_TEST(test_probe_mount_root_is_cut)
{
	/* A cgroup2 mount whose root is /docker/abc, and we are in it. */
	fake_set_proc(&fake, "/docker/abc", "/docker/abc");
	struct cg_probe p;
	ck_assert_int_eq(cg_probe(&fake.sys, &p, NULL), 0);
	ck_assert_str_eq(p.path, fake.mount);
}
END_TEST

START_TEST(test_probe_outside_mount_root)
{
	fake_set_proc(&fake, "/other", "/docker/abc");
	struct cg_probe p;
	ck_assert_int_eq(cg_probe(&fake.sys, &p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not below the root"));
}
END_TEST

START_TEST(test_probe_path_too_long)
{
	char text[CG_PATH_MAX + 16];
	memset(text, 'a', sizeof(text));
	memcpy(text, "0::/", 4);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = '\0';
	fake_write_text(fake.proc, "cgroup", text);
	struct cg_probe p;
	ck_assert_int_eq(cg_probe(&fake.sys, &p, &err), -1);
	ck_assert_int_eq(err.errnum, ENAMETOOLONG);
	char out[8];
	ck_assert_int_eq(cg_unified_path("1:cpu:/\n0::/a/b\n", out, sizeof(out)), 1);
	ck_assert_str_eq(out, "/a/b");
	ck_assert_int_eq(cg_unified_path("1:cpu:/\n", out, sizeof(out)), 0);
	ck_assert_int_eq(cg_unified_path("0::/abcdefgh", out, sizeof(out)), -1);
}
END_TEST

START_TEST(test_probe_v1)
{
	fake_write_text(fake.proc, "cgroup", "4:memory:/\n1:cpu:/\n");
	fake_write_text(fake.proc, "mountinfo",
			"30 22 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
	struct cg_probe p;
	ck_assert_int_eq(cg_probe(&fake.sys, &p, &err), 0);
	ck_assert_int_eq(p.hier, CG_HIER_V1);
	ck_assert_int_eq(cg_bootstrap(&fake.sys, &p, &cfg, &lay, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cgroup v1 host: cginit needs cgroup v2"));
}
END_TEST

START_TEST(test_probe_hybrid)
{
	/* v1 controllers on a tmpfs at sys_mount, a cgroup2 mount next to
	 * them: a file-existence test would call this v2. */
	char text[PATH_MAX * 3];
	fake.sys.sys_mount = fake.sysfs;
	snprintf(text, sizeof(text),
		 "30 22 0:26 / %s/memory rw - cgroup cgroup rw,memory\n"
		 "31 22 0:27 / %s rw - cgroup2 cgroup2 rw\n",
		 fake.sysfs, fake.mount);
	fake_write_text(fake.proc, "mountinfo", text);
	struct cg_probe p;
	ck_assert_int_eq(cg_probe(&fake.sys, &p, &err), 0);
	ck_assert_int_eq(p.hier, CG_HIER_HYBRID);
	ck_assert_int_eq(cg_bootstrap(&fake.sys, &p, &cfg, &lay, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "hybrid"));
	/* Nothing was written. */
	ck_assert_int_eq(fake.moves, 0);
	ck_assert_int_ne(access(fake.c_path, F_OK), -1);
	char init_dir[PATH_MAX * 2];
	snprintf(init_dir, sizeof(init_dir), "%s/init", fake.c_path);
	ck_assert_int_eq(access(init_dir, F_OK), -1);
}
END_TEST

START_TEST(test_readonly_refused_with_fix)
{
	fake.readonly = true;
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "read-only"));
	ck_assert_ptr_nonnull(strstr(err.msg, "--privileged"));
	ck_assert_ptr_nonnull(strstr(err.msg, "unmask=/sys/fs/cgroup"));
	ck_assert_int_eq(fake.moves, 0);
}
END_TEST

/* ---- evacuation --------------------------------------------------------------- */

/* The evacuation's target in the fake: C and its init/, in c_fd and
 * init_fd. */
static const struct cg_evacuation *evac(void)
{
	static struct cg_evacuation ev;
	static char init_path[PATH_MAX + 8];
	snprintf(init_path, sizeof(init_path), "%s/init", fake.c_path);
	ev = (struct cg_evacuation){c_fd, init_fd, fake.c_path, init_path};
	return &ev;
}

/* Makes init/ in C and opens both, into c_fd and init_fd. */
static void open_c_and_init(void)
{
	fake.sys.make_dir(&fake, open_c(), "init");
	init_fd = openat(c_fd, "init", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_msg(init_fd >= 0, "open %s/init", fake.c_path);
}

START_TEST(test_evacuate_all)
{
	unsigned moved = 0;
	open_c_and_init();
	ck_assert_int_eq(cg_evacuate(&fake.sys, evac(), &moved, NULL), 0);
	ck_assert_uint_eq(moved, 3);
	ck_assert_str_eq(in_c("", "cgroup.procs"), "");
	ck_assert_str_eq(in_c("init", "cgroup.procs"), "1\n20\n30\n");
}
END_TEST

static void spawn_once(struct fakecg *f, long pid)
{
	/* Two new processes appear in C, as from a docker exec, while we
	 * move the first one. */
	if (pid == 1) {
		fake_append_pid(f->c_path, 500);
		fake_append_pid(f->c_path, 501);
	}
}

START_TEST(test_evacuate_pids_appearing)
{
	unsigned moved = 0;
	fake.on_move = spawn_once;
	open_c_and_init();
	ck_assert_int_eq(cg_evacuate(&fake.sys, evac(), &moved, NULL), 0);
	ck_assert_uint_eq(moved, 5);
	ck_assert_str_eq(in_c("", "cgroup.procs"), "");
}
END_TEST

START_TEST(test_evacuate_vanished_pid_is_skipped)
{
	unsigned moved = 0;
	fake_add_fault(&fake, "cgroup.procs", 20, ESRCH, 1);
	open_c_and_init();
	ck_assert_int_eq(cg_evacuate(&fake.sys, evac(), &moved, NULL), 0);
	ck_assert_uint_eq(moved, 2);
	ck_assert_str_eq(in_c("init", "cgroup.procs"), "1\n30\n");
}
END_TEST

START_TEST(test_evacuate_einval_is_retried)
{
	unsigned moved = 0;
	fake_add_fault(&fake, "cgroup.procs", 30, EINVAL, 3);
	open_c_and_init();
	ck_assert_int_eq(cg_evacuate(&fake.sys, evac(), &moved, NULL), 0);
	ck_assert_uint_eq(moved, 3);
	ck_assert_str_eq(in_c("", "cgroup.procs"), "");
}
END_TEST

START_TEST(test_evacuate_other_error_fails)
{
	unsigned moved = 0;
	fake_add_fault(&fake, "cgroup.procs", 20, EACCES, -1);
	open_c_and_init();
	ck_assert_int_eq(cg_evacuate(&fake.sys, evac(), &moved, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "move pid 20"));
	ck_assert_ptr_nonnull(strstr(err.msg, cg_strerror(EACCES)));
}
END_TEST

START_TEST(test_evacuate_foreign_pid_is_reported)
{
	unsigned moved = 0;
	fake_write_text(fake.c_path, "cgroup.procs", "0\n7\n");
	open_c_and_init();
	ck_assert_int_eq(cg_evacuate(&fake.sys, evac(), &moved, &err), -1);
	ck_assert_uint_eq(moved, 1);
	ck_assert_ptr_nonnull(strstr(err.msg, "another pid namespace"));
	/* "0" must never be written: it would move cginit itself. */
	ck_assert_str_eq(in_c("init", "cgroup.procs"), "7\n");
}
END_TEST

static void spawn_forever(struct fakecg *f, long pid)
{
	fake_append_pid(f->c_path, pid + 1000);
}

START_TEST(test_evacuate_is_bounded)
{
	unsigned moved = 0;
	fake.on_move = spawn_forever;
	open_c_and_init();
	ck_assert_int_eq(cg_evacuate(&fake.sys, evac(), &moved, &err), -1);
	ck_assert_int_eq(err.errnum, EBUSY);
	ck_assert_ptr_nonnull(strstr(err.msg, "still holds processes"));
	ck_assert_uint_le(fake.moves, 3 * CG_EVACUATE_ROUNDS + 3);
}
END_TEST

START_TEST(test_evacuate_time_bound)
{
	unsigned moved = 0;
	fake.on_move = spawn_forever;
	fake.clock_step = CG_EVACUATE_TIMEOUT_MS; /* every call: the bound */
	open_c_and_init();
	ck_assert_int_eq(cg_evacuate(&fake.sys, evac(), &moved, &err), -1);
	ck_assert_uint_le(fake.moves, 6);
}
END_TEST

START_TEST(test_kthread_stat_parsing)
{
	ck_assert(cg_stat_is_kthread("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0\n"));
	ck_assert(!cg_stat_is_kthread("1 (sh) S 0 1 1 34816 1 4194560 100 0 0 0 0 0\n"));
	/* A command that fakes a kernel thread's flags in its name. */
	ck_assert(!cg_stat_is_kthread("7 (x) S 1 1 1 1 1 2129984) S 1 1 1 0 -1 4194560 0\n"));
	ck_assert(!cg_stat_is_kthread("garbage"));
	ck_assert(!cg_stat_is_kthread("3 (k) S 2"));
}
END_TEST

START_TEST(test_kernel_threads_only_checked_in_the_real_root)
{
	/* A container's C is never the real root: a pid whose stat says
	 * kernel thread (a fake one here) is moved like any other. */
	fake_set_stat(&fake, 20, "kworker", 0x00208040);
	open_c_and_init();
	unsigned moved = 0;
	ck_assert_int_eq(cg_evacuate(&fake.sys, evac(), &moved, NULL), 0);
	ck_assert_uint_eq(moved, 3);
}
END_TEST

START_TEST(test_kernel_threads_stay_in_the_root)
{
	/* The real root cgroup as C, as for cginit as a machine's PID 1: the
	 * kernel threads listed there are neither moved nor waited for. */
	fake_write_text(fake.c_path, "cgroup.procs", "1\n2\n3\n40\n");
	char type[PATH_MAX + 16];
	snprintf(type, sizeof(type), "%s/cgroup.type", fake.c_path);
	ck_assert_int_eq(unlink(type), 0); /* the real root has none */
	fake_set_stat(&fake, 2, "kthreadd", 0x00208040);
	fake_set_stat(&fake, 3, "rcu_gp", 0x04208060);
	fake_set_stat(&fake, 40, "sh", 0x00400100);
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_str_eq(in_c("init", "cgroup.procs"), "1\n40\n");
	ck_assert_str_eq(in_c("", "cgroup.procs"), "2\n3\n");
	ck_assert_str_eq(in_c("", "cgroup.subtree_control"), "cpu memory pids\n");
}
END_TEST

/* ---- controllers ---------------------------------------------------------------- */

START_TEST(test_bootstrap_layout)
{
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_str_eq(in_c("", "cgroup.procs"), "");
	ck_assert_str_eq(in_c("init", "cgroup.procs"), "1\n20\n30\n");
	ck_assert_str_eq(in_c("", "cgroup.subtree_control"), "cpu memory pids\n");
	ck_assert_str_eq(in_c("sandbox", "cgroup.subtree_control"), "cpu memory pids\n");
	ck_assert_str_eq(in_c("sandbox/jobs", "cgroup.subtree_control"), "cpu memory pids\n");
	ck_assert_str_eq(in_c("sandbox/worker", "cgroup.subtree_control"), "");
	ck_assert_str_eq(lay.c_path, fake.c_path);
	char want[PATH_MAX * 2];
	snprintf(want, sizeof(want), "%s/sandbox/jobs", fake.c_path);
	ck_assert_str_eq(lay.jobs_path, want);
	ck_assert_str_eq(lay.controllers, "cpu memory pids");
	ck_assert_int_ge(lay.worker_fd, 0);
	ck_assert_int_ge(lay.sandbox_fd, 0);
	cg_layout_close(&lay);
	ck_assert_int_eq(lay.worker_fd, -1);
}
END_TEST

START_TEST(test_bootstrap_host_namespace_stays_inside_c)
{
	fake_cleanup(&fake);
	fake_init(&fake, "/docker/abc", ALL_CONTROLLERS, "1\n");
	fake_write_text(fake.mount, "cgroup.procs", "99\n");
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	/* The real root is untouched. */
	ck_assert_str_eq(fake_read_text(fake.mount, "cgroup.procs"), "99\n");
	ck_assert_str_eq(in_c("init", "cgroup.procs"), "1\n");
}
END_TEST

START_TEST(test_enable_ebusy_then_retry)
{
	/* A process joins C after the evacuation; the first enable fails. */
	fake_add_fault(&fake, "cgroup.subtree_control", 0, EBUSY, 1);
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_str_eq(in_c("", "cgroup.subtree_control"), "cpu memory pids\n");
}
END_TEST

START_TEST(test_enable_ebusy_is_bounded)
{
	fake_add_fault(&fake, "cgroup.subtree_control", 0, EBUSY, -1);
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "no internal process constraint"));
}
END_TEST

START_TEST(test_enable_einval_names_realtime_tasks)
{
	fake_add_fault(&fake, "cgroup.subtree_control", 0, EINVAL, 1);
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "realtime"));
	ck_assert_ptr_nonnull(strstr(err.msg, "chrt -o"));
	ck_assert_ptr_nonnull(strstr(err.msg, fake.c_path));
}
END_TEST

START_TEST(test_evacuation_messages_carry_paths)
{
	/* The configured names, not a hard-coded "C" or "init/". */
	struct cg_names n = {"boot", "box", "main", "tasks"};
	cfg.names = &n;
	fake_add_fault(&fake, "cgroup.procs", 20, EIO, -1);
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	char want[PATH_MAX * 2];
	snprintf(want, sizeof(want), "move pid 20 into %s/boot/cgroup.procs", fake.c_path);
	ck_assert_msg(strstr(err.msg, want), "'%s' lacks '%s'", err.msg, want);
}
END_TEST

START_TEST(test_enable_eopnotsupp)
{
	fake_add_fault(&fake, "cgroup.subtree_control", 0, EOPNOTSUPP, -1);
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "threaded"));
	ck_assert_ptr_nonnull(strstr(err.msg, "+cpu +memory +pids"));
}
END_TEST

START_TEST(test_threaded_c_is_refused)
{
	fake_write_text(fake.c_path, "cgroup.type", "domain threaded\n");
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "domain threaded"));
	ck_assert_int_eq(fake.moves, 0);
}
END_TEST

START_TEST(test_missing_controller_named)
{
	fake_write_text(fake.c_path, "cgroup.controllers", "cpuset cpu io pids\n");
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "controller memory not delegated by the parent cgroup"));
	/* Nothing half-enabled. */
	ck_assert_str_eq(in_c("", "cgroup.subtree_control"), "");
}
END_TEST

START_TEST(test_cpu_not_fooled_by_cpuset)
{
	fake_write_text(fake.c_path, "cgroup.controllers", "cpuset memory pids\n");
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "controller cpu not delegated"));
}
END_TEST

START_TEST(test_readback_whole_tokens)
{
	fake.subtree_readback = "cpuset memory pids\n";
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "controller cpu missing"));
}
END_TEST

START_TEST(test_optional_controller_skipped)
{
	cfg.extra_controllers = "io,rdma";
	fake_write_text(fake.c_path, "cgroup.controllers", "cpu io memory pids\n");
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_str_eq(in_c("", "cgroup.subtree_control"), "cpu memory pids io\n");
	ck_assert_str_eq(in_c("sandbox/jobs", "cgroup.subtree_control"), "cpu memory pids io\n");
}
END_TEST

/* ---- limits, delegation, names, idempotence ----------------------------------- */

START_TEST(test_jobs_limits)
{
	struct cg_limits lim = {"64M", "128", "50000 100000", "20", "3"};
	cfg.jobs_limits = &lim;
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_str_eq(in_c("sandbox/jobs", "memory.max"), "64M");
	ck_assert_str_eq(in_c("sandbox/jobs", "pids.max"), "128");
	ck_assert_str_eq(in_c("sandbox/jobs", "cpu.max"), "50000 100000");
	ck_assert_str_eq(in_c("sandbox/jobs", "cgroup.max.descendants"), "20");
	ck_assert_str_eq(in_c("sandbox/jobs", "cgroup.max.depth"), "3");
	/* Not on sandbox/: those are --sandbox-*'s. */
	ck_assert_str_eq(in_c("sandbox", "pids.max"), "max\n");
}
END_TEST

START_TEST(test_limit_failure_named)
{
	struct cg_limits lim = {NULL, "128", NULL, NULL, NULL};
	cfg.jobs_limits = &lim;
	fake_add_fault(&fake, "pids.max", 0, EINVAL, -1);
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "pids.max"));
	ck_assert_ptr_nonnull(strstr(err.msg, "'128'"));
}
END_TEST

/* The owner of C/sub/file in the fake ("" for the directory itself). */
static void assert_owner(const char *sub, const char *file, uid_t uid, gid_t gid)
{
	char path[PATH_MAX * 2];
	uid_t u;
	gid_t g;
	snprintf(path, sizeof(path), "%s/%s%s%s", fake.c_path, sub, file[0] ? "/" : "", file);
	ck_assert_msg(access(path, F_OK) == 0, "%s does not exist", path);
	fake_owner_of(&fake, path, &u, &g);
	ck_assert_msg(u == uid && g == gid, "%s is %d:%d, want %d:%d", path, (int)u, (int)g,
		      (int)uid, (int)gid);
}

/* Every file of sub in C is root's, but `except`. */
static void assert_root_owns_all_but(const char *sub, const char *except)
{
	char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/%s", fake.c_path, sub);
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	struct dirent *de;
	unsigned files = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_type == DT_DIR)
			continue;
		files++;
		if (!except || strcmp(de->d_name, except) != 0)
			assert_owner(sub, de->d_name, 0, 0);
	}
	closedir(d);
	ck_assert_uint_gt(files, 5);
}

/* A bootstrap that delegates to uid:gid, into lay; cfg is left as it was,
 * so that a rerun with it delegates nothing. */
static void bootstrap_delegated(uid_t uid, gid_t gid)
{
	struct cg_config plain = cfg;
	cfg.delegate = true;
	cfg.uid = uid;
	cfg.gid = gid;
	int rc = probe_and_bootstrap();
	cfg = plain;
	ck_assert_msg(rc == 0, "%s", err.msg);
}

START_TEST(test_delegation_is_minimal)
{
	bootstrap_delegated(1234, 5678);
	/* What a sandboxer needs: the common ancestor's cgroup.procs, for a
	 * move from worker/ into jobs/<job>, and jobs/ itself, for mkdir. */
	assert_owner("sandbox", "cgroup.procs", 1234, 5678);
	assert_owner("sandbox/jobs", "", 1234, 5678);
	/* Everything else is root's: directories, subtree_control, threads,
	 * every limit, and worker/ whole. */
	assert_owner("sandbox", "", 0, 0);
	assert_owner("sandbox/worker", "", 0, 0);
	assert_root_owns_all_but("sandbox", "cgroup.procs");
	assert_root_owns_all_but("sandbox/worker", NULL);
	assert_root_owns_all_but("sandbox/jobs", NULL);
	assert_owner("sandbox/jobs", "cgroup.procs", 0, 0);
	assert_owner("sandbox/jobs", "cgroup.subtree_control", 0, 0);
	assert_owner("sandbox/jobs", "memory.oom.group", 0, 0);
	assert_owner("", "cgroup.procs", 0, 0);
	assert_owner("init", "", 0, 0);
}
END_TEST

/* Whether the layout chowned C/sub/file (to anyone). */
static bool chowned(const char *sub, const char *file)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s%s%s", fake.c_path, sub, file[0] ? "/" : "", file);
	for (int i = 0; i < fake.n_owners; i++)
		if (strcmp(fake.owners[i].path, path) == 0)
			return true;
	return false;
}

START_TEST(test_fresh_layout_chowns_only_what_it_delegates)
{
	/* Made now by root, every file is root's already: the two
	 * delegated entries are the only chowns. */
	bootstrap_delegated(1234, 5678);
	ck_assert_int_eq(fake.n_owners, 2);
	ck_assert(chowned("sandbox", "cgroup.procs"));
	ck_assert(chowned("sandbox/jobs", ""));
}
END_TEST

START_TEST(test_layout_made_by_non_root_is_chowned_whole)
{
	/* A maker with another fsgid (egid) gives the new files that gid:
	 * each one goes to 0:0 by a chown of its own. */
	fake.sys.maker_gid = 1000;
	bootstrap_delegated(1234, 5678);
	ck_assert(chowned("sandbox", ""));
	ck_assert(chowned("sandbox", "memory.max"));
	ck_assert(chowned("sandbox/worker", "cgroup.procs"));
	ck_assert(chowned("sandbox/jobs", "pids.max"));
	ck_assert_int_gt(fake.n_owners, 20);
	assert_root_owns_all_but("sandbox/worker", NULL);
}
END_TEST

START_TEST(test_children_of_an_old_sandbox_are_chowned_whole)
{
	/* sandbox/ is left from an older version that gave it to the
	 * worker, whose uid could swap a jobs/ of its own in between our
	 * mkdir and open: worker/ and jobs/, made now, get the full walk. */
	bootstrap_delegated(1234, 5678);
	cg_layout_close(&lay);
	int fd = open_c();
	ck_assert_int_eq(fake_remove_dir(&fake, fd, "sandbox/worker"), 0);
	ck_assert_int_eq(fake_remove_dir(&fake, fd, "sandbox/jobs"), 0);
	fake.n_owners = 0;
	ck_assert_int_eq(fake_chown_at(&fake, fd, "sandbox", 1234, 5678), 0);
	bootstrap_delegated(1234, 5678);
	ck_assert(chowned("sandbox/jobs", "pids.max"));
	ck_assert(chowned("sandbox/worker", "cgroup.procs"));
	assert_owner("sandbox", "", 0, 0);
	assert_owner("sandbox/jobs", "", 1234, 5678);
	assert_root_owns_all_but("sandbox/jobs", NULL);
}
END_TEST

START_TEST(test_rerun_takes_back_what_was_given_away)
{
	bootstrap_delegated(1234, 5678);
	cg_layout_close(&lay);
	/* An older cginit gave the worker far more: a rerun puts every file
	 * of the layout back in root's hands, and here delegates nothing. */
	int fd = open_c();
	ck_assert_int_eq(fake_chown_at(&fake, fd, "sandbox", 1234, 5678), 0);
	ck_assert_int_eq(fake_chown_at(&fake, fd, "sandbox/cgroup.subtree_control", 1234, 5678), 0);
	ck_assert_int_eq(fake_chown_at(&fake, fd, "sandbox/jobs/pids.max", 1234, 5678), 0);
	ck_assert_int_eq(fake_chown_at(&fake, fd, "sandbox/worker/cgroup.procs", 1234, 5678), 0);
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	assert_owner("sandbox", "", 0, 0);
	assert_root_owns_all_but("sandbox", NULL);
	assert_root_owns_all_but("sandbox/worker", NULL);
	assert_root_owns_all_but("sandbox/jobs", NULL);
	assert_owner("sandbox/jobs", "", 0, 0);
}
END_TEST

START_TEST(test_stray_cgroups_are_taken_back)
{
	bootstrap_delegated(1234, 5678);
	cg_layout_close(&lay);
	/* What a worker of an older version could make: sandbox/evil beside
	 * jobs/, and worker/sub, each a place under no jobs/ limit. */
	int fd = open_c();
	const char *made[] = {"sandbox/evil", "sandbox/evil/deeper", "sandbox/.hidden",
			      "sandbox/worker/sub"};
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		ck_assert_int_eq(fake_make_dir(&fake, fd, made[i]), 0);
		ck_assert_int_eq(fake_chown_at(&fake, fd, made[i], 1234, 5678), 0);
		char procs[PATH_MAX];
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", made[i]);
		ck_assert_int_eq(fake_chown_at(&fake, fd, procs, 1234, 5678), 0);
	}
	bootstrap_delegated(1234, 5678);
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		assert_owner(made[i], "", 0, 0);
		assert_owner(made[i], "cgroup.procs", 0, 0);
	}
}
END_TEST

START_TEST(test_job_cgroups_keep_their_owner)
{
	bootstrap_delegated(1234, 5678);
	cg_layout_close(&lay);
	/* A job cgroup the worker made between two runs stays the worker's. */
	int fd = open_c();
	ck_assert_int_eq(fake_make_dir(&fake, fd, "sandbox/jobs/job1"), 0);
	ck_assert_int_eq(fake_chown_at(&fake, fd, "sandbox/jobs/job1", 1234, 5678), 0);
	bootstrap_delegated(1234, 5678);
	assert_owner("sandbox/jobs/job1", "", 1234, 5678);
}
END_TEST

START_TEST(test_chown_failure_named)
{
	cfg.delegate = true;
	cfg.uid = 1000;
	cfg.gid = 1000;
	fake_add_fault(&fake, "chown", 0, EPERM, -1);
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "chown"));
	ck_assert_ptr_nonnull(strstr(err.msg, fake.c_path));
	ck_assert_int_eq(err.errnum, EPERM);
}
END_TEST

START_TEST(test_sandbox_limits)
{
	struct cg_limits jobs = {"32M", "16", NULL, NULL, NULL};
	struct cg_limits box = {"64M", "64", "100000 100000", "50", "4"};
	cfg.jobs_limits = &jobs;
	cfg.sandbox_limits = &box;
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_str_eq(in_c("sandbox", "memory.max"), "64M");
	ck_assert_str_eq(in_c("sandbox", "pids.max"), "64");
	ck_assert_str_eq(in_c("sandbox", "cpu.max"), "100000 100000");
	ck_assert_str_eq(in_c("sandbox", "cgroup.max.descendants"), "50");
	ck_assert_str_eq(in_c("sandbox", "cgroup.max.depth"), "4");
	ck_assert_str_eq(in_c("sandbox/jobs", "memory.max"), "32M");
	ck_assert_str_eq(in_c("sandbox/jobs", "pids.max"), "16");
	assert_owner("sandbox", "pids.max", 0, 0);
}
END_TEST

START_TEST(test_sandbox_memory_defaults_below_a_limited_c)
{
	/* 48 MiB for the container: sandbox/ gets 32, init/ keeps 16. */
	fake_write_text(fake.c_path, "memory.max", "50331648\n");
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_str_eq(in_c("sandbox", "memory.max"), "33554432");
	cg_layout_close(&lay);
	/* 8 GiB: a sixteenth is kept. */
	fake_write_text(fake.c_path, "memory.max", "8589934592\n");
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_str_eq(in_c("sandbox", "memory.max"), "8053063680");
	cg_layout_close(&lay);
	/* --sandbox-memory-max wins, "max" included. */
	struct cg_limits box = {"max", NULL, NULL, NULL, NULL};
	cfg.sandbox_limits = &box;
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_str_eq(in_c("sandbox", "memory.max"), "max");
}
END_TEST

START_TEST(test_sandbox_memory_default_needs_room)
{
	/* No limit on C, or one too small to split: no default. */
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_str_eq(in_c("sandbox", "memory.max"), "max\n");
	cg_layout_close(&lay);
	fake_write_text(fake.c_path, "memory.max", "20971520\n");
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_str_eq(in_c("sandbox", "memory.max"), "max\n");
}
END_TEST

START_TEST(test_sandbox_limit_failure_named)
{
	struct cg_limits box = {NULL, NULL, NULL, NULL, "7"};
	cfg.sandbox_limits = &box;
	fake_add_fault(&fake, "cgroup.max.depth", 0, EINVAL, -1);
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "'7'"));
	ck_assert_ptr_nonnull(strstr(err.msg, "sandbox/cgroup.max.depth"));
}
END_TEST

START_TEST(test_probe_refuses_dotdot)
{
	/* The kernel's view of a cgroup above our namespace root. */
	const char *outside[] = {"/../..", "/..", "/a/../b", "/a/..", "../x", "x"};
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		fake_set_proc(&fake, outside[i], "/");
		struct cg_probe p;
		err = (struct cg_err){0};
		ck_assert_msg(cg_probe(&fake.sys, &p, &err) == -1, "accepted %s", outside[i]);
		ck_assert_ptr_nonnull(strstr(err.msg, "outside its cgroup namespace"));
	}
	/* Dots inside a name are just a name. */
	const char *inside[] = {"/..a", "/a..", "/.../b", "/.hidden"};
	for (size_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++) {
		fake_set_proc(&fake, inside[i], "/");
		struct cg_probe p;
		err = (struct cg_err){0};
		ck_assert_msg(cg_probe(&fake.sys, &p, &err) == 0, "%s: %s", inside[i], err.msg);
	}
}
END_TEST

START_TEST(test_c_must_be_cgroup2)
{
	fake.c_magic = 0x01021994UL; /* a tmpfs mounted where C should be */
	ck_assert_int_eq(probe_and_bootstrap(), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not on a cgroup2 filesystem"));
	ck_assert_int_eq(fake.moves, 0);
}
END_TEST

START_TEST(test_nothing_to_bootstrap)
{
	struct cg_probe p;
	ck_assert_int_eq(cg_probe(&fake.sys, &p, NULL), 0);
	ck_assert(!cg_nothing_to_bootstrap(&p));
	fake.readonly = true;
	ck_assert_int_eq(cg_probe(&fake.sys, &p, NULL), 0);
	ck_assert(cg_nothing_to_bootstrap(&p));
	fake.readonly = false;
	fake_write_text(fake.proc, "cgroup", "4:memory:/\n");
	fake_write_text(fake.proc, "mountinfo",
			"30 22 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
	ck_assert_int_eq(cg_probe(&fake.sys, &p, NULL), 0);
	ck_assert(cg_nothing_to_bootstrap(&p));
	fake_write_text(fake.proc, "mountinfo", "22 1 0:21 / /proc rw - proc proc rw\n");
	ck_assert_int_eq(cg_probe(&fake.sys, &p, NULL), 0);
	ck_assert_int_eq(p.hier, CG_HIER_NONE);
	ck_assert(cg_nothing_to_bootstrap(&p));
}
END_TEST

START_TEST(test_custom_names)
{
	struct cg_names n = {"boot", "box", "main", "tasks"};
	cfg.names = &n;
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_str_eq(in_c("boot", "cgroup.procs"), "1\n20\n30\n");
	ck_assert_ptr_nonnull(in_c("box/main", "cgroup.procs"));
	ck_assert_str_eq(in_c("box/tasks", "cgroup.subtree_control"), "cpu memory pids\n");
}
END_TEST

START_TEST(test_idempotent_rerun)
{
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	cg_layout_close(&lay);
	unsigned moves = fake.moves;
	/* Any further subtree_control write would fail: nothing needs one. */
	fake_add_fault(&fake, "cgroup.subtree_control", 0, EIO, -1);
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_uint_eq(fake.moves, moves);
	ck_assert_uint_eq(lay.moved, 0);
	ck_assert_str_eq(in_c("", "cgroup.subtree_control"), "cpu memory pids\n");
}
END_TEST

/* ---- placing, killing, --check ---------------------------------------------- */

START_TEST(test_enter_writes_zero)
{
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_int_eq(cg_enter(&fake.sys, lay.worker_fd, lay.worker_path), 0);
	ck_assert_str_eq(in_c("sandbox/worker", "cgroup.procs"), "0\n");
}
END_TEST

START_TEST(test_kill_uses_cgroup_kill)
{
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	ck_assert_int_eq(cg_kill_tree(&fake.sys, lay.sandbox_fd, lay.sandbox_path), 0);
	ck_assert_uint_eq(fake.kills, 1);
}
END_TEST

/* Makes C/sub in the fake, with pid listed in its cgroup.procs. */
static void fake_job(const char *sub, long pid)
{
	char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/%s", fake.c_path, sub);
	ck_assert_msg(mkdir(dir, 0755) == 0, "mkdir %s", dir);
	fake_populate(&fake, dir, "");
	if (pid)
		fake_append_pid(dir, pid);
}

static bool was_killed(long pid)
{
	for (int i = 0; i < fake.n_killed; i++)
		if (fake.killed[i] == pid)
			return true;
	return false;
}

START_TEST(test_kill_fallback_signals_each_pid)
{
	fake.has_kill = false; /* a kernel before 5.14 */
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	fake_append_pid(lay.sandbox_path, 0); /* a pid of another namespace */
	fake_job("sandbox/worker/x", 0);
	fake_append_pid(fake.c_path, 7);    /* in C, not the sandbox */
	char worker[PATH_MAX * 2];
	snprintf(worker, sizeof(worker), "%s/worker", lay.sandbox_path);
	fake_append_pid(worker, 100);
	fake_job("sandbox/jobs/job1", 101);
	fake_job("sandbox/jobs/job1/nested", 102);
	ck_assert_int_eq(cg_kill_tree(&fake.sys, lay.sandbox_fd, lay.sandbox_path), 0);
	ck_assert(was_killed(100) && was_killed(101) && was_killed(102));
	ck_assert(!was_killed(7) && !was_killed(0));
	ck_assert_str_eq(in_c("sandbox/jobs/job1/nested", "cgroup.procs"), "");
}
END_TEST

START_TEST(test_kill_fallback_walks_hidden_cgroups)
{
	fake.has_kill = false;
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	/* mkdir sandbox/.hidden is a legal cgroup, and so are "..." and
	 * names that start with a dot deeper down. */
	fake_job("sandbox/jobs/.hidden", 201);
	fake_job("sandbox/jobs/...", 202);
	fake_job("sandbox/jobs/.hidden/.x", 203);
	ck_assert_int_eq(cg_kill_tree(&fake.sys, lay.sandbox_fd, lay.sandbox_path), 0);
	ck_assert(was_killed(201) && was_killed(202) && was_killed(203));
}
END_TEST

START_TEST(test_kill_fallback_has_no_depth_cap)
{
	fake.has_kill = false;
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	char sub[PATH_MAX] = "sandbox/jobs";
	for (int depth = 1; depth <= 40; depth++) {
		size_t n = strlen(sub);
		snprintf(sub + n, sizeof(sub) - n, "/d%d", depth);
		fake_job(sub, depth == 40 ? 340 : 0);
	}
	ck_assert_int_eq(cg_kill_tree(&fake.sys, lay.sandbox_fd, lay.sandbox_path), 0);
	ck_assert(was_killed(340));
}
END_TEST

START_TEST(test_kill_fallback_fails_unless_emptied)
{
	fake.has_kill = false;
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	fake_job("sandbox/jobs/job1", 301);
	/* A process cginit may not kill stays listed: that is a failure,
	 * not "nothing left to kill". */
	fake.kill_errno = EPERM;
	ck_assert_int_eq(cg_kill_tree(&fake.sys, lay.sandbox_fd, lay.sandbox_path), -1);
	ck_assert_str_eq(in_c("sandbox/jobs/job1", "cgroup.procs"), "301\n");
}
END_TEST

START_TEST(test_kill_fallback_reads_threads_of_a_threaded_cgroup)
{
	fake.has_kill = false;
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	/* mkdir -p jobs/t/a; echo threaded > jobs/t/a/cgroup.type: the kernel
	 * then refuses to list a's processes, but lists its threads. */
	fake_job("sandbox/jobs/t", 0);
	fake_job("sandbox/jobs/t/a", 0);
	fake_write_text(in_c_path("sandbox/jobs/t/a"), "cgroup.threads", "501\n");
	fake_add_fault(&fake, "read a/cgroup.procs", 0, EOPNOTSUPP, -1);
	fake_job("sandbox/jobs/u", 502);
	ck_assert_int_eq(cg_kill_tree(&fake.sys, lay.sandbox_fd, lay.sandbox_path), 0);
	ck_assert(was_killed(501) && was_killed(502));
}
END_TEST

static int kill_and_keep(void *ctx, pid_t pid, int sig)
{
	(void)ctx;
	(void)pid;
	(void)sig;
	return 0; /* sent, but the process is never gone: D state */
}

START_TEST(test_kill_fallback_is_bounded)
{
	fake.has_kill = false;
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	fake_job("sandbox/jobs/job1", 401);
	fake.sys.kill = kill_and_keep;
	fake.clock_step = 300;
	ck_assert_int_eq(cg_kill_tree(&fake.sys, lay.sandbox_fd, lay.sandbox_path), -1);
}
END_TEST

START_TEST(test_kill_fallback_unreadable_cgroup_fails)
{
	fake.has_kill = false;
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
	fake_job("sandbox/jobs/job1", 0);
	char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/sandbox/jobs/job1", fake.c_path);
	/* A cgroup.procs that is a directory reads as EISDIR: not read. */
	char procs[PATH_MAX * 2 + 16];
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	ck_assert_int_eq(unlink(procs), 0);
	ck_assert_int_eq(mkdir(procs, 0755), 0);
	ck_assert_int_eq(cg_kill_tree(&fake.sys, lay.sandbox_fd, lay.sandbox_path), -1);
}
END_TEST

static char *check_output(int *rc, bool clone3)
{
	static char buf[8192];
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/check.out", fake.root);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "open %s", path);
	*rc = cg_check(&fake.sys, &cfg, clone3, fd);
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

START_TEST(test_check_ok)
{
	int rc;
	char *out = check_output(&rc, true);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(out, "cgroup version:    v2"));
	ck_assert_ptr_nonnull(strstr(out, "read-only:         no"));
	ck_assert_ptr_nonnull(strstr(out, "namespace root:    yes"));
	ck_assert_ptr_nonnull(strstr(out, "processes in C:    3"));
	ck_assert_ptr_nonnull(strstr(out, "cgroup.kill:       yes"));
	ck_assert_ptr_nonnull(strstr(out, "clone3:            yes"));
	/* The recipe it prints is the safe one. */
	ck_assert_ptr_nonnull(strstr(out, "--tmpfsmount /sys/fs/cgroup"));
	ck_assert_ptr_nonnull(strstr(out, "--user 65534:65534:1 --group 65534:65534:1"));
	ck_assert_ptr_nonnull(strstr(out, "--use_cgroupv2"));
	ck_assert_ptr_nonnull(strstr(out, "require mode:      would succeed"));
	/* It writes nothing. */
	ck_assert_int_eq(fake.moves, 0);
	ck_assert_str_eq(in_c("", "cgroup.procs"), "1\n20\n30\n");
}
END_TEST

START_TEST(test_check_reports_reasons)
{
	int rc;
	fake.readonly = true;
	fake_write_text(fake.c_path, "cgroup.controllers", "cpu pids\n");
	char *out = check_output(&rc, false);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "read-only:         yes"));
	ck_assert_ptr_nonnull(strstr(out, "require mode:      would fail"));
	ck_assert_ptr_nonnull(strstr(out, "reason:            cgroupfs is read-only"));
	ck_assert_ptr_nonnull(strstr(out, "controller memory not delegated"));
	ck_assert_ptr_nonnull(strstr(out, "clone3:            no"));
}
END_TEST

START_TEST(test_check_v1)
{
	int rc;
	fake_write_text(fake.proc, "cgroup", "4:memory:/\n");
	fake_write_text(fake.proc, "mountinfo",
			"30 22 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
	char *out = check_output(&rc, true);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "cgroup version:    v1"));
	ck_assert_ptr_nonnull(strstr(out, "cginit needs cgroup v2"));
}
END_TEST

/* ---- one diagnosis for --check and the bootstrap ------------------------------ */

/* Each thing that can stop the layout before a write, as the fake kernel
 * makes it. Faults of a write (EBUSY that never ends, EIO on mkdir, a
 * refused chown) are outside --check's reach by definition: it writes
 * nothing. */
static void break_readonly(void) { fake.readonly = true; }
static void break_not_ours(void) { fake.not_ours = true; }
static void break_v1(void)
{
	fake_write_text(fake.proc, "cgroup", "4:memory:/\n");
	fake_write_text(fake.proc, "mountinfo",
			"30 22 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
}
static void break_hybrid(void)
{
	fake.sys.sys_mount = fake.sysfs;
	char text[PATH_MAX * 3];
	snprintf(text, sizeof(text),
		 "29 22 0:25 / %s rw - tmpfs tmpfs rw\n"
		 "30 29 0:26 / %s rw - cgroup2 cgroup2 rw\n"
		 "31 29 0:27 / %s/memory rw - cgroup cgroup rw,memory\n",
		 fake.sysfs, fake.mount, fake.sysfs);
	fake_write_text(fake.proc, "mountinfo", text);
}
static void break_no_cgroupfs(void)
{
	fake_write_text(fake.proc, "mountinfo", "22 1 0:21 / /proc rw - proc proc rw\n");
}
static void break_no_memory(void)
{
	fake_write_text(fake.c_path, "cgroup.controllers", "cpuset cpu io pids\n");
}
static void break_threaded(void)
{
	fake_write_text(fake.c_path, "cgroup.type", "domain threaded\n");
}
static void break_dotdot(void) { fake_set_proc(&fake, "/../..", "/"); }
static void break_outside_root(void) { fake_set_proc(&fake, "/other", "/docker/abc"); }
static void break_not_cgroup2(void) { fake.c_magic = 0x01021994UL; }
static void break_readonly_and_threaded(void)
{
	break_readonly();
	break_threaded();
	break_no_memory();
}

static const struct {
	const char *name;
	void (*inject)(void);
	const char *says; /* a piece of the reason */
} diagnosable[] = {
	{"read-only cgroupfs", break_readonly, "read-only"},
	{"C not cginit's to write", break_not_ours, "cannot write its cgroup"},
	{"cgroup v1", break_v1, "cgroup v1 host"},
	{"hybrid", break_hybrid, "hybrid"},
	{"no cgroupfs", break_no_cgroupfs, "no cgroup filesystem"},
	{"memory not delegated", break_no_memory, "controller memory not delegated"},
	{"threaded C", break_threaded, "domain threaded"},
	{"outside the namespace", break_dotdot, "outside its cgroup namespace"},
	{"outside the mount root", break_outside_root, "not below the root"},
	{"C not on cgroup2", break_not_cgroup2, "not on a cgroup2 filesystem"},
	{"three at once", break_readonly_and_threaded, "read-only"},
};

/* The "reason:" lines of --check's report, in order. */
static int check_reasons(char reasons[][1100], int max)
{
	int rc, n = 0;
	char *out = check_output(&rc, true);
	for (char *line = strstr(out, "reason:"); line && n < max;
	     line = strstr(line + 1, "\nreason:")) {
		if (*line == '\n')
			line++;
		char *value = line + strlen("reason:");
		value += strspn(value, " ");
		size_t len = strcspn(value, "\n");
		snprintf(reasons[n++], 1100, "%.*s", (int)len, value);
	}
	ck_assert_msg(rc == (n ? 1 : 0), "--check exit %d with %d reasons", rc, n);
	return n;
}

START_TEST(test_check_and_bootstrap_agree)
{
	int i = _i;
	fake_cleanup(&fake);
	setup();
	diagnosable[i].inject();
	char reasons[8][1100];
	int n = check_reasons(reasons, 8);
	ck_assert_msg(n >= 1, "%s: --check sees no reason", diagnosable[i].name);
	ck_assert_msg(probe_and_bootstrap() == -1, "%s: the bootstrap succeeded",
		      diagnosable[i].name);
	/* The same verdict, in the same words: the bootstrap's error is
	 * --check's first reason, and names the cause. */
	ck_assert_str_eq(err.msg, reasons[0]);
	ck_assert_msg(strstr(err.msg, diagnosable[i].says), "%s: '%s'", diagnosable[i].name,
		      err.msg);
	/* And nothing was written: refused before the first write. */
	ck_assert_uint_eq(fake.moves, 0);
	ck_assert_int_eq(access(in_c_path("init"), F_OK), -1);
}
END_TEST

START_TEST(test_several_reasons_are_all_listed)
{
	break_readonly_and_threaded();
	char reasons[8][1100];
	ck_assert_int_eq(check_reasons(reasons, 8), 3);
	ck_assert_ptr_nonnull(strstr(reasons[0], "read-only"));
	ck_assert_ptr_nonnull(strstr(reasons[1], "domain threaded"));
	ck_assert_ptr_nonnull(strstr(reasons[2], "controller memory"));
}
END_TEST

START_TEST(test_check_and_bootstrap_agree_on_success)
{
	char reasons[8][1100];
	ck_assert_int_eq(check_reasons(reasons, 8), 0);
	ck_assert_msg(probe_and_bootstrap() == 0, "%s", err.msg);
}
END_TEST

/* A TCase of the suite, each test with the fixture. */
static TCase *tcase_with_fixture(Suite *s, const char *name)
{
	TCase *t = tcase_create(name);
	tcase_add_checked_fixture(t, setup, teardown);
	suite_add_tcase(s, t);
	return t;
}

/* One TCase per part of the cgroup code, in the order the bootstrap runs
 * them: probe (cgprobe.c), evacuation, controllers, layout and limits,
 * delegation (cgsetup.c), enter and kill (cgkill.c), --check (cgcheck.c),
 * and the one diagnosis --check and the bootstrap share. */
static Suite *cgsetup_suite(void)
{
	Suite *s = suite_create("cgsetup");
	TCase *t;

	t = tcase_with_fixture(s, "probe");
	tcase_add_test(t, test_whole_tokens);
	tcase_add_test(t, test_wanted_controllers);
	tcase_add_test(t, test_probe_private_namespace);
	tcase_add_test(t, test_probe_host_namespace);
	tcase_add_test(t, test_probe_mount_root_is_cut);
	tcase_add_test(t, test_probe_outside_mount_root);
	tcase_add_test(t, test_probe_v1);
	tcase_add_test(t, test_probe_path_too_long);
	tcase_add_test(t, test_probe_hybrid);
	tcase_add_test(t, test_probe_refuses_dotdot);
	tcase_add_test(t, test_readonly_refused_with_fix);
	tcase_add_test(t, test_c_must_be_cgroup2);
	tcase_add_test(t, test_threaded_c_is_refused);
	tcase_add_test(t, test_nothing_to_bootstrap);

	t = tcase_with_fixture(s, "evacuation");
	tcase_add_test(t, test_evacuate_all);
	tcase_add_test(t, test_evacuate_pids_appearing);
	tcase_add_test(t, test_evacuate_vanished_pid_is_skipped);
	tcase_add_test(t, test_evacuate_einval_is_retried);
	tcase_add_test(t, test_evacuate_other_error_fails);
	tcase_add_test(t, test_evacuate_foreign_pid_is_reported);
	tcase_add_test(t, test_evacuate_is_bounded);
	tcase_add_test(t, test_evacuate_time_bound);
	tcase_add_test(t, test_evacuation_messages_carry_paths);
	tcase_add_test(t, test_kthread_stat_parsing);
	tcase_add_test(t, test_kernel_threads_stay_in_the_root);
	tcase_add_test(t, test_kernel_threads_only_checked_in_the_real_root);

	t = tcase_with_fixture(s, "controllers");
	tcase_add_test(t, test_enable_ebusy_then_retry);
	tcase_add_test(t, test_enable_ebusy_is_bounded);
	tcase_add_test(t, test_enable_eopnotsupp);
	tcase_add_test(t, test_enable_einval_names_realtime_tasks);
	tcase_add_test(t, test_missing_controller_named);
	tcase_add_test(t, test_cpu_not_fooled_by_cpuset);
	tcase_add_test(t, test_readback_whole_tokens);
	tcase_add_test(t, test_optional_controller_skipped);

	t = tcase_with_fixture(s, "layout and limits");
	tcase_add_test(t, test_bootstrap_layout);
	tcase_add_test(t, test_bootstrap_host_namespace_stays_inside_c);
	tcase_add_test(t, test_custom_names);
	tcase_add_test(t, test_idempotent_rerun);
	tcase_add_test(t, test_jobs_limits);
	tcase_add_test(t, test_limit_failure_named);
	tcase_add_test(t, test_sandbox_limits);
	tcase_add_test(t, test_sandbox_limit_failure_named);
	tcase_add_test(t, test_sandbox_memory_defaults_below_a_limited_c);
	tcase_add_test(t, test_sandbox_memory_default_needs_room);

	t = tcase_with_fixture(s, "delegation");
	tcase_add_test(t, test_delegation_is_minimal);
	tcase_add_test(t, test_fresh_layout_chowns_only_what_it_delegates);
	tcase_add_test(t, test_layout_made_by_non_root_is_chowned_whole);
	tcase_add_test(t, test_children_of_an_old_sandbox_are_chowned_whole);
	tcase_add_test(t, test_rerun_takes_back_what_was_given_away);
	tcase_add_test(t, test_job_cgroups_keep_their_owner);
	tcase_add_test(t, test_stray_cgroups_are_taken_back);
	tcase_add_test(t, test_chown_failure_named);

	t = tcase_with_fixture(s, "enter and kill");
	tcase_add_test(t, test_enter_writes_zero);
	tcase_add_test(t, test_kill_uses_cgroup_kill);
	tcase_add_test(t, test_kill_fallback_signals_each_pid);
	tcase_add_test(t, test_kill_fallback_walks_hidden_cgroups);
	tcase_add_test(t, test_kill_fallback_has_no_depth_cap);
	tcase_add_test(t, test_kill_fallback_fails_unless_emptied);
	tcase_add_test(t, test_kill_fallback_is_bounded);
	tcase_add_test(t, test_kill_fallback_reads_threads_of_a_threaded_cgroup);
	tcase_add_test(t, test_kill_fallback_unreadable_cgroup_fails);

	t = tcase_with_fixture(s, "--check");
	tcase_add_test(t, test_check_ok);
	tcase_add_test(t, test_check_reports_reasons);
	tcase_add_test(t, test_check_v1);

	t = tcase_with_fixture(s, "one diagnosis");
	tcase_add_loop_test(t, test_check_and_bootstrap_agree, 0,
			    (int)(sizeof(diagnosable) / sizeof(diagnosable[0])));
	tcase_add_test(t, test_several_reasons_are_all_listed);
	tcase_add_test(t, test_check_and_bootstrap_agree_on_success);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cgsetup_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
