/*
 * Pull-request mode: which changes of a plan the pull request causes, and
 * which were already due before it (drift).
 *
 * Both plans are computed against the same observed actual state: `head`
 * from the pull request's configuration, `base` from the base branch's.
 * A change of the head plan is
 *  - drift  when the base plan holds the same change: the base config would
 *           make it too, so actual state already differs from what was merged;
 *  - change otherwise: the pull request's configuration is why it is planned.
 *
 * "The same change" means the same action on the same target: the account
 * (its backend ids when it exists, so a rename still matches; else its
 * folded name) and, for segment changes, the segment id. Account-level
 * changes must also carry the same field values (before and after): a create
 * with another client name, or a delete that is refused at the head but not
 * at the base, is the pull request's. An update or rename with some fields
 * identical at the base and others not stays one change (apply lays an
 * update's fields over the observed account, so it cannot be split), tagged
 * `change`, and its reason names the fields that are drift.
 *
 * Pure: no I/O, no clock; the head plan's changes are retagged in place, and
 * the base plan is only read. Cost O(n + m) with hashing.
 */
#ifndef RECONCILER_PLAN_ORIGIN_H
#define RECONCILER_PLAN_ORIGIN_H

#include <stddef.h>

#include "plan/plan.h"

/* Sets the origin of every change of head. Returns the number tagged drift. */
size_t plan_tag_origins(struct plan *head, const struct plan *base);

struct state;
/* A segment the pull request removes is no longer declared at the head, so
 * its change may carry no name and has no line of its own; the base branch
 * declared both: every remove gets the name base declares for that segment
 * of that account when it has none, and at_base, where base declares it
 * (copied into head's arena). */
void plan_name_removals(struct plan *head, const struct state *base);

/* Drops the changes tagged drift (plan --only-changes) and recounts the
 * summary. Returns the number dropped. */
size_t plan_drop_drift(struct plan *p);

#endif
