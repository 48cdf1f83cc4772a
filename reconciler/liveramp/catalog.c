/*
 * The segment catalog of an observe (liveramp/observe.c has the accounts).
 *
 * Without a desired state (import, apply --plan) the catalog is the whole
 * of GET /v2/segments, as the sandbox's catalog is its whole `segments`
 * array, walked beside the configs; then, one GET each and concurrently,
 * the segments configured somewhere but missing from the listing. A
 * configured segment that even GET /v2/segments/{id} does not know (404)
 * simply has no catalog entry, as in the sandbox. An empty catalog (its
 * first page says total 0) is taken at its word: nothing is looked up.
 *
 * With a desired state, walking the whole catalog is often the longest
 * part of an observe: one cursor chain, 1,000 pages one after the other
 * for an org of 100,000 segments. The rules and the plan need catalog
 * entries only for the segments declared but not configured (do they
 * exist, of which type), declared without a name (for the duplicate-name
 * rule), or configured but not declared (named in removals). So, once the
 * configs are read, those ids still missing are either looked up one GET
 * each, or the walk goes on: whichever takes fewer requests (the first
 * page's _pagination.total tells how many pages are left). A declared
 * segment configured somewhere and declared with a name needs no lookup:
 * its config tells its type, and it gets a catalog entry with that type
 * and no name. A declared segment that LiveRamp does not know is, either
 * way, reported by the rules (segment.unknown) and never reaches a write.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liveramp/observe.h"
#include "util/xalloc.h"

/* A segment's display name: its name when a server sends one, else
 * "field.name=value" (Decision 7), else none; as local/observe.c. */
static const char *segment_name(struct arena *a, const struct api_segment *g)
{
	if (g->name && *g->name)
		return g->name;
	if (g->field_name && *g->field_name)
		return arena_printf(a, "%s=%s", g->field_name, g->value ? g->value : "");
	return NULL;
}

static void put_segment(struct observe *o, const struct api_segment *g)
{
	state_catalog_put(o->s, g->id, segment_name(&o->a, g),
			  g->marketplace ? SEGMENT_DATA_MARKETPLACE : SEGMENT_ONBOARDING);
}

/* The catalog items listed so far, from item `from` on. */
void lr_catalog_put_listed(struct observe *o, size_t from)
{
	for (size_t i = from; i < o->segments.n; i++)
		put_segment(o, lr_list_item(&o->segments, i));
}

static unsigned declared_flags(const struct observe *o, const char *id)
{
	return (unsigned)(uintptr_t)hmap_get(&o->declared, id);
}

/* Every segment id the desired state declares, with its flags. */
void lr_catalog_index_declared(struct observe *o, const struct state *desired)
{
	for (size_t i = 0; i < desired->n_accounts; i++) {
		const struct account *a = desired->accounts[i];
		for (size_t j = 0; j < a->n_segments; j++) {
			const struct segment *g = &a->segments[j];
			if (!g->id)
				continue;
			unsigned had = declared_flags(o, g->id);
			unsigned flags = had | DECLARED | (g->name.v ? 0u : UNNAMED);
			if (flags != had)
				hmap_put(&o->declared, g->id, (void *)(uintptr_t)flags, NULL);
			if ((flags & UNNAMED) && !(had & UNNAMED))
				o->n_unnamed++;
		}
	}
}

/* Pages the catalog walk still has to go: from _pagination.total when the
 * server sent it, else at least one. */
size_t lr_catalog_pages_left(const struct observe *o)
{
	const struct lr_list *ls = &o->segments;
	if (!lr_list_more(ls))
		return 0;
	if (ls->total < 0 || (unsigned long long)ls->total <= ls->n)
		return 1;
	return (size_t)(((unsigned long long)ls->total - ls->n + PAGE_ITEMS - 1) / PAGE_ITEMS);
}

static void add_id(char ***ids, size_t *n, size_t *cap, struct hmap *seen, const char *id)
{
	if (hmap_get(seen, id))
		return;
	hmap_put(seen, id, (void *)1, NULL);
	XGROW(*ids, *cap, *n + 1);
	(*ids)[(*n)++] = (char *)id;
}

/* Segment ids configured somewhere but not in the catalog, each once;
 * with `needed`, also the declared ones the rules need an entry for
 * (declared but configured nowhere, or declared without a name). */
static char **missing_segments(struct observe *o, bool needed, size_t *n)
{
	struct hmap seen = HMAP_INIT;
	char **ids = NULL;
	size_t cap = 0;
	*n = 0;
	const char *id;
	void *v;
	for (size_t i = 0; needed && hmap_next(&o->declared, &i, &id, &v);) {
		unsigned flags = (unsigned)(uintptr_t)v;
		if (!state_catalog_find(o->s, id) && (!hmap_get(&o->configured, id) || (flags & UNNAMED)))
			add_id(&ids, n, &cap, &seen, id);
	}
	for (size_t i = 0; hmap_next(&o->configured, &i, &id, &v);)
		if (!state_catalog_find(o->s, id) && (!needed || !declared_flags(o, id)))
			add_id(&ids, n, &cap, &seen, id);
	hmap_free(&seen);
	return ids;
}

/* Declared, named and configured, so not looked up: the config tells the
 * type and that LiveRamp knows the segment. */
static void put_configured(struct observe *o)
{
	const char *id;
	void *v;
	for (size_t i = 0; hmap_next(&o->configured, &i, &id, &v);) {
		const struct api_config *c = v;
		if (declared_flags(o, id) == DECLARED && !state_catalog_find(o->s, id))
			state_catalog_put(o->s, id, NULL,
					  c->marketplace ? SEGMENT_DATA_MARKETPLACE : SEGMENT_ONBOARDING);
	}
}

/* GET /v2/segments/{id} for each id, concurrently; a 404 leaves no entry. */
static int lookup(struct observe *o, char **ids, size_t n, struct diags *d)
{
	struct http_request *reqs = xcalloc(n ? n : 1, sizeof(*reqs));
	struct http_request **ptrs = xcalloc(n ? n : 1, sizeof(*ptrs));
	struct strbuf path = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		sb_reset(&path);
		sb_puts(&path, "/v2/segments/");
		http_escape(&path, ids[i]);
		http_request_init(&reqs[i], o->l->http, HTTP_GET, path.buf, NULL);
		ptrs[i] = &reqs[i];
	}
	sb_release(&path);
	static const struct http_progress PROGRESS = { "observing", "segments" };
	if (n)
		http_run(o->l->http, ptrs, n, &PROGRESS);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct api_segment g;
		const struct http_request *r = &reqs[i];
		if (http_ok(r)) {
			if (api_decode_object(&g, API_SEGMENT, r->response.buf, r->response.len, &o->a,
					      r->what, d) == 0)
				put_segment(o, &g);
			else
				rc = -1;
		} else if (!(r->outcome == HTTP_ANSWERED && r->status == 404)) {
			lr_report(o->l->http, r, "reading the segment catalog", NULL, d);
			rc = -1;
		}
		http_request_release(&reqs[i]);
	}
	free(reqs);
	free(ptrs);
	return rc;
}

int lr_catalog_read(struct observe *o, struct diags *d)
{
	size_t n;
	bool partial = lr_list_more(&o->segments);
	/* An empty catalog (its first and only page says so): LiveRamp lists
	 * no segment, so looking each one up would be a 404 apiece, the same
	 * state for thousands of requests. */
	if (!partial && o->segments.n == 0 && o->segments.total <= 0)
		return 0;
	char **ids = missing_segments(o, partial, &n);
	if (partial && n > lr_catalog_pages_left(o)) {
		size_t from = o->segments.n;
		o->segments.one_page = false;
		struct lr_list *rest[] = { &o->segments };
		static const struct http_progress PROGRESS = { "observing", "segment catalog" };
		if (lr_list_run(o->l, rest, 1, &PROGRESS, d) != 0) {
			free(ids);
			return -1;
		}
		lr_catalog_put_listed(o, from);
		free(ids);
		partial = false;
		ids = missing_segments(o, false, &n);
	}
	int rc = lookup(o, ids, n, d);
	free(ids);
	if (partial)
		put_configured(o);
	return rc;
}
