/*
 * The fleet plan file: every org's saved plan (the plan document of
 * specs/plan.schema.json) with the org's name, path and org_id, so that
 * `apply --fleet ROOT --plan FILE` applies exactly what was planned, each
 * org's plan refused on its own when that org's actual state changed.
 *
 *   {"fleet_plan_version": 1, "fleet": ROOT,
 *    "orgs": [{"name": ..., "path": ..., "org_id": ..., "plan": {...}}]}
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd/fleet_run.h"
#include "fleet/fleet.h"
#include "util/fd_write.h"
#include "util/xalloc.h"

#define FLEET_PLAN_VERSION 1

/* Creates path anew (never through a link) with data; 0 or -1 (errno). */
static int write_new(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (fd_write_all(fd, data, len) < 0) {
		close(fd);
		return -1;
	}
	return fsync(fd) == 0 && close(fd) == 0 ? 0 : -1;
}

int fleet_plan_write(const char *path, const char *root, const struct fleet_result *r, size_t n)
{
	json_t *orgs = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *plan = r[i].plan_file && r[i].ran ? json_load_file(r[i].plan_file, 0, NULL) : NULL;
		if (!plan) {
			if (!r[i].removed)
				fprintf(stderr,
					"reconciler plan: org '%s' has no plan in %s: it could not be "
					"planned\n",
					r[i].name, path);
			continue;
		}
		json_array_append_new(orgs, json_pack("{s:s, s:s, s:s?, s:o}", "name", r[i].name, "path",
						      r[i].path, "org_id", r[i].org_id, "plan", plan));
	}
	json_t *top = json_pack("{s:i, s:s, s:o}", "fleet_plan_version", FLEET_PLAN_VERSION, "fleet", root,
				"orgs", orgs);
	char *s = top ? json_dumps(top, JSON_INDENT(1)) : NULL;
	json_decref(top);
	struct strbuf tmp = STRBUF_INIT;
	sb_printf(&tmp, "%s.tmp-%ld", path, (long)getpid());
	int rc = s && write_new(tmp.buf, s, strlen(s)) == 0 && rename(tmp.buf, path) == 0 ? 0 : -1;
	if (rc < 0) {
		fprintf(stderr, "reconciler plan: cannot write the fleet plan %s: %s\n", path,
			strerror(errno));
		unlink(tmp.buf);
	} else {
		fprintf(stderr,
			"Saved the fleet plan to %s: apply it with `reconciler apply --fleet %s "
			"--plan %s`.\n",
			path, root, path);
	}
	sb_release(&tmp);
	free(s);
	return rc;
}

static json_t *read_doc(const char *path, struct diags *d)
{
	struct pos at = { path, 0, 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_error(d, "plan.file", &at, "give a file written by `plan --fleet ROOT --out FILE`",
			   "cannot read the fleet plan: %s", strerror(errno));
		return NULL;
	}
	FILE *f = fdopen(fd, "rb");
	json_error_t err;
	json_t *doc = f ? json_loadf(f, JSON_REJECT_DUPLICATES, &err) : NULL;
	if (f)
		fclose(f);
	else
		close(fd);
	json_t *orgs = doc ? json_object_get(doc, "orgs") : NULL;
	json_t *v = doc ? json_object_get(doc, "fleet_plan_version") : NULL;
	if (!doc || !json_is_integer(v) || json_integer_value(v) != FLEET_PLAN_VERSION ||
	    !json_is_array(orgs)) {
		diag_error(d, "plan.file", &at, "give a file written by `plan --fleet ROOT --out FILE`",
			   "not a fleet plan (version %d)", FLEET_PLAN_VERSION);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* Names become nothing but labels and environment values here, yet are
 * held to what a fleet directory can be called. */
static bool valid_org(const json_t *o)
{
	const char *name = json_string_value(json_object_get(o, "name"));
	const json_t *id = json_object_get(o, "org_id");
	return name && *name && name[0] != '.' && !strchr(name, '/') && strlen(name) < 256 &&
	       json_is_string(json_object_get(o, "path")) &&
	       (!id || json_is_null(id) || json_is_string(id)) && json_is_object(json_object_get(o, "plan"));
}

int fleet_plan_load(const char *path, struct fleet **out, struct diags *d)
{
	struct fleet *f = xcalloc(1, sizeof(*f));
	*out = f;
	json_t *doc = read_doc(path, d);
	if (!doc)
		return -1;
	const char *root = json_string_value(json_object_get(doc, "fleet"));
	f->root = xstrdup(root ? root : "");
	json_t *orgs = json_object_get(doc, "orgs");
	size_t i;
	json_t *o;
	int rc = 0;
	json_array_foreach(orgs, i, o)
	{
		if (!valid_org(o)) {
			struct pos at = { path, 0, 0 };
			diag_error(d, "plan.file", &at,
				   "give a file written by `plan --fleet ROOT --out FILE`",
				   "org %zu of the fleet plan is malformed", i + 1);
			rc = -1;
			continue;
		}
		XGROW(f->orgs, f->cap, f->n + 1);
		struct fleet_org *g = &f->orgs[f->n++];
		memset(g, 0, sizeof(*g));
		g->name = xstrdup(json_string_value(json_object_get(o, "name")));
		g->path = xstrdup(json_string_value(json_object_get(o, "path")));
		const char *id = json_string_value(json_object_get(o, "org_id"));
		g->org_id = id ? xstrdup(id) : NULL;
	}
	json_decref(doc);
	return rc;
}

int fleet_plan_extract(const char *path, const char *name, const char *file)
{
	struct diags d = DIAGS_INIT;
	json_t *doc = read_doc(path, &d);
	diags_free(&d);
	if (!doc)
		return -1;
	size_t i;
	json_t *o;
	int rc = 0;
	json_array_foreach(json_object_get(doc, "orgs"), i, o)
	{
		const char *n = json_string_value(json_object_get(o, "name"));
		if (!n || strcmp(n, name) != 0 || !valid_org(o))
			continue;
		char *s = json_dumps(json_object_get(o, "plan"), 0);
		rc = s && write_new(file, s, strlen(s)) == 0 ? 1 : -1;
		free(s);
		break;
	}
	json_decref(doc);
	return rc;
}
