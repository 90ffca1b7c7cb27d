// SPDX-License-Identifier: MIT
/*
 * The values of single options: signals by name or number (-p, and
 * kill(1)'s RTMIN+n), exit codes (-e) and durations (--grace), and the
 * bounded decimal parser options.c checks the other numbers with. Kept
 * apart from the command line so that fuzz_values can reach them alone.
 */
#include "cginit.h"

#include <ctype.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

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

long parse_bounded(const char *text, long min, long max)
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
