/*
 * Internals of the desired-state loader, shared by load.c (files and the
 * document root), walk.c (settings, accounts, segments, shares) and schema.c
 * (scalar typing and the schema.* diagnostics). Not for use outside desired/.
 *
 * Every check reports through the helpers below, which is what keeps the
 * wording, the rule ids and the positions uniform: the key node for unknown
 * keys, the value node for wrong types, the mapping for missing keys.
 */
#ifndef RECONCILER_DESIRED_WALK_H
#define RECONCILER_DESIRED_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "yaml/ydoc.h"
#include "model/model.h"
#include "util/diag.h"
#include "util/strbuf.h"

/* One document being loaded into a state. */
struct loader {
	struct state *s;
	struct diags *d;
	const char *file; /* the document's label, interned in s's arena */
	bool failed;      /* some schema error was reported for this document */
	size_t trimmed;   /* names read trimmed so far (walk.c warns for the first few) */
};

/* Where a node sits, for messages: "segment 12345 of account 'Acme'". */
struct where {
	const char *what;  /* "account", "segment", "settings", "the document", ... */
	const char *label; /* the item's name or id when known, else NULL */
	size_t index;      /* 1-based place in its list; 0 when not in a list */
	const struct where *parent;
};

/* YAML 1.2 core schema types of a scalar. */
enum yscalar {
	YS_NULL,
	YS_BOOL,
	YS_INT,
	YS_FLOAT,
	YS_STR,
};

enum yscalar load_scalar_kind(const struct ynode *n);
bool load_is_null(const struct ynode *n);
/* The node's position, with the file label that outlives the document. */
struct pos load_pos(const struct loader *L, const struct ynode *n);
/* "a string 'yes'", "a number 12", "a boolean true", "null", "a list". */
void load_describe(struct strbuf *sb, const struct ynode *n);

/* Index of key in the NULL-terminated table allowed, or -1 after reporting
 * schema.unknown_field (with a "did you mean" when one is close). */
int load_key(struct loader *L, const struct ynode *key, const char *const *allowed,
	     const struct where *w);
/* schema.required at map: "account 'Acme' is missing required key 'x'". */
void load_err_required(struct loader *L, const struct ynode *map, const struct where *w,
		       const char *key, const char *hint);
/* schema.type at n: "'key' in W: expected E, found F". item > 0 names the
 * item of a list ("item 2 of 'identifiers' in ..."). */
void load_err_type(struct loader *L, const struct ynode *n, const struct where *w, const char *key,
		   size_t item, const char *expected, const char *hint);
/* Any diagnostic at n, counted as a failure of the document. */
void load_err(struct loader *L, const struct ynode *n, const char *rule, const char *hint,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Typed readers. Each returns true and fills *out, or reports schema.type
 * and returns false, leaving *out alone. Strings are copied into the state's
 * arena with the node's position. */
bool load_bool(struct loader *L, const struct ynode *n, const struct where *w, const char *key,
	       bool *out);
/* A string; a number is taken as its text (names, dates). */
bool load_text(struct loader *L, const struct ynode *n, const struct where *w, const char *key,
	       size_t item, struct sval *out);
/* A non-empty string or an integer, as text (segment ids). */
bool load_id(struct loader *L, const struct ynode *n, const struct where *w, const char *key,
	     size_t item, struct sval *out);
/* One word of the NULL-terminated table words; *out is its index. */
bool load_word(struct loader *L, const struct ynode *n, const struct where *w, const char *key,
	       size_t item, const char *const *words, int *out);
/* True for a list, or for null (an empty list); else reports and returns
 * false. */
bool load_list(struct loader *L, const struct ynode *n, const struct where *w, const char *key);
/* A list of strings (numbers as text) into an arena array. */
void load_text_list(struct loader *L, const struct ynode *n, const struct where *w,
		    const char *key, struct sval **out, size_t *n_out);

/* The sections of a document (walk.c). */
void load_walk_settings(struct loader *L, const struct ynode *n);
void load_walk_account(struct loader *L, const struct ynode *n, size_t index);
void load_walk_share(struct loader *L, const struct ynode *n, size_t index);

#endif
