#include "cmd/outcome.h"

#include "cmd/common.h"
#include "util/clock.h"

void print_change_outcome(FILE *f, const struct change *c, bool ok, const char *message)
{
	const char *what = change_action_name(c->action);
	/* A refusal is neither a failure nor a dependency skipped. */
	const char *outcome = ok ? "done" : c->refused ? "refused" : "FAILED";
	const char *open = c->refused ? " (" : ": ", *close = c->refused ? ")" : "";
	if (!message)
		open = close = "";
	if (c->kind == KIND_SEGMENT)
		fprintf(f, "  %s segment %s on \"%s\": %s%s%s%s\n", what, c->segment, c->account, outcome,
			open, message ? message : "", close);
	else
		fprintf(f, "  %s account \"%s\": %s%s%s%s\n", what, c->account, outcome, open,
			message ? message : "", close);
}

void print_outcome_counts(FILE *f, const char *what, int rc, const struct apply_report *r)
{
	fprintf(f, "\n%s %s: %zu applied, %zu failed, %zu skipped", what, rc == 0 ? "complete" : "incomplete",
		r->applied, r->failed, r->skipped);
	if (r->refused)
		fprintf(f, ", %zu refused", r->refused);
	fprintf(f, ".\n");
}

int record_outcome(struct audit_record *rec, const char *audit_log, const struct plan *p, const char *outcome,
		   const struct apply_report *r, struct diags *d)
{
	struct plan counted = *p; /* plan_summarize only writes summary */
	plan_summarize(&counted);
	rec->time = clock_now();
	rec->outcome = outcome;
	rec->source = p->source;
	rec->backend = p->backend;
	rec->profile = p->profile;
	rec->fingerprint = p->fingerprint;
	rec->summary = counted.summary;
	rec->applied = r->applied;
	rec->failed = r->failed;
	rec->skipped = r->skipped + r->refused;
	if (audit_append(audit_log, rec, d) < 0)
		return -1;
	fprintf(stderr, "Recorded in the audit log %s.\n", audit_log);
	return 0;
}
