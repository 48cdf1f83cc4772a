/*
 * What the files of the git source share (git.c, the tree walk;
 * git_repo.c, the repository; git_head.c, the work tree against HEAD):
 * for them only, no other module includes it.
 */
#ifndef RECONCILER_DESIRED_GIT_INTERNAL_H
#define RECONCILER_DESIRED_GIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

struct git_repository;

/* libgit2's message for the last error of this thread; never NULL. */
const char *gitsrc_error_msg(void);

/* Appends the components of p to out ("a/b"), resolving "." and "..".
 * Returns -1 when ".." climbs above the start. */
int gitsrc_push_components(struct strbuf *out, const char *p);

/* Whether every file the work-tree loader selects under paths (n_paths 0:
 * ".") is the very blob HEAD holds at that path: a regular file (not a
 * link in HEAD), its bytes hashing to the committed blob id, and reached
 * through no symbolic link. False for a modified or untracked file, a
 * file reached through a link, or anything that cannot be checked: a
 * record may then say "clean" only when it is (git_head.c). */
bool gitsrc_files_match_head(struct git_repository *repo, const char *const *paths, size_t n_paths);

#endif
