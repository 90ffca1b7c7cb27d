// SPDX-License-Identifier: MIT
/*
 * What cginit says about itself: --help, the synopsis after a command-line
 * error, --license and --version. The texts are kept apart from options.c
 * so that the parser reads as a parser; tests/examples/check.sh holds
 * --help to every option of options.c's table.
 */
#include "cginit.h"

#include <errno.h>
#include <string.h>
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

void usage(int fd)
{
	cg_write_all(fd, usage_text);
}

/* After an error: the synopsis only, so the error stays on screen. */
void usage_short(int fd)
{
	cg_write_all(fd, "Usage: cginit [options] [--] command [args...]\n"
		         "See 'cginit --help'.\n");
}

void usage_license(int fd)
{
	cg_write_all(fd, license_text);
}

void usage_version(int fd)
{
	cg_write_all(fd, "cginit version " CGINIT_VERSION " - git." CGINIT_GIT "\n");
}
