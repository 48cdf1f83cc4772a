/*
 * The typed walker: reading a YAML document (yaml/ydoc.h) into typed values,
 * for the desired-state loader (desired/) and the destination profiles
 * (rules/).
 *
 * What it promises:
 *  - scalars are typed by the YAML 1.2 core schema (yscalar_kind): plain
 *    true/false are booleans, plain null/~/empty are null, plain integers
 *    are numbers; quoted and block scalars are always strings;
 *  - every problem is one error diagnostic at the offending node, worded
 *    the same way wherever it is found: the key node for an unknown key
 *    (with a "did you mean" among the allowed keys), the value node for a
 *    wrong type ("'key' in W: expected E, found F"), the mapping for a
 *    missing key; W names the place ("segment 12 of account 'Acme'");
 *  - a reader that refuses a value reports it, sets failed and returns
 *    false, leaving its output alone; strings and arrays it keeps are
 *    copied into the walk's arena, so they outlive the document.
 *
 * A mapping is read either key by key (yw_key, then the typed readers, for
 * a shape with logic of its own) or by a table (yw_walk) saying, for each
 * key, its type and where its value goes; both report the same way.
 */
#ifndef RECONCILER_YAML_WALK_H
#define RECONCILER_YAML_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "yaml/ydoc.h"

/* One walk of a document. */
struct ywalk {
	struct arena *arena; /* copied strings and arrays land here */
	struct diags *d;
	const char *file; /* the file label positions carry; NULL: the node's own */
	const char *rule; /* NULL: each problem's rule id (schema.type, ...); else this one for all */
	bool failed;	  /* some error was reported */
};

/* Where a node sits, for messages: "segment 12345 of account 'Acme'". */
struct ywhere {
	const char *what;  /* "account", "segment", "the document", "the profile", ... */
	const char *label; /* the item's name or id when known, else NULL */
	size_t index;	   /* 1-based place in its list; 0 when not in a list */
	const struct ywhere *parent;
};

/* YAML 1.2 core schema types of a scalar. */
enum yscalar {
	YS_NULL,
	YS_BOOL,
	YS_INT,
	YS_FLOAT,
	YS_STR,
};

enum yscalar yscalar_kind(const struct ynode *n);
/* No node, or a null scalar. */
bool yw_is_null(const struct ynode *n);
/* The node's position, with w->file as its file when set. */
struct pos yw_pos(const struct ywalk *w, const struct ynode *n);
/* "a string 'yes'", "a number 12", "a boolean true", "null", "a list". */
void yw_describe(struct strbuf *sb, const struct ynode *n);
/* s quoted, at most 40 bytes of it on one line, cut on a code point. */
void yw_quote(struct strbuf *sb, const char *s);
/* "item 2 of 'key' in W" (item 0 and key NULL leave their part out). */
void yw_subject(struct strbuf *sb, const struct ywhere *where, const char *key, size_t item);

/* Any error at n (with w->rule in place of rule when set). */
void yw_err(struct ywalk *w, const struct ynode *n, const char *rule, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Index of key in the NULL-terminated table allowed, or -1 after reporting
 * schema.unknown_field. */
int yw_key(struct ywalk *w, const struct ynode *key, const char *const *allowed, const struct ywhere *where);
/* schema.required at map: "account 'Acme' is missing required key 'x'". */
void yw_err_required(struct ywalk *w, const struct ynode *map, const struct ywhere *where, const char *key,
		     const char *hint);
/* schema.type at n: "'key' in W: expected E, found F". suffix (or NULL) is
 * appended, e.g. a "did you mean". */
void yw_err_type(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key,
		 size_t item, const char *expected, const char *suffix, const char *hint);

/* Typed readers: each returns true and fills *out, or reports schema.type
 * and returns false. */
bool yw_bool(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key, bool *out);
/* A whole number 0..max written plainly in decimal. */
bool yw_uint(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key,
	     unsigned max, unsigned *out);
/* A string (a number is taken as its text), copied into the arena; with
 * nonempty, the empty string is refused too. */
bool yw_text(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key, size_t item,
	     bool nonempty, const char **out);
/* One word of the NULL-terminated table words; *out is its index. */
bool yw_word(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key, size_t item,
	     const char *const *words, int *out);
/* True for a list, or for null (an empty list). */
bool yw_list(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key);
/* True for a mapping. */
bool yw_map(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key);

/* The key node of `key` in a mapping (a section is reported where its name
 * is written), or map itself when the key is absent. */
const struct ynode *yw_key_node(const struct ynode *map, const char *key);

/* ---- mappings read by a table ---------------------------------------- */

/* Bounds any count or limit a table reads; far above real ones. */
#define YW_UINT_MAX 1000000000u

enum yw_kind {
	YW_STR,		 /* const char *, a non-empty string */
	YW_BOOL,	 /* bool */
	YW_UINT,	 /* unsigned, 0..YW_UINT_MAX */
	YW_TRI,		 /* int: 1, 0, or -1 for null (unknown) */
	YW_LONG_OR_NULL, /* long: a count, or -1 for null (unknown) */
	YW_STR_LIST,	 /* const char **, count at count_off */
	YW_MAP,		 /* a nested mapping whose fields land in the same target */
	YW_CUSTOM,	 /* read by fn */
};

struct yw_table;

struct yw_field {
	const char *key;
	enum yw_kind kind;
	bool required;
	size_t off;	  /* of the value inside the target */
	size_t count_off; /* YW_STR_LIST: of its size_t count */
	const struct yw_table *nested;
	/* YW_CUSTOM: reads n, the value of key, into target; where names the
	 * mapping that holds key. */
	void (*fn)(struct ywalk *w, const struct ynode *n, const struct ywhere *where, void *target);
};

struct yw_table {
	const char *what; /* names the mapping in messages: "record_sync" */
	const struct yw_field *fields;
	size_t n;
};

/* Walks mapping n by table t into target: an unknown key, a value of the
 * wrong type, a missing required key are reported. where names n (NULL:
 * t->what alone); a nested table's mapping is named by its what, inside
 * where. */
void yw_walk(struct ywalk *w, const struct ynode *n, const struct yw_table *t, const struct ywhere *where,
	     void *target);

#endif
