/*
 * Segment configs (the segments a DM distributes), the segment catalog and
 * deliveries.
 *
 * POST and DELETE of /v2/distribution-managers/{dmId}/segment-configs take
 * a JSON array of 1..500 items and answer 207 with one status per item, in
 * the order given: [{"id", "status": {httpStatus, errorCode, message}}].
 * A created item carries the new config's id, a failed one the segmentID
 * it asked for (DELETE: the config id it named). Success statuses are 201
 * (created) and 200 (deleted), with errorCode "OK". Item failures:
 *   422  the item is not {segmentID, segmentType, distributionManagerID}
 *        naming this DM, or its type differs from the catalog's
 *   404  segmentID not in the catalog (only when the catalog is not empty:
 *        an empty catalog accepts any id); DELETE: no such config on this DM
 *   409  the segment is already configured on this DM (also twice in one batch)
 *   500  not applied because of a partial207 fault: the first half of the
 *        batch (rounded down) is applied, the rest is not
 */
#include <string.h>

#include "sandbox/deliveries.h"
#include "emulator.h"
#include "util/clock.h"
#include "util/hmap.h"

#define BATCH_MAX 500

static const char *const SEGMENT_TYPES[] = { "ONBOARDING", "DATA_MARKETPLACE", NULL };

static bool is_segment_type(const char *s)
{
	for (size_t i = 0; s && SEGMENT_TYPES[i]; i++)
		if (strcmp(s, SEGMENT_TYPES[i]) == 0)
			return true;
	return false;
}

static json_t *config_view(const json_t *c)
{
	json_t *out = json_pack("{s:s, s:s, s:s}", "id", emu_str(c, "id"), "segmentID",
				emu_str(c, "segmentID"), "segmentType", emu_str(c, "segmentType"));
	if (emu_str(c, "destinationSegmentID"))
		json_object_set(out, "destinationSegmentID", json_object_get(c, "destinationSegmentID"));
	json_object_set(out, "distributionManagerID", json_object_get(c, "distributionManagerID"));
	return out;
}

static json_t *find_dm(struct emu *e, const char *id, struct emu_response *rs)
{
	json_t *dm = emu_find(emu_array(e, "distributionManagers"), id);
	if (!dm)
		emu_error(rs, 404, "NOT_FOUND", "v2/DistributionManager %s not found", id);
	return dm;
}

static bool config_of(const json_t *c, const char *dm_id)
{
	const char *d = emu_str(c, "distributionManagerID");
	return d && strcmp(d, dm_id) == 0;
}

static void configs_index_clear(struct emu *e)
{
	const char *k;
	void *v;
	for (size_t i = 0; hmap_next(&e->configs_by_dm, &i, &k, &v);)
		json_decref(v);
	hmap_free(&e->configs_by_dm);
	json_decref(e->configs_arr);
	e->configs_arr = NULL;
}

void emu_configs_index_free(struct emu *e)
{
	configs_index_clear(e);
	hmap_free(&e->catalog_by_id);
	json_decref(e->catalog_arr);
	e->catalog_arr = NULL;
}

/* The catalog by id (borrowed), rebuilt when the document was replaced. */
static const struct hmap *catalog_index(struct emu *e)
{
	json_t *arr = emu_array(e, "segments");
	if (e->catalog_arr != arr) {
		hmap_free(&e->catalog_by_id);
		json_decref(e->catalog_arr);
		e->catalog_arr = json_incref(arr);
		size_t i;
		json_t *v;
		json_array_foreach(arr, i, v)
		{
			const char *id = emu_str(v, "id");
			if (id)
				hmap_put(&e->catalog_by_id, id, v, NULL);
		}
	}
	return &e->catalog_by_id;
}

/* Adds a config, the last of the configs array, to the index. */
static void index_config(struct emu *e, json_t *cfg)
{
	const char *dm = emu_str(cfg, "distributionManagerID");
	json_t *list = hmap_get(&e->configs_by_dm, dm);
	if (!list) {
		list = json_array();
		hmap_put(&e->configs_by_dm, dm, list, NULL);
	}
	json_array_append(list, cfg);
	e->configs_n = json_array_size(e->configs_arr);
	e->configs_last = cfg;
}

/* The configs of one DM in insertion order (borrowed; NULL: none), from
 * an index rebuilt in one pass after a change it did not see (emulator.h). */
static const json_t *configs_of(struct emu *e, const char *dm_id)
{
	json_t *arr = emu_array(e, "segmentConfigs");
	size_t n = json_array_size(arr);
	if (e->configs_arr != arr || e->configs_n != n ||
	    (n && e->configs_last != json_array_get(arr, n - 1))) {
		configs_index_clear(e);
		e->configs_arr = json_incref(arr);
		size_t i;
		json_t *c;
		json_array_foreach(arr, i, c)
		{
			if (emu_str(c, "distributionManagerID"))
				index_config(e, c);
		}
		e->configs_n = n;
		e->configs_last = n ? json_array_get(arr, n - 1) : NULL;
	}
	return hmap_get(&e->configs_by_dm, dm_id);
}

void emu_configs_list(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	if (!find_dm(e, rq->param[0], rs))
		return;
	const json_t *items = configs_of(e, rq->param[0]);
	json_t *none = items ? NULL : json_array();
	emu_page(rq, rs, "segmentConfigs", items ? items : none, config_view);
	json_decref(none);
}

void emu_config_get(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	if (!find_dm(e, rq->param[0], rs))
		return;
	json_t *c = emu_find(emu_array(e, "segmentConfigs"), rq->param[1]);
	if (c && config_of(c, rq->param[0]))
		emu_reply_json(rs, 200, config_view(c));
	else
		emu_error(rs, 404, "NOT_FOUND", "SegmentConfig %s of DistributionManager %s not found",
			  rq->param[1], rq->param[0]);
}

void emu_configs_drop_for(struct emu *e, const char *dm_id)
{
	json_t *arr = emu_array(e, "segmentConfigs"), *keep = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(arr, i, c)
	{
		if (!config_of(c, dm_id))
			json_array_append(keep, c);
	}
	json_array_clear(arr);
	json_array_extend(arr, keep);
	json_decref(keep);
}

/* ---- batches ------------------------------------------------------------- */

/* One item of a 207: StandardError's three fields, all strings (a success
 * too has an errorCode); an item naming nothing has no id. */
static void item_status(json_t *out, const char *id, int status, const char *code, const char *message)
{
	json_t *item = json_pack("{s:{s:i, s:s, s:s}}", "status", "httpStatus", status, "errorCode",
				 code ? code : "OK", "message", message);
	if (id)
		json_object_set_new(item, "id", json_string(id));
	json_array_append_new(out, item);
}

/* The batch array, or NULL after answering. The contract lists only 207
 * and 404 here: an empty batch is an empty 207, a body that is not an
 * array a 422 (its answer for what it cannot process), and a batch over
 * BATCH_MAX a 207 refusing every item. */
static json_t *batch_body(struct emu_request *rq, struct emu_response *rs)
{
	json_t *in = emu_body_json(rq, rs);
	if (in && !json_is_array(in)) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "the body must be a JSON array of 1 to %d items",
			  BATCH_MAX);
		json_decref(in);
		return NULL;
	}
	if (in && (json_array_size(in) == 0 || json_array_size(in) > BATCH_MAX)) {
		json_t *out = json_array();
		for (size_t i = 0; json_array_size(in) > BATCH_MAX && i < json_array_size(in); i++)
			item_status(out, NULL, 422, "UNPROCESSABLE_ENTITY",
				    "a batch holds at most 500 items");
		emu_reply_json(rs, 207, out);
		json_decref(in);
		return NULL;
	}
	return in;
}

struct add_ctx {
	struct emu *e;
	const char *dm_id;
	const char *ic_id;	    /* the DM's connection: deliveries go to it */
	const char *device_type;    /* the connection's first device type, or NULL */
	struct hmap configured;	    /* segmentID -> config, this DM's; keys borrowed from the tree */
	const struct hmap *catalog; /* segment id -> segment (catalog_index) */
	bool changed;
};

/* Applies one item of a POST batch and appends its status. */
static void add_one(struct add_ctx *c, const json_t *item, json_t *out)
{
	const char *seg = emu_str(item, "segmentID"), *type = emu_str(item, "segmentType");
	const char *dm = emu_str(item, "distributionManagerID");
	if (!seg || !is_segment_type(type) || !dm || strcmp(dm, c->dm_id) != 0) {
		item_status(out, seg, 422, "UNPROCESSABLE_ENTITY",
			    "each item needs segmentID, segmentType (ONBOARDING or DATA_MARKETPLACE) and the "
			    "distributionManagerID of the URL");
		return;
	}
	json_t *known = hmap_get(c->catalog, seg);
	if (c->catalog->count > 0 && !known) {
		item_status(out, seg, 404, "NOT_FOUND", "segment not found");
		return;
	}
	if (known && strcmp(emu_str(known, "type"), type) != 0) {
		item_status(out, seg, 422, "UNPROCESSABLE_ENTITY",
			    "segmentType differs from the segment's type");
		return;
	}
	if (hmap_get(&c->configured, seg)) {
		item_status(out, seg, 409, "CONFLICT",
			    "segment already configured on this distribution manager");
		return;
	}
	char id[32];
	emu_new_id(c->e, id);
	json_t *cfg = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "distributionManagerID", c->dm_id,
				"segmentID", seg, "segmentType", type);
	if (emu_str(item, "destinationSegmentID"))
		json_object_set(cfg, "destinationSegmentID", json_object_get(item, "destinationSegmentID"));
	json_object_set_new(cfg, "createdAt", emu_timestamp());
	json_array_append_new(emu_array(c->e, "segmentConfigs"), cfg);
	index_config(c->e, cfg);
	hmap_put(&c->configured, emu_str(cfg, "segmentID"), cfg, NULL);
	/* LiveRamp starts delivering what was added; the sandbox's rule
	 * (sandbox/deliveries.h), so both backends tell the same story. */
	char did[32];
	emu_new_id(c->e, did);
	sandbox_delivery_record(c->e->state, did, c->ic_id, seg, c->device_type, (long long)clock_now());
	c->changed = true;
	item_status(out, id, 201, NULL, "created");
}

static void add_ctx_init(struct add_ctx *c, struct emu *e, const json_t *dm)
{
	*c = (struct add_ctx){ .e = e,
			       .dm_id = emu_str(dm, "id"),
			       .ic_id = emu_str(dm, "integrationConnectionID") };
	const char *dm_id = c->dm_id;
	json_t *ic = c->ic_id ? emu_find(emu_array(e, "integrationConnections"), c->ic_id) : NULL;
	c->device_type = json_string_value(json_array_get(json_object_get(ic, "deviceTypes"), 0));
	if (!c->ic_id)
		c->ic_id = "";
	size_t i;
	json_t *v;
	const json_t *mine = configs_of(e, dm_id); /* and the index is current */
	json_array_foreach(mine, i, v)
	{
		hmap_put(&c->configured, emu_str(v, "segmentID"), v, NULL);
	}
	c->catalog = catalog_index(e);
}

/* The 207 as a reorder207 or anon207 fault shapes it: the items in reverse
 * order, or without their ids (the contract promises neither an order nor
 * an id). */
static void shape_207(const struct emu_request *rq, json_t *out)
{
	size_t n = json_array_size(out);
	if (rq->shape == EF_REORDER207) {
		for (size_t i = 0; i < n / 2; i++) {
			json_t *a = json_incref(json_array_get(out, i)),
			       *b = json_incref(json_array_get(out, n - 1 - i));
			json_array_set_new(out, i, b);
			json_array_set_new(out, n - 1 - i, a);
		}
	} else if (rq->shape == EF_ANON207) {
		for (size_t i = 0; i < n; i++)
			json_object_del(json_array_get(out, i), "id");
	}
}

/* A partial207 fault applies the first half of the batch (rounded down). */
static size_t applied_count(const struct emu_request *rq, size_t n)
{
	return rq->partial ? n / 2 : n;
}

/* The other half: failed (500, partial207) or refused (409, partial409). */
static void not_applied(const struct emu_request *rq, json_t *out, const char *id)
{
	if (rq->refuse_rest)
		item_status(out, id, 409, "CONFLICT", "not applied: the server refused part of the batch");
	else
		item_status(out, id, 500, "INTERNAL_SERVER_ERROR",
			    "not applied: the server failed part of the batch");
}

void emu_configs_add(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *dm = find_dm(e, rq->param[0], rs);
	json_t *in = dm ? batch_body(rq, rs) : NULL;
	if (!in)
		return;
	struct add_ctx c;
	add_ctx_init(&c, e, dm);
	json_t *out = json_array();
	size_t n = json_array_size(in), apply = applied_count(rq, n);
	for (size_t i = 0; i < n; i++) {
		const json_t *item = json_array_get(in, i);
		if (i < apply)
			add_one(&c, item, out);
		else
			not_applied(rq, out, emu_str(item, "segmentID"));
	}
	shape_207(rq, out);
	if (!c.changed || emu_store_commit(e, rs) == 0)
		emu_reply_json(rs, 207, json_incref(out));
	json_decref(out);
	hmap_free(&c.configured);
	json_decref(in);
}

/* DELETE names configs by the id GET returned ({"id": configId}). */
static bool remove_one(struct emu *e, const char *dm_id, const json_t *item, json_t *out)
{
	const char *id = emu_str(item, "id");
	if (!id) {
		item_status(out, NULL, 422, "UNPROCESSABLE_ENTITY",
			    "each item needs the id of a segment config");
		return false;
	}
	json_t *arr = emu_array(e, "segmentConfigs"), *cfg = emu_find(arr, id);
	if (!cfg || !config_of(cfg, dm_id)) {
		item_status(out, id, 404, "NOT_FOUND",
			    "segment config not found on this distribution manager");
		return false;
	}
	item_status(out, id, 200, NULL, "deleted");
	emu_remove(arr, cfg);
	return true;
}

void emu_configs_remove(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *in = find_dm(e, rq->param[0], rs) ? batch_body(rq, rs) : NULL;
	if (!in)
		return;
	json_t *out = json_array();
	bool changed = false;
	size_t n = json_array_size(in), apply = applied_count(rq, n);
	for (size_t i = 0; i < n; i++) {
		const json_t *item = json_array_get(in, i);
		if (i < apply)
			changed |= remove_one(e, rq->param[0], item, out);
		else
			not_applied(rq, out, emu_str(item, "id"));
	}
	shape_207(rq, out);
	if (!changed || emu_store_commit(e, rs) == 0)
		emu_reply_json(rs, 207, json_incref(out));
	json_decref(out);
	json_decref(in);
}

/* ---- segments and deliveries --------------------------------------------- */

/* The API shape; the catalog's "name" stays in the file. */
static json_t *segment_view(const json_t *s)
{
	const json_t *f = json_object_get(s, "field");
	const char *fid = emu_str(f, "id"), *fname = emu_str(f, "name"), *aud = emu_str(f, "audienceId");
	const char *value = emu_str(s, "value");
	return json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:s}", "id", emu_str(s, "id"), "field", "id",
			 fid ? fid : "", "name", fname ? fname : "", "audienceId", aud ? aud : "", "value",
			 value ? value : "", "type", emu_str(s, "type"));
}

void emu_segments_list(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	const char *field = emu_query(rq, "fieldName"), *value = emu_query(rq, "valueName");
	if (!field != !value) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "fieldName and valueName go together");
		return;
	}
	if (!field) { /* the whole catalog: no copy of it per page */
		emu_page(rq, rs, "v2/Segments", emu_array(e, "segments"), segment_view);
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *s;
	json_array_foreach(emu_array(e, "segments"), i, s)
	{
		const char *fname = emu_str(json_object_get(s, "field"), "name"), *v = emu_str(s, "value");
		if (fname && v && strcmp(fname, field) == 0 && strcmp(v, value) == 0)
			json_array_append(items, s);
	}
	emu_page(rq, rs, "v2/Segments", items, segment_view);
	json_decref(items);
}

void emu_segment_get(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *s = hmap_get(catalog_index(e), rq->param[0]);
	if (s)
		emu_reply_json(rs, 200, segment_view(s));
	else
		emu_error(rs, 404, "NOT_FOUND", "v2/Segment %s not found", rq->param[0]);
}

static json_t *delivery_view(const json_t *d)
{
	return json_deep_copy(d);
}

static bool delivery_matches(const json_t *d, const char *ic, const json_t *segs)
{
	const char *dic = emu_str(d, "integrationConnectionID"), *seg = emu_str(d, "segmentID");
	if (ic && (!dic || strcmp(dic, ic) != 0))
		return false;
	if (json_array_size(segs) == 0)
		return true;
	size_t i;
	json_t *v;
	json_array_foreach(segs, i, v)
	{
		if (seg && strcmp(json_string_value(v), seg) == 0)
			return true;
	}
	return false;
}

/* Deliveries are stored in the API's shape: an added segment config
 * records a PENDING one, which reads as DELIVERED once the state's
 * settings.delivery_delay_seconds have passed; tests seed others through
 * POST /_admin/state. segmentIDs may repeat or hold a comma list. */
void emu_deliveries_list(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	const char *ic = emu_query(rq, "integrationConnectionID");
	json_t *segs = emu_query_list(rq, "segmentIDs");
	/* PENDING deliveries that are due read as DELIVERED (written with the
	 * next change, as the local backend does). */
	sandbox_deliveries_settle(e->state, (long long)clock_now());
	json_t *items = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(emu_array(e, "deliveries"), i, d)
	{
		if (!json_is_object(d) || !delivery_matches(d, ic, segs))
			continue;
		if (rq->shape == EF_NO_SEGMENT_ID) { /* optional in the contract: left out */
			json_t *copy = json_deep_copy(d);
			json_object_del(copy, "segmentID");
			json_array_append_new(items, copy);
		} else {
			json_array_append(items, d);
		}
	}
	emu_page(rq, rs, "v2/Deliveries", items, delivery_view);
	json_decref(items);
	json_decref(segs);
}
