/*
 * reconciler plan: what apply would change, for review; with --base REF,
 * a pull request's own changes apart from drift.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/fleet_run.h"
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

/* Returns 0 to go on, 1 after --help, -1 on a bad option (reported). */
static int parse_args(int argc, char **argv, struct plan_args *a)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "detailed-exitcode", no_argument, NULL, 'x' },
		{ "profile", required_argument, NULL, 'p' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "ref", required_argument, NULL, 'r' },
		{ "repo", required_argument, NULL, 'R' },
		{ "base", required_argument, NULL, 'B' },
		{ "only-changes", no_argument, NULL, 'O' },
		{ "artifact-url", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(a, 0, sizeof(*a));
	a->fmt = FORMAT_TEXT;
	int c;
	optind = 1;
	while ((c = cmd_getopt("plan", argc, argv, "b:f:o:p:h", opts)) != -1) {
		switch (c) {
		case 'b': a->po.backend = optarg; break;
		case 'f':
			if (parse_format("plan", optarg, FORMATS_PLAN_CMD, &a->fmt) < 0)
				return -1;
			break;
		case 'o': a->out_file = optarg; break;
		case 'x': a->detailed = true; break;
		case 'p': a->po.profile = optarg; break;
		case 'c':
			if (parse_concurrency("plan", optarg, &a->po.concurrency) < 0)
				return -1;
			break;
		case 'r': a->po.src.ref = optarg; break;
		case 'R': a->po.src.repo = optarg; break;
		case 'B': a->po.base = optarg; break;
		case 'O': a->po.only_changes = true; break;
		case 'U':
			if (parse_artifact_url("plan", optarg, &a->artifact_url) < 0)
				return -1;
			break;
		case 'h': print_usage("plan", stdout); return 1;
		default: print_usage("plan", stderr); return -1;
		}
	}
	if (a->po.only_changes && !a->po.base) {
		fprintf(stderr, "reconciler plan: --only-changes needs --base REF (drift is "
				"what differs from the base branch)\n");
		return -1;
	}
	a->po.src.paths = (const char *const *)argv + optind;
	a->po.src.n_paths = (size_t)(argc - optind);
	return 0;
}

int cmd_plan(int argc, char **argv)
{
	if (fleet_requested(argc, argv))
		return fleet_run("plan", cmd_plan, argc, argv);
	struct plan_args a;
	int prc = parse_args(argc, argv, &a);
	if (prc != 0)
		return prc > 0 ? EXIT_OK : EXIT_ERROR;
	if (parse_only())
		return EXIT_OK;

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
	struct render_options ro = { .json_hint = a.out_file, .file_prefixes = (const char *const *)prefixes,
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
