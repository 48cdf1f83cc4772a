/*
 * Writing configuration (import/emit.h).
 */
#include "import/emit.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "util/text.h"

#define STEM_MAX 60

/* The code point at s (valid UTF-8 assumed after utf8_valid), its length in *len. */
static unsigned long decode(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		*len = 2;
		return ((unsigned long)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if ((s[0] & 0xF0) == 0xE0) {
		*len = 3;
		return ((unsigned long)(s[0] & 0x0F) << 12) | ((unsigned long)(s[1] & 0x3F) << 6) |
		       (s[2] & 0x3F);
	}
	*len = 4;
	return ((unsigned long)(s[0] & 0x07) << 18) | ((unsigned long)(s[1] & 0x3F) << 12) |
	       ((unsigned long)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* YAML's c-printable, less what a reader may not take literally inside
 * quotes: the line breaks NEL, LS and PS (folded into spaces) and the byte
 * order mark. Everything else is escaped. */
static bool printable(unsigned long c)
{
	return (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF && c != 0x2028 && c != 0x2029) ||
	       (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF) || (c >= 0x10000 && c <= 0x10FFFF);
}

static void put_escaped(struct strbuf *out, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len;
		unsigned long c = decode(s + i, &len);
		if (c == '"')
			sb_puts(out, "\\\"");
		else if (c == '\\')
			sb_puts(out, "\\\\");
		else if (c == '\n')
			sb_puts(out, "\\n");
		else if (c == '\t')
			sb_puts(out, "\\t");
		else if (!printable(c))
			sb_printf(out, c > 0xFFFF ? "\\U%08lx" : "\\u%04lx", c);
		else
			sb_add(out, s + i, len);
		i += len;
	}
}

void emit_yaml_str(struct strbuf *out, const char *s)
{
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)u), bad;
	sb_putc(out, '"');
	while (!utf8_valid((const char *)u, n, &bad)) {
		put_escaped(out, u, bad);
		sb_puts(out, "\\ufffd");
		u += bad + 1;
		n -= bad + 1;
	}
	put_escaped(out, u, n);
	sb_putc(out, '"');
}

/* Device names Windows reserves whatever the extension: a checkout there
 * could not hold "con.yaml" or "com1.yaml". */
static bool reserved_stem(const char *stem)
{
	static const char *const NAMES[] = { "con", "prn", "aux", "nul", NULL };
	for (size_t i = 0; NAMES[i]; i++)
		if (strcmp(stem, NAMES[i]) == 0)
			return true;
	return (strncmp(stem, "com", 3) == 0 || strncmp(stem, "lpt", 3) == 0) && stem[3] >= '1' &&
	       stem[3] <= '9' && stem[4] == '\0';
}

void emit_file_name(struct strbuf *out, const char *name)
{
	size_t start = out->len, n = 0;
	bool dash = false;
	for (const unsigned char *c = (const unsigned char *)(name ? name : ""); *c && n < STEM_MAX; c++) {
		if (isalnum(*c) && *c < 0x80) {
			if (dash && n) {
				sb_putc(out, '-');
				n++;
			}
			dash = false;
			if (n < STEM_MAX) {
				sb_putc(out, (char)tolower(*c));
				n++;
			}
		} else {
			dash = true;
		}
	}
	if (out->len == start)
		sb_puts(out, "account");
	else if (reserved_stem(out->buf + start))
		sb_puts(out, "-account"); /* "con.yaml" cannot be made on Windows */
	sb_puts(out, ".yaml");
}

static void put_comment(struct strbuf *out, const char *indent, const char *text)
{
	/* One comment line per line of text; control characters would end the
	 * comment or hide text, so they become spaces. */
	sb_puts(out, indent);
	sb_puts(out, "# ");
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if (*c == '\n') {
			sb_putc(out, '\n');
			sb_puts(out, indent);
			sb_puts(out, "# ");
		} else {
			sb_putc(out, *c < 0x20 || *c == 0x7f ? ' ' : (char)*c);
		}
	}
	sb_putc(out, '\n');
}

static void put_identifiers(struct strbuf *out, const struct account *a)
{
	sb_puts(out, "    identifiers: [");
	for (size_t i = 0; i < a->n_identifiers; i++) {
		if (i)
			sb_puts(out, ", ");
		emit_yaml_str(out, a->identifiers[i].v);
	}
	sb_puts(out, "]\n");
}

static void put_segments(struct strbuf *out, const struct account *a, const struct state *s,
			 const struct profile *p)
{
	size_t declared = 0;
	for (size_t i = 0; i < a->n_segments; i++)
		declared += !(a->segments[i].type == SEGMENT_DATA_MARKETPLACE && !p->marketplace_allowed);
	sb_puts(out, declared ? "    segments:\n" : "    segments: []\n");
	for (size_t i = 0; i < a->n_segments; i++) {
		const struct segment *g = &a->segments[i];
		const struct catalog_entry *e = state_catalog_find(s, g->id);
		const char *name = g->name.v ? g->name.v : e ? e->name : NULL;
		if (g->type == SEGMENT_DATA_MARKETPLACE && !p->marketplace_allowed) {
			struct strbuf c = STRBUF_INIT;
			sb_printf(
			    &c, "Data Marketplace segment %s is not declared: %s, so plan removes it", g->id,
			    p->marketplace_reason ? p->marketplace_reason : "the destination refuses them");
			put_comment(out, "      ", c.buf);
			sb_release(&c);
			continue;
		}
		sb_puts(out, "      - ");
		if (name && *name) {
			sb_puts(out, "{id: ");
			emit_yaml_str(out, g->id);
			sb_puts(out, ", name: ");
			emit_yaml_str(out, name);
			sb_puts(out, "}\n");
		} else {
			emit_yaml_str(out, g->id);
			sb_putc(out, '\n');
		}
	}
}

void emit_account_file(struct strbuf *out, const struct account *a, const struct state *s,
		       const struct profile *p, const char *header)
{
	if (header)
		put_comment(out, "", header);
	sb_puts(out, "version: 1\n\naccounts:\n  - name: ");
	emit_yaml_str(out, a->name.v);
	sb_puts(out, "\n    client_name: ");
	if (a->client_name.v)
		emit_yaml_str(out, a->client_name.v);
	else
		sb_puts(out, "null # not set in LiveRamp: required, write your company name");
	sb_putc(out, '\n');
	put_identifiers(out, a);
	sb_printf(out, "    status: %s\n", account_status_name(a->status));
	if (a->expire_at.v) {
		sb_puts(out, "    expire_at: ");
		emit_yaml_str(out, a->expire_at.v);
		sb_putc(out, '\n');
	}
	put_segments(out, a, s, p);
}

void emit_empty_file(struct strbuf *out, const char *header)
{
	if (header)
		put_comment(out, "", header);
	sb_puts(out, "version: 1\n\naccounts: []\n");
}
