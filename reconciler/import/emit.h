/*
 * Writing configuration: observed accounts as the YAML the loader reads,
 * for `import`, which adopts an organization's existing accounts.
 *
 * What it promises: loading what it writes gives back the same account
 * (name, client name, identifiers, status, end date, segments), so that a
 * plan of the written files against the same backend has no changes.
 * Every string from the backend is written double-quoted with YAML escapes
 * for anything that is not printable, so no name (a colon, a '#', leading
 * spaces, "yes", "null", a number, quotes, newlines, control characters,
 * any Unicode) can read back as something else or break the file.
 *
 * Pure: no I/O; the caller writes the text where it wants.
 */
#ifndef RECONCILER_IMPORT_EMIT_H
#define RECONCILER_IMPORT_EMIT_H

#include <stdbool.h>

#include "model/model.h"
#include "rules/profile.h"
#include "util/strbuf.h"

/* Appends s as a double-quoted YAML scalar that reads back as exactly s
 * (s must be valid UTF-8; any invalid byte becomes U+FFFD). */
void emit_yaml_str(struct strbuf *out, const char *s);

/* Appends a whole configuration file declaring the one account a of the
 * actual state s (its catalog names the segments). A Data Marketplace
 * segment config is left out, with a comment: the profile forbids
 * declaring it, so plan will remove it. header: comment lines for the top
 * of the file (each line without "# "), or NULL. */
void emit_account_file(struct strbuf *out, const struct account *a, const struct state *s,
		       const struct profile *p, const char *header);

/* Appends a configuration file that declares no account (the import of an
 * organization that has none), so that a plan of it has no changes. */
void emit_empty_file(struct strbuf *out, const char *header);
#define EMIT_EMPTY_FILE_NAME "no_accounts.yaml" /* no account's file name: those never hold '_' */

/* The file name for an account (without directory): its name in lower
 * case ASCII letters and digits, other characters as '-' (runs of them as
 * one), at most 60 characters, "account" when nothing is left, then
 * ".yaml". So it never holds '/', "..", a control character or a leading
 * dot; a name Windows reserves (con, nul, com1, ...) gets "-account". */
void emit_file_name(struct strbuf *out, const char *account_name);

#endif
