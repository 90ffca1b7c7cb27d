// SPDX-License-Identifier: MIT
/* text.c and log.c: the formatter against libc's snprintf, the number
 * parser, the error texts and the error helper. */
#include "cginit.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* Formats with both cg_fmt and snprintf and compares text and length. */
#define SAME(...)                                                                  \
	do {                                                                       \
		char ours[128], libc[128];                                         \
		int a = cg_fmt(ours, sizeof(ours), __VA_ARGS__);                   \
		int b = snprintf(libc, sizeof(libc), __VA_ARGS__);                 \
		ck_assert_str_eq(ours, libc);                                      \
		ck_assert_int_eq(a, b);                                            \
	} while (0)

START_TEST(test_fmt_matches_snprintf)
{
	SAME("plain");
	SAME("%s and %s", "this", "that");
	SAME("%d %d %d", 0, -1, INT_MIN);
	SAME("%u %x", 4294967295u, 0xdeadbeefu);
	SAME("%ld %lu %lx", LONG_MIN, ULONG_MAX, 0x63677270UL);
	SAME("%lld %llu", LLONG_MIN, ULLONG_MAX);
	SAME("%zu", (size_t)123456789);
	SAME("%.*s|", 3, "abcdef");
	SAME("%.*s|", 10, "abc");
	SAME("%-18s|", "cgroup.type:");
	SAME("%5d|%-5d|", 42, 42);
	SAME("%c%c", 'o', 'k');
	SAME("100%%");
}
END_TEST

START_TEST(test_fmt_truncates_like_snprintf)
{
	char small[8];
	int n = cg_fmt(small, sizeof(small), "%s", "0123456789");
	ck_assert_int_eq(n, 10);
	ck_assert_str_eq(small, "0123456");
	ck_assert_int_eq(cg_fmt(NULL, 0, "%d", 12345), 5);
	ck_assert_int_eq(cg_fmt(small, 1, "abc"), 3);
	ck_assert_str_eq(small, "");
}
END_TEST

START_TEST(test_fmt_null_string)
{
	char buf[16];
	const char *volatile nothing = NULL; /* hidden from -Wformat-overflow */
	cg_fmt(buf, sizeof(buf), "%s", nothing);
	ck_assert_str_eq(buf, "(null)");
}
END_TEST

START_TEST(test_parse_long)
{
	long v;
	const char *end;
	ck_assert_int_eq(cg_parse_long("42abc", &end, &v), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_str_eq(end, "abc");
	ck_assert_int_eq(cg_parse_long("-7", NULL, &v), 0);
	ck_assert_int_eq(v, -7);
	ck_assert_int_eq(cg_parse_long("9223372036854775807", NULL, &v), 0);
	ck_assert_int_eq(v, LONG_MAX);
	ck_assert_int_eq(cg_parse_long("9223372036854775808", NULL, &v), -1);
	ck_assert_int_eq(cg_parse_long("", NULL, &v), -1);
	ck_assert_int_eq(cg_parse_long("-", NULL, &v), -1);
	ck_assert_int_eq(cg_parse_long(" 1", NULL, &v), -1);
}
END_TEST

START_TEST(test_stat_field)
{
	long v;
	const char *stat = "42 (a) b) c) S 7 42 42 0 -1 2129984 0 0\n";
	ck_assert_int_eq(cg_stat_field(stat, 2, &v), 0);
	ck_assert_int_eq(v, 7);
	ck_assert_int_eq(cg_stat_field(stat, 7, &v), 0);
	ck_assert_int_eq(v, 2129984);
	ck_assert_int_eq(cg_stat_field(stat, 1, &v), -1);    /* the state letter */
	ck_assert_int_eq(cg_stat_field(stat, 40, &v), -1);   /* past the end */
	ck_assert_int_eq(cg_stat_field("no parenthesis", 2, &v), -1);
	ck_assert_int_eq(cg_stat_field("1 (x) S 9x 1", 2, &v), -1);
}
END_TEST

START_TEST(test_cpu_lists)
{
	ck_assert_uint_eq(cg_count_cpu_list("0\n"), 1);
	ck_assert_uint_eq(cg_count_cpu_list("0-7\n"), 8);
	ck_assert_uint_eq(cg_count_cpu_list("0-3,8,10-11\n"), 7);
	ck_assert_uint_eq(cg_count_cpu_list("0-1,3"), 3);
	ck_assert_uint_eq(cg_count_cpu_list(""), 0);
	ck_assert_uint_eq(cg_count_cpu_list("3-1\n"), 0);
	ck_assert_uint_eq(cg_count_cpu_list("0-\n"), 0);
	ck_assert_uint_eq(cg_count_cpu_list("a\n"), 0);
	ck_assert_uint_eq(cg_count_cpu_list("0 1\n"), 0);
	/* an unreadable list leaves the affinity mask, at least 1 */
	ck_assert_uint_ge(cg_count_cpus("/nonexistent/online"), 1);
}
END_TEST

START_TEST(test_error_texts)
{
	/* The errors cginit reports read as glibc words them. */
	int common[] = {EPERM, ENOENT, ESRCH, EACCES, EBUSY, EINVAL, EROFS, ENOSYS, EOPNOTSUPP,
			ENAMETOOLONG, EEXIST, ENOTDIR, E2BIG, ENOEXEC, ECHILD, EMFILE};
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		ck_assert_str_eq(cg_strerror(common[i]), strerror(common[i]));
	ck_assert_str_eq(cg_strerror(EHWPOISON), "errno 133");
}
END_TEST

START_TEST(test_error_kept_first)
{
	struct cg_err err = {0};
	ck_assert_int_eq(cg_error(&err, ENOENT, "open %s", "/x"), -1);
	cg_error(&err, EBUSY, "later");
	ck_assert_str_eq(err.msg, "open /x: No such file or directory");
	ck_assert_int_eq(err.errnum, ENOENT);
	struct cg_err plain = {0};
	cg_error(&plain, 0, "no cause");
	ck_assert_str_eq(plain.msg, "no cause");
}
END_TEST

static Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *t = tcase_create("text");
	tcase_add_test(t, test_fmt_matches_snprintf);
	tcase_add_test(t, test_fmt_truncates_like_snprintf);
	tcase_add_test(t, test_fmt_null_string);
	tcase_add_test(t, test_parse_long);
	tcase_add_test(t, test_stat_field);
	tcase_add_test(t, test_cpu_lists);
	tcase_add_test(t, test_error_texts);
	tcase_add_test(t, test_error_kept_first);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(text_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
