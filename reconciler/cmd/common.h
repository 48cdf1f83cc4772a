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

/* Parses a --format value among the allowed set; prints the error itself. */
int parse_format(const char *cmd, const char *s, unsigned allowed, enum output_format *out);
/* Colour on a terminal only, never when NO_COLOR is set (and not empty) or TERM=dumb. */
bool use_color(FILE *f);
/* Parses a non-negative integer option value; prints the error itself. */
int parse_count(const char *cmd, const char *opt, const char *s, long *out);
/* --concurrency N: 1..256. */
int parse_concurrency(const char *cmd, const char *s, int *out);

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

struct option;
/* getopt_long for command cmd, reporting a bad option itself in the one
 * style every command uses: "reconciler CMD: unknown option '--x'; did you
 * mean '--y'?" or "reconciler CMD: option '--x' needs a value". Returns what
 * getopt_long returns ('?' for either error). */
int cmd_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
	       const struct option *opts);
/* Refuses arguments left after the options where a command takes none:
 * prints "reconciler CMD: unexpected argument 'X'" and returns -1. */
int no_operands(const char *cmd, int argc, char **argv, int first);

/* Handles --help / -h as the first option of a command: prints its usage. */
bool wants_help(int argc, char **argv);
int print_usage(const char *cmd, FILE *f);

/* With --log-format json: one event per change apply (or drift --correct)
 * executed, level info, or error when it failed; rule "apply". The human
 * report on stdout is unchanged. */
struct change;
void log_change_result(const struct change *c, bool ok, const char *message);

#endif
