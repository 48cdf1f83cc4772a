/*
 * reconciler import: adopt the destination accounts an organization
 * already has. Observes the backend and writes one configuration file per
 * account (import/emit.h), which validates and plans to "No changes." on
 * the same backend.
 *
 * It never overwrites a file without --force: when any file it would
 * write exists, it names them and writes nothing at all, so a half-import
 * never mixes with what was there.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/groups.h"
#include "reconcile/pipeline.h"
#include "import/emit.h"
#include "util/clock.h"
#include "util/hmap.h"
#include "util/safefile.h"
#include "util/text.h"
#include "util/xalloc.h"

struct import_args {
	struct pipeline_options po;
	const char *out_dir;
	bool force;
};

static int set_out_dir(const char *cmd, const struct opt *o, const char *value, void *field)
{
	if (!*value) {
		fprintf(stderr, "reconciler import: --out needs a directory\n");
		return -1;
	}
	*(const char **)field = value;
	return 0;
}

static const struct opt import_options[] = {
	OPT_INCLUDE(opt_backend, offsetof(struct import_args, po)),
	OPT_CALLBACK('o', "out", "DIR", offsetof(struct import_args, out_dir), set_out_dir,
		     "where the files go (default \".\"; created when missing)"),
	OPT_FLAG(0, "force", offsetof(struct import_args, force), "overwrite files that exist"),
	OPT_END(),
};

static void import_init(void *args)
{
	((struct import_args *)args)->out_dir = ".";
}

static int import_check(void *args, const struct opt_operands *rest)
{
	if (!rest->n)
		return 0;
	fprintf(stderr, "reconciler import: unexpected argument '%s' (the files go to --out DIR)\n",
		rest->v[0]);
	return -1;
}

/* One file to write. */
struct target {
	const struct account *account;
	char *path;
};

/* File names from account names; a name already taken gets -2, -3, ...
 * (names are unique folded, but not once reduced to file-name letters). */
static struct target *plan_files(const struct state *s, const char *dir)
{
	struct target *t = xcalloc(s->n_accounts + 1, sizeof(*t));
	struct hmap used = HMAP_INIT;
	struct arena keys = ARENA_INIT;
	struct strbuf name = STRBUF_INIT, path = STRBUF_INIT;
	for (size_t i = 0; i < s->n_accounts; i++) {
		sb_reset(&name);
		emit_file_name(&name, s->accounts[i]->name.v);
		if (hmap_get(&used, name.buf)) {
			char *stem = arena_strndup(&keys, name.buf, name.len - strlen(".yaml"));
			for (unsigned k = 2; hmap_get(&used, name.buf); k++) {
				sb_reset(&name);
				sb_printf(&name, "%s-%u.yaml", stem, k);
			}
		}
		hmap_put(&used, arena_strdup(&keys, name.buf), (void *)1, NULL);
		sb_reset(&path);
		sb_printf(&path, "%s/%s", dir, name.buf);
		t[i].account = s->accounts[i];
		t[i].path = sb_detach(&path);
	}
	hmap_free(&used);
	arena_free(&keys);
	sb_release(&name);
	return t;
}

static void free_targets(struct target *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++)
		free(t[i].path);
	free(t);
}

/* Creates dir and its parents. */
static int make_dirs(const char *dir, struct diags *d)
{
	char *p = xstrdup(dir);
	int rc = 0;
	for (char *c = p + 1; rc == 0; c++) {
		bool end = *c == '\0';
		if (*c == '/' || end) {
			*c = '\0';
			if (mkdir(p, 0777) < 0 && errno != EEXIST) {
				diag_error(d, "import", NULL, "choose another --out directory",
					   "cannot create the directory %s: %s", p, strerror(errno));
				rc = -1;
			}
			if (end)
				break;
			*c = '/';
		}
	}
	free(p);
	return rc;
}

/* Written to a new temporary file beside the target and renamed over it: a
 * reader never sees half a file, and a link planted under the temporary
 * name is never opened. A target that is a link is refused, --force or not:
 * the files go inside --out, never where a link points. Account data: 0600. */
static int write_file(const char *path, const struct strbuf *sb, struct diags *d)
{
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		diag_error(d, "import", NULL, "remove the link, or choose another --out directory",
			   "%s is a symbolic link: not followed, nothing written there", path);
		return -1;
	}
	if (safefile_replace(path, sb->buf, sb->len, SAFEFILE_PRIVATE) == 0)
		return 0;
	diag_error(d, "import", NULL, "check the directory's permissions and free space",
		   "cannot write %s: %s", path, strerror(errno));
	return -1;
}

static void header(struct strbuf *h, const struct pipeline *pl, const struct account *a)
{
	char today[16];
	date_format(clock_today(), today);
	sb_reset(h);
	sb_printf(h,
		  "Imported by `reconciler import` from %s on %s\n"
		  "(integration connection %s, distribution manager %s).\n"
		  "precision is not readable through the API (LiveRamp support sets it): declare it\n"
		  "to have it checked against the destination's rules.",
		  pl->backend->spec, today, a->connection_id ? a->connection_id : "?",
		  a->manager_id ? a->manager_id : "?");
}

/* Without --force, refuses when any target exists, naming each. */
static int check_free(const struct target *t, size_t n, struct diags *d)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (lstat(t[i].path, &st) == 0) {
			diag_error(d, "import", NULL,
				   "move it away, choose another --out directory, or pass --force",
				   "%s already exists: nothing was written", t[i].path);
			rc = -1;
		}
	}
	return rc;
}

static int write_all_files(const struct pipeline *pl, const struct target *t, size_t n, struct diags *d)
{
	struct strbuf doc = STRBUF_INIT, h = STRBUF_INIT;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		sb_reset(&doc);
		header(&h, pl, t[i].account);
		emit_account_file(&doc, t[i].account, pl->actual, pl->profile, h.buf);
		rc = write_file(t[i].path, &doc, d);
		if (rc == 0)
			printf("  wrote %s (%zu segment%s)\n", t[i].path, t[i].account->n_segments,
			       t[i].account->n_segments == 1 ? "" : "s");
	}
	sb_release(&doc);
	sb_release(&h);
	return rc;
}

/* An organization with no account still gets DIR and one file, declaring
 * none: import then plan round-trips for every org, the empty one too. */
static int import_empty(const struct pipeline *pl, const struct import_args *a, struct diags *d)
{
	struct target t = { 0 };
	struct strbuf path = STRBUF_INIT, doc = STRBUF_INIT, h = STRBUF_INIT;
	sb_printf(&path, "%s/%s", a->out_dir, EMIT_EMPTY_FILE_NAME);
	t.path = path.buf;
	char today[16];
	date_format(clock_today(), today);
	sb_printf(&h, "Imported by `reconciler import` from %s on %s: it has no %s account.",
		  pl->backend->spec, today, pl->profile->destination_name);
	emit_empty_file(&doc, h.buf);
	int rc = EXIT_ERROR;
	if ((a->force || check_free(&t, 1, d) == 0) && make_dirs(a->out_dir, d) == 0 &&
	    write_file(t.path, &doc, d) == 0) {
		printf("No %s accounts found in %s: wrote %s, which declares none.\n",
		       pl->profile->destination_name, pl->backend->spec, t.path);
		printf("\nNext: `reconciler plan %s`: it shows no changes.\n", a->out_dir);
		rc = EXIT_OK;
	}
	sb_release(&path);
	sb_release(&doc);
	sb_release(&h);
	return rc;
}

static int import_run(void *args)
{
	const struct import_args a = *(const struct import_args *)args;
	struct diags d = DIAGS_INIT;
	struct pipeline pl;
	memset(&pl, 0, sizeof(pl));
	struct target *t = NULL;
	size_t n = 0;
	int rc = EXIT_ERROR;
	if (profile_load(&pl.profile, a.po.profile ? a.po.profile : DEFAULT_PROFILE, &d) < 0 ||
	    pipeline_observe(&pl, &a.po, NULL, &d) < 0)
		goto out;
	n = pl.actual->n_accounts;
	if (n == 0) {
		rc = import_empty(&pl, &a, &d);
		goto out;
	}
	t = plan_files(pl.actual, a.out_dir);
	if ((!a.force && check_free(t, n, &d) < 0) || make_dirs(a.out_dir, &d) < 0)
		goto out;
	printf("Importing %zu account%s from %s into %s:\n", n, n == 1 ? "" : "s", pl.backend->spec,
	       a.out_dir);
	if (write_all_files(&pl, t, n, &d) < 0)
		goto out;
	printf("\nNext: `reconciler validate %s`, then `reconciler plan %s`: it shows no changes.\n",
	       a.out_dir, a.out_dir);
	rc = EXIT_OK;
out:
	if (d.n)
		print_diags(&d);
	free_targets(t, n);
	pipeline_free(&pl);
	diags_free(&d);
	return rc;
}

const struct command_ops import_ops = { import_options, sizeof(struct import_args),
					import_init,	import_check,
					import_run,	NULL };
