/*
 * The emulator's state: one sandbox document, in the local backend's format
 * (read and written with sandbox/store.h, checked with sandbox/schema.h), so a
 * test can seed the emulator with a file the local backend wrote, and read
 * the emulator's file with jq or with the local backend.
 *
 * Every successful change is written durably before its answer is sent:
 * when a `lost` fault then drops the answer, the change is really there,
 * as it would be at LiveRamp. The JSON tree is the state; lookups scan its
 * arrays (the sizes a test uses make an index pointless), except for ids:
 * one hash set holds every id the document ever used, so a new id is O(1)
 * and never reuses a deleted resource's id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/doc.h"
#include "sandbox/schema.h"
#include "sandbox/store.h"
#include "emulator.h"
#include "util/clock.h"
#include "util/text.h"

/* How long a write waits for the sandbox lock (another process holding it). */
#define LOCK_TIMEOUT_MS 5000

static const char *const ID_ARRAYS[] = { "destinations", "integrations", "integrationConnections",
					 "distributionManagers", "segmentConfigs" };

static void print_diags(const struct diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "emulator: %s\n", d->v[i].message);
}

json_t *emu_array(struct emu *e, const char *key)
{
	return json_object_get(e->state, key);
}

const char *emu_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

json_t *emu_find(const json_t *arr, const char *id)
{
	size_t i;
	json_t *item;
	json_array_foreach(arr, i, item)
	{
		const char *v = emu_str(item, "id");
		if (v && strcmp(v, id) == 0)
			return item;
	}
	return NULL;
}

void emu_remove(json_t *arr, const json_t *obj)
{
	for (size_t i = 0; i < json_array_size(arr); i++) {
		if (json_array_get(arr, i) == obj) {
			json_array_remove(arr, i);
			return;
		}
	}
}

json_t *emu_timestamp(void)
{
	return sandbox_timestamp(); /* the clock and the format the local backend writes */
}

static void note_id(struct emu *e, const char *id)
{
	if (!hmap_get(&e->ids, id))
		hmap_put(&e->ids, arena_strdup(&e->id_arena, id), (void *)1, NULL);
}

static void index_ids(struct emu *e)
{
	hmap_free(&e->ids);
	arena_free(&e->id_arena);
	for (size_t a = 0; a < sizeof(ID_ARRAYS) / sizeof(ID_ARRAYS[0]); a++) {
		size_t i;
		json_t *item;
		json_array_foreach(emu_array(e, ID_ARRAYS[a]), i, item)
		{
			note_id(e, emu_str(item, "id"));
		}
	}
}

/* Ids come from next_id, like the local backend's; one already in use (a
 * hand-written file, a seeded destination) is skipped. */
void emu_new_id(struct emu *e, char buf[32])
{
	json_int_t next = json_integer_value(json_object_get(e->state, "next_id"));
	for (;; next++) {
		snprintf(buf, 32, "%lld", (long long)next);
		if (!hmap_get(&e->ids, buf))
			break;
	}
	json_object_set_new(e->state, "next_id", json_integer(next + 1));
	note_id(e, buf);
}

/* A fresh emulator looks like a LiveRamp org with the Kargo destination
 * enabled, and nothing configured yet. */
static json_t *seed_document(void)
{
	return json_pack(
	    "{s:i, s:i, s:[{s:s, s:s, s:s}], s:[{s:s, s:s, s:s, s:s, s:s, s:[s,s,s,s,s], s:[{s:s, s:s}]}],"
	    " s:[], s:[], s:[], s:[], s:[]}",
	    "format_version", SANDBOX_FORMAT_VERSION, "next_id", 1, "destinations", "id", "1001", "name",
	    "Kargo", "logoUrl", "", "integrations", "id", "2001", "destinationID", "1001", "name",
	    "Kargo First-Party Data", "description", "", "type", "ONBOARDING", "deviceTypes", "WEB",
	    "RAMP_ID", "CUSTOM_ID", "IOS", "ANDROID", "requiredProperties", "name", "client_name",
	    "description", "Client Name", "integrationConnections", "distributionManagers", "segmentConfigs",
	    "segments", "deliveries");
}

static int write_file(struct emu *e, struct diags *d)
{
	int fd;
	if (local_file_lock(&fd, e->opt.state_path, LOCK_TIMEOUT_MS, d) != 0)
		return -1;
	int rc = local_file_write(e->opt.state_path, e->state, d);
	local_file_unlock(fd);
	return rc;
}

int emu_store_open(struct emu *e)
{
	struct diags d = DIAGS_INIT;
	json_t *root = NULL;
	int rc = local_file_read(&root, e->opt.state_path, &d);
	if (rc == 0 && root && local_schema_check(root, e->opt.state_path, &d) != 0)
		rc = -1;
	if (rc == 0) {
		e->state = root ? root : seed_document();
		index_ids(e);
		/* The file exists from the start, so a test can read it at once. */
		rc = write_file(e, &d);
	} else {
		json_decref(root);
	}
	print_diags(&d);
	diags_free(&d);
	return rc;
}

void emu_store_close(struct emu *e)
{
	emu_configs_index_free(e);
	json_decref(e->state);
	e->state = NULL;
	hmap_free(&e->ids);
	arena_free(&e->id_arena);
}

int emu_store_commit(struct emu *e, struct emu_response *rs)
{
	if (e->opt.write_on_exit)
		return 0;
	struct diags d = DIAGS_INIT;
	if (write_file(e, &d) == 0) {
		diags_free(&d);
		return 0;
	}
	print_diags(&d);
	emu_error(rs, 500, "INTERNAL_SERVER_ERROR", "the emulator could not write its state file: %s",
		  d.n ? d.v[0].message : "unknown error");
	diags_free(&d);
	/* Memory and file must agree: the change did not happen. */
	json_t *root = NULL;
	struct diags d2 = DIAGS_INIT;
	if (local_file_read(&root, e->opt.state_path, &d2) == 0 && root) {
		json_decref(e->state);
		e->state = root;
		index_ids(e);
	}
	diags_free(&d2);
	return -1;
}

int emu_store_replace(struct emu *e, json_t *doc, struct emu_response *rs)
{
	struct diags d = DIAGS_INIT;
	if (local_schema_check(doc, "posted to /_admin/state", &d) != 0) {
		emu_error(rs, 400, "BAD_REQUEST", "%s", d.n ? d.v[0].message : "malformed sandbox");
		diags_free(&d);
		json_decref(doc);
		return -1;
	}
	diags_free(&d);
	json_decref(e->state);
	e->state = doc;
	index_ids(e);
	return emu_store_commit(e, rs);
}

void emu_store_expire_managers(struct emu *e)
{
	long today = clock_today(), days;
	bool changed = false;
	size_t i;
	json_t *dm;
	json_array_foreach(emu_array(e, "distributionManagers"), i, dm)
	{
		const char *status = emu_str(dm, "status");
		const char *expire = emu_str(dm, "expireAt");
		if (status && strcmp(status, "ACTIVE") == 0 && expire && local_api_date(expire, &days) &&
		    days < today) {
			json_object_set_new(dm, "status", json_string("INACTIVE"));
			json_object_set_new(dm, "updatedAt", emu_timestamp());
			changed = true;
		}
	}
	if (changed) {
		struct diags d = DIAGS_INIT;
		write_file(e, &d);
		print_diags(&d);
		diags_free(&d);
	}
}

/* ---- pages ------------------------------------------------------------- */

static const char *item_id(const json_t *item)
{
	const char *id = emu_str(item, "id");
	return id ? id : "";
}

/* Cursors are opaque to clients: hex of "POSITION:LAST_ID". The id keeps a
 * walk in place when earlier items were added or removed meanwhile; the
 * position is the fallback when the last item itself was deleted. */
static void cursor_encode(char **out, size_t pos, const char *id)
{
	struct strbuf raw = STRBUF_INIT, hex = STRBUF_INIT;
	sb_printf(&raw, "%zu:%s", pos, id);
	for (size_t i = 0; i < raw.len; i++)
		sb_printf(&hex, "%02x", (unsigned char)raw.buf[i]);
	sb_release(&raw);
	*out = sb_detach(&hex);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A canonical decimal id ("42", not "042"), as this emulator makes them. */
static bool numeric_id(const char *id, unsigned long long *v)
{
	char *end;
	if (!*id || *id < '1' || *id > '9')
		return false;
	*v = strtoull(id, &end, 10);
	return *end == '\0';
}

/* Where a walk resumes: just after the item named by the cursor, wherever
 * it is now. If it was deleted meanwhile, at the first item created after
 * it: the emulator's ids grow with time, so that is the first larger
 * numeric id (a seeded id that is not numeric falls back to the old
 * position). */
static long resume_at(const json_t *items, long pos, const char *id)
{
	size_t count = json_array_size(items);
	unsigned long long want, have;
	if ((size_t)pos <= count && strcmp(item_id(json_array_get(items, (size_t)pos - 1)), id) == 0)
		return pos;
	for (size_t i = 0; i < count; i++)
		if (strcmp(item_id(json_array_get(items, i)), id) == 0)
			return (long)i + 1;
	if (!numeric_id(id, &want))
		return (size_t)pos - 1 <= count ? pos - 1 : (long)count;
	for (size_t i = 0; i < count; i++)
		if (numeric_id(item_id(json_array_get(items, i)), &have) && have > want)
			return (long)i;
	return (long)count;
}

/* The index of the first item after the cursor, or -1 when it is not one. */
static long cursor_start(const char *cursor, const json_t *items)
{
	size_t n = strlen(cursor);
	if (n == 0 || n % 2 != 0)
		return -1;
	struct strbuf raw = STRBUF_INIT;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(cursor[i]), lo = hexval(cursor[i + 1]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			sb_release(&raw);
			return -1;
		}
		sb_putc(&raw, (char)(hi * 16 + lo));
	}
	char *end;
	long pos = strtol(raw.buf, &end, 10);
	long start = *end == ':' && end != raw.buf && pos >= 1 ? resume_at(items, pos, end + 1) : -1;
	sb_release(&raw);
	return start;
}

/* limit: 1..100, default 10, as the contract says. */
static int parse_limit(const struct emu_request *rq, long *limit)
{
	const char *s = emu_query(rq, "limit");
	if (!s) {
		*limit = 10;
		return 0;
	}
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 1 || v > 100)
		return -1;
	*limit = v;
	return 0;
}

void emu_page(struct emu_request *rq, struct emu_response *rs, const char *key, const json_t *items,
	      emu_view_fn *view)
{
	long limit, start = 0;
	if (parse_limit(rq, &limit) != 0) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "limit must be an integer from 1 to 100");
		return;
	}
	const char *after = emu_query(rq, "after");
	if (after && *after && (start = cursor_start(after, items)) < 0) {
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "after is not a cursor this endpoint returned");
		return;
	}
	size_t total = json_array_size(items), end = (size_t)start + (size_t)limit;
	if (end > total)
		end = total;
	size_t from = (size_t)start, next_at = end;
	/* repeat_items: each page after the first begins with the item before
	 * the cursor again, and goes one less far (limit 1 would not move). */
	if (rq->shape == EF_REPEAT_ITEMS && from > 0 && limit > 1) {
		from--;
		if (end > from + (size_t)limit)
			end = from + (size_t)limit;
		next_at = end;
	}
	json_t *page = json_array();
	for (size_t i = from; i < end; i++)
		json_array_append_new(page, view(json_array_get(items, i)));
	/* oversize_page: one more item than asked (the first again if need be). */
	while (rq->shape == EF_OVERSIZE_PAGE && total > 0 && json_array_size(page) <= (size_t)limit)
		json_array_append_new(page, view(json_array_get(items, from < total ? from : 0)));
	json_t *next = json_null();
	/* cycle_cursor: A -> B -> A, two cursors that are each valid. */
	if (rq->shape == EF_CYCLE_CURSOR && total >= 2)
		next_at = start == 1 ? 2 : 1;
	if (next_at < total || (rq->shape == EF_CYCLE_CURSOR && total >= 2)) {
		char *c;
		cursor_encode(&c, next_at, item_id(json_array_get(items, next_at - 1)));
		json_decref(next);
		next = json_string(c);
		free(c);
	}
	json_t *body = json_pack("{s:{s:o, s:I}}", "_pagination", "after", next, "total", (json_int_t)total);
	/* no_array_key: an empty page without its array (no property of a
	 * list answer is required). */
	if (rq->shape == EF_NO_ARRAY_KEY && json_array_size(page) == 0)
		json_decref(page);
	else
		json_object_set_new(body, key, page);
	emu_reply_json(rs, 200, body);
}
