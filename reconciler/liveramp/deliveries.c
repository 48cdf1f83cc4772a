/*
 * Delivery reports: GET /v2/deliveries for one integration connection,
 * every page, decoded into a delivery_list.
 *
 * When the caller names segments, they go as repeated segmentIDs
 * parameters (the OpenAPI default for an array in a query), at most
 * SEGMENTS_PER_QUERY per request so that no URL grows past what proxies
 * accept; the requests run side by side. Deliveries without segmentID are
 * placed by asking again segment by segment (lr_deliveries).
 */
#include <string.h>

#include "liveramp/private.h"
#include "util/xalloc.h"

#define SEGMENTS_PER_QUERY 50

static char *filter_for(const struct delivery_query *q, size_t from, size_t to)
{
	struct strbuf f = STRBUF_INIT;
	sb_puts(&f, "integrationConnectionID=");
	http_escape(&f, q->connection_id ? q->connection_id : "");
	for (size_t i = from; i < to; i++) {
		sb_puts(&f, "&segmentIDs=");
		http_escape(&f, q->segment_ids[i]);
	}
	return sb_detach(&f);
}

/* seg: the segment the delivery is known to be of when it does not say
 * (its request asked for that one alone), or NULL. */
static void convert(const struct api_delivery *a, const char *seg, struct delivery_list *out)
{
	struct delivery *d = delivery_list_add(out);
	d->id = arena_strdup(&out->arena, a->id);
	if (!delivery_status_from_api(a->status, &d->status))
		d->status = DELIVERY_UNKNOWN;
	d->device_type = a->device_type ? arena_strdup(&out->arena, a->device_type) : NULL;
	d->record_count = a->record_count;
	delivery_set_updated(out, d, a->updated_at);
	const char *sid = a->segment_id ? a->segment_id : seg;
	d->segment_id = sid ? arena_strdup(&out->arena, sid) : NULL;
	d->connection_id = arena_strdup(&out->arena, a->ic_id);
	d->remove = a->remove;
}

/* One request of the read: a list and the segment ids it asks for. */
struct part {
	struct lr_list ls;
	char *filter;
	size_t from, to; /* q->segment_ids[from, to) */
	bool redo;	 /* answered deliveries without segmentID: asked again one by one */
};

static void part_init(struct part *p, struct liveramp *l, const struct delivery_query *q, size_t from,
		      size_t to, struct arena *a)
{
	p->from = from;
	p->to = to;
	p->filter = filter_for(q, from, to);
	lr_list_init(&p->ls, l, API_DELIVERY, "/v2/deliveries", p->filter, a);
}

static int run_parts(struct liveramp *l, struct part *parts, size_t n, struct diags *d)
{
	struct lr_list **ptrs = xcalloc(n ? n : 1, sizeof(*ptrs));
	for (size_t i = 0; i < n; i++)
		ptrs[i] = &parts[i].ls;
	static const struct http_progress PROGRESS = { "reading", "delivery reports" };
	int rc = lr_list_run(l, ptrs, n, &PROGRESS, d);
	free(ptrs);
	return rc;
}

static bool has_unnamed(const struct lr_list *ls)
{
	for (size_t k = 0; k < ls->n; k++)
		if (!((const struct api_delivery *)lr_list_item(ls, k))->segment_id)
			return true;
	return false;
}

/* segmentID is optional in the contract. A delivery without it is matched
 * by its request: one that asked for a single segment tells it. So a
 * request for several that was answered with such deliveries is asked
 * again, one segment at a time (only then: it costs a request a segment).
 * A delivery that still cannot be placed is reported, never dropped, so
 * that status does not claim "no delivery reported" in silence. */
int lr_deliveries(struct backend *b, const struct delivery_query *q, struct delivery_list *out,
		  struct diags *d)
{
	struct liveramp *l = lr_of(b);
	size_t n_ids = q->segment_ids ? q->n_segment_ids : 0;
	if (q->segment_ids && n_ids == 0)
		return 0; /* no segment asked for: nothing to read */
	size_t n = n_ids ? (n_ids + SEGMENTS_PER_QUERY - 1) / SEGMENTS_PER_QUERY : 1;
	struct arena a = ARENA_INIT;
	struct part *parts = xcalloc(n, sizeof(*parts));
	for (size_t i = 0; i < n; i++) {
		size_t from = i * SEGMENTS_PER_QUERY;
		size_t to =
		    n_ids ? (from + SEGMENTS_PER_QUERY < n_ids ? from + SEGMENTS_PER_QUERY : n_ids) : 0;
		part_init(&parts[i], l, q, from, to, &a);
	}
	int rc = run_parts(l, parts, n, d);
	size_t n_again = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (parts[i].to - parts[i].from > 1 && has_unnamed(&parts[i].ls)) {
			parts[i].redo = true;
			n_again += parts[i].to - parts[i].from;
		}
	struct part *again = xcalloc(n_again ? n_again : 1, sizeof(*again));
	size_t m = 0;
	for (size_t i = 0; i < n && n_again; i++)
		for (size_t k = parts[i].from; parts[i].redo && k < parts[i].to; k++)
			part_init(&again[m++], l, q, k, k + 1, &a);
	if (rc == 0 && m)
		rc = run_parts(l, again, m, d);
	size_t unmatched = 0;
	for (size_t pass = 0; pass < 2; pass++) {
		struct part *v = pass ? again : parts;
		size_t count = pass ? m : n;
		for (size_t i = 0; i < count; i++) {
			const char *only = v[i].to - v[i].from == 1 ? q->segment_ids[v[i].from] : NULL;
			for (size_t k = 0; rc == 0 && !v[i].redo && k < v[i].ls.n; k++) {
				const struct api_delivery *ad = lr_list_item(&v[i].ls, k);
				unmatched += !ad->segment_id && !only;
				convert(ad, only, out);
			}
			lr_list_release(&v[i].ls);
			free(v[i].filter);
		}
	}
	if (unmatched)
		diag_warning(
		    d, LR_RULE, NULL,
		    "ask for the account's segments (reconciler status does), so that each delivery "
		    "can be placed",
		    "%zu unmatched deliver%s of integration connection %s: LiveRamp sent no segmentID, "
		    "and the request did not name a single segment",
		    unmatched, unmatched == 1 ? "y" : "ies", q->connection_id ? q->connection_id : "");
	free(again);
	free(parts);
	arena_free(&a);
	return rc;
}
