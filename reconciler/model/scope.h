/*
 * The accounts a pull request touches (plan --base REF --only-changes).
 *
 * A pull-request plan that shows only the pull request's changes needs the
 * actual state of only the accounts whose declaration differs between the
 * base and the head: added, changed, removed or renamed (the names they
 * had count too, so the account a rename takes over is read). Everything
 * else would only show drift, which --only-changes leaves out anyway; so
 * observe reads those accounts' segment configs alone (liveramp), and the
 * diff sees only them on both sides.
 *
 * Settings apply to every account (prune, protect, the org and its
 * target): when they differ, every account is touched and the scope is
 * NULL (read everything).
 *
 * Pure functions of two states; no I/O.
 */
#ifndef RECONCILER_MODEL_SCOPE_H
#define RECONCILER_MODEL_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "util/arena.h"
#include "util/hmap.h"

struct scope {
	struct hmap names; /* folded account name -> (void *)1; keys in arena */
	struct arena arena;
	size_t n_accounts; /* accounts touched: a changed or renamed one counts once */
};

/* The touched accounts of head against base (both canonicalized by the
 * call). *out is NULL when the settings differ: then the whole state is
 * in scope. */
void scope_touched(struct scope **out, struct state *base, struct state *head);
/* Whether an account of this name (or one of these previous names) is in
 * scope. */
bool scope_has_account(const struct scope *sc, const struct account *a);
bool scope_has_name(const struct scope *sc, const char *name);
/* Drops from s the accounts outside the scope (their memory stays in s's
 * arena) and re-indexes it. Returns how many were dropped. */
size_t scope_filter(struct state *s, const struct scope *sc);
void scope_free(struct scope *sc);

#endif
