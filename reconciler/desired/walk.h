/*
 * Internals of the desired-state loader, shared by load.c (files and the
 * document root), walk.c (settings, accounts, segments, shares) and schema.c
 * (the readers of values kept in the state). Not for use outside desired/.
 *
 * Every check reports through the typed walker (yaml/walk.h), which is what
 * keeps the wording, the rule ids and the positions uniform: the key node
 * for unknown keys, the value node for wrong types, the mapping for missing
 * keys.
 */
#ifndef RECONCILER_DESIRED_WALK_H
#define RECONCILER_DESIRED_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "util/diag.h"
#include "yaml/walk.h"
#include "yaml/ydoc.h"

/* One document being loaded into a state. w.arena is the state's, w.file
 * the document's label interned there; w.failed: some schema error was
 * reported for this document. */
struct loader {
	struct ywalk w;
	struct state *s;
	size_t trimmed; /* names read trimmed so far (walk.c warns for the first few) */
};

/* Readers of values kept in the state: each returns true and fills *out,
 * or reports and returns false, leaving *out alone. Strings are copied
 * into the state's arena with the node's position. */
/* A string; a number is taken as its text (names, dates). */
bool load_text(struct loader *L, const struct ynode *n, const struct ywhere *w, const char *key, size_t item,
	       struct sval *out);
/* A non-empty string or an integer, as text (segment ids). */
bool load_id(struct loader *L, const struct ynode *n, const struct ywhere *w, const char *key, size_t item,
	     struct sval *out);
/* A list of strings (numbers as text) into an arena array. */
void load_text_list(struct loader *L, const struct ynode *n, const struct ywhere *w, const char *key,
		    struct sval **out, size_t *n_out);

/* The sections of a document (walk.c). */
void load_walk_settings(struct loader *L, const struct ynode *n);
void load_walk_account(struct loader *L, const struct ynode *n, size_t index);
void load_walk_share(struct loader *L, const struct ynode *n, size_t index);

#endif
