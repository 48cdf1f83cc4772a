/*
 * Allocation that cannot fail from the caller's point of view.
 *
 * Like git's xmalloc: running out of memory is not a condition this tool can
 * recover from in any useful way, so every allocation either succeeds or the
 * process stops with a message. This keeps error paths for real errors
 * (bad input, network, I/O) instead of drowning them in NULL checks.
 */
#ifndef RECONCILER_UTIL_XALLOC_H
#define RECONCILER_UTIL_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Grows *v (an array of `elem` bytes per item) so that it holds at least
 * `need` items; *cap is updated. Growth is geometric. */
void xgrow(void **v, size_t *cap, size_t need, size_t elem);
#define XGROW(v, cap, need) xgrow((void **)&(v), &(cap), (need), sizeof(*(v)))

#endif
