/*
 * The desired-state loader: finding the files, and the top of each document.
 * The sections are walked in walk.c, scalars typed in schema.c.
 */
#include "load.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "desired/walk.h"
#include "util/arena.h"
#include "util/hmap.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* ---- collecting files -------------------------------------------------- */

struct collector {
	char **v;
	size_t n, cap;
	struct hmap seen;  /* "dev:ino" -> marker: a file is read once */
	struct arena keys; /* the seen keys */
	struct diags *d;
	size_t found; /* YAML files seen, counting those already collected */
	bool failed;
	/* What links may point into (real path): the work tree of the git
	 * repository holding the argument being walked, else the argument
	 * itself. NULL while it cannot be known. */
	char *root;
	bool in_repo;
};

/* The directories being walked, innermost first, to stop symlink loops. */
struct ancestor {
	dev_t dev;
	ino_t ino;
	const struct ancestor *up;
};

bool desired_is_config_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

static void path_error(struct collector *c, const char *path, const char *hint, const char *what)
{
	struct pos at = { path, 0, 0 };
	diag_error(c->d, "config.path", &at, hint, "%s: '%s'", what, path);
	c->failed = true;
}

static void add_file(struct collector *c, const char *path, const struct stat *st)
{
	char *key = arena_printf(&c->keys, "%llu:%llu", (unsigned long long)st->st_dev,
				 (unsigned long long)st->st_ino);
	if (hmap_put(&c->seen, key, key, NULL))
		return; /* named twice, or reached through two paths */
	XGROW(c->v, c->cap, c->n + 1);
	c->v[c->n++] = xstrdup(path);
}

/* "dir/name", without "./" in front for the current directory, so labels
 * read the way the user would write them. */
static char *join_path(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(dir);
	if (strcmp(dir, ".") != 0) {
		sb_puts(&sb, dir);
		if (n && dir[n - 1] != '/')
			sb_putc(&sb, '/');
	}
	sb_puts(&sb, name);
	return sb_detach(&sb);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir, sorted, without those starting with '.' (which
 * also drops "." and ".."). Returns -1 when dir cannot be read. */
static int list_dir(const char *dir, char ***out, size_t *n_out)
{
	DIR *dh = opendir(dir);
	if (!dh)
		return -1;
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		XGROW(v, cap, n + 1);
		v[n++] = xstrdup(e->d_name);
	}
	closedir(dh);
	if (n > 1)
		qsort(v, n, sizeof(*v), name_cmp);
	*out = v;
	*n_out = n;
	return 0;
}

static void collect_dir(struct collector *c, const char *dir, const struct stat *dst,
			const struct ancestor *up);

/* Whether the real path p lies in (or is) the real directory root. */
static bool lies_under(const char *root, const char *p)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return true;
	return strncmp(root, p, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

/* A link is followed only when what it names stays where the configuration
 * lives: otherwise a pull request could make the tool read, and quote in a
 * diagnostic, any file of the runner (/etc/passwd, a git credential). The
 * target is resolved, never opened. Returns true when path may be read. */
static bool link_allowed(struct collector *c, const char *path)
{
	struct stat lst;
	if (lstat(path, &lst) != 0 || !S_ISLNK(lst.st_mode))
		return true;
	char *real = realpath(path, NULL);
	if (!real)
		return true; /* dangling: stat() below reports it */
	bool ok = c->root && lies_under(c->root, real);
	free(real);
	if (!ok)
		path_error(c, path,
			   c->in_repo ? "a link may point only inside the repository: copy the file in, "
					"or name its real path"
				      : "a link may point only inside the path given: name its real path",
			   c->in_repo ? "a symbolic link that points outside the repository, not followed"
				      : "a symbolic link that points outside the path given, not followed");
	return ok;
}

static void collect_entry(struct collector *c, const char *path, const struct ancestor *up)
{
	struct stat st;
	if (!link_allowed(c, path))
		return;
	if (stat(path, &st) != 0) {
		/* A dangling link that looks like config is worth a word; any
		 * other unreadable entry is not ours. */
		if (desired_is_config_name(path))
			path_error(c, path, "fix or remove the broken link", strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		collect_dir(c, path, &st, up);
	} else if (S_ISREG(st.st_mode) && desired_is_config_name(path)) {
		c->found++;
		add_file(c, path, &st);
	}
}

static void collect_dir(struct collector *c, const char *dir, const struct stat *dst,
			const struct ancestor *up)
{
	for (const struct ancestor *a = up; a; a = a->up) {
		if (a->dev == dst->st_dev && a->ino == dst->st_ino) {
			path_error(c, dir, "remove the symbolic link that points back up the tree",
				   "directory loop");
			return;
		}
	}
	char **names;
	size_t n;
	if (list_dir(dir, &names, &n) < 0) {
		path_error(c, dir, "check the directory's permissions", strerror(errno));
		return;
	}
	struct ancestor self = { dst->st_dev, dst->st_ino, up };
	for (size_t i = 0; i < n; i++) {
		char *path = join_path(dir, names[i]);
		collect_entry(c, path, &self);
		free(path);
		free(names[i]);
	}
	free(names);
}

/* The real path of the directory holding path's last component. */
static char *real_parent(const char *path)
{
	char *dir = xstrdup(path);
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	char *slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	char *real = realpath(dir, NULL);
	free(dir);
	return real;
}

/* The work tree holding dir (a real path): the nearest directory upwards
 * with a ".git" entry, as git finds it; NULL when there is none. */
static char *repo_root(const char *dir)
{
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, dir);
	for (;;) {
		size_t keep = sb.len;
		struct stat st;
		sb_puts(&sb, sb.len > 1 ? "/.git" : ".git");
		bool found = lstat(sb.buf, &st) == 0;
		sb.len = keep;
		sb.buf[keep] = '\0';
		if (found)
			return sb_detach(&sb);
		char *slash = strrchr(sb.buf, '/');
		if (!slash || sb.len == 1)
			break;
		sb.len = slash == sb.buf ? 1 : (size_t)(slash - sb.buf);
		sb.buf[sb.len] = '\0';
	}
	sb_release(&sb);
	return NULL;
}

/* Sets c->root for the argument path: its repository's work tree, else
 * the path itself. */
static void set_root(struct collector *c, const char *path)
{
	free(c->root);
	c->root = NULL;
	char *parent = real_parent(path);
	c->root = parent ? repo_root(parent) : NULL;
	c->in_repo = c->root != NULL;
	if (!c->root)
		c->root = realpath(path, NULL);
	free(parent);
}

static void collect_arg(struct collector *c, const char *path)
{
	struct stat st;
	set_root(c, path);
	if (c->in_repo && !link_allowed(c, path))
		return;
	if (stat(path, &st) != 0) {
		path_error(c, path, "give a YAML file, or a directory holding *.yaml files",
			   errno == ENOENT ? "no such file or directory" : strerror(errno));
		return;
	}
	if (S_ISREG(st.st_mode)) {
		add_file(c, path, &st); /* named explicitly: whatever its extension */
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		path_error(c, path, "give a YAML file or a directory", "not a file or directory");
		return;
	}
	size_t before = c->found;
	collect_dir(c, path, &st, NULL);
	if (c->found == before && !c->failed) {
		struct pos at = { path, 0, 0 };
		diag_warning(c->d, "config.path", &at, "configuration files end in .yaml or .yml",
			     "no *.yaml or *.yml file under '%s'", path);
	}
}

int desired_collect_files(char ***out_paths, size_t *n, const char *const *paths, size_t n_paths,
			  struct diags *d)
{
	struct collector c = { .d = d };
	for (size_t i = 0; i < n_paths; i++)
		collect_arg(&c, paths[i]);
	hmap_free(&c.seen);
	arena_free(&c.keys);
	free(c.root);
	*out_paths = c.v;
	*n = c.n;
	return c.failed ? -1 : (int)c.n;
}

void desired_free_files(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* ---- one document ------------------------------------------------------ */

static const char *const root_keys[] = { "version", "settings", "accounts", "marketplace_shares", NULL };
enum { ROOT_VERSION, ROOT_SETTINGS, ROOT_ACCOUNTS, ROOT_SHARES };

static const struct ywhere root_where = { "the document", NULL, 0, NULL };

#define VERSION_HINT "write `version: 1`"

/* The integer value of a core-schema integer that is small enough. */
static bool int_value(const char *s, long *out)
{
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
		base = s[1] == 'x' ? 16 : 8;
		s += 2;
	}
	errno = 0;
	char *end;
	long v = strtol(s, &end, base);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static void check_version(struct loader *L, const struct ynode *v)
{
	enum yscalar k = v->kind == YNODE_SCALAR ? yscalar_kind(v) : YS_STR;
	long n;
	if (v->kind == YNODE_SCALAR && k == YS_INT && int_value(v->str, &n) && n == 1)
		return;
	if (v->kind == YNODE_SCALAR && k == YS_NULL) {
		yw_err(&L->w, v, "schema.version", VERSION_HINT, "missing version: the value is empty");
	} else if (v->kind == YNODE_SCALAR && (k == YS_INT || k == YS_FLOAT)) {
		yw_err(&L->w, v, "schema.version", "this reconciler reads version 1; " VERSION_HINT,
		       "unsupported config version %s", v->str);
	} else {
		yw_err_type(&L->w, v, &root_where, "version", 0, "the integer 1", NULL,
			    VERSION_HINT " (a number, without quotes)");
	}
}

static void walk_list(struct loader *L, const struct ynode *n, const char *key,
		      void (*item)(struct loader *, const struct ynode *, size_t))
{
	if (!yw_list(&L->w, n, &root_where, key) || n->kind != YNODE_SEQ)
		return;
	for (size_t i = 0; i < n->n; i++)
		item(L, n->items[i], i + 1);
}

static void walk_root(struct loader *L, const struct ynode *root)
{
	bool has_version = false, has_accounts = false;
	for (size_t i = 0; i < root->n; i++) {
		const struct ynode *v = root->items[i];
		switch (yw_key(&L->w, root->keys[i], root_keys, &root_where)) {
		case ROOT_VERSION:
			has_version = true;
			check_version(L, v);
			break;
		case ROOT_SETTINGS: load_walk_settings(L, v); break;
		case ROOT_ACCOUNTS:
			has_accounts = true;
			walk_list(L, v, "accounts", load_walk_account);
			break;
		case ROOT_SHARES: walk_list(L, v, "marketplace_shares", load_walk_share); break;
		default: break;
		}
	}
	if (!has_version)
		yw_err(&L->w, root, "schema.version", VERSION_HINT " at the top of the file",
		       "missing version: write `version: 1`");
	if (!has_accounts)
		yw_err_required(&L->w, root, &root_where, "accounts",
				"write `accounts: []` in a file that declares no account");
}

int desired_load_doc(struct state *s, const struct ydoc *doc, struct diags *d)
{
	const struct ynode *root = doc->root;
	/* No document at all, or `---` alone: nothing declared here. */
	if (yw_is_null(root))
		return 0;
	struct loader L = { .w = { .arena = &s->arena, .d = d, .file = state_strdup(s, doc->file) }, .s = s };
	if (root->kind != YNODE_MAP) {
		yw_err_type(&L.w, root, &root_where, NULL, 0, "a mapping with `version` and `accounts`", NULL,
			    "start the file with `version: 1` and `accounts:`");
		return -1;
	}
	walk_root(&L, root);
	return L.w.failed ? -1 : 0;
}

/* ---- many files -------------------------------------------------------- */

static const char *describe_source(struct state *s, const char *const *paths, size_t n_paths)
{
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "paths: ");
	for (size_t i = 0; i < n_paths; i++)
		sb_printf(&sb, "%s%s", i ? ", " : "", paths[i]);
	const char *out = state_strdup(s, sb_str(&sb));
	sb_release(&sb);
	return out;
}

int desired_load_paths(struct state **out, const char *const *paths, size_t n_paths, struct diags *d)
{
	struct state *s = state_new();
	*out = s;
	s->source = describe_source(s, paths, n_paths);
	char **files;
	size_t n;
	int rc = desired_collect_files(&files, &n, paths, n_paths, d) < 0 ? -1 : 0;
	for (size_t i = 0; i < n; i++) {
		struct ydoc *doc;
		/* A file that is not YAML is reported (yaml.syntax) and skipped;
		 * the others still load so that one run says everything. */
		if (ydoc_load_file(&doc, files[i], files[i], d) < 0) {
			rc = -1;
			continue;
		}
		if (desired_load_doc(s, doc, d) < 0)
			rc = -1;
		ydoc_free(doc);
	}
	desired_free_files(files, n);
	return rc;
}
