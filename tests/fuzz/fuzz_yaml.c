/* The YAML loader end to end: parse, build the desired state, run the rules. */
#include "fuzz.h"

#include <stdlib.h>

#include "desired/load.h"
#include "yaml/ydoc.h"
#include "model/model.h"
#include "rules/check.h"
#include "rules/profile.h"

static struct profile *kargo(void)
{
	static struct profile *p;
	if (!p) {
		struct diags d = DIAGS_INIT;
		if (profile_load(&p, "kargo", &d) < 0)
			abort();
		diags_free(&d);
	}
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d = DIAGS_INIT;
	struct ydoc *doc = NULL;
	if (ydoc_parse(&doc, "fuzz.yaml", (const char *)data, size, &d) == 0) {
		struct state *s = state_new();
		desired_load_doc(s, doc, &d);
		state_canonicalize(s);
		rules_check_desired(kargo(), s, &d);
		state_free(s);
		ydoc_free(doc);
	}
	diags_free(&d);
	return 0;
}
