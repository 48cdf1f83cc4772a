/*
 * The git source's tree walk (git.h): configuration files read from the tree
 * of a commit, selected as the work-tree loader selects them, links followed
 * inside the tree. The repository, paths and provenance are git_repo.c.
 */
#include "desired/git.h"
#include "desired/git_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "desired/load.h"
#include "yaml/ydoc.h"
#include "util/arena.h"
#include "util/hmap.h"
#include "util/xalloc.h"

/* ---- the tree walk ----------------------------------------------------- */

struct tree_file {
	char *path; /* from the root of the repository */
	git_oid id;
};

struct walk {
	struct gitsrc *g;
	git_repository *repo; /* borrowed from g */
	const char *ref;
	struct diags *d;
	struct tree_file *v;
	size_t n, cap;
	struct hmap seen; /* path -> marker: a file is read once */
	struct arena keys;
	struct strbuf label;
	size_t found;
	bool failed;
	const git_tree *root; /* of the commit: links are resolved in it */
	int link_depth;	      /* links being followed, to stop loops */
};

static const char *label_of(struct walk *w, const char *path)
{
	sb_reset(&w->label);
	sb_printf(&w->label, "%s:%s", w->ref, path);
	return w->label.buf;
}

static void walk_error(struct walk *w, const char *path, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void walk_error(struct walk *w, const char *path, const char *hint, const char *fmt, ...)
{
	struct pos at = { label_of(w, path), 0, 0 };
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(w->d, DIAG_ERROR, "config.path", &at, hint, fmt, ap);
	va_end(ap);
	w->failed = true;
}

static void add_file(struct walk *w, const char *path, const git_oid *id)
{
	char *key = arena_strdup(&w->keys, path);
	if (hmap_put(&w->seen, key, key, NULL))
		return;
	XGROW(w->v, w->cap, w->n + 1);
	w->v[w->n].path = xstrdup(path);
	w->v[w->n].id = *id;
	w->n++;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(git_tree_entry_name(*(const git_tree_entry *const *)a),
		      git_tree_entry_name(*(const git_tree_entry *const *)b));
}

static void join(struct strbuf *sb, const char *dir, const char *name)
{
	sb_reset(sb);
	if (*dir)
		sb_printf(sb, "%s/", dir);
	sb_puts(sb, name);
}

#define LINK_DEPTH_MAX 8

static void walk_tree(struct walk *w, const git_tree *t, const char *dir);

/* A link in the tree, followed as the work tree follows it: its target
 * (the blob's text, never opened as a path) is resolved against the
 * link's directory, and must stay inside the repository. */
static void follow_link(struct walk *w, const char *path, const git_oid *blob_id)
{
	git_blob *blob = NULL;
	git_tree_entry *e = NULL;
	struct strbuf to = STRBUF_INIT;
	if (git_blob_lookup(&blob, w->repo, blob_id) < 0) {
		walk_error(w, path, "check the repository (git fsck)", "cannot read link '%s'", path);
		goto out;
	}
	size_t n = (size_t)git_blob_rawsize(blob);
	char *target = xstrndup(git_blob_rawcontent(blob), n);
	const char *slash = strrchr(path, '/');
	if (slash)
		sb_add(&to, path, (size_t)(slash - path));
	int rc = target[0] == '/' || strlen(target) != n ? -1 : gitsrc_push_components(&to, target);
	free(target);
	if (rc < 0 || !to.len) {
		walk_error(w, path, "a link may point only inside the repository: copy the file in",
			   "'%s' is a symbolic link that points outside the repository, not followed", path);
	} else if (w->link_depth >= LINK_DEPTH_MAX || git_tree_entry_bypath(&e, w->root, to.buf) < 0) {
		walk_error(w, path, "fix or remove the link",
			   w->link_depth >= LINK_DEPTH_MAX ? "'%s': a loop of symbolic links"
							   : "'%s' is a symbolic link to nothing in the tree",
			   path);
	} else if (git_tree_entry_filemode(e) == GIT_FILEMODE_LINK) {
		w->link_depth++;
		follow_link(w, to.buf, git_tree_entry_id(e));
		w->link_depth--;
	} else if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		git_tree *sub;
		if (git_tree_lookup(&sub, w->repo, git_tree_entry_id(e)) == 0) {
			w->link_depth++;
			walk_tree(w, sub, to.buf);
			w->link_depth--;
			git_tree_free(sub);
		}
	} else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB && desired_is_config_name(path)) {
		w->found++;
		add_file(w, to.buf, git_tree_entry_id(e)); /* labelled where it really is */
	}
out:
	git_tree_entry_free(e);
	git_blob_free(blob);
	sb_release(&to);
}

/* Git orders a tree's entries as if directories ended in '/'; the work tree
 * loader uses strcmp. Sorting again keeps the two sources' file order (and
 * so diagnostics and the first declaration of a duplicate) the same. */
static void walk_tree(struct walk *w, const git_tree *t, const char *dir)
{
	size_t n = git_tree_entrycount(t), k = 0;
	const git_tree_entry **v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		if (git_tree_entry_name(e)[0] != '.')
			v[k++] = e;
	}
	qsort(v, k, sizeof(*v), entry_cmp);
	struct strbuf path = STRBUF_INIT;
	for (size_t i = 0; i < k; i++) {
		const char *name = git_tree_entry_name(v[i]);
		join(&path, dir, name);
		git_object_t type = git_tree_entry_type(v[i]);
		if (type == GIT_OBJECT_TREE) {
			git_tree *sub;
			if (git_tree_lookup(&sub, w->repo, git_tree_entry_id(v[i])) < 0) {
				walk_error(w, path.buf, "check the repository (git fsck)",
					   "cannot read directory '%s' in %s", path.buf, w->ref);
				continue;
			}
			walk_tree(w, sub, path.buf);
			git_tree_free(sub);
		} else if (type == GIT_OBJECT_BLOB && git_tree_entry_filemode(v[i]) == GIT_FILEMODE_LINK) {
			follow_link(w, path.buf, git_tree_entry_id(v[i]));
		} else if (type == GIT_OBJECT_BLOB && desired_is_config_name(name)) {
			w->found++;
			add_file(w, path.buf, git_tree_entry_id(v[i]));
		}
	}
	sb_release(&path);
	free(v);
}

#define PATH_HINT                                                                                            \
	"paths are read from the tree of the ref, relative to the current directory inside the "             \
	"work tree (else to the root of the repository)"

static void walk_arg(struct walk *w, const git_tree *root, const char *arg)
{
	struct strbuf rel = STRBUF_INIT;
	if (gitsrc_repo_path(w->g, arg, &rel) < 0) {
		walk_error(w, arg, "give a path inside the repository",
			   "'%s' is outside the repository of %s", arg, w->ref);
		goto out;
	}
	size_t before = w->found;
	if (!rel.len) {
		walk_tree(w, root, "");
	} else {
		git_tree_entry *e = NULL;
		if (git_tree_entry_bypath(&e, root, rel.buf) < 0) {
			walk_error(w, rel.buf, PATH_HINT, "no such file or directory '%s' in %s", rel.buf,
				   w->ref);
			goto out;
		}
		git_object_t type = git_tree_entry_type(e);
		if (type == GIT_OBJECT_TREE) {
			git_tree *sub;
			if (git_tree_lookup(&sub, w->repo, git_tree_entry_id(e)) == 0) {
				walk_tree(w, sub, rel.buf);
				git_tree_free(sub);
			} else {
				walk_error(w, rel.buf, "check the repository (git fsck)",
					   "cannot read directory '%s' in %s", rel.buf, w->ref);
			}
		} else if (type == GIT_OBJECT_BLOB && git_tree_entry_filemode(e) != GIT_FILEMODE_LINK) {
			w->found++;
			add_file(w, rel.buf, git_tree_entry_id(e)); /* named: whatever its extension */
		} else if (type == GIT_OBJECT_BLOB) {
			follow_link(w, rel.buf, git_tree_entry_id(e));
		} else {
			walk_error(w, rel.buf, "give a YAML file or a directory",
				   "'%s' is not a file or directory in %s (a symbolic link or a submodule)",
				   rel.buf, w->ref);
		}
		git_tree_entry_free(e);
	}
	if (w->found == before && !w->failed) {
		struct pos at = { label_of(w, rel.len ? rel.buf : "."), 0, 0 };
		diag_warning(w->d, "config.path", &at, "configuration files end in .yaml or .yml",
			     "no *.yaml or *.yml file under '%s' in %s", rel.len ? rel.buf : ".", w->ref);
	}
out:
	sb_release(&rel);
}

static void describe(struct state *s, struct gitsrc *g, const char *ref, const char *commit,
		     const char *const *paths, size_t n_paths)
{
	struct strbuf sb = STRBUF_INIT, rel = STRBUF_INIT;
	sb_printf(&sb, "git %s@%s: ", ref, commit);
	for (size_t i = 0; i < n_paths; i++) {
		const char *p = gitsrc_repo_path(g, paths[i], &rel) == 0 ? rel.buf : paths[i];
		sb_printf(&sb, "%s%s", i ? ", " : "", *p ? p : ".");
	}
	s->source = state_strdup(s, sb.buf);
	sb_release(&sb);
	sb_release(&rel);
}

static int load_file(struct walk *w, struct state *s, const struct tree_file *f)
{
	git_blob *blob;
	const char *label = label_of(w, f->path);
	if (git_blob_lookup(&blob, w->repo, &f->id) < 0) {
		struct pos at = { label, 0, 0 };
		diag_error(w->d, "config.path", &at, "check the repository (git fsck)",
			   "cannot read '%s' in %s: %s", f->path, w->ref, gitsrc_error_msg());
		return -1;
	}
	struct ydoc *doc;
	git_object_size_t size = git_blob_rawsize(blob);
	int rc = ydoc_parse(&doc, label, git_blob_rawcontent(blob), (size_t)size, w->d);
	git_blob_free(blob);
	if (rc < 0)
		return -1;
	rc = desired_load_doc(s, doc, w->d);
	ydoc_free(doc);
	return rc;
}

int desired_load_git(struct state **out, struct gitsrc *g, const char *ref, const char *const *paths,
		     size_t n_paths, char commit[GITSRC_HEX], struct diags *d)
{
	static const char *const here[] = { "." };
	*out = NULL;
	git_tree *root = NULL;
	if (gitsrc_resolve_tree(g, ref, commit, &root, d) < 0)
		return -1;
	if (n_paths == 0) {
		paths = here;
		n_paths = 1;
	}
	git_repository *repo = gitsrc_repo(g);
	struct state *s = state_new();
	*out = s;
	describe(s, g, ref, commit, paths, n_paths);
	struct walk w = { .g = g, .repo = repo, .ref = ref, .d = d, .root = root };
	for (size_t i = 0; i < n_paths; i++)
		walk_arg(&w, root, paths[i]);
	int rc = w.failed ? -1 : 0;
	for (size_t i = 0; i < w.n; i++) {
		/* A file that does not load is reported and the others still
		 * load, as in the work tree: one run says everything. */
		if (load_file(&w, s, &w.v[i]) < 0)
			rc = -1;
		free(w.v[i].path);
	}
	free(w.v);
	hmap_free(&w.seen);
	arena_free(&w.keys);
	sb_release(&w.label);
	git_tree_free(root);
	return rc;
}
