/*
 * The tail both runs that change the backend share (apply, and drift
 * --correct): each change's outcome line, the counts line, and the audit
 * record of the run (record/audit.h).
 */
#ifndef RECONCILER_CMD_OUTCOME_H
#define RECONCILER_CMD_OUTCOME_H

#include <stdbool.h>
#include <stdio.h>

#include "apply/apply.h"
#include "plan/plan.h"
#include "record/audit.h"
#include "util/diag.h"

/* "  add segment S on "A": done" (or FAILED: why, or refused (why)), and
 * with --log-format json its event (log_change_result). */
void print_change_outcome(FILE *f, const struct change *c, bool ok, const char *message);
/* "\nWHAT complete: N applied, N failed, N skipped[, N refused].\n"
 * (incomplete when rc is not 0). */
void print_outcome_counts(FILE *f, const char *what, int rc, const struct apply_report *r);

/* Completes rec (whose ref, commit, dirty and plan_file the caller set)
 * from the plan and the counts, appends it to audit_log and says so on
 * stderr. A record that cannot be written is an error (-1, in d): the
 * change is made, but not traceable. */
int record_outcome(struct audit_record *rec, const char *audit_log, const struct plan *p, const char *outcome,
		   const struct apply_report *r, struct diags *d);

#endif
