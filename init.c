// SPDX-License-Identifier: MIT
/*
 * cginit: orchestration. Parse the command line, block signals, bootstrap
 * the cgroup layout (through the cgroup code, which owns every cgroup write),
 * start the job broker as PID 1 (broker.c),
 * start the worker (through reaper.c), and exit with its status.
 */
#include "cginit.h"

#include "job.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WORKER_ENV_MAX 5

struct run {
	struct options opt;
	struct priv_plan priv;
	/* What the worker gets on top of cginit's environment. */
	char *env[WORKER_ENV_MAX + 1];
	size_t n_env;
	struct cg_sys sys;
	struct cg_layout layout;
	bool have_layout;
	pid_t worker; /* 0 until spawned */
	pid_t broker; /* 0 unless started */
	int broker_listen_fd; /* its socket until it starts, else -1 */
};

/* What the child does between fork and exec. */
static int before_exec(void *ctx, bool in_cgroup)
{
	struct run *run = ctx;
	if (run->have_layout && !in_cgroup && cg_enter(&run->sys, run->layout.worker_fd,
							     run->layout.worker_path) < 0)
		return -1;
	/* Last: the cgroup move above may need privileges dropped here. The
	 * child says itself why it cannot go on: no one else will. */
	struct cg_err err = {0};
	if (priv_apply(&run->priv, &err) < 0) {
		cg_err_wrap(&err, "cannot start %s", run->opt.argv[0]);
		cg_err_print(&err, LOG_ERROR);
		return -1;
	}
	return 0;
}

static int kill_sandbox(void *ctx)
{
	struct run *run = ctx;
	int rc = cg_kill_tree(&run->sys, run->layout.sandbox_fd, run->layout.sandbox_path);
	/* And the worker's process group, whatever the sweep managed: a
	 * kernel without cgroup.kill leaves a window between a walk's read
	 * and its kill. The group's number cannot have been reused: a reaped
	 * leader's pid stays taken while any member of its group lives. */
	if (run->worker > 0)
		kill(-run->worker, SIGKILL);
	/* The broker last: no job cgroup is asked for while this runs. */
	if (run->broker > 0)
		kill(run->broker, SIGKILL);
	return rc;
}

/* --cgroup=require, or an option that only the layout can honour (a
 * limit, --delegate-to): no layout is then fatal. */
static bool layout_required(const struct options *opt)
{
	return opt->cgroup_mode == CGROUP_REQUIRE || opt->layout_needed_by;
}

static bool should_bootstrap(const struct options *opt, bool pid1)
{
	/* As a subreaper, C is likely someone else's cgroup: only touch it
	 * when asked to in so many words. options_parse refused off with
	 * an option that needs the layout. */
	if (opt->cgroup_mode == CGROUP_OFF)
		return false;
	return layout_required(opt) || pid1;
}

static void cgroup_config(const struct options *opt, const struct priv_plan *priv,
			  struct cg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->names = &opt->names;
	cfg->jobs_limits = &opt->jobs_limits;
	cfg->sandbox_limits = &opt->sandbox_limits;
	cfg->extra_controllers = opt->controllers;
	if (opt->delegate) {
		cfg->delegate = true;
		cfg->uid = opt->delegate_uid;
		cfg->gid = opt->delegate_gid;
	} else if (priv && priv->change_user) {
		/* An unprivileged worker must own its sandbox to use it. */
		cfg->delegate = true;
		cfg->uid = priv->uid;
		cfg->gid = priv->gid;
	}
}

/* Adds NAME=value to the worker's environment. */
static int worker_env(struct run *run, const char *name, const char *value)
{
	static char storage[WORKER_ENV_MAX][CG_PATH_MAX + 32];
	if (run->n_env >= WORKER_ENV_MAX)
		return cg_error(NULL, E2BIG, "worker environment: %s", name);
	char *slot = storage[run->n_env];
	if ((size_t)cg_fmt(slot, sizeof(storage[0]), "%s=%s", name, value) >= sizeof(storage[0]))
		return cg_error(NULL, ENAMETOOLONG, "worker environment: %s", name);
	run->env[run->n_env++] = slot;
	return 0;
}

static int export_layout(struct run *run)
{
	if (worker_env(run, "CGINIT_CGROUP", run->layout.c_path) < 0 ||
	    worker_env(run, "CGINIT_SANDBOX", run->layout.jobs_path) < 0)
		return -1;
	return 0;
}

/* As PID 1 with a layout: the root broker that makes job cgroups whose
 * limits the worker's uid cannot lift (job.h). Only as PID 1, whose end
 * ends the broker with the namespace; without a broker a runner makes
 * its own cgroups and says so. Its socket is bound now, so that its name
 * is in the worker's environment; the broker itself starts after the
 * worker (start_broker), so that its start-up does not delay the
 * worker's on a one-CPU container, and a runner that connects first
 * waits in the listen backlog. A broker that cannot be had is a warning:
 * runners that require one refuse, the rest say so in their verdict. */
static int prepare_broker(struct run *run, bool pid1)
{
	if (!pid1 || !run->have_layout || run->opt.no_broker)
		return 0;
	char address[64];
	run->broker_listen_fd = broker_listen(address, sizeof(address));
	if (run->broker_listen_fd < 0) {
		cg_log(LOG_WARN, "no job broker: runners make their own job cgroups");
		return 0;
	}
	return worker_env(run, "CGINIT_BROKER", address);
}

static void start_broker(struct run *run)
{
	static struct broker_config cfg;
	if (run->broker_listen_fd < 0)
		return;
	cfg.jobs_fd = run->layout.jobs_fd;
	cfg.jobs_path = run->layout.jobs_path;
	cfg.allowed_uid = run->priv.change_user ? run->priv.uid
			: run->opt.delegate ? run->opt.delegate_uid : 0;
	if (broker_start(&cfg, run->broker_listen_fd, &run->broker) < 0)
		cg_log(LOG_WARN, "no job broker: runners asking for one will fail");
	run->broker_listen_fd = -1;
}

/* Returns 0 to go on (with or without a layout), -1 to exit 125. */
static int bootstrap_cgroups(struct run *run, bool pid1)
{
	struct cg_err err = {0};
	struct cg_probe probe;
	struct cg_config cfg;
	if (!should_bootstrap(&run->opt, pid1))
		return 0;
	cgroup_config(&run->opt, &run->priv, &cfg);
	bool probed = cg_probe(&run->sys, &probe, &err) == 0;
	if (probed && cg_bootstrap(&run->sys, &probe, &cfg, &run->layout, &err) == 0) {
		run->have_layout = true;
		cg_log(LOG_INFO, "cgroup layout ready in %s: %u processes moved to %s/, "
		       "controllers %s", run->layout.c_path, run->layout.moved,
		       run->opt.names.init, run->layout.controllers);
		return export_layout(run);
	}
	/* Fail closed: a limit asked for is never silently dropped. */
	if (run->opt.layout_needed_by && run->opt.cgroup_mode != CGROUP_REQUIRE)
		cg_err_wrap(&err, "%s needs the cgroup layout, which cannot be made",
			    run->opt.layout_needed_by);
	if (layout_required(&run->opt)) {
		cg_err_print(&err, LOG_ERROR);
		return -1;
	}
	/* auto, as a drop-in for tini: where there is no writable cgroup v2
	 * at all (docker run --init, any unprivileged container), a plain
	 * init without a word; where a layout was possible and failed, one
	 * line that says why. */
	bool nothing_to_do = probed && cg_nothing_to_bootstrap(&probe);
	cg_log(nothing_to_do ? LOG_INFO : LOG_WARN, "no cgroup layout, running as a plain init: %s",
	       err.msg);
	return 0;
}

static int run_check(const struct run *run)
{
	struct cg_config cfg;
	cgroup_config(&run->opt, NULL, &cfg);
	return cg_check(&run->sys, &cfg, reaper_clone3_available(), STDOUT_FILENO);
}

/* Keeps 0, 1, 2 and the layout's own directories. */
static void close_inherited_fds(const struct run *run)
{
	const struct cg_layout *l = &run->layout;
	const int keep[] = {l->c_fd, l->init_fd, l->sandbox_fd, l->worker_fd, l->jobs_fd};
	cg_close_fds_except("/proc", keep, sizeof(keep) / sizeof(keep[0]));
}

static int final_exit_code(const struct options *opt, int status)
{
	int code = exit_code_from_status(status);
	return opt->remap[code & 0xff] ? 0 : code;
}

/* With --user, HOME becomes the user's home, as with gosu, when it is
 * unset or still root's: runc and Docker set HOME=/root for uid 0 before
 * cginit runs, and a worker must not write its dotfiles there. A HOME
 * set to anything else was chosen on purpose and stays. */
static bool needs_home(const char *user_home)
{
	const char *home = getenv("HOME");
	return user_home[0] && (!home || strcmp(home, "/root") == 0);
}

static int run_worker(struct run *run, const sigset_t *inherited, bool pid1)
{
	if (run->priv.change_user && needs_home(run->priv.home) &&
	    worker_env(run, "HOME", run->priv.home) < 0)
		return EXIT_CGINIT_FAILURE;
	struct spawn_hooks hooks = {
		.cgroup_fd = run->have_layout ? run->layout.worker_fd : -1,
		.env = run->env,
		.before_exec = before_exec,
		.ctx = run,
	};
	pid_t worker = reaper_spawn(run->opt.argv, inherited, &hooks);
	if (worker < 0)
		return EXIT_CGINIT_FAILURE;
	run->worker = worker;
	start_broker(run);
	/* Pin no mount: the worker keeps its cwd, cginit does not need one;
	 * nor the pipes, sockets and files it inherited, which the worker
	 * has now: their other ends would never see an EOF of ours. */
	if (chdir("/") < 0)
		cg_error(NULL, errno, "chdir /");
	close_inherited_fds(run);
	if (pid1)
		priv_protect_self_from_oom("/proc");
	struct cg_err err = {0};
	if (priv_limit_self(&err) < 0)
		cg_log(LOG_WARN, "cannot drop cginit's own capabilities, going on: %s", err.msg);
	struct reaper_config rc = {
		.kill_process_group = run->opt.kill_process_group,
		.warn_on_reap = run->opt.warn_on_reap,
		.subreaper_mode = !pid1,
		.grace_ms = run->opt.grace_ms,
		.kill_sandbox = run->have_layout ? kill_sandbox : NULL,
		.kill_ctx = run,
		.proc_root = "/proc",
	};
	int status = reaper_loop(worker, &rc);
	reaper_finish(worker, &rc);
	return final_exit_code(&run->opt, status);
}

int main(int argc, char **argv)
{
	/* The job runner: a leading --job, which no command line of cginit
	 * or tini ever had, so `cginit CMD` still runs CMD; or a link named
	 * cginit-job. */
	if (argc > 1 && strcmp(argv[1], "--job") == 0)
		return job_main(argc - 1, argv + 1);
	const char *base = strrchr(argv[0], '/');
	if (strcmp(base ? base + 1 : argv[0], "cginit-job") == 0)
		return job_main(argc, argv);
	static struct run run;
	run.broker_listen_fd = -1;
	cg_sys_default(&run.sys);
	cg_layout_init(&run.layout);
	struct cg_err err = {0};
	switch (options_parse(&run.opt, argc, argv, getenv, &err)) {
	case PARSE_OK: break;
	case PARSE_EXIT_OK: return 0;
	default:
		/* The error, then the synopsis, so that the error stays on
		 * screen. */
		cg_err_print(&err, LOG_ERROR);
		usage_short(STDERR_FILENO);
		return EXIT_CGINIT_FAILURE;
	}
	cg_verbosity = run.opt.verbosity;
	if (run.opt.check)
		return run_check(&run);
	static const struct priv_files files = {"/etc/passwd", "/etc/group"};
	if (priv_prepare(&run.opt, &files, &run.priv, &err) < 0) {
		cg_err_print(&err, LOG_ERROR);
		return EXIT_CGINIT_FAILURE;
	}
	if (run.opt.dry_run) {
		cg_log(LOG_INFO, "dry run: the options are valid; nothing started");
		return 0;
	}

	sigset_t inherited;
	if (reaper_block_signals(&inherited) < 0)
		return EXIT_CGINIT_FAILURE;
	bool pid1 = getpid() == 1;
	/* Not PID 1: orphans would go to the real init, not to us. */
	if ((!pid1 || run.opt.subreaper) && reaper_become_subreaper() < 0)
		return EXIT_CGINIT_FAILURE;
	if (run.opt.pdeathsig && reaper_set_pdeathsig(run.opt.pdeathsig) < 0)
		return EXIT_CGINIT_FAILURE;
	if (bootstrap_cgroups(&run, pid1) < 0 || prepare_broker(&run, pid1) < 0)
		return EXIT_CGINIT_FAILURE;
	int code = run_worker(&run, &inherited, pid1);
	cg_layout_close(&run.layout);
	return code;
}
