#include "render_diags.h"

#include <string.h>

#include "util/xalloc.h"

static const char *sev_color(enum diag_severity s)
{
	return s == DIAG_ERROR ? "\033[1;31m" : s == DIAG_WARNING ? "\033[1;33m" : "\033[1;36m";
}

void diags_render_text(const struct diags *d, struct strbuf *out, bool color)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		if (g->file) {
			sb_puts(out, g->file);
			if (g->line)
				sb_printf(out, ":%u:%u", g->line, g->col);
			sb_puts(out, ": ");
		}
		if (color)
			sb_puts(out, sev_color(g->severity));
		sb_printf(out, "%s[%s]", diag_severity_name(g->severity), g->rule);
		if (color)
			sb_puts(out, "\033[0m");
		sb_printf(out, ": %s\n", g->message);
		if (g->hint)
			sb_printf(out, "  hint: %s\n", g->hint);
	}
	if (d->dropped)
		sb_printf(out, "(%zu more diagnostic%s not shown)\n", d->dropped, d->dropped == 1 ? "" : "s");
}

/* GitHub's workflow commands treat '%', CR and LF specially in the message,
 * and additionally ',' and ':' in properties: each is written as %XX, its
 * byte in upper-case hex. */
void diags_github_escape(struct strbuf *out, const char *s, bool property)
{
	for (; *s; s++) {
		if (*s == '%' || *s == '\r' || *s == '\n' || (property && (*s == ':' || *s == ',')))
			sb_printf(out, "%%%02X", (unsigned char)*s);
		else
			/* Other control characters (ESC above all) would reach the
			 * workflow log as they are: a space, as in Markdown. */
			sb_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
	}
}

void diags_render_github(const struct diags *d, struct strbuf *out)
{
	diags_render_github_in(d, NULL, out);
}

const char *diags_github_file(const char *file, const char *const *strip)
{
	for (size_t i = 0; strip && strip[i]; i++) {
		size_t n = strlen(strip[i]);
		if (n && strncmp(file, strip[i], n) == 0)
			return file + n;
	}
	return file;
}

void diags_render_github_in(const struct diags *d, const char *const *strip, struct strbuf *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		sb_printf(out, "::%s ",
			  g->severity == DIAG_ERROR	? "error"
			  : g->severity == DIAG_WARNING ? "warning"
							: "notice");
		if (g->file) {
			sb_puts(out, "file=");
			diags_github_escape(out, diags_github_file(g->file, strip), true);
			if (g->line)
				sb_printf(out, ",line=%u,col=%u", g->line, g->col);
			sb_putc(out, ',');
		}
		sb_puts(out, "title=");
		diags_github_escape(out, g->rule, true);
		sb_puts(out, "::");
		diags_github_escape(out, g->message, false);
		if (g->hint) {
			sb_puts(out, " (hint: ");
			diags_github_escape(out, g->hint, false);
			sb_putc(out, ')');
		}
		sb_putc(out, '\n');
	}
}

json_t *diags_to_json(const struct diags *d)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		json_t *o = json_object();
		json_object_set_new(o, "severity", json_string(diag_severity_name(g->severity)));
		json_object_set_new(o, "rule", json_string(g->rule));
		json_object_set_new(o, "file", g->file ? json_string(g->file) : json_null());
		json_object_set_new(o, "line", g->line ? json_integer(g->line) : json_null());
		json_object_set_new(o, "column", g->line ? json_integer(g->col) : json_null());
		json_object_set_new(o, "message", json_string(g->message));
		json_object_set_new(o, "hint", g->hint ? json_string(g->hint) : json_null());
		json_array_append_new(arr, o);
	}
	return arr;
}

const char *diags_failure_kind(const struct diags *d)
{
	static const struct {
		const char *prefix, *kind;
	} kinds[] = {
		{ "backend", "backend" }, { "git.", "git" },	  { "plan.", "plan" },
		{ "apply", "apply" },	  { "record.", "apply" },
	};
	/* The first kind in this order that any error has: a credential failure
	 * is reported as such even when other errors come with it. */
	for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++)
		for (size_t i = 0; i < d->n; i++)
			if (d->v[i].severity == DIAG_ERROR && d->v[i].rule &&
			    strncmp(d->v[i].rule, kinds[k].prefix, strlen(kinds[k].prefix)) == 0)
				return kinds[k].kind;
	return "configuration";
}

const char *diags_failure_text(const char *kind)
{
	if (strcmp(kind, "backend") == 0)
		return "the backend failed: credentials, network or the API";
	if (strcmp(kind, "git") == 0)
		return "the git source could not be read";
	if (strcmp(kind, "plan") == 0)
		return "the saved plan cannot be used";
	if (strcmp(kind, "apply") == 0)
		return "apply failed";
	return "the configuration has errors";
}

static const char *str_or_null(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static unsigned uint_or_zero(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return 0;
	json_int_t n = json_integer_value(v);
	return n > 0 && n < 100000000 ? (unsigned)n : 0;
}

int diags_from_json(struct diags *d, const json_t *arr)
{
	if (!json_is_array(arr))
		return -1;
	size_t i;
	const json_t *o;
	json_array_foreach(arr, i, o)
	{
		const char *sev = str_or_null(o, "severity");
		const char *rule = str_or_null(o, "rule");
		const char *msg = str_or_null(o, "message");
		if (!sev || !rule || !msg)
			continue;
		enum diag_severity s = strcmp(sev, "error") == 0     ? DIAG_ERROR
				       : strcmp(sev, "warning") == 0 ? DIAG_WARNING
								     : DIAG_NOTE;
		struct pos at = { str_or_null(o, "file"), uint_or_zero(o, "line"),
				  uint_or_zero(o, "column") };
		diag_add(d, s, rule, at.file ? &at : NULL, str_or_null(o, "hint"), "%s", msg);
	}
	return 0;
}
