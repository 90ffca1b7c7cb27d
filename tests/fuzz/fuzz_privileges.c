// SPDX-License-Identifier: MIT
/* Capability lists and USER[:GROUP] specs. The input is split at the first
 * NUL: a capability list, then a user spec resolved against small passwd
 * and group files written once at start-up. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct priv_files files;

static void write_db(char *path, size_t len, const char *name, const char *text)
{
	snprintf(path, len, "/tmp/cginit-fuzz-%s-%d", name, (int)getpid());
	FILE *fp = fopen(path, "w");
	if (!fp)
		abort();
	fputs(text, fp);
	fclose(fp);
}

static void setup_files(void)
{
	static char passwd[64], group[64];
	if (files.passwd)
		return;
	write_db(passwd, sizeof(passwd), "passwd",
		 "root:x:0:0:root:/root:/bin/sh\nworker:x:1000:1000::/home/worker:/bin/sh\n"
		 "odd:x:4294967295:1::/:\nbroken:x:abc\n:x:5:5::/:\n");
	write_db(group, sizeof(group), "group",
		 "root:x:0:\nworker:x:1000:\naudio:x:29:worker,odd\nbig:x:70000:"
		 "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,worker\n");
	files.passwd = passwd;
	files.group = group;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup_files();
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	const char *caps = text;
	const char *user = text + strlen(text);
	if (user < text + size)
		user++;
	uint64_t mask = 0;
	struct cg_err err = {0};
	if (priv_parse_caps(caps, "--cap-drop", &mask, &err) == 0 && *caps == '\0' && mask)
		abort(); /* an empty list selects nothing */
	struct priv_plan plan;
	memset(&plan, 0, sizeof(plan));
	err = (struct cg_err){0};
	if (priv_resolve_user(user, &files, &plan, &err) == 0 &&
	    (plan.ngroups > PRIV_MAX_GROUPS || strlen(plan.home) >= sizeof(plan.home)))
		abort();
	free(text);
	return 0;
}
