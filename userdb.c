// SPDX-License-Identifier: MIT
/*
 * The user and group databases, for --user USER[:GROUP]: the uid, the
 * primary and supplementary groups and HOME, from passwd(5) and group(5).
 *
 * They are parsed here rather than through getpwnam(3): the paths are
 * injectable for tests, and a static musl binary has no NSS to consult
 * anyway. privdrop.c turns what this finds into the worker's credentials.
 */
#include "cginit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#define DB_MAX_BYTES (16u << 20)
#define DB_FIELDS 7

/* The whole file, NUL-terminated, in *text (NULL when it does not exist,
 * which is an empty database: a scratch image may have no /etc/passwd). */
static int read_db(const char *path, char **text, struct cg_err *err)
{
	*text = cg_read_all(AT_FDCWD, path, DB_MAX_BYTES);
	if (*text || errno == ENOENT)
		return 0;
	return cg_error(err, errno, "read %s", path);
}

struct db_entry {
	const char *field[DB_FIELDS];
	size_t len[DB_FIELDS];
	size_t n;
};

/* The next entry of a passwd(5) or group(5) text, from *pos on. Comments,
 * blank lines and NIS "+"/"-" lines are skipped. */
static bool next_entry(const char **pos, struct db_entry *e)
{
	while (**pos) {
		const char *line = *pos;
		const char *eol = strchr(line, '\n');
		if (!eol)
			eol = line + strlen(line);
		*pos = *eol ? eol + 1 : eol;
		if (line == eol || *line == '#' || *line == '+' || *line == '-')
			continue;
		e->n = 0;
		const char *f = line;
		for (;;) {
			const char *colon = memchr(f, ':', (size_t)(eol - f));
			const char *end = colon ? colon : eol;
			if (e->n < DB_FIELDS) {
				e->field[e->n] = f;
				e->len[e->n] = (size_t)(end - f);
				e->n++;
			}
			if (!colon)
				break;
			f = colon + 1;
		}
		return true;
	}
	return false;
}

static bool field_is(const struct db_entry *e, size_t i, const char *s, size_t len)
{
	return i < e->n && e->len[i] == len && memcmp(e->field[i], s, len) == 0;
}

/* A uid or gid: decimal digits only, and never (uid_t)-1, which the set*id
 * calls take as "leave unchanged". */
static bool parse_id(const char *s, size_t len, uint32_t *out)
{
	if (len == 0 || len > 10)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v >= UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool entry_id(const struct db_entry *e, size_t i, uint32_t *out)
{
	return i < e->n && parse_id(e->field[i], e->len[i], out);
}

/* Is name in the comma-separated member list of a group entry? */
static bool is_member(const struct db_entry *e, const char *name, size_t len)
{
	if (e->n < 4)
		return false;
	const char *p = e->field[3], *end = p + e->len[3];
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		if ((size_t)(stop - p) == len && memcmp(p, name, len) == 0)
			return true;
		p = stop + 1;
	}
	return false;
}

static int add_group(struct priv_plan *plan, gid_t gid, const char *spec, struct cg_err *err)
{
	for (size_t i = 0; i < plan->ngroups; i++)
		if (plan->groups[i] == gid)
			return 0;
	if (plan->ngroups == PRIV_MAX_GROUPS)
		return cg_error(err, 0, "invalid --user '%s': member of more than %d groups",
				spec, PRIV_MAX_GROUPS);
	plan->groups[plan->ngroups++] = gid;
	return 0;
}

static void set_home(struct priv_plan *plan, const char *home, size_t len)
{
	if (len == 0 || len >= sizeof(plan->home)) {
		home = "/";
		len = 1;
	}
	memcpy(plan->home, home, len);
	plan->home[len] = '\0';
}

/* GROUP of USER:GROUP: a name from the group file, or any number. */
static int resolve_group(const char *group_db, const char *gspec, const char *spec,
			 const struct priv_files *files, gid_t *gid, struct cg_err *err)
{
	uint32_t id;
	size_t len = strlen(gspec);
	if (parse_id(gspec, len, &id)) {
		*gid = (gid_t)id;
		return 0;
	}
	struct db_entry e;
	for (const char *pos = group_db ? group_db : ""; next_entry(&pos, &e);) {
		if (field_is(&e, 0, gspec, len)) {
			if (!entry_id(&e, 2, &id))
				return cg_error(err, 0, "invalid --user '%s': bad entry for group '%s' in %s",
						spec, gspec, files->group);
			*gid = (gid_t)id;
			return 0;
		}
	}
	return cg_error(err, 0, "invalid --user '%s': unknown group '%s' (not in %s)",
			spec, gspec, files->group);
}

/* Fills uid, gid, groups and home from USER[:GROUP], passwd and group.
 * Groups: the primary group first, then, for a user found in passwd and
 * given without GROUP, every group listing it as a member. An explicit
 * GROUP is the only group, as with docker run --user and gosu. */
static int resolve_user(const char *spec, const char *passwd_db, const char *group_db,
			const struct priv_files *files, struct priv_plan *plan, struct cg_err *err)
{
	const char *colon = strchr(spec, ':');
	size_t ulen = colon ? (size_t)(colon - spec) : strlen(spec);
	const char *gspec = colon ? colon + 1 : NULL;
	if (ulen == 0 || (gspec && (!*gspec || strchr(gspec, ':'))))
		return cg_error(err, 0, "invalid --user '%s': expected USER[:GROUP]", spec);

	uint32_t id, uid, gid;
	bool numeric = parse_id(spec, ulen, &id);
	struct db_entry e;
	bool found = false;
	for (const char *pos = passwd_db ? passwd_db : ""; next_entry(&pos, &e);) {
		if (numeric ? entry_id(&e, 2, &uid) && uid == id : field_is(&e, 0, spec, ulen)) {
			found = true;
			break;
		}
	}
	const char *name = NULL;
	size_t name_len = 0;
	if (found) {
		if (!entry_id(&e, 2, &uid) || !entry_id(&e, 3, &gid))
			return cg_error(err, 0, "invalid --user '%s': bad entry for '%.*s' in %s",
					spec, (int)e.len[0], e.field[0], files->passwd);
		name = e.field[0];
		name_len = e.len[0];
		set_home(plan, e.n > 5 ? e.field[5] : "", e.n > 5 ? e.len[5] : 0);
	} else if (numeric) {
		/* A uid with no entry: its own gid, no other group, HOME=/. */
		uid = gid = id;
		set_home(plan, "/", 1);
	} else {
		return cg_error(err, 0, "invalid --user '%s': unknown user '%.*s' (not in %s)",
				spec, (int)ulen, spec, files->passwd);
	}
	plan->uid = (uid_t)uid;
	plan->gid = (gid_t)gid;
	if (gspec)
		return resolve_group(group_db, gspec, spec, files, &plan->gid, err) < 0 ? -1 :
			add_group(plan, plan->gid, spec, err);
	if (add_group(plan, plan->gid, spec, err) < 0)
		return -1;
	if (!name)
		return 0;
	for (const char *pos = group_db ? group_db : ""; next_entry(&pos, &e);) {
		if (is_member(&e, name, name_len) && entry_id(&e, 2, &gid) &&
		    add_group(plan, (gid_t)gid, spec, err) < 0)
			return -1;
	}
	return 0;
}

int priv_resolve_user(const char *spec, const struct priv_files *files,
		      struct priv_plan *plan, struct cg_err *err)
{
	plan->change_user = false;
	plan->ngroups = 0;
	plan->home[0] = '\0';
	char *passwd_db, *group_db = NULL;
	if (read_db(files->passwd, &passwd_db, err) < 0)
		return -1;
	int rc = read_db(files->group, &group_db, err);
	if (rc == 0)
		rc = resolve_user(spec, passwd_db, group_db, files, plan, err);
	free(passwd_db);
	free(group_db);
	plan->change_user = rc == 0;
	return rc;
}
