/*
 * Where each change of a plan is declared in the configuration: the line of
 * its account's mapping, or of the segment's list item, so that CI can
 * annotate the YAML a reviewer is looking at.
 *
 * Pure: reads the desired state the plan was computed from, writes each
 * change's `at` (the file label copied into the plan's arena). A segment
 * the configuration no longer declares (a removal) points at its account's
 * line, with at_account set (the removed id is not written anywhere); a
 * change of an undeclared account (prune) has no position.
 */
#ifndef RECONCILER_PLAN_LOCATE_H
#define RECONCILER_PLAN_LOCATE_H

#include "model/model.h"
#include "plan/plan.h"

/* desired must be canonicalized (state_canonicalize): accounts are found
 * through its name index and segments by binary search. */
void plan_locate(struct plan *p, const struct state *desired);

#endif
