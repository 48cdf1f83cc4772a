/*
 * The plan file: a plan as a versioned JSON document (specs/plan.schema.json).
 *
 * The saved plan (`plan -out`) and `plan --format json` are the same
 * document, so whatever a tool reads from one it can read from the other.
 * Writing is deterministic: keys in a fixed order, two-space indent, a
 * trailing newline; read(write(p)) writes the same bytes again.
 *
 * Reading treats the file as untrusted input (it may come from a CI
 * artifact, and it is fuzzed): every field's presence and type is checked,
 * unknown keys are refused, the format version must be one this build
 * knows, and the summary must agree with the changes. Any problem is one
 * diagnostic with rule "plan.file" naming the field, and -1.
 *
 * The writer is planfile.c, the reader planfile_read.c.
 */
#ifndef RECONCILER_PLAN_PLANFILE_H
#define RECONCILER_PLAN_PLANFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "plan/plan.h"
#include "util/diag.h"
#include "util/strbuf.h"

#define PLAN_FORMAT_VERSION 1

/* The document as a new reference (the caller json_decref()s it). The
 * summary written is recounted from the changes, so it always agrees. */
json_t *plan_to_json(const struct plan *p);
/* Appends the document to out: pretty, stable key order, trailing newline.
 * Returns 0 (-1 only if jansson cannot encode, which valid UTF-8 never
 * triggers: invalid bytes are replaced by U+FFFD before encoding). */
int plan_write_json(const struct plan *p, struct strbuf *out);
/* Writes the document to path atomically: a temporary file beside it, then
 * rename(2), so a reader never sees half a plan. */
int plan_write_file(const struct plan *p, const char *path, struct diags *d);

/* Parses a plan document. label names the input in diagnostics. On success
 * *out is a new plan (plan_free() it); on failure *out is NULL. */
int plan_read_json(struct plan **out, const char *data, size_t len, const char *label, struct diags *d);
int plan_read_file(struct plan **out, const char *path, struct diags *d);

/* The summary's counts as the document names them, in its order, for the
 * writer and the reader alike; the key of the last is NULL. `counted` is
 * what the reader recounts each from ("changes", "shares"); an optional one
 * may be missing (documents written before it existed). */
struct plan_summary_field {
	const char *key;
	size_t offset; /* of a size_t in struct plan_summary */
	const char *counted;
	bool optional;
};
extern const struct plan_summary_field plan_summary_fields[];

static inline size_t plan_summary_get(const struct plan_summary *s, const struct plan_summary_field *f)
{
	return *(const size_t *)(const void *)((const char *)s + f->offset);
}

#endif
