/*
 * The status report as one self-contained HTML page (status --format
 * html) for the people who look after delivery health: the totals first,
 * then per account its segments with their delivery state and the days
 * left of the destination's TTL drawn as bars, then the Data Marketplace
 * shares with their window. No script, no network: the styles are inline
 * and a Content-Security-Policy forbids fetching anything, so the file
 * reads the same opened from a CI artifact, a mail or a file share.
 *
 * Every string from the configuration or the backend is HTML-escaped
 * (bytes that are not UTF-8 become U+FFFD). Elements carry data-*
 * attributes (data-health, data-days-left) so that tools and tests can
 * read the page without scraping its words.
 */
#include <string.h>

#include "status/report.h"
#include "util/text.h"
#include "version.h"

static void esc(struct strbuf *out, const char *s)
{
	if (!s)
		return;
	size_t n = strlen(s), bad;
	while (n) {
		size_t good = utf8_valid(s, n, &bad) ? n : bad;
		for (size_t i = 0; i < good; i++) {
			switch (s[i]) {
			case '&': sb_puts(out, "&amp;"); break;
			case '<': sb_puts(out, "&lt;"); break;
			case '>': sb_puts(out, "&gt;"); break;
			case '"': sb_puts(out, "&quot;"); break;
			case '\'': sb_puts(out, "&#39;"); break;
			default: sb_putc(out, s[i]); break;
			}
		}
		if (good == n)
			break;
		sb_puts(out, "\xEF\xBF\xBD");
		s += good + 1;
		n -= good + 1;
	}
}

static void put_time(struct strbuf *out, long long t)
{
	char buf[32];
	timestamp_format(t, buf);
	sb_puts(out, buf);
}

static const char STYLE[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe "
    "UI',Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}"
    "main{max-width:1100px;margin:0 auto;padding:24px}"
    "h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:0}"
    ".sub{color:#5b6475;margin:0 0 18px}"
    ".banner{padding:12px 16px;border-radius:8px;font-weight:600;margin-bottom:18px}"
    ".banner.ok{background:#e3f5e8;color:#145c2c}.banner.attention{background:#fde8e6;color:#8a1c12}"
    "#totals{display:flex;flex-wrap:wrap;gap:10px;margin-bottom:24px}"
    ".total{background:#fff;border-radius:8px;padding:10px 14px;min-width:110px;box-shadow:0 1px 2px "
    "rgba(0,0,0,.08)}"
    ".total b{display:block;font-size:22px}.total span{color:#5b6475;font-size:13px}"
    ".total.bad b{color:#b3261e}.total.warn b{color:#9a6700}.total.good b{color:#1a7f37}"
    "section{background:#fff;border-radius:8px;padding:16px;margin-bottom:16px;box-shadow:0 1px 2px "
    "rgba(0,0,0,.08)}"
    ".acct-head{display:flex;justify-content:space-between;align-items:baseline;gap:12px;flex-wrap:wrap}"
    ".state{font-size:13px;color:#5b6475}"
    "table{border-collapse:collapse;width:100%;margin-top:10px}"
    "th,td{text-align:left;padding:6px 8px;border-top:1px solid #e6e8ec;vertical-align:middle;font-size:14px}"
    "th{color:#5b6475;font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.03em}"
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}"
    ".h-delivered{background:#dcf3e3;color:#145c2c}.h-pending{background:#fff1c7;color:#7a5200}"
    ".h-stale,.h-failed,.h-overdue{background:#fde0dd;color:#8a1c12}.h-unknown,.h-none{background:#eceef2;"
    "color:#4a5263}"
    ".bar{position:relative;width:220px;height:12px;border-radius:6px;background:#eceef2;overflow:hidden;"
    "display:inline-block;vertical-align:middle}"
    ".bar.expired{background:#f6c9c4}"
    ".bar i{position:absolute;left:0;top:0;bottom:0;border-radius:6px}"
    ".bar i.good{background:#2da44e}.bar i.warn{background:#d4a72c}.bar i.bad{background:#cf222e}.bar "
    "i.wait{background:#8c959f}"
    ".days{display:inline-block;margin-left:8px;font-size:13px;color:#5b6475;white-space:nowrap}"
    "footer{color:#5b6475;font-size:12px;margin-top:24px}";

static void total(struct strbuf *out, const char *id, const char *cls, size_t n, const char *label)
{
	sb_printf(
	    out, "<div class=\"total %s\" id=\"total-%s\" data-count=\"%zu\"><b>%zu</b><span>%s</span></div>",
	    n ? cls : "", id, n, n, label);
}

static void put_totals(const struct status_report *r, struct strbuf *out)
{
	const struct status_counts *n = &r->counts;
	bool attention = status_needs_attention(r);
	sb_printf(out, "<div class=\"banner %s\" id=\"verdict\" data-attention=\"%s\">%s</div>\n",
		  attention ? "attention" : "ok", attention ? "true" : "false",
		  attention ? "Needs attention: a segment is stale or failed, or a share is overdue."
			    : "Healthy: nothing stale, failed or overdue.");
	sb_puts(out, "<div id=\"totals\">");
	total(out, "accounts", "", n->accounts, "accounts");
	total(out, "out-of-sync", "warn", n->accounts_out_of_sync, "out of sync");
	total(out, "ended", "warn", n->accounts_ended, "ended");
	total(out, "delivered", "good", n->health[HEALTH_DELIVERED], "segments delivered");
	total(out, "pending", "warn", n->health[HEALTH_PENDING], "pending");
	total(out, "stale", "bad", n->health[HEALTH_STALE], "stale (expired)");
	total(out, "failed", "bad", n->health[HEALTH_FAILED], "failed");
	total(out, "unknown", "", n->health[HEALTH_UNKNOWN], "unknown");
	total(out, "not-distributed", "", n->not_distributed, "not distributed");
	if (r->n_shares) {
		total(out, "shares-pending", "warn", n->shares_pending, "shares pending");
		total(out, "shares-overdue", "bad", n->shares_overdue, "shares overdue");
	}
	sb_puts(out, "</div>\n");
}

/* The TTL bar: days left of ttl_days until the last delivery expires at
 * the destination; for pending segments, the days left of the first
 * delivery window. */
static void put_bar(const struct status_report *r, const struct status_segment *g, struct strbuf *out)
{
	const struct segment_health *h = &g->h;
	if (!g->distributed ||
	    (h->health != HEALTH_DELIVERED && h->health != HEALTH_STALE && h->health != HEALTH_PENDING)) {
		sb_puts(out, "<td>&#8211;</td>");
		return;
	}
	bool pending = h->health == HEALTH_PENDING;
	long long until = pending ? h->due : h->expires;
	unsigned span = pending ? r->limits.first_delivery_days : r->limits.ttl_days;
	long long left = days_floor(until - r->now);
	long long shown = left < 0 ? 0 : left > (long long)span ? (long long)span : left;
	unsigned pct = span ? (unsigned)(shown * 100 / span) : 0;
	const char *cls = pending ? "wait" : left < 0 ? "bad" : left <= 7 ? "warn" : "good";
	/* An expired bar is empty on a red track: nothing left there. */
	sb_printf(out,
		  "<td><span class=\"bar%s\" title=\"%lld of %u days left\"><i class=\"%s\" "
		  "style=\"width:%u%%\"></i></span>",
		  left < 0 && !pending ? " expired" : "", shown, span, cls, pct);
	if (pending)
		sb_printf(out,
			  "<span class=\"days\" data-days-left=\"%lld\">due within %lld day%s</span></td>",
			  left, shown, shown == 1 ? "" : "s");
	else if (left < 0)
		sb_printf(out,
			  "<span class=\"days\" data-days-left=\"%lld\">expired %lld day%s ago</span></td>",
			  left, -left, -left == 1 ? "" : "s");
	else
		sb_printf(out,
			  "<span class=\"days\" data-days-left=\"%lld\">%lld of %u days left</span></td>",
			  left, left, span);
}

static void put_segment_row(const struct status_report *r, const struct status_segment *g, struct strbuf *out)
{
	const char *health = g->distributed ? health_name(g->h.health) : "none";
	sb_printf(out, "<tr class=\"segment\" data-health=\"%s\"><td>", health);
	esc(out, g->id);
	sb_puts(out, "</td><td>");
	esc(out, g->name ? g->name : "");
	sb_printf(out, "</td><td>%s</td>",
		  g->sync == SYNC_TO_ADD      ? "to add"
		  : g->sync == SYNC_TO_REMOVE ? "to remove"
					      : "in sync");
	sb_printf(out, "<td><span class=\"badge h-%s\">%s</span></td><td>", health,
		  g->distributed ? health : "not distributed");
	const struct delivery *ld = g->h.last_delivered;
	if (g->distributed && ld) {
		esc(out, ld->updated_at);
		if (ld->record_count >= 0)
			sb_printf(out, " (%lld records)", ld->record_count);
	} else if (g->distributed && g->h.last) {
		sb_printf(out, "%s since ", delivery_status_name(g->h.last->status));
		esc(out, g->h.last->updated_at);
	}
	sb_puts(out, "</td>");
	put_bar(r, g, out);
	sb_puts(out, "</tr>\n");
}

static void put_account(const struct status_report *r, const struct status_account *a, struct strbuf *out)
{
	sb_printf(out, "<section class=\"account\" data-state=\"%s\"><div class=\"acct-head\"><h2>",
		  a->ended     ? "ended"
		  : a->in_sync ? "in_sync"
			       : "out_of_sync");
	esc(out, a->name ? a->name : "");
	sb_puts(out, "</h2><span class=\"state\">");
	if (a->ended)
		sb_puts(out, "ended at its end date (not reactivated)");
	else if (!a->exists)
		sb_puts(out, "not created yet");
	else
		sb_puts(out, a->in_sync ? "in sync" : "out of sync");
	if (a->exists) {
		sb_puts(out, " &#183; ");
		esc(out, a->status ? a->status : "?");
		sb_puts(out, " &#183; ");
		if (a->expire_at) {
			sb_puts(out, "ends ");
			esc(out, a->expire_at);
		} else {
			sb_puts(out, "no end date");
		}
	}
	/* Declared only, never sent: the page shows it as the other formats do. */
	if (a->precision) {
		sb_puts(out, " &#183; precision ");
		esc(out, a->precision);
		sb_puts(out, " (shown, never sent)");
	}
	sb_puts(out, "</span></div>\n");
	if (a->n_segments) {
		sb_printf(out,
			  "<table><thead><tr><th>Segment</th><th>Name</th><th>Sync</th><th>Delivery</th>"
			  "<th>Last delivered</th><th>TTL at %s (%u days)</th></tr></thead><tbody>\n",
			  r->destination, r->limits.ttl_days);
		for (size_t k = 0; k < a->n_segments; k++)
			put_segment_row(r, &a->segments[k], out);
		sb_puts(out, "</tbody></table>\n");
	}
	sb_puts(out, "</section>\n");
}

static void put_shares(const struct status_report *r, struct strbuf *out)
{
	if (!r->n_shares)
		return;
	sb_printf(out,
		  "<section id=\"shares\"><h2>Data Marketplace shares</h2>"
		  "<table><thead><tr><th>Segment</th><th>Buyer</th><th>Shared on</th><th>State</th>"
		  "<th>Window (%u days)</th></tr></thead><tbody>\n",
		  r->share_days);
	for (size_t i = 0; i < r->n_shares; i++) {
		const struct status_share *s = &r->shares[i];
		const char *state = !s->dated ? "unknown" : share_health_name(s->health);
		sb_printf(out, "<tr class=\"share\" data-health=\"%s\"><td>", state);
		esc(out, s->segment ? s->segment : "");
		sb_puts(out, "</td><td>");
		esc(out, s->buyer ? s->buyer : "");
		sb_puts(out, "</td><td>");
		esc(out, s->shared_on ? s->shared_on : "");
		sb_printf(out, "</td><td><span class=\"badge h-%s\">%s</span></td><td>", state,
			  !s->dated ? "not a date" : state);
		if (s->dated) {
			long used = s->days < 0			    ? 0
				    : s->days > (long)r->share_days ? (long)r->share_days
								    : s->days;
			unsigned pct = r->share_days ? (unsigned)(used * 100 / r->share_days) : 100;
			bool late = s->health == SHARE_OVERDUE;
			sb_printf(out, "<span class=\"bar\"><i class=\"%s\" style=\"width:%u%%\"></i></span>",
				  late ? "bad" : "wait", late ? 100 : pct);
			if (late)
				sb_printf(out,
					  "<span class=\"days\">%ld days since shared; was due by %s</span>",
					  s->days, s->due);
			else
				sb_printf(out, "<span class=\"days\">day %ld of %u, due by %s</span>", used,
					  r->share_days, s->due);
		}
		sb_puts(out, "</td></tr>\n");
	}
	sb_puts(out, "</tbody></table></section>\n");
}

void status_render_html(const struct status_report *r, struct strbuf *out)
{
	sb_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
		     "'unsafe-inline'\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width, "
		     "initial-scale=1\">\n<title>Delivery status: ");
	esc(out, r->destination);
	sb_puts(out, "</title>\n<style>");
	sb_puts(out, STYLE);
	sb_puts(out, "</style></head>\n<body><main>\n<h1>Delivery status: ");
	esc(out, r->destination);
	sb_puts(out, "</h1>\n<p class=\"sub\">At ");
	put_time(out, r->now);
	sb_puts(out, " &#183; profile ");
	esc(out, r->profile);
	sb_puts(out, " &#183; ");
	esc(out, r->backend ? r->backend : "?");
	sb_printf(
	    out,
	    " &#183; IDs not refreshed within %u days drop off; a new segment arrives within %u days.</p>\n",
	    r->limits.ttl_days, r->limits.first_delivery_days);
	put_totals(r, out);
	for (size_t i = 0; i < r->n_accounts; i++)
		put_account(r, &r->accounts[i], out);
	put_shares(r, out);
	if (r->counts.undeclared)
		sb_printf(out,
			  "<p class=\"sub\">%zu account%s in LiveRamp %s not in the configuration (not "
			  "shown).</p>\n",
			  r->counts.undeclared, r->counts.undeclared == 1 ? "" : "s",
			  r->counts.undeclared == 1 ? "is" : "are");
	sb_puts(out, "<footer>" RECONCILER_NAME " " RECONCILER_VERSION
		     " &#183; reconciler status --format html</footer>\n"
		     "</main></body></html>\n");
}
