#include "cmd/common.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "plan/render_diags.h"
#include "plan/plan.h"
#include "util/log_json.h"
#include "util/text.h"
#include "util/xalloc.h"

const char *const format_names[] = { "text", "json", "markdown", "github", "html", NULL };

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

int print_output(const char *cmd, const char *what, struct strbuf *sb)
{
	int rc = write_all(stdout, sb);
	sb_release(sb);
	if (rc < 0)
		fprintf(stderr, "reconciler %s: cannot write %s%sto standard output\n", cmd, what ? what : "",
			what ? " " : "");
	return rc;
}

int write_all(FILE *f, const struct strbuf *sb)
{
	if (sb->len && fwrite(sb->buf, 1, sb->len, f) != sb->len)
		return -1;
	return fflush(f) == 0 ? 0 : -1;
}

void log_change_result(const struct change *c, bool ok, const char *message)
{
	if (!log_json_enabled())
		return;
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s %s", change_action_name(c->action),
		  c->kind == KIND_SEGMENT ? "segment " : "account");
	if (c->kind == KIND_SEGMENT)
		sb_printf(&sb, "%s on", c->segment ? c->segment : "?");
	sb_printf(&sb, " \"%s\": %s%s%s", c->account ? c->account : "",
		  ok	       ? "done"
		  : c->refused ? "refused"
			       : "FAILED",
		  message ? ": " : "", message ? message : "");
	log_json_event(ok ? "info" : "error", "apply", sb.buf);
	sb_release(&sb);
}
