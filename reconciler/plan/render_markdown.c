/*
 * The Markdown rendering of a plan, for a pull-request comment: a title,
 * the counts first, the diagnostics, then one collapsed <details> section
 * per account.
 *
 * Two promises matter here:
 *  - Injection: every string from a config, a backend or a plan file is
 *    escaped for its context. Inside <summary> (raw HTML, where GitHub does
 *    not render Markdown and a backslash would show) it is HTML-escaped;
 *    in Markdown text it is also backslash-escaped, so a name cannot open
 *    a link, emphasis, a heading or a table cell. Newlines become spaces.
 *  - Size: the output never exceeds max_bytes (default MD_DEFAULT_MAX:
 *    GitHub refuses comments over 65,536 characters, and MD_TEMPLATE_ROOM
 *    is left for what a CI template appends). Sections are appended whole
 *    while they fit, with room kept for the closing line; the account that
 *    does not fit is shown in part, and the accounts left out are named in
 *    a last line (as many as its budget holds, the rest counted) that
 *    points to the plan artifact (artifact_url) or the JSON plan. Only
 *    whole sections are appended, so tags always balance.
 */
#include "plan/render.h"
#include "plan/render_md.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define DEFAULT_MAX MD_DEFAULT_MAX
#define ARROW " \xE2\x86\x92 "

/* ---- account sections ------------------------------------------------ */

/* What a reviewer must not miss: an account deleted, or segments removed
 * (their members drop off at the destination). Such sections come first,
 * marked. */
static int weight_of(const struct render_group *g)
{
	if (g->head && !g->head->refused && g->head->action == CHANGE_DELETE)
		return 0;
	return g->n_remove ? 1 : 2;
}

/* The fields an update shows (a rename's new name is in its summary). */
static size_t shown_fields(const struct change *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n_fields; i++)
		n += !(c->action == CHANGE_RENAME && strcmp(c->fields[i].field, "name") == 0);
	return n;
}

static void html_value(struct strbuf *out, const struct value *v)
{
	if (v->is_list) {
		for (size_t i = 0; i < v->n_items; i++) {
			if (i)
				sb_puts(out, ", ");
			md_html_text(out, v->items[i]);
		}
		if (v->n_items == 0)
			sb_puts(out, "<i>none</i>");
	} else if (v->str) {
		md_html_text(out, v->str);
	} else {
		sb_puts(out, "<i>none</i>");
	}
}

/* A single-field update said in its summary line: "client_name: Acme →
 * Acme Inc", so that a reviewer need not open it. */
static void put_inline_field(struct strbuf *out, const struct change *h)
{
	if (!h || h->refused || (h->action != CHANGE_UPDATE && h->action != CHANGE_RENAME) ||
	    shown_fields(h) != 1)
		return;
	for (size_t i = 0; i < h->n_fields; i++) {
		const struct field_change *f = &h->fields[i];
		if (h->action == CHANGE_RENAME && strcmp(f->field, "name") == 0)
			continue;
		sb_puts(out, ": <code>");
		md_html_text(out, f->field);
		sb_puts(out, "</code> ");
		html_value(out, &f->before);
		sb_puts(out, ARROW);
		html_value(out, &f->after);
	}
}

static void put_summary_line(struct strbuf *out, const struct render_group *g)
{
	const struct change *h = g->head;
	const char *name = g->items[0]->account;
	sb_printf(out, "<details><summary>%s<b>%c</b> ", weight_of(g) < 2 ? "\xE2\x9A\xA0\xEF\xB8\x8F " : "",
		  h ? render_change_sign(h) : '~');
	if (h && h->refused) {
		sb_puts(out, "account ");
		md_html_text(out, name);
		sb_puts(out, h->action == CHANGE_DELETE ? " is not deleted" : " is not changed");
	} else if (h && h->action == CHANGE_RENAME) {
		sb_puts(out, "rename account ");
		md_html_text(out, h->account_before);
		sb_puts(out, ARROW);
		md_html_text(out, name);
	} else {
		sb_printf(out, "%s account ", h ? change_action_name(h->action) : "change");
		md_html_text(out, name);
	}
	put_inline_field(out, h);
	if (g->n_add || g->n_remove) {
		sb_puts(out, " (");
		if (g->n_add)
			sb_printf(out, "%zu segment%s to add", g->n_add, g->n_add == 1 ? "" : "s");
		if (g->n_add && g->n_remove)
			sb_puts(out, ", ");
		if (g->n_remove)
			sb_printf(out, "%zu segment%s to remove", g->n_remove, g->n_remove == 1 ? "" : "s");
		sb_putc(out, ')');
	}
	sb_puts(out, "</summary>\n\n");
}

static void put_note(struct strbuf *out, const char *rule, const char *text)
{
	if (!rule && !text)
		return;
	sb_puts(out, "  - *");
	if (rule) {
		md_text(out, rule);
		sb_puts(out, text ? ": " : "");
	}
	md_text(out, text);
	sb_puts(out, "*\n");
}

static void put_fields(struct strbuf *out, const struct change *c)
{
	for (size_t i = 0; i < c->n_fields; i++) {
		const struct field_change *f = &c->fields[i];
		if (c->action == CHANGE_RENAME && strcmp(f->field, "name") == 0)
			continue;
		if (c->action == CHANGE_CREATE) {
			sb_printf(out, "- `+ %s` ", f->field);
			md_value(out, &f->after);
		} else {
			sb_printf(out, "- `~ %s` ", f->field);
			md_value(out, &f->before);
			sb_puts(out, ARROW);
			md_value(out, &f->after);
		}
		sb_putc(out, '\n');
	}
}

/* One change of a group as list lines. The head's action is already in
 * the summary line; it gets a line of its own only when nothing else would
 * say it (a delete of an account without segments). */
static void put_item(struct strbuf *out, const struct change *c, const struct render_group *g,
		     const char *common_note)
{
	const struct change *head = g->head;
	if (c->kind == KIND_SEGMENT) {
		sb_printf(out, "- `%c segment` ", render_change_sign(c));
		md_text(out, c->segment ? c->segment : "?");
		if (c->segment_name) {
			sb_putc(out, ' ');
			md_text(out, c->segment_name);
		}
		sb_putc(out, '\n');
	} else if (c->refused) {
		sb_printf(out, "- `! not %s` ", c->action == CHANGE_DELETE ? "deleted" : "changed");
		md_text(out, c->refusal ? c->refusal : "refused");
		sb_putc(out, '\n');
	} else if (c != head || (c->n_fields == 0 && g->n_items == 1)) {
		sb_printf(out, "- `%c account` %s\n", render_change_sign(c), change_action_name(c->action));
	}
	if (c->kind == KIND_ACCOUNT)
		put_fields(out, c);
	/* The TTL sentence of every removal is said once, above the sections. */
	if (!(common_note && !c->rule && c->reason && strcmp(c->reason, common_note) == 0))
		put_note(out, c->rule, c->reason);
}

static const char CLOSE[] = "\n</details>\n\n";

/* Appends one section if it fits in room bytes. When only part of it
 * fits, the items that fit and a line counting the rest. Returns the number
 * of items left out, or (size_t)-1 when not even the frame fits (nothing
 * appended). */
static size_t put_group(struct strbuf *out, const struct render_group *g, size_t room,
			const char *common_note)
{
	struct strbuf sec = STRBUF_INIT, line = STRBUF_INIT;
	put_summary_line(&sec, g);
	if (g->precision) {
		sb_puts(&sec, "- `precision` ");
		md_text(&sec, g->precision);
		sb_puts(&sec, " *(set by LiveRamp support: shown, never sent)*\n");
	}
	/* Room for the close and for the "N more" line in the worst case. */
	const size_t reserve = sizeof(CLOSE) + 64;
	size_t shown = 0;
	for (; shown < g->n_items; shown++) {
		sb_reset(&line);
		put_item(&line, g->items[shown], g, common_note);
		if (sec.len + line.len + reserve > room)
			break;
		sb_add(&sec, line.buf, line.len);
	}
	size_t left = g->n_items - shown;
	if (left)
		sb_printf(&sec, "- %zu more change%s of this account %s not shown\n", left,
			  left == 1 ? "" : "s", left == 1 ? "is" : "are");
	sb_puts(&sec, CLOSE);
	if (sec.len > room || (left && shown == 0)) {
		left = (size_t)-1;
	} else {
		sb_add(out, sec.buf, sec.len);
	}
	sb_release(&sec);
	sb_release(&line);
	return left;
}

struct md_state {
	struct strbuf *out;
	size_t max;
	size_t reserve;		 /* for the footer */
	size_t not_shown;	 /* accounts left out */
	const char **names;	 /* their names, in the order shown */
	const char *common_note; /* the removals' TTL sentence, said once; or NULL */
	bool cut;
};

/* The last line of a cut comment: how many accounts are left out, their
 * names (while they fit in room bytes, the rest counted), and where the
 * whole plan is. */
static void footer(struct strbuf *out, const struct md_state *m, size_t room, const struct render_options *o)
{
	struct strbuf tail = STRBUF_INIT, name = STRBUF_INIT;
	sb_puts(&tail, ". The full plan is in the ");
	if (o->artifact_url) {
		/* render_options promises a URL of safe characters only */
		sb_printf(&tail, "[plan artifact](%s)", o->artifact_url);
	} else {
		sb_puts(&tail, "JSON plan");
		if (o->json_hint) {
			sb_puts(&tail, ": ");
			md_text(&tail, o->json_hint);
		} else {
			sb_puts(&tail, " (`reconciler plan --format json`)");
		}
	}
	sb_puts(&tail, ".\n");
	size_t start = out->len;
	if (m->not_shown) {
		sb_puts(out, "**");
		md_put_count(out, m->not_shown);
		sb_printf(out, " more account%s not shown**", m->not_shown == 1 ? " is" : "s are");
	} else {
		sb_puts(out, "**Some changes are not shown**");
	}
	sb_puts(out, " (a comment is limited to ");
	md_put_count(out, m->max);
	sb_puts(out, " bytes)");
	/* Room for ", and 1,234,567 more" after the last name that fits. */
	const size_t more = 32;
	size_t named = 0;
	for (; named < m->not_shown && m->names && m->names[named]; named++) {
		sb_reset(&name);
		sb_puts(&name, named ? ", " : ": ");
		md_text(&name, m->names[named]);
		if (out->len - start + name.len + more + tail.len > room)
			break;
		sb_add(out, name.buf, name.len);
	}
	if (named < m->not_shown && named) {
		sb_puts(out, ", and ");
		md_put_count(out, m->not_shown - named);
		sb_puts(out, " more");
	}
	sb_add(out, tail.buf, tail.len);
	sb_release(&tail);
	sb_release(&name);
}

static void put_groups(struct md_state *m, const struct plan *p, bool pr_mode, enum change_origin section,
		       const char *title, bool refused_only)
{
	struct render_groups g;
	render_groups_build(&g, p, pr_mode, section);
	/* Deletions first, then removals, then the rest; plan order within. */
	struct render_group *sorted = xcalloc(g.n + 1, sizeof(*sorted));
	size_t k = 0;
	for (int w = 0; w <= 2; w++)
		for (size_t j = 0; j < g.n; j++)
			if (weight_of(&g.v[j]) == w)
				sorted[k++] = g.v[j];
	if (g.n)
		memcpy(g.v, sorted, g.n * sizeof(*sorted));
	free(sorted);
	size_t i = 0;
	if (title && g.n && !m->cut) {
		size_t need = strlen(title) + 8;
		if (m->out->len + need + m->reserve <= m->max)
			sb_printf(m->out, "#### %s\n\n", title);
		else
			m->cut = true;
	}
	for (; i < g.n && !m->cut; i++) {
		if (refused_only && !(g.v[i].head && g.v[i].head->refused))
			continue;
		size_t room = m->max - m->reserve - m->out->len;
		size_t left = put_group(m->out, &g.v[i], room, m->common_note);
		if (left == (size_t)-1) {
			m->cut = true;
			break;
		}
		if (left) {
			m->cut = true;
			i++;
			break;
		}
	}
	if (m->cut)
		for (; i < g.n; i++)
			if (!refused_only || (g.v[i].head && g.v[i].head->refused))
				m->names[m->not_shown++] = g.v[i].items[0]->account;
	render_groups_free(&g);
}

/* Shares are not changes (plan/shares.h): the steps a person takes, after
 * the accounts, when they fit. */
static void put_shares(struct md_state *m, const struct plan *p)
{
	if (!p->n_shares || m->cut)
		return;
	struct strbuf sec = STRBUF_INIT;
	sb_puts(&sec, "#### Data Marketplace shares to do by hand\n\nNo API call exists for these; apply "
		      "does nothing with them.\n\n");
	for (size_t i = 0; i < p->n_shares; i++) {
		const struct plan_share *e = &p->shares[i];
		sb_puts(&sec, "- share segment ");
		md_text(&sec, e->segment);
		sb_puts(&sec, " with buyer ");
		md_text(&sec, e->buyer);
		sb_puts(&sec, " (shared\\_on ");
		md_text(&sec, e->shared_on);
		sb_puts(&sec, ", distributed by ");
		md_text(&sec, e->due);
		sb_puts(&sec, e->seller_allowlisted ? "; seller allowlisting done)\n"
						    : "; seller allowlisting still to do)\n");
		for (size_t k = 0; k < e->n_steps; k++) {
			sb_printf(&sec, "  %zu. ", k + 1);
			md_text(&sec, e->steps[k]);
			sb_putc(&sec, '\n');
		}
	}
	sb_putc(&sec, '\n');
	if (m->out->len + sec.len + m->reserve <= m->max)
		sb_add(m->out, sec.buf, sec.len);
	else
		m->cut = true;
	sb_release(&sec);
}

void plan_render_markdown(const struct plan *p, const struct render_options *o, struct strbuf *out)
{
	struct plan counted = *p; /* plan_summarize only writes summary */
	plan_summarize(&counted);
	size_t max = o->max_bytes ? o->max_bytes : DEFAULT_MAX;
	struct strbuf doc = STRBUF_INIT, foot = STRBUF_INIT;
	/* The footer's room: its frame with the largest count, and the names
	 * of the accounts left out up to a quarter of the comment (past that
	 * they are counted). */
	struct md_state m = { .out = &doc, .max = max };
	size_t names = 0;
	for (size_t i = 0; i < p->n_changes; i++)
		if (!i || strcmp(p->changes[i].account ? p->changes[i].account : "",
				 p->changes[i - 1].account ? p->changes[i - 1].account : "") != 0)
			names += 2 * strlen(p->changes[i].account ? p->changes[i].account : "") + 2;
	m.not_shown = p->n_changes;
	footer(&foot, &m, (size_t)-1, o);
	m.not_shown = 0;
	m.names = xcalloc(p->n_changes + 1, sizeof(*m.names));
	m.reserve = foot.len + 2 + (names < max / 4 ? names : max / 4);

	md_put_title(&doc, p);
	bool changes = plan_has_changes(p);
	if (changes)
		md_put_counts(&doc, p);
	else
		sb_puts(&doc, "**No changes.** Actual state matches the configuration.\n\n");
	md_put_meta(&doc, p);
	for (size_t i = 0; i < p->n_changes && !m.common_note; i++)
		if (p->changes[i].action == CHANGE_REMOVE && !p->changes[i].rule && p->changes[i].reason)
			m.common_note = p->changes[i].reason;
	if (m.common_note) {
		sb_puts(&doc, "> **Segment removals:** ");
		md_text(&doc, m.common_note);
		sb_puts(&doc, "\n\n");
	}
	size_t used = doc.len + m.reserve;
	/* Diagnostics may take half of what is left; accounts the rest. */
	md_put_diags(&doc, &p->diags, used < max ? (max - used) / 2 : 0);
	if (doc.len + m.reserve > max)
		m.cut = true;

	if (!changes)
		put_groups(&m, p, false, ORIGIN_UNSET, NULL, true);
	else if (plan_has_origins(p)) {
		put_groups(&m, p, true, ORIGIN_CHANGE, "Changes in this pull request", false);
		put_groups(&m, p, true, ORIGIN_DRIFT, "Drift (actual state differs from the base branch)",
			   false);
	} else {
		put_groups(&m, p, false, ORIGIN_UNSET, NULL, false);
	}
	put_shares(&m, p);
	if (m.cut) {
		sb_reset(&foot);
		footer(&foot, &m, max > doc.len ? max - doc.len : 0, o);
		sb_add(&doc, foot.buf, foot.len);
	}
	free(m.names);
	/* Only a max_bytes smaller than the title and counts is cut here. */
	md_add_capped(out, &doc, max);
	sb_release(&doc);
	sb_release(&foot);
}
