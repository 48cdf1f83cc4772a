/*
 * A declarative option table, after git's parse-options: every option is
 * declared once (long name, short name, argument name, kind, the field it
 * sets, its help line) and the parser, the usage line, `help CMD`, "did you
 * mean", the man page and the shell completions all read that one table.
 *
 * A table is an array of struct opt ending with OPT_END(). Fields are set
 * by offset from a base pointer: the command's argument struct. Options
 * shared by several commands are declared once as a group (an array of
 * its own) and included with OPT_INCLUDE(group, offset), the offset of
 * the struct the group's own offsets are relative to.
 *
 * Errors are printed by the parser itself, in the one style every command
 * uses ("reconciler CMD: unknown option '--x'; did you mean '--y'?"), since
 * a command line error is the command's output.
 */
#ifndef RECONCILER_CLI_OPTIONS_H
#define RECONCILER_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

enum opt_kind {
	OPT_KIND_END,
	OPT_KIND_INCLUDE,  /* a group: sub, at offset */
	OPT_KIND_FLAG,	   /* bool, set true */
	OPT_KIND_STRING,   /* const char *, the value as given (borrowed from argv) */
	OPT_KIND_COUNT,	   /* long, a non-negative integer */
	OPT_KIND_INT,	   /* int, within [min, max] */
	OPT_KIND_ENUM,	   /* int, the index of the value in names (among allowed bits) */
	OPT_KIND_CALLBACK, /* cb(cmd, opt, value, field): 0, or -1 after printing why */
	OPT_KIND_OPERANDS, /* where the operands go: a struct opt_operands */
};

struct opt;
typedef int (*opt_cb)(const char *cmd, const struct opt *o, const char *value, void *field);

struct opt {
	enum opt_kind kind;
	const char *long_name;
	char short_name;	  /* 0: none */
	const char *argname;	  /* NULL: takes no value */
	size_t offset;		  /* of the field in the base struct */
	const char *help;	  /* one line (may wrap); NULL: not listed */
	long min, max;		  /* OPT_KIND_INT */
	const char *const *names; /* OPT_KIND_ENUM: the values, NULL-terminated */
	unsigned allowed;	  /* OPT_KIND_ENUM: bit i allows names[i] */
	opt_cb cb;		  /* OPT_KIND_CALLBACK */
	const struct opt *sub;	  /* OPT_KIND_INCLUDE */
	/* OPT_KIND_OPERANDS: stores the operands (borrowed from argv) */
	void (*put)(void *field, const char *const *v, size_t n);
};

/* Operands left for the caller, in tables without an OPT_OPERANDS entry. */
struct opt_operands {
	const char *const *v;
	size_t n;
};

/* One initializer per line, as a table reads (clang-format would break each in four). */
/* clang-format off */
#define OPT_END() { .kind = OPT_KIND_END }
#define OPT_INCLUDE(group, off) { .kind = OPT_KIND_INCLUDE, .sub = (group), .offset = (off) }
#define OPT_FLAG(s, l, off, h) { .kind = OPT_KIND_FLAG, .long_name = (l), .short_name = (s), .offset = (off), .help = (h) }
#define OPT_STRING(s, l, arg, off, h) \
	{ .kind = OPT_KIND_STRING, .long_name = (l), .short_name = (s), .argname = (arg), .offset = (off), .help = (h) }
#define OPT_COUNT(s, l, arg, off, h) \
	{ .kind = OPT_KIND_COUNT, .long_name = (l), .short_name = (s), .argname = (arg), .offset = (off), .help = (h) }
#define OPT_INT(s, l, arg, off, lo, hi, h)                                                                   \
	{ .kind = OPT_KIND_INT, .long_name = (l), .short_name = (s), .argname = (arg), .offset = (off), .min = (lo), \
	  .max = (hi), .help = (h) }
#define OPT_ENUM(s, l, off, nm, bits, h)                                                                        \
	{ .kind = OPT_KIND_ENUM, .long_name = (l), .short_name = (s), .argname = "", .offset = (off), .names = (nm), \
	  .allowed = (bits), .help = (h) }
#define OPT_CALLBACK(s, l, arg, off, fn, h) \
	{ .kind = OPT_KIND_CALLBACK, .long_name = (l), .short_name = (s), .argname = (arg), .offset = (off), .cb = (fn), .help = (h) }
#define OPT_OPERANDS(arg, off, fn, h) { .kind = OPT_KIND_OPERANDS, .argname = (arg), .offset = (off), .put = (fn), .help = (h) }
/* clang-format on */

/* Parses argv[1..argc) (argv[0] is the command's name, as cmd) into base.
 * Options and operands may come in any order; "--" ends the options.
 * "--help" / "-h" anywhere asks for help: returns 1 with nothing else
 * checked. Operands go to the table's OPT_OPERANDS field, or, without one,
 * to *rest (when rest is not NULL; refused otherwise). Returns 0, 1 (help),
 * or -1 after printing what was wrong; *usage_wanted is set when the
 * caller should print the usage line after it (an unknown option or a
 * missing value, not a bad value). */
int opt_parse(const char *cmd, const struct opt *table, void *base, int argc, char **argv,
	      struct opt_operands *rest, bool *usage_wanted);

/* Sets field (o's own field, offset already applied) from value as the
 * parser would (NULL for a flag); prints a bad value's error. 0 or -1. */
int opt_set(const char *cmd, const struct opt *o, void *field, const char *value);

/* Visits every option of table, groups expanded, in order (operands
 * entries too); stops early when fn returns non-zero, and returns that. */
int opt_each(const struct opt *table, int (*fn)(const struct opt *o, void *ctx), void *ctx);
/* The option of table whose long name is name (len bytes), or NULL. */
const struct opt *opt_find_long(const struct opt *table, const char *name, size_t len);
const struct opt *opt_find_short(const struct opt *table, char c);
/* The argument as shown in usage and help: argname, or for an enum the
 * allowed values joined by '|'. Appends to sb. */
void opt_arg_text(const struct opt *o, struct strbuf *sb);
/* "[--ref REF] [--repo DIR] ..." wrapped to width, continuation lines
 * indented by indent spaces; operands (synopsis) first. */
void opt_usage(struct strbuf *sb, const char *synopsis, const struct opt *table, size_t first_col,
	       size_t indent, size_t width);
/* The option list: "  -b, --backend B   help...", one entry per option. */
void opt_help(struct strbuf *sb, const struct opt *table);

#endif
