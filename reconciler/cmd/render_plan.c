#include "cmd/render_plan.h"

#include <stdlib.h>

#include "plan/planfile.h"
#include "plan/render.h"
#include "plan/render_diags.h"
#include "util/strbuf.h"

int render_plan(const struct plan *p, enum output_format fmt, FILE *f, const char *json_hint,
		const char *const *file_prefixes)
{
	struct render_options ro = { .json_hint = json_hint, .file_prefixes = file_prefixes };
	return render_plan_with(p, fmt, f, &ro);
}

int parse_artifact_url(const char *cmd, const char *s, const char **out)
{
	if (!render_url_ok(s)) {
		fprintf(stderr,
			"reconciler %s: --artifact-url needs an http(s) URL of at most 2,000 characters, "
			"without blanks, quotes, <>, (), [] or backquotes; got '%s'\n",
			cmd, s);
		return -1;
	}
	*out = s;
	return 0;
}

int render_plan_with(const struct plan *p, enum output_format fmt, FILE *f, const struct render_options *o)
{
	struct strbuf out = STRBUF_INIT;
	struct render_options ro = *o;
	ro.color = use_color(f);
	if (fmt == FORMAT_JSON) {
		plan_write_json(p, &out);
	} else if (fmt == FORMAT_GITHUB) {
		plan_render_github(p, &ro, &out);
	} else {
		if (p->diags.n && fmt == FORMAT_TEXT)
			print_diags(&p->diags);
		if (fmt == FORMAT_MARKDOWN)
			plan_render_markdown(p, &ro, &out);
		else
			plan_render_text(p, &ro, &out);
	}
	int rc = write_all(f, &out);
	sb_release(&out);
	return rc;
}

int render_diags_github(const struct diags *d, const char *const *file_prefixes)
{
	struct strbuf out = STRBUF_INIT;
	diags_render_github_in(d, file_prefixes, &out);
	int rc = write_all(stdout, &out);
	sb_release(&out);
	return rc;
}

json_t *failure_to_json(const struct diags *d)
{
	struct plan *empty = plan_new();
	json_t *o = plan_to_json(empty);
	plan_free(empty);
	json_object_set_new(o, "diagnostics", diags_to_json(d));
	json_object_set_new(o, "error", json_true());
	json_object_set_new(o, "failure", json_string(diags_failure_kind(d)));
	json_object_set_new(o, "exit_code", json_integer(1));
	return o;
}

int render_failure(enum output_format fmt, const struct diags *d, const char *const *file_prefixes)
{
	struct strbuf out = STRBUF_INIT;
	if (fmt == FORMAT_JSON) {
		json_t *o = failure_to_json(d);
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s) {
			sb_puts(&out, s);
			sb_putc(&out, '\n');
		}
		free(s);
		json_decref(o);
	} else if (fmt == FORMAT_MARKDOWN) {
		struct render_options ro = { 0 };
		plan_render_markdown_failure(d, diags_failure_text(diags_failure_kind(d)), &ro, &out);
	} else if (fmt == FORMAT_GITHUB) {
		diags_render_github_in(d, file_prefixes, &out);
	}
	int rc = write_all(stdout, &out);
	sb_release(&out);
	return rc;
}
