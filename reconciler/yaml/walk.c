/*
 * The typed walker (yaml/walk.h): scalar typing, the one wording of every
 * problem, the typed readers, and mappings read by a table.
 */
#include "yaml/walk.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

/* How much of a bad value a message quotes. */
#define QUOTE_MAX 40

/* ---- scalar typing ---------------------------------------------------- */

static bool is_null_text(const char *s)
{
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static bool is_bool_text(const char *s)
{
	static const char *const words[] = { "true", "True", "TRUE", "false", "False", "FALSE" };
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (!strcmp(s, words[i]))
			return true;
	return false;
}

static bool all_of(const char *s, int (*pred)(int))
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!pred((unsigned char)*s))
			return false;
	return true;
}

static int is_octal(int c)
{
	return c >= '0' && c <= '7';
}

/* Core schema: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+ */
static bool is_int_text(const char *s)
{
	if (s[0] == '0' && s[1] == 'o')
		return all_of(s + 2, is_octal);
	if (s[0] == '0' && s[1] == 'x')
		return all_of(s + 2, isxdigit);
	if (*s == '-' || *s == '+')
		s++;
	return all_of(s, isdigit);
}

static const char *skip_digits(const char *s)
{
	while (isdigit((unsigned char)*s))
		s++;
	return s;
}

/* Core schema: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, and
 * [-+]?.inf, .nan in three spellings each. */
static bool is_float_text(const char *s)
{
	if (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN"))
		return true;
	if (*s == '-' || *s == '+')
		s++;
	if (!strcmp(s, ".inf") || !strcmp(s, ".Inf") || !strcmp(s, ".INF"))
		return true;
	const char *p = skip_digits(s);
	bool digits = p > s;
	if (*p == '.') {
		const char *q = skip_digits(p + 1);
		digits |= q > p + 1;
		p = q;
	}
	if (!digits)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		const char *q = skip_digits(p);
		if (q == p)
			return false;
		p = q;
	}
	return *p == '\0';
}

enum yscalar yscalar_kind(const struct ynode *n)
{
	/* Quoted and block scalars, and those tagged !!str or '!', are strings
	 * whatever they look like. Other tags (!!int, !!bool) let the content
	 * decide, which is what they ask for when the content agrees. */
	if (!n->plain) {
		if (!n->tag || !strcmp(n->tag, "tag:yaml.org,2002:str") || !strcmp(n->tag, "!"))
			return YS_STR;
	}
	/* Only these can begin a null, a boolean or a number: most plain
	 * scalars (names, words) are told apart by their first byte. */
	if (n->str[0] && !strchr("~nNtTfF+-.0123456789", n->str[0]))
		return YS_STR;
	if (is_null_text(n->str))
		return YS_NULL;
	if (is_bool_text(n->str))
		return YS_BOOL;
	if (is_int_text(n->str))
		return YS_INT;
	if (is_float_text(n->str))
		return YS_FLOAT;
	return YS_STR;
}

bool yw_is_null(const struct ynode *n)
{
	return !n || (n->kind == YNODE_SCALAR && yscalar_kind(n) == YS_NULL);
}

struct pos yw_pos(const struct ywalk *w, const struct ynode *n)
{
	return (struct pos){ w->file ? w->file : n->pos.file, n->pos.line, n->pos.col };
}

/* ---- wording ------------------------------------------------------------ */

void yw_quote(struct strbuf *sb, const char *s)
{
	size_t len = strlen(s), cut = len;
	if (cut > QUOTE_MAX) {
		cut = QUOTE_MAX;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	}
	sb_putc(sb, '\'');
	for (size_t i = 0; i < cut; i++)
		sb_putc(sb, (unsigned char)s[i] < 0x20 ? ' ' : s[i]);
	sb_puts(sb, cut < len ? "...'" : "'");
}

void yw_describe(struct strbuf *sb, const struct ynode *n)
{
	if (!n) {
		sb_puts(sb, "nothing");
		return;
	}
	if (n->kind == YNODE_SEQ) {
		sb_puts(sb, "a list");
		return;
	}
	if (n->kind == YNODE_MAP) {
		sb_puts(sb, "a mapping");
		return;
	}
	switch (yscalar_kind(n)) {
	case YS_NULL: sb_puts(sb, "null"); return;
	case YS_BOOL: sb_printf(sb, "a boolean %s", n->str); return;
	case YS_INT:
	case YS_FLOAT: sb_puts(sb, "a number "); break;
	case YS_STR:
		sb_puts(sb, n->len ? "a string " : "an empty string");
		if (!n->len)
			return;
		break;
	}
	yw_quote(sb, n->str);
}

static void where_text(struct strbuf *sb, const struct ywhere *w)
{
	sb_puts(sb, w->what);
	if (w->label) {
		sb_putc(sb, ' ');
		yw_quote(sb, w->label);
	} else if (w->index) {
		sb_printf(sb, " #%zu", w->index);
	}
	if (w->parent) {
		sb_puts(sb, " of ");
		where_text(sb, w->parent);
	}
}

void yw_subject(struct strbuf *sb, const struct ywhere *where, const char *key, size_t item)
{
	if (item)
		sb_printf(sb, "item %zu of ", item);
	if (key)
		sb_printf(sb, "'%s' in ", key);
	where_text(sb, where);
}

void yw_err(struct ywalk *w, const struct ynode *n, const char *rule, const char *hint, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&msg, fmt, ap);
	va_end(ap);
	struct pos at = yw_pos(w, n);
	diag_error(w->d, w->rule ? w->rule : rule, &at, hint, "%s", sb_str(&msg));
	sb_release(&msg);
	w->failed = true;
}

static void join_words(struct strbuf *sb, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		sb_printf(sb, "%s%s", i ? ", " : "", words[i]);
}

int yw_key(struct ywalk *w, const struct ynode *key, const char *const *allowed, const struct ywhere *where)
{
	if (key->kind != YNODE_SCALAR)
		return -1; /* ydoc already refused the document */
	for (int i = 0; allowed[i]; i++)
		if (!strcmp(key->str, allowed[i]))
			return i;
	struct strbuf place = STRBUF_INIT, hint = STRBUF_INIT, k = STRBUF_INIT;
	where_text(&place, where);
	sb_puts(&hint, "allowed keys: ");
	join_words(&hint, allowed);
	const char *near = str_suggest(key->str, allowed);
	yw_quote(&k, key->str);
	if (near)
		yw_err(w, key, "schema.unknown_field", sb_str(&hint),
		       "unknown key %s in %s; did you mean '%s'?", sb_str(&k), sb_str(&place), near);
	else
		yw_err(w, key, "schema.unknown_field", sb_str(&hint), "unknown key %s in %s", sb_str(&k),
		       sb_str(&place));
	sb_release(&k);
	sb_release(&place);
	sb_release(&hint);
	return -1;
}

void yw_err_required(struct ywalk *w, const struct ynode *map, const struct ywhere *where, const char *key,
		     const char *hint)
{
	struct strbuf place = STRBUF_INIT;
	where_text(&place, where);
	yw_err(w, map, "schema.required", hint, "%s is missing required key '%s'", sb_str(&place), key);
	sb_release(&place);
}

void yw_err_type(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key,
		 size_t item, const char *expected, const char *suffix, const char *hint)
{
	struct strbuf subject = STRBUF_INIT, found = STRBUF_INIT;
	yw_subject(&subject, where, key, item);
	yw_describe(&found, n);
	yw_err(w, n, "schema.type", hint, "%s: expected %s, found %s%s", sb_str(&subject), expected,
	       sb_str(&found), suffix ? suffix : "");
	sb_release(&subject);
	sb_release(&found);
}

/* ---- typed readers ------------------------------------------------------ */

bool yw_bool(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key, bool *out)
{
	if (n->kind != YNODE_SCALAR || yscalar_kind(n) != YS_BOOL) {
		yw_err_type(w, n, where, key, 0, "a boolean (true or false)", NULL,
			    "write true or false, without quotes");
		return false;
	}
	*out = n->str[0] == 't' || n->str[0] == 'T';
	return true;
}

bool yw_uint(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key,
	     unsigned max, unsigned *out)
{
	bool ok = n->kind == YNODE_SCALAR && n->plain && n->len > 0 && n->len <= 10;
	for (size_t i = 0; ok && i < n->len; i++)
		ok = n->str[i] >= '0' && n->str[i] <= '9';
	unsigned long v = ok ? strtoul(n->str, NULL, 10) : 0;
	if (!ok || v > max) {
		yw_err_type(w, n, where, key, 0, "a whole number of at least 0", NULL,
			    "write a whole number of at least 0, without quotes");
		return false;
	}
	*out = (unsigned)v;
	return true;
}

bool yw_text(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key, size_t item,
	     bool nonempty, const char **out)
{
	enum yscalar k = n->kind == YNODE_SCALAR ? yscalar_kind(n) : YS_NULL;
	if (n->kind != YNODE_SCALAR || k == YS_NULL || k == YS_BOOL || (nonempty && n->len == 0)) {
		yw_err_type(w, n, where, key, item, nonempty ? "a non-empty string" : "a string", NULL,
			    k == YS_BOOL ? "quote the value to keep it as text" : NULL);
		return false;
	}
	*out = arena_strdup(w->arena, n->str);
	return true;
}

bool yw_word(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key, size_t item,
	     const char *const *words, int *out)
{
	if (n->kind == YNODE_SCALAR && yscalar_kind(n) == YS_STR) {
		for (int i = 0; words[i]; i++) {
			if (!strcmp(n->str, words[i])) {
				*out = i;
				return true;
			}
		}
	}
	struct strbuf expected = STRBUF_INIT, suffix = STRBUF_INIT, hint = STRBUF_INIT;
	sb_puts(&expected, "one of ");
	join_words(&expected, words);
	const char *near = n->kind == YNODE_SCALAR ? str_suggest(n->str, words) : NULL;
	if (near)
		sb_printf(&suffix, "; did you mean '%s'?", near);
	sb_printf(&hint, "write %s", sb_str(&expected));
	yw_err_type(w, n, where, key, item, sb_str(&expected), near ? sb_str(&suffix) : NULL, sb_str(&hint));
	sb_release(&expected);
	sb_release(&suffix);
	sb_release(&hint);
	return false;
}

bool yw_list(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key)
{
	if (n->kind == YNODE_SEQ || yw_is_null(n))
		return true;
	yw_err_type(w, n, where, key, 0, "a list", NULL,
		    "write the items one per line starting with '- ', or as [a, b]");
	return false;
}

bool yw_map(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key)
{
	if (n->kind == YNODE_MAP)
		return true;
	yw_err_type(w, n, where, key, 0, "a mapping", NULL,
		    "write `key: value` lines, indented under the key");
	return false;
}

const struct ynode *yw_key_node(const struct ynode *map, const char *key)
{
	for (size_t i = 0; map && map->kind == YNODE_MAP && i < map->n; i++)
		if (map->keys[i]->kind == YNODE_SCALAR && !strcmp(map->keys[i]->str, key))
			return map->keys[i];
	return map;
}

/* ---- mappings read by a table ------------------------------------------- */

/* A list of non-empty strings; unlike yw_list, null is not an empty list:
 * a table says what it needs. */
static void str_list(struct ywalk *w, const struct ynode *n, const struct ywhere *where, const char *key,
		     const char ***out, size_t *count)
{
	if (n->kind != YNODE_SEQ) {
		yw_err_type(w, n, where, key, 0, "a list", NULL,
			    "write a list of strings, e.g. [A, B] or []");
		return;
	}
	const char **v = arena_alloc(w->arena, (n->n ? n->n : 1) * sizeof(*v));
	for (size_t i = 0; i < n->n; i++)
		if (!yw_text(w, n->items[i], where, key, i + 1, true, &v[i]))
			return;
	*out = v;
	*count = n->n;
}

static void read_value(struct ywalk *w, const struct yw_field *f, const struct ynode *v,
		       const struct ywhere *where, void *target)
{
	char *at = (char *)target + f->off;
	bool b;
	unsigned u;
	switch (f->kind) {
	case YW_STR: yw_text(w, v, where, f->key, 0, true, (const char **)(void *)at); break;
	case YW_BOOL: yw_bool(w, v, where, f->key, (bool *)(void *)at); break;
	case YW_UINT: yw_uint(w, v, where, f->key, YW_UINT_MAX, (unsigned *)(void *)at); break;
	case YW_TRI:
		if (yw_is_null(v))
			*(int *)(void *)at = -1;
		else if (yw_bool(w, v, where, f->key, &b))
			*(int *)(void *)at = b;
		break;
	case YW_LONG_OR_NULL:
		if (yw_is_null(v))
			*(long *)(void *)at = -1;
		else if (yw_uint(w, v, where, f->key, YW_UINT_MAX, &u))
			*(long *)(void *)at = (long)u;
		break;
	case YW_STR_LIST:
		str_list(w, v, where, f->key, (const char ***)(void *)at,
			 (size_t *)(void *)((char *)target + f->count_off));
		break;
	case YW_MAP: break; /* walked by the caller, which knows the table */
	case YW_CUSTOM: f->fn(w, v, where, target); break;
	}
}

void yw_walk(struct ywalk *w, const struct ynode *n, const struct yw_table *t, const struct ywhere *where,
	     void *target)
{
	struct ywhere self = { t->what, NULL, 0, NULL };
	if (!where)
		where = &self;
	if (!yw_map(w, n, where, NULL))
		return;
	const char *keys[64];
	size_t nk = 0;
	for (size_t i = 0; i < t->n && nk + 1 < sizeof(keys) / sizeof(*keys); i++)
		keys[nk++] = t->fields[i].key;
	keys[nk] = NULL;
	bool seen[64] = { false };
	for (size_t i = 0; i < n->n; i++) {
		int k = yw_key(w, n->keys[i], keys, where);
		if (k < 0)
			continue;
		seen[k] = true;
		const struct yw_field *f = &t->fields[k];
		if (f->kind == YW_MAP) {
			struct ywhere inner = { f->nested->what, NULL, 0, where };
			yw_walk(w, n->items[i], f->nested, &inner, target);
		} else {
			read_value(w, f, n->items[i], where, target);
		}
	}
	for (size_t i = 0; i < nk; i++) {
		if (t->fields[i].required && !seen[i]) {
			struct strbuf hint = STRBUF_INIT;
			sb_printf(&hint, "add '%s:' to %s", t->fields[i].key, t->what);
			yw_err_required(w, n, where, t->fields[i].key, hint.buf);
			sb_release(&hint);
		}
	}
}
