/*
 * The `local` backend: the Activation API's resources in a JSON file.
 *
 * It answers like the API does (the same checks, the same status codes in
 * its messages: 400 for a bad request, 404 for unknown ids, 409 for
 * conflicts, 201/204 per batch item), so that a plan applied to the sandbox
 * fails where it would fail against LiveRamp, and a user can try the whole
 * workflow on a fresh machine with no credentials.
 *
 * Reads outside lock() read the file each time (deliveries: again once it
 * was replaced), without a JSON tree (sandbox/). lock() loads it once and
 * keeps it in memory: observe then sees writes not yet flushed, and flush()
 * replaces the file atomically (sandbox/store.c). Writes need the lock.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/batch.h"
#include "backend/mapping.h"

#include "backend/backend.h"
#include "sandbox/deliveries.h"
#include "sandbox/doc.h"
#include "sandbox/store.h"
#include "sandbox/deliveries_stream.h"
#include "sandbox/observe_stream.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

#define RULE "backend"

struct local {
	struct backend base; /* first: a struct backend * is a struct local * */
	char *path;
	struct sandbox_pins pins;		    /* owned copies */
	int lock_fd;				    /* -1 when not locked */
	struct sandbox *doc;			    /* while locked */
	struct sandbox_deliveries *read_deliveries; /* read outside the lock, or NULL */
	struct arena handed;			    /* ids handed to callers, valid until close */
};

static struct local *local_of(struct backend *b)
{
	return (struct local *)b;
}

/* ---- lock, observe, flush ------------------------------------------------ */

static int local_lock(struct backend *b, int timeout_ms, struct diags *d)
{
	struct local *l = local_of(b);
	if (l->doc) {
		diag_error(d, RULE, NULL, "unlock before locking again", "the sandbox %s is already locked",
			   l->path);
		return -1;
	}
	if (local_file_lock(&l->lock_fd, l->path, timeout_ms, d) != 0)
		return -1;
	if (sandbox_load(&l->doc, l->path, d) != 0) {
		local_file_unlock(l->lock_fd);
		l->lock_fd = -1;
		return -1;
	}
	return 0;
}

/* Unflushed changes are dropped: unlock is also the way out of a failed
 * apply, and what was not flushed must not half-survive it. */
static void local_unlock(struct backend *b)
{
	struct local *l = local_of(b);
	sandbox_free(l->doc);
	l->doc = NULL;
	local_file_unlock(l->lock_fd);
	l->lock_fd = -1;
}

static int local_observe(struct backend *b, struct state **out, struct diags *d)
{
	struct local *l = local_of(b);
	*out = NULL;
	struct sandbox *sb = l->doc;
	/* A read-only run needs no tree (sandbox/observe_stream.h); under the
	 * lock the tree is loaded already, and apply writes through it. */
	if (!sb) {
		int rc = sandbox_observe_stream(l->path, b->profile, &l->pins, b->spec, out, d);
		if (rc != SANDBOX_STREAM_DECLINED)
			return rc;
	}
	if (!sb && sandbox_load(&sb, l->path, d) != 0)
		return -1;
	int rc = sandbox_observe(sb, b->profile, &l->pins, b->spec, out, d);
	if (sb != l->doc)
		sandbox_free(sb);
	return rc;
}

/* Writes are refused outside lock(): two applies must never interleave
 * their read-modify-write of the file. */
static struct sandbox *writable(struct local *l, const char *what, struct diags *d)
{
	if (!l->doc)
		diag_error(d, RULE, NULL, "take the lock first (apply does); this is a bug in the caller",
			   "cannot %s: the sandbox %s is not locked", what, l->path);
	return l->doc;
}

static int local_flush(struct backend *b, struct diags *d)
{
	struct local *l = local_of(b);
	struct sandbox *sb = writable(l, "flush", d);
	if (!sb)
		return -1;
	if (!sb->dirty)
		return 0;
	if (local_file_write(l->path, sandbox_document(sb), d) != 0)
		return -1;
	sb->dirty = false;
	sb->fresh = false;
	return 0;
}

/* ---- the API's checks on an account -------------------------------------- */

/* Whether name, folded as str_fold() does (trimmed, ASCII lower-cased),
 * equals folded: compared in place, because create runs it against every
 * account of the integration. */
static bool same_folded(const char *folded, const char *name)
{
	while (*name && isspace((unsigned char)*name))
		name++;
	size_t n = strlen(name);
	while (n && isspace((unsigned char)name[n - 1]))
		n--;
	if (strlen(folded) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((char)tolower((unsigned char)name[i]) != folded[i])
			return false;
	return true;
}

static const struct sb_dm *find_named(const struct sandbox *sb, const struct sandbox_target *t,
				      const char *name, const struct sb_dm *self)
{
	struct strbuf folded = STRBUF_INIT;
	str_fold(&folded, name);
	const struct sb_dm *found = NULL;
	size_t it = 0;
	void *v;
	while (!found && hmap_next(&sb->dms, &it, NULL, &v)) {
		const struct sb_dm *dm = v;
		if (dm->obj && dm != self && sandbox_ic_in_target(dm->ic, t) &&
		    same_folded(folded.buf, sandbox_str(dm->obj, "name")))
			found = dm;
	}
	sb_release(&folded);
	return found;
}

static int check_name(const struct local *l, const struct sandbox_target *t, const char *name,
		      const struct sb_dm *self, struct diags *d)
{
	if (account_name_check(l->base.profile, name, "400 ", false, d) != 0)
		return -1;
	const struct sb_dm *other = t ? find_named(l->doc, t, name, self) : NULL;
	if (other) {
		diag_error(d, RULE, NULL,
			   "account names are unique, compared case-insensitively after trimming; choose "
			   "another name",
			   "409 an account named \"%s\" already exists (distribution manager %s)",
			   sandbox_str(other->obj, "name"), other->id);
		return -1;
	}
	return 0;
}

/* kept: the manager's end date now (an update), or NULL. A past end date
 * cannot be set, but a write may carry the one the manager already has. */
static int check_expiry(const struct account *want, const char *kept, struct diags *d)
{
	long days;
	const char *v = want->expire_at.v;
	if (!v || (kept && strcmp(v, kept) == 0))
		return 0;
	if (!date_parse(v, &days)) {
		diag_error(d, RULE, NULL, "write the end date as YYYY-MM-DD",
			   "400 expire_at \"%s\" is not a date", v);
		return -1;
	}
	if (days < clock_today()) {
		diag_error(d, RULE, NULL, "choose a date from today on, or no end date",
			   "400 expire_at %s is in the past", v);
		return -1;
	}
	return 0;
}

static int check_client(const struct sandbox_target *t, const struct account *want, struct diags *d)
{
	if (t && !t->client_key) {
		diag_error(d, RULE, NULL,
			   "the integration in the sandbox has no required property to hold it",
			   "400 cannot tell which property of integration %s holds the client name",
			   t->integration_id);
		return -1;
	}
	if (!want->client_name.v || !*want->client_name.v) {
		diag_error(d, RULE, NULL, "set client_name on the account",
			   "400 the integration requires a client name");
		return -1;
	}
	return 0;
}

/* Everything the API would refuse, checked before anything changes. */
static json_t *check_account(const struct local *l, const struct sandbox_target *t,
			     const struct account *want, const struct sb_dm *self, struct diags *d)
{
	const char *kept = self ? sandbox_str(self->obj, "expireAt") : NULL;
	if (check_name(l, t, want->name.v, self, d) != 0 || check_expiry(want, kept, d) != 0 ||
	    check_client(t, want, d) != 0)
		return NULL;
	return mapping_device_types(l->base.profile, want, d);
}

/* ---- accounts ------------------------------------------------------------- */

/* The connection's properties with the client name set, others kept. */
static json_t *properties_with(const json_t *old, const char *key, const char *value)
{
	json_t *props = old ? json_deep_copy(old) : json_array();
	for (size_t i = 0; i < json_array_size(props); i++) {
		json_t *prop = json_array_get(props, i);
		if (strcmp(sandbox_str(prop, "propertyKey"), key) == 0) {
			json_object_set_new(prop, "propertyValue", json_string(value));
			return props;
		}
	}
	json_array_append_new(props, json_pack("{s:s, s:s}", "propertyKey", key, "propertyValue", value));
	return props;
}

static void set_manager(json_t *dm, const struct account *want)
{
	json_object_set_new(dm, "name", json_string(want->name.v));
	json_object_set_new(dm, "status",
			    json_string(want->status == STATUS_INACTIVE ? "INACTIVE" : "ACTIVE"));
	json_object_set_new(dm, "expireAt", want->expire_at.v ? json_string(want->expire_at.v) : json_null());
}

/* Connection and manager in one step, as the API does when a connection
 * is created with distributionManagerName. */
static int local_create_account(struct backend *b, const struct account *want, struct account_ref *out,
				struct diags *d)
{
	struct local *l = local_of(b);
	struct sandbox *sb = writable(l, "create an account", d);
	if (!sb)
		return -1;
	struct sandbox_target t;
	bool found = sandbox_find_target(sb, b->profile, &l->pins, &t);
	json_t *types = check_account(l, found ? &t : NULL, want, NULL, d);
	if (!types)
		return -1;
	sandbox_seed_target(sb, b->profile, &l->pins, &t);
	if (check_client(&t, want, d) != 0) {
		json_decref(types);
		return -1;
	}
	json_t *ic = json_object();
	json_object_set_new(ic, "id", json_string(sandbox_new_id(sb)));
	json_object_set_new(ic, "integrationID", json_pack("[s, s]", t.destination_id, t.integration_id));
	json_object_set_new(ic, "deviceTypes", types);
	json_object_set_new(ic, "properties", properties_with(NULL, t.client_key, want->client_name.v));
	json_object_set_new(ic, "createdAt", sandbox_timestamp());
	json_object_set_new(ic, "updatedAt", sandbox_timestamp());
	struct sb_ic *ic_entry = sandbox_insert_ic(sb, ic);

	json_t *dm = json_object();
	json_object_set_new(dm, "id", json_string(sandbox_new_id(sb)));
	json_object_set_new(dm, "name", json_null()); /* set below; here for the key order */
	json_object_set_new(dm, "integrationConnectionID", json_string(ic_entry->id));
	set_manager(dm, want);
	json_object_set_new(dm, "createdAt", sandbox_timestamp());
	json_object_set_new(dm, "updatedAt", sandbox_timestamp());
	struct sb_dm *dm_entry = sandbox_insert_dm(sb, dm);

	out->connection_id = arena_strdup(&l->handed, ic_entry->id);
	out->manager_id = arena_strdup(&l->handed, dm_entry->id);
	out->name = arena_strdup(&l->handed, want->name.v);
	return 0;
}

/* The manager ref names, if it is one of the integration's accounts. */
static struct sb_dm *find_account(struct local *l, const struct account_ref *ref, struct sandbox_target *t,
				  struct diags *d)
{
	const char *name = ref->name ? ref->name : "";
	struct sb_dm *dm = ref->manager_id ? hmap_get(&l->doc->dms, ref->manager_id) : NULL;
	if (!dm || !dm->obj || (ref->connection_id && strcmp(dm->ic->id, ref->connection_id) != 0) ||
	    !sandbox_find_target(l->doc, l->base.profile, &l->pins, t) || !sandbox_ic_in_target(dm->ic, t)) {
		diag_error(
		    d, RULE, NULL, "observe again: the account may have been deleted meanwhile",
		    "404 account \"%s\" not found (integration connection %s, distribution manager %s)", name,
		    ref->connection_id ? ref->connection_id : "?", ref->manager_id ? ref->manager_id : "?");
		return NULL;
	}
	return dm;
}

/* Like the API's PUTs: every field is sent, none is left as it was. */
static int local_update_account(struct backend *b, const struct account_ref *ref, const struct account *want,
				struct diags *d)
{
	struct local *l = local_of(b);
	struct sandbox_target t;
	struct sb_dm *dm = writable(l, "update an account", d) ? find_account(l, ref, &t, d) : NULL;
	if (!dm)
		return -1;
	json_t *types = check_account(l, &t, want, dm, d);
	if (!types)
		return -1;
	json_t *ic = dm->ic->obj;
	json_object_set_new(ic, "deviceTypes", types);
	json_object_set_new(
	    ic, "properties",
	    properties_with(json_object_get(ic, "properties"), t.client_key, want->client_name.v));
	json_object_set_new(ic, "updatedAt", sandbox_timestamp());
	set_manager(dm->obj, want);
	json_object_set_new(dm->obj, "updatedAt", sandbox_timestamp());
	sandbox_touch(l->doc);
	return 0;
}

static int local_delete_account(struct backend *b, const struct account_ref *ref, struct diags *d)
{
	struct local *l = local_of(b);
	struct sandbox_target t;
	struct sb_dm *dm = writable(l, "delete an account", d) ? find_account(l, ref, &t, d) : NULL;
	if (!dm)
		return -1;
	struct sb_ic *ic = dm->ic;
	if (ic->n_dms != 1) {
		/* Not one of ours to delete whole: see the design's rule that a
		 * connection with other managers is reported, not touched. */
		diag_error(d, RULE, NULL, "delete the other distribution managers in Connect first",
			   "409 integration connection %s holds %zu distribution managers", ic->id,
			   ic->n_dms);
		return -1;
	}
	sandbox_delete_dm(l->doc, dm);
	sandbox_delete_ic(l->doc, ic);
	return 0;
}

/* ---- segment batches ------------------------------------------------------- */

static struct sb_dm *batch_target(struct local *l, const struct account_ref *ref, size_t n, const char *what,
				  struct diags *d)
{
	struct sandbox_target t;
	if (!writable(l, what, d))
		return NULL;
	if (n > BACKEND_BATCH_MAX) {
		diag_error(d, RULE, NULL, "split the batch (apply does)",
			   "400 a segment-config batch holds at most %d items, not %zu", BACKEND_BATCH_MAX,
			   n);
		return NULL;
	}
	return find_account(l, ref, &t, d);
}

static void add_one(struct sandbox *sb, struct sb_dm *dm, const struct segment *seg,
		    struct batch_item_result *r)
{
	const json_t *known = seg->id && sb->n_segments ? hmap_get(&sb->segments, seg->id) : NULL;
	if (!seg->id || !*seg->id) {
		batch_item_set(r, false, 400, "a segment config needs a segment id");
	} else if (sb->n_segments && !known) {
		batch_item_set(r, false, 404, "segment %s not found", seg->id);
	} else if (hmap_get(&dm->by_segment, seg->id)) {
		batch_item_set(r, false, 409, "segment %s is already distributed by this account", seg->id);
	} else {
		json_t *config = json_object();
		json_object_set_new(config, "id", json_string(sandbox_new_id(sb)));
		json_object_set_new(config, "distributionManagerID", json_string(dm->id));
		json_object_set_new(config, "segmentID", json_string(seg->id));
		json_object_set_new(
		    config, "segmentType",
		    json_string(known ? sandbox_str(known, "type") : segment_type_api_name(seg->type)));
		json_object_set_new(config, "createdAt", sandbox_timestamp());
		sandbox_insert_config(sb, dm, config);
		/* LiveRamp starts delivering what was added: see sandbox/deliveries.h. */
		const char *device =
		    json_string_value(json_array_get(json_object_get(dm->ic->obj, "deviceTypes"), 0));
		sandbox_delivery_record(sb->root, sandbox_new_id(sb), dm->ic->id, seg->id, device,
					(long long)clock_now());
		batch_item_set(r, true, 201, "%s", "");
	}
}

static int local_add_segments(struct backend *b, const struct account_ref *ref, const struct segment *segs,
			      size_t n, struct batch_item_result *results, struct diags *d)
{
	struct local *l = local_of(b);
	struct sb_dm *dm = batch_target(l, ref, n, "add segments", d);
	if (!dm)
		return -1;
	for (size_t i = 0; i < n; i++) {
		results[i].segment_id = segs[i].id;
		add_one(l->doc, dm, &segs[i], &results[i]);
	}
	return 0;
}

static int local_remove_segments(struct backend *b, const struct account_ref *ref, const struct segment *segs,
				 size_t n, struct batch_item_result *results, struct diags *d)
{
	struct local *l = local_of(b);
	struct sb_dm *dm = batch_target(l, ref, n, "remove segments", d);
	if (!dm)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *cid = segs[i].config_id;
		json_t *config = cid ? hmap_get(&l->doc->configs, cid) : NULL;
		results[i].segment_id = segs[i].id;
		if (!config || strcmp(sandbox_str(config, "distributionManagerID"), dm->id) != 0) {
			batch_item_set(&results[i], false, 404, "segment config %s not found on this account",
				       cid ? cid : "(none)");
			continue;
		}
		sandbox_delete_config(l->doc, dm, config);
		batch_item_set(&results[i], true, 204, "%s", "");
	}
	return 0;
}

/* ---- deliveries ---------------------------------------------------------------- */

static int local_deliveries(struct backend *b, const struct delivery_query *q, struct delivery_list *out,
			    struct diags *d)
{
	struct local *l = local_of(b);
	struct sandbox *sb = l->doc;
	/* status asks once per account: the file is read again only when it
	 * was replaced (sandbox/deliveries_stream.h). */
	if (!sb && sandbox_deliveries_stream(&l->read_deliveries, l->path) == 0) {
		sandbox_deliveries_query(l->read_deliveries, q, out);
		return 0;
	}
	if (!sb && sandbox_load(&sb, l->path, d) != 0)
		return -1;
	sandbox_deliveries_read(sb->root, q, out);
	if (sb != l->doc)
		sandbox_free(sb);
	return 0;
}

/* ---- open and close ---------------------------------------------------------- */

static void local_close(struct backend *b)
{
	struct local *l = local_of(b);
	if (l->doc)
		local_unlock(b);
	sandbox_deliveries_free(l->read_deliveries);
	free(l->path);
	free((char *)l->pins.destination_id);
	free((char *)l->pins.integration_id);
	arena_free(&l->handed);
	free(b->spec);
	free(l);
}

static const struct backend_ops LOCAL_OPS = {
	.name = "local",
	.lock = local_lock,
	.unlock = local_unlock,
	.observe = local_observe,
	.create_account = local_create_account,
	.update_account = local_update_account,
	.delete_account = local_delete_account,
	.add_segments = local_add_segments,
	.remove_segments = local_remove_segments,
	.deliveries = local_deliveries,
	.flush = local_flush,
	.stored_at_flush = true,
	.close = local_close,
};

static char *pin(const struct settings *s, bool destination)
{
	const char *v = !s ? NULL : destination ? s->destination_id.v : s->integration_id.v;
	return v && *v ? xstrdup(v) : NULL;
}

int backend_local_open(struct backend **out, const char *path, const struct backend_options *opt,
		       struct diags *d)
{
	*out = NULL;
	if (!path || !*path || !opt || !opt->profile) {
		diag_error(d, RULE, NULL, "use --backend local:FILE",
			   "the local backend needs a file and a profile");
		return -1;
	}
	struct local *l = xcalloc(1, sizeof(*l));
	l->base.ops = &LOCAL_OPS;
	l->base.profile = opt->profile;
	struct strbuf spec = STRBUF_INIT;
	sb_printf(&spec, "local:%s", path);
	l->base.spec = sb_detach(&spec);
	l->path = xstrdup(path);
	l->pins.destination_id = pin(opt->settings, true);
	l->pins.integration_id = pin(opt->settings, false);
	l->lock_fd = -1;
	*out = &l->base;
	return 0;
}
