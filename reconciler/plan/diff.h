/*
 * diff: the changes that take the actual state to the desired state.
 *
 * This is the controller pattern's pure step: no I/O, no clock, no globals,
 * so the same two states and profile always give the same plan, byte for
 * byte, and every rule below is unit-tested with plain values.
 *
 * What it decides:
 *  - Accounts match by folded name (trimmed, case-insensitive). A declared
 *    account with no match whose previous_names name an actual account that
 *    no other declared account claims is one `rename`, not delete + create.
 *  - Matched accounts: name, client_name, identifiers (a set), status and
 *    expire_at are compared; precision is not (no API can observe it). The
 *    name compares exactly but for blanks around it: declared names are
 *    read trimmed, so blanks an actual name has around it (put there in
 *    Connect) are no change a configuration could ask for.
 *  - Segments compare as sets of ids. Removals explain, from the profile,
 *    that members already delivered stay until the TTL when the destination
 *    has no Record Sync. A Data Marketplace segment config found on a
 *    declared account is removed when the profile forbids them.
 *  - Undeclared actual accounts are untouched unless settings.prune; then
 *    their segments are removed and they are deleted, except accounts named
 *    in settings.protect, whose delete is planned as refused.
 *
 * Order, which apply follows: renames; deletes (each after its segment
 * removals); then, per declared account in folded-name order, its create or
 * update, its removals, its additions, segments in id order.
 *
 * Cost: O(n log n) in accounts and in segments per account (sorting and
 * merging; no nested scans).
 */
#ifndef RECONCILER_PLAN_DIFF_H
#define RECONCILER_PLAN_DIFF_H

#include "model/model.h"
#include "plan/plan.h"
#include "rules/profile.h"

/* Computes the changes that take `actual` to `desired`. Pure: no I/O, no
 * clock, no globals; same inputs, same plan. Both states should be
 * canonicalized (diff sorts its own views, so order only affects speed).
 * Fills out->changes, summary, fingerprint (state_fingerprint(actual)) and
 * prune; sets out->profile, out->source (desired->source) and out->backend
 * (actual->source) only when the caller left them NULL. Returns 0. */
int plan_diff(struct plan *out, const struct state *desired, const struct state *actual,
	      const struct profile *p);

#endif
