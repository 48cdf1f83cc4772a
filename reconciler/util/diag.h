/*
 * Diagnostics: errors as values.
 *
 * Every stage that can find something wrong with the user's input (loader,
 * rules, diff, backends) appends a diagnostic to a `struct diags` instead of
 * printing: a severity, a rule id from the public list (README, "Rule ids"),
 * a source position, a message and a hint saying what to do instead. Only the
 * commands render them (text, json, github) and decide the exit code.
 *
 * A diagnostic owns copies of all its strings, so it outlives the state and
 * the files it was made from.
 */
#ifndef RECONCILER_UTIL_DIAG_H
#define RECONCILER_UTIL_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum diag_severity {
	DIAG_ERROR,
	DIAG_WARNING,
	DIAG_NOTE,
};

/* A position in a source file. file is borrowed (interned by whoever made
 * the position); line and column count from 1; 0 means unknown. */
struct pos {
	const char *file;
	unsigned line;
	unsigned col;
};

struct diag {
	enum diag_severity severity;
	char *rule;
	char *file; /* NULL when the diagnostic has no position */
	unsigned line;
	unsigned col;
	char *message;
	char *hint; /* NULL when there is nothing more to say */
};

struct diags {
	struct diag *v;
	size_t n;
	size_t cap;
	size_t errors;
	size_t warnings;
	/* Stops runaway input from producing millions of diagnostics; further
	 * ones are counted in `dropped` but not stored. */
	size_t limit;
	size_t dropped;
};

/* clang-format would spread the initializer over four lines */
/* clang-format off */
#define DIAGS_INIT { .limit = 1000 }
/* clang-format on */
#define DIAGS_NO_LIMIT ((size_t)-1)

void diag_add(struct diags *d, enum diag_severity sev, const char *rule, const struct pos *pos,
	      const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The same with the message's arguments as a va_list, for wrappers. */
void diag_vadd(struct diags *d, enum diag_severity sev, const char *rule, const struct pos *pos,
	       const char *hint, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
#define diag_error(d, rule, pos, hint, ...) diag_add(d, DIAG_ERROR, rule, pos, hint, __VA_ARGS__)
#define diag_warning(d, rule, pos, hint, ...) diag_add(d, DIAG_WARNING, rule, pos, hint, __VA_ARGS__)

static inline bool diags_has_errors(const struct diags *d)
{
	return d->errors > 0;
}

/* Orders diagnostics by file, line, column (stable for equal positions), so
 * output does not depend on the order checks ran in. */
void diags_sort(struct diags *d);
/* Moves every diagnostic of src to the end of dst; src is left empty. */
void diags_move(struct diags *dst, struct diags *src);
const char *diag_severity_name(enum diag_severity sev);
void diags_free(struct diags *d);

#endif
