/* SPDX-License-Identifier: MIT */
/*
 * Jobs with a verdict: the runner (`cginit --job`, job.c), the broker that
 * PID 1 runs for it (broker.c), and the few lines they say to each other
 * (jobproto.c).
 *
 * The protocol, version 1. The broker listens on an abstract AF_UNIX
 * SOCK_SEQPACKET socket named in the worker's CGINIT_BROKER ("@name"). A
 * client sends one message of at most JOB_MSG_MAX bytes:
 *
 *     cginit-job 1\n
 *     memory.max 256M\n        each of the three at most once, any order;
 *     pids.max 64\n            a missing one stays "max"
 *     cpu.max 50000 100000\n
 *     wall-limit-ms 5000\n     the broker kills the job 1 s after this,
 *                              should its runner not have (a job with the
 *                              runner's uid can SIGSTOP the runner)
 *     time-limit-ms 2000\n     the same for CPU time: the broker kills the
 *                              job once cpu.stat shows 1 s more than this
 *
 * The broker answers "ok NAME\n" with the job cgroup's directory fd in
 * SCM_RIGHTS, or "error ERRNO TEXT\n". The job lives while the connection
 * does: the client sends "release\n" once its job is over and gets
 * "released\n" when the cgroup is gone; a connection that closes first gets
 * its cgroup killed and removed all the same. A client that could rmdir
 * the emptied cgroup itself (jobs/ is the delegatee's) just hangs up.
 */
#ifndef JOB_H
#define JOB_H

#include "cgjob.h"

#include <sys/socket.h>

#define JOB_PROTO_VERSION 1
#define JOB_MSG_MAX 512

/* What a runner asks the broker for. */
struct job_request {
	struct cg_limits lim;  /* memory_max, pids_max, cpu_max */
	int wall_limit_ms;     /* 0: none */
	int time_limit_ms;     /* CPU time; 0: none */
};

/* The request, NUL-terminated; its length, or -1 if it does not fit
 * (cannot happen for valid limits). */
int jobproto_format_request(const struct job_request *req, char *buf, size_t cap);
/* Parses msg[0..len) in place: the values in req->lim point into msg. -1
 * with *err saying why for anything but a well-formed request of valid
 * values. */
int jobproto_parse_request(char *msg, size_t len, struct job_request *req, struct cg_err *err);
/* "ok NAME": 0 with NAME in name; "error N TEXT": -1 with *err holding
 * TEXT and errno N; anything else -1 (EPROTO). */
int jobproto_parse_reply(char *msg, size_t len, char *name, size_t name_cap,
			 struct cg_err *err);

/* ---- the verdict (verdict.c) ---- */

enum job_status {
	JOB_ACCEPTED = 0,
	JOB_NONZERO_EXIT,
	JOB_SIGNALLED,
	JOB_MEMORY_LIMIT,
	JOB_TIME_LIMIT,
	JOB_INTERNAL_ERROR,
};

#define JOB_VERDICT_VERSION 1

struct job_verdict {
	enum job_status status;
	int exit_code;           /* -1 when signalled or never started */
	int signal;              /* 0 unless signalled */
	const char *limit_hit;   /* "cpu" or "wall" for JOB_TIME_LIMIT */
	uint64_t wall_ms;
	struct cg_job_stats st;
	uint64_t memory_peak;
	const char *memory_peak_source; /* "memory.peak" or "maxrss" */
	const struct cg_limits *lim;
	int time_limit_ms, wall_limit_ms; /* 0: none */
	const char *limits_set_by; /* "broker" or "worker" */
	const char *cgroup;        /* the job's cgroup, or NULL */
	const char *error;         /* internal error, or NULL */
};

const char *job_status_name(enum job_status s);
/* One JSON object and a newline (the schema is in cginit.1, JOBS); the
 * length, or -1 if cap is too small. */
int job_verdict_json(const struct job_verdict *v, char *buf, size_t cap);
/* The human line for stderr, "cginit job: accepted: ...\n". */
int job_verdict_line(const struct job_verdict *v, char *buf, size_t cap);

/* `cginit --job ...` and `cginit-job ...`: argv without "--job". */
int job_main(int argc, char **argv);

/* ---- the broker (broker.c) ---- */

#define BROKER_CLIENTS 32       /* connections at once */
#define BROKER_REQUEST_MS 2000  /* to send the request after connecting */
#define BROKER_WALL_GRACE_MS 1000 /* after wall-limit-ms, for the runner to act */
#define BROKER_CPU_GRACE_MS 1000  /* of CPU time after time-limit-ms, the same */

struct broker_config {
	int jobs_fd;           /* the layout's jobs/ */
	const char *jobs_path;
	uid_t allowed_uid;     /* besides root: the worker's uid */
};

enum client_state { CLIENT_FREE = 0, CLIENT_ASKING, CLIENT_HOLDING };

struct client {
	enum client_state state;
	int fd;
	/* While asking: by when the request must come. While holding: when
	 * the broker kills the job past its wall-limit-ms (0: never). */
	uint64_t deadline_ms;
	/* While holding, with time-limit-ms: the CPU time past which the
	 * broker kills the job (0: none), and when it looks at cpu.stat. */
	uint64_t cpu_limit_usec, cpu_check_ms;
	struct ucred cred;
	struct cg_job job;    /* while holding */
};

/* All of the broker's state, static: it allocates nothing that outlives
 * a step. */
struct broker {
	const struct broker_config *cfg;
	struct cg_sys sys;
	int listen_fd;
	unsigned long seq;
	unsigned ncpus;        /* how fast a job can use CPU time */
	struct client clients[BROKER_CLIENTS];
};

/* Binds and listens on a fresh abstract "@cginit-broker-…" name, written
 * to address; the fd, or -1 having said why. */
int broker_listen(char *address, size_t cap);
void broker_init(struct broker *b, const struct broker_config *cfg, const struct cg_sys *sys,
		 int listen_fd);
/* One round: waits (at most timeout_cap_ms, -1 for as long as no request
 * is due) and serves what is ready. -1 if poll itself fails. */
int broker_step(struct broker *b, int timeout_cap_ms);
/* Forks the broker on listen_fd (from broker_listen), a root child that
 * PID 1 keeps until its end, and closes listen_fd here. -1 having said
 * why; nothing is left running then. */
int broker_start(const struct broker_config *cfg, int listen_fd, pid_t *pid);
/* A connected socket to the broker at "@name"; -1 with *err. */
int broker_socket_connect(const char *address, struct cg_err *err);

#endif
