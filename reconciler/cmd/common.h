/*
 * What every command shares: output formats, colour, option helpers and
 * diagnostics printing (the run itself is reconcile/). Kept here so that each
 * cmd/NAME.c reads as its own options plus a few calls.
 */
#ifndef RECONCILER_CMD_COMMON_H
#define RECONCILER_CMD_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "util/diag.h"
#include "util/strbuf.h"

enum output_format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_MARKDOWN,
	FORMAT_GITHUB,
	FORMAT_HTML,
};

#define FORMATS_VALIDATE ((1u << FORMAT_TEXT) | (1u << FORMAT_JSON) | (1u << FORMAT_GITHUB))
#define FORMATS_PLAN ((1u << FORMAT_TEXT) | (1u << FORMAT_JSON) | (1u << FORMAT_MARKDOWN))
#define FORMATS_PLAN_CMD (FORMATS_PLAN | (1u << FORMAT_GITHUB))

/* RECONCILER_PARSE_ONLY=1 (a tooling aid, README): every command parses its
 * options and reports a bad one exactly as usual, then exits 0 having done
 * nothing else. The CI-template test checks each `reconciler` line of ci/
 * against the real parser this way. */
bool parse_only(void);

/* The names of enum output_format, in order, NULL-terminated. */
extern const char *const format_names[];
/* Colour on a terminal only, never when NO_COLOR is set (and not empty) or TERM=dumb. */
bool use_color(FILE *f);

/* The file-label prefixes GitHub annotations leave out: "REF:" for ref and
 * for base when they are set (either may be NULL). A NULL-terminated list;
 * free it with free_label_prefixes(). */
char **label_prefixes(const char *ref, const char *base);
void free_label_prefixes(char **v);

/* Prints diagnostics in text form to stderr (colour when it is a terminal),
 * followed by a count line when there is anything to count. */
void print_diags(const struct diags *d);
/* Writes all of sb to f; returns 0 or -1. */
int write_all(FILE *f, const struct strbuf *sb);
/* A command's document on stdout: writes sb and releases it. When it
 * cannot be written, says "reconciler CMD: cannot write WHAT to standard
 * output" (what may be NULL) and returns -1. */
int print_output(const char *cmd, const char *what, struct strbuf *sb);

/* With --log-format json: one event per change apply (or drift --correct)
 * executed, level info, or error when it failed; rule "apply". The human
 * report on stdout is unchanged. */
struct change;
void log_change_result(const struct change *c, bool ok, const char *message);

#endif
