#include "cmd/common.h"

#include <errno.h>
#include <stddef.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "plan/render_diags.h"
#include "plan/plan.h"
#include "util/log_json.h"
#include "util/text.h"
#include "util/xalloc.h"

static const char *const format_names[] = { "text", "json", "markdown", "github", "html" };

int parse_format(const char *cmd, const char *s, unsigned allowed, enum output_format *out)
{
	for (unsigned i = 0; i < sizeof(format_names) / sizeof(*format_names); i++) {
		if ((allowed & (1u << i)) && strcmp(s, format_names[i]) == 0) {
			*out = (enum output_format)i;
			return 0;
		}
	}
	fprintf(stderr, "reconciler %s: unknown format '%s' (choose from:", cmd, s);
	for (unsigned i = 0; i < sizeof(format_names) / sizeof(*format_names); i++)
		if (allowed & (1u << i))
			fprintf(stderr, " %s", format_names[i]);
	fprintf(stderr, ")\n");
	return -1;
}

int parse_count(const char *cmd, const char *opt, const char *s, long *out)
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

int parse_concurrency(const char *cmd, const char *s, int *out)
{
	long v;
	if (parse_count(cmd, "--concurrency", s, &v) < 0)
		return -1;
	if (v < 1 || v > 256) {
		fprintf(stderr, "reconciler %s: --concurrency must be between 1 and 256, got %ld\n", cmd, v);
		return -1;
	}
	*out = (int)v;
	return 0;
}

bool use_color(FILE *f)
{
	const char *no = getenv("NO_COLOR");
	if (no && *no)
		return false;
	const char *term = getenv("TERM");
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(f));
}

char **label_prefixes(const char *ref, const char *base)
{
	char **v = xcalloc(3, sizeof(*v));
	size_t n = 0;
	const char *refs[] = { ref, base };
	for (size_t i = 0; i < 2; i++) {
		if (!refs[i])
			continue;
		struct strbuf sb = STRBUF_INIT;
		sb_printf(&sb, "%s:", refs[i]);
		v[n++] = sb_detach(&sb);
	}
	return v;
}

void free_label_prefixes(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

bool parse_only(void)
{
	const char *v = getenv("RECONCILER_PARSE_ONLY");
	return v && strcmp(v, "1") == 0;
}

void print_diags(const struct diags *d)
{
	if (log_json_enabled()) {
		for (size_t i = 0; i < d->n; i++)
			log_json_diag(&d->v[i]);
		return;
	}
	struct strbuf sb = STRBUF_INIT;
	diags_render_text(d, &sb, use_color(stderr));
	if (d->errors || d->warnings)
		sb_printf(&sb, "%zu error%s, %zu warning%s\n", d->errors, d->errors == 1 ? "" : "s",
			  d->warnings, d->warnings == 1 ? "" : "s");
	write_all(stderr, &sb);
	sb_release(&sb);
}

int write_all(FILE *f, const struct strbuf *sb)
{
	if (sb->len && fwrite(sb->buf, 1, sb->len, f) != sb->len)
		return -1;
	return fflush(f) == 0 ? 0 : -1;
}

bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

int print_usage(const char *cmd, FILE *f)
{
	const struct command *c = command_find(cmd);
	if (c)
		fprintf(f, "usage: reconciler %s %s\n", c->name, c->usage);
	return f == stdout ? EXIT_OK : EXIT_ERROR;
}

void log_change_result(const struct change *c, bool ok, const char *message)
{
	if (!log_json_enabled())
		return;
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s %s", change_action_name(c->action), c->kind == KIND_SEGMENT ? "segment " : "account");
	if (c->kind == KIND_SEGMENT)
		sb_printf(&sb, "%s on", c->segment ? c->segment : "?");
	sb_printf(&sb, " \"%s\": %s%s%s", c->account ? c->account : "", ok ? "done" : c->refused ? "refused" : "FAILED",
		  message ? ": " : "", message ? message : "");
	log_json_event(ok ? "info" : "error", "apply", sb.buf);
	sb_release(&sb);
}

/* The long option closest to what was typed (without its "--" and any
 * "=VALUE"), as "--name", or NULL. */
static const char *near_option(const char *typed, const struct option *opts, char *buf, size_t size)
{
	size_t n = 0;
	while (opts[n].name)
		n++;
	const char **names = xcalloc(n + 1, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = opts[i].name;
	char word[64];
	const char *eq = strchr(typed, '=');
	snprintf(word, sizeof(word), "%.*s", (int)(eq ? eq - typed : (ptrdiff_t)strlen(typed)), typed);
	const char *best = str_suggest(word, names);
	if (best)
		snprintf(buf, size, "--%s", best);
	free(names);
	return best ? buf : NULL;
}

int cmd_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
	       const struct option *opts)
{
	char spec[64];
	/* A leading ':' tells a missing value (':') from an unknown option ('?'). */
	snprintf(spec, sizeof(spec), ":%s", shortopts);
	opterr = 0;
	int c = getopt_long(argc, argv, spec, opts, NULL);
	if (c != '?' && c != ':')
		return c;
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	char shown[8];
	if (optopt && (strncmp(arg, "--", 2) != 0)) {
		snprintf(shown, sizeof(shown), "-%c", optopt);
		arg = shown;
	}
	if (c == ':') {
		fprintf(stderr, "reconciler %s: option '%s' needs a value\n", cmd, arg);
		return '?';
	}
	char buf[64];
	const char *near = strncmp(arg, "--", 2) == 0 ? near_option(arg + 2, opts, buf, sizeof(buf)) : NULL;
	if (near)
		fprintf(stderr, "reconciler %s: unknown option '%s'; did you mean '%s'?\n", cmd, arg, near);
	else
		fprintf(stderr, "reconciler %s: unknown option '%s'\n", cmd, arg);
	return '?';
}

int no_operands(const char *cmd, int argc, char **argv, int first)
{
	if (first >= argc)
		return 0;
	fprintf(stderr, "reconciler %s: unexpected argument '%s' (%s takes none)\n", cmd, argv[first], cmd);
	return -1;
}
