/*
 * Logs for machines: with --log-format json (or RECONCILER_LOG_FORMAT=json)
 * everything the tool says on stderr is one JSON object a line, for
 * Kubernetes and CI log search:
 *
 *   {"time":"2026-12-01T10:00:00.123Z","level":"error","rule":"kargo.client_name",
 *    "file":"acme.yaml","line":3,"column":5,"message":"...","hint":"..."}
 *
 * Every key is always there (null when it does not apply). level is error,
 * warning, note (diagnostics) or info (progress and other messages); time
 * is the wall clock, UTC, to the millisecond. Diagnostics and progress
 * events are written as such; any other line written to stderr (a
 * command's own message) becomes an event of its own, level "error" when
 * it reads "reconciler CMD: ..." (how commands word their errors), "info"
 * otherwise, so that no line escapes as plain text.
 *
 * This is the sink main and the commands print through; the state is
 * process-wide because stderr is.
 */
#ifndef RECONCILER_UTIL_LOG_JSON_H
#define RECONCILER_UTIL_LOG_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"

/* Takes --log-format FMT / --log-format=FMT out of argv (anywhere before a
 * "--"; *argc shrinks), else reads RECONCILER_LOG_FORMAT; FMT is text or
 * json. Returns 0, or -1 with a message in err (the value is bad). */
int log_setup(int *argc, char **argv, char *err, size_t n);
/* Whether JSON was chosen. */
bool log_json_enabled(void);
/* With JSON chosen: routes stderr through the line converter. */
void log_start(void);
/* Flushes and restores stderr; safe to call twice. */
void log_finish(void);

/* One diagnostic as one line. */
void log_json_diag(const struct diag *dg);
/* One event (level "info", "error", ...; rule may be NULL). */
void log_json_event(const char *level, const char *rule, const char *message);
/* The progress of n requests: done of n "verb: done/n noun", rule
 * "progress". Throttled to each tenth (and the first and last). */
void log_json_progress(const char *verb, const char *noun, size_t done, size_t n);

#endif
