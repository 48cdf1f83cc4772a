/*
 * Accounts that ended by themselves.
 *
 * LiveRamp turns an account INACTIVE once its end date (expire_at) has
 * passed. A configuration written before that day still declares it active
 * with that end date, so diff plans to reactivate it: an update the API
 * refuses (a past end date cannot be set) and one that would undo what
 * LiveRamp did on purpose. plan_hold_ended() turns each such update into a
 * refused change (rule "account.ended") whose refusal says why and what to
 * do, so that plan, apply and drift show it and nothing executes it. The
 * account's segment changes stay in the plan.
 *
 * An account is ended when the actual state has it inactive with an end
 * date before today, and the configuration declares that same end date:
 * with a new end date (from today on) the update is a real reactivation
 * and goes ahead. A rename is held the same way: the account it takes over
 * (the actual account of its old name) is the one whose end date counts.
 *
 * Past end dates are judged here, where the actual state is known, not
 * before: an account may keep the past end date it has (nothing is sent
 * for it), but a past end date cannot be set. plan_check_end_dates()
 * appends an account.expire_at error for each change that would set one;
 * the loader's checks only warn (rules/check.h).
 */
#ifndef RECONCILER_PLAN_ENDED_H
#define RECONCILER_PLAN_ENDED_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "plan/plan.h"
#include "util/diag.h"

#define RULE_ACCOUNT_ENDED "account.ended"
#define RULE_EXPIRE_AT "account.expire_at"

/* Whether an actual account has ended by itself: inactive, and its end
 * date before today (days since the epoch). */
bool account_ended(const struct account *a, long today);
/* Holds the updates that would reactivate ended accounts (see above).
 * Pure. Returns how many were held. */
size_t plan_hold_ended(struct plan *p, const struct state *desired, const struct state *actual, long today);
/* Appends an account.expire_at error for every change of p that is not
 * refused and would set an end date before today (at the declaration in
 * desired, which may be NULL for a saved plan). Run after
 * plan_hold_ended. Returns how many were appended. */
size_t plan_check_end_dates(const struct plan *p, const struct state *desired, long today, struct diags *d);

#endif
