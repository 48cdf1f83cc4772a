/*
 * A bump allocator. Everything a loaded state owns (names, ids, positions,
 * arrays) lives in one arena, so a state is freed with one call and error
 * paths in the loaders never have to unwind partial structures.
 *
 * Pointers returned stay valid until arena_free(); there is no per-object free.
 */
#ifndef RECONCILER_UTIL_ARENA_H
#define RECONCILER_UTIL_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used_bytes;
};

/* clang-format would spread the initializer over four lines */
/* clang-format off */
#define ARENA_INIT { 0 }
/* clang-format on */

/* Zeroed memory, aligned for any type. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

#endif
