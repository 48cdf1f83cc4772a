#include "cmd/render_plan.h"

#include "plan/planfile.h"
#include "plan/render.h"
#include "plan/render_diags.h"
#include "util/strbuf.h"

int render_plan(const struct plan *p, enum output_format fmt, FILE *f, const char *json_hint,
		const char *const *file_prefixes)
{
	struct strbuf out = STRBUF_INIT;
	struct render_options ro = { .color = use_color(f), .json_hint = json_hint,
				     .file_prefixes = file_prefixes };
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
