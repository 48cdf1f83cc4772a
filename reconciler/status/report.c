/*
 * Building the status report (status/report.h). Rendering is in
 * status/render.c.
 *
 * Cost: deliveries are sorted once by (connection, segment) and each
 * segment finds its own by binary search, so a report over n segments and
 * m deliveries is O((n + m) log m).
 */
#include "status/report.h"

#include <stdlib.h>
#include <string.h>

#include "plan/ended.h"
#include "util/hmap.h"
#include "util/text.h"
#include "util/xalloc.h"

struct build {
	struct status_report *r;
	const struct state *desired, *actual;
	struct hmap account_change; /* account name -> const struct change * (account level) */
	struct hmap segment_change; /* "account\x1fsegment" -> const struct change * */
	struct hmap claimed;	    /* actual account -> (void *)1: matched by a declared one */
	const struct delivery **sorted;
	size_t n_sorted;
	struct strbuf key;
	struct arena scratch; /* map keys that must outlive key */
};

static const char *dup(struct status_report *r, const char *s)
{
	return s ? arena_strdup(&r->arena, s) : NULL;
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int delivery_cmp(const void *pa, const void *pb)
{
	const struct delivery *a = *(const struct delivery *const *)pa;
	const struct delivery *b = *(const struct delivery *const *)pb;
	int c = cmp_str(a->connection_id, b->connection_id);
	if (c)
		return c;
	c = cmp_str(a->segment_id, b->segment_id);
	if (c)
		return c;
	return a < b ? -1 : a > b; /* keep the backend's order among equals */
}

static void copy_deliveries(struct build *b, const struct delivery_list *in)
{
	struct delivery_list *out = &b->r->deliveries;
	for (size_t i = 0; in && i < in->n; i++) {
		const struct delivery *s = &in->v[i];
		struct delivery *d = delivery_list_add(out);
		*d = *s;
		d->id = dup(b->r, s->id);
		d->device_type = dup(b->r, s->device_type);
		d->updated_at = dup(b->r, s->updated_at);
		d->segment_id = dup(b->r, s->segment_id);
		d->connection_id = dup(b->r, s->connection_id);
	}
	b->n_sorted = out->n;
	b->sorted = xcalloc(out->n + 1, sizeof(*b->sorted));
	for (size_t i = 0; i < out->n; i++)
		b->sorted[i] = &out->v[i];
	qsort(b->sorted, b->n_sorted, sizeof(*b->sorted), delivery_cmp);
}

/* The deliveries of one segment on one connection: a slice of sorted. */
static const struct delivery *const *deliveries_of(const struct build *b, const char *conn, const char *seg,
						   size_t *n)
{
	size_t lo = 0, hi = b->n_sorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct delivery *d = b->sorted[mid];
		int c = cmp_str(d->connection_id, conn);
		if (!c)
			c = cmp_str(d->segment_id, seg);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < b->n_sorted && !cmp_str(b->sorted[end]->connection_id, conn) &&
	       !cmp_str(b->sorted[end]->segment_id, seg))
		end++;
	*n = end - lo;
	return b->sorted + lo;
}

static const char *seg_key(struct build *b, const char *account, const char *segment)
{
	sb_reset(&b->key);
	sb_printf(&b->key, "%s\x1f%s", account ? account : "", segment ? segment : "");
	return b->key.buf;
}

static void index_plan(struct build *b, const struct plan *p)
{
	for (size_t i = 0; p && i < p->n_changes; i++) {
		const struct change *c = &p->changes[i];
		if (c->kind == KIND_SEGMENT) {
			if (!c->refused)
				hmap_put(&b->segment_change,
					 arena_strdup(&b->scratch, seg_key(b, c->account, c->segment)),
					 (void *)c, NULL);
		} else if (!hmap_get(&b->account_change, c->account ? c->account : "")) {
			hmap_put(&b->account_change, c->account ? c->account : "", (void *)c, NULL);
		}
	}
}

/* ---- segments ------------------------------------------------------------- */

static int status_segment_cmp(const void *pa, const void *pb)
{
	const struct status_segment *a = pa, *b = pb;
	return strcmp(a->id, b->id);
}

static void judge(struct build *b, struct status_account *row, struct status_segment *g, const char *conn)
{
	const struct change *c = hmap_get(&b->segment_change, seg_key(b, row->name, g->id));
	g->sync = !c ? SYNC_IN_SYNC : c->action == CHANGE_ADD ? SYNC_TO_ADD : SYNC_TO_REMOVE;
	struct status_counts *n = &b->r->counts;
	n->segments++;
	if (g->sync == SYNC_TO_REMOVE)
		n->to_remove++;
	if (!g->distributed) {
		n->not_distributed++;
		return;
	}
	size_t nd;
	const struct delivery *const *ds = deliveries_of(b, conn, g->id, &nd);
	health_of_segment(&g->h, ds, nd, b->r->now, &b->r->limits);
	n->health[g->h.health]++;
}

/* Declared segments (with their declared names), then the ones only the
 * backend has, each id once; then sorted by id. */
static void segment_rows(struct build *b, struct status_account *row, const struct account *d,
			 const struct account *a)
{
	struct status_report *r = b->r;
	struct hmap seen = HMAP_INIT;
	size_t total = d->n_segments + (a ? a->n_segments : 0);
	row->segments = xcalloc(total + 1, sizeof(*row->segments));
	for (int side = 0; side < 2; side++) {
		const struct account *acc = side == 0 ? d : a;
		for (size_t i = 0; acc && i < acc->n_segments; i++) {
			const struct segment *s = &acc->segments[i];
			if (!s->id || hmap_get(&seen, s->id))
				continue;
			hmap_put(&seen, s->id, (void *)1, NULL);
			struct status_segment *g = &row->segments[row->n_segments++];
			memset(g, 0, sizeof(*g));
			g->id = dup(r, s->id);
			const struct catalog_entry *e = state_catalog_find(b->actual, s->id);
			g->name = dup(r, s->name.v ? s->name.v : e ? e->name : NULL);
			g->distributed = a && account_find_segment(a, s->id);
		}
	}
	hmap_free(&seen);
	qsort(row->segments, row->n_segments, sizeof(*row->segments), status_segment_cmp);
	for (size_t i = 0; i < row->n_segments; i++)
		judge(b, row, &row->segments[i], a ? a->connection_id : NULL);
}

/* ---- accounts -------------------------------------------------------------- */

static const char *state_word(const struct change *c, bool ended)
{
	if (ended)
		return "ended";
	if (!c || c->refused)
		return "in_sync";
	switch (c->action) {
	case CHANGE_CREATE: return "create";
	case CHANGE_RENAME: return "rename";
	default: return "update";
	}
}

static void account_row(struct build *b, struct status_account *row, const struct account *d)
{
	struct status_report *r = b->r;
	const struct change *c = hmap_get(&b->account_change, d->name.v ? d->name.v : "");
	const struct account *a = c && c->action == CHANGE_RENAME
				      ? state_find_account(b->actual, c->account_before)
				      : state_find_account(b->actual, d->name.v);
	if (c && c->action == CHANGE_CREATE)
		a = NULL;
	if (a)
		hmap_put(&b->claimed, a->manager_id ? a->manager_id : a->name.v, (void *)1, NULL);
	row->name = dup(r, d->name.v);
	row->exists = a != NULL;
	row->ended = c && c->refused && c->rule && strcmp(c->rule, RULE_ACCOUNT_ENDED) == 0;
	row->state = state_word(c, row->ended);
	row->status = a ? account_status_name(a->status) : NULL;
	row->expire_at = a ? dup(r, a->expire_at.v) : NULL;
	row->precision = dup(r, d->precision.v);
	row->connection_id = a ? dup(r, a->connection_id) : NULL;
	segment_rows(b, row, d, a);
	bool segments_in_sync = true;
	for (size_t i = 0; i < row->n_segments; i++)
		if (row->segments[i].sync != SYNC_IN_SYNC)
			segments_in_sync = false;
	row->in_sync = (!c || (c->refused && !row->ended)) && segments_in_sync;
	r->counts.accounts++;
	r->counts.accounts_out_of_sync += !row->in_sync;
	r->counts.accounts_ended += row->ended;
}

static void share_rows(struct build *b)
{
	struct status_report *r = b->r;
	long today = (long)days_floor(r->now);
	r->shares = xcalloc(b->desired->n_shares + 1, sizeof(*r->shares));
	for (size_t i = 0; i < b->desired->n_shares; i++) {
		const struct share *s = &b->desired->shares[i];
		struct status_share *row = &r->shares[r->n_shares++];
		row->segment = dup(r, s->segment.v);
		row->buyer = dup(r, s->buyer.v);
		row->shared_on = dup(r, s->shared_on.v);
		row->seller_allowlisted = s->seller_allowlisted;
		long on;
		row->dated = s->shared_on.v && date_parse(s->shared_on.v, &on);
		if (!row->dated)
			continue;
		row->days = today - on;
		row->health = health_of_share(on, today, r->share_days);
		date_format(on + (long)r->share_days, row->due);
		if (row->health == SHARE_OVERDUE)
			r->counts.shares_overdue++;
		else
			r->counts.shares_pending++;
	}
}

struct status_report *status_report_build(const struct state *desired, const struct state *actual,
					  const struct plan *plan, const struct delivery_list *deliveries,
					  const struct profile *p, long long now)
{
	struct status_report *r = xcalloc(1, sizeof(*r));
	r->now = now;
	r->profile = dup(r, p->id);
	r->destination = dup(r, p->destination_name ? p->destination_name : p->id);
	r->backend = dup(r, plan ? plan->backend : actual->source);
	r->limits.ttl_days = p->ttl_days;
	r->limits.first_delivery_days = p->first_delivery_days;
	r->share_days = p->marketplace_share_days;
	struct build b = { .r = r, .desired = desired, .actual = actual };
	copy_deliveries(&b, deliveries);
	index_plan(&b, plan);
	r->accounts = xcalloc(desired->n_accounts + 1, sizeof(*r->accounts));
	for (size_t i = 0; i < desired->n_accounts; i++)
		account_row(&b, &r->accounts[r->n_accounts++], desired->accounts[i]);
	for (size_t i = 0; i < actual->n_accounts; i++) {
		const struct account *a = actual->accounts[i];
		if (!hmap_get(&b.claimed, a->manager_id ? a->manager_id : a->name.v))
			r->counts.undeclared++;
	}
	share_rows(&b);
	hmap_free(&b.account_change);
	hmap_free(&b.segment_change);
	hmap_free(&b.claimed);
	sb_release(&b.key);
	arena_free(&b.scratch);
	free(b.sorted);
	return r;
}

void status_report_free(struct status_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_accounts; i++)
		free(r->accounts[i].segments);
	free(r->accounts);
	free(r->shares);
	delivery_list_free(&r->deliveries);
	arena_free(&r->arena);
	free(r);
}

bool status_needs_attention(const struct status_report *r)
{
	return r->counts.health[HEALTH_STALE] || r->counts.health[HEALTH_FAILED] || r->counts.shares_overdue;
}
