/*
 * Data Marketplace custom shares in a plan.
 *
 * The Activation API has no call for sharing a Data Marketplace custom
 * segment with a destination: a seller does it by hand in Connect, and the
 * destination distributes it (Kargo: usually within 1-3 days). A share the
 * configuration declares is "new" while it is within that window: from
 * any day up to its shared_on (a share declared ahead of time) until the
 * profile's share days after it, inclusive, the days `status` calls it
 * pending. The plan lists each new share with the profile's manual steps,
 * so the pull request that declares it shows the reviewer what to do; an
 * older share is past the plan's business and `status` reports it as
 * overdue. apply never acts on shares.
 *
 * Also the share list's JSON form in the plan file ("shares", optional on
 * read so that older plan files still read).
 */
#ifndef RECONCILER_PLAN_SHARES_H
#define RECONCILER_PLAN_SHARES_H

#include <jansson.h>

#include "model/model.h"
#include "plan/plan.h"
#include "rules/profile.h"
#include "util/diag.h"

/* Appends to p an entry for every new share of desired (see above), in
 * declaration order. today: days since the epoch. Pure. */
void plan_list_shares(struct plan *p, const struct state *desired, const struct profile *prof, long today);

/* The "shares" array of the plan document (a new reference). */
json_t *plan_shares_to_json(const struct plan *p);
/* Reads the "shares" array into p (strings into its arena). Returns 0, or
 * -1 with one "plan.file" diagnostic naming the field. */
int plan_shares_from_json(struct plan *p, const json_t *arr, const char *label, struct diags *d);

#endif
