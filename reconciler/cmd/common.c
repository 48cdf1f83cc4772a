#include "cmd/common.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "desired/load.h"
#include "plan/render_diags.h"
#include "plan/plan.h"
#include "rules/check.h"
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

int open_repo(const struct source_options *so, struct gitsrc **git, struct diags *d)
{
	if (*git)
		return 0;
	return gitsrc_open(git, so->repo, d);
}

int load_desired(const struct source_options *so, const char *ref, struct gitsrc **git,
		 struct state **out, char commit[GITSRC_HEX], struct diags *d)
{
	static const char *const here[] = { "." };
	const char *const *paths = so->n_paths ? so->paths : here;
	size_t n_paths = so->n_paths ? so->n_paths : 1;
	commit[0] = '\0';
	*out = NULL;
	if (!ref)
		return desired_load_paths(out, paths, n_paths, d);
	if (open_repo(so, git, d) < 0)
		return -1;
	return desired_load_git(out, *git, ref, paths, n_paths, commit, d);
}

int load_and_check(const struct source_options *so, const char *profile_name,
		   struct gitsrc **git, struct state **desired, struct profile **profile,
		   char commit[GITSRC_HEX], struct diags *d)
{
	*desired = NULL;
	*profile = NULL;
	commit[0] = '\0';
	if (profile_load(profile, profile_name ? profile_name : DEFAULT_PROFILE, d) < 0)
		return -1;
	int rc = load_desired(so, so->ref, git, desired, commit, d);
	if (*desired)
		rules_check_desired(*profile, *desired, d);
	diags_sort(d);
	return rc < 0 || diags_has_errors(d) ? -1 : 0;
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
	sb_printf(&sb, "%s %s", change_action_name(c->action), c->kind == KIND_SEGMENT ? "segment " : "account");
	if (c->kind == KIND_SEGMENT)
		sb_printf(&sb, "%s on", c->segment ? c->segment : "?");
	sb_printf(&sb, " \"%s\": %s%s%s", c->account ? c->account : "", ok ? "done" : c->refused ? "refused" : "FAILED",
		  message ? ": " : "", message ? message : "");
	log_json_event(ok ? "info" : "error", "apply", sb.buf);
	sb_release(&sb);
}
