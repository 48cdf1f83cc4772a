/*
 * A YAML document as a tree of nodes that remember where they were written.
 *
 * Built from libyaml's event stream in a single pass. What it promises:
 *  - every node carries file, line and column (1-based);
 *  - duplicate mapping keys are reported (schema.duplicate_key), naming both
 *    places;
 *  - anchors and aliases work (an alias shares the anchored node), merge keys
 *    (`<<: *base`) are resolved with explicit keys winning, and the size of
 *    the expanded document is bounded so a "billion laughs" file is refused
 *    as soon as the budget is passed, in time proportional to the file;
 *  - nesting depth, file size, invalid UTF-8 and NUL bytes are refused with a
 *    position and a plain message before libyaml sees them.
 *
 * The tree and all its strings live in the document's arena: ydoc_free()
 * releases everything.
 */
#ifndef RECONCILER_YAML_YDOC_H
#define RECONCILER_YAML_YDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/diag.h"

#define YDOC_MAX_BYTES (16u * 1024 * 1024)
#define YDOC_MAX_DEPTH 64
#define YDOC_MAX_NODES 4000000u /* after alias expansion */

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

/* Sizes kept small: a document holds one node per scalar, and 64 bytes
 * rather than 96 is a third less memory to fault in. A document is at most
 * YDOC_MAX_BYTES long and YDOC_MAX_NODES large, so 32 bits count anything
 * in it. */
struct ynode {
	struct pos pos;
	const char *tag; /* explicit tag (e.g. "!!str"), or NULL */
	/* scalar */
	const char *str; /* NUL-terminated; may contain no NUL (refused earlier) */
	/* sequence: items[0..n); mapping: keys[i] -> items[i] */
	struct ynode **keys;
	struct ynode **items;
	uint32_t len; /* scalar: bytes in str */
	uint32_t n;
	uint32_t weight;    /* nodes in the expanded subtree, this one included */
	unsigned char kind; /* enum ynode_kind */
	bool plain;	    /* unquoted: may be a null, bool or number */
};

struct ydoc {
	struct arena arena;
	struct ynode *root; /* NULL for an empty file */
	const char *file;   /* the label positions carry; owned by the arena */
};

/* Parses data (len bytes) as one YAML document. label names the file in
 * positions ("examples/basic/acme.yaml", "main:accounts/acme.yaml").
 * Returns 0 and sets *out, or -1 with diagnostics added (and *out NULL). */
int ydoc_parse(struct ydoc **out, const char *label, const char *data, size_t len, struct diags *d);
/* Reads path (refusing files over YDOC_MAX_BYTES) and parses it. */
int ydoc_load_file(struct ydoc **out, const char *path, const char *label, struct diags *d);
void ydoc_free(struct ydoc *doc);

/* Scalar helpers. */
bool ynode_is_null(const struct ynode *n); /* plain ~, null, Null, NULL, or empty */
/* Looks up a key in a mapping node; NULL when absent or n is not a mapping. */
struct ynode *ynode_get(const struct ynode *map, const char *key);
const char *ynode_kind_name(const struct ynode *n); /* "a string", "a list", ... */

#endif
