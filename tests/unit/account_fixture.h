/*
 * A declared or observed account for the status and metrics tests
 * (test_health.c, test_ship.c): client "Co", identifiers [cookies], the
 * given segments; with a connection id, also the manager "dm-IC" and one
 * config "sc-SEG" per segment, as an observed account has them.
 *
 * Header-only (static inline), like local_test.h, so it is compiled into
 * the tests that use it only.
 */
#ifndef RECONCILER_TESTS_ACCOUNT_FIXTURE_H
#define RECONCILER_TESTS_ACCOUNT_FIXTURE_H

#include <stddef.h>

#include "model/model.h"
#include "util/arena.h"

static inline struct account *fixture_account(struct state *s, const char *name, const char *ic,
					      const char *const *segs, size_t n)
{
	struct account *a = state_add_account(s);
	a->name.v = state_strdup(s, name);
	a->client_name.v = state_strdup(s, "Co");
	a->identifiers = arena_alloc(&s->arena, sizeof(*a->identifiers));
	a->identifiers[0].v = state_strdup(s, "cookies");
	a->n_identifiers = 1;
	a->segments = arena_alloc(&s->arena, (n + 1) * sizeof(*a->segments));
	for (size_t i = 0; i < n; i++) {
		a->segments[i].id = state_strdup(s, segs[i]);
		if (ic)
			a->segments[i].config_id = arena_printf(&s->arena, "sc-%s", segs[i]);
	}
	a->n_segments = n;
	if (ic) {
		a->connection_id = state_strdup(s, ic);
		a->manager_id = arena_printf(&s->arena, "dm-%s", ic);
	}
	return a;
}

#endif
