/*
 * A pull reader of JSON over one buffer, for reading a large sandbox
 * without building a tree.
 *
 * The caller walks the document as it goes (js_enter_object / js_next_key,
 * js_enter_array / js_next_item, js_string, js_integer, js_skip), so only
 * what it keeps costs memory. Strings are decoded in place in the buffer,
 * which the reader therefore writes to: a string returned stays valid, and
 * NUL-terminated, as long as the buffer does.
 *
 * It accepts exactly what jansson accepts with JSON_REJECT_DUPLICATES (the
 * tree reader of the sandbox, sandbox/store.c), or less: RFC 8259
 * grammar, strict UTF-8 (no overlong forms, no surrogates, nothing past
 * U+10FFFF), escapes with paired surrogates, no \u0000, integers within
 * 64 bits, reals without overflow, duplicate keys refused at every depth.
 * On top of that it has limits of its own (JS_MAX_DEPTH nested containers,
 * JS_MAX_KEYS keys in one object); past them it fails too. A failure is
 * sticky and carries no message: the sandbox reader then hands the file to
 * the tree reader, whose diagnostics are the ones users know. So every
 * input the reader accepts, jansson accepts with the same values.
 */
#ifndef RECONCILER_SANDBOX_STREAM_H
#define RECONCILER_SANDBOX_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#define JS_MAX_DEPTH 32
#define JS_MAX_KEYS 64

enum js_type {
	JS_BAD = 0, /* not the start of a value, or the reader failed */
	JS_OBJECT,
	JS_ARRAY,
	JS_STRING,
	JS_NUMBER,
	JS_TRUE,
	JS_FALSE,
	JS_NULL,
};

struct js_key {
	const char *s;
	size_t len;
};

struct jstream {
	char *p;   /* next byte to read */
	char *end; /* *end is a NUL the reader placed there */
	bool failed;
	size_t key_len; /* of the key js_next_key returned last */
	unsigned depth;
	bool started[JS_MAX_DEPTH]; /* an item was read in this container */
	size_t key_base[JS_MAX_DEPTH];
	struct js_key *keys; /* keys of the open objects, innermost last */
	size_t n_keys;
};

/* buf holds len bytes of JSON and one more byte, which the reader sets to
 * NUL. buf must outlive every string read from it. */
void js_init(struct jstream *js, char *buf, size_t len);
void js_release(struct jstream *js);

/* The type of the next value, not consumed; JS_BAD fails the reader. */
enum js_type js_peek(struct jstream *js);

/* Containers. js_next_key and js_next_item return false at the end of the
 * container (consumed) and on failure: check js->failed after the loop.
 * After true, exactly one value must be read (or skipped). */
bool js_enter_object(struct jstream *js);
bool js_next_key(struct jstream *js, const char **key);
bool js_enter_array(struct jstream *js);
bool js_next_item(struct jstream *js);

/* Scalars; each fails the reader when the value is of another type. */
const char *js_string(struct jstream *js);
bool js_integer(struct jstream *js, long long *out);
bool js_null(struct jstream *js);
/* Any value, checked as strictly as if it were read. */
bool js_skip(struct jstream *js);
/* True when only whitespace is left. */
bool js_at_end(struct jstream *js);

#endif
