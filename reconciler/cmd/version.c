#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "version.h"

int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return print_usage("version", stdout);
	if (no_operands("version", argc, argv, 1) < 0)
		return EXIT_ERROR;
	printf("%s %s\n", RECONCILER_NAME, RECONCILER_VERSION);
	return EXIT_OK;
}

static void print_overview(FILE *f)
{
	fprintf(f, "usage: reconciler <command> [options]\n\n"
		   "GitOps for LiveRamp -> Kargo audience distributions: declare destination\n"
		   "accounts and their segments in YAML, then validate, plan and apply.\n\n"
		   "Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nGlobal options (before or after the command):\n"
		   "  --log-format text|json  json: every diagnostic and message on stderr as one JSON\n"
		   "                          object a line (also RECONCILER_LOG_FORMAT=json)\n");
	fprintf(f, "\nSee 'reconciler help <command>' for a command's options.\n");
}

int cmd_help(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_overview(stdout);
		return EXIT_OK;
	}
	if (argc > 2) {
		fprintf(stderr, "reconciler help: unexpected argument '%s' (help takes one command)\n", argv[2]);
		return EXIT_ERROR;
	}
	const struct command *c = command_find(argv[1]);
	if (!c) {
		fprintf(stderr, "reconciler help: no help for '%s': not a command\n", argv[1]);
		return EXIT_ERROR;
	}
	printf("usage: reconciler %s %s\n\n%s\n", c->name, c->usage, c->summary);
	if (c->details && *c->details)
		printf("\n%s\n", c->details);
	return EXIT_OK;
}
