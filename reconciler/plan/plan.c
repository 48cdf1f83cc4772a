/*
 * Plan basics: the change list, its summary, names of actions and kinds,
 * and field values. Everything a plan points to lives in its arena, so a
 * plan made by diff outlives the states it was computed from.
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct plan *plan_new(void)
{
	struct plan *p = xcalloc(1, sizeof(*p));
	p->diags = (struct diags)DIAGS_INIT;
	return p;
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	free(p->changes);
	free(p->shares);
	diags_free(&p->diags);
	arena_free(&p->arena);
	free(p);
}

struct change *plan_add_change(struct plan *p)
{
	XGROW(p->changes, p->cap_changes, p->n_changes + 1);
	struct change *c = &p->changes[p->n_changes++];
	memset(c, 0, sizeof(*c));
	return c;
}

struct plan_share *plan_add_share(struct plan *p)
{
	XGROW(p->shares, p->cap_shares, p->n_shares + 1);
	struct plan_share *s = &p->shares[p->n_shares++];
	memset(s, 0, sizeof(*s));
	return s;
}

void plan_summarize(struct plan *p)
{
	struct plan_summary s = { 0 };
	for (size_t i = 0; i < p->n_changes; i++) {
		const struct change *c = &p->changes[i];
		/* A refused change is shown but never executed: counting it as a
		 * delete would tell the reviewer something apply will not do. */
		if (c->refused) {
			s.refused++;
			continue;
		}
		switch (c->action) {
		case CHANGE_CREATE: s.accounts_create++; break;
		case CHANGE_UPDATE: s.accounts_update++; break;
		case CHANGE_DELETE: s.accounts_delete++; break;
		case CHANGE_RENAME: s.accounts_rename++; break;
		case CHANGE_ADD: s.segments_add++; break;
		case CHANGE_REMOVE: s.segments_remove++; break;
		}
	}
	s.shares_manual = p->n_shares;
	p->summary = s;
}

size_t plan_effective_changes(const struct plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n_changes; i++)
		if (!p->changes[i].refused)
			n++;
	return n;
}

bool plan_has_changes(const struct plan *p)
{
	return plan_effective_changes(p) > 0;
}

static const char *const action_names[] = {
	[CHANGE_CREATE] = "create", [CHANGE_UPDATE] = "update", [CHANGE_DELETE] = "delete",
	[CHANGE_RENAME] = "rename", [CHANGE_ADD] = "add",	[CHANGE_REMOVE] = "remove",
};

const char *change_action_name(enum change_action a)
{
	if ((size_t)a < sizeof(action_names) / sizeof(action_names[0]))
		return action_names[a];
	return "unknown";
}

const char *change_kind_name(enum change_kind k)
{
	return k == KIND_SEGMENT ? "segment" : "account";
}

const char *change_origin_name(enum change_origin o)
{
	switch (o) {
	case ORIGIN_CHANGE: return "change";
	case ORIGIN_DRIFT: return "drift";
	default: return NULL;
	}
}

int change_action_from_name(const char *s, enum change_action *out)
{
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		if (strcmp(s, action_names[i]) == 0) {
			*out = (enum change_action)i;
			return 0;
		}
	}
	return -1;
}

struct value value_str(struct plan *p, const char *s)
{
	struct value v = { 0 };
	v.str = s ? arena_strdup(&p->arena, s) : NULL;
	return v;
}

struct value value_null(void)
{
	struct value v = { 0 };
	return v;
}

struct value value_list(struct plan *p, const char *const *items, size_t n)
{
	struct value v = { 0 };
	v.is_list = true;
	v.n_items = n;
	v.items = arena_alloc(&p->arena, (n ? n : 1) * sizeof(*v.items));
	for (size_t i = 0; i < n; i++)
		v.items[i] = arena_strdup(&p->arena, items[i] ? items[i] : "");
	return v;
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool value_equal(const struct value *a, const struct value *b)
{
	if (a->is_list != b->is_list)
		return false;
	if (!a->is_list)
		return str_eq(a->str, b->str);
	if (a->n_items != b->n_items)
		return false;
	for (size_t i = 0; i < a->n_items; i++)
		if (!str_eq(a->items[i], b->items[i]))
			return false;
	return true;
}
