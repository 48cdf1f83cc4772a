/*
 * The git source of desired state: configuration files read from the tree of
 * any commit with libgit2, without a checkout, and what the work tree holds
 * compared with HEAD (for provenance).
 *
 * What it promises:
 *  - the same file selection as the work tree (desired/load.h): every *.yaml /
 *    *.yml under each path, directories recursively in strcmp order, entries
 *    whose name starts with '.' skipped, a path named explicitly taken
 *    whatever its extension, each file once; a symbolic link in the tree is
 *    followed when its target, resolved in the same tree, stays inside the
 *    repository, and is a "config.path" error otherwise;
 *  - paths are read the way git reads them: relative to the current directory
 *    when it is inside the repository's work tree, relative to the root of
 *    the repository otherwise (a bare repository, or --repo naming a
 *    repository elsewhere). A path that leaves the repository is an error;
 *  - every position names "REF:path", path from the root of the repository:
 *    git's own syntax, so `git show REF:path` prints the file;
 *  - errors are diagnostics: "git.repo" (no repository), "git.ref" (a ref that
 *    does not name a commit), "config.path" (a path absent from the tree).
 *
 * libgit2 is initialised by the first gitsrc_open() of the process and shut
 * down by the last gitsrc_close(); every libgit2 object is freed before the
 * function that made it returns, except the repository the gitsrc owns.
 */
#ifndef RECONCILER_DESIRED_GIT_H
#define RECONCILER_DESIRED_GIT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "util/diag.h"
#include "util/strbuf.h"

#define GITSRC_HEX 41 /* a commit id in hex, with its NUL */

struct gitsrc;
struct git_repository;
struct git_tree;

/* Opens the repository that contains dir, searching upwards like git; with
 * dir NULL, the repository git would use here (the current directory, and
 * GIT_DIR, GIT_WORK_TREE, GIT_CEILING_DIRECTORIES when set). Returns 0, or
 * -1 with a "git.repo" error. */
int gitsrc_open(struct gitsrc **out, const char *dir, struct diags *d);
void gitsrc_close(struct gitsrc *g);

/* Borrowed; valid until gitsrc_close(). For record/notes.c. */
struct git_repository *gitsrc_repo(struct gitsrc *g);

/* Resolves ref (a branch, tag, commit id or any revision git accepts) to the
 * commit it names. Returns 0 and fills commit (hex), or -1 with "git.ref". */
int gitsrc_resolve(struct gitsrc *g, const char *ref, char commit[GITSRC_HEX], struct diags *d);
/* gitsrc_resolve(), then the root tree of that commit in *out (the caller
 * frees it: git_tree_free). Returns 0, or -1 with "git.ref" and *out NULL. */
int gitsrc_resolve_tree(struct gitsrc *g, const char *ref, char commit[GITSRC_HEX], struct git_tree **out,
			struct diags *d);

/* The path from the root of the repository that a command-line path names
 * ("" for the root itself), without "." or ".." components. Returns 0, or -1
 * when it leaves the repository (out then holds nothing useful). */
int gitsrc_repo_path(const struct gitsrc *g, const char *path, struct strbuf *out);

/* Loads every configuration file under paths (default ".") in the tree of
 * ref into a new state, as desired_load_paths() does for the work tree.
 * state->source reads "git REF@COMMIT: PATH, ...". commit receives the
 * commit id when ref resolved (else it is left empty). Returns 0 when every
 * file parsed and passed the schema; -1 otherwise, with *out NULL when ref
 * did not resolve and a (possibly partial) state otherwise. */
int desired_load_git(struct state **out, struct gitsrc *g, const char *ref, const char *const *paths,
		     size_t n_paths, char commit[GITSRC_HEX], struct diags *d);

/* Provenance of a work-tree run: head receives HEAD's commit id ("" when the
 * repository has no commit yet), and *dirty whether any configuration file
 * under paths (the loader's selection: YAML files, no dot-entries; files
 * named explicitly) differs from HEAD: modified, staged, deleted, untracked
 * or ignored. *inside is false when some path is outside the work tree (the
 * configuration then did not come from this repository). Returns 0, or -1
 * with "git.repo" for a bare repository or a status that cannot be read. */
int gitsrc_worktree_state(struct gitsrc *g, const char *const *paths, size_t n_paths, char head[GITSRC_HEX],
			  bool *dirty, bool *inside, struct diags *d);

#endif
