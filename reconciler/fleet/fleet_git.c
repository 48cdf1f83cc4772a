/*
 * The git side of a fleet: the org directories and their configuration
 * files in the tree of a ref, with blob ids, so that a pull request's
 * affected orgs are found by comparing ids rather than by loading YAML.
 */
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "desired/load.h"
#include "fleet/fleet_private.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

void fleet_free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void fleet_files_free(struct fleet_files *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].path);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fleet_file *)a)->path, ((const struct fleet_file *)b)->path);
}

/* The tree at rel (repository path, "" for the root) in ref's commit, or
 * NULL in *out when rel is no directory there. -1 only for a bad ref. */
static int tree_at(struct gitsrc *g, const char *ref, const char *rel, git_tree **out, struct diags *d)
{
	*out = NULL;
	char hex[GITSRC_HEX];
	git_tree *root = NULL;
	if (gitsrc_resolve_tree(g, ref, hex, &root, d) < 0)
		return -1;
	if (!*rel) {
		*out = root;
		return 0;
	}
	git_tree_entry *e = NULL;
	if (git_tree_entry_bypath(&e, root, rel) == 0 && git_tree_entry_type(e) == GIT_OBJECT_TREE)
		git_tree_lookup(out, gitsrc_repo(g), git_tree_entry_id(e));
	git_tree_entry_free(e);
	git_tree_free(root);
	return 0;
}

static int repo_rel(struct gitsrc *g, const char *path, struct strbuf *rel, struct diags *d)
{
	if (gitsrc_repo_path(g, path, rel) == 0)
		return 0;
	struct pos at = { path, 0, 0 };
	diag_error(d, "fleet.root", &at, "give a path inside the repository",
		   "'%s' is outside the repository", path);
	return -1;
}

/* tree_at() for dir, a path as given on the command line. */
static int dir_tree(struct gitsrc *g, const char *ref, const char *dir, git_tree **out, struct diags *d)
{
	*out = NULL;
	struct strbuf rel = STRBUF_INIT;
	int rc = repo_rel(g, dir, &rel, d);
	if (rc == 0)
		rc = tree_at(g, ref, rel.buf ? rel.buf : "", out, d);
	sb_release(&rel);
	return rc;
}

int fleet_git_dirs(struct gitsrc *g, const char *ref, const char *root, char ***names, size_t *n,
		   bool *exists, struct diags *d)
{
	*names = NULL;
	*n = 0;
	*exists = false;
	git_tree *t = NULL;
	int rc = dir_tree(g, ref, root, &t, d);
	if (rc < 0 || !t)
		return rc;
	*exists = true;
	size_t count = git_tree_entrycount(t), k = 0;
	char **v = xcalloc(count + 1, sizeof(*v));
	for (size_t i = 0; i < count; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		if (git_tree_entry_name(e)[0] != '.' && git_tree_entry_type(e) == GIT_OBJECT_TREE)
			v[k++] = xstrdup(git_tree_entry_name(e));
	}
	qsort(v, k, sizeof(*v), str_cmp);
	git_tree_free(t);
	*names = v;
	*n = k;
	return 0;
}

static void walk(git_repository *repo, const git_tree *t, struct strbuf *path, struct fleet_files *out)
{
	size_t count = git_tree_entrycount(t);
	for (size_t i = 0; i < count; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		const char *name = git_tree_entry_name(e);
		if (name[0] == '.')
			continue;
		size_t len = path->len;
		sb_printf(path, "/%s", name);
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			git_tree *sub;
			if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) == 0) {
				walk(repo, sub, path, out);
				git_tree_free(sub);
			}
		} else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
			   git_tree_entry_filemode(e) != GIT_FILEMODE_LINK && desired_is_config_name(name)) {
			XGROW(out->v, out->cap, out->n + 1);
			out->v[out->n].path = xstrdup(path->buf);
			git_oid_tostr(out->v[out->n].oid, GITSRC_HEX, git_tree_entry_id(e));
			out->n++;
		}
		path->len = len;
		path->buf[len] = '\0';
	}
}

int fleet_git_files(struct gitsrc *g, const char *ref, const char *dir, struct fleet_files *out,
		    struct diags *d)
{
	memset(out, 0, sizeof(*out));
	git_tree *t = NULL;
	int rc = dir_tree(g, ref, dir, &t, d);
	if (rc < 0 || !t)
		return rc;
	struct strbuf path = STRBUF_INIT;
	sb_puts(&path, dir);
	walk(gitsrc_repo(g), t, &path, out);
	sb_release(&path);
	git_tree_free(t);
	qsort(out->v, out->n, sizeof(*out->v), file_cmp);
	return 0;
}

int fleet_hash_file(const char *path, char oid[GITSRC_HEX])
{
	git_oid id;
	oid[0] = '\0';
	if (git_odb_hashfile(&id, path, GIT_OBJECT_BLOB) < 0)
		return -1;
	git_oid_tostr(oid, GITSRC_HEX, &id);
	return 0;
}
