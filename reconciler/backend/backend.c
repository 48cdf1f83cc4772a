/*
 * Choosing a backend from its spec: the one place that knows every
 * implementation by name.
 */
#include "backend.h"

#include <string.h>

#define RULE "backend"
#define LOCAL_DEFAULT_PATH ".reconciler/sandbox.json"

int backend_open(struct backend **out, const char *spec, const struct backend_options *opt, struct diags *d)
{
	*out = NULL;
	if (!spec || strcmp(spec, "local") == 0)
		return backend_local_open(out, LOCAL_DEFAULT_PATH, opt, d);
	if (strncmp(spec, "local:", 6) == 0) {
		if (spec[6] == '\0') {
			diag_error(d, RULE, NULL, "write the sandbox file after the colon: local:PATH",
				   "the backend spec \"local:\" names no file");
			return -1;
		}
		return backend_local_open(out, spec + 6, opt, d);
	}
	if (strcmp(spec, "liveramp") == 0)
		return backend_liveramp_open(out, opt, d);
	diag_error(d, RULE, NULL,
		   "valid backends: local (the sandbox .reconciler/sandbox.json), local:PATH, liveramp",
		   "unknown backend \"%s\"", spec);
	return -1;
}

void backend_close(struct backend *b)
{
	if (b)
		b->ops->close(b);
}
