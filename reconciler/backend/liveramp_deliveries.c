/*
 * Delivery reports: GET /v2/deliveries for one integration connection,
 * every page, decoded into a delivery_list.
 *
 * When the caller names segments, they go as repeated segmentIDs
 * parameters (the OpenAPI default for an array in a query), at most
 * SEGMENTS_PER_QUERY per request so that no URL grows past what proxies
 * accept; the requests run side by side.
 */
#include <string.h>

#include "liveramp_private.h"
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

static void convert(const struct api_delivery *a, struct delivery_list *out)
{
	struct delivery *d = delivery_list_add(out);
	d->id = arena_strdup(&out->arena, a->id);
	if (!delivery_status_from_api(a->status, &d->status))
		d->status = DELIVERY_UNKNOWN;
	d->device_type = a->device_type ? arena_strdup(&out->arena, a->device_type) : NULL;
	d->record_count = a->record_count;
	delivery_set_updated(out, d, a->updated_at);
	d->segment_id = a->segment_id ? arena_strdup(&out->arena, a->segment_id) : NULL;
	d->connection_id = arena_strdup(&out->arena, a->ic_id);
	d->remove = a->remove;
}

int lr_deliveries(struct backend *b, const struct delivery_query *q, struct delivery_list *out,
		  struct diags *d)
{
	struct liveramp *l = lr_of(b);
	size_t n_ids = q->segment_ids ? q->n_segment_ids : 0;
	if (q->segment_ids && n_ids == 0)
		return 0; /* no segment asked for: nothing to read */
	size_t n = n_ids ? (n_ids + SEGMENTS_PER_QUERY - 1) / SEGMENTS_PER_QUERY : 1;
	struct arena a = ARENA_INIT;
	struct lr_list *lists = xcalloc(n, sizeof(*lists));
	struct lr_list **ptrs = xcalloc(n, sizeof(*ptrs));
	char **filters = xcalloc(n, sizeof(*filters));
	for (size_t i = 0; i < n; i++) {
		size_t from = i * SEGMENTS_PER_QUERY;
		size_t to =
		    n_ids ? (from + SEGMENTS_PER_QUERY < n_ids ? from + SEGMENTS_PER_QUERY : n_ids) : 0;
		filters[i] = filter_for(q, from, to);
		lr_list_init(&lists[i], l, API_DELIVERY, "/v2/deliveries", filters[i], &a);
		ptrs[i] = &lists[i];
	}
	static const struct http_progress PROGRESS = {"reading", "delivery reports"};
	int rc = lr_list_run(l, ptrs, n, &PROGRESS, d);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; rc == 0 && k < lists[i].n; k++)
			convert(lr_list_item(&lists[i], k), out);
		lr_list_release(&lists[i]);
		free(filters[i]);
	}
	free(filters);
	free(ptrs);
	free(lists);
	arena_free(&a);
	return rc;
}
