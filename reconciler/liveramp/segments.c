/*
 * Segment-config batches: POST and DELETE /v2/distribution-managers/{dm}/
 * segment-configs, at most BACKEND_BATCH_MAX items, answered 207 with one
 * status per item, in no promised order (batch_accept matches them by id).
 *
 * Decision 9: an item whose httpStatus is >= 300 failed. A 4xx item is
 * reported (results[i]) and never sent again, unless reading back shows
 * that the API holds it after all. Nothing is reported done that the
 * manager's configs do not hold (read after write where the answer is
 * unclear). A 5xx or 429 item, like a
 * whole batch whose answer was lost, goes through lr_write_run's policy:
 * the manager's configs are listed again, and only the items not yet done
 * (adds not present, removes still present) are sent again.
 *
 * Decision 8: DELETE names SegmentConfig ids, [{"id": config_id}], built
 * in one function (remove_item) so it is one line to change.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/batch.h"
#include "liveramp/private.h"
#include "util/xalloc.h"

struct batch {
	const struct account_ref *ref;
	const struct segment *segs;
	size_t n;
	struct batch_item_result *results;
	bool add;
	bool *pending; /* items not yet confirmed done */
	size_t *sent;  /* the items of the last body, in order */
	size_t n_sent;
	char *path;
};

static json_t *add_item(const struct batch *b, const struct segment *seg)
{
	return json_pack("{s:s, s:s, s:s}", "segmentID", seg->id, "segmentType",
			 segment_type_api_name(seg->type), "distributionManagerID", b->ref->manager_id);
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
	batch_item_set(&b->results[i], false, st->http_status, "%s%s%s", st->code ? st->code : "",
		       st->code && st->message ? ": " : "", st->message ? st->message : "");
}

/* What a 207 says of the items it could not be matched to (see
 * batch_accept): how many answered ok, refused (4xx), or "try again". */
struct pool {
	size_t ok, refused, retry;
	const struct api_item_status *first_refused;
};

/* The key an answer item can name a sent item by: the segment id of an
 * add, the config id of a removal. */
static const char *sent_key(const struct batch *b, size_t i)
{
	return b->add ? b->segs[i].id : b->segs[i].config_id;
}

static bool retryable(int status)
{
	return status >= 500 || status == 429;
}

/* Settles every sent item that is not confirmed done by the answer, by
 * listing the manager's configs (read after write): an item the API holds
 * is done, whatever its answer said; one it does not hold failed (matched
 * to a 4xx, or unmatched while the answer's unmatched failures are all
 * 4xx: sending it again gets the same no) or is sent again (a 5xx or 429,
 * or nothing explains it). Returns 1 when some are to be sent again. */
static int settle(struct lr_write *w, const struct pool *pool, const int *answer, struct diags *d)
{
	struct batch *b = w->ctx;
	struct arena a = ARENA_INIT;
	struct lr_list ls;
	lr_list_init(&ls, w->l, API_CONFIG, b->path, NULL, &a);
	struct lr_list *lists[] = { &ls };
	bool read = lr_list_run(w->l, lists, 1, NULL, d) == 0;
	struct hmap held = HMAP_INIT;
	for (size_t j = 0; read && j < ls.n; j++) {
		const struct api_config *c = lr_list_item(&ls, j);
		hmap_put(&held, b->add ? c->segment_id : c->id, (void *)c, NULL);
	}
	int again = 0;
	for (size_t k = 0; k < b->n_sent; k++) {
		size_t i = b->sent[k];
		struct batch_item_result *r = &b->results[i];
		int st = answer[k];
		if (st > 0 && st < 300)
			continue; /* confirmed by its own item */
		if (!read) {
			if (st == 0)
				batch_item_set(r, false, 0,
					       "not confirmed: the answer did not name it, and reading "
					       "the segment configs back failed");
			b->pending[i] = false;
			continue;
		}
		bool there = hmap_get(&held, sent_key(b, i)) != NULL;
		if (there == b->add) {
			batch_item_set(r, true, b->add ? 201 : 200, "%s", "");
			b->pending[i] = false;
		} else if (st > 0 && !retryable(st)) {
			b->pending[i] = false; /* refused: item_failed said why */
		} else if (st == 0 && pool->refused && !pool->retry) {
			item_failed(b, i, pool->first_refused);
			b->pending[i] = false;
		} else {
			if (st == 0)
				batch_item_set(r, false, 503,
					       "not confirmed: the answer did not name it, and the "
					       "distribution manager does not hold it");
			again = 1;
		}
	}
	hmap_free(&held);
	lr_list_release(&ls);
	arena_free(&a);
	return again;
}

/* Reads the 207. The contract promises no order, and does not say whether
 * an add's item names the segment or the new config (a removal's names
 * the config sent), so items are matched by the id they carry, each sent
 * item once; an item that names nothing sent is unmatched. When every item
 * answered ok and as many as were sent, all are done; otherwise settle()
 * reads back what the API holds before anything is reported. An answer
 * that cannot be read is treated like a lost one: the listing tells. */
static int batch_accept(struct lr_write *w, const struct http_request *r, struct diags *d)
{
	struct batch *b = w->ctx;
	struct arena a = ARENA_INIT;
	struct diags ignored = DIAGS_INIT;
	struct api_item_status *items;
	size_t n;
	if (api_decode_multi_status(&items, &n, r->response.buf, r->response.len, &a, r->what, &ignored) !=
	    0) {
		diags_free(&ignored);
		arena_free(&a);
		return 1;
	}
	diags_free(&ignored);
	/* answer[k]: the status of the item matched to the k-th sent, 0: none. */
	int *answer = xcalloc(b->n_sent ? b->n_sent : 1, sizeof(*answer));
	struct hmap by_key = HMAP_INIT; /* key -> k + 1 */
	for (size_t k = 0; k < b->n_sent; k++)
		hmap_put(&by_key, sent_key(b, b->sent[k]), (void *)(uintptr_t)(k + 1), NULL);
	struct pool pool = { 0 };
	bool all_ok = n == b->n_sent;
	for (size_t j = 0; j < n; j++) {
		const struct api_item_status *it = &items[j];
		uintptr_t k = it->id ? (uintptr_t)hmap_get(&by_key, it->id) : 0;
		all_ok = all_ok && it->http_status < 300;
		if (k && answer[k - 1])
			all_ok = false; /* one item answered twice: another may not be */
		if (k && !answer[k - 1]) {
			size_t i = b->sent[k - 1];
			answer[k - 1] = it->http_status;
			if (it->http_status < 300) {
				batch_item_set(&b->results[i], true, it->http_status, "%s", "");
				b->pending[i] = false;
			} else {
				item_failed(b, i, it); /* kept: settle() decides */
			}
		} else if (it->http_status < 300) {
			pool.ok++;
		} else if (retryable(it->http_status)) {
			pool.retry++;
		} else if (!pool.refused++) {
			pool.first_refused = it;
		}
	}
	int again = 0;
	if (all_ok) {
		for (size_t k = 0; k < b->n_sent; k++) {
			size_t i = b->sent[k];
			if (!answer[k])
				batch_item_set(&b->results[i], true, b->add ? 201 : 200, "%s", "");
			b->pending[i] = false;
		}
	} else {
		again = settle(w, &pool, answer, d);
	}
	hmap_free(&by_key);
	free(answer);
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
	struct lr_list *lists[] = { &ls };
	int rc = -1;
	if (lr_list_run(w->l, lists, 1, NULL, d) == 0) {
		struct hmap held = HMAP_INIT;
		for (size_t j = 0; j < ls.n; j++) {
			const struct api_config *c = lr_list_item(&ls, j);
			hmap_put(&held, b->add ? c->segment_id : c->id, (void *)c, NULL);
		}
		rc = LR_DONE;
		for (size_t i = 0; i < b->n; i++) {
			if (!b->pending[i])
				continue;
			if ((hmap_get(&held, sent_key(b, i)) != NULL) == b->add) {
				batch_item_set(&b->results[i], true, b->add ? 201 : 200, "%s", "");
				b->pending[i] = false;
			} else {
				rc = LR_NOT_DONE;
			}
		}
		hmap_free(&held);
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
		batch_item_set(r, false, r->http_status ? r->http_status : 503,
			       "not confirmed after %d attempts: %s", w->l->cfg.max_retries + 1, why);
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
			batch_item_set(r, false, 400, "a segment config needs a segment id");
		else if (!b->add && (!g->config_id || !*g->config_id))
			batch_item_set(r, false, 404, "segment %s has no segment config id on this account",
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
			diag_error(
			    d, LR_RULE, NULL,
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
	struct batch b = { .ref = ref, .segs = segs, .n = n, .results = results, .add = add };
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
		struct lr_write w = { .what_for = label,
				      .prepare = batch_prepare,
				      .accept = batch_accept,
				      .check = batch_check,
				      .give_up = batch_give_up,
				      .l = l,
				      .ctx = &b };
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

int lr_remove_segments(struct backend *b, const struct account_ref *ref, const struct segment *segs, size_t n,
		       struct batch_item_result *results, struct diags *d)
{
	return run_batch(b, ref, segs, n, results, false, d);
}
