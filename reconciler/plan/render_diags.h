/*
 * Rendering diagnostics for people (text), tools (json) and CI (GitHub
 * workflow annotations). Shared by validate, plan and every command that
 * reports a diagnostic.
 */
#ifndef RECONCILER_PLAN_RENDER_DIAGS_H
#define RECONCILER_PLAN_RENDER_DIAGS_H

#include <stdbool.h>
#include <jansson.h>

#include "util/diag.h"
#include "util/strbuf.h"

/* file:line:col: error[rule]: message, then "  hint: ..." */
void diags_render_text(const struct diags *d, struct strbuf *out, bool color);
/* ::error file=F,line=L,col=C,title=RULE::message */
void diags_render_github(const struct diags *d, struct strbuf *out);
/* The same, with the first of strip (a NULL-terminated list, or NULL) that
 * begins a file label removed from it: a label "main:config/a.yaml" from a
 * git ref is the file "config/a.yaml" to GitHub. */
void diags_render_github_in(const struct diags *d, const char *const *strip, struct strbuf *out);
/* file without the first of strip that begins it (see above). */
const char *diags_github_file(const char *file, const char *const *strip);
/* Escapes s for a workflow command: its message, or (property) a value of
 * file=, title=, where ',' and ':' are special too. */
void diags_github_escape(struct strbuf *out, const char *s, bool property);
/* [{"severity","rule","file","line","column","message","hint"}] (new reference) */
json_t *diags_to_json(const struct diags *d);
/* What stopped a command, from its errors' rule ids, for people and CI
 * that must say what failed: "backend" (the backend could not be read or
 * written: credentials, network, the API), "git" (a ref or repository),
 * "plan" (a saved plan that cannot be used), "apply" (caps, a change, the
 * record), or "configuration" (anything else: the YAML and its rules). */
const char *diags_failure_kind(const struct diags *d);
/* The same as a sentence: "the configuration has errors", ... */
const char *diags_failure_text(const char *kind);

/* Reads diagnostics back from the array diags_to_json made; malformed items
 * are skipped. Returns 0, or -1 when arr is not an array. */
int diags_from_json(struct diags *d, const json_t *arr);

#endif
