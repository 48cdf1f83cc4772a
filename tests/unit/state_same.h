/*
 * Whether two actual states are the same, field by field, in order: the
 * accounts (each field an observe sets, segments with their config ids and
 * names), the catalog, the names held, the source. Used to hold the
 * streaming observe of the sandbox to the tree one (test_sandbox_stream.c,
 * tests/fuzz/fuzz_sandbox_stream.c). Header-only, for those two.
 *
 * Returns NULL when they are the same, else a word naming the first
 * difference, for the failure message.
 */
#ifndef RECONCILER_TESTS_STATE_SAME_H
#define RECONCILER_TESTS_STATE_SAME_H

#include <string.h>

#include "model/model.h"
#include "util/diag.h"

static inline int ss_str_differ(const char *a, const char *b)
{
	if (!a || !b)
		return a != b;
	return strcmp(a, b) != 0;
}

static inline const char *ss_account_differs(const struct account *a, const struct account *b)
{
	if (ss_str_differ(a->name.v, b->name.v))
		return "account name";
	if (ss_str_differ(a->client_name.v, b->client_name.v))
		return "client name";
	if (a->status != b->status)
		return "status";
	if (ss_str_differ(a->expire_at.v, b->expire_at.v))
		return "expire_at";
	if (ss_str_differ(a->connection_id, b->connection_id) || ss_str_differ(a->manager_id, b->manager_id))
		return "remote ids";
	if (a->n_identifiers != b->n_identifiers)
		return "identifier count";
	for (size_t i = 0; i < a->n_identifiers; i++)
		if (ss_str_differ(a->identifiers[i].v, b->identifiers[i].v))
			return "identifier";
	if (a->n_segments != b->n_segments)
		return "segment count";
	for (size_t i = 0; i < a->n_segments; i++) {
		const struct segment *x = &a->segments[i], *y = &b->segments[i];
		if (ss_str_differ(x->id, y->id) || ss_str_differ(x->config_id, y->config_id))
			return "segment ids";
		if (x->type != y->type || ss_str_differ(x->name.v, y->name.v))
			return "segment type or name";
	}
	return NULL;
}

static inline const char *state_same(const struct state *a, const struct state *b)
{
	if (ss_str_differ(a->source, b->source))
		return "source";
	if (a->n_accounts != b->n_accounts)
		return "account count";
	for (size_t i = 0; i < a->n_accounts; i++) {
		const char *why = ss_account_differs(a->accounts[i], b->accounts[i]);
		if (why)
			return why;
	}
	if (a->n_catalog != b->n_catalog)
		return "catalog size";
	for (size_t i = 0; i < a->n_catalog; i++) {
		const struct catalog_entry *x = &a->catalog[i], *y = &b->catalog[i];
		if (ss_str_differ(x->id, y->id) || ss_str_differ(x->name, y->name) || x->type != y->type)
			return "catalog entry";
	}
	if (a->n_held != b->n_held)
		return "held name count";
	for (size_t i = 0; i < a->n_held; i++) {
		const struct held_name *x = &a->held[i], *y = &b->held[i];
		if (ss_str_differ(x->name, y->name) || ss_str_differ(x->connection_id, y->connection_id) ||
		    ss_str_differ(x->manager_id, y->manager_id))
			return "held name";
	}
	char fa[65], fb[65];
	state_fingerprint(a, fa);
	state_fingerprint(b, fb);
	return strcmp(fa, fb) == 0 ? NULL : "fingerprint";
}

/* The same diagnostics, in the same order. */
static inline const char *diags_same(const struct diags *a, const struct diags *b)
{
	if (a->n != b->n)
		return "diagnostic count";
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].severity != b->v[i].severity || strcmp(a->v[i].message, b->v[i].message) != 0)
			return "diagnostic";
	return NULL;
}

#endif
