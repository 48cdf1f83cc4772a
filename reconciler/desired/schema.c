/*
 * The value readers of the desired-state loader that the typed walker
 * (yaml/walk.h) does not know: strings kept in the state with their
 * positions, and segment ids. See walk.h.
 */
#include "walk.h"

#include <ctype.h>
#include <string.h>

static void set_sval(struct loader *L, const struct ynode *n, struct sval *out)
{
	out->v = state_strdup(L->s, n->str);
	out->pos = yw_pos(&L->w, n);
}

bool load_text(struct loader *L, const struct ynode *n, const struct ywhere *w, const char *key, size_t item,
	       struct sval *out)
{
	const char *v;
	if (!yw_text(&L->w, n, w, key, item, false, &v))
		return false;
	out->v = v;
	out->pos = yw_pos(&L->w, n);
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
		return !(s[0] >= '1' && s[0] <= '9' && strspn(s, "0123456789") == strlen(s)) &&
		       strcmp(s, "0") != 0;
	if (s[0] == '0' && s[1] == 'b' && s[2])
		return strspn(s + 2, "01") == strlen(s + 2);
	const char *p = s + (*s == '-' || *s == '+');
	return isdigit((unsigned char)*p) && strchr(p, '_') && strspn(p, "0123456789_.") == strlen(p);
}

/* Blanks around an id, or control characters in it, are never part of a
 * LiveRamp id: " 55 " would otherwise be a segment of its own. */
static bool id_text_ok(struct loader *L, const struct ynode *n, const struct ywhere *w, const char *key,
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
	yw_subject(&subject, w, key, item);
	if (!ok) {
		yw_err(&L->w, n, "segment.id", "write the id alone, without control characters",
		       "%s: a segment id holds a control character (a LiveRamp id never does)",
		       sb_str(&subject));
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
		yw_err(&L->w, n, "segment.id", sb_str(&hint),
		       "%s: segment id \"%s\" has leading or trailing blanks", sb_str(&subject), n->str);
		sb_release(&trimmed);
		sb_release(&hint);
	}
	sb_release(&subject);
	return ok;
}

bool load_id(struct loader *L, const struct ynode *n, const struct ywhere *w, const char *key, size_t item,
	     struct sval *out)
{
	enum yscalar k = n->kind == YNODE_SCALAR ? yscalar_kind(n) : YS_NULL;
	if (n->kind == YNODE_SCALAR && number_in_disguise(n, k)) {
		struct strbuf subject = STRBUF_INIT, hint = STRBUF_INIT;
		yw_subject(&subject, w, key, item);
		sb_printf(&hint, "quote it, \"%s\", if that is the LiveRamp id (ids are exact strings)",
			  n->str);
		yw_err(&L->w, n, "segment.id", sb_str(&hint),
		       "%s: segment id %s is unquoted, and YAML reads it as a number, not as the id written",
		       sb_str(&subject), n->str);
		sb_release(&subject);
		sb_release(&hint);
		return false;
	}
	if (n->kind == YNODE_SCALAR && k == YS_STR && n->len > 0 && !id_text_ok(L, n, w, key, item))
		return false;
	if (n->kind != YNODE_SCALAR || !(k == YS_INT || (k == YS_STR && n->len > 0))) {
		yw_err_type(&L->w, n, w, key, item, "a segment id (an integer or a non-empty string)", NULL,
			    "write the LiveRamp segment id, e.g. 12345 or \"12345\"");
		return false;
	}
	set_sval(L, n, out);
	return true;
}

void load_text_list(struct loader *L, const struct ynode *n, const struct ywhere *w, const char *key,
		    struct sval **out, size_t *n_out)
{
	*out = NULL;
	*n_out = 0;
	if (!yw_list(&L->w, n, w, key) || n->kind != YNODE_SEQ || n->n == 0)
		return;
	struct sval *v = arena_alloc(&L->s->arena, n->n * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < n->n; i++)
		if (load_text(L, n->items[i], w, key, i + 1, &v[k]))
			k++;
	*out = v;
	*n_out = k;
}
