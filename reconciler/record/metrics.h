/*
 * Metrics for the scheduled runs: what a drift, status or apply run found
 * and how it ended, in the Prometheus text exposition format, for
 * node_exporter's textfile collector or a Pushgateway.
 *
 * Every series carries command and org labels, so the files of several
 * jobs (a drift and a status run of the same org, or one job per org) can
 * sit in one collector directory without colliding. Per account: changes
 * pending by kind, refused changes, in sync or not, and (status) its
 * distributed segments by delivery health; per org: accounts, accounts in
 * sync, shares pending and overdue (status), and the run's outcome, exit
 * code, duration and finishing time.
 *
 * After an apply (or drift --correct) that completed, nothing is pending;
 * after one that stopped or partly failed, the plan's changes are reported
 * pending: an upper bound, which the next run makes exact.
 *
 * metrics_render is pure (values in, text out); metrics_write_file writes
 * a file atomically: a temporary file beside it (not named *.prom, so a
 * collector never reads it half-written), fsync, rename(2), which replaces
 * a link at the path instead of writing through it.
 */
#ifndef RECONCILER_RECORD_METRICS_H
#define RECONCILER_RECORD_METRICS_H

#include <stdbool.h>

#include "model/model.h"
#include "plan/plan.h"
#include "status/report.h"
#include "util/diag.h"
#include "util/strbuf.h"

struct run_metrics {
	const char *command; /* "drift", "status", "apply" */
	const char *org;     /* the org label: the LiveRamp org, or the backend spec */
	const char *outcome; /* "in_sync", "drift", "applied", "partial", "failed", "blocked",
				"no_changes", "attention", "ok", "error", ... */
	int exit_code;
	double duration_seconds;
	long long finished;		    /* Unix time */
	bool done;			    /* the plan's changes were all applied */
	const struct state *desired;	    /* NULL: not loaded */
	const struct plan *plan;	    /* NULL: the run stopped before a plan */
	const struct status_report *status; /* status only, else NULL */
};

/* Appends the exposition text (HELP and TYPE lines, then samples; a
 * trailing newline). */
void metrics_render(const struct run_metrics *m, struct strbuf *out);
/* Writes text to path atomically (see above). Returns 0, or -1 with a
 * "record.metrics" error. */
int metrics_write_file(const char *path, const struct strbuf *text, struct diags *d);

#endif
