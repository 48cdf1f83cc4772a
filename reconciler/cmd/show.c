/*
 * reconciler show: render a saved plan.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/render_plan.h"
#include "plan/planfile.h"
#include "plan/render.h"

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "artifact-url", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum output_format fmt = FORMAT_TEXT;
	const char *artifact_url = NULL;
	int c;
	optind = 1;
	while ((c = cmd_getopt("show", argc, argv, "f:h", opts)) != -1) {
		switch (c) {
		case 'f':
			if (parse_format("show", optarg, FORMATS_PLAN, &fmt) < 0)
				return EXIT_ERROR;
			break;
		case 'U':
			if (parse_artifact_url("show", optarg, &artifact_url) < 0)
				return EXIT_ERROR;
			break;
		case 'h': return print_usage("show", stdout);
		default: return print_usage("show", stderr);
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "reconciler show: expected one plan file\n");
		return print_usage("show", stderr);
	}
	if (parse_only())
		return EXIT_OK;
	struct diags d = DIAGS_INIT;
	struct plan *p = NULL;
	int rc = EXIT_OK;
	if (plan_read_file(&p, argv[optind], &d) < 0) {
		render_failure(fmt, &d, NULL);
		print_diags(&d);
		rc = EXIT_ERROR;
	} else if (render_plan_with(p, fmt, stdout,
				    &(struct render_options){ .json_hint = argv[optind], .artifact_url = artifact_url }) < 0) {
		rc = EXIT_ERROR;
	}
	plan_free(p);
	diags_free(&d);
	return rc;
}
