/*
 * What every command shares: the load-and-check front of the pipeline,
 * output formats, colour and diagnostics printing. Kept here so that each
 * cmd/NAME.c reads as its own options plus a few calls.
 */
#ifndef RECONCILER_CMD_COMMON_H
#define RECONCILER_CMD_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "desired/git.h"
#include "model/model.h"
#include "rules/profile.h"
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

/* Where a command reads the desired state: the work tree, or the tree of a
 * git ref (--ref REF, in the repository of --repo DIR or of the current
 * directory). */
struct source_options {
	const char *const *paths; /* none: "." */
	size_t n_paths;
	const char *ref;  /* NULL: the work tree */
	const char *repo; /* NULL: the repository containing the current directory */
};

/* Opens the repository of so (once: *git is kept open for the caller, who
 * closes it with gitsrc_close). */
int open_repo(const struct source_options *so, struct gitsrc **git, struct diags *d);
/* Loads the desired state from so: the work tree, or ref (opening *git
 * when it is NULL). commit receives the commit id for a ref, "" otherwise. */
int load_desired(const struct source_options *so, const char *ref, struct gitsrc **git,
		 struct state **out, char commit[GITSRC_HEX], struct diags *d);

/* The front of every pipeline: load the destination profile, load the YAML
 * from so (default "."), run the desired-state rules. *desired and
 * *profile are set whenever they could be loaded (possibly with errors in
 * d), so the caller can still report; the caller frees them (and closes
 * *git). Returns 0 when nothing is an error, -1 otherwise. */
int load_and_check(const struct source_options *so, const char *profile_name,
		   struct gitsrc **git, struct state **desired, struct profile **profile,
		   char commit[GITSRC_HEX], struct diags *d);
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

#define DEFAULT_PROFILE "kargo"

#endif
