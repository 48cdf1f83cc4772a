#include "model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

struct state *state_new(void)
{
	return xcalloc(1, sizeof(struct state));
}

void state_free(struct state *s)
{
	if (!s)
		return;
	free(s->accounts);
	free(s->shares);
	free(s->catalog);
	free(s->held);
	hmap_free(&s->catalog_index);
	hmap_free(&s->name_index);
	arena_free(&s->arena);
	free(s);
}

struct account *state_add_account(struct state *s)
{
	XGROW(s->accounts, s->cap_accounts, s->n_accounts + 1);
	struct account *a = arena_alloc(&s->arena, sizeof(*a));
	s->accounts[s->n_accounts++] = a;
	return a;
}

void state_add_held_name(struct state *s, const char *name, const char *connection_id, const char *manager_id)
{
	XGROW(s->held, s->cap_held, s->n_held + 1);
	struct held_name *h = &s->held[s->n_held++];
	h->name = state_strdup(s, name ? name : "");
	h->connection_id = connection_id ? state_strdup(s, connection_id) : NULL;
	h->manager_id = state_strdup(s, manager_id ? manager_id : "");
}

struct share *state_add_share(struct state *s)
{
	XGROW(s->shares, s->cap_shares, s->n_shares + 1);
	struct share *sh = &s->shares[s->n_shares++];
	memset(sh, 0, sizeof(*sh));
	return sh;
}

static void catalog_reindex(struct state *s)
{
	hmap_free(&s->catalog_index);
	for (size_t i = 0; i < s->n_catalog; i++)
		hmap_put(&s->catalog_index, s->catalog[i].id, &s->catalog[i], NULL);
}

struct catalog_entry *state_catalog_put(struct state *s, const char *id, const char *name,
					enum segment_type type)
{
	struct catalog_entry *e = hmap_get(&s->catalog_index, id);
	if (!e) {
		size_t old_cap = s->cap_catalog;
		XGROW(s->catalog, s->cap_catalog, s->n_catalog + 1);
		e = &s->catalog[s->n_catalog++];
		e->id = arena_strdup(&s->arena, id);
		/* The array moved: every stored pointer is stale. */
		if (old_cap != s->cap_catalog)
			catalog_reindex(s);
		else
			hmap_put(&s->catalog_index, e->id, e, NULL);
	}
	e->name = name ? arena_strdup(&s->arena, name) : NULL;
	e->type = type;
	return e;
}

const struct catalog_entry *state_catalog_find(const struct state *s, const char *id)
{
	return hmap_get(&s->catalog_index, id);
}

const char *state_strdup(struct state *s, const char *str)
{
	return arena_strdup(&s->arena, str);
}

/* Folded names are computed once per account for sorting and indexing. */
struct keyed {
	const char *key;
	struct account *a;
};

static int keyed_cmp(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	return strcmp(a->key, b->key);
}

static int sval_cmp(const void *pa, const void *pb)
{
	const struct sval *a = pa, *b = pb;
	return strcmp(a->v ? a->v : "", b->v ? b->v : "");
}

static int segment_cmp(const void *pa, const void *pb)
{
	const struct segment *a = pa, *b = pb;
	return strcmp(a->id, b->id);
}

/* Strictly increasing ids: sorting would change nothing. Observed states
 * and imported configurations are mostly in this order already. */
static bool segments_sorted(const struct account *a)
{
	for (size_t i = 1; i < a->n_segments; i++)
		if (segment_cmp(&a->segments[i - 1], &a->segments[i]) >= 0)
			return false;
	return true;
}

static const char *folded_key(struct state *s, const char *name)
{
	return str_fold_arena(&s->arena, name);
}

void state_index(struct state *s)
{
	hmap_free(&s->name_index);
	for (size_t i = 0; i < s->n_accounts; i++) {
		struct account *a = s->accounts[i];
		const char *k = folded_key(s, a->name.v);
		/* First declaration wins; duplicates are a rule violation reported
		 * by the checks, not resolved here. */
		hmap_insert(&s->name_index, k, a);
	}
}

/* By manager id: one order whatever the backend's list order. */
static int held_cmp(const void *x, const void *y)
{
	const struct held_name *a = x, *b = y;
	return strcmp(a->manager_id, b->manager_id);
}

void state_canonicalize(struct state *s)
{
	struct keyed *k = xcalloc(s->n_accounts ? s->n_accounts : 1, sizeof(*k));
	for (size_t i = 0; i < s->n_accounts; i++) {
		k[i].key = folded_key(s, s->accounts[i]->name.v);
		k[i].a = s->accounts[i];
	}
	if (s->n_accounts > 1)
		qsort(k, s->n_accounts, sizeof(*k), keyed_cmp);
	for (size_t i = 0; i < s->n_accounts; i++) {
		struct account *a = k[i].a;
		s->accounts[i] = a;
		/* qsort with a NULL base is undefined even for 0 items. */
		if (a->n_identifiers > 1)
			qsort(a->identifiers, a->n_identifiers, sizeof(*a->identifiers), sval_cmp);
		if (a->n_segments > 1 && !segments_sorted(a))
			qsort(a->segments, a->n_segments, sizeof(*a->segments), segment_cmp);
	}
	free(k);
	if (s->n_held > 1)
		qsort(s->held, s->n_held, sizeof(*s->held), held_cmp);
	state_index(s);
}

struct account *state_find_account(const struct state *s, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	str_fold(&sb, name ? name : "");
	struct account *a = hmap_get(&s->name_index, sb.buf);
	sb_release(&sb);
	return a;
}

const struct segment *account_find_segment(const struct account *a, const char *id)
{
	/* Segments are sorted by id after canonicalize: binary search. */
	size_t lo = 0, hi = a->n_segments;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(a->segments[mid].id, id);
		if (c == 0)
			return &a->segments[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool account_has_identifier(const struct account *a, const char *ident)
{
	for (size_t i = 0; i < a->n_identifiers; i++)
		if (a->identifiers[i].v && strcmp(a->identifiers[i].v, ident) == 0)
			return true;
	return false;
}

const char *account_status_name(enum account_status st)
{
	return st == STATUS_INACTIVE ? "inactive" : "active";
}

const char *segment_type_api_name(enum segment_type t)
{
	return t == SEGMENT_DATA_MARKETPLACE ? "DATA_MARKETPLACE" : "ONBOARDING";
}

bool segment_type_from_api(const char *s, enum segment_type *out)
{
	if (strcmp(s, "ONBOARDING") == 0)
		*out = SEGMENT_ONBOARDING;
	else if (strcmp(s, "DATA_MARKETPLACE") == 0)
		*out = SEGMENT_DATA_MARKETPLACE;
	else
		return false;
	return true;
}

/* The stream is gathered in a buffer and hashed a few kilobytes at a time:
 * three short fields per segment config would otherwise be nine calls. */
struct fp {
	struct sha256 c;
	size_t n;
	unsigned char buf[8192];
};

static void fp_add(struct fp *f, const void *p, size_t n)
{
	if (n > sizeof(f->buf) - f->n) {
		sha256_update(&f->c, f->buf, f->n);
		f->n = 0;
		if (n > sizeof(f->buf)) {
			sha256_update(&f->c, p, n);
			return;
		}
	}
	memcpy(f->buf + f->n, p, n);
	f->n += n;
}

/* Each field is written as tag, length, bytes so that no two different
 * states serialise to the same stream. The length is 8 bytes little-endian
 * whatever the machine, so a plan made on one machine verifies on another. */
static void fp_str(struct fp *f, char tag, const char *v)
{
	uint64_t n = v ? (uint64_t)strlen(v) : UINT64_MAX;
	unsigned char head[9];
	head[0] = (unsigned char)tag;
	for (int i = 0; i < 8; i++)
		head[1 + i] = (unsigned char)(n >> (8 * i));
	fp_add(f, head, sizeof(head));
	if (v)
		fp_add(f, v, (size_t)n);
}

void state_fingerprint(const struct state *s, char out[65])
{
	struct fp *c = xmalloc(sizeof(*c));
	sha256_init(&c->c);
	c->n = 0;
	for (size_t i = 0; i < s->n_accounts; i++) {
		const struct account *a = s->accounts[i];
		fp_str(c, 'A', a->name.v);
		fp_str(c, 'c', a->client_name.v);
		fp_str(c, 's', account_status_name(a->status));
		fp_str(c, 'e', a->expire_at.v);
		fp_str(c, 'I', a->connection_id);
		fp_str(c, 'M', a->manager_id);
		for (size_t j = 0; j < a->n_identifiers; j++)
			fp_str(c, 'i', a->identifiers[j].v);
		for (size_t j = 0; j < a->n_segments; j++) {
			const struct segment *g = &a->segments[j];
			fp_str(c, 'S', g->id);
			fp_str(c, 'C', g->config_id);
			fp_str(c, 't', segment_type_api_name(g->type));
		}
	}
	/* Only when present, so that states without any keep their digest. */
	for (size_t i = 0; i < s->n_held; i++) {
		fp_str(c, 'H', s->held[i].name);
		fp_str(c, 'h', s->held[i].manager_id);
	}
	sha256_update(&c->c, c->buf, c->n);
	sha256_hex(&c->c, out);
	free(c);
}
