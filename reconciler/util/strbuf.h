/*
 * One growable byte buffer for every string the program builds: rendered
 * output, HTTP bodies, file contents. The buffer is always NUL-terminated once
 * anything has been added, so sb.buf can be handed to C string functions.
 *
 * Ownership: the strbuf owns sb.buf until sb_detach() hands it to the caller
 * or sb_release() frees it. A zeroed strbuf (STRBUF_INIT) is empty and valid.
 */
#ifndef RECONCILER_UTIL_STRBUF_H
#define RECONCILER_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

/* clang-format would spread the initializer over four lines */
/* clang-format off */
#define STRBUF_INIT { 0 }
/* clang-format on */

void sb_add(struct strbuf *sb, const void *data, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s as a JSON string literal, quotes included. */
void sb_json_str(struct strbuf *sb, const char *s);
/* Empties the buffer, keeping its memory. */
void sb_reset(struct strbuf *sb);
/* Returns the buffer (never NULL; "" when empty) and leaves sb empty. */
char *sb_detach(struct strbuf *sb);
/* Returns the contents; "" when nothing was added. Borrowed. */
const char *sb_str(const struct strbuf *sb);
void sb_release(struct strbuf *sb);

#endif
