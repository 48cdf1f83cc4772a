/*
 * The read-only observe of the sandbox, without a JSON tree.
 *
 * sandbox_load() builds the whole document as a jansson tree, because a
 * write must keep every field it does not know; at 100,000 configs that
 * tree is ten times the file. A run that only reads (plan, drift without
 * --correct, status, import) needs none of it: this reads the file once
 * with the pull reader (stream.h) into compact records, checks them as
 * sandbox_load() checks the tree, and builds the same actual state
 * sandbox_observe() builds (the same accounts, catalog, held names and
 * warnings, in the same order).
 *
 * Whatever it does not accept (a missing or unreadable file, anything
 * malformed, anything past the reader's limits) it declines without a
 * word, and the caller takes the tree path, so a broken sandbox gets the
 * diagnostics it always got. Correctness does not rest on the two readers
 * agreeing on what is broken, only on this one never accepting what the
 * tree path refuses (tests/unit/test_sandbox_stream.c, and the fuzz target
 * tests/fuzz/fuzz_sandbox_stream.c, which compares both on every input).
 */
#ifndef RECONCILER_SANDBOX_OBSERVE_STREAM_H
#define RECONCILER_SANDBOX_OBSERVE_STREAM_H

#include <stddef.h>

#include "sandbox/doc.h"
#include "model/model.h"
#include "rules/profile.h"
#include "util/diag.h"

/* Which file was read, to tell whether it was replaced since. */
struct sandbox_file_id {
	unsigned long long dev, ino, size;
	long long mtime_sec, mtime_nsec;
};

/* Returned when the tree path must read the file: nothing was added to d. */
#define SANDBOX_STREAM_DECLINED 1

/* The actual state of the sandbox at path, as sandbox_load() then
 * sandbox_observe() give it: 0 with *out set (warnings in d), or
 * SANDBOX_STREAM_DECLINED with *out NULL. */
int sandbox_observe_stream(const char *path, const struct profile *p, const struct sandbox_pins *pins,
			   const char *source, struct state **out, struct diags *d);

/* The same over len bytes of JSON in buf, which needs len + 1 bytes and is
 * written to (strings are decoded in place). */
int sandbox_observe_buffer(char *buf, size_t len, const struct profile *p, const struct sandbox_pins *pins,
			   const char *source, struct state **out, struct diags *d);

#endif
