// SPDX-License-Identifier: MIT
/*
 * A job's verdict as JSON (one object on one line, schema version
 * JOB_VERDICT_VERSION) and as the human summary line. Pure formatting,
 * so that the unit tests check both byte for byte.
 *
 * The JSON schema is stable: fields are only ever added, and a change of
 * meaning bumps "cginit_job". A value that does not apply is null, never
 * left out, so a reader can index every field.
 */
#include "job.h"

#include <string.h>

static const char *const status_names[] = {
	[JOB_ACCEPTED] = "accepted",
	[JOB_NONZERO_EXIT] = "nonzero_exit",
	[JOB_SIGNALLED] = "signalled",
	[JOB_MEMORY_LIMIT] = "memory_limit",
	[JOB_TIME_LIMIT] = "time_limit",
	[JOB_INTERNAL_ERROR] = "internal_error",
};

const char *job_status_name(enum job_status s)
{
	return (unsigned)s < sizeof(status_names) / sizeof(status_names[0]) ? status_names[s]
									     : "internal_error";
}

/* A growing buffer that stops, and remembers it stopped, at its end. */
struct out {
	char *buf;
	size_t cap, len;
	bool full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	if (o->full)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = cg_vfmt(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

/* A JSON string, or null: quotes, backslashes and control characters
 * escaped (a cgroup path or an error may hold any byte but NUL). */
static void put_string(struct out *o, const char *s)
{
	if (!s) {
		put(o, "null");
		return;
	}
	put(o, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			put(o, "\\%c", *p);
		else if (*p < 0x20)
			put(o, "\\u00%c%c", "0123456789abcdef"[*p >> 4], "0123456789abcdef"[*p & 15]);
		else
			put(o, "%c", *p);
	}
	put(o, "\"");
}

static void put_u64(struct out *o, bool known, uint64_t v)
{
	if (known)
		put(o, "%llu", (unsigned long long)v);
	else
		put(o, "null");
}

static void put_field(struct out *o, const char *name)
{
	put(o, ",\"%s\":", name);
}

static void put_limits(struct out *o, const struct job_verdict *v)
{
	const struct cg_limits *l = v->lim;
	put(o, "{\"memory_max\":");
	put_string(o, l ? l->memory_max : NULL);
	put_field(o, "pids_max");
	put_string(o, l ? l->pids_max : NULL);
	put_field(o, "cpu_max");
	put_string(o, l ? l->cpu_max : NULL);
	put_field(o, "time_limit_ms");
	put_u64(o, v->time_limit_ms > 0, (uint64_t)v->time_limit_ms);
	put_field(o, "wall_limit_ms");
	put_u64(o, v->wall_limit_ms > 0, (uint64_t)v->wall_limit_ms);
	put(o, "}");
}

int job_verdict_json(const struct job_verdict *v, char *buf, size_t cap)
{
	struct out o = {buf, cap, 0, false};
	bool ran = v->status != JOB_INTERNAL_ERROR || v->exit_code >= 0 || v->signal;
	put(&o, "{\"cginit_job\":%d,\"status\":\"%s\"", JOB_VERDICT_VERSION,
	    job_status_name(v->status));
	put_field(&o, "exit_code");
	put_u64(&o, v->exit_code >= 0, (uint64_t)v->exit_code);
	put_field(&o, "signal");
	char sig[24] = "SIG?";
	if (v->signal && signal_name(v->signal))
		cg_fmt(sig, sizeof(sig), "SIG%s", signal_name(v->signal));
	put_string(&o, v->signal ? sig : NULL);
	put_field(&o, "limit_hit");
	put_string(&o, v->limit_hit);
	put_field(&o, "wall_ms");
	put_u64(&o, ran, v->wall_ms);
	put_field(&o, "cpu_usec");
	put_u64(&o, ran, v->st.usage_usec);
	put_field(&o, "cpu_user_usec");
	put_u64(&o, ran, v->st.user_usec);
	put_field(&o, "cpu_system_usec");
	put_u64(&o, ran, v->st.system_usec);
	put_field(&o, "memory_peak_bytes");
	put_u64(&o, ran, v->memory_peak);
	put_field(&o, "memory_peak_source");
	put_string(&o, ran ? v->memory_peak_source : NULL);
	put_field(&o, "oom_kill");
	put_u64(&o, ran && v->st.has_memory_events, v->st.oom_kill);
	put_field(&o, "pids_max_hits");
	put_u64(&o, ran && v->st.has_pids_events, v->st.pids_max_hits);
	put_field(&o, "limits");
	put_limits(&o, v);
	put_field(&o, "limits_set_by");
	put_string(&o, v->limits_set_by);
	put_field(&o, "cgroup");
	put_string(&o, v->cgroup);
	put_field(&o, "error");
	put_string(&o, v->error);
	put(&o, "}\n");
	return o.full ? -1 : (int)o.len;
}

/* Milliseconds as seconds with three decimals (cg_fmt pads with blanks
 * only, so the zeros are ours). */
static void put_seconds(struct out *o, uint64_t ms)
{
	unsigned frac = (unsigned)(ms % 1000);
	put(o, "%llu.%c%c%c s", (unsigned long long)(ms / 1000), '0' + frac / 100,
	    '0' + frac / 10 % 10, '0' + frac % 10);
}

static void put_outcome(struct out *o, const struct job_verdict *v)
{
	put(o, "cginit job: %s", job_status_name(v->status));
	if (v->status == JOB_TIME_LIMIT && v->limit_hit)
		put(o, " (%s)", v->limit_hit);
	if (v->status == JOB_INTERNAL_ERROR && v->error)
		put(o, ": %s", v->error);
	if (v->signal)
		put(o, ": SIG%s", signal_name(v->signal) ? signal_name(v->signal) : "?");
	else if (v->exit_code >= 0)
		put(o, ": exit %d", v->exit_code);
}

int job_verdict_line(const struct job_verdict *v, char *buf, size_t cap)
{
	struct out o = {buf, cap, 0, false};
	put_outcome(&o, v);
	if (v->exit_code >= 0 || v->signal) {
		put(&o, ", ");
		put_seconds(&o, v->wall_ms);
		put(&o, " wall, ");
		put_seconds(&o, v->st.usage_usec / 1000);
		put(&o, " CPU, %llu KiB peak (%s)", (unsigned long long)(v->memory_peak / 1024),
		    v->memory_peak_source);
		if (v->st.oom_kill)
			put(&o, ", %llu OOM kills", (unsigned long long)v->st.oom_kill);
		if (v->st.pids_max_hits)
			put(&o, ", pids.max hit %llu times", (unsigned long long)v->st.pids_max_hits);
	}
	if (v->limits_set_by && strcmp(v->limits_set_by, "worker") == 0)
		put(&o, "; limits set by the worker, which the job can lift");
	put(&o, "\n");
	if (o.full && cap > 1) {
		/* Still a line: cut, with its newline. */
		buf[cap - 2] = '\n';
		buf[cap - 1] = '\0';
		return (int)cap - 1;
	}
	return (int)o.len;
}
