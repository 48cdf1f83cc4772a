#include "model/scope.h"

#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

/* Separators no declared value holds (names refuse control characters;
 * other strings are compared exactly, so a clash can only make an account
 * look touched, never hide a change). */
#define FIELD '\x1f'
#define ITEM '\x1e'

static void put_sval(struct strbuf *sb, const struct sval *v)
{
	sb_puts(sb, v->v ? "=" : "-");
	sb_puts(sb, v->v ? v->v : "");
	sb_putc(sb, FIELD);
}

/* Everything of an account's declaration a plan can depend on, without
 * its places in the files (a line moved is no change). Identifiers and
 * segments are in canonical order by then. */
static void account_key(struct strbuf *sb, const struct account *a)
{
	sb_reset(sb);
	put_sval(sb, &a->name);
	put_sval(sb, &a->client_name);
	for (size_t i = 0; i < a->n_identifiers; i++)
		put_sval(sb, &a->identifiers[i]);
	sb_putc(sb, a->identifiers_declared ? 'd' : 'u');
	put_sval(sb, &a->precision);
	sb_putc(sb, (char)('0' + (int)a->status));
	put_sval(sb, &a->expire_at);
	sb_putc(sb, a->protect ? 'p' : '_');
	sb_putc(sb, a->record_sync ? 'r' : '_');
	sb_putc(sb, ITEM);
	for (size_t i = 0; i < a->n_previous_names; i++)
		put_sval(sb, &a->previous_names[i]);
	sb_putc(sb, ITEM);
	for (size_t i = 0; i < a->n_raw_fields; i++)
		put_sval(sb, &a->raw_fields[i]);
	sb_putc(sb, ITEM);
	for (size_t i = 0; i < a->n_segments; i++) {
		const struct segment *g = &a->segments[i];
		sb_puts(sb, g->id ? g->id : "");
		sb_putc(sb, FIELD);
		put_sval(sb, &g->name);
		sb_putc(sb, (char)('0' + (int)g->type));
		sb_putc(sb, (char)('0' + (int)g->offering));
		sb_putc(sb, ITEM);
	}
}

static bool same_svals(const struct sval *a, size_t na, const struct sval *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if ((a[i].v == NULL) != (b[i].v == NULL) || (a[i].v && strcmp(a[i].v, b[i].v) != 0))
			return false;
	return true;
}

static bool same_settings(const struct settings *a, const struct settings *b)
{
	return a->prune == b->prune && same_svals(&a->org_id, 1, &b->org_id, 1) &&
	       same_svals(&a->destination_id, 1, &b->destination_id, 1) &&
	       same_svals(&a->integration_id, 1, &b->integration_id, 1) &&
	       same_svals(a->protect, a->n_protect, b->protect, b->n_protect);
}

/* Every account's key, in one set (arena-held keys). */
static void index_keys(struct hmap *keys, struct arena *ar, const struct state *s)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < s->n_accounts; i++) {
		account_key(&sb, s->accounts[i]);
		hmap_put(keys, arena_strdup(ar, sb.buf), (void *)1, NULL);
	}
	sb_release(&sb);
}

static void add_name(struct scope *sc, struct strbuf *fold, const char *name)
{
	str_fold(fold, name ? name : "");
	if (!hmap_get(&sc->names, fold->buf))
		hmap_put(&sc->names, arena_strdup(&sc->arena, fold->buf), (void *)1, NULL);
}

/* The accounts of s whose key the other side does not hold. An account
 * whose name is in scope already (the same account changed, or the one a
 * rename at the head takes over) is not counted twice. */
static void add_differing(struct scope *sc, const struct state *s, const struct hmap *other)
{
	struct strbuf key = STRBUF_INIT, fold = STRBUF_INIT;
	for (size_t i = 0; i < s->n_accounts; i++) {
		const struct account *a = s->accounts[i];
		account_key(&key, a);
		if (hmap_get(other, key.buf))
			continue;
		if (!scope_has_name(sc, a->name.v))
			sc->n_accounts++;
		add_name(sc, &fold, a->name.v);
		for (size_t j = 0; j < a->n_previous_names; j++)
			add_name(sc, &fold, a->previous_names[j].v);
	}
	sb_release(&key);
	sb_release(&fold);
}

void scope_touched(struct scope **out, struct state *base, struct state *head)
{
	*out = NULL;
	if (!same_settings(&base->settings, &head->settings))
		return;
	state_canonicalize(base);
	state_canonicalize(head);
	struct scope *sc = xcalloc(1, sizeof(*sc));
	struct hmap base_keys = HMAP_INIT, head_keys = HMAP_INIT;
	index_keys(&base_keys, &sc->arena, base);
	index_keys(&head_keys, &sc->arena, head);
	add_differing(sc, head, &base_keys);
	add_differing(sc, base, &head_keys);
	hmap_free(&base_keys);
	hmap_free(&head_keys);
	*out = sc;
}

bool scope_has_name(const struct scope *sc, const char *name)
{
	struct strbuf fold = STRBUF_INIT;
	str_fold(&fold, name ? name : "");
	bool in = hmap_get(&sc->names, fold.buf) != NULL;
	sb_release(&fold);
	return in;
}

bool scope_has_account(const struct scope *sc, const struct account *a)
{
	if (scope_has_name(sc, a->name.v))
		return true;
	for (size_t i = 0; i < a->n_previous_names; i++)
		if (scope_has_name(sc, a->previous_names[i].v))
			return true;
	return false;
}

size_t scope_filter(struct state *s, const struct scope *sc)
{
	size_t kept = 0, n = s->n_accounts;
	for (size_t i = 0; i < n; i++)
		if (scope_has_account(sc, s->accounts[i]))
			s->accounts[kept++] = s->accounts[i];
	s->n_accounts = kept;
	state_index(s);
	return n - kept;
}

void scope_free(struct scope *sc)
{
	if (!sc)
		return;
	hmap_free(&sc->names);
	arena_free(&sc->arena);
	free(sc);
}
