/*
 * Internal to the rule checks (check.c, check_actual.c): the state one run
 * of the checks shares, and the helpers both halves use. Not a public API.
 *
 * A check_ctx owns a scratch arena for folded names (hash-map keys) and a
 * few cached strings built from the profile; ctx_free() releases them all.
 */
#ifndef RECONCILER_RULES_CHECK_CTX_H
#define RECONCILER_RULES_CHECK_CTX_H

#include <stddef.h>

#include "model/model.h"
#include "rules/profile.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/strbuf.h"

struct check_ctx {
	const struct profile *p;
	struct diags *d;
	size_t errors_before;
	struct arena scratch; /* folded names, formatted positions */
	char rule[96];
	const char *allowed_identifiers; /* "cookies, ramp_ids, ctv_ids" */
};

void ctx_init(struct check_ctx *c, const struct profile *p, struct diags *d);
/* Returns the number of errors added since ctx_init(), and frees c. */
size_t ctx_finish(struct check_ctx *c);

/* "<profile id>.<rule>", valid until the next call. */
const char *ctx_rule(struct check_ctx *c, const char *rule);
/* The folded (trimmed, lower-cased) form of s, kept until ctx_finish(). */
const char *ctx_fold(struct check_ctx *c, const char *s);
/* "FILE:LINE:COL" for a message, kept until ctx_finish(). */
const char *ctx_where(struct check_ctx *c, const struct pos *pos);
/* The first of a and b that has a file: the value's position, else its
 * container's. */
const struct pos *pos_or(const struct pos *a, const struct pos *b);

/* Reports a Data Marketplace segment the profile refuses. `why` says how it
 * is known to be one ("declared with type data_marketplace", "the segment
 * catalog says so"); the hint depends on the offering. */
void ctx_marketplace(struct check_ctx *c, enum diag_severity sev, const struct pos *at, const char *account,
		     const char *segment_id, enum marketplace_offering offering, const char *why);

#endif
