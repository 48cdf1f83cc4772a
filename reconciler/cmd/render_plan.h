/* Rendering a plan in the format a command was asked for (plan, show, apply). */
#ifndef RECONCILER_CMD_RENDER_PLAN_H
#define RECONCILER_CMD_RENDER_PLAN_H

#include <stdio.h>

#include <jansson.h>

#include "cmd/common.h"
#include "plan/plan.h"

/* Writes the plan to f; warnings go to stderr in text form (json and github
 * carry them inside their output). json_hint names where the JSON plan is,
 * for the markdown cut message; file_prefixes (NULL-terminated, may be
 * NULL) are left out of file names in GitHub annotations ("REF:" of each
 * ref read). Returns 0 or -1 on a write error. */
int render_plan(const struct plan *p, enum output_format fmt, FILE *f, const char *json_hint,
		const char *const *file_prefixes);
/* The same with every render option (artifact_url, max_bytes); color is
 * chosen here. */
struct render_options;
int render_plan_with(const struct plan *p, enum output_format fmt, FILE *f, const struct render_options *o);
/* --artifact-url URL: checked by render_url_ok; prints the error itself. */
int parse_artifact_url(const char *cmd, const char *s, const char **out);
/* Diagnostics as GitHub annotations on stdout (a plan that could not be
 * made, under --format github). */
int render_diags_github(const struct diags *d, const char *const *file_prefixes);

/* What a command prints on stdout when no plan could be made (exit 1), so
 * that a bot or a comment step has something to show: --format json an
 * error document in the plan schema ("error": true, "failure", the
 * diagnostics); --format markdown a short error comment; --format github
 * the diagnostics as annotations; text nothing (the diagnostics go to
 * stderr). Returns 0 or -1 on a write error. */
int render_failure(enum output_format fmt, const struct diags *d, const char *const *file_prefixes);
/* The error document alone (new reference), for commands that wrap it. */
json_t *failure_to_json(const struct diags *d);

#endif
