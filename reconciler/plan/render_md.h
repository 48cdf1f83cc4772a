/*
 * Shared by the Markdown renderers (plan/render_markdown*.c and the status
 * report's): escaping for each context, and the pieces of the plan's head.
 */
#ifndef RECONCILER_PLAN_RENDER_MD_H
#define RECONCILER_PLAN_RENDER_MD_H

#include <stddef.h>

#include "plan/plan.h"
#include "util/diag.h"
#include "util/strbuf.h"

/* Text inside raw HTML (the <summary> line): HTML-escaped, newlines blank. */
void md_html_text(struct strbuf *out, const char *s);
/* Text in Markdown: also backslash-escaped, so it opens no markup. */
void md_text(struct strbuf *out, const char *s);
void md_value(struct strbuf *out, const struct value *v);
/* n with thousands separators: "1,234". */
void md_put_count(struct strbuf *out, size_t n);

void md_put_title(struct strbuf *out, const struct plan *p);
/* The counts table: one row, or in pull-request mode one row for the pull
 * request's changes, one for drift and the total. */
void md_put_counts(struct strbuf *out, const struct plan *p);
/* Source (commit ids shortened), backend, actual state, prune. */
void md_put_meta(struct strbuf *out, const struct plan *p);
/* Diagnostics as a list, as many as fit in room bytes. */
void md_put_diags(struct strbuf *out, const struct diags *d, size_t room);
/* Appends doc to out, cut to at most max bytes (never inside a UTF-8
 * character): the one cut of every Markdown renderer's max_bytes. */
void md_add_capped(struct strbuf *out, const struct strbuf *doc, size_t max);

#endif
