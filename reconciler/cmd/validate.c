/*
 * reconciler validate: the configuration against the schema and the
 * destination's rules, before anything is sent anywhere.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/groups.h"
#include "reconcile/pipeline.h"
#include "plan/render_diags.h"
#include "reconcile/source.h"

static size_t count_segments(const struct state *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_accounts; i++)
		n += s->accounts[i]->n_segments;
	return n;
}

static void render(enum output_format fmt, bool ok, const struct state *desired, struct diags *d,
		   const char *const *file_prefixes)
{
	struct strbuf out = STRBUF_INIT;
	if (fmt == FORMAT_JSON) {
		json_t *o = json_object();
		json_object_set_new(o, "valid", json_boolean(ok));
		json_object_set_new(o, "diagnostics", diags_to_json(d));
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		sb_puts(&out, s);
		sb_putc(&out, '\n');
		free(s);
		json_decref(o);
		write_all(stdout, &out);
	} else if (fmt == FORMAT_GITHUB) {
		diags_render_github_in(d, file_prefixes, &out);
		write_all(stdout, &out);
	} else {
		print_diags(d);
		if (ok && desired)
			printf("Valid: %zu account%s, %zu segment%s.\n", desired->n_accounts,
			       desired->n_accounts == 1 ? "" : "s", count_segments(desired),
			       count_segments(desired) == 1 ? "" : "s");
		else if (!ok)
			fprintf(stderr, "Invalid configuration.\n");
	}
	sb_release(&out);
}

struct validate_args {
	struct pipeline_options po; /* only src and profile */
	enum output_format fmt;
};

static const struct opt validate_options[] = {
	OPT_INCLUDE(opt_source, offsetof(struct validate_args, po.src)),
	OPT_FORMAT(offsetof(struct validate_args, fmt), FORMATS_VALIDATE),
	OPT_INCLUDE(opt_profile, offsetof(struct validate_args, po)),
	OPT_END(),
};

static int validate_run(void *args)
{
	struct validate_args *a = args;
	const struct source_options so = a->po.src;
	enum output_format fmt = a->fmt;
	struct diags d = DIAGS_INIT;
	struct state *desired;
	struct profile *profile;
	struct gitsrc *git = NULL;
	char commit[GITSRC_HEX];
	int rc = load_and_check(&so, a->po.profile, &git, &desired, &profile, commit, &d);
	char **prefixes = label_prefixes(so.ref, NULL);
	render(fmt, rc == 0, desired, &d, (const char *const *)prefixes);
	free_label_prefixes(prefixes);
	state_free(desired);
	profile_free(profile);
	gitsrc_close(git);
	diags_free(&d);
	return rc == 0 ? EXIT_OK : EXIT_ERROR;
}

const struct command_ops validate_ops = {
	validate_options, sizeof(struct validate_args), NULL, NULL, validate_run, NULL
};
