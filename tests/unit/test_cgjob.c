// SPDX-License-Identifier: MIT
/* Jobs: a job cgroup's life on the fake tree (cgjob.c), the protocol
 * (jobproto.c), the verdict (verdict.c) and the broker's steps (broker.c)
 * over a real socket with the fake tree behind it. */
#include "fakecg.h"

#include "job.h"

#include <check.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#define ALL_CONTROLLERS "cpuset cpu io memory hugetlb pids rdma misc\n"

static struct fakecg fake;
static int jobs_fd = -1;
static char jobs_path[PATH_MAX];
static unsigned long seq; /* the job names' counter, 1 in each test */

/* C delegates cpu, memory and pids to jobs/, which delegates them on to
 * the job cgroups, as the layout does. */
static void setup(void)
{
	fake_init(&fake, "/", ALL_CONTROLLERS, "");
	cg_verbosity = LOG_ERROR;
	fake_write_text(fake.c_path, "cgroup.subtree_control", "cpu memory pids\n");
	int c = open(fake.c_path, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(fake.sys.make_dir(&fake, c, "jobs"), 0);
	close(c);
	snprintf(jobs_path, sizeof(jobs_path), "%s/jobs", fake.c_path);
	fake_write_text(jobs_path, "cgroup.subtree_control", "cpu memory pids\n");
	jobs_fd = open(jobs_path, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(jobs_fd, 0);
	seq = 1;
}

static void teardown(void)
{
	if (jobs_fd >= 0)
		close(jobs_fd);
	jobs_fd = -1;
	fake_cleanup(&fake);
}

static const char *in_job(const char *name, const char *file)
{
	static char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/%s", jobs_path, name);
	return fake_read_text(dir, file);
}

static bool job_exists(const char *name)
{
	char dir[PATH_MAX * 2];
	struct stat st;
	snprintf(dir, sizeof(dir), "%s/%s", jobs_path, name);
	return stat(dir, &st) == 0;
}

/* jobs/job-SEQ with lim and owner, as the broker and the runner make it. */
static int create_job(const struct cg_limits *lim, const struct cg_job_owner *owner,
		      struct cg_job *job, struct cg_err *err)
{
	return cg_job_create(&fake.sys, jobs_fd, "jobs", "job", &seq, lim, owner, job, err);
}

static const struct cg_limits some_limits = {
	.memory_max = "64M", .pids_max = "16", .cpu_max = "50000 100000",
};

/* ---- the job cgroup's life --------------------------------------------- */

START_TEST(test_create_writes_every_limit)
{
	struct cg_job job;
	struct cg_err err = {0};
	ck_assert_int_eq(create_job(&some_limits, NULL, &job, &err), 0);
	ck_assert_str_eq(job.name, "job-1");
	ck_assert_str_eq(job.path, "jobs/job-1");
	ck_assert_uint_eq(seq, 2);
	ck_assert_str_eq(in_job("job-1", "memory.max"), "64M");
	ck_assert_str_eq(in_job("job-1", "memory.swap.max"), "0");
	ck_assert_str_eq(in_job("job-1", "memory.oom.group"), "1");
	ck_assert_str_eq(in_job("job-1", "pids.max"), "16");
	ck_assert_str_eq(in_job("job-1", "cpu.max"), "50000 100000");
	close(job.fd);
}
END_TEST

START_TEST(test_create_without_limits_leaves_the_defaults)
{
	struct cg_job job;
	struct cg_err err = {0};
	struct cg_limits none = {0};
	ck_assert_int_eq(create_job(&none, NULL, &job, &err), 0);
	ck_assert_str_eq(in_job("job-1", "memory.max"), "max\n");
	ck_assert_str_eq(in_job("job-1", "memory.swap.max"), "max\n");
	ck_assert_str_eq(in_job("job-1", "pids.max"), "max\n");
	close(job.fd);
}
END_TEST

START_TEST(test_owner_gets_only_procs_and_kill)
{
	struct cg_job job;
	struct cg_err err = {0};
	struct cg_job_owner owner = {1000, 1000};
	ck_assert_int_eq(create_job(&some_limits, &owner, &job, &err), 0);
	static const char *const files[] = {"", "cgroup.procs", "cgroup.kill", "memory.max",
					    "pids.max", "cpu.max", "memory.oom.group",
					    "cgroup.subtree_control", "cgroup.threads"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[PATH_MAX * 2];
		uid_t uid;
		gid_t gid;
		snprintf(path, sizeof(path), "%s/job-1%s%s", jobs_path, files[i][0] ? "/" : "",
			 files[i]);
		fake_owner_of(&fake, path, &uid, &gid);
		bool handed = strcmp(files[i], "cgroup.procs") == 0 ||
			      strcmp(files[i], "cgroup.kill") == 0;
		ck_assert_msg(uid == (handed ? 1000u : 0u) && gid == (handed ? 1000u : 0u),
			      "%s is %d:%d", path, (int)uid, (int)gid);
	}
	close(job.fd);
}
END_TEST

START_TEST(test_create_takes_the_next_free_name)
{
	struct cg_job a, b;
	struct cg_err err = {0};
	ck_assert_int_eq(fake.sys.make_dir(&fake, jobs_fd, "job-1"), 0);
	ck_assert_int_eq(create_job(NULL, NULL, &a, &err), 0);
	ck_assert_str_eq(a.name, "job-2");
	ck_assert_int_eq(create_job(NULL, NULL, &b, &err), 0);
	ck_assert_str_eq(b.name, "job-3");
	close(a.fd);
	close(b.fd);
}
END_TEST

START_TEST(test_failed_limit_removes_the_cgroup)
{
	struct cg_job job;
	struct cg_err err = {0};
	fake_add_fault(&fake, "pids.max", 0, EINVAL, 1);
	ck_assert_int_eq(create_job(&some_limits, NULL, &job, &err), -1);
	ck_assert_msg(strstr(err.msg, "write '16' to jobs/job-1/pids.max"), "%s", err.msg);
	ck_assert_int_eq(err.errnum, EINVAL);
	ck_assert(!job_exists("job-1"));
	ck_assert_int_eq(job.fd, -1);
}
END_TEST

START_TEST(test_missing_controller_is_named_and_nothing_is_left)
{
	struct cg_job job;
	struct cg_err err = {0};
	fake_write_text(jobs_path, "cgroup.subtree_control", "memory\n");
	ck_assert_int_eq(create_job(&some_limits, NULL, &job, &err), -1);
	ck_assert_msg(strstr(err.msg, "pids.max (its controller is not enabled"), "%s", err.msg);
	ck_assert(!job_exists("job-1"));
}
END_TEST

START_TEST(test_full_parent_says_why)
{
	struct cg_job job;
	struct cg_err err = {0};
	fake.readonly = true;
	ck_assert_int_eq(create_job(NULL, NULL, &job, &err), -1);
	ck_assert_msg(strstr(err.msg, "mkdir jobs/job-1"), "%s", err.msg);
	ck_assert_int_eq(err.errnum, EROFS);
}
END_TEST

static void make_job(struct cg_job *job)
{
	struct cg_err err = {0};
	ck_assert_int_eq(cg_job_create(&fake.sys, jobs_fd, "jobs", "job", &seq, &some_limits, NULL,
				       job, &err), 0);
}

START_TEST(test_kill_uses_cgroup_kill_and_waits_for_empty)
{
	struct cg_job job;
	struct cg_err err = {0};
	make_job(&job);
	char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/job-1", jobs_path);
	fake_write_text(dir, "cgroup.procs", "4242\n");
	ck_assert_int_eq(cg_job_kill(&fake.sys, &job, 1000, &err), 0);
	ck_assert_uint_eq(fake.kills, 1);
	ck_assert_str_eq(in_job("job-1", "cgroup.procs"), "");
	ck_assert_int_eq(cg_job_remove(&fake.sys, jobs_fd, &job, &err), 0);
	ck_assert(!job_exists("job-1"));
}
END_TEST

START_TEST(test_kill_of_an_empty_job_sends_nothing)
{
	struct cg_job job;
	struct cg_err err = {0};
	make_job(&job);
	/* The main process was the last: the cgroup is empty already. */
	ck_assert_int_eq(cg_job_kill(&fake.sys, &job, 1000, &err), 0);
	ck_assert_uint_eq(fake.kills, 0);
	ck_assert_int_eq(cg_job_remove(&fake.sys, jobs_fd, &job, &err), 0);
	ck_assert(!job_exists("job-1"));
}
END_TEST

START_TEST(test_kill_without_cgroup_kill_signals_each_pid)
{
	struct cg_job job;
	struct cg_err err = {0};
	fake.has_kill = false;
	make_job(&job);
	char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/job-1", jobs_path);
	fake_write_text(dir, "cgroup.procs", "4242\n4343\n");
	ck_assert_int_eq(cg_job_kill(&fake.sys, &job, 1000, &err), 0);
	ck_assert_int_eq(fake.n_killed, 2);
	ck_assert_int_eq(fake.killed[0], 4242);
	ck_assert_int_eq(fake.killed[1], 4343);
	close(job.fd);
}
END_TEST

START_TEST(test_kill_gives_up_in_time_and_says_so)
{
	struct cg_job job;
	struct cg_err err = {0};
	make_job(&job);
	char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/job-1", jobs_path);
	fake_write_text(dir, "cgroup.procs", "4242\n");
	fake.kill_is_slow = true;
	fake.clock_step = 100;
	ck_assert_int_eq(cg_job_kill(&fake.sys, &job, 1000, &err), -1);
	ck_assert_msg(strstr(err.msg, "jobs/job-1 still holds processes 1000 ms after the kill"),
		      "%s", err.msg);
	ck_assert_int_eq(err.errnum, EBUSY);
	close(job.fd);
}
END_TEST

START_TEST(test_remove_takes_cgroups_below_first)
{
	struct cg_job job;
	struct cg_err err = {0};
	make_job(&job);
	ck_assert_int_eq(fake.sys.make_dir(&fake, job.fd, "sub"), 0);
	int sub = openat(job.fd, "sub", O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(fake.sys.make_dir(&fake, sub, "deeper"), 0);
	close(sub);
	ck_assert_int_eq(cg_job_remove(&fake.sys, jobs_fd, &job, &err), 0);
	ck_assert(!job_exists("job-1"));
	ck_assert_int_eq(job.fd, -1);
}
END_TEST

START_TEST(test_remove_of_a_busy_cgroup_fails_in_bounded_time)
{
	struct cg_job job;
	struct cg_err err = {0};
	make_job(&job);
	char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/job-1", jobs_path);
	fake_write_text(dir, "cgroup.procs", "4242\n");
	fake.clock_step = 500;
	ck_assert_int_eq(cg_job_remove(&fake.sys, jobs_fd, &job, &err), -1);
	ck_assert_msg(strstr(err.msg, "rmdir jobs/job-1"), "%s", err.msg);
	ck_assert_int_eq(err.errnum, EBUSY);
	ck_assert(job_exists("job-1"));
}
END_TEST

START_TEST(test_stats_are_read_from_the_job)
{
	struct cg_job job;
	struct cg_job_stats st;
	make_job(&job);
	char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/job-1", jobs_path);
	fake_write_text(dir, "memory.peak", "12345678\n");
	fake_write_text(dir, "memory.events", "low 0\nhigh 0\nmax 9\noom 3\noom_kill 2\n"
			"oom_group_kill 1\n");
	fake_write_text(dir, "pids.events", "max 7\n");
	fake_write_text(dir, "cpu.stat", "usage_usec 1500000\nuser_usec 1000000\n"
			"system_usec 500000\nnr_periods 0\n");
	cg_job_read_stats(&fake.sys, &job, &st);
	ck_assert(st.has_peak);
	ck_assert_uint_eq(st.memory_peak, 12345678);
	ck_assert(st.has_memory_events);
	ck_assert_uint_eq(st.oom_kill, 2);
	ck_assert(st.has_pids_events);
	ck_assert_uint_eq(st.pids_max_hits, 7);
	ck_assert_uint_eq(st.usage_usec, 1500000);
	ck_assert_uint_eq(st.user_usec, 1000000);
	ck_assert_uint_eq(st.system_usec, 500000);
	uint64_t usec = 0;
	ck_assert_int_eq(cg_job_cpu_usec(&fake.sys, &job, &usec), 0);
	ck_assert_uint_eq(usec, 1500000);
	close(job.fd);
}
END_TEST

START_TEST(test_stats_before_memory_peak)
{
	struct cg_job job;
	struct cg_job_stats st;
	make_job(&job);
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/job-1/memory.peak", jobs_path);
	ck_assert_int_eq(unlink(path), 0);
	cg_job_read_stats(&fake.sys, &job, &st);
	ck_assert(!st.has_peak);
	close(job.fd);
}
END_TEST

START_TEST(test_keyed_values)
{
	uint64_t v = 99;
	ck_assert(cg_keyed_u64("max 7\n", "max", &v));
	ck_assert_uint_eq(v, 7);
	/* A key is a whole word: "oom" is not "oom_kill". */
	ck_assert(cg_keyed_u64("oom 3\noom_kill 2\n", "oom_kill", &v));
	ck_assert_uint_eq(v, 2);
	ck_assert(cg_keyed_u64("oom_kill 2\noom 3\n", "oom", &v));
	ck_assert_uint_eq(v, 3);
	ck_assert(!cg_keyed_u64("oom_kill 2\n", "oom", &v));
	ck_assert(!cg_keyed_u64("", "max", &v));
	ck_assert(!cg_keyed_u64("max x\n", "max", &v));
	ck_assert(!cg_keyed_u64("max -1\n", "max", &v));
	ck_assert(cg_keyed_u64("a 1\nb 2", "b", &v));
	ck_assert_uint_eq(v, 2);
}
END_TEST

/* ---- the protocol ------------------------------------------------------- */

START_TEST(test_request_round_trip)
{
	char buf[JOB_MSG_MAX];
	struct job_request ask = {.lim = some_limits, .wall_limit_ms = 5000,
				  .time_limit_ms = 2000}, got;
	int n = jobproto_format_request(&ask, buf, sizeof(buf));
	ck_assert_str_eq(buf, "cginit-job 1\nmemory.max 64M\npids.max 16\ncpu.max 50000 100000\n"
			      "wall-limit-ms 5000\ntime-limit-ms 2000\n");
	ck_assert_int_eq(n, (int)strlen(buf));
	struct cg_err err = {0};
	ck_assert_int_eq(jobproto_parse_request(buf, (size_t)n, &got, &err), 0);
	ck_assert_str_eq(got.lim.memory_max, "64M");
	ck_assert_str_eq(got.lim.pids_max, "16");
	ck_assert_str_eq(got.lim.cpu_max, "50000 100000");
	ck_assert_ptr_null(got.lim.max_depth);
	ck_assert_int_eq(got.wall_limit_ms, 5000);
	ck_assert_int_eq(got.time_limit_ms, 2000);
}
END_TEST

START_TEST(test_request_without_limits)
{
	char buf[JOB_MSG_MAX];
	struct job_request none = {0}, got;
	struct cg_err err = {0};
	int n = jobproto_format_request(&none, buf, sizeof(buf));
	ck_assert_str_eq(buf, "cginit-job 1\n");
	ck_assert_int_eq(jobproto_parse_request(buf, (size_t)n, &got, &err), 0);
	ck_assert_ptr_null(got.lim.memory_max);
	ck_assert_ptr_null(got.lim.pids_max);
	ck_assert_ptr_null(got.lim.cpu_max);
	ck_assert_int_eq(got.wall_limit_ms, 0);
	ck_assert_int_eq(got.time_limit_ms, 0);
}
END_TEST

static const struct {
	const char *msg;
	const char *why;
} bad_requests[] = {
	{"", "not 512 bytes or fewer"},
	{"cginit-job 1", "not 512 bytes or fewer"},       /* no newline */
	{"cginit-job 2\n", "expected 'cginit-job 1' first"},
	{"hello\n", "expected 'cginit-job 1' first"},
	{"cginit-job 1\npids.max\n", "expected KEY VALUE"},
	{"cginit-job 1\n\n", "expected KEY VALUE"},
	{"cginit-job 1\nmemory.high 1\n", "expected memory.max, pids.max, cpu.max, wall-limit-ms or time-limit-ms"},
	{"cginit-job 1\npids.max 1\npids.max 2\n", "pids.max given twice"},
	{"cginit-job 1\npids.max 16M\n", "not a valid value"},
	{"cginit-job 1\npids.max -1\n", "not a valid value"},
	{"cginit-job 1\nmemory.max 1X\n", "not a valid value"},
	{"cginit-job 1\ncpu.max 50000 10\n", "not a valid value"},
	{"cginit-job 1\ncpu.max \n", "not a valid value"},
	{"cginit-job 1\nmemory.max 1 2\n", "not a valid value"},
	{"cginit-job 1\nwall-limit-ms 0\n", "not 1 to 86400000"},
	{"cginit-job 1\nwall-limit-ms -5\n", "not 1 to 86400000"},
	{"cginit-job 1\nwall-limit-ms 86400001\n", "not 1 to 86400000"},
	{"cginit-job 1\nwall-limit-ms 5s\n", "not 1 to 86400000"},
	{"cginit-job 1\nwall-limit-ms 1\nwall-limit-ms 1\n", "wall-limit-ms given twice"},
	{"cginit-job 1\ntime-limit-ms 0\n", "time-limit-ms '0': not 1 to 86400000"},
	{"cginit-job 1\ntime-limit-ms 1.5\n", "not 1 to 86400000"},
	{"cginit-job 1\ntime-limit-ms 9\ntime-limit-ms 9\n", "time-limit-ms given twice"},
};

START_TEST(test_bad_requests_are_refused)
{
	char buf[JOB_MSG_MAX + 1];
	size_t n = strlen(bad_requests[_i].msg);
	memcpy(buf, bad_requests[_i].msg, n);
	struct job_request req;
	struct cg_err err = {0};
	ck_assert_int_eq(jobproto_parse_request(buf, n, &req, &err), -1);
	ck_assert_msg(strstr(err.msg, bad_requests[_i].why), "'%s': %s", bad_requests[_i].msg,
		      err.msg);
}
END_TEST

START_TEST(test_request_with_nul_or_too_long_is_refused)
{
	char buf[JOB_MSG_MAX + 2];
	struct job_request lim;
	struct cg_err err = {0};
	memcpy(buf, "cginit-job 1\n\0ids.max 1\n", 25);
	ck_assert_int_eq(jobproto_parse_request(buf, 25, &lim, &err), -1);
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "cginit-job 1\n", 13);
	buf[JOB_MSG_MAX] = '\n';
	struct cg_err err2 = {0};
	ck_assert_int_eq(jobproto_parse_request(buf, JOB_MSG_MAX + 1, &lim, &err2), -1);
	ck_assert_msg(strstr(err2.msg, "512 bytes"), "%s", err2.msg);
}
END_TEST

START_TEST(test_replies)
{
	char name[CG_JOB_NAME_MAX];
	struct cg_err err = {0};
	char ok[] = "ok job-7\n";
	ck_assert_int_eq(jobproto_parse_reply(ok, strlen(ok), name, sizeof(name), &err), 0);
	ck_assert_str_eq(name, "job-7");
	char refused[] = "error 11 the broker holds as many jobs as it takes\n";
	ck_assert_int_eq(jobproto_parse_reply(refused, strlen(refused), name, sizeof(name), &err),
			 -1);
	ck_assert_int_eq(err.errnum, 11);
	ck_assert_str_eq(err.msg, "the broker refused: the broker holds as many jobs as it takes");
	static const char *const bad[] = {"ok ../x\n", "ok \n", "ok a b\n", "error x y\n",
					  "error 0 z\n", "fine\n", "ok job-1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char m[64];
		struct cg_err e = {0};
		snprintf(m, sizeof(m), "%s", bad[i]);
		ck_assert_int_eq(jobproto_parse_reply(m, strlen(m), name, sizeof(name), &e), -1);
		ck_assert_int_eq(e.errnum, EPROTO);
	}
}
END_TEST

/* ---- the verdict --------------------------------------------------------- */

static struct job_verdict sample_verdict(void)
{
	struct job_verdict v = {
		.status = JOB_TIME_LIMIT,
		.exit_code = -1,
		.signal = SIGKILL,
		.limit_hit = "cpu",
		.wall_ms = 1029,
		.st = {.has_peak = true, .memory_peak = 327680, .has_memory_events = true,
		       .oom_kill = 0, .has_pids_events = true, .pids_max_hits = 3,
		       .usage_usec = 1012000, .user_usec = 1000000, .system_usec = 12000},
		.memory_peak = 327680,
		.memory_peak_source = "memory.peak",
		.lim = &some_limits,
		.time_limit_ms = 1000,
		.wall_limit_ms = 0,
		.limits_set_by = "broker",
		.cgroup = "/sys/fs/cgroup/sandbox/jobs/job-3",
	};
	return v;
}

START_TEST(test_verdict_json_is_exact)
{
	struct job_verdict v = sample_verdict();
	char buf[2048];
	int n = job_verdict_json(&v, buf, sizeof(buf));
	ck_assert_str_eq(buf,
		"{\"cginit_job\":1,\"status\":\"time_limit\",\"exit_code\":null,"
		"\"signal\":\"SIGKILL\",\"limit_hit\":\"cpu\",\"wall_ms\":1029,\"cpu_usec\":1012000,"
		"\"cpu_user_usec\":1000000,\"cpu_system_usec\":12000,\"memory_peak_bytes\":327680,"
		"\"memory_peak_source\":\"memory.peak\",\"oom_kill\":0,\"pids_max_hits\":3,"
		"\"limits\":{\"memory_max\":\"64M\",\"pids_max\":\"16\",\"cpu_max\":\"50000 100000\","
		"\"time_limit_ms\":1000,\"wall_limit_ms\":null},\"limits_set_by\":\"broker\","
		"\"cgroup\":\"/sys/fs/cgroup/sandbox/jobs/job-3\",\"error\":null}\n");
	ck_assert_int_eq(n, (int)strlen(buf));
}
END_TEST

START_TEST(test_verdict_json_escapes_and_nulls)
{
	struct job_verdict v = {
		.status = JOB_INTERNAL_ERROR, .exit_code = -1,
		.limits_set_by = "worker", .cgroup = NULL,
		.error = "open \"/x\\y\"\n\x01: No such file",
	};
	char buf[2048];
	ck_assert_int_gt(job_verdict_json(&v, buf, sizeof(buf)), 0);
	ck_assert_msg(strstr(buf, "\"error\":\"open \\\"/x\\\\y\\\"\\u000a\\u0001: No such file\""),
		      "%s", buf);
	/* A job that never ran measured nothing. */
	ck_assert_msg(strstr(buf, "\"exit_code\":null,\"signal\":null,\"limit_hit\":null,"
			     "\"wall_ms\":null,\"cpu_usec\":null"), "%s", buf);
	ck_assert_msg(strstr(buf, "\"memory_peak_source\":null,\"oom_kill\":null"), "%s", buf);
	ck_assert_msg(strstr(buf, "\"cgroup\":null"), "%s", buf);
	ck_assert_msg(strstr(buf, "\"limits\":{\"memory_max\":null"), "%s", buf);
}
END_TEST

START_TEST(test_verdict_json_too_small)
{
	struct job_verdict v = sample_verdict();
	char buf[64];
	ck_assert_int_eq(job_verdict_json(&v, buf, sizeof(buf)), -1);
}
END_TEST

START_TEST(test_verdict_line)
{
	struct job_verdict v = sample_verdict();
	char buf[512];
	job_verdict_line(&v, buf, sizeof(buf));
	ck_assert_str_eq(buf, "cginit job: time_limit (cpu): SIGKILL, 1.029 s wall, 1.012 s CPU, "
			      "320 KiB peak (memory.peak), pids.max hit 3 times\n");
	v.status = JOB_NONZERO_EXIT;
	v.signal = 0;
	v.exit_code = 3;
	v.wall_ms = 7;
	v.st.usage_usec = 40000;
	v.st.pids_max_hits = 0;
	v.st.oom_kill = 2;
	v.limits_set_by = "worker";
	job_verdict_line(&v, buf, sizeof(buf));
	ck_assert_str_eq(buf, "cginit job: nonzero_exit: exit 3, 0.007 s wall, 0.040 s CPU, "
			      "320 KiB peak (memory.peak), 2 OOM kills; limits set by the worker, "
			      "which the job can lift\n");
	char small[16];
	ck_assert_int_eq(job_verdict_line(&v, small, sizeof(small)), 15);
	ck_assert_int_eq(small[14], '\n');
}
END_TEST

/* ---- the broker's steps -------------------------------------------------- */

static struct broker broker;
static struct broker_config bcfg;
static char address[64];

static void broker_setup(void)
{
	setup();
	int fd = broker_listen(address, sizeof(address));
	ck_assert_int_ge(fd, 0);
	bcfg.jobs_fd = jobs_fd;
	bcfg.jobs_path = "jobs";
	bcfg.allowed_uid = getuid();
	broker_init(&broker, &bcfg, &fake.sys, fd);
}

static void broker_teardown(void)
{
	for (size_t i = 0; i < BROKER_CLIENTS; i++)
		if (broker.clients[i].fd >= 0)
			close(broker.clients[i].fd);
	close(broker.listen_fd);
	teardown();
}

static int client_connect(void)
{
	struct cg_err err = {0};
	int fd = broker_socket_connect(address, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	broker_step(&broker, 100); /* accept */
	return fd;
}

/* The next message, with the fd passed along it in *passed (or -1). */
static ssize_t client_recv(int fd, char *buf, size_t cap, int *passed)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {buf, cap - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
			    .msg_controllen = sizeof(ctl.b)};
	struct pollfd p = {fd, POLLIN, 0};
	ck_assert_int_eq(poll(&p, 1, 2000), 1);
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	*passed = -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(passed, CMSG_DATA(c), sizeof(int));
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static int held_jobs(void)
{
	int n = 0;
	for (size_t i = 0; i < BROKER_CLIENTS; i++)
		n += broker.clients[i].state == CLIENT_HOLDING;
	return n;
}

/* A client that asked for req and was granted jobs/job-1: its connection
 * (the passed fd checked and closed). */
static int granted_client(const char *req)
{
	int fd = client_connect();
	ck_assert_int_eq(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
	broker_step(&broker, 100);
	char reply[JOB_MSG_MAX + 1];
	int passed;
	client_recv(fd, reply, sizeof(reply), &passed);
	ck_assert_str_eq(reply, "ok job-1\n");
	ck_assert_int_ge(passed, 0);
	close(passed);
	return fd;
}

START_TEST(test_broker_grants_then_releases)
{
	int fd = client_connect();
	char req[JOB_MSG_MAX], reply[JOB_MSG_MAX + 1];
	struct job_request ask = {.lim = some_limits};
	int n = jobproto_format_request(&ask, req, sizeof(req));
	ck_assert_int_eq(send(fd, req, (size_t)n, 0), n);
	broker_step(&broker, 100);
	int passed;
	client_recv(fd, reply, sizeof(reply), &passed);
	ck_assert_str_eq(reply, "ok job-1\n");
	ck_assert_int_ge(passed, 0);
	ck_assert_str_eq(in_job("job-1", "pids.max"), "16");
	/* The fd is the job's cgroup itself. */
	char p1[PATH_MAX], p2[PATH_MAX * 2];
	fake_fd_path(passed, p1, sizeof(p1));
	snprintf(p2, sizeof(p2), "%s/job-1", jobs_path);
	ck_assert_str_eq(p1, p2);
	close(passed);
	ck_assert_int_eq(held_jobs(), 1);
	ck_assert_int_eq(send(fd, "release\n", 8, 0), 8);
	broker_step(&broker, 100);
	client_recv(fd, reply, sizeof(reply), &passed);
	ck_assert_str_eq(reply, "released\n");
	ck_assert(!job_exists("job-1"));
	ck_assert_int_eq(held_jobs(), 0);
	close(fd);
}
END_TEST

START_TEST(test_broker_cleans_up_after_a_client_that_leaves)
{
	int fd = granted_client("cginit-job 1\n");
	char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/job-1", jobs_path);
	fake_write_text(dir, "cgroup.procs", "4242\n");
	close(fd); /* a runner killed with its job still running */
	broker_step(&broker, 100);
	ck_assert_uint_eq(fake.kills, 1);
	ck_assert(!job_exists("job-1"));
	ck_assert_int_eq(held_jobs(), 0);
}
END_TEST

static const char *const broker_bad[] = {
	"cginit-job 1\npids.max many\n",
	"GET / HTTP/1.0\n",
	"cginit-job 1\nmemory.max 1\nmemory.max 1\n",
};

START_TEST(test_broker_refuses_a_bad_request_and_hangs_up)
{
	int fd = client_connect();
	ck_assert_int_eq(send(fd, broker_bad[_i], strlen(broker_bad[_i]), 0),
			 (ssize_t)strlen(broker_bad[_i]));
	broker_step(&broker, 100);
	char reply[JOB_MSG_MAX + 1];
	int passed;
	client_recv(fd, reply, sizeof(reply), &passed);
	ck_assert_msg(strncmp(reply, "error ", 6) == 0, "%s", reply);
	ck_assert_int_eq(passed, -1);
	ck_assert_int_eq(client_recv(fd, reply, sizeof(reply), &passed), 0); /* EOF */
	ck_assert(!job_exists("job-1"));
	close(fd);
}
END_TEST

START_TEST(test_broker_refuses_an_oversized_message)
{
	int fd = client_connect();
	char big[4096];
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(send(fd, big, sizeof(big), 0), (ssize_t)sizeof(big));
	broker_step(&broker, 100);
	char reply[JOB_MSG_MAX + 1];
	int passed;
	client_recv(fd, reply, sizeof(reply), &passed);
	char want[64];
	snprintf(want, sizeof(want), "error %d ", EMSGSIZE);
	ck_assert_msg(strncmp(reply, want, strlen(want)) == 0, "%s", reply);
	close(fd);
}
END_TEST

START_TEST(test_broker_drops_a_silent_client_in_time)
{
	int fd = client_connect();
	ck_assert_int_eq(broker.clients[0].state, CLIENT_ASKING);
	fake.clock_ms += BROKER_REQUEST_MS + 1;
	broker_step(&broker, 0);
	ck_assert_int_eq(broker.clients[0].state, CLIENT_FREE);
	char reply[8];
	int passed;
	ck_assert_int_eq(client_recv(fd, reply, sizeof(reply), &passed), 0); /* EOF */
	close(fd);
}
END_TEST

START_TEST(test_broker_takes_a_bounded_number_of_clients)
{
	int fds[BROKER_CLIENTS + 1];
	for (int i = 0; i <= BROKER_CLIENTS; i++)
		fds[i] = client_connect();
	char reply[JOB_MSG_MAX + 1];
	int passed;
	client_recv(fds[BROKER_CLIENTS], reply, sizeof(reply), &passed);
	char want[64];
	snprintf(want, sizeof(want), "error %d ", EAGAIN);
	ck_assert_msg(strncmp(reply, want, strlen(want)) == 0, "%s", reply);
	for (int i = 0; i <= BROKER_CLIENTS; i++)
		close(fds[i]);
}
END_TEST

/* A uid that is neither root nor the worker's is refused. */
START_TEST(test_broker_refuses_other_uids)
{
	bcfg.allowed_uid = 4242;
	if (getuid() != 0) {
		int fd = client_connect();
		char reply[JOB_MSG_MAX + 1];
		int passed;
		client_recv(fd, reply, sizeof(reply), &passed);
		ck_assert_msg(strstr(reply, "only root and the worker's uid"), "%s", reply);
		close(fd);
		return;
	}
	/* As root, the client is a child that becomes uid 65534. */
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(2);
		struct cg_err err = {0};
		int fd = broker_socket_connect(address, &err);
		char reply[JOB_MSG_MAX + 1] = "";
		struct pollfd p = {fd, POLLIN, 0};
		if (fd < 0 || poll(&p, 1, 5000) != 1 || recv(fd, reply, sizeof(reply) - 1, 0) <= 0)
			_exit(3);
		_exit(strstr(reply, "only root and the worker's uid") ? 0 : 4);
	}
	int status = 0;
	for (int i = 0; i < 50 && waitpid(pid, &status, WNOHANG) == 0; i++)
		broker_step(&broker, 100);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/* Past a limit, the job's cgroup.procs is root's again: its runner, if
 * the job stopped it before its clone3, can start nothing in it. */
static void assert_procs_taken_back(const char *dir)
{
	char path[PATH_MAX * 2 + 16];
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	uid_t u;
	gid_t g;
	fake_owner_of(&fake, path, &u, &g);
	ck_assert_msg(u == 0 && g == 0, "%s is %d:%d after the limit kill", path, (int)u, (int)g);
}

/* Granted req, with a process in jobs/job-1 (its directory in dir) and
 * its cgroup.procs given to a caller that is not root: the connection. */
static int running_job(const char *req, char *dir, size_t cap)
{
	int fd = granted_client(req);
	snprintf(dir, cap, "%s/job-1", jobs_path);
	ck_assert_int_eq(fake_chown_at(&fake, jobs_fd, "job-1/cgroup.procs", 4321, 4321), 0);
	fake_write_text(dir, "cgroup.procs", "4242\n");
	return fd;
}

/* Killed by the broker just now: the client kept, cgroup.procs taken
 * back, and no second kill however long the job stays. Closes fd. */
static void assert_killed_once(int fd, const char *dir)
{
	ck_assert_uint_eq(fake.kills, 1);
	ck_assert_int_eq(held_jobs(), 1);
	assert_procs_taken_back(dir);
	fake.clock_ms += 100000;
	broker_step(&broker, 0);
	ck_assert_uint_eq(fake.kills, 1);
	close(fd);
}

/* Granted with wall-limit-ms: past it and the grace, the broker kills
 * the job itself (its runner may be stopped) and keeps the client. */
START_TEST(test_broker_kills_a_job_past_its_wall_limit)
{
	char dir[PATH_MAX * 2];
	int fd = running_job("cginit-job 1\nwall-limit-ms 100\n", dir, sizeof(dir));
	broker_step(&broker, 0);
	ck_assert_uint_eq(fake.kills, 0);
	fake.clock_ms += 100 + BROKER_WALL_GRACE_MS;
	broker_step(&broker, 0);
	assert_killed_once(fd, dir);
}
END_TEST

/* Granted with time-limit-ms: the broker reads cpu.stat no sooner than
 * the job could reach the limit and its grace, and kills it past them. */
START_TEST(test_broker_kills_a_job_past_its_cpu_limit)
{
	fake.clock_step = 0; /* the clock moves only here */
	char dir[PATH_MAX * 2];
	int fd = running_job("cginit-job 1\ntime-limit-ms 100\n", dir, sizeof(dir));
	fake_write_text(dir, "cpu.stat", "usage_usec 50000\nuser_usec 50000\n");
	uint64_t limit_ms = 100 + BROKER_CPU_GRACE_MS;
	fake.clock_ms += limit_ms - 1;
	broker_step(&broker, 0);
	ck_assert_uint_eq(fake.kills, 0);
	/* one CPU: the earliest the limit can be reached */
	fake.clock_ms += 1;
	broker_step(&broker, 0);
	ck_assert_uint_eq(fake.kills, 0);
	/* 10 us short of it: the next look comes no sooner than 100 ms on */
	fake_write_text(dir, "cpu.stat", "usage_usec 1099990\nuser_usec 1099990\n");
	fake.clock_ms += limit_ms - 50;
	broker_step(&broker, 0);
	ck_assert_uint_eq(fake.kills, 0);
	fake_write_text(dir, "cpu.stat", "usage_usec 1100000\nuser_usec 1100000\n");
	fake.clock_ms += 99;
	broker_step(&broker, 0);
	ck_assert_uint_eq(fake.kills, 0);
	fake.clock_ms += 1;
	broker_step(&broker, 0);
	assert_killed_once(fd, dir);
}
END_TEST

/* A job cgroup removed under the broker (jobs/ is the worker's) runs
 * nothing: the broker stops looking at its cpu.stat, and so stops
 * waking up for it. */
START_TEST(test_broker_stops_cpu_checks_of_a_removed_job)
{
	fake.clock_step = 0;
	int fd = granted_client("cginit-job 1\ntime-limit-ms 100\n");
	ck_assert_int_eq(fake_remove_dir(&fake, jobs_fd, "job-1"), 0);
	fake.clock_ms += 100 + BROKER_CPU_GRACE_MS;
	broker_step(&broker, 0);
	ck_assert_int_eq(held_jobs(), 1);
	for (size_t i = 0; i < BROKER_CLIENTS; i++)
		if (broker.clients[i].state == CLIENT_HOLDING)
			ck_assert_uint_eq(broker.clients[i].cpu_limit_usec, 0);
	ck_assert_uint_eq(fake.kills, 0);
	close(fd);
}
END_TEST

/* A caller whose cgroup is one of the broker's jobs is refused: a job
 * asking for jobs could hold every slot. */
START_TEST(test_broker_refuses_its_own_jobs)
{
	int first = granted_client("cginit-job 1\n");
	char reply[JOB_MSG_MAX + 1];
	int passed;
	/* the test process itself now "is" in jobs/job-1 */
	char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s/%d", fake.procroot, (int)getpid());
	mkdir(dir, 0755);
	fake_write_text(dir, "cgroup", "0::/sandbox/jobs/job-1\n");
	int second = client_connect();
	client_recv(second, reply, sizeof(reply), &passed);
	ck_assert_msg(strstr(reply, "a job of the broker may not ask for more jobs"), "%s", reply);
	/* the v2 line last, after v1 ones, as on a hybrid host */
	fake_write_text(dir, "cgroup", "2:name=systemd:/\n1:pids:/\n0::/sandbox/jobs/job-1\n");
	int fourth = client_connect();
	client_recv(fourth, reply, sizeof(reply), &passed);
	ck_assert_msg(strstr(reply, "a job of the broker may not ask for more jobs"), "%s", reply);
	/* elsewhere, it may */
	fake_write_text(dir, "cgroup", "0::/sandbox/worker\n");
	int third = client_connect();
	ck_assert_int_eq(broker.clients[1].state, CLIENT_ASKING);
	close(first);
	close(second);
	close(third);
	close(fourth);
}
END_TEST

static Suite *cgjob_suite(void)
{
	Suite *s = suite_create("jobs");
	TCase *c = tcase_create("job cgroup");
	tcase_add_checked_fixture(c, setup, teardown);
	tcase_add_test(c, test_create_writes_every_limit);
	tcase_add_test(c, test_create_without_limits_leaves_the_defaults);
	tcase_add_test(c, test_owner_gets_only_procs_and_kill);
	tcase_add_test(c, test_create_takes_the_next_free_name);
	tcase_add_test(c, test_failed_limit_removes_the_cgroup);
	tcase_add_test(c, test_missing_controller_is_named_and_nothing_is_left);
	tcase_add_test(c, test_full_parent_says_why);
	tcase_add_test(c, test_kill_uses_cgroup_kill_and_waits_for_empty);
	tcase_add_test(c, test_kill_of_an_empty_job_sends_nothing);
	tcase_add_test(c, test_kill_without_cgroup_kill_signals_each_pid);
	tcase_add_test(c, test_kill_gives_up_in_time_and_says_so);
	tcase_add_test(c, test_remove_takes_cgroups_below_first);
	tcase_add_test(c, test_remove_of_a_busy_cgroup_fails_in_bounded_time);
	tcase_add_test(c, test_stats_are_read_from_the_job);
	tcase_add_test(c, test_stats_before_memory_peak);
	tcase_add_test(c, test_keyed_values);
	suite_add_tcase(s, c);

	TCase *p = tcase_create("protocol");
	tcase_add_test(p, test_request_round_trip);
	tcase_add_test(p, test_request_without_limits);
	tcase_add_loop_test(p, test_bad_requests_are_refused, 0,
			    (int)(sizeof(bad_requests) / sizeof(bad_requests[0])));
	tcase_add_test(p, test_request_with_nul_or_too_long_is_refused);
	tcase_add_test(p, test_replies);
	suite_add_tcase(s, p);

	TCase *v = tcase_create("verdict");
	tcase_add_test(v, test_verdict_json_is_exact);
	tcase_add_test(v, test_verdict_json_escapes_and_nulls);
	tcase_add_test(v, test_verdict_json_too_small);
	tcase_add_test(v, test_verdict_line);
	suite_add_tcase(s, v);

	TCase *b = tcase_create("broker");
	tcase_add_checked_fixture(b, broker_setup, broker_teardown);
	tcase_add_test(b, test_broker_grants_then_releases);
	tcase_add_test(b, test_broker_cleans_up_after_a_client_that_leaves);
	tcase_add_loop_test(b, test_broker_refuses_a_bad_request_and_hangs_up, 0,
			    (int)(sizeof(broker_bad) / sizeof(broker_bad[0])));
	tcase_add_test(b, test_broker_refuses_an_oversized_message);
	tcase_add_test(b, test_broker_drops_a_silent_client_in_time);
	tcase_add_test(b, test_broker_takes_a_bounded_number_of_clients);
	tcase_add_test(b, test_broker_refuses_other_uids);
	tcase_add_test(b, test_broker_kills_a_job_past_its_wall_limit);
	tcase_add_test(b, test_broker_kills_a_job_past_its_cpu_limit);
	tcase_add_test(b, test_broker_stops_cpu_checks_of_a_removed_job);
	tcase_add_test(b, test_broker_refuses_its_own_jobs);
	suite_add_tcase(s, b);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cgjob_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
