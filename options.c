// SPDX-License-Identifier: MIT
/*
 * Command line and environment. Where tini has a flag or a variable, cginit
 * takes tini's spelling with tini's meaning, so that `docker run --init
 * --init-path=cginit` and existing Dockerfiles keep working.
 *
 * The parsers of single values (signals, exit codes, durations) are in
 * values.c, and the texts cginit prints (--help, --license, --version) in
 * usage.c.
 */
#include "cginit.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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
	case 'l': usage_license(STDOUT_FILENO); return PARSE_EXIT_OK;
	case 'h': usage(STDOUT_FILENO); return PARSE_EXIT_OK;
	case OPT_VERSION: usage_version(STDOUT_FILENO); return PARSE_EXIT_OK;
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
