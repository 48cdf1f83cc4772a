/*
 * The audit log: one JSON object per line (JSON Lines) for every apply that
 * came to a decision, so that any change to the actual state can be traced
 * to the configuration, the commit and the plan it came from.
 *
 * A record holds names, ids, counts and the backend spec, never a secret:
 * the spec is "liveramp" or "local:FILE" (credentials come from the
 * environment and are never part of it), and nothing else a record holds is
 * read from the environment.
 *
 * The same line is what record/notes.h attaches to the commit as a git note.
 */
#ifndef RECONCILER_RECORD_AUDIT_H
#define RECONCILER_RECORD_AUDIT_H

#include <stdbool.h>
#include <time.h>

#include "plan/plan.h"
#include "util/diag.h"

#define AUDIT_DEFAULT_PATH ".reconciler/audit.jsonl"

struct audit_record {
	time_t time;
	/* "applied" (every change done), "partial" (some failed), "failed"
	 * (none done), "no_changes", "blocked" (a safety cap stopped it) */
	const char *outcome;
	const char *source;  /* the plan's source ("git main@<id>: config") */
	const char *ref;     /* the git ref as given, or NULL */
	const char *commit;  /* the commit applied (hex), or NULL: not from git */
	bool dirty;	     /* the work tree's files differed from commit */
	const char *backend; /* the backend spec */
	const char *profile;
	const char *fingerprint; /* of the actual state the plan was made against */
	const char *plan_file;	 /* apply --plan FILE, or NULL */
	struct plan_summary summary;
	size_t applied, failed, skipped;
};

/* The record as one line of JSON without the newline, keys in a fixed
 * order. The caller frees it. */
char *audit_record_json(const struct audit_record *r);
/* Appends the record and a newline to path in one write(2) to a file
 * opened O_APPEND (so concurrent appends do not interleave), creating the
 * file and its directories. Returns 0, or -1 with a "record.audit" error. */
int audit_append(const char *path, const struct audit_record *r, struct diags *d);

#endif
