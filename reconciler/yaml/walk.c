/*
 * The typed-mapping walker behind profile loading: see profile_walk.h.
 */
#include "yaml/walk.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/text.h"

void pw_fail(struct pwalk *w, const struct ynode *at, const char *hint, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&msg, fmt, ap);
	va_end(ap);
	w->failed = true;
	diag_error(w->d, w->rule, at ? &at->pos : NULL, hint, "%s", msg.buf);
	sb_release(&msg);
}

char *pw_strdup(struct pwalk *w, const char *s)
{
	return arena_strdup(w->arena, s);
}

/* ---- scalar values ---------------------------------------------------- */

bool pw_str(struct pwalk *w, const struct ynode *n, const char *key, const char **out)
{
	if (n->kind != YNODE_SCALAR || ynode_is_null(n) || n->len == 0) {
		pw_fail(w, n, "write a non-empty string", "'%s' must be a string, not %s", key,
			n->kind == YNODE_SCALAR && n->len == 0 && !n->plain ? "empty" : ynode_kind_name(n));
		return false;
	}
	*out = pw_strdup(w, n->str);
	return true;
}

bool pw_bool(struct pwalk *w, const struct ynode *n, const char *key, bool *out)
{
	if (n->kind == YNODE_SCALAR && n->plain) {
		if (!strcmp(n->str, "true") || !strcmp(n->str, "True") || !strcmp(n->str, "TRUE")) {
			*out = true;
			return true;
		}
		if (!strcmp(n->str, "false") || !strcmp(n->str, "False") || !strcmp(n->str, "FALSE")) {
			*out = false;
			return true;
		}
	}
	pw_fail(w, n, "write true or false, unquoted", "'%s' must be true or false, not %s", key,
		n->kind == YNODE_SCALAR ? n->str : ynode_kind_name(n));
	return false;
}

bool pw_uint(struct pwalk *w, const struct ynode *n, const char *key, unsigned *out)
{
	bool ok = n->kind == YNODE_SCALAR && n->plain && n->len > 0 && n->len <= 10;
	for (size_t i = 0; ok && i < n->len; i++)
		ok = n->str[i] >= '0' && n->str[i] <= '9';
	unsigned long v = ok ? strtoul(n->str, NULL, 10) : 0;
	if (!ok || v > PW_UINT_MAX) {
		pw_fail(w, n, "write a whole number of at least 0, unquoted",
			"'%s' must be a whole number, not %s", key,
			n->kind == YNODE_SCALAR ? n->str : ynode_kind_name(n));
		return false;
	}
	*out = (unsigned)v;
	return true;
}

static void pw_str_list(struct pwalk *w, const struct ynode *n, const char *key, const char ***out,
			size_t *count)
{
	if (n->kind != YNODE_SEQ) {
		pw_fail(w, n, "write a list of strings, e.g. [A, B] or []", "'%s' must be a list, not %s",
			key, ynode_kind_name(n));
		return;
	}
	const char **v = arena_alloc(w->arena, (n->n ? n->n : 1) * sizeof(*v));
	for (size_t i = 0; i < n->n; i++)
		if (!pw_str(w, n->items[i], key, &v[i]))
			return;
	*out = v;
	*count = n->n;
}

/* ---- mappings ----------------------------------------------------------- */

static void known_keys(struct strbuf *sb, const struct pw_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		sb_printf(sb, "%s%s", i ? ", " : "", t->fields[i].key);
}

static void unknown_key(struct pwalk *w, const struct ynode *key, const struct pw_table *t)
{
	const char *cands[64];
	size_t nc = 0;
	for (size_t i = 0; i < t->n && nc + 1 < sizeof(cands) / sizeof(cands[0]); i++)
		cands[nc++] = t->fields[i].key;
	cands[nc] = NULL;
	const char *near = str_suggest(key->str, cands);
	struct strbuf hint = STRBUF_INIT;
	if (near)
		sb_printf(&hint, "did you mean '%s'? ", near);
	sb_puts(&hint, "known keys: ");
	known_keys(&hint, t);
	pw_fail(w, key, hint.buf, "unknown key '%s' in %s", key->str, t->what);
	sb_release(&hint);
}

static const struct pw_field *field_find(const struct pw_table *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->fields[i].key, key))
			return &t->fields[i];
	return NULL;
}

bool pw_map(struct pwalk *w, const struct ynode *n, const char *what)
{
	if (n->kind == YNODE_MAP)
		return true;
	pw_fail(w, n, "write a mapping of key: value lines", "%s must be a mapping, not %s", what,
		ynode_kind_name(n));
	return false;
}

/* Keys of a mapping must be plain strings; complex keys are refused. */
bool pw_key_ok(struct pwalk *w, const struct ynode *k, const char *what)
{
	if (k->kind == YNODE_SCALAR && k->len > 0)
		return true;
	pw_fail(w, k, "keys are plain words", "a key in %s must be a word, not %s", what, ynode_kind_name(k));
	return false;
}

static void parse_value(struct pwalk *w, const struct pw_field *f, const struct ynode *v, void *target)
{
	char *at = (char *)target + f->off;
	switch (f->kind) {
	case PW_STR:
		pw_str(w, v, f->key, (const char **)(void *)at);
		break;
	case PW_BOOL:
		pw_bool(w, v, f->key, (bool *)(void *)at);
		break;
	case PW_UINT:
		pw_uint(w, v, f->key, (unsigned *)(void *)at);
		break;
	case PW_TRI: {
		bool b;
		if (ynode_is_null(v))
			*(int *)(void *)at = -1;
		else if (pw_bool(w, v, f->key, &b))
			*(int *)(void *)at = b;
		break;
	}
	case PW_LONG_OR_NULL: {
		unsigned u;
		if (ynode_is_null(v))
			*(long *)(void *)at = -1;
		else if (pw_uint(w, v, f->key, &u))
			*(long *)(void *)at = (long)u;
		break;
	}
	case PW_STR_LIST:
		pw_str_list(w, v, f->key, (const char ***)(void *)at,
			    (size_t *)(void *)((char *)target + f->count_off));
		break;
	case PW_MAP:
		break; /* handled by the caller, which knows the table */
	case PW_CUSTOM:
		f->fn(w, v);
		break;
	}
}

void pw_walk(struct pwalk *w, const struct ynode *n, const struct pw_table *t, void *target)
{
	if (!pw_map(w, n, t->what))
		return;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->keys[i];
		if (!pw_key_ok(w, k, t->what))
			continue;
		const struct pw_field *f = field_find(t, k->str);
		if (!f)
			unknown_key(w, k, t);
		else if (f->kind == PW_MAP)
			pw_walk(w, n->items[i], f->nested, target);
		else
			parse_value(w, f, n->items[i], target);
	}
	for (size_t i = 0; i < t->n; i++) {
		if (t->fields[i].required && !ynode_get(n, t->fields[i].key)) {
			struct strbuf hint = STRBUF_INIT;
			sb_printf(&hint, "add '%s:' to %s", t->fields[i].key, t->what);
			pw_fail(w, n, hint.buf, "%s has no '%s'", t->what, t->fields[i].key);
			sb_release(&hint);
		}
	}
}

const struct ynode *pw_key_node(const struct ynode *map, const char *key)
{
	for (size_t i = 0; map && map->kind == YNODE_MAP && i < map->n; i++)
		if (map->keys[i]->kind == YNODE_SCALAR && !strcmp(map->keys[i]->str, key))
			return map->keys[i];
	return map;
}
