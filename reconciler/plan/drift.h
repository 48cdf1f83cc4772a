/*
 * Drift: what a scheduled run finds when it plans the configuration
 * against the actual state, and what it may correct by itself.
 *
 * Drift is the plan's executable changes, plus the accounts that ended by
 * themselves at their end date (refused "account.ended" changes,
 * plan/ended.h): those are reported, with their reason, and never
 * corrected. Refused deletes of protected accounts are not drift: they are
 * the configuration's standing instruction.
 *
 * Correction is bounded by caps checked before anything runs. A scheduled
 * run has no reviewer, so for drift a "delete" is anything that stops a
 * distribution: an account delete or a segment removal.
 *
 * The JSON report (README "drift") wraps the plan document with what was
 * found and what was done. Pure: no I/O, no clock (the time comes in).
 */
#ifndef RECONCILER_PLAN_DRIFT_H
#define RECONCILER_PLAN_DRIFT_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"
#include "util/diag.h"
#include "util/strbuf.h"

struct drift_summary {
	size_t changes; /* executable changes */
	size_t deletes; /* of which account deletes and segment removals */
	size_t ended;	/* accounts that ended by themselves: reported, not corrected */
	bool found;	/* changes or ended accounts */
};

void drift_summarize(const struct plan *p, struct drift_summary *out);
/* Returns 0 when the correction fits the caps (-1: no cap), else -1 with
 * an "apply.caps" error saying which cap and by how much. */
int drift_check_caps(const struct drift_summary *s, long max_deletes, long max_changes, struct diags *d);

/* What --correct did. */
struct drift_correction {
	bool requested;
	const char *outcome;	       /* "applied", "partial", "failed", "blocked", "no_changes" */
	long max_deletes, max_changes; /* -1: no cap */
	size_t applied, failed, skipped, refused;
};

/* The report document: pretty JSON with a trailing newline. now: seconds
 * since the epoch; exit_code: what the command exits with. */
void drift_report_json(const struct plan *p, const struct drift_summary *s, const struct drift_correction *c,
		       long long now, int exit_code, struct strbuf *out);

#endif
