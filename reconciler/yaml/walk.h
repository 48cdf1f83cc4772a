/*
 * A table-driven walker for typed YAML mappings, used to read destination
 * profiles (rules/profile.c). Internal to rules/.
 *
 * A pw_table lists the keys a mapping may have, the type of each and where
 * its value goes (an offset into a target struct). pw_walk() refuses what
 * the table does not describe: an unknown key (with a "did you mean"), a
 * value of the wrong type, a missing required key; each is a diagnostic
 * with the walker's rule id and the position of the offending node.
 * Strings and arrays are copied into the walker's arena.
 */
#ifndef RECONCILER_RULES_PROFILE_WALK_H
#define RECONCILER_RULES_PROFILE_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "yaml/ydoc.h"
#include "util/arena.h"
#include "util/diag.h"

/* Bounds any count or limit a profile may state; far above real ones. */
#define PW_UINT_MAX 1000000000u

struct pwalk {
	struct arena *arena; /* strings and arrays land here */
	struct diags *d;
	const char *rule; /* rule id of every diagnostic: "profile" */
	bool failed;	  /* set by any problem; the caller discards the result */
	void *user;	  /* what PW_CUSTOM parsers fill */
};

enum pw_kind {
	PW_STR,		 /* const char *, non-null scalar */
	PW_BOOL,	 /* bool */
	PW_UINT,	 /* unsigned */
	PW_TRI,		 /* int: 1, 0, or -1 for null (unknown) */
	PW_LONG_OR_NULL, /* long: a count, or -1 for null (unknown) */
	PW_STR_LIST,	 /* const char **, count at count_off */
	PW_MAP,		 /* a nested mapping whose fields land in the same target */
	PW_CUSTOM,	 /* parsed by fn */
};

struct pw_table;

struct pw_field {
	const char *key;
	enum pw_kind kind;
	bool required;
	size_t off;	  /* of the value inside the target */
	size_t count_off; /* PW_STR_LIST: of its size_t count */
	const struct pw_table *nested;
	void (*fn)(struct pwalk *w, const struct ynode *n); /* PW_CUSTOM */
};

struct pw_table {
	const char *what; /* for messages: "the profile", "record_sync" */
	const struct pw_field *fields;
	size_t n;
};

void pw_fail(struct pwalk *w, const struct ynode *at, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Typed scalars; each reports and returns false on a wrong type. */
bool pw_str(struct pwalk *w, const struct ynode *n, const char *key, const char **out);
bool pw_bool(struct pwalk *w, const struct ynode *n, const char *key, bool *out);
bool pw_uint(struct pwalk *w, const struct ynode *n, const char *key, unsigned *out);
bool pw_map(struct pwalk *w, const struct ynode *n, const char *what);
bool pw_key_ok(struct pwalk *w, const struct ynode *k, const char *what);
/* Walks mapping n by table t, storing values into target. */
void pw_walk(struct pwalk *w, const struct ynode *n, const struct pw_table *t, void *target);
/* The key node of `key` in a mapping (a section is reported where its name
 * is written), or map itself when the key is absent. */
const struct ynode *pw_key_node(const struct ynode *map, const char *key);
char *pw_strdup(struct pwalk *w, const char *s);

#endif
