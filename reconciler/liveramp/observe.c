/*
 * Observing: the Activation API's resources as a struct state, mapped the
 * way local/observe.c maps the sandbox (the same accounts, identifiers,
 * segments and catalog for the same resources), so a plan does not depend
 * on the backend that produced it.
 *
 * Requests: the connections, the managers and the first page of the
 * segment catalog side by side; then the segment configs of every manager,
 * all managers at once (`concurrency` in flight, a progress line when
 * asked); then what is still missing from the catalog, below. In
 * pull-request mode (backend_options.scope) only the managers the pull
 * request touches have their configs read, and only they are accounts.
 *
 * The catalog entries observe reports are read by liveramp/catalog.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "backend/mapping.h"
#include "liveramp/observe.h"
#include "util/xalloc.h"

/* ---- connections and managers ----------------------------------------------- *
 *
 * Everything is read in one run of requests: the target (destination and
 * integration, unless pinned), the connections, the managers and the first
 * page of the catalog side by side, and the segment configs of a manager
 * as soon as its page, its connection's page and the target are all in:
 * no round trip waits for a whole list it does not need.
 */

static struct acct *acct_of(struct observe *o, const char *ic_id)
{
	struct acct *ac = hmap_get(&o->by_ic, ic_id);
	if (!ac) {
		ac = xcalloc(1, sizeof(*ac));
		XGROW(o->accts, o->cap_accts, o->n_accts + 1);
		o->accts[o->n_accts++] = ac;
		hmap_put(&o->by_ic, ic_id, ac, NULL);
	}
	return ac;
}

/* Decision 12: one connection, one manager; anything else is left alone. */
static bool managed(const struct observe *o, const struct acct *ac)
{
	return ac->has_ic && ac->n_dms == 1 && o->l->target_known && lr_ic_in_target(o->l, &ac->ic);
}

/* In pull-request mode only the accounts the pull request touches are
 * read (model/scope.h): the others' configs would only show drift. Known
 * from the manager's name, which comes on its page, before its configs. */
static bool wanted(const struct observe *o, const struct acct *ac)
{
	return managed(o, ac) && (!o->l->scope || scope_has_name(o->l->scope, ac->dm.name));
}

/* Starts reading the segment configs of ac once it is known to be managed.
 * A second manager may still turn up: then what was read is not used. */
static void prepare_configs(struct observe *o, struct acct *ac)
{
	struct strbuf path = STRBUF_INIT;
	sb_puts(&path, "/v2/distribution-managers/");
	http_escape(&path, ac->dm.id);
	sb_puts(&path, "/segment-configs");
	lr_list_init(&ac->configs, o->l, API_CONFIG, arena_strdup(&o->a, path.buf), NULL, &o->a);
	sb_release(&path);
	ac->started = true;
}

static void maybe_start(struct observe *o, struct acct *ac)
{
	if (ac->started || !wanted(o, ac))
		return;
	prepare_configs(o, ac);
	lr_list_start(o->l, &ac->configs);
}

static void on_ics(struct lr_list *ls, void *ctx)
{
	struct observe *o = ctx;
	for (; o->ics_seen < ls->n; o->ics_seen++) {
		const struct api_ic *ic = lr_list_item(ls, o->ics_seen);
		struct acct *ac = acct_of(o, ic->id);
		if (ac->has_ic)
			continue; /* the same id twice: the first counts */
		ac->ic = *ic;
		ac->has_ic = true;
		maybe_start(o, ac);
	}
}

static void on_dms(struct lr_list *ls, void *ctx)
{
	struct observe *o = ctx;
	for (; o->dms_seen < ls->n; o->dms_seen++) {
		const struct api_dm *dm = lr_list_item(ls, o->dms_seen);
		struct acct *ac = acct_of(o, dm->ic_id);
		if (ac->n_dms++ == 0)
			ac->dm = *dm;
		maybe_start(o, ac);
	}
}

static void start_all(struct observe *o)
{
	for (size_t i = 0; i < o->n_accts; i++)
		maybe_start(o, o->accts[i]);
}

static void on_integrations(struct lr_list *ls, void *ctx)
{
	struct observe *o = ctx;
	if (lr_list_more(ls))
		return;
	if (lr_target_integration(o->l, o->dest, ls, &o->target_diags) == 0)
		start_all(o);
}

static void start_integrations(struct observe *o)
{
	lr_integrations_init(&o->ints, o->l, o->dest, &o->a);
	o->ints.on_page = on_integrations;
	o->ints.on_page_ctx = o;
	o->ints.first = true;
}

static void on_destinations(struct lr_list *ls, void *ctx)
{
	struct observe *o = ctx;
	if (lr_list_more(ls))
		return;
	o->dest = lr_target_destination(o->l, ls, &o->target_diags);
	if (o->dest) {
		start_integrations(o);
		o->ints_started = true;
		lr_list_start(o->l, &o->ints);
	}
}

/* After the first page of the catalog: walk on at once when it surely
 * will be walked (read_catalog says when). */
static void on_catalog(struct lr_list *ls, void *ctx)
{
	struct observe *o = ctx;
	if (ls->one_page && lr_list_more(ls) && (!o->l->desired || o->n_unnamed > lr_catalog_pages_left(o)))
		ls->one_page = false;
}

/* Decision 12: anything but one connection, one manager is reported and
 * left alone (the same words as the sandbox's). */
static void report_odd(const struct acct *ac, struct diags *d)
{
	if (ac->n_dms == 0)
		diag_warning(
		    d, LR_RULE, NULL, "give it a distribution manager in Connect, or delete the connection",
		    "integration connection %s has no distribution manager; it is left alone", ac->ic.id);
	else
		diag_warning(d, LR_RULE, NULL,
			     "reconciler manages connections holding exactly one distribution manager; "
			     "keep one and delete the others in Connect",
			     "integration connection %s has %zu distribution managers; it is left alone",
			     ac->ic.id, ac->n_dms);
}

/* The run: every list, and those the hooks start. */
static int read_lists(struct observe *o, struct diags *d)
{
	struct liveramp *l = o->l;
	struct lr_list *lists[4];
	size_t n = 0;
	o->target_diags = (struct diags)DIAGS_INIT;
	if (!l->target_known) {
		if (l->pin_destination) {
			o->dest = arena_strdup(&l->arena, l->pin_destination);
			start_integrations(o);
			lists[n++] = &o->ints;
		} else {
			lr_destinations_init(&o->dests, l, &o->a);
			o->dests.on_page = on_destinations;
			o->dests.on_page_ctx = o;
			o->dests.first = true;
			lists[n++] = &o->dests;
		}
	}
	lr_list_init(&o->ics, l, API_IC, "/v2/integration-connections", NULL, &o->a);
	lr_list_init(&o->dms, l, API_DM, "/v2/distribution-managers", NULL, &o->a);
	lr_list_init(&o->segments, l, API_SEGMENT, "/v2/segments", NULL, &o->a);
	o->ics.on_page = on_ics;
	o->dms.on_page = on_dms;
	o->segments.on_page = on_catalog;
	o->ics.on_page_ctx = o->dms.on_page_ctx = o->segments.on_page_ctx = o;
	o->segments.one_page = true;
	o->ics.first = o->dms.first = true; /* the configs wait for their pages */
	lists[n++] = &o->ics;
	lists[n++] = &o->dms;
	lists[n++] = &o->segments;
	static const struct http_progress PROGRESS = { "observing", "lists" };
	int rc = lr_list_run(l, lists, n, &PROGRESS, d);
	if (!l->target_known && o->ints_started && lr_list_check(l, &o->ints, d) != 0)
		rc = -1;
	diags_move(d, &o->target_diags);
	if (!l->target_known)
		return -1;
	/* Every list is in, so each managed account has been started; the
	 * configs of an account that turned out to have more managers are not
	 * used, and neither are their failures. */
	struct lr_list **late = xcalloc(o->n_accts + 1, sizeof(*late));
	size_t n_late = 0;
	for (size_t i = 0; i < o->n_accts; i++) {
		struct acct *ac = o->accts[i];
		if (!wanted(o, ac))
			continue;
		if (!ac->started) { /* not expected: started when its last piece came */
			prepare_configs(o, ac);
			late[n_late++] = &ac->configs;
		} else if (rc == 0 && lr_list_check(l, &ac->configs, d) != 0) {
			rc = -1;
		}
	}
	if (rc == 0 && n_late)
		rc = lr_list_run(l, late, n_late, &PROGRESS, d);
	free(late);
	return rc;
}

/* ---- accounts -------------------------------------------------------------------- */

static const char *client_name(const struct liveramp *l, const struct api_ic *ic)
{
	for (size_t i = 0; l->client_key && i < ic->n_properties; i++)
		if (strcmp(ic->properties[i].key, l->client_key) == 0)
			return ic->properties[i].value;
	return NULL;
}

/* Device types back to the config's words (backend/mapping.c). */
static void add_identifiers(struct observe *o, struct account *a, const struct api_ic *ic, struct diags *d)
{
	mapping_identifiers(o->s, a, (const char *const *)ic->device_types, ic->n_device_types, ic->id,
			    o->l->base.profile, d);
}

static void add_segments(struct observe *o, struct account *a, const struct lr_list *configs)
{
	a->segments = arena_alloc(&o->s->arena, (configs->n ? configs->n : 1) * sizeof(*a->segments));
	for (size_t i = 0; i < configs->n; i++) {
		const struct api_config *c = lr_list_item(configs, i);
		struct segment *g = &a->segments[a->n_segments++];
		g->id = state_strdup(o->s, c->segment_id);
		g->config_id = state_strdup(o->s, c->id);
		g->type = c->marketplace ? SEGMENT_DATA_MARKETPLACE : SEGMENT_ONBOARDING;
		const struct catalog_entry *e = state_catalog_find(o->s, g->id);
		g->name.v = e ? e->name : NULL;
	}
}

static void add_account(struct observe *o, const struct acct *ac, struct diags *d)
{
	struct state *s = o->s;
	struct account *a = state_add_account(s);
	a->name.v = state_strdup(s, ac->dm.name);
	const char *client = client_name(o->l, &ac->ic);
	a->client_name.v = client ? state_strdup(s, client) : NULL;
	add_identifiers(o, a, &ac->ic, d);
	a->status = ac->dm.inactive ? STATUS_INACTIVE : STATUS_ACTIVE;
	a->expire_at.v = ac->dm.expire_at ? state_strdup(s, ac->dm.expire_at) : NULL;
	add_segments(o, a, &ac->configs);
	a->connection_id = state_strdup(s, ac->ic.id);
	a->manager_id = state_strdup(s, ac->dm.id);
}

/* ---- the whole ------------------------------------------------------------------ */

/* The accounts of the target, each once, in the order of the connections'
 * list (as the sandbox reports them). */
static void for_each_target(struct observe *o,
			    void (*fn)(struct observe *, const struct acct *, struct diags *),
			    struct diags *d)
{
	for (size_t i = 0; i < o->ics.n; i++) {
		struct acct *ac = hmap_get(&o->by_ic, ((const struct api_ic *)lr_list_item(&o->ics, i))->id);
		if (!ac->listed && lr_ic_in_target(o->l, &ac->ic)) {
			ac->listed = true;
			fn(o, ac, d);
		}
	}
	for (size_t i = 0; i < o->n_accts; i++)
		o->accts[i]->listed = false;
}

static void odd_account(struct observe *o, const struct acct *ac, struct diags *d)
{
	if (ac->n_dms != 1)
		report_odd(ac, d);
}

static void managed_account(struct observe *o, const struct acct *ac, struct diags *d)
{
	if (wanted(o, ac))
		add_account(o, ac, d);
}

/* Every manager the org lists that is not an account here (on a connection
 * left alone, of another destination, or not listed): its name is taken
 * all the same (model.h, struct held_name). */
static void add_held_names(struct observe *o)
{
	for (size_t i = 0; i < o->dms.n; i++) {
		const struct api_dm *dm = lr_list_item(&o->dms, i);
		const struct acct *ac = hmap_get(&o->by_ic, dm->ic_id);
		if (!ac || !managed(o, ac))
			state_add_held_name(o->s, dm->name, dm->ic_id, dm->id);
	}
}

/* Segment id -> its first config, over the accounts observed. */
static void index_configured(struct observe *o)
{
	for (size_t i = 0; i < o->n_accts; i++) {
		if (!wanted(o, o->accts[i]))
			continue;
		const struct lr_list *cl = &o->accts[i]->configs;
		for (size_t j = 0; j < cl->n; j++) {
			const struct api_config *c = lr_list_item(cl, j);
			if (!hmap_get(&o->configured, c->segment_id))
				hmap_put(&o->configured, c->segment_id, (void *)c, NULL);
		}
	}
}

static int observe_all(struct observe *o, struct diags *d)
{
	struct liveramp *l = o->l;
	/* A pinned integration is one GET, before the rest. */
	if (!l->target_known && l->pin_integration && lr_target(l, d) != 0)
		return -1;
	if (l->desired)
		lr_catalog_index_declared(o, l->desired);
	if (read_lists(o, d) != 0)
		return -1;
	for_each_target(o, odd_account, d);
	add_held_names(o);
	lr_catalog_put_listed(o, 0);
	index_configured(o);
	if (lr_catalog_read(o, d) != 0)
		return -1;
	for_each_target(o, managed_account, d);
	return 0;
}

int lr_observe(struct backend *b, struct state **out, struct diags *d)
{
	struct liveramp *l = lr_of(b);
	*out = NULL;
	struct observe o = { .l = l };
	o.s = state_new();
	o.s->source = state_strdup(o.s, b->spec);
	int rc = observe_all(&o, d);
	for (size_t i = 0; i < o.n_accts; i++) {
		lr_list_release(&o.accts[i]->configs);
		free(o.accts[i]);
	}
	free(o.accts);
	hmap_free(&o.by_ic);
	hmap_free(&o.declared);
	hmap_free(&o.configured);
	lr_list_release(&o.dests);
	lr_list_release(&o.ints);
	lr_list_release(&o.ics);
	lr_list_release(&o.dms);
	lr_list_release(&o.segments);
	diags_free(&o.target_diags);
	arena_free(&o.a);
	if (rc != 0) {
		state_free(o.s);
		return -1;
	}
	state_canonicalize(o.s);
	*out = o.s;
	return 0;
}
