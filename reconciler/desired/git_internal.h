/*
 * What the two files of the git source share (git.c, the tree walk, and
 * git_repo.c, the repository): for them only, no other module includes it.
 */
#ifndef RECONCILER_DESIRED_GIT_INTERNAL_H
#define RECONCILER_DESIRED_GIT_INTERNAL_H

#include "util/strbuf.h"

/* libgit2's message for the last error of this thread; never NULL. */
const char *gitsrc_error_msg(void);

/* Appends the components of p to out ("a/b"), resolving "." and "..".
 * Returns -1 when ".." climbs above the start. */
int gitsrc_push_components(struct strbuf *out, const char *p);

#endif
