#include "hmap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* FNV-1a: fast, good enough for identifiers and names, no seeding needed
 * because keys come from the user's own files and their own org. */
uint64_t hmap_hash(const char *key)
{
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct hmap_slot *find_slot(struct hmap_slot *slots, size_t cap, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (cap - 1);
	for (;;) {
		struct hmap_slot *s = &slots[i];
		if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
			return s;
		i = (i + 1) & (cap - 1);
	}
}

static void rehash(struct hmap *m, size_t cap)
{
	struct hmap_slot *slots = xcalloc(cap, sizeof(*slots));
	for (size_t i = 0; i < m->cap; i++) {
		struct hmap_slot *s = &m->slots[i];
		if (s->key)
			*find_slot(slots, cap, s->key, s->hash) = *s;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

void *hmap_get(const struct hmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	struct hmap_slot *s = find_slot(m->slots, m->cap, key, hmap_hash(key));
	return s->key ? s->value : NULL;
}

/* Grows before the table is three quarters full. */
static void make_room(struct hmap *m, size_t n)
{
	if (n * 4 <= m->cap * 3)
		return;
	size_t cap = m->cap ? m->cap : 16;
	while (n * 4 > cap * 3)
		cap *= 2;
	rehash(m, cap);
}

void hmap_reserve(struct hmap *m, size_t n)
{
	make_room(m, n);
}

int hmap_put(struct hmap *m, const char *key, void *value, void **old)
{
	make_room(m, m->count + 1);
	uint64_t h = hmap_hash(key);
	struct hmap_slot *s = find_slot(m->slots, m->cap, key, h);
	if (s->key) {
		if (old)
			*old = s->value;
		s->value = value;
		return 1;
	}
	s->key = key;
	s->hash = h;
	s->value = value;
	m->count++;
	return 0;
}

void *hmap_insert(struct hmap *m, const char *key, void *value)
{
	return hmap_insert_hashed(m, key, hmap_hash(key), value);
}

void hmap_prefetch(const struct hmap *m, uint64_t h)
{
	if (m->cap)
		__builtin_prefetch(&m->slots[(size_t)h & (m->cap - 1)], 1);
}

void *hmap_insert_hashed(struct hmap *m, const char *key, uint64_t h, void *value)
{
	make_room(m, m->count + 1);
	struct hmap_slot *s = find_slot(m->slots, m->cap, key, h);
	if (s->key)
		return s->value;
	s->key = key;
	s->hash = h;
	s->value = value;
	m->count++;
	return NULL;
}

int hmap_next(const struct hmap *m, size_t *iter, const char **key, void **value)
{
	while (*iter < m->cap) {
		struct hmap_slot *s = &m->slots[(*iter)++];
		if (s->key) {
			if (key)
				*key = s->key;
			if (value)
				*value = s->value;
			return 1;
		}
	}
	return 0;
}

void hmap_free(struct hmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}
