/*
 * Listing a fleet: the org directories of a root, each one's org_id with
 * its position, the layout's rules, and a pull request's affected orgs.
 */
#include "fleet/fleet.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "desired/load.h"
#include "fleet/fleet_private.h"
#include "model/model.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define ORG_ID_HINT "each directory of a fleet is one LiveRamp org: set settings.org_id once in it"

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *root, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s/%s", root, name);
	return sb_detach(&sb);
}

/* The org directories of the work tree's root; symbolic links are skipped
 * (nothing is read through a link). */
static int worktree_dirs(const char *root, char ***names, size_t *n, bool *exists, struct diags *d)
{
	*names = NULL;
	*n = 0;
	*exists = false;
	DIR *dir = opendir(root);
	if (!dir)
		return 0;
	*exists = true;
	size_t cap = 0;
	char **v = NULL;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		char *path = join(root, e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			struct pos at = { path, 0, 0 };
			diag_warning(d, "config.path", &at, "links are not followed in a fleet root",
				     "'%s' is a symbolic link: skipped", path);
		} else if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			XGROW(v, cap, *n + 1);
			v[(*n)++] = xstrdup(e->d_name);
		}
		free(path);
	}
	closedir(dir);
	if (*n)
		qsort(v, *n, sizeof(*v), str_cmp);
	*names = v;
	return 0;
}

static int list_dirs(const struct fleet_source *src, const char *ref, struct gitsrc *g, char ***names,
		     size_t *n, bool *exists, struct diags *d)
{
	if (!ref)
		return worktree_dirs(src->root, names, n, exists, d);
	return fleet_git_dirs(g, ref, src->root, names, n, exists, d);
}

/* The configuration files of dir: the loader's selection, with blob ids
 * when hash is set (work tree) or always (a ref). */
static int list_files(const char *dir, const char *ref, struct gitsrc *g, bool hash, struct fleet_files *out,
		      struct diags *d)
{
	memset(out, 0, sizeof(*out));
	if (ref)
		return fleet_git_files(g, ref, dir, out, d);
	struct diags scratch = DIAGS_INIT;
	char **paths = NULL;
	size_t n = 0;
	const char *args[] = { dir };
	desired_collect_files(&paths, &n, args, 1, &scratch);
	diags_free(&scratch);
	for (size_t i = 0; i < n; i++) {
		XGROW(out->v, out->cap, out->n + 1);
		struct fleet_file *f = &out->v[out->n++];
		f->path = paths[i];
		f->oid[0] = '\0';
		if (hash && fleet_hash_file(f->path, f->oid) < 0)
			strcpy(f->oid, "unreadable");
	}
	free(paths);
	return 0;
}

static int open_git(const struct fleet_source *src, struct gitsrc **git, struct diags *d)
{
	return *git ? 0 : gitsrc_open(git, src->repo, d);
}

/* Finds o's org_id: each file is loaded on its own (leniently: what else
 * is wrong with it is for its plan to say), so that two files declaring
 * different ids are both named. report: add the layout's errors to d. */
static void read_org_id(struct fleet_org *o, const char *ref, struct gitsrc *g, bool report, struct diags *d)
{
	struct fleet_files files;
	struct diags scratch = DIAGS_INIT;
	list_files(o->path, ref, g, false, &files, &scratch);
	bool broken = false;
	for (size_t i = 0; i < files.n; i++) {
		struct state *s = NULL;
		char commit[GITSRC_HEX];
		const char *one[] = { files.v[i].path };
		int rc = ref ? desired_load_git(&s, g, ref, one, 1, commit, &scratch)
			     : desired_load_paths(&s, one, 1, &scratch);
		broken |= rc < 0;
		const struct sval *id = s ? &s->settings.org_id : NULL;
		if (id && id->v && !o->org_id) {
			o->org_id = xstrdup(id->v);
			o->org_id_pos = id->pos;
			o->org_id_pos.file = xstrdup(id->pos.file ? id->pos.file : files.v[i].path);
		} else if (id && id->v && strcmp(id->v, o->org_id) != 0 && report) {
			o->invalid = true;
			diag_error(d, "fleet.org_id", &id->pos, ORG_ID_HINT,
				   "org '%s' sets org_id \"%s\" here but \"%s\" at %s:%u:%u", o->name, id->v,
				   o->org_id, o->org_id_pos.file, o->org_id_pos.line, o->org_id_pos.col);
		}
		state_free(s);
	}
	diags_free(&scratch);
	fleet_files_free(&files);
	if (!o->org_id && report) {
		o->invalid = true;
		struct pos at = { o->path, 0, 0 };
		diag_error(d, "fleet.org_id", &at,
			   broken ? "a file of it does not load: run `reconciler validate` on the "
				    "directory, and set settings.org_id"
				  : ORG_ID_HINT,
			   "org directory '%s' sets no settings.org_id", o->path);
	}
}

static struct fleet_org *add_org(struct fleet *f, const char *name)
{
	XGROW(f->orgs, f->cap, f->n + 1);
	struct fleet_org *o = &f->orgs[f->n++];
	memset(o, 0, sizeof(*o));
	o->name = xstrdup(name);
	o->path = join(f->root, name);
	return o;
}

static void org_free(struct fleet_org *o)
{
	free(o->name);
	free(o->path);
	free(o->org_id);
	free((char *)o->org_id_pos.file);
}

/* Both directories of a duplicate are invalid: which one is the org is
 * for a person to say. */
static void check_duplicates(struct fleet *f, struct diags *d)
{
	for (size_t i = 0; i < f->n; i++) {
		struct fleet_org *b = &f->orgs[i];
		for (size_t j = 0; b->org_id && j < i; j++) {
			struct fleet_org *a = &f->orgs[j];
			if (!a->org_id || strcmp(a->org_id, b->org_id) != 0)
				continue;
			diag_error(d, "fleet.duplicate_org", &b->org_id_pos,
				   "each directory of a fleet is its own LiveRamp org: give each its "
				   "own org_id, or merge the two directories",
				   "org '%s' has the same org_id \"%s\" as org '%s' (%s:%u:%u)", b->name,
				   b->org_id, a->name, a->org_id_pos.file, a->org_id_pos.line,
				   a->org_id_pos.col);
			a->invalid = b->invalid = true;
			break;
		}
	}
}

int fleet_load(struct fleet **out, const struct fleet_source *src, struct gitsrc **git, struct diags *d)
{
	struct fleet *f = xcalloc(1, sizeof(*f));
	*out = f;
	size_t len = strlen(src->root);
	while (len > 1 && src->root[len - 1] == '/')
		len--;
	f->root = xstrndup(src->root, len);
	struct fleet_source s = *src;
	s.root = f->root;
	if (src->ref && open_git(src, git, d) < 0)
		return -1;
	size_t errors = d->errors;
	char **names;
	size_t n;
	bool exists;
	if (list_dirs(&s, src->ref, *git, &names, &n, &exists, d) < 0)
		return -1;
	struct pos at = { f->root, 0, 0 };
	if (!exists)
		diag_error(d, "fleet.root", &at, "give the directory that holds one directory per org",
			   "the fleet root '%s' is not a directory%s%s", f->root, src->ref ? " in " : "",
			   src->ref ? src->ref : "");
	else if (!n)
		diag_error(d, "fleet.root", &at,
			   "a fleet root holds one directory per org (advertisers/acme/, ...)",
			   "the fleet root '%s' holds no org directory", f->root);
	for (size_t i = 0; i < n; i++)
		read_org_id(add_org(f, names[i]), src->ref, *git, true, d);
	fleet_free_names(names, n);
	check_duplicates(f, d);
	return d->errors > errors ? -1 : 0;
}

static int org_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fleet_org *)a)->name, ((const struct fleet_org *)b)->name);
}

static bool same_files(const struct fleet_files *a, const struct fleet_files *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].path, b->v[i].path) != 0 || strcmp(a->v[i].oid, b->v[i].oid) != 0)
			return false;
	return true;
}

int fleet_affected(struct fleet *f, const struct fleet_source *src, const char *base, struct gitsrc **git,
		   struct diags *d)
{
	if (open_git(src, git, d) < 0)
		return -1;
	char commit[GITSRC_HEX];
	if (gitsrc_resolve(*git, base, commit, d) < 0)
		return -1;
	struct fleet_source s = *src;
	s.root = f->root;
	char **names;
	size_t n;
	bool exists;
	if (list_dirs(&s, base, *git, &names, &n, &exists, d) < 0)
		return -1;
	/* Orgs at the base only come first, while the head's are all there to
	 * compare names with; they sort into place below. */
	size_t n_head = f->n;
	for (size_t i = 0; i < n; i++) {
		bool at_head = false;
		for (size_t j = 0; j < n_head && !at_head; j++)
			at_head = strcmp(f->orgs[j].name, names[i]) == 0;
		if (at_head)
			continue;
		struct fleet_org *o = add_org(f, names[i]);
		o->removed = true;
		read_org_id(o, base, *git, false, d);
	}
	size_t kept = 0;
	for (size_t i = 0; i < f->n; i++) {
		struct fleet_org *o = &f->orgs[i];
		bool same = false;
		if (!o->removed) {
			struct fleet_files head, was;
			struct diags scratch = DIAGS_INIT;
			list_files(o->path, src->ref, *git, true, &head, &scratch);
			list_files(o->path, base, *git, true, &was, &scratch);
			same = same_files(&head, &was);
			fleet_files_free(&head);
			fleet_files_free(&was);
			diags_free(&scratch);
		}
		if (same)
			org_free(o);
		else
			f->orgs[kept++] = *o;
	}
	f->n = kept;
	qsort(f->orgs, f->n, sizeof(*f->orgs), org_cmp);
	fleet_free_names(names, n);
	return 0;
}

int fleet_pick(struct fleet *f, const char *name, struct diags *d)
{
	size_t kept = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->orgs[i].name, name) == 0)
			f->orgs[kept++] = f->orgs[i];
		else
			org_free(&f->orgs[i]);
	}
	bool found = kept > 0;
	f->n = kept;
	if (!found)
		diag_error(d, "fleet.org", NULL, "`reconciler fleet ROOT` lists the orgs",
			   "no org '%s' in the fleet %s", name, f->root);
	return found ? 0 : -1;
}

void fleet_free(struct fleet *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		org_free(&f->orgs[i]);
	free(f->orgs);
	free(f->root);
	free(f);
}
