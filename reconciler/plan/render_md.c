/*
 * Escaping for the Markdown renderers (render_md.h): every string from a
 * config, a backend or a plan file goes through here, so that it opens no
 * markup, no HTML and no @mention in a pull-request comment.
 */
#include "plan/render_md.h"

#include <string.h>

/* The bytes written otherwise in HTML text: the five HTML gives a meaning
 * to, and '@' with a zero-width space after it, so that "@user" or
 * "@org/team" in a name notifies no one (GitHub finds mentions in HTML
 * text too, so neither a backslash nor <summary> would stop it). */
static const char *const HTML_SPECIAL[256] = {
	['&'] = "&amp;",  ['<'] = "&lt;",   ['>'] = "&gt;",
	['"'] = "&quot;", ['\''] = "&#39;", ['@'] = "@&#8203;",
};

static bool html_special(struct strbuf *out, unsigned char c)
{
	if (!HTML_SPECIAL[c])
		return false;
	sb_puts(out, HTML_SPECIAL[c]);
	return true;
}

/* For text inside raw HTML (the <summary> line). */
void md_html_text(struct strbuf *out, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
		if (html_special(out, *c))
			continue;
		if (*c < 0x20 || *c == 0x7f)
			sb_putc(out, ' '); /* a newline would end the list item */
		else
			sb_putc(out, (char)*c);
	}
}

/* For text in Markdown (list items, paragraphs, table cells). */
void md_text(struct strbuf *out, const char *s)
{
	static const char punct[] = "\\`*_{}[]()#+-.!|~";
	for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
		if (html_special(out, *c))
			continue;
		if (*c < 0x20 || *c == 0x7f) {
			sb_putc(out, ' ');
		} else if (strchr(punct, *c)) {
			sb_putc(out, '\\');
			sb_putc(out, (char)*c);
		} else {
			sb_putc(out, (char)*c);
		}
	}
}

void md_value(struct strbuf *out, const struct value *v)
{
	if (v->is_list) {
		if (v->n_items == 0)
			sb_puts(out, "*none*");
		for (size_t i = 0; i < v->n_items; i++) {
			if (i)
				sb_puts(out, ", ");
			md_text(out, v->items[i]);
		}
	} else if (v->str) {
		md_text(out, v->str);
	} else {
		sb_puts(out, "*none*");
	}
}

void md_add_capped(struct strbuf *out, const struct strbuf *doc, size_t max)
{
	size_t n = doc->len;
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)doc->buf[n] & 0xC0) == 0x80)
			n--;
	}
	sb_add(out, doc->buf, n);
}
