/*
 * reconciler: GitOps for LiveRamp -> Kargo audience distributions.
 * This file holds the subcommand table and dispatch, nothing else.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "util/log_json.h"
#include "util/text.h"

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
	  "       [--concurrency N] [--artifact-url URL]",
	  "show what apply would change",
	  "Compares the configuration with the actual state observed through the backend\n"
	  "(default: local, the sandbox file .reconciler/sandbox.json; or liveramp, the\n"
	  "Activation API, configured from the environment) and prints the plan.\n"
	  "--ref REF reads the configuration at a git ref (see validate). --base REF is\n"
	  "pull-request mode: every change is marked as the pull request's own (the head\n"
	  "configuration differs from the base's) or as drift (the base's configuration\n"
	  "would make it too), shown apart, the pull request's first; --only-changes\n"
	  "leaves drift out. --format github prints workflow annotations at the lines\n"
	  "that declare each change (the summary first, at most 10 of each type, the most\n"
	  "severe first, then one notice counting the rest). --out FILE saves the plan for\n"
	  "`apply --plan FILE`. --format markdown fits in 64,512 bytes (GitHub's 65,536\n"
	  "less 1,024 for what a CI template appends); when it is cut, its last line names\n"
	  "the accounts left out and links --artifact-url URL (where CI keeps the plan).\n"
	  "On an error, --format json prints an error document in the plan schema and\n"
	  "--format markdown a short error comment, both saying what failed.\n"
	  "Exit status: 0 ok, 1 error, 2 with --detailed-exitcode when changes are present." },
	{ "apply", cmd_apply,
	  "[PATH... | --plan FILE] [--ref REF] [--repo DIR] [--backend B] [--auto-approve]\n"
	  "       [--dry-run] [--max-deletes N] [--max-changes N] [--lock-timeout SECONDS]\n"
	  "       [--concurrency N] [--audit-log FILE] [--git-note] [--format text|json]\n"
	  "       [--metrics-file FILE]",
	  "make the actual state match the configuration",
	  "Computes the plan (or reads a saved one, refused when the actual state changed\n"
	  "since it was made), shows it, asks for `yes` on a terminal (or needs\n"
	  "--auto-approve; a saved plan needs neither: it is the approval), then\n"
	  "executes it in dependency order with segment changes in\n"
	  "batches of at most 500. --max-deletes and --max-changes stop the run before\n"
	  "the first change (exit 3). --dry-run shows the plan and changes nothing.\n"
	  "Every apply that decides something is appended to the audit log (--audit-log,\n"
	  "default .reconciler/audit.jsonl) with the commit it applied (--ref, a saved\n"
	  "plan's ref, or HEAD when the work tree's configuration is committed); with\n"
	  "--git-note that commit also gets the same record as a git note\n"
	  "(refs/notes/reconciler). --format json prints one document: the plan, each\n"
	  "change with its outcome, the counts and the exit code." },
	{ "show", cmd_show, "FILE [--format text|json|markdown] [--artifact-url URL]", "render a saved plan",
	  "Reads a plan saved with `plan --out FILE` and renders it in any format." },
	{ "drift", cmd_drift,
	  "[PATH...] [--ref REF] [--repo DIR] [--backend B] [--format text|json|markdown]\n"
	  "       [--correct] [--max-deletes N] [--max-changes N] [--lock-timeout SECONDS] [--audit-log FILE]\n"
	  "       [--concurrency N] [--artifact-url URL] [--metrics-file FILE]",
	  "find drift (exit 2), or correct it within safety caps: the scheduled run",
	  "Plans the configuration against the actual state, like plan, and reports the\n"
	  "difference: the plan, then a drift line. Accounts that LiveRamp turned inactive at\n"
	  "their end date are reported with that reason and never reactivated.\n"
	  "--correct applies the drift plan without a prompt, under the backend's lock, when\n"
	  "it stays within --max-deletes N (default 0: for drift, account deletes and segment\n"
	  "removals both count) and --max-changes N (default: no cap); beyond them it applies\n"
	  "nothing and exits 3. A correction is recorded in the audit log like an apply.\n"
	  "--format json prints one report: {in_sync, exit_code, drift, correction, plan};\n"
	  "--format markdown the plan as for a pull request plus the drift line (an issue body).\n"
	  "Exit status: 0 in sync (or all corrected), 2 drift found (or left, such as ended\n"
	  "accounts), 3 blocked by safety caps, 1 error." },
	{ "status", cmd_status,
	  "[PATH...] [--ref REF] [--repo DIR] [--backend B] [--format text|json|markdown|html]\n"
	  "       [--concurrency N] [--metrics-file FILE]",
	  "show sync state, last deliveries and TTL health of every declared segment",
	  "For each declared account and segment: in sync or not, the last delivery the\n"
	  "backend reports (status, time, record count), and its health at the destination,\n"
	  "by the profile's numbers (ttl_days, first_delivery_days; the header shows them):\n"
	  "delivered (last delivered within ttl_days), pending (not delivered yet, first\n"
	  "recorded less than first_delivery_days ago), stale (last delivery older than\n"
	  "ttl_days: expired at the destination), failed (last delivery failed, or not\n"
	  "delivered first_delivery_days after it was added), unknown (no delivery reported).\n"
	  "Data Marketplace shares: pending within the profile's share days of shared_on,\n"
	  "overdue after.\n"
	  "--format html writes one self-contained page (no script, no network): the totals,\n"
	  "then each account's segments with the days left of the TTL drawn as bars.\n"
	  "--metrics-file FILE (also on drift and apply) writes the run's figures in the\n"
	  "Prometheus text format, atomically, for node_exporter's textfile collector.\n"
	  "Exit status: 0, 2 when a segment is stale or failed or a share overdue, 1 error." },
	{ "import", cmd_import, "[--backend B] [--out DIR] [--force] [--concurrency N]",
	  "write the configuration of the accounts that already exist",
	  "Observes the backend and writes one YAML file per destination account into DIR\n"
	  "(default \".\"), named after the account: name, client name, identifiers, status,\n"
	  "end date and segments (with their catalog names). The files validate and plan to\n"
	  "\"No changes.\" against the same backend. An existing file is never overwritten\n"
	  "without --force: import then names it and writes nothing." },
	{ "fleet", cmd_fleet,
	  "ROOT [--base REF] [--ref REF] [--repo DIR] [--org NAME]\n"
	  "       [--format text|json|github-matrix|gitlab]",
	  "list the orgs of a fleet (one directory per LiveRamp org), for a CI matrix",
	  "A fleet root holds one directory per org; each is a whole configuration with\n"
	  "settings.org_id set, named after the org. Lists every org (name, org_id, path),\n"
	  "or with --base REF those whose files differ between REF and the head (an org\n"
	  "removed at the head is listed, marked removed). --format json prints\n"
	  "{\"orgs\": [...]}, github-matrix {\"include\": [...]} for strategy.matrix, gitlab a\n"
	  "parallel:matrix for a child pipeline. plan, apply, drift and status take\n"
	  "--fleet ROOT [--org NAME] to run every org (or one) with one report.\n"
	  "Exit status: 0, or 1 when the layout is wrong (fleet.* rules)." },
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

/* The command itself, once the global options are taken out. */
static int dispatch(int argc, char **argv)
{
	/* Off a terminal stdout would be block-buffered: in a CI log, where
	 * stdout and stderr land in one stream, lines would come out of order
	 * ("Recorded in the audit log" before "Applying:") and in bursts. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return cmd_help(1, argv) == EXIT_OK ? EXIT_ERROR : EXIT_ERROR;
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		return cmd_help(1, argv);
	if (strcmp(name, "--version") == 0)
		return cmd_version(1, argv);
	const struct command *c = command_find(name);
	if (!c) {
		const char *names[sizeof(commands) / sizeof(*commands)];
		size_t n = 0;
		for (const struct command *k = commands; k->name; k++)
			names[n++] = k->name;
		names[n] = NULL;
		const char *near = str_suggest(name, names);
		if (near)
			fprintf(stderr, "reconciler: '%s' is not a command; did you mean '%s'? "
					"See 'reconciler --help'.\n", name, near);
		else
			fprintf(stderr, "reconciler: '%s' is not a command. See 'reconciler --help'.\n", name);
		return EXIT_ERROR;
	}
	return c->fn(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	char err[200];
	if (log_setup(&argc, argv, err, sizeof(err)) < 0) {
		fprintf(stderr, "reconciler: %s\n", err);
		return EXIT_ERROR;
	}
	log_start();
	int rc = dispatch(argc, argv);
	log_finish();
	return rc;
}
