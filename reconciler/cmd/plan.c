/*
 * reconciler plan: what apply would change, for review; with --base REF,
 * a pull request's own changes apart from drift.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/groups.h"
#include "reconcile/pipeline.h"
#include "cmd/render_plan.h"
#include "plan/planfile.h"
#include "plan/render.h"

struct plan_args {
	struct pipeline_options po;
	enum output_format fmt;
	const char *out_file;
	const char *artifact_url;
	bool detailed;
};

static const struct opt plan_options[] = {
	OPT_INCLUDE(opt_pipeline, offsetof(struct plan_args, po)),
	OPT_STRING(0, "base", "REF", offsetof(struct plan_args, po.base),
		   "pull-request mode: each change marked as the pull request's own or as drift"),
	OPT_FLAG(0, "only-changes", offsetof(struct plan_args, po.only_changes),
		 "with --base: leave drift out"),
	OPT_FORMAT(offsetof(struct plan_args, fmt), FORMATS_PLAN_CMD),
	OPT_STRING('o', "out", "FILE", offsetof(struct plan_args, out_file),
		   "save the plan, for `apply --plan FILE`"),
	OPT_FLAG(0, "detailed-exitcode", offsetof(struct plan_args, detailed),
		 "exit 2 when the plan has changes"),
	OPT_INCLUDE(opt_artifact_url, offsetof(struct plan_args, artifact_url)),
	OPT_END(),
};

static int plan_check(void *args, const struct opt_operands *rest)
{
	struct plan_args *a = args;
	if (a->po.only_changes && !a->po.base) {
		fprintf(stderr, "reconciler plan: --only-changes needs --base REF (drift is "
				"what differs from the base branch)\n");
		return -1;
	}
	return 0;
}

static int plan_run(void *args)
{
	struct plan_args *ap = args, a = *ap;
	struct diags d = DIAGS_INIT;
	struct pipeline pl;
	char **prefixes = label_prefixes(a.po.src.ref, a.po.base);
	int rc = EXIT_OK;
	if (pipeline_plan(&pl, &a.po, &d) < 0) {
		render_failure(a.fmt, &d, (const char *const *)prefixes);
		print_diags(&d);
		rc = EXIT_ERROR;
		goto out;
	}
	if (a.out_file && plan_write_file(pl.plan, a.out_file, &d) < 0) {
		print_diags(&d);
		rc = EXIT_ERROR;
		goto out;
	}
	struct render_options ro = { .json_hint = a.out_file,
				     .file_prefixes = (const char *const *)prefixes,
				     .artifact_url = a.artifact_url };
	if (render_plan_with(pl.plan, a.fmt, stdout, &ro) < 0) {
		fprintf(stderr, "reconciler plan: cannot write the plan to standard output\n");
		rc = EXIT_ERROR;
		goto out;
	}
	if (a.out_file)
		fprintf(stderr, "Saved the plan to %s: apply it with `reconciler apply --plan %s`.\n",
			a.out_file, a.out_file);
	if (a.detailed && plan_has_changes(pl.plan))
		rc = EXIT_CHANGES;
out:
	free_label_prefixes(prefixes);
	pipeline_free(&pl);
	diags_free(&d);
	return rc;
}

const struct command_ops plan_ops = {
	plan_options, sizeof(struct plan_args), NULL, plan_check, plan_run, NULL
};
