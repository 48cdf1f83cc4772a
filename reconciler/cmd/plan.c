/*
 * reconciler plan: what apply would change, for review.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/pipeline.h"
#include "cmd/render_plan.h"
#include "plan/planfile.h"

int cmd_plan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "detailed-exitcode", no_argument, NULL, 'x' },
		{ "profile", required_argument, NULL, 'p' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pipeline_options po = { 0 };
	enum output_format fmt = FORMAT_TEXT;
	const char *out_file = NULL;
	bool detailed = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "b:f:o:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': po.backend = optarg; break;
		case 'f':
			if (parse_format("plan", optarg, FORMATS_PLAN, &fmt) < 0)
				return EXIT_ERROR;
			break;
		case 'o': out_file = optarg; break;
		case 'x': detailed = true; break;
		case 'p': po.profile = optarg; break;
		case 'c':
			if (parse_concurrency("plan", optarg, &po.concurrency) < 0)
				return EXIT_ERROR;
			break;
		case 'h': return print_usage("plan", stdout);
		default: return print_usage("plan", stderr);
		}
	}
	po.paths = (const char *const *)argv + optind;
	po.n_paths = (size_t)(argc - optind);

	struct diags d = DIAGS_INIT;
	struct pipeline pl;
	int rc = EXIT_OK;
	if (pipeline_plan(&pl, &po, &d) < 0) {
		print_diags(&d);
		rc = EXIT_ERROR;
		goto out;
	}
	if (out_file && plan_write_file(pl.plan, out_file, &d) < 0) {
		print_diags(&d);
		rc = EXIT_ERROR;
		goto out;
	}
	if (render_plan(pl.plan, fmt, stdout, out_file) < 0) {
		fprintf(stderr, "reconciler plan: cannot write the plan to standard output\n");
		rc = EXIT_ERROR;
		goto out;
	}
	if (out_file)
		fprintf(stderr, "Saved the plan to %s: apply it with `reconciler apply --plan %s`.\n",
			out_file, out_file);
	if (detailed && plan_has_changes(pl.plan))
		rc = EXIT_CHANGES;
out:
	pipeline_free(&pl);
	diags_free(&d);
	return rc;
}
