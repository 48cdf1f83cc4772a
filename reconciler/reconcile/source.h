/*
 * The front of a run: where the desired state is read from, loading it, and
 * the desired-state rules. The pipeline (reconcile/pipeline.h) and validate
 * both start here; nothing here parses a command line or prints.
 */
#ifndef RECONCILER_RECONCILE_SOURCE_H
#define RECONCILER_RECONCILE_SOURCE_H

#include <stddef.h>

#include "desired/git.h"
#include "model/model.h"
#include "rules/profile.h"
#include "util/diag.h"

#define DEFAULT_PROFILE "kargo"

/* Where a run reads the desired state: the work tree, or the tree of a git
 * ref (--ref REF, in the repository of --repo DIR or of the current
 * directory). */
struct source_options {
	const char *const *paths; /* none: "." */
	size_t n_paths;
	const char *ref;  /* NULL: the work tree */
	const char *repo; /* NULL: the repository containing the current directory */
};

/* Opens the repository of so (once: *git is kept open for the caller, who
 * closes it with gitsrc_close). */
int open_repo(const struct source_options *so, struct gitsrc **git, struct diags *d);
/* Loads the desired state from so: the work tree, or ref (opening *git
 * when it is NULL). commit receives the commit id for a ref, "" otherwise. */
int load_desired(const struct source_options *so, const char *ref, struct gitsrc **git, struct state **out,
		 char commit[GITSRC_HEX], struct diags *d);

/* The front of every pipeline: load the destination profile, load the YAML
 * from so (default "."), run the desired-state rules. *desired and
 * *profile are set whenever they could be loaded (possibly with errors in
 * d), so the caller can still report; the caller frees them (and closes
 * *git). Returns 0 when nothing is an error, -1 otherwise. */
int load_and_check(const struct source_options *so, const char *profile_name, struct gitsrc **git,
		   struct state **desired, struct profile **profile, char commit[GITSRC_HEX],
		   struct diags *d);

#endif
