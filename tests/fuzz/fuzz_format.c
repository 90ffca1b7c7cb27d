// SPDX-License-Identifier: MIT
/* cg_fmt against snprintf, and cg_parse_long against strtol, on the subset
 * cginit's formatter supports (what tests/fmt-lint.py lets through): they
 * must agree on every byte and on the returned length, whatever the
 * buffer size, so that a message never prints other than it reads.
 *
 * The input drives a format of up to 8 conversions: each byte picks one
 * (%s %.*s %-Ns %c %d %i %u %x, with l, ll and z), and the bytes after it
 * are its argument. */
#include "fuzz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cursor {
	const uint8_t *p, *end;
};

static uint64_t take(struct cursor *c, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n && c->p < c->end; i++)
		v = v << 8 | *c->p++;
	return v;
}

/* A string argument: up to 15 bytes of the input, NUL-free. */
static void take_string(struct cursor *c, char *out)
{
	size_t n = (size_t)take(c, 1) % 16, i = 0;
	for (; i < n && c->p < c->end; i++, c->p++)
		out[i] = *c->p ? (char)*c->p : '.';
	out[i] = '\0';
}

/* One conversion, formatted by both; abort() if they differ. */
static void one(struct cursor *c, size_t cap)
{
	char mine[64], libc[64], s[16];
	int a, b;
	long long v = (long long)take(c, 8);
	switch (take(c, 1) % 12) {
	case 0: take_string(c, s); a = cg_fmt(mine, cap, "<%s>", s); b = snprintf(libc, cap, "<%s>", s); break;
	case 1: {
		int prec = (int)(take(c, 1) % 20);
		take_string(c, s);
		a = cg_fmt(mine, cap, "%.*s|", prec, s);
		b = snprintf(libc, cap, "%.*s|", prec, s);
		break;
	}
	case 2: take_string(c, s); a = cg_fmt(mine, cap, "%-18s|", s); b = snprintf(libc, cap, "%-18s|", s); break;
	case 3: a = cg_fmt(mine, cap, "%c", (int)(v & 0x7f) | 1); b = snprintf(libc, cap, "%c", (int)(v & 0x7f) | 1); break;
	case 4: a = cg_fmt(mine, cap, "%d", (int)v); b = snprintf(libc, cap, "%d", (int)v); break;
	case 5: a = cg_fmt(mine, cap, "%i", (int)v); b = snprintf(libc, cap, "%i", (int)v); break;
	case 6: a = cg_fmt(mine, cap, "%u", (unsigned)v); b = snprintf(libc, cap, "%u", (unsigned)v); break;
	case 7: a = cg_fmt(mine, cap, "%x", (unsigned)v); b = snprintf(libc, cap, "%x", (unsigned)v); break;
	case 8: a = cg_fmt(mine, cap, "%ld", (long)v); b = snprintf(libc, cap, "%ld", (long)v); break;
	case 9: a = cg_fmt(mine, cap, "%llu", (unsigned long long)v); b = snprintf(libc, cap, "%llu", (unsigned long long)v); break;
	case 10: a = cg_fmt(mine, cap, "%zu", (size_t)v); b = snprintf(libc, cap, "%zu", (size_t)v); break;
	default: a = cg_fmt(mine, cap, "%lx%%", (unsigned long)v); b = snprintf(libc, cap, "%lx%%", (unsigned long)v); break;
	}
	if (a != b || (cap && strcmp(mine, libc) != 0))
		abort();
}

/* cg_parse_long takes what strtol takes, without blanks or a '+'. */
static void parse(const char *text)
{
	if (!*text || *text == ' ' || *text == '+' || *text == '\t' || *text == '\n')
		return;
	long mine;
	const char *end;
	int rc = cg_parse_long(text, &end, &mine);
	char *lend;
	errno = 0;
	long libc = strtol(text, &lend, 10);
	bool libc_ok = lend != text && errno != ERANGE;
	if (rc == 0 && (!libc_ok || libc != mine || lend != end))
		abort();
	if (rc < 0 && libc_ok && (text[0] == '-' || (text[0] >= '0' && text[0] <= '9')))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = {data, data + size};
	size_t cap = size ? data[0] % 40 : 0;
	for (int i = 0; i < 8 && c.p < c.end; i++)
		one(&c, cap);
	char *text = fuzz_text(data, size);
	if (text) {
		parse(text);
		free(text);
	}
	return 0;
}
