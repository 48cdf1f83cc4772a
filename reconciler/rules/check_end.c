/*
 * End dates once the actual state is known (rules/check.h): a past
 * expire_at found before observing is settled against what the backend
 * reports for the account.
 *
 * The diagnostics to settle are found by their rule and position (the
 * declared expire_at's), not by their text, and rewritten in place, so
 * their order and everything else in d stays as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/check.h"
#include "util/clock.h"
#include "util/text.h"
#include "util/xalloc.h"

#define RULE "account.expire_at"

static bool at_pos(const struct diag *g, const struct pos *p)
{
	return g->file && p->file && strcmp(g->file, p->file) == 0 && g->line == p->line && g->col == p->col;
}

/* The declared account whose past expire_at g is about, or NULL. */
static const struct account *past_end_of(const struct state *desired, const struct diag *g, long today)
{
	if (strcmp(g->rule, RULE) != 0 || g->severity == DIAG_NOTE)
		return NULL;
	for (size_t i = 0; i < desired->n_accounts; i++) {
		const struct account *a = desired->accounts[i];
		long days;
		if (a->expire_at.v && at_pos(g, &a->expire_at.pos) && date_parse(a->expire_at.v, &days) &&
		    days < today)
			return a;
	}
	return NULL;
}

bool rules_only_end_date_errors(const struct state *desired, const struct diags *d)
{
	if (!desired || d->errors == 0 || d->dropped)
		return false;
	long today = clock_today();
	size_t settleable = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		if (g->severity != DIAG_ERROR)
			continue;
		if (!past_end_of(desired, g, today))
			return false;
		settleable++;
	}
	return settleable == d->errors;
}

static void rewrite(struct diags *d, struct diag *g, enum diag_severity sev, char *message, const char *hint)
{
	if (g->severity == DIAG_ERROR)
		d->errors--;
	else if (g->severity == DIAG_WARNING)
		d->warnings--;
	if (sev == DIAG_ERROR)
		d->errors++;
	else if (sev == DIAG_WARNING)
		d->warnings++;
	g->severity = sev;
	free(g->message);
	g->message = message;
	free(g->hint);
	g->hint = hint ? xstrdup(hint) : NULL;
}

void rules_settle_end_dates(const struct state *desired, const struct state *actual, struct diags *d)
{
	long today = clock_today();
	char buf[16];
	date_format(today, buf);
	for (size_t i = 0; i < d->n; i++) {
		struct diag *g = &d->v[i];
		const struct account *a = past_end_of(desired, g, today);
		if (!a)
			continue;
		const struct account *b = state_find_account(actual, a->name.v);
		struct strbuf msg = STRBUF_INIT;
		if (b && b->expire_at.v && strcmp(b->expire_at.v, a->expire_at.v) == 0) {
			sb_printf(&msg,
				  "account '%s' ended on its end date %s (today is %s): LiveRamp turned it "
				  "inactive by itself, and the plan leaves it so",
				  a->name.v, a->expire_at.v, buf);
			rewrite(
			    d, g, DIAG_WARNING, sb_detach(&msg),
			    "to distribute again, set a new end date from today on; to keep the account as "
			    "a record, set status: inactive (or remove it from the configuration)");
		} else {
			sb_printf(&msg,
				  "expire_at %s of account '%s' is in the past (today is %s) and the account "
				  "does not have it already; LiveRamp refuses to set a past end date",
				  a->expire_at.v, a->name.v, buf);
			rewrite(d, g, DIAG_ERROR, sb_detach(&msg),
				"set a date from today on, or leave expire_at out for no end date");
		}
	}
}
