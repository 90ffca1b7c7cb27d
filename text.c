// SPDX-License-Identifier: MIT
/*
 * The little text handling cginit needs, without pulling in libc's printf
 * and strtol machinery: in the static binary those weigh more than all of
 * cginit's own code (musl's printf core alone is 8 KB, for floating point
 * we never print).
 *
 * cg_fmt understands %s %.*s %-Ns %c %d %i %u %x with the l and z
 * modifiers, and %%. Like snprintf, it returns the length the full text
 * would have, and always terminates the buffer.
 */
#include "cginit.h"

#include <limits.h>
#include <string.h>

struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void put_n(struct out *o, const char *s, size_t n, int width, bool left)
{
	size_t pad = width > 0 && (size_t)width > n ? (size_t)width - n : 0;
	if (!left)
		while (pad--)
			put(o, ' ');
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (left)
		while (pad--)
			put(o, ' ');
}

static void put_unsigned(struct out *o, unsigned long long v, unsigned base, bool neg,
			 int width, bool left)
{
	char digits[24];
	size_t n = 0;
	do {
		digits[sizeof(digits) - 1 - n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		digits[sizeof(digits) - 1 - n++] = '-';
	put_n(o, digits + sizeof(digits) - n, n, width, left);
}

/* A va_list in a struct may be passed by pointer portably (C11 7.16). */
struct args {
	va_list ap;
};

/* Reads the argument of a %d/%u/%x with its length modifier. */
static unsigned long long take_int(struct args *a, int longs, bool is_size, bool is_signed,
				   bool *neg)
{
	long long sv;
	unsigned long long uv;
	*neg = false;
	if (is_size) {
		uv = va_arg(a->ap, size_t);
		return uv;
	}
	if (is_signed) {
		sv = longs >= 2 ? va_arg(a->ap, long long) : longs == 1 ? va_arg(a->ap, long)
								 : va_arg(a->ap, int);
		*neg = sv < 0;
		return *neg ? 0ULL - (unsigned long long)sv : (unsigned long long)sv;
	}
	uv = longs >= 2 ? va_arg(a->ap, unsigned long long)
	     : longs == 1 ? va_arg(a->ap, unsigned long) : va_arg(a->ap, unsigned int);
	return uv;
}

int cg_vfmt(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct out o = {buf, cap, 0};
	struct args a;
	va_copy(a.ap, ap);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		p++;
		bool left = false;
		int width = 0, precision = -1, longs = 0;
		bool is_size = false;
		if (*p == '-') {
			left = true;
			p++;
		}
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		if (p[0] == '.' && p[1] == '*') {
			precision = va_arg(a.ap, int);
			p += 2;
		}
		for (; *p == 'l'; p++)
			longs++;
		if (*p == 'z') {
			is_size = true;
			p++;
		}
		bool neg;
		switch (*p) {
		case 's': {
			const char *s = va_arg(a.ap, const char *);
			if (!s)
				s = "(null)";
			size_t n = precision >= 0 ? strnlen(s, (size_t)precision) : strlen(s);
			put_n(&o, s, n, width, left);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(a.ap, int));
			break;
		case 'd':
		case 'i': {
			unsigned long long v = take_int(&a, longs, is_size, true, &neg);
			put_unsigned(&o, v, 10, neg, width, left);
			break;
		}
		case 'u':
		case 'x': {
			unsigned long long v = take_int(&a, longs, is_size, false, &neg);
			put_unsigned(&o, v, *p == 'x' ? 16 : 10, false, width, left);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			/* Unknown conversion: show it rather than guess. */
			put(&o, '%');
			if (!*p)
				goto done;
			put(&o, *p);
		}
	}
done:
	va_end(a.ap);
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
}

int cg_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = cg_vfmt(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

int cg_parse_long(const char *text, const char **end, long *value)
{
	const char *p = text;
	bool neg = *p == '-';
	if (neg)
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	unsigned long v = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > ((unsigned long)LONG_MAX - d) / 10)
			return -1; /* overflow */
		v = v * 10 + d;
	}
	if (end)
		*end = p;
	*value = neg ? -(long)v : (long)v;
	return 0;
}
