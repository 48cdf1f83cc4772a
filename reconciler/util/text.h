/*
 * Small text helpers shared by the loader, the rules and the renderers:
 * identity folding for names, "did you mean" suggestions, UTF-8 checks and
 * calendar dates.
 */
#ifndef RECONCILER_UTIL_TEXT_H
#define RECONCILER_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "strbuf.h"

/* Writes the identity form of a name into out (reset first): leading and
 * trailing whitespace removed, ASCII letters lower-cased. Two names are the
 * same account or segment name when their folded forms are equal. */
void str_fold(struct strbuf *out, const char *s);
/* The same, copied into a (NULL folds as ""): for the keys of name indexes. */
char *str_fold_arena(struct arena *a, const char *s);
bool str_same_name(const char *a, const char *b);

/* Edit distance (Levenshtein), capped: returns cap+1 when larger. */
size_t str_distance(const char *a, const char *b, size_t cap);
/* The candidate closest to word, or NULL when none is close enough to be a
 * plausible typo. candidates is NULL-terminated. */
const char *str_suggest(const char *word, const char *const *candidates);

/* Number of code points in a valid UTF-8 string. */
size_t utf8_length(const char *s);
/* Checks n bytes as UTF-8. On failure returns false and sets *bad_offset to
 * the offset of the first byte that is not valid. */
bool utf8_valid(const char *s, size_t n, size_t *bad_offset);

/* A calendar date, YYYY-MM-DD, as days since 1970-01-01. Returns false when
 * s is not exactly that shape or not a real date (2026-02-30). */
bool date_parse(const char *s, long *days_out);
/* Formats days since the epoch as YYYY-MM-DD into buf (16 bytes). */
void date_format(long days, char buf[static 16]);
/* An API timestamp as seconds since the epoch, UTC: "2026-11-28T12:00:00Z",
 * with optional fractional seconds, "Z" or "+00:00" (other offsets are
 * applied), or a bare date (midnight UTC). Returns false for anything else. */
bool timestamp_parse(const char *s, long long *secs_out);
/* Formats seconds since the epoch as "2026-11-28T12:00:00Z" into buf. */
void timestamp_format(long long secs, char buf[static 32]);

#endif
