/*
 * The sandbox's deliveries read once (deliveries_stream.h). Each item is
 * what local_deliveries.c reads from the tree after settling it, so both
 * paths answer a query alike.
 */
#include "deliveries_stream.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/observe_stream.h"
#include "sandbox/stream_doc.h"
#include "util/clock.h"
#include "util/hmap.h"
#include "util/text.h"
#include "util/xalloc.h"

struct group {
	size_t *idx; /* into items, in file order */
	size_t n, cap;
};

struct sandbox_deliveries {
	struct sandbox_file_id file; /* what was read */
	long long delay;
	struct arena arena;
	struct sd_delivery *items; /* strings in arena */
	size_t n;
	struct hmap by_connection; /* connection id -> struct group * */
};

static const char *copy(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

/* sandbox_deliveries_settle() at the time of the query, as the tree path
 * settles at each read: a PENDING ADD is DELIVERED once its delay has
 * passed, updatedAt moved to the moment it was due (written to ts). A
 * delay so large that the moment is past any clock never comes. */
static bool settled(const struct sd_delivery *x, long long now, long long delay, char ts[static 32])
{
	long long t;
	if (!x->status || strcmp(x->status, "PENDING") != 0 ||
	    (x->operation && strcmp(x->operation, "ADD") != 0) || !x->updated_at ||
	    !timestamp_parse(x->updated_at, &t) || (t > 0 && delay > LLONG_MAX - t) || now < t + delay)
		return false;
	timestamp_format(t + delay, ts);
	return true;
}

struct sandbox_deliveries *sandbox_deliveries_from(const struct sd_doc *doc,
						   const struct sandbox_file_id *file)
{
	struct sandbox_deliveries *all = xcalloc(1, sizeof(*all));
	all->file = *file;
	all->delay = doc->delivery_delay;
	all->n = doc->n_dels;
	all->items = arena_alloc(&all->arena, (all->n ? all->n : 1) * sizeof(*all->items));
	for (size_t i = 0; i < all->n; i++) {
		const struct sd_delivery *in = &doc->dels[i];
		struct sd_delivery *x = &all->items[i];
		x->id = copy(&all->arena, in->id);
		x->status = in->status; /* words of the reader's own tables */
		x->device_type = in->device_type;
		x->operation = in->operation;
		x->updated_at = copy(&all->arena, in->updated_at);
		x->segment_id = copy(&all->arena, in->segment_id);
		x->connection_id = copy(&all->arena, in->connection_id);
		x->record_count = in->record_count;
		if (!x->connection_id)
			continue;
		struct group *g = hmap_get(&all->by_connection, x->connection_id);
		if (!g) {
			g = arena_alloc(&all->arena, sizeof(*g));
			hmap_put(&all->by_connection, x->connection_id, g, NULL);
		}
		XGROW(g->idx, g->cap, g->n + 1);
		g->idx[g->n++] = i;
	}
	return all;
}

static bool wanted(const struct sd_delivery *x, const struct delivery_query *q)
{
	if (!q->segment_ids)
		return true;
	for (size_t i = 0; x->segment_id && i < q->n_segment_ids; i++)
		if (strcmp(q->segment_ids[i], x->segment_id) == 0)
			return true;
	return false;
}

static void append(struct delivery_list *out, const struct sd_delivery *x, long long now, long long delay)
{
	char ts[32];
	bool due = settled(x, now, delay, ts);
	struct delivery *d = delivery_list_add(out);
	d->id = copy(&out->arena, x->id);
	if (!delivery_status_from_api(due ? "DELIVERED" : x->status, &d->status))
		d->status = DELIVERY_UNKNOWN;
	d->device_type = copy(&out->arena, x->device_type);
	d->record_count = x->record_count;
	delivery_set_updated(out, d, due ? ts : x->updated_at);
	d->segment_id = copy(&out->arena, x->segment_id);
	d->connection_id = copy(&out->arena, x->connection_id);
	d->remove = x->operation && strcmp(x->operation, "DELETE") == 0;
}

void sandbox_deliveries_query(const struct sandbox_deliveries *all, const struct delivery_query *q,
			      struct delivery_list *out)
{
	long long now = (long long)clock_now();
	if (!q->connection_id) {
		for (size_t i = 0; i < all->n; i++)
			if (wanted(&all->items[i], q))
				append(out, &all->items[i], now, all->delay);
		return;
	}
	const struct group *g = hmap_get(&all->by_connection, q->connection_id);
	for (size_t i = 0; g && i < g->n; i++)
		if (wanted(&all->items[g->idx[i]], q))
			append(out, &all->items[g->idx[i]], now, all->delay);
}

void sandbox_deliveries_free(struct sandbox_deliveries *all)
{
	if (!all)
		return;
	size_t it = 0;
	void *v;
	while (hmap_next(&all->by_connection, &it, NULL, &v))
		free(((struct group *)v)->idx);
	hmap_free(&all->by_connection);
	arena_free(&all->arena);
	free(all);
}

const struct sandbox_file_id *sandbox_deliveries_file(const struct sandbox_deliveries *all)
{
	return &all->file;
}
