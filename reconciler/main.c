/*
 * reconciler: GitOps for LiveRamp -> Kargo audience distributions.
 * This file holds the subcommand table and dispatch, nothing else.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

const struct command commands[] = {
	{ "validate", cmd_validate,
	  "[PATH...] [--ref REF] [--repo DIR] [--format text|json|github] [--profile NAME|FILE]",
	  "check the configuration against the schema and the destination's rules",
	  "Reads every *.yaml / *.yml under each PATH (default \".\"; directories recursively,\n"
	  "dot-directories skipped) and reports every problem with file:line:column, the\n"
	  "rule id and a hint. Nothing is sent anywhere.\n"
	  "--ref REF reads the files from the tree of a git branch, tag or commit instead\n"
	  "of the work tree (no checkout); positions then read REF:path:line:col. --repo DIR\n"
	  "names the repository (default: the one containing the current directory).\n"
	  "Exit status: 0 when there is no error (warnings allowed), 1 otherwise." },
	{ "plan", cmd_plan,
	  "[PATH...] [--ref REF] [--repo DIR] [--base REF [--only-changes]] [--backend B]\n"
	  "       [--format text|json|markdown|github] [--out FILE] [--detailed-exitcode]\n"
	  "       [--concurrency N]",
	  "show what apply would change",
	  "Compares the configuration with the actual state observed through the backend\n"
	  "(default: local, the sandbox file .reconciler/sandbox.json; or liveramp, the\n"
	  "Activation API, configured from the environment) and prints the plan.\n"
	  "--ref REF reads the configuration at a git ref (see validate). --base REF is\n"
	  "pull-request mode: every change is marked as the pull request's own (the head\n"
	  "configuration differs from the base's) or as drift (the base's configuration\n"
	  "would make it too), shown apart, the pull request's first; --only-changes\n"
	  "leaves drift out. --format github prints workflow annotations at the lines\n"
	  "that declare each change. --out FILE saves the plan for `apply --plan FILE`.\n"
	  "Exit status: 0 ok, 1 error, 2 with --detailed-exitcode when changes are present." },
	{ "apply", cmd_apply,
	  "[PATH... | --plan FILE] [--ref REF] [--repo DIR] [--backend B] [--auto-approve]\n"
	  "       [--dry-run] [--max-deletes N] [--max-changes N] [--lock-timeout SECONDS]\n"
	  "       [--concurrency N] [--audit-log FILE]",
	  "make the actual state match the configuration",
	  "Computes the plan (or reads a saved one, refused when the actual state changed\n"
	  "since it was made), shows it, asks for `yes` on a terminal (or needs\n"
	  "--auto-approve), then executes it in dependency order with segment changes in\n"
	  "batches of at most 500. --max-deletes and --max-changes stop the run before\n"
	  "the first change (exit 3). --dry-run shows the plan and changes nothing.\n"
	  "Every apply that decides something is appended to the audit log (--audit-log,\n"
	  "default .reconciler/audit.jsonl) with the commit it applied (--ref, a saved\n"
	  "plan's ref, or HEAD when the work tree's configuration is committed), and\n"
	  "that commit gets the same record as a git note (refs/notes/reconciler)." },
	{ "show", cmd_show, "FILE [--format text|json|markdown]", "render a saved plan",
	  "Reads a plan saved with `plan --out FILE` and renders it in any format." },
	{ "version", cmd_version, "", "print the version", "" },
	{ "help", cmd_help, "[COMMAND]", "show help for a command", "" },
	{ NULL, NULL, NULL, NULL, NULL },
};

const struct command *command_find(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return cmd_help(1, argv) == EXIT_OK ? EXIT_ERROR : EXIT_ERROR;
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		return cmd_help(1, argv);
	if (strcmp(name, "--version") == 0)
		return cmd_version(1, argv);
	const struct command *c = command_find(name);
	if (!c) {
		fprintf(stderr, "reconciler: '%s' is not a command. See 'reconciler --help'.\n", name);
		return EXIT_ERROR;
	}
	return c->fn(argc - 1, argv + 1);
}
