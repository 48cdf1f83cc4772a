/*
 * The pipeline plan and apply share: load -> check -> observe -> check
 * against actual -> diff. A config with any error never reaches observe.
 *
 * In pull-request mode (a base ref) the base branch's configuration is
 * loaded too and diffed against the same observed state, and every change
 * of the plan is tagged with its origin (plan/origin.h). The base is read
 * leniently: a file that does not load at the base is a "git.base" warning
 * and counts as absent there, so a pull request that fixes a broken file
 * still plans (what the file declares then shows as the pull request's
 * change). A base ref that does not exist is an error.
 */
#ifndef RECONCILER_RECONCILE_PIPELINE_H
#define RECONCILER_RECONCILE_PIPELINE_H

#include <stdbool.h>

#include "backend/backend.h"
#include "desired/git.h"
#include "model/model.h"
#include "plan/plan.h"
#include "reconcile/source.h"
#include "rules/profile.h"

struct pipeline {
	struct state *desired;
	struct profile *profile;
	struct backend *backend;
	struct state *actual;
	struct plan *plan;
	struct gitsrc *git;	 /* open when a ref was read */
	struct scope *scope;	 /* --only-changes: the accounts read (model/scope.h), or NULL */
	char commit[GITSRC_HEX]; /* the commit the desired state came from, or "" */
	bool locked;
};

struct pipeline_options {
	struct source_options src;
	const char *base;    /* plan --base REF: pull-request mode */
	bool only_changes;   /* with base: drop drift from the plan */
	const char *profile; /* NULL: the default */
	const char *backend; /* NULL: "local" */
	bool lock;	     /* take the backend's write lock before observing */
	int lock_timeout_ms;
	int concurrency; /* requests in flight (liveramp); 0: the default */
};

/* Runs the pipeline up to a plan. Returns 0, or -1 with diagnostics; what
 * was built is in *pl either way (pipeline_free releases it). On success
 * the plan owns the warnings that were found (plan->diags). */
int pipeline_plan(struct pipeline *pl, const struct pipeline_options *o, struct diags *d);
/* Opens the backend named by spec (and locks it when asked) and observes. */
int pipeline_observe(struct pipeline *pl, const struct pipeline_options *o, const struct settings *settings,
		     struct diags *d);
void pipeline_free(struct pipeline *pl);

#endif
