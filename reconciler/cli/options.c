#include "cli/options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "util/xalloc.h"

/* An option found in a table, with the base its offset applies to (groups
 * add their own offset). */
struct found {
	const struct opt *o;
	size_t base;
};

static int each_at(const struct opt *t, size_t base, int (*fn)(const struct opt *, size_t, void *), void *ctx)
{
	for (; t->kind != OPT_KIND_END; t++) {
		int rc = t->kind == OPT_KIND_INCLUDE ? each_at(t->sub, base + t->offset, fn, ctx)
						     : fn(t, base + t->offset, ctx);
		if (rc)
			return rc;
	}
	return 0;
}

struct visit {
	int (*fn)(const struct opt *, void *);
	void *ctx;
};

static int visit_one(const struct opt *o, size_t base, void *ctx)
{
	struct visit *v = ctx;
	return v->fn(o, v->ctx);
}

int opt_each(const struct opt *table, int (*fn)(const struct opt *o, void *ctx), void *ctx)
{
	struct visit v = { fn, ctx };
	return each_at(table, 0, visit_one, &v);
}

/* Lookup by long name: exact, or (as getopt_long) a prefix of one name only. */
struct lookup {
	const char *name;
	size_t len;
	char short_name;
	struct found exact, prefix;
	int n_prefix;
	const struct opt *operands;
	size_t operands_at;
};

static int lookup_one(const struct opt *o, size_t at, void *ctx)
{
	struct lookup *l = ctx;
	if (o->kind == OPT_KIND_OPERANDS) {
		l->operands = o;
		l->operands_at = at;
		return 0;
	}
	if (l->short_name) {
		if (o->short_name == l->short_name && !l->exact.o)
			l->exact = (struct found){ o, at };
		return 0;
	}
	if (!o->long_name || strncmp(o->long_name, l->name, l->len) != 0)
		return 0;
	if (!o->long_name[l->len]) {
		if (!l->exact.o)
			l->exact = (struct found){ o, at };
	} else if (!l->prefix.o || l->prefix.o != o) {
		l->prefix = (struct found){ o, at };
		l->n_prefix++;
	}
	return 0;
}

static struct found find_long(const struct opt *t, const char *name, size_t len)
{
	struct lookup l = { .name = name, .len = len };
	each_at(t, 0, lookup_one, &l);
	if (l.exact.o)
		return l.exact;
	return l.n_prefix == 1 ? l.prefix : (struct found){ 0 };
}

const struct opt *opt_find_long(const struct opt *table, const char *name, size_t len)
{
	struct lookup l = { .name = name, .len = len };
	each_at(table, 0, lookup_one, &l);
	return l.exact.o;
}

const struct opt *opt_find_short(const struct opt *table, char c)
{
	struct lookup l = { .short_name = c };
	each_at(table, 0, lookup_one, &l);
	return l.exact.o;
}

struct names {
	const char **v;
	size_t n, cap;
};

static int collect_name(const struct opt *o, void *ctx)
{
	struct names *ns = ctx;
	if (o->long_name) {
		XGROW(ns->v, ns->cap, ns->n + 2);
		ns->v[ns->n++] = o->long_name;
		ns->v[ns->n] = NULL;
	}
	return 0;
}

/* "reconciler CMD: unknown option 'ARG'", with the long option closest to
 * what was typed (without its "--" and any "=VALUE") when one is near. */
static void unknown(const char *cmd, const struct opt *table, const char *arg)
{
	const char *near = NULL;
	struct names ns = { 0 };
	if (strncmp(arg, "--", 2) == 0) {
		static const struct opt help[] = { { .kind = OPT_KIND_FLAG, .long_name = "help" },
						   OPT_END() };
		opt_each(table, collect_name, &ns);
		opt_each(help, collect_name, &ns);
		char word[64];
		const char *eq = strchr(arg + 2, '=');
		snprintf(word, sizeof(word), "%.*s", (int)(eq ? (size_t)(eq - arg - 2) : strlen(arg + 2)),
			 arg + 2);
		near = ns.v ? str_suggest(word, ns.v) : NULL;
	}
	if (near)
		fprintf(stderr, "reconciler %s: unknown option '%s'; did you mean '--%s'?\n", cmd, arg, near);
	else
		fprintf(stderr, "reconciler %s: unknown option '%s'\n", cmd, arg);
	free(ns.v);
}

static int parse_long_value(const char *cmd, const char *opt, const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0) {
		fprintf(stderr, "reconciler %s: %s needs a non-negative integer, got '%s'\n", cmd, opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* Stores value (NULL for a flag) in the field of o at base + at. */
static int store(const char *cmd, const struct opt *o, char *base, size_t at, const char *value)
{
	void *field = base + at;
	char name[80];
	snprintf(name, sizeof(name), "--%s", o->long_name);
	switch (o->kind) {
	case OPT_KIND_FLAG: *(bool *)field = true; return 0;
	case OPT_KIND_STRING: *(const char **)field = value; return 0;
	case OPT_KIND_COUNT: return parse_long_value(cmd, name, value, field);
	case OPT_KIND_INT: {
		long v;
		if (parse_long_value(cmd, name, value, &v) < 0)
			return -1;
		if (v < o->min || v > o->max) {
			fprintf(stderr, "reconciler %s: %s must be between %ld and %ld, got %ld\n", cmd, name,
				o->min, o->max, v);
			return -1;
		}
		*(int *)field = (int)v;
		return 0;
	}
	case OPT_KIND_ENUM:
		for (int i = 0; o->names[i]; i++) {
			if ((o->allowed & (1u << i)) && strcmp(value, o->names[i]) == 0) {
				*(int *)field = i;
				return 0;
			}
		}
		fprintf(stderr, "reconciler %s: unknown %s '%s' (choose from:", cmd, o->long_name, value);
		for (int i = 0; o->names[i]; i++)
			if (o->allowed & (1u << i))
				fprintf(stderr, " %s", o->names[i]);
		fprintf(stderr, ")\n");
		return -1;
	case OPT_KIND_CALLBACK: return o->cb(cmd, o, value, field);
	default: return -1;
	}
}

int opt_set(const char *cmd, const struct opt *o, void *field, const char *value)
{
	return store(cmd, o, field, 0, value);
}

/* One "-xVALUE" / "-x VALUE" / "-abc" word at argv[*i]. */
static int parse_short(const char *cmd, const struct opt *table, char *base, int argc, char **argv, int *i,
		       bool *usage)
{
	const char *w = argv[*i];
	for (size_t k = 1; w[k]; k++) {
		char shown[3] = { '-', w[k], 0 };
		if (w[k] == 'h')
			return 1;
		struct lookup l = { .short_name = w[k] };
		each_at(table, 0, lookup_one, &l);
		if (!l.exact.o) {
			unknown(cmd, table, shown);
			*usage = true;
			return -1;
		}
		if (!l.exact.o->argname) {
			if (store(cmd, l.exact.o, base, l.exact.base, NULL) < 0)
				return -1;
			continue;
		}
		const char *value = w[k + 1] ? w + k + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		if (!value) {
			fprintf(stderr, "reconciler %s: option '%s' needs a value\n", cmd, shown);
			*usage = true;
			return -1;
		}
		return store(cmd, l.exact.o, base, l.exact.base, value);
	}
	return 0;
}

static int parse_long(const char *cmd, const struct opt *table, char *base, int argc, char **argv, int *i,
		      bool *usage)
{
	const char *w = argv[*i], *name = w + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	struct found f = find_long(table, name, len);
	if (!f.o && !eq && len && strncmp("help", name, len) == 0)
		return 1;
	if (!f.o || (eq && !f.o->argname)) {
		unknown(cmd, table, w);
		*usage = true;
		return -1;
	}
	const char *value = NULL;
	if (f.o->argname) {
		value = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		if (!value) {
			fprintf(stderr, "reconciler %s: option '%s' needs a value\n", cmd, w);
			*usage = true;
			return -1;
		}
	}
	return store(cmd, f.o, base, f.base, value);
}

int opt_parse(const char *cmd, const struct opt *table, void *base, int argc, char **argv,
	      struct opt_operands *rest, bool *usage_wanted)
{
	bool usage = false;
	int n = 0, rc = 0;
	/* Operands are moved to the front (argv[1], argv[2], ...), in order:
	 * every slot they take was already read. */
	char **ops = argv + 1;
	bool options = true;
	for (int i = 1; rc == 0 && i < argc; i++) {
		char *w = argv[i];
		if (options && strcmp(w, "--") == 0) {
			options = false;
		} else if (options && w[0] == '-' && w[1] == '-') {
			rc = parse_long(cmd, table, base, argc, argv, &i, &usage);
		} else if (options && w[0] == '-' && w[1]) {
			rc = parse_short(cmd, table, base, argc, argv, &i, &usage);
		} else {
			ops[n++] = w;
		}
	}
	if (usage_wanted)
		*usage_wanted = usage;
	if (rc != 0)
		return rc;
	struct lookup l = { .name = "", .len = 0, .short_name = 1 };
	each_at(table, 0, lookup_one, &l);
	if (l.operands) {
		l.operands->put((char *)base + l.operands_at, (const char *const *)ops, (size_t)n);
	} else if (rest) {
		rest->v = (const char *const *)ops;
		rest->n = (size_t)n;
	} else if (n) {
		fprintf(stderr, "reconciler %s: unexpected argument '%s' (%s takes none)\n", cmd, ops[0],
			cmd);
		return -1;
	}
	return 0;
}

void opt_arg_text(const struct opt *o, struct strbuf *sb)
{
	if (o->kind != OPT_KIND_ENUM) {
		sb_puts(sb, o->argname ? o->argname : "");
		return;
	}
	bool first = true;
	for (int i = 0; o->names[i]; i++) {
		if (!(o->allowed & (1u << i)))
			continue;
		sb_printf(sb, "%s%s", first ? "" : "|", o->names[i]);
		first = false;
	}
}

struct usage_ctx {
	struct strbuf *sb;
	size_t col, indent, width;
};

static void usage_word(struct usage_ctx *u, const char *w, size_t len)
{
	if (u->col > u->indent && u->col + 1 + len > u->width) {
		sb_printf(u->sb, "\n%*s", (int)u->indent, "");
		u->col = u->indent;
	} else {
		sb_putc(u->sb, ' ');
		u->col++;
	}
	sb_printf(u->sb, "%.*s", (int)len, w);
	u->col += len;
}

static int usage_one(const struct opt *o, void *ctx)
{
	struct usage_ctx *u = ctx;
	if (o->kind == OPT_KIND_OPERANDS || !o->help)
		return 0;
	struct strbuf w = STRBUF_INIT;
	sb_printf(&w, "[--%s", o->long_name);
	if (o->argname) {
		sb_putc(&w, ' ');
		opt_arg_text(o, &w);
	}
	sb_putc(&w, ']');
	usage_word(u, w.buf, w.len);
	sb_release(&w);
	return 0;
}

void opt_usage(struct strbuf *sb, const char *synopsis, const struct opt *table, size_t first_col,
	       size_t indent, size_t width)
{
	struct usage_ctx u = { sb, first_col, indent, width };
	if (synopsis && *synopsis)
		usage_word(&u, synopsis, strlen(synopsis));
	opt_each(table, usage_one, &u);
}

/* The help column: where the help line starts after the option's name. */
#define HELP_COL 26
#define HELP_WIDTH 80

static int help_one(const struct opt *o, void *ctx)
{
	struct strbuf *sb = ctx;
	if (!o->help)
		return 0;
	size_t start = sb->len;
	if (o->kind == OPT_KIND_OPERANDS) {
		sb_printf(sb, "  %s", o->argname);
	} else {
		sb_puts(sb, "  ");
		if (o->short_name)
			sb_printf(sb, "-%c, ", o->short_name);
		sb_printf(sb, "--%s", o->long_name);
		if (o->argname) {
			sb_putc(sb, ' ');
			opt_arg_text(o, sb);
		}
	}
	size_t w = sb->len - start;
	if (w + 2 > HELP_COL)
		sb_printf(sb, "\n%*s", HELP_COL, "");
	else
		sb_printf(sb, "%*s", (int)(HELP_COL - w), "");
	/* The help text is filled to HELP_WIDTH, continuations aligned with
	 * the column (its newlines are spaces). */
	size_t col = HELP_COL;
	for (const char *p = o->help; *p;) {
		while (*p == ' ' || *p == '\n')
			p++;
		size_t n = strcspn(p, " \n");
		if (!n)
			break;
		if (col > HELP_COL && col + 1 + n > HELP_WIDTH) {
			sb_printf(sb, "\n%*s", HELP_COL, "");
			col = HELP_COL;
		} else if (col > HELP_COL) {
			sb_putc(sb, ' ');
			col++;
		}
		sb_add(sb, p, n);
		col += n;
		p += n;
	}
	sb_putc(sb, '\n');
	return 0;
}

void opt_help(struct strbuf *sb, const struct opt *table)
{
	opt_each(table, help_one, sb);
}
