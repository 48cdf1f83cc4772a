/*
 * --metrics-file FILE for the commands a schedule runs (drift, status,
 * apply): the run's figures (record/metrics.h) written when the command
 * ends, whatever the outcome, so that a monitoring system sees failures
 * too. A file that cannot be written is reported and makes the run exit 1.
 */
#ifndef RECONCILER_CMD_METRICS_OUT_H
#define RECONCILER_CMD_METRICS_OUT_H

#include <stdbool.h>
#include <time.h>

#include "reconcile/pipeline.h"
#include "status/report.h"

struct metrics_out {
	const char *path; /* NULL: no metrics */
	struct timespec start;
};

/* Notes the start of the run (call first thing). */
void metrics_out_start(struct metrics_out *mo);
/* Writes the metrics when a path was given. outcome: the run's word (NULL:
 * derived from rc: "ok", "changes", "error"); done: every change of the
 * plan was applied. Returns rc, or EXIT_ERROR when the file could not be
 * written (the diagnostic printed). */
int metrics_out_write(const struct metrics_out *mo, const char *command, const struct pipeline *pl,
		      const struct status_report *status, const char *outcome, bool done, int rc);

#endif
