/*
 * Choosing a backend from its spec: the one place that knows every
 * implementation by name.
 */
#include "backend/backend.h"

#include <stdio.h>
#include <string.h>

#include "util/strbuf.h"

#define RULE "backend"
#define LOCAL_DEFAULT_PATH ".reconciler/sandbox.json"

void backend_local_default_path(struct strbuf *out, const char *org_id)
{
	if (!org_id || !*org_id) {
		sb_puts(out, LOCAL_DEFAULT_PATH);
		return;
	}
	/* An org id is user input: every byte that could leave the directory,
	 * hide the file or clash with another id ('/', '.', '%', controls) is
	 * percent-encoded, so two ids never share a file. */
	sb_puts(out, ".reconciler/orgs/");
	for (const unsigned char *p = (const unsigned char *)org_id; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_')
			sb_putc(out, (char)*p);
		else
			sb_printf(out, "%%%02X", *p);
	}
	sb_puts(out, "/sandbox.json");
}

int backend_open(struct backend **out, const char *spec, const struct backend_options *opt, struct diags *d)
{
	*out = NULL;
	if (!spec || strcmp(spec, "local") == 0) {
		struct strbuf path = STRBUF_INIT;
		backend_local_default_path(&path, opt && opt->settings ? opt->settings->org_id.v : NULL);
		int rc = backend_local_open(out, path.buf, opt, d);
		sb_release(&path);
		return rc;
	}
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
