/*
 * Accounts through the API. An account is an IntegrationConnection (IC:
 * integrationID, deviceTypes, properties) plus its DistributionManager
 * (DM: name, status, expireAt).
 *
 *   create: one POST of the IC with distributionManagerName (the DM comes
 *           with it); the DM's id from the answer's IC id (GET DMs
 *           ?integrationConnectionID=); then a PUT of the DM when status
 *           or end date are not the defaults (ACTIVE, none).
 *   update: a PUT of the IC when its device types or client name differ
 *           from the wanted ones (other properties are kept), then a PUT
 *           of the DM with all three fields when its name, status or end
 *           date differ (it may carry the end date the DM already has).
 *   delete: DELETE the DM, then the IC.
 *
 * Every write goes through lr_write_run (liveramp/write.c): a create whose
 * answer was lost is looked for by name before it is sent again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liveramp/private.h"
#include "backend/mapping.h"
#include "util/text.h"

static const char *what_for(struct arena *a, const char *verb, const char *name)
{
	return arena_printf(a, "%s account '%s'", verb, name ? name : "");
}

/* ---- create ------------------------------------------------------------------------- */

struct create {
	const struct account *want;
	char *body;
	struct arena a;
	const char *ic_id;
	const char *dm_id;
};

static void create_prepare(struct lr_write *w, struct http_request *r)
{
	struct create *c = w->ctx;
	http_request_init(r, w->l->http, HTTP_POST, "/v2/integration-connections", c->body);
}

/* The contract answers {id}; an answer without one is not fatal: the
 * account is then found by name, as after a lost answer. */
static int create_accept(struct lr_write *w, const struct http_request *r, struct diags *d)
{
	struct create *c = w->ctx;
	struct diags ignored = DIAGS_INIT;
	if (api_decode_created(&c->ic_id, r->response.buf, r->response.len, &c->a, r->what, &ignored) != 0)
		c->ic_id = NULL;
	diags_free(&ignored);
	return 0;
}

/* The account named like want in the target, if there is one now: the
 * check after a lost create, so that it is never created twice. */
static int find_named(struct liveramp *l, struct create *c, struct diags *d)
{
	struct lr_list ics, dms;
	lr_list_init(&ics, l, API_IC, "/v2/integration-connections", NULL, &c->a);
	lr_list_init(&dms, l, API_DM, "/v2/distribution-managers", NULL, &c->a);
	struct lr_list *lists[] = { &ics, &dms };
	int rc = lr_list_run(l, lists, 2, NULL, d) == 0 ? LR_NOT_DONE : -1;
	for (size_t i = 0; rc == LR_NOT_DONE && i < dms.n; i++) {
		const struct api_dm *dm = lr_list_item(&dms, i);
		if (!str_same_name(dm->name, c->want->name.v))
			continue;
		for (size_t j = 0; j < ics.n; j++) {
			const struct api_ic *ic = lr_list_item(&ics, j);
			if (strcmp(ic->id, dm->ic_id) == 0 && lr_ic_in_target(l, ic)) {
				c->ic_id = ic->id;
				c->dm_id = dm->id;
				rc = LR_DONE;
				break;
			}
		}
	}
	lr_list_release(&ics);
	lr_list_release(&dms);
	return rc;
}

static int create_check(struct lr_write *w, struct diags *d)
{
	return find_named(w->l, w->ctx, d);
}

/* The DM created with the IC. */
static int find_manager(struct liveramp *l, struct create *c, struct diags *d)
{
	struct strbuf filter = STRBUF_INIT;
	sb_puts(&filter, "integrationConnectionID=");
	http_escape(&filter, c->ic_id);
	struct lr_list dms;
	lr_list_init(&dms, l, API_DM, "/v2/distribution-managers", filter.buf, &c->a);
	struct lr_list *lists[] = { &dms };
	int rc = lr_list_run(l, lists, 1, NULL, d);
	for (size_t i = 0; rc == 0 && !c->dm_id && i < dms.n; i++) {
		const struct api_dm *dm = lr_list_item(&dms, i);
		if (strcmp(dm->ic_id, c->ic_id) == 0 && str_same_name(dm->name, c->want->name.v))
			c->dm_id = dm->id;
	}
	if (rc == 0 && !c->dm_id) {
		diag_error(
		    d, LR_RULE, NULL, "run plan again: it reports the connection, and apply can finish it",
		    "integration connection %s was created, but LiveRamp lists no distribution manager "
		    "\"%s\" for it",
		    c->ic_id, c->want->name.v);
		rc = -1;
	}
	lr_list_release(&dms);
	sb_release(&filter);
	return rc;
}

static char *create_body(struct liveramp *l, const struct account *want, struct diags *d)
{
	json_t *types = mapping_device_types(l->base.profile, want, d);
	if (!types)
		return NULL;
	json_t *body =
	    json_pack("{s:[s,s], s:o, s:[{s:s, s:s}], s:s}", "integrationID", l->destination_id,
		      l->integration_id, "deviceTypes", types, "properties", "propertyKey", l->client_key,
		      "propertyValue", want->client_name.v, "distributionManagerName", want->name.v);
	return body ? lr_dump(body) : NULL;
}

int lr_create_account(struct backend *b, const struct account *want, struct account_ref *out, struct diags *d)
{
	struct liveramp *l = lr_of(b);
	memset(out, 0, sizeof(*out));
	if (lr_target(l, d) != 0 || lr_check_account(l, want, d) != 0 ||
	    lr_check_end_date(want, NULL, d) != 0)
		return -1;
	struct create c = { .want = want };
	c.body = create_body(l, want, d);
	if (!c.body)
		return -1;
	const char *label = what_for(&c.a, "create", want->name.v);
	struct lr_write w = { .what_for = label,
			      .prepare = create_prepare,
			      .accept = create_accept,
			      .check = create_check,
			      .l = l,
			      .ctx = &c };
	int rc = lr_write_run(&w, d);
	if (rc == 0 && !c.ic_id)
		rc = find_named(l, &c, d) == LR_DONE ? 0 : -1;
	if (rc == 0 && !c.dm_id)
		rc = find_manager(l, &c, d);
	if (rc == 0 && (want->status != STATUS_ACTIVE || want->expire_at.v))
		rc = lr_put_manager(l, c.dm_id, want, label, d);
	if (rc == 0) {
		out->connection_id = arena_strdup(&l->arena, c.ic_id);
		out->manager_id = arena_strdup(&l->arena, c.dm_id);
		out->name = arena_strdup(&l->arena, want->name.v);
	}
	free(c.body);
	arena_free(&c.a);
	return rc;
}

/* ---- update ------------------------------------------------------------------------- */

struct ic_want {
	json_t *types;
	const char *key;
	const char *value;
};

static bool types_equal(const struct api_ic *ic, const json_t *types)
{
	for (size_t i = 0; i < ic->n_device_types; i++) {
		bool found = false;
		for (size_t j = 0; !found && j < json_array_size(types); j++)
			found = strcmp(ic->device_types[i], json_string_value(json_array_get(types, j))) == 0;
		if (!found)
			return false;
	}
	for (size_t j = 0; j < json_array_size(types); j++) {
		bool found = false;
		for (size_t i = 0; !found && i < ic->n_device_types; i++)
			found = strcmp(ic->device_types[i], json_string_value(json_array_get(types, j))) == 0;
		if (!found)
			return false;
	}
	return true;
}

static const char *property(const struct api_ic *ic, const char *key)
{
	for (size_t i = 0; i < ic->n_properties; i++)
		if (strcmp(ic->properties[i].key, key) == 0)
			return ic->properties[i].value;
	return NULL;
}

static bool ic_holds(const void *got, const void *want)
{
	const struct api_ic *ic = got;
	const struct ic_want *w = want;
	const char *v = property(ic, w->key);
	return types_equal(ic, w->types) && v && strcmp(v, w->value) == 0;
}

/* The connection's properties with the client name set, others kept. */
static json_t *properties_with(const struct api_ic *ic, const char *key, const char *value)
{
	json_t *props = json_array();
	bool set = false;
	for (size_t i = 0; i < ic->n_properties; i++) {
		bool mine = strcmp(ic->properties[i].key, key) == 0;
		json_array_append_new(props,
				      json_pack("{s:s, s:s}", "propertyKey", ic->properties[i].key,
						"propertyValue", mine ? value : ic->properties[i].value));
		set |= mine;
	}
	if (!set)
		json_array_append_new(props,
				      json_pack("{s:s, s:s}", "propertyKey", key, "propertyValue", value));
	return props;
}

static int update_connection(struct liveramp *l, const struct account_ref *ref, const struct account *want,
			     const char *label, struct diags *d)
{
	struct arena a = ARENA_INIT;
	struct api_ic ic;
	long status;
	char *path = lr_resource_path("integration-connections", ref->connection_id);
	struct ic_want iw = { .key = l->client_key, .value = want->client_name.v };
	int rc = lr_get(l, API_IC, path, &ic, &a, false, &status, d);
	if (rc == 0)
		iw.types = mapping_device_types(l->base.profile, want, d);
	if (rc == 0 && !iw.types)
		rc = -1;
	if (rc == 0 && !ic_holds(&ic, &iw)) {
		json_t *body = json_pack("{s:O, s:o}", "deviceTypes", iw.types, "properties",
					 properties_with(&ic, iw.key, iw.value));
		char *text = lr_dump(body);
		struct lr_one o = { HTTP_PUT, path, text, API_IC, ic_holds, &iw };
		rc = lr_write_one(l, &o, label, d);
		free(text);
	}
	json_decref(iw.types);
	free(path);
	arena_free(&a);
	return rc;
}

static int check_ref(const struct account_ref *ref, struct diags *d)
{
	if (ref && ref->connection_id && ref->manager_id)
		return 0;
	diag_error(d, LR_RULE, NULL, "observe again (reconciler plan); this is a bug if it persists",
		   "account '%s' has no integration connection or distribution manager id",
		   ref && ref->name ? ref->name : "");
	return -1;
}

int lr_update_account(struct backend *b, const struct account_ref *ref, const struct account *want,
		      struct diags *d)
{
	struct liveramp *l = lr_of(b);
	if (check_ref(ref, d) != 0 || lr_target(l, d) != 0 || lr_check_account(l, want, d) != 0)
		return -1;
	struct arena a = ARENA_INIT;
	const char *label = what_for(&a, "update", ref->name ? ref->name : want->name.v);
	int rc = update_connection(l, ref, want, label, d);
	if (rc == 0)
		rc = lr_update_manager(l, ref->manager_id, want, label, d);
	arena_free(&a);
	return rc;
}

/* ---- delete ------------------------------------------------------------------------- */

static int delete_one(struct liveramp *l, const char *collection, enum api_kind kind, const char *id,
		      const char *label, struct diags *d)
{
	char *path = lr_resource_path(collection, id);
	struct lr_one o = { HTTP_DELETE, path, NULL, kind, NULL, NULL };
	int rc = lr_write_one(l, &o, label, d);
	free(path);
	return rc;
}

int lr_delete_account(struct backend *b, const struct account_ref *ref, struct diags *d)
{
	struct liveramp *l = lr_of(b);
	if (check_ref(ref, d) != 0)
		return -1;
	struct arena a = ARENA_INIT;
	const char *label = what_for(&a, "delete", ref->name);
	int rc = delete_one(l, "distribution-managers", API_DM, ref->manager_id, label, d);
	if (rc == 0)
		rc = delete_one(l, "integration-connections", API_IC, ref->connection_id, label, d);
	arena_free(&a);
	return rc;
}
