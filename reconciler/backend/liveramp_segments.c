/*
 * Segment-config batches: POST and DELETE /v2/distribution-managers/{dm}/
 * segment-configs, at most BACKEND_BATCH_MAX items, answered 207 with one
 * status per item, in order.
 *
 * Decision 9: an item whose httpStatus is >= 300 failed. A 4xx item is
 * reported (results[i]) and never sent again. A 5xx or 429 item, like a
 * whole batch whose answer was lost, goes through lr_write_run's policy:
 * the manager's configs are listed again, and only the items not yet done
 * (adds not present, removes still present) are sent again.
 *
 * Decision 8: DELETE names SegmentConfig ids, [{"id": config_id}], built
 * in one function (remove_item) so it is one line to change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liveramp_private.h"
#include "util/xalloc.h"

struct batch {
	const struct account_ref *ref;
	const struct segment *segs;
	size_t n;
	struct batch_item_result *results;
	bool add;
	bool *pending;   /* items not yet confirmed done */
	size_t *sent; /* the items of the last body, in order */
	size_t n_sent;
	char *path;
};

__attribute__((format(printf, 4, 5))) static void set_result(struct batch_item_result *r, bool ok, int status,
							  const char *fmt, ...)
{
	r->ok = ok;
	r->http_status = status;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
}

static json_t *add_item(const struct batch *b, const struct segment *seg)
{
	return json_pack("{s:s, s:s, s:s}", "segmentID", seg->id, "segmentType", segment_type_api_name(seg->type),
			 "distributionManagerID", b->ref->manager_id);
}

/* Decision 8: a removal names the SegmentConfig by the id GET returned. */
static json_t *remove_item(const struct segment *seg)
{
	return json_pack("{s:s}", "id", seg->config_id);
}

static void batch_prepare(struct lr_write *w, struct http_request *r)
{
	struct batch *b = w->ctx;
	json_t *arr = json_array();
	b->n_sent = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (!b->pending[i])
			continue;
		json_array_append_new(arr, b->add ? add_item(b, &b->segs[i]) : remove_item(&b->segs[i]));
		b->sent[b->n_sent++] = i;
	}
	char *body = lr_dump(arr);
	http_request_init(r, w->l->http, b->add ? HTTP_POST : HTTP_DELETE, b->path, body);
	free(body);
}

static void item_failed(struct batch *b, size_t i, const struct api_item_status *st)
{
	set_result(&b->results[i], false, st->http_status, "%s%s%s", st->code ? st->code : "",
		   st->code && st->message ? ": " : "", st->message ? st->message : "");
}

/* Reads the 207 item by item. An answer that cannot be read is treated
 * like a lost one: the listing tells what happened. */
static int batch_accept(struct lr_write *w, const struct http_request *r, struct diags *d)
{
	struct batch *b = w->ctx;
	struct arena a = ARENA_INIT;
	struct diags ignored = DIAGS_INIT;
	struct api_item_status *items;
	size_t n;
	int again = 1;
	if (api_decode_multi_status(&items, &n, r->response.buf, r->response.len, &a, r->what, &ignored) == 0 &&
	    n == b->n_sent) {
		again = 0;
		for (size_t k = 0; k < n; k++) {
			size_t i = b->sent[k];
			int st = items[k].http_status;
			if (st < 300) {
				set_result(&b->results[i], true, st, "%s", "");
				b->pending[i] = false;
			} else if (st >= 500 || st == 429) {
				item_failed(b, i, &items[k]); /* kept, in case we give up */
				again = 1;
			} else {
				item_failed(b, i, &items[k]);
				b->pending[i] = false;
			}
		}
	}
	diags_free(&ignored);
	arena_free(&a);
	return again;
}

/* Lists the manager's configs and marks done what is done. */
static int batch_check(struct lr_write *w, struct diags *d)
{
	struct batch *b = w->ctx;
	struct arena a = ARENA_INIT;
	struct lr_list ls;
	lr_list_init(&ls, w->l, API_CONFIG, b->path, NULL, &a);
	struct lr_list *lists[] = {&ls};
	int rc = -1;
	if (lr_list_run(w->l, lists, 1, NULL, d) == 0) {
		struct hmap by_segment = HMAP_INIT, by_id = HMAP_INIT;
		for (size_t j = 0; j < ls.n; j++) {
			const struct api_config *c = lr_list_item(&ls, j);
			hmap_put(&by_segment, c->segment_id, (void *)c, NULL);
			hmap_put(&by_id, c->id, (void *)c, NULL);
		}
		rc = LR_DONE;
		for (size_t i = 0; i < b->n; i++) {
			if (!b->pending[i])
				continue;
			bool done = b->add ? hmap_get(&by_segment, b->segs[i].id) != NULL
					   : hmap_get(&by_id, b->segs[i].config_id) == NULL;
			if (done) {
				set_result(&b->results[i], true, b->add ? 201 : 200, "%s", "");
				b->pending[i] = false;
			} else {
				rc = LR_NOT_DONE;
			}
		}
		hmap_free(&by_segment);
		hmap_free(&by_id);
	}
	lr_list_release(&ls);
	arena_free(&a);
	return rc;
}

static void batch_give_up(struct lr_write *w, const struct http_request *last)
{
	struct batch *b = w->ctx;
	for (size_t i = 0; i < b->n; i++) {
		if (!b->pending[i])
			continue;
		struct batch_item_result *r = &b->results[i];
		char why[sizeof(r->message)];
		snprintf(why, sizeof(why), "%s", r->message);
		set_result(r, false, r->http_status ? r->http_status : 503, "not confirmed after %d attempts: %s",
			   w->l->cfg.max_retries + 1, why);
		b->pending[i] = false;
	}
}

/* Items refused before sending; returns how many remain to send. */
static size_t precheck(struct batch *b)
{
	size_t left = 0;
	for (size_t i = 0; i < b->n; i++) {
		const struct segment *g = &b->segs[i];
		struct batch_item_result *r = &b->results[i];
		memset(r, 0, sizeof(*r));
		r->segment_id = g->id;
		if (b->add && (!g->id || !*g->id))
			set_result(r, false, 400, "a segment config needs a segment id");
		else if (!b->add && (!g->config_id || !*g->config_id))
			set_result(r, false, 404, "segment %s has no segment config id on this account",
				   g->id ? g->id : "");
		else
			left += b->pending[i] = true;
	}
	return left;
}

static int refuse_batch(const struct account_ref *ref, const struct segment *segs, size_t n, bool add,
			struct diags *d)
{
	if (n > BACKEND_BATCH_MAX) {
		diag_error(d, LR_RULE, NULL, "split the batch (apply does)",
			   "a segment-config batch holds at most %d items, not %zu", BACKEND_BATCH_MAX, n);
		return -1;
	}
	if (!ref || !ref->manager_id) {
		diag_error(d, LR_RULE, NULL, "observe again (reconciler plan)",
			   "account '%s' has no distribution manager id", ref && ref->name ? ref->name : "");
		return -1;
	}
	for (size_t i = 0; add && i < n; i++) {
		if (segs[i].type == SEGMENT_DATA_MARKETPLACE) {
			diag_error(d, LR_RULE, NULL,
				   "Data Marketplace segments cannot be distributed to this destination through the "
				   "API; remove it from the config (see the plan's rule message)",
				   "segment %s of account '%s' is a Data Marketplace segment; nothing was sent",
				   segs[i].id ? segs[i].id : "", ref->name ? ref->name : "");
			return -1;
		}
	}
	return 0;
}

static int run_batch(struct backend *be, const struct account_ref *ref, const struct segment *segs, size_t n,
		     struct batch_item_result *results, bool add, struct diags *d)
{
	struct liveramp *l = lr_of(be);
	if (refuse_batch(ref, segs, n, add, d) != 0)
		return -1;
	struct batch b = {.ref = ref, .segs = segs, .n = n, .results = results, .add = add};
	b.pending = xcalloc(n ? n : 1, sizeof(*b.pending));
	b.sent = xcalloc(n ? n : 1, sizeof(*b.sent));
	int rc = 0;
	if (precheck(&b) > 0) {
		struct strbuf path = STRBUF_INIT;
		sb_puts(&path, "/v2/distribution-managers/");
		http_escape(&path, ref->manager_id);
		sb_puts(&path, "/segment-configs");
		b.path = sb_detach(&path);
		char label[200];
		snprintf(label, sizeof(label), "%s %zu segment(s) %s account '%s'", add ? "add" : "remove", n,
			 add ? "to" : "from", ref->name ? ref->name : "");
		struct lr_write w = {.what_for = label, .prepare = batch_prepare, .accept = batch_accept,
				     .check = batch_check, .give_up = batch_give_up, .l = l, .ctx = &b};
		rc = lr_write_run(&w, d);
		free(b.path);
	}
	free(b.pending);
	free(b.sent);
	return rc;
}

int lr_add_segments(struct backend *b, const struct account_ref *ref, const struct segment *segs, size_t n,
		    struct batch_item_result *results, struct diags *d)
{
	return run_batch(b, ref, segs, n, results, true, d);
}

int lr_remove_segments(struct backend *b, const struct account_ref *ref, const struct segment *segs,
		       size_t n, struct batch_item_result *results, struct diags *d)
{
	return run_batch(b, ref, segs, n, results, false, d);
}
