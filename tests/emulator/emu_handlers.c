/*
 * Destinations, integrations, integration connections (ICs) and
 * distribution managers (DMs): the "Explore Destinations" and "Configure
 * Distributions" parts of the contract.
 *
 * Validation follows the contract's schemas; where the contract lists 422
 * the emulator answers 400 (the project's tests and the client treat both
 * as "do not retry"). References to resources that do not exist answer 404.
 *
 * Choices the contract leaves open, made here and relied on by tests:
 *  - POST /v2/integration-connections answers 201 with the whole IC (the
 *    contract promises only {id}); with distributionManagerName it also
 *    creates the DM (ACTIVE, no end date) but does not return its id: a
 *    client finds it with GET /v2/distribution-managers?integrationConnectionID=.
 *  - POST /v2/distribution-managers answers 201 with the whole DM.
 *  - PUT and DELETE answer 200 with an empty body.
 *  - DELETE of an IC also deletes its DMs and their segment configs.
 *  - An IC's deviceTypes must be ones its integration lists.
 */
#include <string.h>

#include "sandbox/schema.h"
#include "emulator.h"
#include "util/clock.h"
#include "util/text.h"

#define NAME_MAX_CHARS 50

static const char *const DEVICE_TYPES[] = { "PII",   "WEB",   "IOS",	 "ANDROID", "CUSTOM_ID",
					    "MIXED", "OTHER", "RAMP_ID", NULL };
static const char *const STATUSES[] = { "ACTIVE", "INACTIVE", NULL };

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static bool json_array_has(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	}
	return false;
}

/* A copy of the keys of item the contract's output schema names. Keys in
 * with_null are always present (null when absent). */
static json_t *pick(const json_t *item, const char *const *keys, const char *const *with_null)
{
	json_t *out = json_object();
	for (size_t i = 0; keys[i]; i++) {
		json_t *v = json_object_get(item, keys[i]);
		if (v)
			json_object_set_new(out, keys[i], json_deep_copy(v));
		else if (with_null && in_list(keys[i], with_null))
			json_object_set_new(out, keys[i], json_null());
	}
	return out;
}

static json_t *destination_view(const json_t *d)
{
	const char *logo = emu_str(d, "logoUrl");
	/* logoUrl is required and a URL: a state that has none gets one that
	 * names nothing (.invalid is reserved for that). */
	json_t *out = json_pack("{s:s, s:s}", "id", emu_str(d, "id"), "name", emu_str(d, "name"));
	if (logo && *logo)
		json_object_set_new(out, "logoUrl", json_string(logo));
	else
		json_object_set_new(
		    out, "logoUrl",
		    json_pack("s++", "https://logo.invalid/destinations/", emu_str(d, "id"), ".png"));
	return out;
}

static json_t *integration_view(const json_t *it)
{
	static const char *const KEYS[] = { "id",
					    "name",
					    "description",
					    "type",
					    "deviceTypes",
					    "requiredProperties",
					    "oAuthEndpointID",
					    "unavailableReason",
					    NULL };
	json_t *out = pick(it, KEYS, NULL);
	if (!json_object_get(out, "description"))
		json_object_set_new(out, "description", json_string(""));
	if (!json_object_get(out, "type"))
		json_object_set_new(out, "type", json_string("ONBOARDING"));
	if (!json_object_get(out, "deviceTypes"))
		json_object_set_new(out, "deviceTypes", json_array());
	return out;
}

static json_t *ic_view(const json_t *ic)
{
	static const char *const KEYS[] = { "id",	   "integrationID", "oAuthConnectionID", "properties",
					    "deviceTypes", "createdAt",	    "updatedAt",	 NULL };
	return pick(ic, KEYS, NULL);
}

static json_t *dm_view(const json_t *dm)
{
	static const char *const KEYS[] = { "id",	 "name",     "integrationConnectionID",
					    "status",	 "expireAt", "createdAt",
					    "updatedAt", NULL };
	static const char *const NULLABLE[] = { "expireAt", NULL };
	return pick(dm, KEYS, NULLABLE);
}

/* ---- destinations and integrations ----------------------------------- */

void emu_destinations_list(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	emu_page(rq, rs, "v2/Destinations", emu_array(e, "destinations"), destination_view);
}

void emu_destination_get(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *d = emu_find(emu_array(e, "destinations"), rq->param[0]);
	if (d)
		emu_reply_json(rs, 200, destination_view(d));
	else
		emu_error(rs, 404, "NOT_FOUND", "v2/Destination %s not found", rq->param[0]);
}

static json_t *find_integration(struct emu *e, const char *dest_id, const char *id)
{
	json_t *it = emu_find(emu_array(e, "integrations"), id);
	const char *dest = it ? emu_str(it, "destinationID") : NULL;
	return dest && strcmp(dest, dest_id) == 0 ? it : NULL;
}

void emu_integrations_list(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	if (!emu_find(emu_array(e, "destinations"), rq->param[0])) {
		emu_error(rs, 404, "NOT_FOUND", "v2/Destination %s not found", rq->param[0]);
		return;
	}
	const char *type = emu_query(rq, "type");
	json_t *items = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(emu_array(e, "integrations"), i, it)
	{
		const char *dest = emu_str(it, "destinationID"), *t = emu_str(it, "type");
		if (dest && strcmp(dest, rq->param[0]) == 0 &&
		    (!type || strcmp(type, t ? t : "ONBOARDING") == 0))
			json_array_append(items, it);
	}
	emu_page(rq, rs, "integrations", items, integration_view);
	json_decref(items);
}

void emu_integration_get(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *it = find_integration(e, rq->param[0], rq->param[1]);
	if (it)
		emu_reply_json(rs, 200, integration_view(it));
	else
		emu_error(rs, 404, "NOT_FOUND", "Integration %s of destination %s not found", rq->param[1],
			  rq->param[0]);
}

/* ---- validation -------------------------------------------------------- */

static bool valid_object(const json_t *in, struct emu_response *rs)
{
	if (json_is_object(in))
		return true;
	emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "the request body must be a JSON object");
	return false;
}

bool emu_valid_name(const json_t *name, struct emu_response *rs)
{
	const char *s = json_string_value(name);
	size_t bad;
	if (!s || !utf8_valid(s, strlen(s), &bad) || strspn(s, " \t\r\n") == strlen(s)) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "name must be a non-empty string");
		return false;
	}
	if (utf8_length(s) > NAME_MAX_CHARS) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "name must be at most %d characters; it has %zu",
			  NAME_MAX_CHARS, utf8_length(s));
		return false;
	}
	return true;
}

bool emu_valid_expire(const json_t *v, struct emu_response *rs)
{
	long days;
	if (json_is_null(v))
		return true;
	if (!json_is_string(v) || !local_api_date(json_string_value(v), &days)) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "expireAt must be a date (YYYY-MM-DD) or null");
		return false;
	}
	if (days < clock_today()) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "expireAt %s is in the past",
			  json_string_value(v));
		return false;
	}
	return true;
}

static bool valid_status(const json_t *v, struct emu_response *rs)
{
	if (json_is_string(v) && in_list(json_string_value(v), STATUSES))
		return true;
	emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "status must be ACTIVE or INACTIVE");
	return false;
}

/* integrationID: [destinationId, integrationId] naming an integration. */
static json_t *integration_of(struct emu *e, const json_t *pair, struct emu_response *rs)
{
	const char *dest = json_string_value(json_array_get(pair, 0));
	const char *id = json_string_value(json_array_get(pair, 1));
	if (!json_is_array(pair) || json_array_size(pair) != 2 || !dest || !id) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY",
			  "integrationID must be [destinationId, integrationId]");
		return NULL;
	}
	json_t *it = find_integration(e, dest, id);
	if (!it)
		emu_error(rs, 404, "NOT_FOUND", "Integration [%s, %s] not found", dest, id);
	return it;
}

static bool valid_device_types(const json_t *types, const json_t *integ, struct emu_response *rs)
{
	if (!json_is_array(types)) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "deviceTypes must be an array of device types");
		return false;
	}
	const json_t *allowed = json_object_get(integ, "deviceTypes");
	size_t i;
	json_t *t;
	json_array_foreach(types, i, t)
	{
		const char *s = json_string_value(t);
		if (!s || !in_list(s, DEVICE_TYPES)) {
			emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "deviceTypes[%zu] is not a DeviceType", i);
			return false;
		}
		if (json_array_size(allowed) > 0 && !json_array_has(allowed, s)) {
			emu_error(rs, 422, "UNPROCESSABLE_ENTITY",
				  "the integration does not accept device type %s", s);
			return false;
		}
	}
	return true;
}

static const char *property_value(const json_t *props, const char *key)
{
	size_t i;
	json_t *p;
	json_array_foreach(props, i, p)
	{
		const char *k = emu_str(p, "propertyKey");
		if (k && strcmp(k, key) == 0)
			return emu_str(p, "propertyValue");
	}
	return NULL;
}

static bool valid_properties(const json_t *props, const json_t *integ, struct emu_response *rs)
{
	size_t i;
	json_t *p;
	if (!json_is_array(props)) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY",
			  "properties must be an array of {propertyKey, propertyValue}");
		return false;
	}
	json_array_foreach(props, i, p)
	{
		if (!emu_str(p, "propertyKey") || !emu_str(p, "propertyValue")) {
			emu_error(rs, 422, "UNPROCESSABLE_ENTITY",
				  "properties[%zu] needs string propertyKey and propertyValue", i);
			return false;
		}
	}
	json_array_foreach(json_object_get(integ, "requiredProperties"), i, p)
	{
		const char *name = emu_str(p, "name");
		const char *v = name ? property_value(props, name) : NULL;
		if (name && (!v || !*v)) {
			emu_error(rs, 422, "UNPROCESSABLE_ENTITY",
				  "the integration requires a value for property %s", name);
			return false;
		}
	}
	return true;
}

/* Only the contract's two fields of each property are kept. */
static json_t *copy_properties(const json_t *props)
{
	json_t *out = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(props, i, p)
	{
		json_array_append_new(out, json_pack("{s:s, s:s}", "propertyKey", emu_str(p, "propertyKey"),
						     "propertyValue", emu_str(p, "propertyValue")));
	}
	return out;
}

/* ---- integration connections ------------------------------------------ */

static json_t *ic_integration(struct emu *e, const json_t *ic)
{
	const json_t *pair = json_object_get(ic, "integrationID");
	return find_integration(e, json_string_value(json_array_get(pair, 0)),
				json_string_value(json_array_get(pair, 1)));
}

void emu_ic_create(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *in = emu_body_json(rq, rs);
	if (!in || !valid_object(in, rs))
		goto out;
	json_t *integ = integration_of(e, json_object_get(in, "integrationID"), rs);
	json_t *dm_name = json_object_get(in, "distributionManagerName");
	json_t *oauth = json_object_get(in, "oAuthConnectionID");
	if (!integ || !valid_device_types(json_object_get(in, "deviceTypes"), integ, rs) ||
	    !valid_properties(json_object_get(in, "properties"), integ, rs))
		goto out;
	if (dm_name && !json_is_null(dm_name) && !emu_valid_name(dm_name, rs))
		goto out;
	char id[32];
	emu_new_id(e, id);
	json_t *ic =
	    json_pack("{s:s, s:O, s:O, s:o}", "id", id, "integrationID", json_object_get(in, "integrationID"),
		      "deviceTypes", json_object_get(in, "deviceTypes"), "properties",
		      copy_properties(json_object_get(in, "properties")));
	if (json_is_string(oauth))
		json_object_set(ic, "oAuthConnectionID", oauth);
	json_object_set_new(ic, "createdAt", emu_timestamp());
	json_object_set_new(ic, "updatedAt", emu_timestamp());
	json_array_append_new(emu_array(e, "integrationConnections"), ic);
	if (json_is_string(dm_name))
		json_array_append_new(emu_array(e, "distributionManagers"),
				      emu_dm_new(e, json_string_value(dm_name), id, "ACTIVE", json_null()));
	if (emu_store_commit(e, rs) == 0)
		emu_reply_json(rs, 201, ic_view(ic));
out:
	json_decref(in);
}

void emu_ic_list(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	emu_page(rq, rs, "v2/IntegrationConnections", emu_array(e, "integrationConnections"), ic_view);
}

static json_t *find_ic(struct emu *e, const char *id, struct emu_response *rs)
{
	json_t *ic = emu_find(emu_array(e, "integrationConnections"), id);
	if (!ic)
		emu_error(rs, 404, "NOT_FOUND", "v2/IntegrationConnection %s not found", id);
	return ic;
}

void emu_ic_get(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *ic = find_ic(e, rq->param[0], rs);
	if (ic)
		emu_reply_json(rs, 200, ic_view(ic));
}

void emu_ic_put(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *ic = find_ic(e, rq->param[0], rs);
	json_t *in = ic ? emu_body_json(rq, rs) : NULL;
	if (!in || !valid_object(in, rs))
		goto out;
	json_t *integ = ic_integration(e, ic);
	json_t *props = json_object_get(in, "properties"), *types = json_object_get(in, "deviceTypes");
	if (!props || !types) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "a PUT needs both properties and deviceTypes");
		goto out;
	}
	if (!valid_device_types(types, integ, rs) || !valid_properties(props, integ, rs))
		goto out;
	json_object_set(ic, "deviceTypes", types);
	json_object_set_new(ic, "properties", copy_properties(props));
	if (json_is_string(json_object_get(in, "oAuthConnectionID")))
		json_object_set(ic, "oAuthConnectionID", json_object_get(in, "oAuthConnectionID"));
	json_object_set_new(ic, "updatedAt", emu_timestamp());
	if (emu_store_commit(e, rs) == 0)
		emu_reply_empty(rs, 200);
out:
	json_decref(in);
}

static void delete_dm(struct emu *e, json_t *dm)
{
	emu_configs_drop_for(e, emu_str(dm, "id"));
	emu_remove(emu_array(e, "distributionManagers"), dm);
}

void emu_ic_delete(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *ic = find_ic(e, rq->param[0], rs);
	if (!ic)
		return;
	json_t *dms = emu_array(e, "distributionManagers");
	for (size_t i = json_array_size(dms); i-- > 0;) {
		json_t *dm = json_array_get(dms, i);
		if (strcmp(emu_str(dm, "integrationConnectionID"), rq->param[0]) == 0)
			delete_dm(e, dm);
	}
	emu_remove(emu_array(e, "integrationConnections"), ic);
	if (emu_store_commit(e, rs) == 0)
		emu_reply_empty(rs, 200);
}

/* ---- distribution managers --------------------------------------------- */

json_t *emu_dm_new(struct emu *e, const char *name, const char *ic_id, const char *status, json_t *expire)
{
	char id[32];
	emu_new_id(e, id);
	return json_pack("{s:s, s:s, s:s, s:s, s:O, s:o, s:o}", "id", id, "name", name,
			 "integrationConnectionID", ic_id, "status", status, "expireAt", expire, "createdAt",
			 emu_timestamp(), "updatedAt", emu_timestamp());
}

void emu_dm_create(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *in = emu_body_json(rq, rs);
	if (!in || !valid_object(in, rs) || !emu_valid_name(json_object_get(in, "name"), rs))
		goto out;
	const char *ic_id = emu_str(in, "integrationConnectionID");
	json_t *status = json_object_get(in, "status"), *expire = json_object_get(in, "expireAt");
	if (!ic_id) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "integrationConnectionID is required");
		goto out;
	}
	if (!find_ic(e, ic_id, rs) || (status && !valid_status(status, rs)) ||
	    (expire && !emu_valid_expire(expire, rs)))
		goto out;
	json_t *dm = emu_dm_new(e, emu_str(in, "name"), ic_id, status ? json_string_value(status) : "ACTIVE",
				expire ? expire : json_null());
	json_array_append_new(emu_array(e, "distributionManagers"), dm);
	if (emu_store_commit(e, rs) == 0)
		emu_reply_json(rs, 201, dm_view(dm));
out:
	json_decref(in);
}

void emu_dm_list(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	const char *ic = emu_query(rq, "integrationConnectionID");
	json_t *items = json_array();
	size_t i;
	json_t *dm;
	json_array_foreach(emu_array(e, "distributionManagers"), i, dm)
	{
		if (!ic || strcmp(emu_str(dm, "integrationConnectionID"), ic) == 0)
			json_array_append(items, dm);
	}
	emu_page(rq, rs, "v2/DistributionManagers", items, dm_view);
	json_decref(items);
}

static json_t *find_dm(struct emu *e, const char *id, struct emu_response *rs)
{
	json_t *dm = emu_find(emu_array(e, "distributionManagers"), id);
	if (!dm)
		emu_error(rs, 404, "NOT_FOUND", "v2/DistributionManager %s not found", id);
	return dm;
}

void emu_dm_get(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *dm = find_dm(e, rq->param[0], rs);
	if (dm)
		emu_reply_json(rs, 200, dm_view(dm));
}

/* The contract's Puttable requires all three fields: a client that means
 * "no end date" sends expireAt: null, it does not leave the key out. */
void emu_dm_put(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *dm = find_dm(e, rq->param[0], rs);
	json_t *in = dm ? emu_body_json(rq, rs) : NULL;
	if (!in || !valid_object(in, rs))
		goto out;
	static const char *const REQUIRED[] = { "name", "status", "expireAt" };
	for (size_t i = 0; i < 3; i++) {
		if (!json_object_get(in, REQUIRED[i])) {
			emu_error(rs, 422, "UNPROCESSABLE_ENTITY",
				  "a PUT needs name, status and expireAt; %s is missing", REQUIRED[i]);
			goto out;
		}
	}
	/* A past end date cannot be set, but a PUT may carry the one the
	 * manager already has (a rename of an account that ended). */
	json_t *expire = json_object_get(in, "expireAt");
	bool kept = json_equal(expire, json_object_get(dm, "expireAt"));
	if (!emu_valid_name(json_object_get(in, "name"), rs) ||
	    !valid_status(json_object_get(in, "status"), rs) || (!kept && !emu_valid_expire(expire, rs)))
		goto out;
	json_object_set(dm, "name", json_object_get(in, "name"));
	json_object_set(dm, "status", json_object_get(in, "status"));
	json_object_set(dm, "expireAt", expire);
	json_object_set_new(dm, "updatedAt", emu_timestamp());
	if (emu_store_commit(e, rs) == 0)
		emu_reply_empty(rs, 200);
out:
	json_decref(in);
}

void emu_dm_delete(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *dm = find_dm(e, rq->param[0], rs);
	if (!dm)
		return;
	delete_dm(e, dm);
	if (emu_store_commit(e, rs) == 0)
		emu_reply_empty(rs, 200);
}
