/*
 * Git provenance: the record of an apply (record/audit.h) attached to the
 * commit it applied, as a git note under refs/notes/reconciler, so that
 * `git log --notes=reconciler` or `git notes --ref=reconciler show COMMIT`
 * says when and how each commit reached the actual state.
 *
 * A commit applied several times keeps every record: the note is appended
 * to, one line per apply. The notes ref is local until pushed
 * (`git push origin refs/notes/reconciler`; the CI templates do it).
 */
#ifndef RECONCILER_RECORD_NOTES_H
#define RECONCILER_RECORD_NOTES_H

#include "desired/git.h"
#include "util/diag.h"

#define NOTES_REF "refs/notes/reconciler"

/* Appends line (and a newline) to the note of commit (hex), creating it.
 * The note is signed by the repository's user.name/user.email, or by
 * "reconciler <reconciler@localhost>" when they are not set (a CI runner),
 * at clock_now(). Returns 0, or -1 with a "git.note" error. */
int notes_append(struct gitsrc *g, const char *commit, const char *line, struct diags *d);

#endif
