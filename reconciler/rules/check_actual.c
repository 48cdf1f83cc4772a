/*
 * Rule checks that need what the backend reports: segment types and names
 * from its catalog, and the segment configs of accounts that exist.
 *
 * A config may declare a segment by id alone; whether it is a Data
 * Marketplace segment, and what it is called, is then only known here. And
 * accounts the config does not declare are never touched, so a rule
 * violation found on one is a warning that says so, not an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/check.h"
#include "rules/check_ctx.h"
#include "util/hmap.h"
#include "util/xalloc.h"

/* Accounts of the actual state, by folded name; values are index + 1 so
 * that the first account is not NULL. */
static void index_actual(struct check_ctx *c, const struct state *actual, struct hmap *out)
{
	hmap_reserve(out, actual->n_accounts);
	for (size_t i = 0; i < actual->n_accounts; i++)
		hmap_insert(out, ctx_fold(c, actual->accounts[i]->name.v), (void *)(uintptr_t)(i + 1));
}

/* The actual account a declared one stands for: by its name, else by one
 * of its previous names (a rename not yet applied). 0 when none. */
static size_t match_actual(struct check_ctx *c, const struct account *a, const struct hmap *idx)
{
	uintptr_t v = (uintptr_t)hmap_get(idx, ctx_fold(c, a->name.v));
	for (size_t j = 0; !v && j < a->n_previous_names; j++)
		if (a->previous_names[j].v)
			v = (uintptr_t)hmap_get(idx, ctx_fold(c, a->previous_names[j].v));
	return (size_t)v;
}

/* Whether the catalog lists any Data Marketplace segment: when it lists
 * none, no segment needs looking up to know it is not one. */
static bool catalog_has_marketplace(const struct state *actual)
{
	for (size_t i = 0; i < actual->n_catalog; i++)
		if (actual->catalog[i].type == SEGMENT_DATA_MARKETPLACE)
			return true;
	return false;
}

static bool is_marketplace(const struct segment *g, const struct state *actual, bool catalog_dm)
{
	if (g->type == SEGMENT_DATA_MARKETPLACE)
		return true;
	const struct catalog_entry *ce = catalog_dm ? state_catalog_find(actual, g->id) : NULL;
	return ce && ce->type == SEGMENT_DATA_MARKETPLACE;
}

static void index_segments(const struct account *a, struct hmap *out)
{
	for (size_t i = 0; a && i < a->n_segments; i++)
		if (a->segments[i].id)
			hmap_put(out, a->segments[i].id, (void *)&a->segments[i], NULL);
}

/* The segment configs of an observed account by id. Observed states come
 * sorted by id (state_canonicalize) and declared segments mostly follow the
 * same order, so a lookup first tries where the previous one ended, then
 * searches; ids out of order or repeated fall back to a map (the last of
 * repeated ids wins, as it always did). */
struct seg_finder {
	const struct account *a;
	bool sorted;
	size_t next;
	struct hmap map;
};

static void finder_init(struct seg_finder *f, const struct account *a)
{
	memset(f, 0, sizeof(*f));
	f->a = a;
	f->sorted = true;
	for (size_t i = 0; a && f->sorted && i < a->n_segments; i++)
		f->sorted =
		    a->segments[i].id && (i == 0 || strcmp(a->segments[i - 1].id, a->segments[i].id) < 0);
	if (!f->sorted)
		index_segments(a, &f->map);
}

static const struct segment *finder_get(struct seg_finder *f, const char *id)
{
	if (!f->sorted)
		return hmap_get(&f->map, id);
	const struct segment *v = f->a ? f->a->segments : NULL;
	size_t n = f->a ? f->a->n_segments : 0;
	if (f->next < n && strcmp(v[f->next].id, id) == 0)
		return &v[f->next++];
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid].id, id);
		if (c == 0) {
			f->next = mid + 1;
			return &v[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A declared segment the backend knows as Data Marketplace, though the
 * config did not say so (a config that says so is reported by
 * rules_check_desired already). */
static void check_declared_type(struct check_ctx *c, const struct account *a, const struct segment *g,
				const struct catalog_entry *ce, struct seg_finder *observed)
{
	if (g->type == SEGMENT_DATA_MARKETPLACE || c->p->marketplace_allowed)
		return;
	const char *why = NULL;
	const struct segment *o;
	if (ce && ce->type == SEGMENT_DATA_MARKETPLACE)
		why = "according to the segment catalog";
	else if ((o = finder_get(observed, g->id)) && o->type == SEGMENT_DATA_MARKETPLACE)
		why = "distributed as DATA_MARKETPLACE at the destination";
	if (why)
		ctx_marketplace(c, DIAG_ERROR, &g->pos, a->name.v ? a->name.v : "", g->id, g->offering, why);
}

/* Duplicate names where at least one of the two names comes from the
 * catalog: two declared names were compared by rules_check_desired. */
static void check_catalog_name(struct check_ctx *c, const struct account *a, const struct segment *g,
			       const char *name, bool from_catalog, struct hmap *names,
			       struct hmap *catalog_named)
{
	const char *key = ctx_fold(c, name);
	const struct segment *first = hmap_get(names, key);
	if (!first) {
		hmap_put(names, key, (void *)g, NULL);
		if (from_catalog)
			hmap_put(catalog_named, g->id, (void *)g, NULL);
		return;
	}
	/* The same segment listed twice is segment.duplicate, not a name clash;
	 * two names both from the config were compared by rules_check_desired. */
	if (!strcmp(first->id, g->id) || (!from_catalog && !hmap_get(catalog_named, first->id)))
		return;
	struct strbuf hint = STRBUF_INIT;
	sb_puts(&hint, "give one of them another name with name: in the config, or rename the "
		       "segment in LiveRamp Connect");
	if (c->p->duplicate_segment_names_reason)
		sb_printf(&hint, ": %s", c->p->duplicate_segment_names_reason);
	diag_error(c->d, ctx_rule(c, "duplicate_segment_names"), pos_or(&g->name.pos, &g->pos), hint.buf,
		   "segment %s of account '%s' is named '%s'%s, like segment %s at %s", g->id,
		   a->name.v ? a->name.v : "", name, from_catalog ? " in the segment catalog" : "", first->id,
		   ctx_where(c, pos_or(&first->name.pos, &first->pos)));
	sb_release(&hint);
}

static void check_declared_segments(struct check_ctx *c, const struct account *a,
				    const struct account *observed_account, const struct state *actual)
{
	struct seg_finder observed;	       /* the segment configs of the actual account */
	struct hmap names = HMAP_INIT;	       /* folded effective name -> first segment */
	struct hmap catalog_named = HMAP_INIT; /* ids whose name came from the catalog */
	finder_init(&observed, observed_account);
	/* Two names can clash here only when one comes from the catalog. */
	bool catalog_names = false;
	for (size_t i = 0; i < a->n_segments && !catalog_names && !c->p->duplicate_segment_names; i++) {
		const struct segment *g = &a->segments[i];
		const struct catalog_entry *ce =
		    g->id && !g->name.v ? state_catalog_find(actual, g->id) : NULL;
		catalog_names = ce && ce->name;
	}
	for (size_t i = 0; i < a->n_segments; i++) {
		const struct segment *g = &a->segments[i];
		if (!g->id)
			continue;
		const struct catalog_entry *ce = state_catalog_find(actual, g->id);
		if (!ce && actual->n_catalog > 0)
			diag_error(c->d, "segment.unknown", &g->pos,
				   "check the segment id in LiveRamp Connect: it may be mistyped, "
				   "deleted, or belong to another organization",
				   "segment %s of account '%s' is not in the segment catalog of %s", g->id,
				   a->name.v ? a->name.v : "",
				   actual->source ? actual->source : "the backend");
		check_declared_type(c, a, g, ce, &observed);
		const char *name = g->name.v ? g->name.v : ce ? ce->name : NULL;
		if (name && catalog_names)
			check_catalog_name(c, a, g, name, !g->name.v, &names, &catalog_named);
	}
	hmap_free(&catalog_named);
	hmap_free(&names);
	hmap_free(&observed.map);
}

/* Data Marketplace configs found at the destination that the config does
 * not declare. declared: the desired account for this actual one, or NULL. */
static void check_observed_marketplace(struct check_ctx *c, const struct account *observed,
				       const struct account *declared, const struct state *actual,
				       bool catalog_dm)
{
	struct hmap wanted = HMAP_INIT; /* built at the first marketplace segment */
	bool indexed = false;
	const char *name = observed->name.v ? observed->name.v : "";
	for (size_t i = 0; i < observed->n_segments; i++) {
		const struct segment *g = &observed->segments[i];
		if (!g->id || !is_marketplace(g, actual, catalog_dm))
			continue;
		if (!indexed)
			index_segments(declared, &wanted);
		indexed = true;
		if (hmap_get(&wanted, g->id))
			continue;
		if (!declared)
			ctx_marketplace(c, DIAG_WARNING, NULL, name, g->id, g->offering,
					"found at the destination; the account is not declared, "
					"so the reconciler leaves it alone");
		else
			ctx_marketplace(c, DIAG_WARNING, pos_or(&declared->segments_pos, &declared->pos),
					name, g->id, g->offering,
					"found at the destination and not declared, so the plan "
					"removes it from the distribution");
	}
	hmap_free(&wanted);
}

/* Names are unique in the org whatever the tool manages (Decision 1): a
 * declared name held by a manager observe left alone would be a second
 * account of that name once created or renamed into. So it is refused
 * before anything is sent, saying what holds it. */
static void check_held_names(struct check_ctx *c, const struct state *desired, const struct state *actual,
			     const struct hmap *idx)
{
	if (actual->n_held == 0)
		return;
	struct hmap held = HMAP_INIT; /* folded name -> first struct held_name */
	for (size_t i = 0; i < actual->n_held; i++) {
		const char *key = ctx_fold(c, actual->held[i].name);
		if (!hmap_get(&held, key))
			hmap_put(&held, key, (void *)&actual->held[i], NULL);
	}
	for (size_t i = 0; i < desired->n_accounts; i++) {
		const struct account *a = desired->accounts[i];
		const struct held_name *h = a->name.v ? hmap_get(&held, ctx_fold(c, a->name.v)) : NULL;
		if (!h)
			continue;
		size_t k = match_actual(c, a, idx);
		const struct account *managed = k ? actual->accounts[k - 1] : NULL;
		if (managed && strcmp(ctx_fold(c, managed->name.v), ctx_fold(c, a->name.v)) == 0) {
			/* It exists already, so nothing is created: the second one
			 * is someone's to remove, and the plan goes on. */
			diag_warning(
			    c->d, "account.conflict", pos_or(&a->name.pos, &a->pos),
			    "remove the extra distribution manager in LiveRamp Connect",
			    "account '%s' is not unique in the organization: the name is also held by "
			    "distribution manager %s%s%s, which reconciler does not manage",
			    a->name.v, h->manager_id, h->connection_id ? " on integration connection " : "",
			    h->connection_id ? h->connection_id : "");
			continue;
		}
		diag_error(
		    c->d, "account.conflict", pos_or(&a->name.pos, &a->pos),
		    "remove the extra distribution manager in LiveRamp Connect, or rename the "
		    "declaration; nothing was sent",
		    "account '%s' %s: the name is held by distribution manager %s%s%s, which reconciler "
		    "does not manage (names are unique in the organization)",
		    a->name.v, managed ? "cannot be renamed into that name" : "cannot be created",
		    h->manager_id, h->connection_id ? " on integration connection " : "",
		    h->connection_id ? h->connection_id : "");
	}
	hmap_free(&held);
}

size_t rules_check_actual(const struct profile *p, const struct state *desired, const struct state *actual,
			  struct diags *d)
{
	struct check_ctx c;
	ctx_init(&c, p, d);
	struct hmap idx = HMAP_INIT;
	index_actual(&c, actual, &idx);
	/* declared_as[i]: the desired account standing for actual account i. */
	const struct account **declared_as =
	    xcalloc(actual->n_accounts ? actual->n_accounts : 1, sizeof(*declared_as));
	for (size_t i = 0; i < desired->n_accounts; i++) {
		const struct account *a = desired->accounts[i];
		size_t k = match_actual(&c, a, &idx);
		if (k && !declared_as[k - 1])
			declared_as[k - 1] = a;
		check_declared_segments(&c, a, k ? actual->accounts[k - 1] : NULL, actual);
	}
	check_held_names(&c, desired, actual, &idx);
	bool catalog_dm = catalog_has_marketplace(actual);
	if (!p->marketplace_allowed)
		for (size_t i = 0; i < actual->n_accounts; i++)
			check_observed_marketplace(&c, actual->accounts[i], declared_as[i], actual,
						   catalog_dm);
	free(declared_as);
	hmap_free(&idx);
	return ctx_finish(&c);
}
