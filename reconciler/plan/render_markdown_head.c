/*
 * The head of the Markdown comment (title, counts, source line,
 * diagnostics), and the short comment of a command that could not plan.
 * Same escaping promises as render_markdown.c (render_md.h).
 */
#include "plan/render.h"
#include "plan/render_md.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define DEFAULT_MAX MD_DEFAULT_MAX

/* "1,234" */
void md_put_count(struct strbuf *out, size_t n)
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%zu", n);
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			sb_putc(out, ',');
		sb_putc(out, digits[i]);
	}
}

/* ---- head: title, counts, diagnostics -------------------------------- */

void md_put_title(struct strbuf *out, const struct plan *p)
{
	sb_puts(out, "### Reconciler plan");
	if (p->profile) {
		sb_puts(out, " for ");
		md_text(out, p->profile);
	}
	sb_puts(out, "\n\n");
}

static void counts_row(struct strbuf *out, const char *label, const struct plan_summary *s)
{
	if (label)
		sb_printf(out, "| %s ", label);
	sb_printf(out, "| %zu | %zu | %zu | %zu | %zu | %zu | %zu |\n", s->accounts_create,
		  s->accounts_update, s->accounts_rename, s->accounts_delete, s->segments_add,
		  s->segments_remove, s->refused);
}

/* The summary of the changes of one origin (ORIGIN_UNSET counts as the
 * pull request's, as the sections do). */
static struct plan_summary summary_of(const struct plan *p, enum change_origin origin)
{
	struct plan counted = *p; /* plan_summarize only writes summary */
	struct change *v = xcalloc(p->n_changes + 1, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < p->n_changes; i++) {
		enum change_origin o = p->changes[i].origin == ORIGIN_DRIFT ? ORIGIN_DRIFT : ORIGIN_CHANGE;
		if (o == origin)
			v[n++] = p->changes[i];
	}
	counted.changes = v;
	counted.n_changes = n;
	plan_summarize(&counted);
	free(v);
	return counted.summary;
}

void md_put_counts(struct strbuf *out, const struct plan *p)
{
	struct plan counted = *p;
	plan_summarize(&counted);
	if (!plan_has_origins(p)) {
		sb_puts(
		    out,
		    "| Accounts to create | to update | to rename | to delete | Segments to add | to remove "
		    "| Refused |\n|---:|---:|---:|---:|---:|---:|---:|\n");
		counts_row(out, NULL, &counted.summary);
		sb_putc(out, '\n');
		return;
	}
	/* A reviewer's first question: what does this pull request change,
	 * and what was already different before it? */
	sb_puts(out,
		"| | Accounts to create | to update | to rename | to delete | Segments to add | to remove "
		"| Refused |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
	struct plan_summary mine = summary_of(p, ORIGIN_CHANGE), drift = summary_of(p, ORIGIN_DRIFT);
	counts_row(out, "**This pull request**", &mine);
	counts_row(out, "Drift", &drift);
	counts_row(out, "Total", &counted.summary);
	sb_putc(out, '\n');
}

/* s with every run of 40 hexadecimal digits (a full commit id) cut to 12:
 * two full ids make the source line wrap. */
static void short_commits(struct strbuf *out, const char *s)
{
	struct strbuf tmp = STRBUF_INIT;
	for (size_t i = 0; s[i];) {
		size_t n = strspn(s + i, "0123456789abcdef");
		if (n == 40 && (i == 0 || !strchr("0123456789abcdef", s[i - 1]))) {
			sb_add(&tmp, s + i, 12);
			i += n;
		} else if (n) {
			sb_add(&tmp, s + i, n);
			i += n;
		} else {
			sb_putc(&tmp, s[i++]);
		}
	}
	md_text(out, tmp.buf ? tmp.buf : "");
	sb_release(&tmp);
}

static bool is_hex(const char *s)
{
	if (!s[0])
		return false;
	for (; *s; s++)
		if (!strchr("0123456789abcdef", *s))
			return false;
	return true;
}

void md_put_meta(struct strbuf *out, const struct plan *p)
{
	const char *sep = "";
	if (p->source) {
		sb_puts(out, "Source: ");
		short_commits(out, p->source);
		sep = " \xC2\xB7 ";
	}
	if (p->backend) {
		sb_printf(out, "%sBackend: ", sep);
		md_text(out, p->backend);
		sep = " \xC2\xB7 ";
	}
	if (is_hex(p->fingerprint))
		sb_printf(out, "%sActual state: `%.12s`", sep, p->fingerprint);
	sb_printf(out, "%sPrune: %s\n\n",
		  p->source || p->backend || is_hex(p->fingerprint) ? " \xC2\xB7 " : "",
		  p->prune ? "on" : "off");
}

static void diag_line(struct strbuf *out, const struct diag *g)
{
	sb_printf(out, "- **%s** ", diag_severity_name(g->severity));
	md_text(out, g->rule);
	if (g->file) {
		sb_puts(out, " at ");
		md_text(out, g->file);
		if (g->line)
			sb_printf(out, ":%u:%u", g->line, g->col);
	}
	sb_puts(out, ": ");
	md_text(out, g->message);
	if (g->hint) {
		sb_puts(out, " (hint: ");
		md_text(out, g->hint);
		sb_putc(out, ')');
	}
	sb_putc(out, '\n');
}

/* Diagnostics as a list, as many as fit in `room` bytes. */
void md_put_diags(struct strbuf *out, const struct diags *d, size_t room)
{
	if (d->n == 0)
		return;
	struct strbuf line = STRBUF_INIT;
	size_t start = out->len, shown = 0;
	sb_puts(out, "**Diagnostics**\n\n");
	for (; shown < d->n; shown++) {
		sb_reset(&line);
		diag_line(&line, &d->v[shown]);
		if (out->len - start + line.len > room)
			break;
		sb_add(out, line.buf, line.len);
	}
	if (shown < d->n || d->dropped)
		sb_printf(out, "- %zu more diagnostic%s not shown.\n", d->n - shown + d->dropped,
			  d->n - shown + d->dropped == 1 ? " is" : "s are");
	sb_putc(out, '\n');
	sb_release(&line);
}

void plan_render_markdown_failure(const struct diags *d, const char *failure, const struct render_options *o,
				  struct strbuf *out)
{
	size_t max = o->max_bytes ? o->max_bytes : DEFAULT_MAX;
	struct strbuf doc = STRBUF_INIT;
	sb_puts(&doc, "### Reconciler plan: ");
	md_text(&doc, failure);
	sb_printf(&doc, "\n\n**Nothing was planned**: %zu error%s, %zu warning%s.\n\n", d->errors,
		  d->errors == 1 ? "" : "s", d->warnings, d->warnings == 1 ? "" : "s");
	md_put_diags(&doc, d, doc.len + 64 < max ? max - doc.len - 64 : 0);
	md_add_capped(out, &doc, max);
	sb_release(&doc);
}

bool render_url_ok(const char *url)
{
	if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
		return false;
	size_t n = strlen(url);
	if (n > 2000 || n < 9)
		return false;
	for (const unsigned char *c = (const unsigned char *)url; *c; c++)
		if (*c <= 0x20 || *c >= 0x7f || strchr("\"'<>()[]`\\{}|^", *c))
			return false;
	return true;
}
