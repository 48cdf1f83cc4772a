/*
 * Rendering the status report (status/report.h): text for people, JSON
 * for tools. Names from the configuration or the backend are quoted and
 * escaped (text) or JSON-encoded, never written raw.
 */
#include <jansson.h>
#include <string.h>

#include "status/report.h"
#include "util/json_sb.h"
#include "util/text.h"
#include "version.h"

static void put_time(struct strbuf *out, long long t)
{
	char buf[32];
	timestamp_format(t, buf);
	sb_puts(out, buf);
}

static const char *sync_word(enum segment_sync s)
{
	return s == SYNC_TO_ADD ? "to add" : s == SYNC_TO_REMOVE ? "to remove" : "in sync";
}

static const char *sync_name(enum segment_sync s)
{
	return s == SYNC_TO_ADD ? "add" : s == SYNC_TO_REMOVE ? "remove" : "in_sync";
}

/* ---- text ------------------------------------------------------------------- */

static void put_account_line(const struct status_account *a, struct strbuf *out)
{
	sb_puts(out, "account ");
	sb_json_str(out, a->name ? a->name : "");
	sb_puts(out, ": ");
	if (a->ended)
		sb_printf(out, "ended on %s (LiveRamp turned it inactive at its end date; not reactivated)",
			  a->expire_at ? a->expire_at : "its end date");
	else if (!a->exists)
		sb_puts(out, "not created yet (apply creates it)");
	else if (a->in_sync)
		sb_puts(out, "in sync");
	else if (strcmp(a->state, "in_sync") == 0)
		sb_puts(out, "out of sync (segments)");
	else
		sb_printf(out, "out of sync (to %s)", a->state);
	if (a->exists)
		sb_printf(out, " [%s, %s%s]", a->status ? a->status : "?",
			  a->expire_at ? "ends " : "no end date", a->expire_at ? a->expire_at : "");
	if (a->precision) {
		sb_puts(out, " precision ");
		sb_json_str(out, a->precision);
		sb_puts(out, " (shown, never sent)");
	}
	sb_putc(out, '\n');
}

static void put_health(const struct status_report *r, const struct status_segment *g, struct strbuf *out)
{
	const struct segment_health *h = &g->h;
	if (!g->distributed) {
		sb_puts(out, "-          not distributed yet");
		return;
	}
	sb_printf(out, "%-10s ", health_name(h->health));
	const struct delivery *last = h->last;
	switch (h->health) {
	case HEALTH_DELIVERED:
	case HEALTH_STALE:
		sb_puts(out, "last DELIVERED ");
		sb_puts(out, h->last_delivered->updated_at);
		sb_printf(out, " (%lld days ago", days_floor(h->age));
		if (h->last_delivered->record_count >= 0)
			sb_printf(out, ", %lld records", h->last_delivered->record_count);
		sb_puts(out, h->health == HEALTH_STALE ? "): expired at " : "); at ");
		sb_puts(out, r->destination);
		sb_puts(out, h->health == HEALTH_STALE ? " since " : " until ");
		put_time(out, h->expires);
		break;
	case HEALTH_PENDING:
		sb_printf(out, "%s since ", delivery_status_name(last->status));
		put_time(out, h->added);
		sb_puts(out, "; due by ");
		put_time(out, h->due);
		break;
	case HEALTH_FAILED:
		if (h->why == WHY_LAST_FAILED) {
			sb_puts(out, "last delivery FAILED ");
			sb_puts(out, last->updated_at);
		} else {
			sb_printf(out, "not delivered %u days after it was added (",
				  r->limits.first_delivery_days);
			put_time(out, h->added);
			sb_printf(out, "; last %s)", delivery_status_name(last->status));
		}
		break;
	default: sb_puts(out, "no delivery reported"); break;
	}
}

static void put_segment_line(const struct status_report *r, const struct status_segment *g,
			     struct strbuf *out)
{
	struct strbuf label = STRBUF_INIT;
	sb_puts(&label, g->id);
	if (g->name) {
		sb_putc(&label, ' ');
		sb_json_str(&label, g->name);
	}
	sb_printf(out, "  %-32s %-9s ", label.buf, sync_word(g->sync));
	sb_release(&label);
	put_health(r, g, out);
	sb_putc(out, '\n');
}

static void put_shares_text(const struct status_report *r, struct strbuf *out)
{
	if (!r->n_shares)
		return;
	sb_puts(out, "Data Marketplace shares:\n");
	for (size_t i = 0; i < r->n_shares; i++) {
		const struct status_share *s = &r->shares[i];
		sb_puts(out, "  segment ");
		sb_json_str(out, s->segment ? s->segment : "");
		sb_puts(out, " -> buyer ");
		sb_json_str(out, s->buyer ? s->buyer : "");
		if (!s->dated) {
			sb_puts(out, ": shared_on is not a date\n");
			continue;
		}
		sb_printf(out, ": %s (shared_on %s, %ld day%s ago; %s distributes within %u days, by %s)\n",
			  share_health_name(s->health), s->shared_on, s->days, s->days == 1 ? "" : "s",
			  r->destination, r->share_days, s->due);
	}
	sb_putc(out, '\n');
}

void status_render_text(const struct status_report *r, struct strbuf *out)
{
	sb_puts(out, "Status at ");
	put_time(out, r->now);
	sb_printf(out,
		  " (profile %s; %s). %s drops IDs not refreshed within %u days; a new segment "
		  "arrives within %u days.\n\n",
		  r->profile, r->backend ? r->backend : "?", r->destination, r->limits.ttl_days,
		  r->limits.first_delivery_days);
	for (size_t i = 0; i < r->n_accounts; i++) {
		const struct status_account *a = &r->accounts[i];
		put_account_line(a, out);
		for (size_t k = 0; k < a->n_segments; k++)
			put_segment_line(r, &a->segments[k], out);
		sb_putc(out, '\n');
	}
	put_shares_text(r, out);
	const struct status_counts *n = &r->counts;
	sb_printf(
	    out,
	    "Summary: %zu account%s (%zu out of sync, %zu ended); %zu segment%s: %zu delivered, %zu pending, "
	    "%zu stale, %zu failed, %zu unknown, %zu not distributed",
	    n->accounts, n->accounts == 1 ? "" : "s", n->accounts_out_of_sync, n->accounts_ended, n->segments,
	    n->segments == 1 ? "" : "s", n->health[HEALTH_DELIVERED], n->health[HEALTH_PENDING],
	    n->health[HEALTH_STALE], n->health[HEALTH_FAILED], n->health[HEALTH_UNKNOWN], n->not_distributed);
	if (r->n_shares)
		sb_printf(out, "; shares: %zu pending, %zu overdue", n->shares_pending, n->shares_overdue);
	sb_puts(out, ".\n");
	if (n->undeclared)
		sb_printf(out, "%zu account%s in LiveRamp %s not in the configuration (not shown).\n",
			  n->undeclared, n->undeclared == 1 ? "" : "s", n->undeclared == 1 ? "is" : "are");
	if (n->health[HEALTH_STALE])
		sb_printf(out,
			  "Stale segments have expired at %s: their members are gone there until LiveRamp "
			  "delivers them again.\n",
			  r->destination);
}

/* ---- JSON --------------------------------------------------------------------- */

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jtime(long long t)
{
	char buf[32];
	timestamp_format(t, buf);
	return json_string(buf);
}

static json_t *delivery_json(const struct delivery *d)
{
	if (!d)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "id", jstr(d->id));
	json_object_set_new(o, "status", json_string(delivery_status_name(d->status)));
	json_object_set_new(o, "updated_at", jstr(d->updated_at));
	json_object_set_new(o, "record_count",
			    d->record_count >= 0 ? json_integer(d->record_count) : json_null());
	json_object_set_new(o, "device_type", jstr(d->device_type));
	return o;
}

static json_t *segment_json(const struct status_segment *g)
{
	const struct segment_health *h = &g->h;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(g->id));
	json_object_set_new(o, "name", jstr(g->name));
	json_object_set_new(o, "sync", json_string(sync_name(g->sync)));
	json_object_set_new(o, "distributed", json_boolean(g->distributed));
	json_object_set_new(o, "health", g->distributed ? json_string(health_name(h->health)) : json_null());
	json_object_set_new(o, "reason",
			    h->why == WHY_LAST_FAILED		  ? json_string("last_delivery_failed")
			    : h->why == WHY_NOT_DELIVERED_IN_TIME ? json_string("not_delivered_in_time")
								  : json_null());
	json_object_set_new(o, "last_delivery", delivery_json(h->last));
	json_object_set_new(o, "last_delivered_at",
			    h->last_delivered ? jstr(h->last_delivered->updated_at) : json_null());
	json_object_set_new(o, "expires_at", h->last_delivered ? jtime(h->expires) : json_null());
	json_object_set_new(o, "added_at", h->added_known ? jtime(h->added) : json_null());
	json_object_set_new(o, "due_at", h->added_known && !h->last_delivered ? jtime(h->due) : json_null());
	return o;
}

static json_t *account_json(const struct status_account *a)
{
	json_t *o = json_object(), *segs = json_array();
	json_object_set_new(o, "name", jstr(a->name));
	json_object_set_new(o, "exists", json_boolean(a->exists));
	json_object_set_new(o, "in_sync", json_boolean(a->in_sync));
	json_object_set_new(o, "state", json_string(a->state));
	json_object_set_new(o, "ended", json_boolean(a->ended));
	json_object_set_new(o, "status", jstr(a->status));
	json_object_set_new(o, "expire_at", jstr(a->expire_at));
	json_object_set_new(o, "precision", jstr(a->precision));
	for (size_t i = 0; i < a->n_segments; i++)
		json_array_append_new(segs, segment_json(&a->segments[i]));
	json_object_set_new(o, "segments", segs);
	return o;
}

static json_t *share_json(const struct status_share *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "segment", jstr(s->segment));
	json_object_set_new(o, "buyer", jstr(s->buyer));
	json_object_set_new(o, "shared_on", jstr(s->shared_on));
	json_object_set_new(o, "seller_allowlisted", json_boolean(s->seller_allowlisted));
	json_object_set_new(o, "health", s->dated ? json_string(share_health_name(s->health)) : json_null());
	json_object_set_new(o, "due", s->dated ? json_string(s->due) : json_null());
	json_object_set_new(o, "days_since_shared", s->dated ? json_integer(s->days) : json_null());
	return o;
}

static json_t *counts_json(const struct status_counts *n)
{
	json_t *o = json_object();
	json_object_set_new(o, "accounts", json_integer((json_int_t)n->accounts));
	json_object_set_new(o, "accounts_out_of_sync", json_integer((json_int_t)n->accounts_out_of_sync));
	json_object_set_new(o, "accounts_ended", json_integer((json_int_t)n->accounts_ended));
	json_object_set_new(o, "accounts_undeclared", json_integer((json_int_t)n->undeclared));
	json_object_set_new(o, "segments", json_integer((json_int_t)n->segments));
	for (int h = HEALTH_UNKNOWN; h <= HEALTH_FAILED; h++)
		json_object_set_new(o, health_name((enum health)h), json_integer((json_int_t)n->health[h]));
	json_object_set_new(o, "not_distributed", json_integer((json_int_t)n->not_distributed));
	json_object_set_new(o, "shares_pending", json_integer((json_int_t)n->shares_pending));
	json_object_set_new(o, "shares_overdue", json_integer((json_int_t)n->shares_overdue));
	return o;
}

void status_render_json(const struct status_report *r, struct strbuf *out)
{
	json_t *o = json_object(), *accounts = json_array(), *shares = json_array();
	json_object_set_new(o, "format_version", json_integer(1));
	json_object_set_new(o, "tool",
			    json_pack("{s:s, s:s}", "name", RECONCILER_NAME, "version", RECONCILER_VERSION));
	json_object_set_new(o, "time", jtime(r->now));
	json_object_set_new(o, "profile", jstr(r->profile));
	json_object_set_new(o, "backend", jstr(r->backend));
	json_object_set_new(o, "limits",
			    json_pack("{s:i, s:i, s:i}", "ttl_days", (int)r->limits.ttl_days,
				      "first_delivery_days", (int)r->limits.first_delivery_days,
				      "marketplace_share_days", (int)r->share_days));
	json_object_set_new(o, "attention", json_boolean(status_needs_attention(r)));
	json_object_set_new(o, "summary", counts_json(&r->counts));
	for (size_t i = 0; i < r->n_accounts; i++)
		json_array_append_new(accounts, account_json(&r->accounts[i]));
	json_object_set_new(o, "accounts", accounts);
	for (size_t i = 0; i < r->n_shares; i++)
		json_array_append_new(shares, share_json(&r->shares[i]));
	json_object_set_new(o, "shares", shares);
	json_dump_sb(o, out);
	sb_putc(out, '\n');
	json_decref(o);
}
