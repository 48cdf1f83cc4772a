/*
 * Accounts that ended by themselves (plan/ended.h).
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
		if (c->action != CHANGE_UPDATE || c->refused || !reactivates(c))
			continue;
		const struct account *a = state_find_account(actual, c->account);
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
