// SPDX-License-Identifier: MIT
/*
 * Command line and environment. Where tini has a flag or a variable, cginit
 * takes tini's spelling with tini's meaning, so that `docker run --init
 * --init-path=cginit` and existing Dockerfiles keep working.
 */
#include "cginit.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char usage_text[] =
	"Usage: cginit [options] [--] command [args...]\n"
	"\n"
	"Init (tini-compatible flags):\n"
	"  -s, --subreaper          be a child subreaper (automatic if not PID 1)\n"
	"  -p, --pdeathsig SIGNAL   send SIGNAL to cginit when its parent dies\n"
	"  -g, --pgroup             forward signals to the worker's process group\n"
	"  -e, --remap-exit CODE    report exit code CODE as 0 (repeatable)\n"
	"  -w, --warn-on-reap       warn each time an orphan is reaped\n"
	"      --grace SECONDS      kill the worker and its sandbox SECONDS after\n"
	"                           forwarding SIGTERM or SIGINT\n"
	"\n"
	"Cgroup v2:\n"
	"      --cgroup MODE        auto (default), require or off\n"
	"      --controllers LIST   extra controllers besides cpu,memory,pids\n"
	"      --jobs-memory-max V  memory.max for all jobs together\n"
	"      --jobs-pids-max N    pids.max for all jobs together\n"
	"      --jobs-cpu-max V     cpu.max for all jobs together (\"QUOTA PERIOD\")\n"
	"      --jobs-max-descendants N, --jobs-max-depth N\n"
	"                           cgroup.max.descendants, .max.depth of jobs/\n"
	"      --sandbox-memory-max V, --sandbox-pids-max N, --sandbox-cpu-max V,\n"
	"      --sandbox-max-descendants N, --sandbox-max-depth N\n"
	"                           the same for the worker and all jobs together\n"
	"      --delegate-to UID[:GID]\n"
	"                           let UID:GID make job cgroups in jobs/\n"
	"                           (any limit or --delegate-to needs the layout)\n"
	"      --init-name, --sandbox-name, --worker-name, --jobs-name NAME\n"
	"                           rename the cgroups of the layout\n"
	"\n"
	"Jobs:\n"
	"      --job [options] -- command\n"
	"                           (first) run one job in a cgroup of its own, with\n"
	"                           limits and a verdict: see cginit --job --help\n"
	"      --no-broker          as PID 1, offer no root broker for job cgroups\n"
	"\n"
	"Privileges:\n"
	"      --user USER[:GROUP]  run the worker as USER, with no_new_privs and\n"
	"                           no capabilities (bounding set included)\n"
	"      --allow-privilege-escalation\n"
	"                           --user keeps the bounding set, setuid works\n"
	"      --cap-drop LIST      drop these capabilities from the worker\n"
	"      --cap-keep LIST      keep only these capabilities (also as --user)\n"
	"      --no-new-privs       set no_new_privs for the worker\n"
	"\n"
	"Diagnostics:\n"
	"  -v, --verbose            more messages (repeatable)\n"
	"      --check              report what the cgroup bootstrap would find\n"
	"      --dry-run            check the options and the command line, run nothing\n"
	"  -l, --license            print the licence\n"
	"  -h, --help               print this help\n"
	"      --version            print the version\n"
	"\n"
	"Environment: CGINIT_SUBREAPER, CGINIT_VERBOSITY, CGINIT_KILL_PROCESS_GROUP\n"
	"(or their TINI_ aliases), CGINIT_CGROUP_MODE, CGINIT_USER, CGINIT_CAP_DROP,\n"
	"CGINIT_CAP_KEEP, CGINIT_NO_NEW_PRIVS, CGINIT_ALLOW_PRIVILEGE_ESCALATION.\n"
	"Exit status: the worker's, 128+N if it died of signal N, 125 if cginit\n"
	"failed, 126 if the command cannot run, 127 if not found.\n";

static const char license_text[] =
	"cginit is released under the MIT licence.\n"
	"\n"
	"Copyright (c) 2026 the cginit authors\n"
	"\n"
	"Permission is hereby granted, free of charge, to any person obtaining a "
	"copy\nof this software and associated documentation files (the "
	"\"Software\"), to deal\nin the Software without restriction, including "
	"without limitation the rights\nto use, copy, modify, merge, publish, "
	"distribute, sublicense, and/or sell\ncopies of the Software, and to "
	"permit persons to whom the Software is\nfurnished to do so, subject to "
	"the following conditions:\n\nThe above copyright notice and this "
	"permission notice shall be included in all\ncopies or substantial "
	"portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT "
	"WARRANTY OF ANY KIND, EXPRESS OR\nIMPLIED, INCLUDING BUT NOT LIMITED TO "
	"THE WARRANTIES OF MERCHANTABILITY,\nFITNESS FOR A PARTICULAR PURPOSE AND "
	"NONINFRINGEMENT. IN NO EVENT SHALL THE\nAUTHORS OR COPYRIGHT HOLDERS BE "
	"LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\nLIABILITY, WHETHER IN AN ACTION "
	"OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\nOUT OF OR IN CONNECTION "
	"WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\nSOFTWARE.\n";

static void write_all(int fd, const char *text)
{
	size_t len = strlen(text);
	while (len > 0) {
		ssize_t n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		text += n;
		len -= (size_t)n;
	}
}

void usage(int fd)
{
	write_all(fd, usage_text);
}

/* After an error: the synopsis only, so the error stays on screen. */
void usage_short(int fd)
{
	write_all(fd, "Usage: cginit [options] [--] command [args...]\n"
		      "See 'cginit --help'.\n");
}

/* ---- signal names ------------------------------------------------------ */

static const struct {
	int num;
	const char *name; /* without the SIG prefix */
} signal_table[] = {
	{SIGHUP, "HUP"},     {SIGINT, "INT"},       {SIGQUIT, "QUIT"},
	{SIGILL, "ILL"},     {SIGTRAP, "TRAP"},     {SIGABRT, "ABRT"},
	{SIGIOT, "IOT"},     {SIGBUS, "BUS"},       {SIGFPE, "FPE"},
	{SIGKILL, "KILL"},   {SIGUSR1, "USR1"},     {SIGSEGV, "SEGV"},
	{SIGUSR2, "USR2"},   {SIGPIPE, "PIPE"},     {SIGALRM, "ALRM"},
	{SIGTERM, "TERM"},   {SIGSTKFLT, "STKFLT"}, {SIGCHLD, "CHLD"},
	{SIGCONT, "CONT"},   {SIGSTOP, "STOP"},     {SIGTSTP, "TSTP"},
	{SIGTTIN, "TTIN"},   {SIGTTOU, "TTOU"},     {SIGURG, "URG"},
	{SIGXCPU, "XCPU"},   {SIGXFSZ, "XFSZ"},     {SIGVTALRM, "VTALRM"},
	{SIGPROF, "PROF"},   {SIGWINCH, "WINCH"},   {SIGIO, "IO"},
	{SIGPOLL, "POLL"},   {SIGPWR, "PWR"},       {SIGSYS, "SYS"},
};

#define N_SIGNAL_NAMES (sizeof(signal_table) / sizeof(signal_table[0]))

/* Parses a decimal integer in [min, max]; -1 on anything else. */
static long parse_bounded(const char *text, long min, long max)
{
	if (!text || !*text || !isdigit((unsigned char)*text))
		return -1;
	const char *end;
	long v;
	if (cg_parse_long(text, &end, &v) < 0 || *end || v < min || v > max)
		return -1;
	return v;
}

int parse_signal(const char *text)
{
	if (!text || !*text)
		return -1;
	if (isdigit((unsigned char)*text))
		return (int)parse_bounded(text, 1, SIGRTMAX);
	const char *name = text;
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < N_SIGNAL_NAMES; i++)
		if (strcasecmp(name, signal_table[i].name) == 0)
			return signal_table[i].num;
	/* RTMIN+n and RTMAX-n, as kill(1) spells them. */
	if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
		bool from_min = toupper((unsigned char)name[3]) == 'I';
		const char *rest = name + 5;
		long off = 0;
		if (*rest) {
			if (*rest != (from_min ? '+' : '-'))
				return -1;
			off = parse_bounded(rest + 1, 0, SIGRTMAX - SIGRTMIN);
			if (off < 0)
				return -1;
		}
		return from_min ? SIGRTMIN + (int)off : SIGRTMAX - (int)off;
	}
	return -1;
}

const char *signal_name(int sig)
{
	for (size_t i = 0; i < N_SIGNAL_NAMES; i++)
		if (signal_table[i].num == sig)
			return signal_table[i].name;
	return NULL;
}

int parse_exit_code(const char *text)
{
	return (int)parse_bounded(text, 0, 255);
}

int parse_duration_ms(const char *text)
{
	/* Seconds with up to three decimals; at most a day. */
	if (!text || !isdigit((unsigned char)*text))
		return -1;
	long whole = 0, frac = 0, scale = 1000;
	const char *p = text;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 86400)
			return -1;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			if (scale == 1)
				return -1;
			scale /= 10;
			frac += (*p - '0') * scale;
		}
	}
	if (*p)
		return -1;
	return (int)(whole * 1000 + frac);
}

/* ---- value checks for cgroup options ----------------------------------- */

/* "max" or a decimal number, optionally with a K/M/G/T suffix. */
bool cg_valid_limit(const char *v, bool suffix_ok)
{
	if (strcmp(v, "max") == 0)
		return true;
	const char *p = v;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (suffix_ok && *p && strchr("KkMmGgTt", *p))
		p++;
	return *p == '\0' && p - v <= 20;
}

/* "QUOTA" or "QUOTA PERIOD", QUOTA being a number or "max". */
bool cg_valid_cpu_max(const char *v)
{
	char quota[32];
	const char *space = strchr(v, ' ');
	size_t qlen = space ? (size_t)(space - v) : strlen(v);
	if (qlen == 0 || qlen >= sizeof(quota))
		return false;
	memcpy(quota, v, qlen);
	quota[qlen] = '\0';
	if (!cg_valid_limit(quota, false))
		return false;
	return !space || parse_bounded(space + 1, 1000, 1000000) > 0;
}

/* A single path component that cannot be confused with a cgroup file. */
static bool valid_cgroup_name(const char *v)
{
	if (!*v || strlen(v) > 64 || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
		return false;
	if (strchr(v, '/') || strchr(v, '\n'))
		return false;
	/* The kernel rejects names that look like interface files. */
	return strncmp(v, "cgroup.", 7) != 0;
}

/* Lowercase controller names separated by commas or spaces. */
static bool valid_controller_list(const char *v)
{
	bool any = false;
	for (const char *p = v; *p; p++) {
		if (*p == ',' || *p == ' ')
			continue;
		if (!islower((unsigned char)*p) && *p != '_')
			return false;
		any = true;
	}
	return any;
}

/* UID or UID:GID, decimal; GID defaults to UID. */
static bool parse_delegate(const char *v, struct options *opt)
{
	const char *colon = strchr(v, ':');
	char uid[16];
	size_t ulen = colon ? (size_t)(colon - v) : strlen(v);
	if (ulen == 0 || ulen >= sizeof(uid))
		return false;
	memcpy(uid, v, ulen);
	uid[ulen] = '\0';
	long u = parse_bounded(uid, 0, INT_MAX);
	long g = colon ? parse_bounded(colon + 1, 0, INT_MAX) : u;
	if (u < 0 || g < 0)
		return false;
	opt->delegate = true;
	opt->delegate_uid = (uid_t)u;
	opt->delegate_gid = (gid_t)g;
	return true;
}

/* ---- environment ------------------------------------------------------- */

/* Reads NAME, else its tini alias, as tini does: set means on, except for
 * the explicit "0", "false" and "no". */
static const char *env_or_alias(getenv_fn env, const char *name, const char *alias)
{
	const char *v = env(name);
	return v || !alias ? v : env(alias);
}

static bool env_flag(getenv_fn env, const char *name, const char *alias)
{
	const char *v = env_or_alias(env, name, alias);
	if (!v)
		return false;
	return strcmp(v, "0") != 0 && strcasecmp(v, "false") != 0 &&
	       strcasecmp(v, "no") != 0;
}

static int parse_cgroup_mode(const char *v, enum cgroup_mode *mode)
{
	if (strcmp(v, "auto") == 0)
		*mode = CGROUP_AUTO;
	else if (strcmp(v, "require") == 0)
		*mode = CGROUP_REQUIRE;
	else if (strcmp(v, "off") == 0)
		*mode = CGROUP_OFF;
	else
		return -1;
	return 0;
}

static int apply_env(struct options *opt, getenv_fn env, struct cg_err *err)
{
	opt->subreaper = env_flag(env, "CGINIT_SUBREAPER", "TINI_SUBREAPER");
	opt->kill_process_group =
		env_flag(env, "CGINIT_KILL_PROCESS_GROUP", "TINI_KILL_PROCESS_GROUP");
	const char *v = env_or_alias(env, "CGINIT_VERBOSITY", "TINI_VERBOSITY");
	if (v) {
		long level = parse_bounded(v, 0, 10);
		if (level < 0) {
			cg_error(err, 0, "invalid CGINIT_VERBOSITY '%s': expected 0..10", v);
			return -1;
		}
		opt->verbosity = (int)level;
	}
	/* The privilege options, for images that set them with ENV. */
	if ((v = env("CGINIT_USER")) != NULL && *v)
		opt->user = v;
	if ((v = env("CGINIT_CAP_DROP")) != NULL && *v)
		opt->cap_drop = v;
	if ((v = env("CGINIT_CAP_KEEP")) != NULL && *v)
		opt->cap_keep = v;
	opt->no_new_privs = env_flag(env, "CGINIT_NO_NEW_PRIVS", NULL);
	opt->allow_privilege_escalation =
		env_flag(env, "CGINIT_ALLOW_PRIVILEGE_ESCALATION", NULL);
	v = env("CGINIT_CGROUP_MODE");
	if (v) {
		if (parse_cgroup_mode(v, &opt->cgroup_mode) < 0) {
			cg_error(err, 0, "invalid CGINIT_CGROUP_MODE '%s': expected auto, require or off", v);
			return -1;
		}
		opt->cgroup_mode_explicit = true;
	}
	return 0;
}

/* ---- the command line -------------------------------------------------- */

enum {
	OPT_GRACE = 256,
	OPT_CGROUP,
	OPT_CONTROLLERS,
	OPT_JOBS_MEMORY_MAX,
	OPT_JOBS_PIDS_MAX,
	OPT_JOBS_CPU_MAX,
	OPT_JOBS_MAX_DESCENDANTS,
	OPT_JOBS_MAX_DEPTH,
	OPT_SANDBOX_MEMORY_MAX,
	OPT_SANDBOX_PIDS_MAX,
	OPT_SANDBOX_CPU_MAX,
	OPT_SANDBOX_MAX_DESCENDANTS,
	OPT_SANDBOX_MAX_DEPTH,
	OPT_DELEGATE_TO,
	OPT_INIT_NAME,
	OPT_SANDBOX_NAME,
	OPT_WORKER_NAME,
	OPT_JOBS_NAME,
	OPT_USER,
	OPT_CAP_DROP,
	OPT_CAP_KEEP,
	OPT_NO_NEW_PRIVS,
	OPT_ALLOW_PRIVILEGE_ESCALATION,
	OPT_CHECK,
	OPT_DRY_RUN,
	OPT_VERSION,
	OPT_NO_BROKER,
};

struct long_option {
	const char *name;
	bool has_arg;
	int val;
};

static const struct long_option long_options[] = {
	{"subreaper", false, 's'},
	{"pdeathsig", true, 'p'},
	{"pgroup", false, 'g'},
	{"remap-exit", true, 'e'},
	{"warn-on-reap", false, 'w'},
	{"verbose", false, 'v'},
	{"license", false, 'l'},
	{"help", false, 'h'},
	{"grace", true, OPT_GRACE},
	{"cgroup", true, OPT_CGROUP},
	{"controllers", true, OPT_CONTROLLERS},
	{"jobs-memory-max", true, OPT_JOBS_MEMORY_MAX},
	{"jobs-pids-max", true, OPT_JOBS_PIDS_MAX},
	{"jobs-cpu-max", true, OPT_JOBS_CPU_MAX},
	{"jobs-max-descendants", true, OPT_JOBS_MAX_DESCENDANTS},
	{"jobs-max-depth", true, OPT_JOBS_MAX_DEPTH},
	{"sandbox-memory-max", true, OPT_SANDBOX_MEMORY_MAX},
	{"sandbox-pids-max", true, OPT_SANDBOX_PIDS_MAX},
	{"sandbox-cpu-max", true, OPT_SANDBOX_CPU_MAX},
	{"sandbox-max-descendants", true, OPT_SANDBOX_MAX_DESCENDANTS},
	{"sandbox-max-depth", true, OPT_SANDBOX_MAX_DEPTH},
	{"delegate-to", true, OPT_DELEGATE_TO},
	{"init-name", true, OPT_INIT_NAME},
	{"sandbox-name", true, OPT_SANDBOX_NAME},
	{"worker-name", true, OPT_WORKER_NAME},
	{"jobs-name", true, OPT_JOBS_NAME},
	{"user", true, OPT_USER},
	{"cap-drop", true, OPT_CAP_DROP},
	{"cap-keep", true, OPT_CAP_KEEP},
	{"no-new-privs", false, OPT_NO_NEW_PRIVS},
	{"allow-privilege-escalation", false, OPT_ALLOW_PRIVILEGE_ESCALATION},
	{"check", false, OPT_CHECK},
	{"dry-run", false, OPT_DRY_RUN},
	{"no-broker", false, OPT_NO_BROKER},
	{"version", false, OPT_VERSION},
	{NULL, false, 0},
};

static void options_defaults(struct options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->grace_ms = -1;
	opt->verbosity = LOG_WARN;
	opt->cgroup_mode = CGROUP_AUTO;
	opt->names.init = "init";
	opt->names.sandbox = "sandbox";
	opt->names.worker = "worker";
	opt->names.jobs = "jobs";
}

/* One line naming the bad value; init.c adds the synopsis. */
static enum parse_result bad_value(struct cg_err *err, const char *what, const char *value,
				   const char *expected)
{
	cg_error(err, 0, "invalid %s '%s': %s", what, value, expected);
	return PARSE_ERROR;
}

static enum parse_result set_name(const char **slot, const char *what, const char *v,
				  struct cg_err *err)
{
	if (!valid_cgroup_name(v))
		return bad_value(err, what, v, "expected one path component, not starting with 'cgroup.'");
	*slot = v;
	return PARSE_OK;
}

/* The limit options: which cgroup, which file, and how its value reads. */
enum limit_kind { LIMIT_MEMORY, LIMIT_PIDS, LIMIT_CPU, LIMIT_DESCENDANTS, LIMIT_DEPTH };

static const struct limit_option {
	int opt;
	bool sandbox;          /* sandbox/, else jobs/ */
	enum limit_kind kind;
	const char *name;      /* as the user typed it, for messages */
} limit_options[] = {
	{OPT_JOBS_MEMORY_MAX, false, LIMIT_MEMORY, "--jobs-memory-max"},
	{OPT_JOBS_PIDS_MAX, false, LIMIT_PIDS, "--jobs-pids-max"},
	{OPT_JOBS_CPU_MAX, false, LIMIT_CPU, "--jobs-cpu-max"},
	{OPT_JOBS_MAX_DESCENDANTS, false, LIMIT_DESCENDANTS, "--jobs-max-descendants"},
	{OPT_JOBS_MAX_DEPTH, false, LIMIT_DEPTH, "--jobs-max-depth"},
	{OPT_SANDBOX_MEMORY_MAX, true, LIMIT_MEMORY, "--sandbox-memory-max"},
	{OPT_SANDBOX_PIDS_MAX, true, LIMIT_PIDS, "--sandbox-pids-max"},
	{OPT_SANDBOX_CPU_MAX, true, LIMIT_CPU, "--sandbox-cpu-max"},
	{OPT_SANDBOX_MAX_DESCENDANTS, true, LIMIT_DESCENDANTS, "--sandbox-max-descendants"},
	{OPT_SANDBOX_MAX_DEPTH, true, LIMIT_DEPTH, "--sandbox-max-depth"},
};

static const char **limit_slot(struct cg_limits *l, enum limit_kind kind)
{
	switch (kind) {
	case LIMIT_MEMORY: return &l->memory_max;
	case LIMIT_PIDS: return &l->pids_max;
	case LIMIT_CPU: return &l->cpu_max;
	case LIMIT_DESCENDANTS: return &l->max_descendants;
	default: return &l->max_depth;
	}
}

/* The smallest depth or count that leaves room for one job: a job cgroup
 * is jobs/<job>, and sandbox/ also holds worker/ and jobs/ themselves. */
static long least_value(const struct limit_option *lo)
{
	if (lo->kind == LIMIT_DEPTH)
		return lo->sandbox ? 2 : 1;
	return lo->kind == LIMIT_DESCENDANTS && lo->sandbox ? 3 : 0;
}

static const char *least_reason(const struct limit_option *lo)
{
	if (lo->kind == LIMIT_DESCENDANTS)
		return "expected at least 3: worker/, jobs/ and one job cgroup";
	return lo->sandbox ? "expected at least 2: a job cgroup is sandbox/jobs/<job>"
			   : "expected at least 1: a job cgroup is jobs/<job>";
}

static enum parse_result set_limit(struct options *opt, const struct limit_option *lo,
				   const char *v, struct cg_err *err)
{
	if (lo->kind == LIMIT_CPU && !cg_valid_cpu_max(v))
		return bad_value(err, lo->name, v, "expected \"QUOTA [PERIOD]\" in microseconds");
	if (lo->kind != LIMIT_CPU && !cg_valid_limit(v, lo->kind == LIMIT_MEMORY))
		return bad_value(err, lo->name, v, lo->kind == LIMIT_MEMORY
					      ? "expected bytes (K, M, G or T suffix) or 'max'"
					      : "expected a number or 'max'");
	/* Past LONG_MAX parse_bounded says -1: the kernel refuses it later. */
	long n = strcmp(v, "max") == 0 ? -1 : parse_bounded(v, 0, LONG_MAX);
	if (n >= 0 && n < least_value(lo))
		return bad_value(err, lo->name, v, least_reason(lo));
	*limit_slot(lo->sandbox ? &opt->sandbox_limits : &opt->jobs_limits, lo->kind) = v;
	if (!opt->layout_needed_by)
		opt->layout_needed_by = lo->name;
	return PARSE_OK;
}

static const struct limit_option *find_limit_option(int c)
{
	for (size_t i = 0; i < sizeof(limit_options) / sizeof(limit_options[0]); i++)
		if (limit_options[i].opt == c)
			return &limit_options[i];
	return NULL;
}

static enum parse_result print_and_exit(const char *text)
{
	write_all(STDOUT_FILENO, text);
	return PARSE_EXIT_OK;
}

/* "<before>'<word>'<after>", then the synopsis. */
static enum parse_result option_error(struct cg_err *err, const char *before, const char *word,
				      const char *after)
{
	cg_error(err, 0, "%s'%s'%s", before, word, after);
	return PARSE_ERROR;
}

/* Handles one parsed option; split out to keep options_parse short. */
static enum parse_result handle_option(struct options *opt, int c, const char *value,
				       struct cg_err *err)
{
	/* The word parsers hand a value to every option that takes one. */
	const char *arg = value ? value : "";
	const struct limit_option *lo = find_limit_option(c);
	if (lo)
		return set_limit(opt, lo, arg, err);
	int n;
	switch (c) {
	case 's': opt->subreaper = true; return PARSE_OK;
	case 'g': opt->kill_process_group = true; return PARSE_OK;
	case 'w': opt->warn_on_reap = true; return PARSE_OK;
	case 'v': opt->verbosity++; return PARSE_OK;
	case 'l': return print_and_exit(license_text);
	case 'h': usage(STDOUT_FILENO); return PARSE_EXIT_OK;
	case OPT_VERSION:
		return print_and_exit("cginit version " CGINIT_VERSION " - git." CGINIT_GIT "\n");
	case 'p':
		n = parse_signal(arg);
		if (n < 0)
			return bad_value(err, "signal", arg, "expected a name like SIGKILL or a number");
		opt->pdeathsig = n;
		return PARSE_OK;
	case 'e':
		n = parse_exit_code(arg);
		if (n < 0)
			return bad_value(err, "exit code", arg, "expected 0..255");
		opt->remap[n] = true;
		return PARSE_OK;
	case OPT_GRACE:
		n = parse_duration_ms(arg);
		if (n < 0)
			return bad_value(err, "grace", arg, "expected seconds, at most 86400");
		opt->grace_ms = n;
		return PARSE_OK;
	case OPT_CGROUP:
		if (parse_cgroup_mode(arg, &opt->cgroup_mode) < 0)
			return bad_value(err, "cgroup mode", arg, "expected auto, require or off");
		opt->cgroup_mode_explicit = true;
		return PARSE_OK;
	case OPT_CONTROLLERS:
		if (!valid_controller_list(arg))
			return bad_value(err, "controller list", arg, "expected names like io,hugetlb");
		opt->controllers = arg;
		return PARSE_OK;
	case OPT_DELEGATE_TO:
		if (!parse_delegate(arg, opt))
			return bad_value(err, "delegate-to", arg, "expected UID[:GID], numeric");
		if (!opt->layout_needed_by)
			opt->layout_needed_by = "--delegate-to";
		return PARSE_OK;
	case OPT_INIT_NAME: return set_name(&opt->names.init, "init name", arg, err);
	case OPT_SANDBOX_NAME: return set_name(&opt->names.sandbox, "sandbox name", arg, err);
	case OPT_WORKER_NAME: return set_name(&opt->names.worker, "worker name", arg, err);
	case OPT_JOBS_NAME: return set_name(&opt->names.jobs, "jobs name", arg, err);
	case OPT_USER: opt->user = arg; return PARSE_OK;
	case OPT_CAP_DROP: opt->cap_drop = arg; return PARSE_OK;
	case OPT_CAP_KEEP: opt->cap_keep = arg; return PARSE_OK;
	case OPT_NO_NEW_PRIVS: opt->no_new_privs = true; return PARSE_OK;
	case OPT_ALLOW_PRIVILEGE_ESCALATION:
		opt->allow_privilege_escalation = true;
		return PARSE_OK;
	case OPT_CHECK: opt->check = true; return PARSE_OK;
	case OPT_DRY_RUN: opt->dry_run = true; return PARSE_OK;
	case OPT_NO_BROKER: opt->no_broker = true; return PARSE_OK;
	default: return PARSE_ERROR;
	}
}

static const struct long_option *find_long(const char *word, size_t len)
{
	for (const struct long_option *o = long_options; o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, word, len) == 0)
			return o;
	return NULL;
}

/* "--name", "--name=value" or "--name value". */
static enum parse_result parse_long(struct options *opt, int argc, char **argv, int *i,
				    struct cg_err *err)
{
	const char *word = argv[*i] + 2;
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	const struct long_option *o = find_long(word, len);
	if (!o)
		return option_error(err, "unknown option ", argv[*i], "");
	const char *value = NULL;
	if (o->has_arg) {
		if (eq)
			value = eq + 1;
		else if (*i + 1 < argc)
			value = argv[++*i];
		else
			return option_error(err, "option ", argv[*i], " needs a value");
	} else if (eq) {
		return option_error(err, "option ", argv[*i], " takes no value");
	}
	return handle_option(opt, o->val, value, err);
}

/* "-abc", where -p and -e take the rest of the word or the next one. */
static enum parse_result parse_short(struct options *opt, int argc, char **argv, int *i,
				     struct cg_err *err)
{
	const char *word = argv[*i];
	for (const char *c = word + 1; *c; c++) {
		char flag[3] = {'-', *c, '\0'};
		if (!strchr("spgevwlh", *c))
			return option_error(err, "unknown option ", flag, "");
		if (*c != 'p' && *c != 'e') {
			enum parse_result r = handle_option(opt, *c, NULL, err);
			if (r != PARSE_OK)
				return r;
			continue;
		}
		const char *value = c[1] ? c + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		if (!value)
			return option_error(err, "option ", flag, " needs a value");
		return handle_option(opt, *c, value, err);
	}
	return PARSE_OK;
}

/* Options end at "--" or at the first word that is not one, so that
 * `cginit sh -c x` needs no "--" (tini needs one, or POSIXLY_CORRECT). */
static enum parse_result parse_words(struct options *opt, int argc, char **argv, int *next,
				     struct cg_err *err)
{
	int i = 1;
	for (; i < argc; i++) {
		const char *w = argv[i];
		if (strcmp(w, "--") == 0) {
			i++;
			break;
		}
		if (w[0] != '-' || w[1] == '\0')
			break;
		enum parse_result r = w[1] == '-' ? parse_long(opt, argc, argv, &i, err)
						  : parse_short(opt, argc, argv, &i, err);
		if (r != PARSE_OK)
			return r;
	}
	*next = i;
	return PARSE_OK;
}

static bool names_distinct(const struct cg_names *n)
{
	return strcmp(n->init, n->sandbox) != 0 && strcmp(n->worker, n->jobs) != 0;
}

/* Combinations that cannot mean what they say: refused rather than half
 * honoured. */
static bool options_conflict(const struct options *opt, struct cg_err *err)
{
	if (opt->layout_needed_by && opt->cgroup_mode == CGROUP_OFF) {
		cg_error(err, 0, "%s needs the cgroup layout, but the cgroup mode is off "
			 "(--cgroup=off or CGINIT_CGROUP_MODE=off)", opt->layout_needed_by);
		return true;
	}
	if (opt->allow_privilege_escalation && !opt->user) {
		cg_error(err, 0, "--allow-privilege-escalation (or CGINIT_ALLOW_PRIVILEGE_ESCALATION) "
			 "only relaxes --user, and no --user is given");
		return true;
	}
	return false;
}

enum parse_result options_parse(struct options *opt, int argc, char **argv,
				getenv_fn env, struct cg_err *err)
{
	options_defaults(opt);
	if (apply_env(opt, env, err) < 0)
		return PARSE_ERROR;
	int next = 1;
	enum parse_result r = parse_words(opt, argc, argv, &next, err);
	if (r != PARSE_OK)
		return r;
	if (!names_distinct(&opt->names)) {
		cg_error(err, 0, "the init and sandbox names, and the worker and jobs names, must differ");
		return PARSE_ERROR;
	}
	if (options_conflict(opt, err))
		return PARSE_ERROR;
	if (opt->check)
		return PARSE_OK;
	if (next >= argc) {
		cg_error(err, 0, "missing command to run");
		return PARSE_ERROR;
	}
	opt->argv = argv + next;
	return PARSE_OK;
}
