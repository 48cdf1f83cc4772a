/*
 * Rule checks: a desired state against the generic account rules and a
 * destination profile, and against what the backend reports.
 *
 * The checks know no destination: every limit, every allowed value and every
 * reason they explain come from the profile (rules/profile.h), and the
 * destination's name in messages is the profile's. Each diagnostic carries a
 * rule id from the public list, the position of the offending value when the
 * state has one, and a hint saying what to do instead.
 *
 * Generic rule ids: account.name, account.expire_at, account.conflict,
 * segment.duplicate, segment.unknown, share.shared_on. Profile rule ids, "<profile id>.<rule>":
 * <field> for each required account field (client_name), identifiers,
 * precision, record_sync, raw_fields, duplicate_segment_names, segment_name,
 * marketplace.
 *
 * Cost is linear in the size of the state: names are compared through hash
 * maps of their folded forms, never pairwise. Nothing here prints or
 * modifies a state.
 */
#ifndef RECONCILER_RULES_CHECK_H
#define RECONCILER_RULES_CHECK_H

#include <stddef.h>

#include "model/model.h"
#include "rules/profile.h"
#include "util/diag.h"

/* Checks a desired state against the generic account rules and a profile.
 * Appends diagnostics; returns the number of errors added. Dates are
 * compared with clock_today() (RECONCILER_NOW): an expire_at in the past is
 * only an account.expire_at warning, since it can be judged only against
 * the account's actual end date (plan/ended.h). */
size_t rules_check_desired(const struct profile *p, const struct state *desired, struct diags *d);

/* Checks desired against what the backend reports (catalog types/names):
 * a declared segment whose catalog type is DATA_MARKETPLACE -> <id>.marketplace
 * error; a declared segment id unknown to a NON-EMPTY catalog -> rule
 * "segment.unknown" error; duplicate segment names within one account using
 * catalog names where the config gives none -> <id>.duplicate_segment_names.
 * Actual accounts that are undeclared and carry DATA_MARKETPLACE configs ->
 * <id>.marketplace warning (not touched unless declared); declared ones
 * carrying undeclared DATA_MARKETPLACE configs -> the same warning, at the
 * account's declaration. A declared name held by a manager the backend does
 * not manage (actual->held) -> "account.conflict" error when the account
 * would be created or renamed into it, a warning when it exists already.
 * Returns the number of errors added. */
size_t rules_check_actual(const struct profile *p, const struct state *desired, const struct state *actual,
			  struct diags *d);

/* The value of a config field of an account, by the name profiles use in
 * required_fields ("client_name"); NULL for a field accounts do not have. */
const struct sval *rules_account_field(const struct account *a, const char *field);

#endif
