/*
 * The pipeline plan and apply share: load -> check -> observe -> check
 * against actual -> diff. A config with any error never reaches observe.
 */
#ifndef RECONCILER_CMD_PIPELINE_H
#define RECONCILER_CMD_PIPELINE_H

#include <stdbool.h>

#include "backend/backend.h"
#include "model/model.h"
#include "plan/plan.h"
#include "rules/profile.h"

struct pipeline {
	struct state *desired;
	struct profile *profile;
	struct backend *backend;
	struct state *actual;
	struct plan *plan;
	bool locked;
};

struct pipeline_options {
	const char *const *paths;
	size_t n_paths;
	const char *profile; /* NULL: the default */
	const char *backend; /* NULL: "local" */
	bool lock;           /* take the backend's write lock before observing */
	int lock_timeout_ms;
	int concurrency;     /* requests in flight (liveramp); 0: the default */
};

/* Runs the pipeline up to a plan. Returns 0, or -1 with diagnostics; what
 * was built is in *pl either way (pipeline_free releases it). On success
 * the plan owns the warnings that were found (plan->diags). */
int pipeline_plan(struct pipeline *pl, const struct pipeline_options *o, struct diags *d);
/* Opens the backend named by spec (and locks it when asked) and observes. */
int pipeline_observe(struct pipeline *pl, const struct pipeline_options *o,
		     const struct settings *settings, struct diags *d);
void pipeline_free(struct pipeline *pl);

#endif
