/*
 * Data Marketplace custom shares in a plan (plan/shares.h).
 */
#include "plan/shares.h"

#include <string.h>

#include "util/text.h"

void plan_list_shares(struct plan *p, const struct state *desired, const struct profile *prof, long today)
{
	for (size_t i = 0; i < desired->n_shares; i++) {
		const struct share *sh = &desired->shares[i];
		long on;
		if (!sh->segment.v || !sh->shared_on.v || !date_parse(sh->shared_on.v, &on))
			continue;
		if (today - on > (long)prof->marketplace_share_days)
			continue;
		struct plan_share *e = plan_add_share(p);
		e->segment = arena_strdup(&p->arena, sh->segment.v);
		e->buyer = arena_strdup(&p->arena, sh->buyer.v ? sh->buyer.v : "");
		e->shared_on = arena_strdup(&p->arena, sh->shared_on.v);
		e->seller_allowlisted = sh->seller_allowlisted;
		char due[16];
		date_format(on + (long)prof->marketplace_share_days, due);
		e->due = arena_strdup(&p->arena, due);
		size_t n = prof->n_marketplace_share_steps;
		e->steps = arena_alloc(&p->arena, (n ? n : 1) * sizeof(*e->steps));
		for (size_t k = 0; k < n; k++)
			e->steps[k] = arena_strdup(&p->arena, prof->marketplace_share_steps[k]);
		e->n_steps = n;
	}
	plan_summarize(p);
}

json_t *plan_shares_to_json(const struct plan *p)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < p->n_shares; i++) {
		const struct plan_share *e = &p->shares[i];
		json_t *steps = json_array();
		for (size_t k = 0; k < e->n_steps; k++)
			json_array_append_new(steps, json_string(e->steps[k]));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b, s:s, s:o}", "segment", e->segment,
						     "buyer", e->buyer, "shared_on", e->shared_on,
						     "seller_allowlisted", e->seller_allowlisted, "due",
						     e->due, "steps", steps));
	}
	return arr;
}

static int bad(struct diags *d, const char *label, size_t i, const char *key, const char *what)
{
	struct pos pos = { label, 0, 0 };
	diag_error(d, "plan.file", &pos,
		   "the plan file is damaged or was not written by this tool; run plan again",
		   "shares[%zu]%s%s: %s", i, key ? "." : "", key ? key : "", what);
	return -1;
}

static const char *text(struct plan *p, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? arena_strndup(&p->arena, json_string_value(v), json_string_length(v))
				 : NULL;
}

static int read_steps(struct plan *p, struct plan_share *e, const json_t *steps, const char *label, size_t i,
		      struct diags *d)
{
	if (!json_is_array(steps))
		return bad(d, label, i, "steps", "must be a list of strings");
	size_t n = json_array_size(steps);
	e->steps = arena_alloc(&p->arena, (n ? n : 1) * sizeof(*e->steps));
	for (size_t k = 0; k < n; k++) {
		const json_t *s = json_array_get(steps, k);
		if (!json_is_string(s))
			return bad(d, label, i, "steps", "must be a list of strings");
		e->steps[k] = arena_strndup(&p->arena, json_string_value(s), json_string_length(s));
	}
	e->n_steps = n;
	return 0;
}

int plan_shares_from_json(struct plan *p, const json_t *arr, const char *label, struct diags *d)
{
	static const char *const keys[] = { "segment", "buyer", "shared_on", "seller_allowlisted",
					    "due",     "steps" };
	const size_t n_keys = sizeof(keys) / sizeof(keys[0]);
	if (!json_is_array(arr)) {
		struct pos pos = { label, 0, 0 };
		diag_error(d, "plan.file", &pos, "the plan file is damaged; run plan again",
			   "shares: must be a list");
		return -1;
	}
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *o = json_array_get(arr, i);
		if (!json_is_object(o))
			return bad(d, label, i, NULL, "must be an object");
		const char *key;
		const json_t *v;
		json_object_foreach((json_t *)o, key, v)
		{
			size_t k = 0;
			while (k < n_keys && strcmp(keys[k], key) != 0)
				k++;
			if (k == n_keys)
				return bad(d, label, i, key, "unknown field");
		}
		struct plan_share *e = plan_add_share(p);
		e->segment = text(p, o, "segment");
		e->buyer = text(p, o, "buyer");
		e->shared_on = text(p, o, "shared_on");
		e->due = text(p, o, "due");
		const char *missing = !e->segment     ? "segment"
				      : !e->buyer     ? "buyer"
				      : !e->shared_on ? "shared_on"
				      : !e->due	      ? "due"
						      : NULL;
		if (missing)
			return bad(d, label, i, missing, "must be a string");
		const json_t *allow = json_object_get(o, "seller_allowlisted");
		if (!json_is_boolean(allow))
			return bad(d, label, i, "seller_allowlisted", "must be true or false");
		e->seller_allowlisted = json_is_true(allow);
		if (read_steps(p, e, json_object_get(o, "steps"), label, i, d) < 0)
			return -1;
	}
	return 0;
}
