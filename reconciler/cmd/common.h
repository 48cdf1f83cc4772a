/*
 * What every command shares: the load-and-check front of the pipeline,
 * output formats, colour and diagnostics printing. Kept here so that each
 * cmd/NAME.c reads as its own options plus a few calls.
 */
#ifndef RECONCILER_CMD_COMMON_H
#define RECONCILER_CMD_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "model/model.h"
#include "rules/profile.h"
#include "util/diag.h"
#include "util/strbuf.h"

enum output_format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_MARKDOWN,
	FORMAT_GITHUB,
};

#define FORMATS_VALIDATE ((1u << FORMAT_TEXT) | (1u << FORMAT_JSON) | (1u << FORMAT_GITHUB))
#define FORMATS_PLAN ((1u << FORMAT_TEXT) | (1u << FORMAT_JSON) | (1u << FORMAT_MARKDOWN))

/* Parses a --format value among the allowed set; prints the error itself. */
int parse_format(const char *cmd, const char *s, unsigned allowed, enum output_format *out);
/* Colour on a terminal only, never when NO_COLOR is set (and not empty) or TERM=dumb. */
bool use_color(FILE *f);
/* Parses a non-negative integer option value; prints the error itself. */
int parse_count(const char *cmd, const char *opt, const char *s, long *out);
/* --concurrency N: 1..256. */
int parse_concurrency(const char *cmd, const char *s, int *out);

/* The front of every pipeline: load the destination profile, load the YAML
 * under paths (default "."), run the desired-state rules. *desired and
 * *profile are set whenever they could be loaded (possibly with errors in
 * d), so the caller can still report; the caller frees them. Returns 0 when
 * nothing is an error, -1 otherwise. */
int load_and_check(const char *const *paths, size_t n_paths, const char *profile_name,
		   struct state **desired, struct profile **profile, struct diags *d);

/* Prints diagnostics in text form to stderr (colour when it is a terminal),
 * followed by a count line when there is anything to count. */
void print_diags(const struct diags *d);
/* Writes all of sb to f; returns 0 or -1. */
int write_all(FILE *f, const struct strbuf *sb);

/* Handles --help / -h as the first option of a command: prints its usage. */
bool wants_help(int argc, char **argv);
int print_usage(const char *cmd, FILE *f);

#define DEFAULT_PROFILE "kargo"

#endif
