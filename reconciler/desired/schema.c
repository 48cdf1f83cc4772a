/*
 * Scalar typing and the schema.* diagnostics of the desired-state loader.
 * See walk.h.
 */
#include "walk.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "util/text.h"

/* How much of a bad value a message quotes. */
#define QUOTE_MAX 40

static bool is_null_text(const char *s)
{
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
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

enum yscalar load_scalar_kind(const struct ynode *n)
{
	/* Quoted and block scalars, and those tagged !!str or '!', are strings
	 * whatever they look like. Other tags (!!int, !!bool) let the content
	 * decide, which is what they ask for when the content agrees. */
	if (!n->plain) {
		if (!n->tag || !strcmp(n->tag, "tag:yaml.org,2002:str") || !strcmp(n->tag, "!"))
			return YS_STR;
	}
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

bool load_is_null(const struct ynode *n)
{
	return !n || (n->kind == YNODE_SCALAR && load_scalar_kind(n) == YS_NULL);
}

struct pos load_pos(const struct loader *L, const struct ynode *n)
{
	return (struct pos){ L->file, n->pos.line, n->pos.col };
}

/* Quotes at most QUOTE_MAX bytes of s on one line, cut on a code point. */
static void quote(struct strbuf *sb, const char *s)
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

void load_describe(struct strbuf *sb, const struct ynode *n)
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
	switch (load_scalar_kind(n)) {
	case YS_NULL:
		sb_puts(sb, "null");
		return;
	case YS_BOOL:
		sb_printf(sb, "a boolean %s", n->str);
		return;
	case YS_INT:
	case YS_FLOAT:
		sb_puts(sb, "a number ");
		break;
	case YS_STR:
		sb_puts(sb, n->len ? "a string " : "an empty string");
		if (!n->len)
			return;
		break;
	}
	quote(sb, n->str);
}

static void where_text(struct strbuf *sb, const struct where *w)
{
	sb_puts(sb, w->what);
	if (w->label) {
		sb_putc(sb, ' ');
		quote(sb, w->label);
	} else if (w->index) {
		sb_printf(sb, " #%zu", w->index);
	}
	if (w->parent) {
		sb_puts(sb, " of ");
		where_text(sb, w->parent);
	}
}

void load_err(struct loader *L, const struct ynode *n, const char *rule, const char *hint,
	      const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&msg, fmt, ap);
	va_end(ap);
	struct pos at = load_pos(L, n);
	diag_error(L->d, rule, &at, hint, "%s", sb_str(&msg));
	sb_release(&msg);
	L->failed = true;
}

static void join_words(struct strbuf *sb, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		sb_printf(sb, "%s%s", i ? ", " : "", words[i]);
}

int load_key(struct loader *L, const struct ynode *key, const char *const *allowed,
	     const struct where *w)
{
	if (key->kind != YNODE_SCALAR)
		return -1; /* ydoc already refused the document */
	for (int i = 0; allowed[i]; i++)
		if (!strcmp(key->str, allowed[i]))
			return i;
	struct strbuf where = STRBUF_INIT, hint = STRBUF_INIT;
	where_text(&where, w);
	sb_puts(&hint, "allowed keys: ");
	join_words(&hint, allowed);
	const char *near = str_suggest(key->str, allowed);
	struct strbuf k = STRBUF_INIT;
	quote(&k, key->str);
	if (near)
		load_err(L, key, "schema.unknown_field", sb_str(&hint),
			 "unknown key %s in %s; did you mean '%s'?", sb_str(&k), sb_str(&where), near);
	else
		load_err(L, key, "schema.unknown_field", sb_str(&hint), "unknown key %s in %s",
			 sb_str(&k), sb_str(&where));
	sb_release(&k);
	sb_release(&where);
	sb_release(&hint);
	return -1;
}

void load_err_required(struct loader *L, const struct ynode *map, const struct where *w,
		       const char *key, const char *hint)
{
	struct strbuf where = STRBUF_INIT;
	where_text(&where, w);
	load_err(L, map, "schema.required", hint, "%s is missing required key '%s'", sb_str(&where),
		 key);
	sb_release(&where);
}

/* The one formatter of schema.type messages; suffix (or NULL) is appended,
 * e.g. a "did you mean". */
static void type_error(struct loader *L, const struct ynode *n, const struct where *w,
		       const char *key, size_t item, const char *expected, const char *suffix,
		       const char *hint)
{
	struct strbuf subject = STRBUF_INIT, found = STRBUF_INIT;
	if (item)
		sb_printf(&subject, "item %zu of ", item);
	if (key)
		sb_printf(&subject, "'%s' in ", key);
	where_text(&subject, w);
	load_describe(&found, n);
	load_err(L, n, "schema.type", hint, "%s: expected %s, found %s%s", sb_str(&subject), expected,
		 sb_str(&found), suffix ? suffix : "");
	sb_release(&subject);
	sb_release(&found);
}

void load_err_type(struct loader *L, const struct ynode *n, const struct where *w, const char *key,
		   size_t item, const char *expected, const char *hint)
{
	type_error(L, n, w, key, item, expected, NULL, hint);
}

static void set_sval(struct loader *L, const struct ynode *n, struct sval *out)
{
	out->v = state_strdup(L->s, n->str);
	out->pos = load_pos(L, n);
}

bool load_bool(struct loader *L, const struct ynode *n, const struct where *w, const char *key,
	       bool *out)
{
	if (n->kind != YNODE_SCALAR || load_scalar_kind(n) != YS_BOOL) {
		load_err_type(L, n, w, key, 0, "a boolean (true or false)",
			      "write true or false, without quotes");
		return false;
	}
	*out = n->str[0] == 't' || n->str[0] == 'T';
	return true;
}

bool load_text(struct loader *L, const struct ynode *n, const struct where *w, const char *key,
	       size_t item, struct sval *out)
{
	enum yscalar k = n->kind == YNODE_SCALAR ? load_scalar_kind(n) : YS_NULL;
	if (n->kind != YNODE_SCALAR || k == YS_NULL || k == YS_BOOL) {
		load_err_type(L, n, w, key, item, "a string",
			      k == YS_BOOL ? "quote the value to keep it as text" : NULL);
		return false;
	}
	set_sval(L, n, out);
	return true;
}

/* An unquoted id a YAML reader takes for a number spelled otherwise than
 * its plain decimal form: leading zeros (0012 is 12), hex (0x1F is 31),
 * octal, a sign, a fraction or an exponent, or YAML 1.1's underscores
 * (1_000) and binary (0b101). Ids are exact strings: "0012" and "12" are
 * different segments, so such a spelling is never guessed at. */
static bool number_in_disguise(const struct ynode *n, enum yscalar k)
{
	const char *s = n->str;
	if (!n->plain || !s[0])
		return false;
	if (k == YS_INT || k == YS_FLOAT)
		return !(s[0] >= '1' && s[0] <= '9' && all_of(s, isdigit)) && strcmp(s, "0") != 0;
	if (s[0] == '0' && s[1] == 'b' && s[2])
		return strspn(s + 2, "01") == strlen(s + 2);
	const char *p = s + (*s == '-' || *s == '+');
	return isdigit((unsigned char)*p) && strchr(p, '_') && strspn(p, "0123456789_.") == strlen(p);
}

/* Blanks around an id, or control characters in it, are never part of a
 * LiveRamp id: " 55 " would otherwise be a segment of its own. */
static bool id_text_ok(struct loader *L, const struct ynode *n, const struct where *w, const char *key,
		       size_t item)
{
	const unsigned char *s = (const unsigned char *)n->str;
	size_t len = n->len;
	bool ok = true;
	for (size_t i = 0; ok && i < len; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			ok = false;
	bool blanks = ok && len && (isspace(s[0]) || isspace(s[len - 1]));
	/* Every id of a config passes here: the text naming its place is made
	 * only for one that fails (it was a tenth of a large load). */
	if (ok && !blanks)
		return true;
	struct strbuf subject = STRBUF_INIT;
	if (item)
		sb_printf(&subject, "item %zu of ", item);
	if (key)
		sb_printf(&subject, "'%s' in ", key);
	where_text(&subject, w);
	if (!ok) {
		load_err(L, n, "segment.id", "write the id alone, without control characters",
			 "%s: a segment id holds a control character (a LiveRamp id never does)", sb_str(&subject));
	} else {
		ok = false;
		struct strbuf trimmed = STRBUF_INIT, hint = STRBUF_INIT;
		size_t a = 0, b = len;
		while (a < b && isspace(s[a]))
			a++;
		while (b > a && isspace(s[b - 1]))
			b--;
		sb_add(&trimmed, s + a, b - a);
		sb_printf(&hint, "write \"%s\": ids are exact strings", sb_str(&trimmed));
		load_err(L, n, "segment.id", sb_str(&hint), "%s: segment id \"%s\" has leading or trailing blanks",
			 sb_str(&subject), n->str);
		sb_release(&trimmed);
		sb_release(&hint);
	}
	sb_release(&subject);
	return ok;
}

bool load_id(struct loader *L, const struct ynode *n, const struct where *w, const char *key,
	     size_t item, struct sval *out)
{
	enum yscalar k = n->kind == YNODE_SCALAR ? load_scalar_kind(n) : YS_NULL;
	if (n->kind == YNODE_SCALAR && number_in_disguise(n, k)) {
		struct strbuf subject = STRBUF_INIT, hint = STRBUF_INIT;
		if (item)
			sb_printf(&subject, "item %zu of ", item);
		if (key)
			sb_printf(&subject, "'%s' in ", key);
		where_text(&subject, w);
		sb_printf(&hint, "quote it, \"%s\", if that is the LiveRamp id (ids are exact strings)", n->str);
		load_err(L, n, "segment.id", sb_str(&hint),
			 "%s: segment id %s is unquoted, and YAML reads it as a number, not as the id written",
			 sb_str(&subject), n->str);
		sb_release(&subject);
		sb_release(&hint);
		return false;
	}
	if (n->kind == YNODE_SCALAR && k == YS_STR && n->len > 0 && !id_text_ok(L, n, w, key, item))
		return false;
	if (n->kind != YNODE_SCALAR || !(k == YS_INT || (k == YS_STR && n->len > 0))) {
		load_err_type(L, n, w, key, item, "a segment id (an integer or a non-empty string)",
			      "write the LiveRamp segment id, e.g. 12345 or \"12345\"");
		return false;
	}
	set_sval(L, n, out);
	return true;
}

bool load_word(struct loader *L, const struct ynode *n, const struct where *w, const char *key,
	       size_t item, const char *const *words, int *out)
{
	if (n->kind == YNODE_SCALAR && load_scalar_kind(n) == YS_STR) {
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
	type_error(L, n, w, key, item, sb_str(&expected), near ? sb_str(&suffix) : NULL,
		   sb_str(&hint));
	sb_release(&expected);
	sb_release(&suffix);
	sb_release(&hint);
	return false;
}

bool load_list(struct loader *L, const struct ynode *n, const struct where *w, const char *key)
{
	if (n->kind == YNODE_SEQ || load_is_null(n))
		return true;
	load_err_type(L, n, w, key, 0, "a list",
		      "write the items one per line starting with '- ', or as [a, b]");
	return false;
}

void load_text_list(struct loader *L, const struct ynode *n, const struct where *w,
		    const char *key, struct sval **out, size_t *n_out)
{
	*out = NULL;
	*n_out = 0;
	if (!load_list(L, n, w, key) || n->kind != YNODE_SEQ || n->n == 0)
		return;
	struct sval *v = arena_alloc(&L->s->arena, n->n * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < n->n; i++)
		if (load_text(L, n->items[i], w, key, i + 1, &v[k]))
			k++;
	*out = v;
	*n_out = k;
}
