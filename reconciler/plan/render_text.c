/*
 * The text rendering of a plan, for terminals and CI logs, shaped like
 * Terraform's: one block per account, a symbol per line (+ create/add,
 * ~ update, - delete/remove, ! refused), a summary line last.
 *
 * Also the grouping of changes by account that the Markdown renderer
 * shares (declared in render.h).
 */
#include "plan/render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/hmap.h"
#include "util/xalloc.h"

/* ---- grouping -------------------------------------------------------- */

bool plan_has_origins(const struct plan *p)
{
	for (size_t i = 0; i < p->n_changes; i++)
		if (p->changes[i].origin != ORIGIN_UNSET)
			return true;
	return false;
}

static bool in_section(const struct change *c, bool pr_mode, enum change_origin section)
{
	if (!pr_mode)
		return true;
	enum change_origin o = c->origin == ORIGIN_UNSET ? ORIGIN_CHANGE : c->origin;
	return o == section;
}

/* Two passes, like a counting sort: the first finds the groups and their
 * sizes (a hash map from account name to group), the second places each
 * change in its group's slice of one array. O(n), two allocations. */
void render_groups_build(struct render_groups *g, const struct plan *p, bool pr_mode,
			 enum change_origin section)
{
	memset(g, 0, sizeof(*g));
	struct hmap index = HMAP_INIT;
	size_t cap = 0, *group_of = xcalloc(p->n_changes + 1, sizeof(*group_of));
	for (size_t i = 0; i < p->n_changes; i++) {
		const struct change *c = &p->changes[i];
		if (!in_section(c, pr_mode, section))
			continue;
		const char *key = c->account ? c->account : "";
		uintptr_t k = (uintptr_t)hmap_get(&index, key);
		if (!k) {
			XGROW(g->v, cap, g->n + 1);
			memset(&g->v[g->n], 0, sizeof(g->v[g->n]));
			k = ++g->n;
			hmap_put(&index, key, (void *)k, NULL);
		}
		struct render_group *grp = &g->v[k - 1];
		grp->n_items++;
		if (c->kind == KIND_ACCOUNT && !grp->head)
			grp->head = c;
		if (!grp->precision && c->precision)
			grp->precision = c->precision;
		if (c->action == CHANGE_ADD)
			grp->n_add++;
		else if (c->action == CHANGE_REMOVE)
			grp->n_remove++;
		group_of[i] = k;
	}
	hmap_free(&index);
	g->all = xcalloc(p->n_changes + 1, sizeof(*g->all));
	size_t off = 0;
	for (size_t k = 0; k < g->n; k++) {
		g->v[k].items = g->all + off;
		off += g->v[k].n_items;
		g->v[k].n_items = 0;
	}
	for (size_t i = 0; i < p->n_changes; i++) {
		if (group_of[i]) {
			struct render_group *grp = &g->v[group_of[i] - 1];
			grp->items[grp->n_items++] = &p->changes[i];
		}
	}
	free(group_of);
}

void render_groups_free(struct render_groups *g)
{
	free(g->v);
	free(g->all);
	memset(g, 0, sizeof(*g));
}

/* ---- text ------------------------------------------------------------ */

#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define RED "\033[31m"
#define BOLD_RED "\033[1;31m"
#define DIM "\033[2m"
#define RESET "\033[0m"

/* A string from a config or a backend, with control characters escaped so
 * that nothing in a name can move the cursor or recolour a terminal. */
static void put_plain(struct strbuf *out, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '\n')
			sb_puts(out, "\\n");
		else if (*c == '\t')
			sb_puts(out, "\\t");
		else if (*c < 0x20 || *c == 0x7f)
			sb_printf(out, "\\x%02x", *c);
		else
			sb_putc(out, (char)*c);
	}
}

static void put_quoted(struct strbuf *out, const char *s)
{
	sb_json_str(out, s ? s : "");
}

static void put_value(struct strbuf *out, const struct value *v)
{
	if (v->is_list) {
		sb_putc(out, '[');
		for (size_t i = 0; i < v->n_items; i++) {
			if (i)
				sb_puts(out, ", ");
			put_plain(out, v->items[i] ? v->items[i] : "");
		}
		sb_putc(out, ']');
	} else if (v->str) {
		put_quoted(out, v->str);
	} else {
		sb_puts(out, "null");
	}
}

static void put_sign(struct strbuf *out, const struct render_options *o, char sign)
{
	const char *color = sign == '+' ? GREEN : sign == '~' ? YELLOW : sign == '-' ? RED : BOLD_RED;
	if (o->color)
		sb_printf(out, "%s%c%s", color, sign, RESET);
	else
		sb_putc(out, sign);
}

char render_change_sign(const struct change *c)
{
	if (c->refused)
		return '!';
	switch (c->action) {
	case CHANGE_CREATE:
	case CHANGE_ADD: return '+';
	case CHANGE_DELETE:
	case CHANGE_REMOVE: return '-';
	default: return '~';
	}
}

static void put_note(struct strbuf *out, const struct render_options *o, const char *rule, const char *text)
{
	if (!rule && !text)
		return;
	sb_puts(out, "          ");
	if (o->color)
		sb_puts(out, DIM);
	sb_puts(out, "# ");
	if (rule) {
		sb_putc(out, '[');
		put_plain(out, rule);
		sb_puts(out, text ? "] " : "]");
	}
	if (text)
		put_plain(out, text);
	if (o->color)
		sb_puts(out, RESET);
	sb_putc(out, '\n');
}

static void put_header(struct strbuf *out, const struct render_options *o, const struct render_group *g)
{
	const struct change *h = g->head;
	const char *name = g->items[0]->account;
	sb_puts(out, "  ");
	put_sign(out, o, h ? render_change_sign(h) : '~');
	sb_puts(out, " account ");
	if (h && h->action == CHANGE_RENAME) {
		put_quoted(out, h->account_before);
		sb_puts(out, " \xE2\x86\x92 ");
		put_quoted(out, name);
		sb_puts(out, " (rename)");
	} else {
		put_quoted(out, name);
	}
	if (h && h->refused) {
		sb_puts(out, h->action == CHANGE_DELETE ? ": not deleted: " : ": not changed: ");
		put_plain(out, h->refusal ? h->refusal : "refused");
	}
	sb_putc(out, '\n');
}

static void put_fields(struct strbuf *out, const struct render_options *o, const struct change *c)
{
	for (size_t i = 0; i < c->n_fields; i++) {
		const struct field_change *f = &c->fields[i];
		/* The header line already shows a rename's names. */
		if (c->action == CHANGE_RENAME && strcmp(f->field, "name") == 0)
			continue;
		sb_puts(out, "      ");
		if (c->action == CHANGE_CREATE) {
			put_sign(out, o, '+');
			sb_printf(out, " %s = ", f->field);
			put_value(out, &f->after);
		} else {
			put_sign(out, o, '~');
			sb_printf(out, " %s: ", f->field);
			put_value(out, &f->before);
			sb_puts(out, " \xE2\x86\x92 ");
			put_value(out, &f->after);
		}
		sb_putc(out, '\n');
	}
}

static void put_item(struct strbuf *out, const struct render_options *o, const struct change *c,
		     const struct change *head)
{
	if (c == head) {
		put_fields(out, o, c);
		put_note(out, o, c->rule, c->reason);
		return;
	}
	sb_puts(out, "      ");
	put_sign(out, o, render_change_sign(c));
	if (c->kind == KIND_SEGMENT) {
		sb_puts(out, " segment ");
		put_plain(out, c->segment ? c->segment : "?");
		if (c->segment_name) {
			sb_putc(out, ' ');
			put_quoted(out, c->segment_name);
		}
	} else {
		/* A second account-level change in one group only comes from a
		 * hand-made plan file; show it rather than hide it. */
		sb_printf(out, " %s account", change_action_name(c->action));
	}
	sb_putc(out, '\n');
	if (c->kind == KIND_ACCOUNT)
		put_fields(out, o, c);
	put_note(out, o, c->rule, c->reason);
	if (c->refused && c != head)
		put_note(out, o, NULL, c->refusal);
}

static void put_group(struct strbuf *out, const struct render_options *o, const struct render_group *g)
{
	put_header(out, o, g);
	if (g->precision) {
		sb_puts(out, "        precision ");
		put_quoted(out, g->precision);
		sb_puts(out, " (set by LiveRamp support: shown, never sent)\n");
	}
	for (size_t i = 0; i < g->n_items; i++)
		put_item(out, o, g->items[i], g->head);
	sb_putc(out, '\n');
}

static void put_section(struct strbuf *out, const struct render_options *o, const struct plan *p,
			bool pr_mode, enum change_origin section, bool refused_only)
{
	struct render_groups g;
	render_groups_build(&g, p, pr_mode, section);
	if (pr_mode && g.n && !refused_only)
		sb_printf(out, "%s\n\n", section == ORIGIN_DRIFT ? RENDER_PR_DRIFT : RENDER_PR_CHANGES);
	for (size_t i = 0; i < g.n; i++)
		if (!refused_only || (g.v[i].head && g.v[i].head->refused))
			put_group(out, o, &g.v[i]);
	render_groups_free(&g);
}

/* Shares are not changes: no API call exists for them, so the plan lists
 * the steps a person takes (plan/shares.h). */
static void put_shares(struct strbuf *out, const struct render_options *o, const struct plan *p)
{
	if (!p->n_shares)
		return;
	sb_puts(out, "Data Marketplace shares to do by hand (no API call exists for them; apply does "
		     "nothing with them):\n\n");
	for (size_t i = 0; i < p->n_shares; i++) {
		const struct plan_share *e = &p->shares[i];
		sb_puts(out, "  * share segment ");
		put_quoted(out, e->segment);
		sb_puts(out, " with buyer ");
		put_quoted(out, e->buyer);
		sb_puts(out, " (shared_on ");
		put_plain(out, e->shared_on);
		sb_puts(out, "; distributed by ");
		put_plain(out, e->due);
		sb_puts(out, ")\n");
		for (size_t k = 0; k < e->n_steps; k++) {
			sb_printf(out, "      %zu. ", k + 1);
			put_plain(out, e->steps[k]);
			sb_putc(out, '\n');
		}
		put_note(out, o, NULL,
			 e->seller_allowlisted
			     ? "seller_allowlisted: true: the one-time seller allowlisting is done"
			     : "seller_allowlisted: false: the one-time seller allowlisting is still "
			       "to do");
		sb_putc(out, '\n');
	}
}

void render_put_counts(struct strbuf *out, const struct plan_summary *s)
{
	sb_printf(out,
		  "Plan: %zu to create, %zu to update, %zu to rename, %zu to delete; "
		  "%zu segment%s to add, %zu to remove",
		  s->accounts_create, s->accounts_update, s->accounts_rename, s->accounts_delete,
		  s->segments_add, s->segments_add == 1 ? "" : "s", s->segments_remove);
	if (s->refused)
		sb_printf(out, ", %zu refused", s->refused);
}

static void put_summary(struct strbuf *out, const struct plan *p)
{
	struct plan counted = *p; /* plan_summarize only writes summary */
	plan_summarize(&counted);
	const struct plan_summary *s = &counted.summary;
	render_put_counts(out, s);
	if (s->shares_manual)
		sb_printf(out, "; %zu Data Marketplace share%s to do by hand", s->shares_manual,
			  s->shares_manual == 1 ? "" : "s");
	sb_puts(out, ".\n");
}

void plan_render_text(const struct plan *p, const struct render_options *o, struct strbuf *out)
{
	bool pr_mode = plan_has_origins(p);
	if (!plan_has_changes(p)) {
		sb_puts(out, "No changes. Actual state matches the configuration.\n");
		if (p->n_changes || p->n_shares)
			sb_putc(out, '\n');
		if (p->n_changes)
			put_section(out, o, p, false, ORIGIN_UNSET, true);
		put_shares(out, o, p);
		return;
	}
	sb_puts(out, "reconciler will perform the following actions");
	if (p->profile || p->source || p->backend) {
		sb_puts(out, " (");
		if (p->profile) {
			sb_puts(out, "profile ");
			put_plain(out, p->profile);
			sb_puts(out, p->source || p->backend ? "; " : "");
		}
		if (p->source)
			put_plain(out, p->source);
		if (p->source && p->backend)
			sb_puts(out, " \xE2\x86\x92 ");
		if (p->backend)
			put_plain(out, p->backend);
		sb_putc(out, ')');
	}
	sb_puts(out, ":\n\n");
	if (pr_mode) {
		put_section(out, o, p, true, ORIGIN_CHANGE, false);
		put_section(out, o, p, true, ORIGIN_DRIFT, false);
	} else {
		put_section(out, o, p, false, ORIGIN_UNSET, false);
	}
	put_shares(out, o, p);
	put_summary(out, p);
}
