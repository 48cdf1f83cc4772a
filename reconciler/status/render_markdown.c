/*
 * The status report as Markdown (`status --format markdown`), for a CI job
 * summary or an issue: the summary first, then one collapsed section per
 * account with a table of its segments. Every string is escaped as in the
 * plan's Markdown (plan/render_md.h). The output fits in max_bytes (0:
 * MD_DEFAULT_MAX): accounts are appended whole while they fit, and a last
 * line names those left out (as many as fit, the rest counted).
 */
#include "status/report.h"

#include <string.h>

#include "plan/render.h"
#include "plan/render_md.h"
#include "util/text.h"

static void put_summary(const struct status_report *r, struct strbuf *out)
{
	const struct status_counts *n = &r->counts;
	sb_puts(out, "### Reconciler status");
	if (r->profile) {
		sb_puts(out, " for ");
		md_text(out, r->profile);
	}
	sb_puts(out, "\n\n| Accounts | out of sync | ended | Segments | delivered | pending | stale | failed "
		     "| unknown "
		     "| not distributed |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	sb_printf(out, "| %zu | %zu | %zu | %zu | %zu | %zu | %zu | %zu | %zu | %zu |\n\n", n->accounts,
		  n->accounts_out_of_sync, n->accounts_ended, n->segments, n->health[HEALTH_DELIVERED],
		  n->health[HEALTH_PENDING], n->health[HEALTH_STALE], n->health[HEALTH_FAILED],
		  n->health[HEALTH_UNKNOWN], n->not_distributed);
	char at[32];
	timestamp_format(r->now, at);
	sb_printf(out, "At %s \xC2\xB7 Backend: ", at);
	md_text(out, r->backend ? r->backend : "?");
	sb_puts(out, " \xC2\xB7 ");
	md_text(out, r->destination);
	sb_printf(out, " drops IDs not refreshed within %u days; a new segment arrives within %u days.\n\n",
		  r->limits.ttl_days, r->limits.first_delivery_days);
	if (n->shares_pending || n->shares_overdue)
		sb_printf(out, "Data Marketplace shares: %zu pending, %zu overdue.\n\n", n->shares_pending,
			  n->shares_overdue);
	if (n->undeclared)
		sb_printf(out, "%zu account%s in LiveRamp %s not in the configuration (not shown).\n\n",
			  n->undeclared, n->undeclared == 1 ? "" : "s", n->undeclared == 1 ? "is" : "are");
}

static const char *sync_text(enum segment_sync s)
{
	return s == SYNC_TO_ADD ? "to add" : s == SYNC_TO_REMOVE ? "to remove" : "in sync";
}

static void put_account(const struct status_account *a, struct strbuf *out)
{
	size_t attention = 0;
	for (size_t k = 0; k < a->n_segments; k++)
		attention += a->segments[k].distributed && (a->segments[k].h.health == HEALTH_STALE ||
							    a->segments[k].h.health == HEALTH_FAILED);
	sb_printf(out, "<details><summary>%s<b>", attention ? "\xE2\x9A\xA0\xEF\xB8\x8F " : "");
	md_html_text(out, a->name);
	sb_puts(out, "</b>: ");
	md_html_text(out, a->state);
	if (a->precision) {
		sb_puts(out, ", precision ");
		md_html_text(out, a->precision);
	}
	sb_printf(out, " (%zu segment%s", a->n_segments, a->n_segments == 1 ? "" : "s");
	if (attention)
		sb_printf(out, ", %zu stale or failed", attention);
	sb_puts(out, ")</summary>\n\n");
	if (a->n_segments)
		sb_puts(out, "| Segment | Name | Sync | Health | Last delivery |\n|---|---|---|---|---|\n");
	for (size_t k = 0; k < a->n_segments; k++) {
		const struct status_segment *g = &a->segments[k];
		sb_puts(out, "| ");
		md_text(out, g->id);
		sb_puts(out, " | ");
		md_text(out, g->name ? g->name : "");
		sb_printf(out, " | %s | %s | ", sync_text(g->sync),
			  g->distributed ? health_name(g->h.health) : "not distributed");
		if (g->distributed && g->h.last) {
			sb_puts(out, delivery_status_name(g->h.last->status));
			sb_putc(out, ' ');
			md_text(out, g->h.last->updated_at ? g->h.last->updated_at : "");
		}
		sb_puts(out, " |\n");
	}
	sb_puts(out, "\n</details>\n\n");
}

void status_render_markdown(const struct status_report *r, size_t max_bytes, struct strbuf *out)
{
	size_t max = max_bytes ? max_bytes : MD_DEFAULT_MAX;
	struct strbuf doc = STRBUF_INIT, sec = STRBUF_INIT, foot = STRBUF_INIT;
	put_summary(r, &doc);
	/* The last line's room: its frame and the names, up to a quarter. */
	const size_t reserve = 200 + max / 4;
	size_t i = 0;
	for (; i < r->n_accounts; i++) {
		sb_reset(&sec);
		put_account(&r->accounts[i], &sec);
		if (doc.len + sec.len + reserve > max)
			break;
		sb_add(&doc, sec.buf, sec.len);
	}
	if (i < r->n_accounts) {
		size_t left = r->n_accounts - i;
		sb_puts(&foot, "**");
		md_put_count(&foot, left);
		sb_printf(&foot, " more account%s not shown** (a comment is limited to ",
			  left == 1 ? " is" : "s are");
		md_put_count(&foot, max);
		sb_puts(&foot, " bytes)");
		size_t named = 0;
		struct strbuf name = STRBUF_INIT;
		for (; i + named < r->n_accounts; named++) {
			sb_reset(&name);
			sb_puts(&name, named ? ", " : ": ");
			md_text(&name, r->accounts[i + named].name);
			if (doc.len + foot.len + name.len + 64 > max)
				break;
			sb_add(&foot, name.buf, name.len);
		}
		sb_release(&name);
		if (named < left && named) {
			sb_puts(&foot, ", and ");
			md_put_count(&foot, left - named);
			sb_puts(&foot, " more");
		}
		sb_puts(&foot, ". `reconciler status --format json` has them all.\n");
		sb_add(&doc, foot.buf, foot.len);
	}
	md_add_capped(out, &doc, max); /* cut only by a max_bytes smaller than the summary */
	sb_release(&doc);
	sb_release(&sec);
	sb_release(&foot);
}
