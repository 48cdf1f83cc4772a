/*
 * Reading the sandbox as actual state: the same mapping the liveramp
 * backend makes from API responses, so that plans do not depend on which
 * backend produced them. One pass over connections, each with its manager
 * and that manager's configs taken from the document's indexes: O(size).
 */
#include <stdlib.h>
#include <string.h>

#include "backend/mapping.h"
#include "util/xalloc.h"

#include "sandbox/doc.h"
#include "util/strbuf.h"

#define RULE "backend"

/* A segment's display name: its "name" when set, else "field.name=value"
 * as the API describes a segment, else none. */
static void catalog_name(struct strbuf *out, const json_t *seg)
{
	sb_reset(out);
	const char *name = sandbox_str(seg, "name");
	if (name && *name) {
		sb_puts(out, name);
		return;
	}
	const char *field = sandbox_str(json_object_get(seg, "field"), "name");
	if (field && *field) {
		const char *value = sandbox_str(seg, "value");
		sb_printf(out, "%s=%s", field, value ? value : "");
	}
}

static void add_catalog(struct state *s, const struct sandbox *sb)
{
	struct strbuf name = STRBUF_INIT;
	const json_t *segments = json_object_get(sb->root, "segments");
	for (size_t i = 0; i < json_array_size(segments); i++) {
		const json_t *seg = json_array_get(segments, i);
		enum segment_type type = SEGMENT_ONBOARDING;
		segment_type_from_api(sandbox_str(seg, "type"), &type);
		catalog_name(&name, seg);
		state_catalog_put(s, sandbox_str(seg, "id"), name.len ? name.buf : NULL, type);
	}
	sb_release(&name);
}

static const char *client_name(const json_t *ic, const struct sandbox_target *t)
{
	if (!t->client_key)
		return NULL;
	const json_t *props = json_object_get(ic, "properties");
	for (size_t i = 0; i < json_array_size(props); i++) {
		const json_t *prop = json_array_get(props, i);
		if (strcmp(sandbox_str(prop, "propertyKey"), t->client_key) == 0)
			return sandbox_str(prop, "propertyValue");
	}
	return NULL;
}

/* Device types back to the config's words. Several types can map to one
 * word (IOS and ANDROID are both mobile_device_ids): each word once. */
/* Device types back to the config's words (backend/mapping.c). */
static void add_identifiers(struct state *s, struct account *a, const struct sb_ic *ic,
			    const struct profile *p, struct diags *d)
{
	const json_t *types = json_object_get(ic->obj, "deviceTypes");
	size_t n = json_array_size(types);
	const char **words = xcalloc(n ? n : 1, sizeof(*words));
	for (size_t i = 0; i < n; i++)
		words[i] = json_string_value(json_array_get(types, i));
	mapping_identifiers(s, a, words, n, ic->id, p, d);
	free(words);
}

static void add_segments(struct state *s, struct account *a, const struct sb_dm *dm)
{
	size_t it = 0, n = 0;
	void *v;
	while (hmap_next(&dm->by_segment, &it, NULL, &v))
		n += v != NULL;
	a->segments = arena_alloc(&s->arena, (n ? n : 1) * sizeof(*a->segments));
	it = 0;
	while (hmap_next(&dm->by_segment, &it, NULL, &v)) {
		if (!v)
			continue;
		struct segment *g = &a->segments[a->n_segments++];
		g->id = state_strdup(s, sandbox_str(v, "segmentID"));
		g->config_id = state_strdup(s, sandbox_str(v, "id"));
		segment_type_from_api(sandbox_str(v, "segmentType"), &g->type);
		const struct catalog_entry *e = state_catalog_find(s, g->id);
		g->name.v = e ? e->name : NULL;
	}
}

static void add_account(struct state *s, const struct sb_ic *ic, const struct sb_dm *dm,
			const struct sandbox_target *t, const struct profile *p, struct diags *d)
{
	struct account *a = state_add_account(s);
	a->name.v = state_strdup(s, sandbox_str(dm->obj, "name"));
	const char *client = client_name(ic->obj, t);
	a->client_name.v = client ? state_strdup(s, client) : NULL;
	add_identifiers(s, a, ic, p, d);
	/* Expired ACTIVE managers were turned INACTIVE when the file was read. */
	a->status = strcmp(sandbox_str(dm->obj, "status"), "INACTIVE") == 0 ? STATUS_INACTIVE : STATUS_ACTIVE;
	const char *expire = sandbox_str(dm->obj, "expireAt");
	/* The schema check let through dates and date-times: keep the date. */
	a->expire_at.v = expire ? arena_strndup(&s->arena, expire, 10) : NULL;
	add_segments(s, a, dm);
	a->connection_id = state_strdup(s, ic->id);
	a->manager_id = state_strdup(s, dm->id);
}

/* Every manager on a connection that is not an account here: its name is
 * taken in the org all the same (model.h, struct held_name). */
static void add_held_names(struct state *s, const struct sandbox *sb, const struct sandbox_target *t,
			   bool found)
{
	size_t it = 0;
	void *v;
	while (hmap_next(&sb->dms, &it, NULL, &v)) {
		const struct sb_dm *dm = v;
		if (!dm || !dm->obj)
			continue;
		const struct sb_ic *ic = dm->ic;
		if (found && ic && ic->obj && ic->n_dms == 1 && sandbox_ic_in_target(ic, t))
			continue;
		state_add_held_name(s, sandbox_str(dm->obj, "name"), ic ? ic->id : NULL, dm->id);
	}
}

int sandbox_observe(struct sandbox *sb, const struct profile *p, const struct sandbox_pins *pins,
		    const char *source, struct state **out, struct diags *d)
{
	struct state *s = state_new();
	s->source = state_strdup(s, source);
	add_catalog(s, sb);
	struct sandbox_target t;
	bool found = sandbox_find_target(sb, p, pins, &t);
	add_held_names(s, sb, &t, found);
	if (found) {
		size_t it = 0;
		void *v;
		while (hmap_next(&sb->ics, &it, NULL, &v)) {
			const struct sb_ic *ic = v;
			if (!ic->obj || !sandbox_ic_in_target(ic, &t))
				continue;
			if (ic->n_dms != 1)
				sandbox_warn_odd_connection(ic->id, ic->n_dms, d);
			else
				add_account(s, ic, ic->dms[0], &t, p, d);
		}
	}
	state_canonicalize(s);
	*out = s;
	return 0;
}
