/*
 * Fleets: many LiveRamp orgs from one repository.
 *
 * A fleet root holds one directory per org (advertisers/acme/,
 * advertisers/globex/, ...). Each directory is a whole desired state with
 * settings.org_id set; its name is the org's name in the fleet.
 *
 * What it promises:
 *  - the orgs are the root's directories, in strcmp order, dot-entries and
 *    symbolic links skipped; read from the work tree or the tree of a ref,
 *    like the loader reads files (desired/load.h, desired/git.h);
 *  - every org has exactly one org_id: a directory whose files declare none
 *    is "fleet.org_id" (at the directory), two files of one directory that
 *    declare different ones are "fleet.org_id" (at both), and two
 *    directories with the same org_id are "fleet.duplicate_org" (at both);
 *  - an org whose files do not load otherwise is still listed: what is
 *    wrong with it is its own plan's business (a broken org never hides
 *    the others);
 *  - with a base ref, the fleet is cut down to the orgs whose configuration
 *    files (the loader's selection) differ between the base and the head,
 *    plus those that exist at the base only, marked removed.
 */
#ifndef RECONCILER_FLEET_FLEET_H
#define RECONCILER_FLEET_FLEET_H

#include <stdbool.h>
#include <stddef.h>

#include "desired/git.h"
#include "util/diag.h"

struct fleet_org {
	char *name;	       /* the directory's name */
	char *path;	       /* ROOT/NAME, as the root was given */
	char *org_id;	       /* NULL when none is declared (an error) */
	struct pos org_id_pos; /* where org_id was set; file owned by the org */
	bool removed;	       /* exists at the base only */
	bool invalid;	       /* breaks a fleet.* rule: must not run (fleet_load's errors say why) */
};

struct fleet {
	char *root; /* as given, without trailing '/' */
	struct fleet_org *orgs;
	size_t n, cap;
};

struct fleet_source {
	const char *root;
	const char *ref;  /* NULL: the work tree */
	const char *repo; /* NULL: the repository of the current directory */
};

/* Lists and checks the orgs of src. *out is always set (free it with
 * fleet_free). *git is opened when a ref is read and kept for the caller
 * (gitsrc_close). Returns 0, or -1 with errors in d ("fleet.root" when the
 * root is no directory or holds no org, and the rules above; the orgs those
 * rules name are marked invalid, and the others can still run). */
int fleet_load(struct fleet **out, const struct fleet_source *src, struct gitsrc **git, struct diags *d);
/* Keeps the orgs whose files differ between base and the head of src, and
 * adds those found at the base only (removed). Returns 0, or -1 with
 * "git.repo" / "git.ref" errors. */
int fleet_affected(struct fleet *f, const struct fleet_source *src, const char *base, struct gitsrc **git,
		   struct diags *d);
/* Keeps only the org named name; -1 with "fleet.org" when there is none. */
int fleet_pick(struct fleet *f, const char *name, struct diags *d);
void fleet_free(struct fleet *f);

#endif
