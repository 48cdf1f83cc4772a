#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scrub.h"
#include "strbuf.h"
#include "xalloc.h"

void diag_add(struct diags *d, enum diag_severity sev, const char *rule, const struct pos *pos,
	      const char *hint, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, sev, rule, pos, hint, fmt, ap);
	va_end(ap);
}

void diag_vadd(struct diags *d, enum diag_severity sev, const char *rule, const struct pos *pos,
	       const char *hint, const char *fmt, va_list ap)
{
	if (sev == DIAG_ERROR)
		d->errors++;
	else if (sev == DIAG_WARNING)
		d->warnings++;
	if (d->n >= d->limit) {
		d->dropped++;
		return;
	}
	XGROW(d->v, d->cap, d->n + 1);
	struct diag *g = &d->v[d->n++];
	memset(g, 0, sizeof(*g));
	g->severity = sev;
	g->rule = xstrdup(rule);
	if (pos && pos->file) {
		g->file = xstrdup(pos->file);
		g->line = pos->line;
		g->col = pos->col;
	}
	struct strbuf sb = STRBUF_INIT;
	sb_vprintf(&sb, fmt, ap);
	g->message = sb_detach(&sb);
	g->hint = hint ? xstrdup(hint) : NULL;
	/* Before anything can print or cut them: whatever a message quotes
	 * (an API's echo, a file's text), no live secret leaves this way. */
	scrub_registered(g->message);
	scrub_registered(g->hint);
}

static int diag_cmp(const void *pa, const void *pb)
{
	const struct diag *a = pa, *b = pb;
	if (!a->file != !b->file)
		return a->file ? 1 : -1; /* positionless ones first */
	if (a->file && b->file) {
		int c = strcmp(a->file, b->file);
		if (c)
			return c;
	}
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

void diags_sort(struct diags *d)
{
	/* Insertion sort: stable, and diagnostics arrive nearly sorted. */
	for (size_t i = 1; i < d->n; i++) {
		struct diag tmp = d->v[i];
		size_t j = i;
		while (j > 0 && diag_cmp(&d->v[j - 1], &tmp) > 0) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = tmp;
	}
}

void diags_move(struct diags *dst, struct diags *src)
{
	for (size_t i = 0; i < src->n; i++) {
		if (dst->n >= dst->limit) {
			dst->dropped++;
			struct diag *g = &src->v[i];
			free(g->rule), free(g->file), free(g->message), free(g->hint);
			continue;
		}
		XGROW(dst->v, dst->cap, dst->n + 1);
		dst->v[dst->n++] = src->v[i];
	}
	dst->errors += src->errors;
	dst->warnings += src->warnings;
	dst->dropped += src->dropped;
	free(src->v);
	size_t limit = src->limit;
	memset(src, 0, sizeof(*src));
	src->limit = limit;
}

const char *diag_severity_name(enum diag_severity sev)
{
	switch (sev) {
	case DIAG_ERROR: return "error";
	case DIAG_WARNING: return "warning";
	default: return "note";
	}
}

void diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct diag *g = &d->v[i];
		free(g->rule);
		free(g->file);
		free(g->message);
		free(g->hint);
	}
	free(d->v);
	size_t limit = d->limit;
	memset(d, 0, sizeof(*d));
	d->limit = limit;
}
