#include "record/notes.h"

#include <string.h>

#include <git2.h>

#include "util/clock.h"
#include "util/strbuf.h"

static const char *git_msg(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown error";
}

/* Who writes the note: the repository's configured user, else a fixed
 * name, so that a CI runner without user.name still records provenance. */
static int signature(git_signature **out, git_repository *repo)
{
	git_signature *def = NULL;
	int rc;
	if (git_signature_default(&def, repo) == 0)
		rc = git_signature_new(out, def->name, def->email, clock_now(), 0);
	else
		rc = git_signature_new(out, "reconciler", "reconciler@localhost", clock_now(), 0);
	git_signature_free(def);
	return rc;
}

int notes_append(struct gitsrc *g, const char *commit, const char *line, struct diags *d)
{
	git_repository *repo = gitsrc_repo(g);
	git_oid target, note_id;
	git_note *old = NULL;
	git_signature *sig = NULL;
	struct strbuf text = STRBUF_INIT;
	int rc = -1;
	if (git_oid_fromstr(&target, commit) < 0) {
		diag_error(d, "git.note", NULL, NULL, "'%s' is not a commit id", commit);
		goto out;
	}
	int found = git_note_read(&old, repo, NOTES_REF, &target);
	if (found == 0) {
		const char *msg = git_note_message(old);
		sb_puts(&text, msg ? msg : "");
		if (text.len && text.buf[text.len - 1] != '\n')
			sb_putc(&text, '\n');
	} else if (found != GIT_ENOTFOUND) {
		diag_error(d, "git.note", NULL, "check the repository (git fsck)",
			   "cannot read the note of %.12s: %s", commit, git_msg());
		goto out;
	}
	sb_printf(&text, "%s\n", line);
	if (signature(&sig, repo) < 0 ||
	    git_note_create(&note_id, repo, NOTES_REF, sig, sig, &target, text.buf, 1) < 0) {
		diag_error(d, "git.note", NULL,
			   "check that the repository is writable; the audit log still has the record",
			   "cannot write the note on commit %.12s: %s", commit, git_msg());
		goto out;
	}
	rc = 0;
out:
	git_note_free(old);
	git_signature_free(sig);
	sb_release(&text);
	return rc;
}
