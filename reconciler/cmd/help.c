/*
 * reconciler help [COMMAND]: the overview, or one command's help, both
 * generated from the command table and the option tables.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"

static void print_overview(FILE *f)
{
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "usage: reconciler <command> [options]\n\n"
		     "GitOps for LiveRamp -> Kargo audience distributions: declare destination\n"
		     "accounts and their segments in YAML, then validate, plan and apply.\n\n"
		     "Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		sb_printf(&sb, "  %-10s %s\n", c->name, c->summary);
	sb_puts(&sb, "\nGlobal options (before or after the command):\n");
	opt_help(&sb, global_options);
	sb_puts(&sb, "\nSee 'reconciler help <command>' for a command's options.\n");
	write_all(f, &sb);
	sb_release(&sb);
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
	struct strbuf sb = STRBUF_INIT;
	if (c->ops)
		command_help(c, &sb);
	else
		sb_printf(&sb, "usage: reconciler %s %s\n\n%s\n", c->name, c->operands, c->summary);
	write_all(stdout, &sb);
	sb_release(&sb);
	return EXIT_OK;
}
