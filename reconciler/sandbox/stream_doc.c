/*
 * The sandbox document through the pull reader (stream_doc.h). Each reader
 * below mirrors one table of sandbox/schema.c: the fields it names
 * are checked for type (and enum, date) wherever they appear, required
 * ones must be there, every other field is skipped but still checked as
 * JSON. A mismatch fails the reader; the caller falls back to the tree.
 */
#include "stream_doc.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox/schema.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char *const STATUSES[] = { "ACTIVE", "INACTIVE", NULL };
static const char *const SEGMENT_TYPES[] = { "ONBOARDING", "DATA_MARKETPLACE", NULL };
static const char *const DEVICE_TYPES[] = { "PII",   "WEB",   "IOS",	 "ANDROID", "CUSTOM_ID",
					    "MIXED", "OTHER", "RAMP_ID", NULL };
static const char *const DELIVERY_STATUSES[] = { "FAILED",	"CANCELLED", "PENDING",
						 "IN_PROGRESS", "DELIVERED", NULL };
static const char *const OPERATION_TYPES[] = { "ADD", "DELETE", NULL };

static bool bad(struct sd_doc *doc)
{
	doc->js.failed = true;
	return false;
}

/* A string that must be one of values: its index, or -1 (failed). */
static int word(struct sd_doc *doc, const char *const *values)
{
	const char *s = js_string(&doc->js);
	for (int i = 0; s && values[i]; i++)
		if (strcmp(s, values[i]) == 0)
			return i;
	bad(doc);
	return -1;
}

static bool str(struct sd_doc *doc, const char **out)
{
	*out = js_string(&doc->js);
	return *out != NULL;
}

static bool str_or_null(struct sd_doc *doc, const char **out)
{
	*out = NULL;
	if (js_peek(&doc->js) == JS_NULL)
		return js_null(&doc->js);
	return str(doc, out);
}

/* A K_DATE_NULL field: null, or a string local_api_date accepts. */
static bool date_or_null(struct sd_doc *doc, const char **out)
{
	long days;
	if (!str_or_null(doc, out))
		return false;
	return !*out || local_api_date(*out, &days) || bad(doc);
}

/* ---- lists -------------------------------------------------------------- */

static const char **copy_scratch(struct sd_doc *doc, size_t *n)
{
	*n = doc->n_scratch;
	const char **v = arena_alloc(&doc->arena, (*n ? *n : 1) * sizeof(*v));
	if (*n)
		memcpy(v, doc->scratch, *n * sizeof(*v));
	return v;
}

/* An array of strings into doc->scratch; values: an enum, or NULL. */
static bool string_list(struct sd_doc *doc, const char *const *values)
{
	doc->n_scratch = 0;
	if (!js_enter_array(&doc->js))
		return false;
	while (js_next_item(&doc->js)) {
		const char *s = NULL;
		if (values) {
			int i = word(doc, values);
			s = i < 0 ? NULL : values[i];
		} else {
			s = js_string(&doc->js);
		}
		if (!s)
			return false;
		XGROW(doc->scratch, doc->cap_scratch, doc->n_scratch + 1);
		doc->scratch[doc->n_scratch++] = s;
	}
	return !doc->js.failed;
}

/* An array of objects, each read by one(). */
static bool each(struct sd_doc *doc, bool (*one)(struct sd_doc *))
{
	if (!js_enter_array(&doc->js))
		return false;
	while (js_next_item(&doc->js))
		if (!one(doc))
			return false;
	return !doc->js.failed;
}

/* The key just read is name: a compare of known length (the readers test
 * every key of 200,000 objects against their fields). */
#define KEY(k, name) (doc->js.key_len == sizeof(name) - 1 && memcmp((k), (name), sizeof(name) - 1) == 0)

/* ---- the resources ---------------------------------------------------------- */

static bool destination(struct sd_doc *doc)
{
	struct sd_dest x = { 0 };
	const char *k;
	bool ok = js_enter_object(&doc->js);
	while (ok && js_next_key(&doc->js, &k)) {
		if (KEY(k, "id"))
			ok = str(doc, &x.id);
		else if (KEY(k, "name"))
			ok = str(doc, &x.name);
		else
			ok = js_skip(&doc->js);
	}
	if (!ok || doc->js.failed || !x.id || !x.name)
		return bad(doc);
	XGROW(doc->dests, doc->cap_dests, doc->n_dests + 1);
	doc->dests[doc->n_dests++] = x;
	return true;
}

static bool required_property(struct sd_doc *doc)
{
	const char *k, *name = NULL;
	bool ok = js_enter_object(&doc->js);
	while (ok && js_next_key(&doc->js, &k))
		ok = KEY(k, "name") ? str(doc, &name) : js_skip(&doc->js);
	if (!ok || doc->js.failed || !name)
		return bad(doc);
	XGROW(doc->scratch, doc->cap_scratch, doc->n_scratch + 1);
	doc->scratch[doc->n_scratch++] = name;
	return true;
}

static bool integration(struct sd_doc *doc)
{
	struct sd_integ x = { 0 };
	bool props = false;
	const char *k;
	bool ok = js_enter_object(&doc->js);
	while (ok && js_next_key(&doc->js, &k)) {
		if (KEY(k, "id")) {
			ok = str(doc, &x.id);
		} else if (KEY(k, "destinationID")) {
			ok = str(doc, &x.destination_id);
		} else if (KEY(k, "name")) {
			ok = str(doc, &x.name);
		} else if (KEY(k, "requiredProperties")) {
			doc->n_scratch = 0;
			ok = props = each(doc, required_property);
			x.properties = copy_scratch(doc, &x.n_properties);
		} else {
			ok = js_skip(&doc->js);
		}
	}
	if (!ok || doc->js.failed || !x.id || !x.destination_id || !x.name || !props)
		return bad(doc);
	XGROW(doc->integs, doc->cap_integs, doc->n_integs + 1);
	doc->integs[doc->n_integs++] = x;
	return true;
}

static bool connection_property(struct sd_doc *doc)
{
	struct sd_prop x = { 0 };
	const char *k;
	bool ok = js_enter_object(&doc->js);
	while (ok && js_next_key(&doc->js, &k)) {
		if (KEY(k, "propertyKey"))
			ok = str(doc, &x.key);
		else if (KEY(k, "propertyValue"))
			ok = str(doc, &x.value);
		else
			ok = js_skip(&doc->js);
	}
	if (!ok || doc->js.failed || !x.key || !x.value)
		return bad(doc);
	XGROW(doc->scratch_props, doc->cap_scratch_props, doc->n_scratch_props + 1);
	doc->scratch_props[doc->n_scratch_props++] = x;
	return true;
}

static bool connection_pair(struct sd_doc *doc, struct sd_ic *x)
{
	if (!string_list(doc, NULL) || doc->n_scratch != 2)
		return bad(doc);
	x->pair[0] = doc->scratch[0];
	x->pair[1] = doc->scratch[1];
	return true;
}

static bool connection(struct sd_doc *doc)
{
	struct sd_ic x = { 0 };
	bool types = false, props = false;
	const char *k;
	bool ok = js_enter_object(&doc->js);
	while (ok && js_next_key(&doc->js, &k)) {
		if (KEY(k, "id")) {
			ok = str(doc, &x.id);
		} else if (KEY(k, "integrationID")) {
			ok = connection_pair(doc, &x);
		} else if (KEY(k, "deviceTypes")) {
			ok = types = string_list(doc, DEVICE_TYPES);
			x.types = copy_scratch(doc, &x.n_types);
		} else if (KEY(k, "properties")) {
			doc->n_scratch_props = 0;
			ok = props = each(doc, connection_property);
			x.n_props = doc->n_scratch_props;
			x.props = arena_alloc(&doc->arena, (x.n_props ? x.n_props : 1) * sizeof(*x.props));
			if (x.n_props)
				memcpy(x.props, doc->scratch_props, x.n_props * sizeof(*x.props));
		} else {
			ok = js_skip(&doc->js);
		}
	}
	if (!ok || doc->js.failed || !x.id || !x.pair[0] || !types || !props)
		return bad(doc);
	XGROW(doc->ics, doc->cap_ics, doc->n_ics + 1);
	doc->ics[doc->n_ics++] = x;
	return true;
}

static bool manager(struct sd_doc *doc)
{
	struct sd_dm x = { 0 };
	int status = -1;
	const char *k;
	bool ok = js_enter_object(&doc->js);
	while (ok && js_next_key(&doc->js, &k)) {
		if (KEY(k, "id")) {
			ok = str(doc, &x.id);
		} else if (KEY(k, "name")) {
			ok = str(doc, &x.name);
		} else if (KEY(k, "integrationConnectionID")) {
			ok = str(doc, &x.connection_id);
		} else if (KEY(k, "status")) {
			status = word(doc, STATUSES);
			ok = status >= 0;
		} else if (KEY(k, "expireAt")) {
			ok = date_or_null(doc, &x.expire);
		} else {
			ok = js_skip(&doc->js);
		}
	}
	if (!ok || doc->js.failed || !x.id || !x.name || !x.connection_id || status < 0)
		return bad(doc);
	x.inactive = status == 1;
	XGROW(doc->dms, doc->cap_dms, doc->n_dms + 1);
	doc->dms[doc->n_dms++] = x;
	return true;
}

static bool segment_config(struct sd_doc *doc)
{
	struct sd_cfg x = { 0 };
	int type = -1;
	const char *k;
	bool ok = js_enter_object(&doc->js);
	while (ok && js_next_key(&doc->js, &k)) {
		if (KEY(k, "id")) {
			ok = str(doc, &x.id);
		} else if (KEY(k, "distributionManagerID")) {
			ok = str(doc, &x.manager_id);
		} else if (KEY(k, "segmentID")) {
			ok = str(doc, &x.segment_id);
		} else if (KEY(k, "segmentType")) {
			type = word(doc, SEGMENT_TYPES);
			ok = type >= 0;
		} else {
			ok = js_skip(&doc->js);
		}
	}
	if (!ok || doc->js.failed || !x.id || !x.manager_id || !x.segment_id || type < 0)
		return bad(doc);
	x.type = type == 1 ? SEGMENT_DATA_MARKETPLACE : SEGMENT_ONBOARDING;
	XGROW(doc->cfgs, doc->cap_cfgs, doc->n_cfgs + 1);
	doc->cfgs[doc->n_cfgs++] = x;
	return true;
}

/* The segment's "field": an object whose "name", if any, is a string. */
static bool segment_field(struct sd_doc *doc, const char **name)
{
	const char *k;
	bool ok = js_enter_object(&doc->js);
	while (ok && js_next_key(&doc->js, &k))
		ok = KEY(k, "name") ? str(doc, name) : js_skip(&doc->js);
	return ok && !doc->js.failed;
}

/* A catalog entry, put into the state at once; a second entry of one id
 * is refused as the tree path's index refuses it. The name is the one
 * local_observe.c's catalog_name() makes. */
static bool segment(struct sd_doc *doc)
{
	const char *id = NULL, *name = NULL, *field = NULL, *value = NULL, *k;
	int type = -1;
	bool ok = js_enter_object(&doc->js);
	while (ok && js_next_key(&doc->js, &k)) {
		if (KEY(k, "id")) {
			ok = str(doc, &id);
		} else if (KEY(k, "name")) {
			ok = str_or_null(doc, &name);
		} else if (KEY(k, "field")) {
			ok = segment_field(doc, &field);
		} else if (KEY(k, "value")) {
			ok = str(doc, &value);
		} else if (KEY(k, "type")) {
			type = word(doc, SEGMENT_TYPES);
			ok = type >= 0;
		} else {
			ok = js_skip(&doc->js);
		}
	}
	if (!ok || doc->js.failed || !id || type < 0)
		return bad(doc);
	enum segment_type t = type == 1 ? SEGMENT_DATA_MARKETPLACE : SEGMENT_ONBOARDING;
	size_t before = doc->s->n_catalog;
	if (name && *name) {
		state_catalog_put(doc->s, id, name, t);
	} else if (field && *field) {
		struct strbuf full = STRBUF_INIT;
		sb_printf(&full, "%s=%s", field, value ? value : "");
		state_catalog_put(doc->s, id, full.buf, t);
		sb_release(&full);
	} else {
		state_catalog_put(doc->s, id, NULL, t);
	}
	/* An id already there was replaced, not added: used twice. */
	return doc->s->n_catalog > before || bad(doc);
}

/* One of values, as its word there (not in the buffer). */
static bool word_of(struct sd_doc *doc, const char *const *values, const char **out)
{
	int i = word(doc, values);
	*out = i < 0 ? NULL : values[i];
	return i >= 0;
}

/* Deliveries are not observed, only checked (every field optional), and
 * kept when the caller reads them. */
static bool delivery(struct sd_doc *doc)
{
	struct sd_delivery x = { .record_count = -1 };
	const char *k;
	bool ok = js_enter_object(&doc->js);
	while (ok && js_next_key(&doc->js, &k)) {
		if (KEY(k, "status"))
			ok = word_of(doc, DELIVERY_STATUSES, &x.status);
		else if (KEY(k, "deviceType"))
			ok = word_of(doc, DEVICE_TYPES, &x.device_type);
		else if (KEY(k, "operationType"))
			ok = word_of(doc, OPERATION_TYPES, &x.operation);
		else if (KEY(k, "recordCount"))
			ok = js_integer(&doc->js, &x.record_count);
		else if (KEY(k, "id"))
			ok = str(doc, &x.id);
		else if (KEY(k, "updatedAt"))
			ok = str(doc, &x.updated_at);
		else if (KEY(k, "segmentID"))
			ok = str(doc, &x.segment_id);
		else if (KEY(k, "integrationConnectionID"))
			ok = str(doc, &x.connection_id);
		else
			ok = js_skip(&doc->js);
	}
	if (!ok || doc->js.failed)
		return bad(doc);
	if (doc->keep_deliveries) {
		XGROW(doc->dels, doc->cap_dels, doc->n_dels + 1);
		doc->dels[doc->n_dels++] = x;
	}
	return true;
}

static bool settings(struct sd_doc *doc)
{
	const char *k;
	bool ok = js_enter_object(&doc->js);
	while (ok && js_next_key(&doc->js, &k)) {
		if (KEY(k, "delivery_delay_seconds")) {
			long long v = 0;
			ok = js_integer(&doc->js, &v) && (v >= 0 || bad(doc));
			doc->delivery_delay = v;
		} else {
			ok = js_skip(&doc->js);
		}
	}
	return ok && !doc->js.failed;
}

/* ---- the document ------------------------------------------------------------ */

static const char *const ARRAYS[] = {
	"destinations", "integrations", "integrationConnections", "distributionManagers", "segmentConfigs",
	"segments",	"deliveries"
};
static bool (*const READERS[])(struct sd_doc *) = { destination,    integration, connection, manager,
						    segment_config, segment,	 delivery };
#define N_ARRAYS (sizeof(ARRAYS) / sizeof(ARRAYS[0]))

bool sd_read(struct sd_doc *doc, char *buf, size_t len)
{
	struct jstream *js = &doc->js;
	js_init(js, buf, len);
	bool seen[N_ARRAYS] = { false };
	bool has_version = false, has_next = false;
	long long version = 0, next_id = 0;
	const char *k;
	bool ok = js_enter_object(js);
	while (ok && js_next_key(js, &k)) {
		size_t i = 0;
		while (i < N_ARRAYS && strcmp(k, ARRAYS[i]) != 0)
			i++;
		if (i < N_ARRAYS) {
			ok = seen[i] = each(doc, READERS[i]);
		} else if (KEY(k, "format_version")) {
			ok = has_version = js_integer(js, &version);
		} else if (KEY(k, "next_id")) {
			ok = has_next = js_integer(js, &next_id);
		} else if (KEY(k, "settings")) {
			ok = settings(doc);
		} else {
			ok = js_skip(js);
		}
	}
	if (!ok || js->failed || !js_at_end(js) || !has_version || !has_next ||
	    version != SANDBOX_FORMAT_VERSION || next_id < 1)
		return false;
	for (size_t i = 0; i < N_ARRAYS; i++)
		if (!seen[i])
			return false;
	return true;
}

void sd_release(struct sd_doc *doc)
{
	js_release(&doc->js);
	free(doc->dests);
	free(doc->integs);
	free(doc->ics);
	free(doc->dms);
	free(doc->cfgs);
	free(doc->dels);
	free(doc->scratch);
	free(doc->scratch_props);
	arena_free(&doc->arena);
}
