#include "sandbox/doc.h"
#include "backend/mapping.h"
#include "sandbox/deliveries.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox/schema.h"
#include "sandbox/store.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define RULE "backend"

/* The arrays of the document, in the order they are written. */
static const char *const ARRAYS[] = {
	"destinations", "integrations", "integrationConnections", "distributionManagers", "segmentConfigs",
	"segments",	"deliveries"
};

const char *sandbox_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static json_t *array_of(const struct sandbox *sb, const char *key)
{
	return json_object_get(sb->root, key);
}

static json_t *empty_document(void)
{
	json_t *root = json_object();
	json_object_set_new(root, "format_version", json_integer(SANDBOX_FORMAT_VERSION));
	json_object_set_new(root, "next_id", json_integer(1));
	for (size_t i = 0; i < sizeof(ARRAYS) / sizeof(ARRAYS[0]); i++)
		json_object_set_new(root, ARRAYS[i], json_array());
	return root;
}

__attribute__((format(printf, 3, 4))) static int broken(const struct sandbox *sb, struct diags *d,
							const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&msg, fmt, ap);
	va_end(ap);
	diag_error(d, RULE, NULL, local_schema_hint, "the sandbox %s is malformed: %s", sb->path, msg.buf);
	sb_release(&msg);
	return -1;
}

/* ---- indexes ---------------------------------------------------------- */

static struct sb_ic *index_ic(struct sandbox *sb, json_t *obj)
{
	struct sb_ic *ic = arena_alloc(&sb->arena, sizeof(*ic));
	ic->obj = obj;
	ic->id = arena_strdup(&sb->arena, sandbox_str(obj, "id"));
	hmap_put(&sb->ics, ic->id, ic, NULL);
	return ic;
}

static struct sb_dm *index_dm(struct sandbox *sb, json_t *obj, struct sb_ic *ic)
{
	struct sb_dm *dm = arena_alloc(&sb->arena, sizeof(*dm));
	dm->obj = obj;
	dm->id = arena_strdup(&sb->arena, sandbox_str(obj, "id"));
	dm->ic = ic;
	hmap_put(&sb->dms, dm->id, dm, NULL);
	XGROW(ic->dms, ic->cap_dms, ic->n_dms + 1);
	ic->dms[ic->n_dms++] = dm;
	return dm;
}

static void index_config(struct sandbox *sb, struct sb_dm *dm, json_t *obj)
{
	const char *id = arena_strdup(&sb->arena, sandbox_str(obj, "id"));
	const char *seg = arena_strdup(&sb->arena, sandbox_str(obj, "segmentID"));
	hmap_put(&sb->configs, id, obj, NULL);
	hmap_put(&dm->by_segment, seg, obj, NULL);
}

/* What indexing adds for one object (its parent, or NULL), item i of its
 * array: 0, or broken(). */
typedef int index_fn(struct sandbox *sb, json_t *obj, void *parent, size_t i, struct diags *d);

static int add_ic(struct sandbox *sb, json_t *obj, void *parent, size_t i, struct diags *d)
{
	index_ic(sb, obj);
	return 0;
}

static int add_dm(struct sandbox *sb, json_t *obj, void *ic, size_t i, struct diags *d)
{
	index_dm(sb, obj, ic);
	return 0;
}

static int add_config(struct sandbox *sb, json_t *obj, void *parent, size_t i, struct diags *d)
{
	struct sb_dm *dm = parent;
	const char *seg = sandbox_str(obj, "segmentID");
	if (hmap_get(&dm->by_segment, seg))
		return broken(sb, d,
			      "segmentConfigs[%zu]: segment \"%s\" is configured twice on distribution "
			      "manager \"%s\"",
			      i, seg, dm->id);
	index_config(sb, dm, obj);
	return 0;
}

static int add_segment(struct sandbox *sb, json_t *obj, void *parent, size_t i, struct diags *d)
{
	hmap_put(&sb->segments, arena_strdup(&sb->arena, sandbox_str(obj, "id")), obj, NULL);
	sb->n_segments++;
	return 0;
}

/* Every object of array, in order: its id must be new in ids; with a
 * parent_key, the id it holds there must name an object in parents (the
 * index of every parent_what). Then add() indexes it. 0, or broken(). */
static int index_array(struct sandbox *sb, const char *array, const struct hmap *ids, const char *parent_key,
		       const struct hmap *parents, const char *parent_what, index_fn *add, struct diags *d)
{
	size_t i;
	json_t *obj;
	json_array_foreach(array_of(sb, array), i, obj)
	{
		const char *id = sandbox_str(obj, "id");
		if (hmap_get(ids, id))
			return broken(sb, d, "%s[%zu]: the id \"%s\" is used twice", array, i, id);
		void *parent = NULL;
		if (parent_key) {
			const char *parent_id = sandbox_str(obj, parent_key);
			parent = hmap_get(parents, parent_id);
			if (!parent)
				return broken(sb, d, "%s[%zu]: %s \"%s\" names no %s", array, i, parent_key,
					      parent_id, parent_what);
		}
		if (add(sb, obj, parent, i, d))
			return -1;
	}
	return 0;
}

/* Connections, then their managers, then the managers' configs (each
 * names its parent, indexed before it), then the segments. */
static int index_all(struct sandbox *sb, struct diags *d)
{
	if (index_array(sb, "integrationConnections", &sb->ics, NULL, NULL, NULL, add_ic, d) ||
	    index_array(sb, "distributionManagers", &sb->dms, "integrationConnectionID", &sb->ics,
			"integration connection", add_dm, d) ||
	    index_array(sb, "segmentConfigs", &sb->configs, "distributionManagerID", &sb->dms,
			"distribution manager", add_config, d) ||
	    index_array(sb, "segments", &sb->segments, NULL, NULL, NULL, add_segment, d))
		return -1;
	return 0;
}

/* LiveRamp turns an account INACTIVE by itself on its end date; a sandbox
 * read later must show the same thing. */
static void expire_managers(struct sandbox *sb)
{
	long today = clock_today();
	size_t i;
	json_t *obj;
	json_array_foreach(array_of(sb, "distributionManagers"), i, obj)
	{
		const char *expire = sandbox_str(obj, "expireAt");
		long days;
		if (expire && strcmp(sandbox_str(obj, "status"), "ACTIVE") == 0 &&
		    local_api_date(expire, &days) && days < today)
			json_object_set_new(obj, "status", json_string("INACTIVE"));
	}
}

int sandbox_load(struct sandbox **out, const char *path, struct diags *d)
{
	*out = NULL;
	json_t *root;
	if (local_file_read(&root, path, d) != 0)
		return -1;
	struct sandbox *sb = xcalloc(1, sizeof(*sb));
	sb->path = path;
	sb->fresh = root == NULL;
	sb->root = root ? root : empty_document();
	if (local_schema_check(sb->root, path, d) != 0 || index_all(sb, d) != 0) {
		sandbox_free(sb);
		return -1;
	}
	expire_managers(sb);
	sandbox_deliveries_settle(sb->root, (long long)clock_now());
	*out = sb;
	return 0;
}

void sandbox_free(struct sandbox *sb)
{
	if (!sb)
		return;
	size_t it = 0;
	void *v;
	while (hmap_next(&sb->dms, &it, NULL, &v))
		hmap_free(&((struct sb_dm *)v)->by_segment);
	it = 0;
	while (hmap_next(&sb->ics, &it, NULL, &v))
		free(((struct sb_ic *)v)->dms);
	hmap_free(&sb->ics);
	hmap_free(&sb->dms);
	hmap_free(&sb->configs);
	hmap_free(&sb->segments);
	arena_free(&sb->arena);
	json_decref(sb->root);
	free(sb);
}

/* ---- destination and integration --------------------------------------- */

void sandbox_warn_odd_connection(const char *id, size_t n_dms, struct diags *d)
{
	if (n_dms == 0)
		diag_warning(d, RULE, NULL,
			     "give it a distribution manager in Connect, or delete the connection",
			     "integration connection %s has no distribution manager; it is left alone", id);
	else
		diag_warning(d, RULE, NULL,
			     "reconciler manages connections holding exactly one distribution manager; "
			     "keep one and delete the others in Connect",
			     "integration connection %s has %zu distribution managers; it is left alone", id,
			     n_dms);
}

/* The required property whose name mentions the profile's hint ("client"),
 * or the only one there is. */
static const char *client_key(const json_t *integration, const struct profile *p)
{
	const json_t *props = json_object_get(integration, "requiredProperties");
	size_t i;
	const json_t *prop;
	json_array_foreach(props, i, prop)
	{
		const char *name = sandbox_str(prop, "name");
		if (p->client_name_property_hint && strcasestr(name, p->client_name_property_hint))
			return name;
	}
	return json_array_size(props) == 1 ? sandbox_str(json_array_get(props, 0), "name") : NULL;
}

static json_t *find_destination(const struct sandbox *sb, const struct profile *p, const char *pin)
{
	size_t i;
	json_t *obj;
	json_array_foreach(array_of(sb, "destinations"), i, obj)
	{
		const char *want = pin ? pin : p->destination_name;
		if (want && strcmp(sandbox_str(obj, pin ? "id" : "name"), want) == 0)
			return obj;
	}
	return NULL;
}

static json_t *find_integration(const struct sandbox *sb, const struct profile *p, const char *dest_id,
				const char *pin)
{
	size_t i;
	json_t *obj;
	json_array_foreach(array_of(sb, "integrations"), i, obj)
	{
		const char *want = pin ? pin : p->integration_name;
		if (strcmp(sandbox_str(obj, "destinationID"), dest_id) == 0 && want &&
		    strcmp(sandbox_str(obj, pin ? "id" : "name"), want) == 0)
			return obj;
	}
	return NULL;
}

bool sandbox_find_target(struct sandbox *sb, const struct profile *p, const struct sandbox_pins *pins,
			 struct sandbox_target *t)
{
	memset(t, 0, sizeof(*t));
	json_t *dest = find_destination(sb, p, pins->destination_id);
	if (!dest)
		return false;
	t->destination_id = sandbox_str(dest, "id");
	json_t *integ = find_integration(sb, p, t->destination_id, pins->integration_id);
	if (!integ)
		return false;
	t->integration_id = sandbox_str(integ, "id");
	t->client_key = client_key(integ, p);
	return true;
}

/* Every API device type the profile's identifiers use, each once. */
static json_t *profile_device_types(const struct profile *p)
{
	json_t *types = json_array();
	for (size_t i = 0; i < p->n_identifiers; i++) {
		for (size_t j = 0; j < p->identifiers[i].n_device_types; j++)
			json_array_add_unique(types, p->identifiers[i].device_types[j]);
	}
	return types;
}

static void seed_destination(struct sandbox *sb, const struct profile *p, const char *pin)
{
	json_t *dest = json_object();
	json_object_set_new(dest, "id", json_string(pin ? pin : sandbox_new_id(sb)));
	json_object_set_new(dest, "name", json_string(p->destination_name ? p->destination_name : ""));
	json_object_set_new(dest, "logoUrl", json_string(""));
	json_array_append_new(array_of(sb, "destinations"), dest);
}

/* The client name is this tool's account field `client_name`; the
 * integration asks for it under that key, as the hint finds it. */
static void seed_integration(struct sandbox *sb, const struct profile *p, const char *dest_id,
			     const char *pin)
{
	json_t *prop = json_object();
	json_object_set_new(prop, "name", json_string("client_name"));
	json_object_set_new(prop, "description", json_string(""));
	json_t *integ = json_object();
	json_object_set_new(integ, "id", json_string(pin ? pin : sandbox_new_id(sb)));
	json_object_set_new(integ, "destinationID", json_string(dest_id));
	json_object_set_new(integ, "name", json_string(p->integration_name ? p->integration_name : ""));
	json_object_set_new(integ, "description", json_string(""));
	json_object_set_new(integ, "type", json_string("ONBOARDING"));
	json_object_set_new(integ, "deviceTypes", profile_device_types(p));
	json_object_set_new(integ, "requiredProperties", json_pack("[o]", prop));
	json_array_append_new(array_of(sb, "integrations"), integ);
}

void sandbox_seed_target(struct sandbox *sb, const struct profile *p, const struct sandbox_pins *pins,
			 struct sandbox_target *t)
{
	if (sandbox_find_target(sb, p, pins, t))
		return;
	if (!find_destination(sb, p, pins->destination_id))
		seed_destination(sb, p, pins->destination_id);
	json_t *dest = find_destination(sb, p, pins->destination_id);
	seed_integration(sb, p, sandbox_str(dest, "id"), pins->integration_id);
	sb->dirty = true;
	sandbox_find_target(sb, p, pins, t);
}

bool sandbox_ic_in_target(const struct sb_ic *ic, const struct sandbox_target *t)
{
	const json_t *pair = json_object_get(ic->obj, "integrationID");
	return t->destination_id && t->integration_id &&
	       strcmp(json_string_value(json_array_get(pair, 0)), t->destination_id) == 0 &&
	       strcmp(json_string_value(json_array_get(pair, 1)), t->integration_id) == 0;
}

/* ---- ids, time, changes ------------------------------------------------- */

static bool array_has_id(const json_t *arr, const char *id)
{
	for (size_t i = 0; i < json_array_size(arr); i++)
		if (strcmp(sandbox_str(json_array_get(arr, i), "id"), id) == 0)
			return true;
	return false;
}

/* One counter for every kind of resource, as ids are opaque strings in the
 * API. A hand-edited file may hold ids at or past next_id: those are
 * skipped rather than reused. (The id of an entry deleted in this session
 * may come back; the new entry replaces the dead one in its index, and the
 * dead object, no longer the one indexed, is dropped at the next write.) */
const char *sandbox_new_id(struct sandbox *sb)
{
	json_int_t next = json_integer_value(json_object_get(sb->root, "next_id"));
	char buf[32];
	for (;; next++) {
		snprintf(buf, sizeof(buf), "%lld", (long long)next);
		if (!hmap_get(&sb->ics, buf) && !hmap_get(&sb->dms, buf) && !hmap_get(&sb->configs, buf) &&
		    !array_has_id(array_of(sb, "destinations"), buf) &&
		    !array_has_id(array_of(sb, "integrations"), buf))
			break;
	}
	json_object_set_new(sb->root, "next_id", json_integer(next + 1));
	sb->dirty = true;
	return arena_strdup(&sb->arena, buf);
}

json_t *sandbox_timestamp(void)
{
	time_t now = clock_now();
	struct tm tm;
	char buf[32];
	gmtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

void sandbox_touch(struct sandbox *sb)
{
	sb->dirty = true;
}

struct sb_ic *sandbox_insert_ic(struct sandbox *sb, json_t *obj)
{
	json_array_append_new(array_of(sb, "integrationConnections"), obj);
	sb->dirty = true;
	return index_ic(sb, obj);
}

struct sb_dm *sandbox_insert_dm(struct sandbox *sb, json_t *obj)
{
	struct sb_ic *ic = hmap_get(&sb->ics, sandbox_str(obj, "integrationConnectionID"));
	json_array_append_new(array_of(sb, "distributionManagers"), obj);
	sb->dirty = true;
	return index_dm(sb, obj, ic);
}

void sandbox_insert_config(struct sandbox *sb, struct sb_dm *dm, json_t *obj)
{
	json_array_append_new(array_of(sb, "segmentConfigs"), obj);
	sb->dirty = true;
	index_config(sb, dm, obj);
}

void sandbox_delete_config(struct sandbox *sb, struct sb_dm *dm, json_t *config)
{
	hmap_put(&sb->configs, sandbox_str(config, "id"), NULL, NULL);
	hmap_put(&dm->by_segment, sandbox_str(config, "segmentID"), NULL, NULL);
	sb->n_dead++;
	sb->dirty = true;
}

void sandbox_delete_dm(struct sandbox *sb, struct sb_dm *dm)
{
	size_t it = 0;
	void *v;
	/* Not sandbox_delete_config(): writing into by_segment while walking
	 * it could rehash it under the iterator, and it is dropped anyway. */
	while (hmap_next(&dm->by_segment, &it, NULL, &v)) {
		if (v) {
			hmap_put(&sb->configs, sandbox_str(v, "id"), NULL, NULL);
			sb->n_dead++;
		}
	}
	hmap_free(&dm->by_segment);
	struct sb_ic *ic = dm->ic;
	for (size_t i = 0; i < ic->n_dms; i++)
		if (ic->dms[i] == dm)
			ic->dms[i] = ic->dms[--ic->n_dms];
	dm->obj = NULL;
	sb->n_dead++;
	sb->dirty = true;
}

void sandbox_delete_ic(struct sandbox *sb, struct sb_ic *ic)
{
	free(ic->dms);
	ic->dms = NULL;
	ic->n_dms = ic->cap_dms = 0;
	ic->obj = NULL;
	sb->n_dead++;
	sb->dirty = true;
}

/* ---- writing -------------------------------------------------------------- */

static bool ic_live(const struct sandbox *sb, const json_t *obj)
{
	const struct sb_ic *ic = hmap_get(&sb->ics, sandbox_str(obj, "id"));
	return ic && ic->obj == obj;
}

static bool dm_live(const struct sandbox *sb, const json_t *obj)
{
	const struct sb_dm *dm = hmap_get(&sb->dms, sandbox_str(obj, "id"));
	return dm && dm->obj == obj;
}

static bool config_live(const struct sandbox *sb, const json_t *obj)
{
	return hmap_get(&sb->configs, sandbox_str(obj, "id")) == obj;
}

/* An object is live when its index still points at it. */
static void compact(struct sandbox *sb, const char *key,
		    bool (*is_live)(const struct sandbox *, const json_t *))
{
	json_t *old = array_of(sb, key);
	json_t *kept = json_array();
	for (size_t i = 0; i < json_array_size(old); i++) {
		json_t *obj = json_array_get(old, i);
		if (is_live(sb, obj))
			json_array_append(kept, obj);
	}
	/* Replacing a key keeps its place in the object, so the file's key
	 * order does not change. */
	json_object_set_new(sb->root, key, kept);
}

json_t *sandbox_document(struct sandbox *sb)
{
	if (sb->n_dead) {
		compact(sb, "integrationConnections", ic_live);
		compact(sb, "distributionManagers", dm_live);
		compact(sb, "segmentConfigs", config_live);
		sb->n_dead = 0;
	}
	return sb->root;
}
