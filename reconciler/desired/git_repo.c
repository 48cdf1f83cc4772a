/*
 * The git source's repository (git.h): opening it as git finds it, libgit2's
 * global state, revisions, command-line paths mapped into the repository,
 * and the work tree's state against HEAD for provenance (with git_head.c).
 * The tree walk that loads configuration from a commit is git.c.
 */
#include "desired/git.h"
#include "desired/git_internal.h"

#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "desired/load.h"
#include "util/xalloc.h"

struct gitsrc {
	git_repository *repo;
	char *workdir; /* real path of the work tree, no trailing '/'; NULL when bare */
	char *prefix;  /* the current directory inside the work tree: "" or "a/b/" */
};

/* libgit2 keeps global state (allocators, TLS, caches): one init for as long
 * as any source is open, one shutdown after the last. */
static unsigned lib_users;

static void lib_acquire(void)
{
	if (lib_users++ == 0)
		git_libgit2_init();
}

static void lib_release(void)
{
	if (lib_users && --lib_users == 0)
		git_libgit2_shutdown();
}

const char *gitsrc_error_msg(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown error";
}

/* ---- the repository ---------------------------------------------------- */

/* The real path of p without a trailing '/', or NULL. */
static char *real_dir(const char *p)
{
	char *r = realpath(p, NULL);
	if (!r)
		return NULL;
	size_t n = strlen(r);
	if (n > 1 && r[n - 1] == '/')
		r[n - 1] = '\0';
	return r;
}

/* "sub/dir/" when path lies under root; "" when it is root; NULL when it
 * lies elsewhere. */
static char *relative_to(const char *root, const char *path)
{
	size_t n = strlen(root);
	if (strcmp(root, "/") == 0)
		n = 0;
	if (strncmp(path, root, n) != 0 || (path[n] && path[n] != '/'))
		return NULL;
	const char *rest = path[n] == '/' ? path + n + 1 : path + n;
	if (!*rest)
		return xstrdup("");
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s/", rest);
	return sb_detach(&sb);
}

int gitsrc_open(struct gitsrc **out, const char *dir, struct diags *d)
{
	*out = NULL;
	lib_acquire();
	struct gitsrc *g = xcalloc(1, sizeof(*g));
	/* Without --repo, find the repository as git does, environment included
	 * (GIT_DIR, GIT_WORK_TREE, GIT_CEILING_DIRECTORIES). */
	unsigned flags = dir ? 0 : GIT_REPOSITORY_OPEN_FROM_ENV;
	if (git_repository_open_ext(&g->repo, dir ? dir : ".", flags, NULL) < 0) {
		diag_error(d, "git.repo", NULL, "run inside a git repository, or name one with --repo DIR",
			   "%s%s%s is not in a git repository: %s", dir ? "'" : "",
			   dir ? dir : "the current directory", dir ? "'" : "", gitsrc_error_msg());
		gitsrc_close(g);
		return -1;
	}
	const char *wd = git_repository_workdir(g->repo);
	g->workdir = wd ? real_dir(wd) : NULL;
	char *cwd = real_dir(".");
	g->prefix = g->workdir && cwd ? relative_to(g->workdir, cwd) : NULL;
	if (!g->prefix)
		g->prefix = xstrdup("");
	free(cwd);
	*out = g;
	return 0;
}

void gitsrc_close(struct gitsrc *g)
{
	if (!g)
		return;
	git_repository_free(g->repo);
	free(g->workdir);
	free(g->prefix);
	free(g);
	lib_release();
}

struct git_repository *gitsrc_repo(struct gitsrc *g)
{
	return g->repo;
}

int gitsrc_resolve(struct gitsrc *g, const char *ref, char commit[GITSRC_HEX], struct diags *d)
{
	git_object *obj = NULL, *peeled = NULL;
	commit[0] = '\0';
	if (!*ref || git_revparse_single(&obj, g->repo, ref) < 0) {
		diag_error(d, "git.ref", NULL,
			   "name a branch, tag or commit of this repository (git branch -a, git tag); "
			   "in CI, fetch it first (actions/checkout with fetch-depth: 0)",
			   "'%s' is not a ref or commit in this repository", ref);
		return -1;
	}
	int rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	if (rc < 0)
		diag_error(d, "git.ref", NULL, "name a branch, tag or commit",
			   "'%s' does not name a commit: %s", ref, gitsrc_error_msg());
	else
		git_oid_tostr(commit, GITSRC_HEX, git_object_id(peeled));
	git_object_free(peeled);
	git_object_free(obj);
	return rc < 0 ? -1 : 0;
}

int gitsrc_resolve_tree(struct gitsrc *g, const char *ref, char commit[GITSRC_HEX], struct git_tree **out,
			struct diags *d)
{
	*out = NULL;
	if (gitsrc_resolve(g, ref, commit, d) < 0)
		return -1;
	git_oid oid;
	git_commit *c = NULL;
	if (git_oid_fromstr(&oid, commit) < 0 || git_commit_lookup(&c, g->repo, &oid) < 0 ||
	    git_commit_tree(out, c) < 0) {
		diag_error(d, "git.ref", NULL, "check the repository (git fsck)",
			   "cannot read the tree of '%s': %s", ref, gitsrc_error_msg());
		git_commit_free(c);
		return -1;
	}
	git_commit_free(c);
	return 0;
}

int gitsrc_push_components(struct strbuf *out, const char *p)
{
	while (*p) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (!out->len)
				return -1;
			char *slash = strrchr(out->buf, '/');
			out->len = slash ? (size_t)(slash - out->buf) : 0;
			out->buf[out->len] = '\0';
		} else if (n && !(n == 1 && p[0] == '.')) {
			if (out->len)
				sb_putc(out, '/');
			sb_add(out, p, n);
		}
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

int gitsrc_repo_path(const struct gitsrc *g, const char *path, struct strbuf *out)
{
	sb_reset(out);
	sb_puts(out, ""); /* buf is never NULL from here on */
	if (path[0] == '/') {
		if (!g->workdir)
			return -1;
		char *rel = relative_to(g->workdir, path);
		if (!rel) {
			char *real = real_dir(path);
			rel = real ? relative_to(g->workdir, real) : NULL;
			free(real);
		}
		if (!rel)
			return -1;
		int rc = gitsrc_push_components(out, rel);
		free(rel);
		return rc;
	}
	if (gitsrc_push_components(out, g->prefix) < 0)
		return -1;
	return gitsrc_push_components(out, path);
}

/* ---- the work tree against HEAD ---------------------------------------- */

/* Whether the loader would read `sub`, a path below a directory it walks:
 * no component starting with '.', and a YAML name. */
static bool selected(const char *sub)
{
	for (const char *p = sub; *p;) {
		if (*p == '.')
			return false;
		const char *slash = strchr(p, '/');
		if (!slash)
			break;
		p = slash + 1;
	}
	const char *base = strrchr(sub, '/');
	return desired_is_config_name(base ? base + 1 : sub);
}

static bool counts(const char *path, char **rels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = strlen(rels[i]);
		if (k == 0 && selected(path))
			return true;
		if (k && strcmp(path, rels[i]) == 0)
			return true; /* named explicitly */
		if (k && strncmp(path, rels[i], k) == 0 && path[k] == '/' && selected(path + k + 1))
			return true;
	}
	return false;
}

static bool entry_counts(const git_status_entry *e, char **rels, size_t n)
{
	const git_diff_delta *ds[] = { e->head_to_index, e->index_to_workdir };
	for (size_t i = 0; i < 2; i++) {
		if (!ds[i])
			continue;
		if ((ds[i]->old_file.path && counts(ds[i]->old_file.path, rels, n)) ||
		    (ds[i]->new_file.path && counts(ds[i]->new_file.path, rels, n)))
			return true;
	}
	return false;
}

int gitsrc_worktree_state(struct gitsrc *g, const char *const *paths, size_t n_paths, char head[GITSRC_HEX],
			  bool *dirty, bool *inside, struct diags *d)
{
	static const char *const here[] = { "." };
	head[0] = '\0';
	*dirty = false;
	*inside = true;
	if (!g->workdir) {
		diag_error(d, "git.repo", NULL, "give --ref REF to read a bare repository",
			   "the repository has no work tree");
		return -1;
	}
	if (n_paths == 0) {
		paths = here;
		n_paths = 1;
	}
	git_oid oid;
	if (git_reference_name_to_id(&oid, g->repo, "HEAD") == 0)
		git_oid_tostr(head, GITSRC_HEX, &oid);

	/* The loader read these paths relative to the current directory, which
	 * need not be inside the work tree: map them through the file system. */
	char **rels = xcalloc(n_paths, sizeof(*rels));
	bool whole = false;
	for (size_t i = 0; i < n_paths; i++) {
		char *real = real_dir(paths[i]);
		char *rel = real ? relative_to(g->workdir, real) : NULL;
		free(real);
		if (!rel) {
			*inside = false;
			rels[i] = xstrdup("\x01"); /* matches nothing */
			continue;
		}
		size_t k = strlen(rel);
		if (k && rel[k - 1] == '/')
			rel[k - 1] = '\0';
		whole = whole || !*rel;
		rels[i] = rel;
	}
	git_status_options opts;
	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		     GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_RECURSE_IGNORED_DIRS |
		     GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (!whole) {
		opts.pathspec.strings = rels;
		opts.pathspec.count = n_paths;
	}
	git_status_list *list = NULL;
	int rc = 0;
	if (git_status_list_new(&list, g->repo, &opts) < 0) {
		diag_error(d, "git.repo", NULL, NULL, "cannot read the work tree's status: %s",
			   gitsrc_error_msg());
		rc = -1;
	} else {
		size_t n = git_status_list_entrycount(list);
		for (size_t i = 0; i < n && !*dirty; i++) {
			const git_status_entry *e = git_status_byindex(list, i);
			if (e->status != GIT_STATUS_CURRENT && entry_counts(e, rels, n_paths))
				*dirty = true;
		}
	}
	git_status_list_free(list);
	for (size_t i = 0; i < n_paths; i++)
		free(rels[i]);
	free(rels);
	if (rc == 0 && !*dirty)
		*dirty = !gitsrc_files_match_head(g->repo, paths, n_paths);
	return rc;
}
