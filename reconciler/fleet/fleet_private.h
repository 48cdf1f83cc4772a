/*
 * Internals of fleet/: the git side of listing a fleet (fleet_git.c) for
 * fleet.c. Not for use outside fleet/.
 */
#ifndef RECONCILER_FLEET_FLEET_PRIVATE_H
#define RECONCILER_FLEET_FLEET_PRIVATE_H

#include <stddef.h>

#include "desired/git.h"
#include "util/diag.h"

/* One configuration file of an org: its path as the user would name it
 * (ROOT/NAME/sub/file.yaml) and its blob id ("" when not computed). */
struct fleet_file {
	char *path;
	char oid[GITSRC_HEX];
};

struct fleet_files {
	struct fleet_file *v;
	size_t n, cap;
};

void fleet_files_free(struct fleet_files *f);
/* The names of the directories directly under root in the tree of ref, in
 * strcmp order, dot-entries skipped. *exists is false when root is not a
 * directory there (no error). Returns 0, or -1 with git.* errors. */
int fleet_git_dirs(struct gitsrc *g, const char *ref, const char *root, char ***names, size_t *n,
		   bool *exists, struct diags *d);
/* The configuration files under dir (ROOT/NAME) in the tree of ref, with
 * their blob ids, in strcmp order. Returns 0 or -1. */
int fleet_git_files(struct gitsrc *g, const char *ref, const char *dir, struct fleet_files *out,
		    struct diags *d);
/* The blob id git gives the work-tree file path; 0 or -1. */
int fleet_hash_file(const char *path, char oid[GITSRC_HEX]);
void fleet_free_names(char **names, size_t n);

#endif
