/*
 * A string-keyed hash map (open addressing, linear probing) used wherever the
 * program would otherwise scan a list: names to accounts, segment ids to
 * segments, map keys while loading YAML.
 *
 * Keys are borrowed: the caller keeps each key alive (usually in an arena) for
 * as long as the map is used. Values are opaque pointers, never freed by the
 * map. Case-insensitive lookups are done by the caller normalising the key
 * (see str_fold()).
 */
#ifndef RECONCILER_UTIL_HMAP_H
#define RECONCILER_UTIL_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap_slot {
	const char *key;
	uint64_t hash;
	void *value;
};

struct hmap {
	struct hmap_slot *slots;
	size_t cap; /* a power of two, or 0 */
	size_t count;
};

/* clang-format would spread the initializer over four lines */
/* clang-format off */
#define HMAP_INIT { 0 }
/* clang-format on */

uint64_t hmap_hash(const char *key);
/* Returns the value stored under key, or NULL. */
void *hmap_get(const struct hmap *m, const char *key);
/* Stores value under key. If the key was present its old value is returned
 * through *old (when old is not NULL) and replaced; returns 1 then, else 0. */
int hmap_put(struct hmap *m, const char *key, void *value, void **old);
/* Stores value under key unless key is present: returns the value already
 * there (left as it was), or NULL when value was stored. For first-wins
 * indexes and duplicate checks: one lookup where get then put are two.
 * value must not be NULL. */
void *hmap_insert(struct hmap *m, const char *key, void *value);
/* The same with h = hmap_hash(key) computed beforehand, and a hint that a
 * key of hash h is coming: a loop over many keys hashes a few ahead and
 * prefetches their slots, so a large map is not one cache miss per key. */
void *hmap_insert_hashed(struct hmap *m, const char *key, uint64_t h, void *value);
void hmap_prefetch(const struct hmap *m, uint64_t h);
/* Makes room for n keys in all, so that filling the map up to n never
 * rehashes. */
void hmap_reserve(struct hmap *m, size_t n);
void hmap_free(struct hmap *m);

/* Iteration: for (size_t i = 0; hmap_next(m, &i, &k, &v);) */
int hmap_next(const struct hmap *m, size_t *iter, const char **key, void **value);

#endif
