/*
 * The shape of the sandbox document, checked before anything reads it.
 *
 * The sandbox holds the Activation API's own resources under the API's own
 * field names (specs/sandbox.schema.json is the same description for people
 * and tools). A file edited by hand, or written by another program, may be
 * wrong in any way; this check looks at every field the local backend reads,
 * so that the code after it can take types for granted and a bad file gets
 * one clear diagnostic naming the file and the field instead of a crash.
 *
 * Unknown fields are allowed and kept: an API emulator may store more.
 */
#ifndef RECONCILER_SANDBOX_SCHEMA_H
#define RECONCILER_SANDBOX_SCHEMA_H

#include <stdbool.h>

#include <jansson.h>

#include "util/diag.h"

#define SANDBOX_FORMAT_VERSION 1

/* Hint shared by every diagnostic about a malformed sandbox. */
extern const char *const local_schema_hint;

/* Checks root (the whole document read from path). Returns 0, or -1 with
 * one error diagnostic (rule "backend") for the first problem found. */
int local_schema_check(json_t *root, const char *path, struct diags *d);

/* True when s is an API date ("2026-11-28", or a date-time whose first ten
 * characters are one); *days gets the date as days since the epoch. */
bool local_api_date(const char *s, long *days);

#endif
