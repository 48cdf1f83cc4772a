/* The saved-plan reader: anything it accepts must write back and render. */
#include "fuzz.h"

#include "plan/planfile.h"
#include "plan/render.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d = DIAGS_INIT;
	struct plan *p = NULL;
	if (plan_read_json(&p, (const char *)data, size, "fuzz.json", &d) == 0) {
		struct strbuf out = STRBUF_INIT;
		struct render_options o = { 0 };
		plan_write_json(p, &out);
		sb_reset(&out);
		plan_render_text(p, &o, &out);
		sb_reset(&out);
		plan_render_markdown(p, &o, &out);
		sb_release(&out);
	}
	plan_free(p);
	diags_free(&d);
	return 0;
}
