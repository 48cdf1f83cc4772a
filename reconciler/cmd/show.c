/*
 * reconciler show: render a saved plan.
 */
#include <stddef.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/groups.h"
#include "cmd/render_plan.h"
#include "plan/planfile.h"
#include "plan/render.h"

struct show_args {
	enum output_format fmt;
	const char *artifact_url;
	const char *file;
};

static const struct opt show_options[] = {
	OPT_FORMAT(offsetof(struct show_args, fmt), FORMATS_PLAN),
	OPT_INCLUDE(opt_artifact_url, offsetof(struct show_args, artifact_url)),
	OPT_END(),
};

static int show_check(void *args, const struct opt_operands *rest)
{
	struct show_args *a = args;
	if (rest->n != 1) {
		fprintf(stderr, "reconciler show: expected one plan file\n");
		return -2;
	}
	a->file = rest->v[0];
	return 0;
}

static int show_run(void *args)
{
	const struct show_args *a = args;
	enum output_format fmt = a->fmt;
	const char *artifact_url = a->artifact_url;
	struct diags d = DIAGS_INIT;
	struct plan *p = NULL;
	int rc = EXIT_OK;
	if (plan_read_file(&p, a->file, &d) < 0) {
		render_failure(fmt, &d, NULL);
		print_diags(&d);
		rc = EXIT_ERROR;
	} else if (render_plan_with(
		       p, fmt, stdout,
		       &(struct render_options){ .json_hint = a->file, .artifact_url = artifact_url }) < 0) {
		rc = EXIT_ERROR;
	}
	plan_free(p);
	diags_free(&d);
	return rc;
}

const struct command_ops show_ops = {
	show_options, sizeof(struct show_args), NULL, show_check, show_run, NULL
};
