/*
 * Apply: executes a plan against a backend, in the plan's order, and
 * reports the outcome of every change.
 *
 * What it promises:
 *  - the safety caps (max deletes, max changes) are checked before the first
 *    call; beyond them nothing is executed;
 *  - an account is created before its segments are added; segments are
 *    removed before their account is deleted (the plan's order);
 *  - segment adds and removes go in batches of at most BACKEND_BATCH_MAX;
 *  - a failure skips only the work that depends on it (a failed create skips
 *    that account's segment adds) and everything else goes on, so a re-run
 *    converges;
 *  - refused changes (protected accounts) are never executed.
 * The caller holds the backend lock and has checked the plan's fingerprint.
 */
#ifndef RECONCILER_APPLY_APPLY_H
#define RECONCILER_APPLY_APPLY_H

#include <signal.h>
#include <stdbool.h>

#include "backend/backend.h"
#include "model/model.h"
#include "plan/plan.h"

struct apply_options {
	long max_deletes; /* -1: no cap */
	long max_changes; /* -1: no cap */
	/* Called once per change (batched segment changes: once per change in
	 * the batch). message is NULL on success; a refused change (c->refused)
	 * comes with ok false and its refusal as message. */
	void (*on_result)(void *ctx, const struct change *c, bool ok, const char *message);
	void *ctx;
	/* When set and non-zero (a signal arrived), apply stops before the next
	 * change or batch: the one under way is finished, never cut halfway,
	 * and every change not started is reported skipped, "interrupted". */
	const volatile sig_atomic_t *stop;
};

struct apply_report {
	size_t applied;
	size_t failed;
	size_t skipped;	  /* depended on a failed change, or not started */
	size_t refused;	  /* refused by the plan (protected accounts): never executed */
	bool interrupted; /* stopped by o->stop before the end */
};

/* Returns 0 when within the caps; else -1 with a diagnostic (rule "apply.caps")
 * saying which cap and by how much. */
int apply_check_caps(const struct plan *p, const struct apply_options *o, struct diags *d);
/* Executes p against b. actual is the state observed under the lock (its
 * values fill what an update does not change). Returns 0 when every change
 * succeeded, -1 otherwise (details in d and through on_result). */
int apply_plan(struct backend *b, const struct plan *p, const struct state *actual,
	       const struct apply_options *o, struct apply_report *r, struct diags *d);

#endif
