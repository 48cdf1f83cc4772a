/*
 * Accounts that ended by themselves, and end dates a plan would set
 * (plan/ended.h).
 */
#include "plan/ended.h"

#include <string.h>

#include "util/text.h"

bool account_ended(const struct account *a, long today)
{
	long days;
	return a && a->status == STATUS_INACTIVE && a->expire_at.v && date_parse(a->expire_at.v, &days) &&
	       days < today;
}

static bool reactivates(const struct change *c)
{
	for (size_t i = 0; i < c->n_fields; i++) {
		const struct field_change *f = &c->fields[i];
		if (strcmp(f->field, "status") == 0 && f->after.str &&
		    strcmp(f->after.str, account_status_name(STATUS_ACTIVE)) == 0)
			return true;
	}
	return false;
}

size_t plan_hold_ended(struct plan *p, const struct state *desired, const struct state *actual, long today)
{
	size_t held = 0;
	for (size_t i = 0; i < p->n_changes; i++) {
		struct change *c = &p->changes[i];
		if ((c->action != CHANGE_UPDATE && c->action != CHANGE_RENAME) || c->refused ||
		    !reactivates(c))
			continue;
		/* A rename takes over the account of its old name: that one's
		 * end date is the one that counts. */
		const struct account *a =
		    state_find_account(actual, c->action == CHANGE_RENAME ? c->account_before : c->account);
		const struct account *d = state_find_account(desired, c->account);
		if (!d || !account_ended(a, today) || !d->expire_at.v ||
		    strcmp(d->expire_at.v, a->expire_at.v) != 0)
			continue;
		c->refused = true;
		c->rule = arena_strdup(&p->arena, RULE_ACCOUNT_ENDED);
		c->refusal =
		    arena_printf(&p->arena,
				 "it ended on its end date %s: LiveRamp turned it inactive by itself, and "
				 "an account is not reactivated past its end date; set a new expire_at "
				 "from today on to distribute again, or status: inactive to accept it",
				 a->expire_at.v);
		held++;
	}
	if (held)
		plan_summarize(p);
	return held;
}

/* The end date c would set, when it sets one (create, update, rename). */
static const char *sets_end_date(const struct change *c)
{
	if (c->kind != KIND_ACCOUNT || c->refused || c->action == CHANGE_DELETE)
		return NULL;
	for (size_t i = 0; i < c->n_fields; i++)
		if (strcmp(c->fields[i].field, "expire_at") == 0)
			return c->fields[i].after.str;
	return NULL;
}

size_t plan_check_end_dates(const struct plan *p, const struct state *desired, long today, struct diags *d)
{
	char buf[16];
	date_format(today, buf);
	size_t errors = 0;
	for (size_t i = 0; i < p->n_changes; i++) {
		const struct change *c = &p->changes[i];
		const char *date = sets_end_date(c);
		long days;
		if (!date || !date_parse(date, &days) || days >= today)
			continue;
		const struct account *a = desired ? state_find_account(desired, c->account) : NULL;
		const struct pos *at = a && a->expire_at.pos.file ? &a->expire_at.pos : a ? &a->pos : NULL;
		diag_error(d, RULE_EXPIRE_AT, at,
			   "set a date from today on, or leave expire_at out for no end date; an account "
			   "that ended keeps the end date it has",
			   "the plan would set expire_at %s on account '%s', which is in the past (today is "
			   "%s): LiveRamp refuses to set a past end date",
			   date, c->account, buf);
		errors++;
	}
	return errors;
}
