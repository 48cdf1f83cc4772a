/*
 * A plan as GitHub workflow annotations (`plan --format github`): GitHub
 * shows each one on the line of the pull request's diff that it names, and
 * all of them in the run's summary.
 *
 * Every string from a config or a backend goes through the workflow-command
 * escaping (render_diags.h), so a name cannot end an annotation early or
 * start another one.
 */
#include "plan/render.h"

#include <stdbool.h>
#include <string.h>

#include "plan/render_diags.h"

static const char *level_of(const struct change *c)
{
	if (c->refused || c->action == CHANGE_DELETE || c->action == CHANGE_REMOVE)
		return "warning";
	return "notice";
}

static void put_position(struct strbuf *out, const struct render_options *o, const struct pos *at)
{
	if (!at->file)
		return;
	sb_puts(out, "file=");
	diags_github_escape(out, diags_github_file(at->file, o->file_prefixes), true);
	if (at->line)
		sb_printf(out, ",line=%u,col=%u", at->line, at->col ? at->col : 1);
	sb_putc(out, ',');
}

static void put_value(struct strbuf *sb, const struct value *v)
{
	if (v->is_list) {
		sb_putc(sb, '[');
		for (size_t i = 0; i < v->n_items; i++)
			sb_printf(sb, "%s%s", i ? ", " : "", v->items[i] ? v->items[i] : "");
		sb_putc(sb, ']');
	} else if (v->str) {
		sb_printf(sb, "\"%s\"", v->str);
	} else {
		sb_puts(sb, "none");
	}
}

/* "add segment 1004 "Auto intenders" to account "Acme"" */
static void describe(struct strbuf *sb, const struct render_options *o, const struct change *c)
{
	const char *acct = c->account ? c->account : "";
	if (c->kind == KIND_SEGMENT) {
		sb_printf(sb, "%s segment %s", change_action_name(c->action), c->segment ? c->segment : "?");
		if (c->segment_name)
			sb_printf(sb, " \"%s\"", c->segment_name);
		sb_printf(sb, " %s account \"%s\"", c->action == CHANGE_ADD ? "to" : "from", acct);
	} else if (c->refused) {
		sb_printf(sb, "account \"%s\" is not %s: %s", acct,
			  c->action == CHANGE_DELETE ? "deleted" : "changed",
			  c->refusal ? c->refusal : "refused");
	} else if (c->action == CHANGE_RENAME) {
		sb_printf(sb, "rename account \"%s\" to \"%s\"", c->account_before ? c->account_before : "",
			  acct);
	} else {
		sb_printf(sb, "%s account \"%s\"", change_action_name(c->action), acct);
	}
	size_t k = 0;
	for (size_t i = 0; i < c->n_fields; i++) {
		const struct field_change *f = &c->fields[i];
		if (c->action == CHANGE_RENAME && strcmp(f->field, "name") == 0)
			continue;
		sb_printf(sb, "%s%s", k++ ? ", " : "; ", f->field);
		if (c->action != CHANGE_CREATE) {
			sb_puts(sb, " ");
			put_value(sb, &f->before);
			sb_puts(sb, " \xE2\x86\x92");
		}
		sb_puts(sb, " ");
		put_value(sb, &f->after);
	}
	if (c->precision)
		sb_printf(sb, "; precision \"%s\" (shown, never sent)", c->precision);
	if (c->origin == ORIGIN_CHANGE)
		sb_puts(sb, " (this pull request)");
	else if (c->origin == ORIGIN_DRIFT)
		sb_puts(sb, " (drift: actual state differs from the base branch)");
	/* The segment's own line is gone from the pull request's files, and
	 * GitHub can only annotate those: say where this points instead. */
	if (c->at_account && c->at.file) {
		sb_puts(sb,
			" (shown on the account's line: the configuration no longer declares the segment");
		if (c->at_base.file)
			sb_printf(sb, "; the base branch declares it at %s:%u",
				  diags_github_file(c->at_base.file, o->file_prefixes), c->at_base.line);
		sb_putc(sb, ')');
	}
	if (c->reason)
		sb_printf(sb, ". %s", c->reason);
}

static void put_change(struct strbuf *out, const struct render_options *o, const struct change *c)
{
	struct strbuf msg = STRBUF_INIT, title = STRBUF_INIT;
	describe(&msg, o, c);
	sb_printf(&title, "reconciler: %s %s", c->refused ? "refused" : change_action_name(c->action),
		  change_kind_name(c->kind));
	sb_printf(out, "::%s ", level_of(c));
	put_position(out, o, &c->at);
	sb_puts(out, "title=");
	diags_github_escape(out, title.buf, true);
	sb_puts(out, "::");
	diags_github_escape(out, msg.buf, false);
	sb_putc(out, '\n');
	sb_release(&msg);
	sb_release(&title);
}

/* GitHub shows at most 10 annotations of each type per step (and 50 per
 * job), dropping the rest silently in the order they came: the summary
 * goes first, then the most severe, and one notice counts what is left. */
#define GH_PER_TYPE 10

enum { T_ERROR, T_WARNING, T_NOTICE, N_TYPES };

struct gh_budget {
	size_t left[N_TYPES];
	size_t hidden;
};

static bool take(struct gh_budget *b, int type)
{
	if (b->left[type] == 0) {
		b->hidden++;
		return false;
	}
	b->left[type]--;
	return true;
}

static int diag_type(const struct diag *g)
{
	return g->severity == DIAG_ERROR ? T_ERROR : g->severity == DIAG_WARNING ? T_WARNING : T_NOTICE;
}

static void put_diags_of(struct strbuf *out, const struct render_options *o, const struct diags *d, int type,
			 struct gh_budget *b)
{
	for (size_t i = 0; i < d->n; i++) {
		if (diag_type(&d->v[i]) != type || !take(b, type))
			continue;
		struct diags one = { .v = &d->v[i], .n = 1 };
		diags_render_github_in(&one, o->file_prefixes, out);
	}
}

/* Changes of one type, the weightiest first: refusals, deletions, removals,
 * then the rest in plan order. */
static void put_changes_of(struct strbuf *out, const struct render_options *o, const struct plan *p, int type,
			   struct gh_budget *b)
{
	for (int pass = 0; pass < 4; pass++) {
		for (size_t i = 0; i < p->n_changes; i++) {
			const struct change *c = &p->changes[i];
			int rank = c->refused			? 0
				   : c->action == CHANGE_DELETE ? 1
				   : c->action == CHANGE_REMOVE ? 2
								: 3;
			int t = strcmp(level_of(c), "warning") == 0 ? T_WARNING : T_NOTICE;
			if (rank != pass || t != type || !take(b, type))
				continue;
			put_change(out, o, c);
		}
	}
}

static void put_summary(struct strbuf *out, const struct plan *p)
{
	struct plan counted = *p; /* plan_summarize only writes summary */
	plan_summarize(&counted);
	const struct plan_summary *s = &counted.summary;
	if (!plan_has_changes(p)) {
		sb_puts(out, "::notice title=reconciler plan::No changes. Actual state matches the "
			     "configuration.\n");
		return;
	}
	sb_puts(out, "::notice title=reconciler plan::");
	render_put_counts(out, s);
	sb_puts(out, ".\n");
}

void plan_render_github(const struct plan *p, const struct render_options *o, struct strbuf *out)
{
	put_summary(out, p);
	size_t total = p->diags.n + p->n_changes;
	/* The summary is one notice; keep one for "N more" when some must go. */
	struct gh_budget b = { .left = { GH_PER_TYPE, GH_PER_TYPE, GH_PER_TYPE - 1 } };
	if (total > 3 * GH_PER_TYPE - 1)
		b.left[T_NOTICE]--;
	for (int type = T_ERROR; type < N_TYPES; type++) {
		put_diags_of(out, o, &p->diags, type, &b);
		put_changes_of(out, o, p, type, &b);
	}
	if (b.hidden)
		sb_printf(
		    out,
		    "::notice title=reconciler plan::%zu more annotation%s not shown (GitHub shows %d of "
		    "each type per step): the plan (artifact, or --format json) has every change.\n",
		    b.hidden, b.hidden == 1 ? " is" : "s are", GH_PER_TYPE);
}
