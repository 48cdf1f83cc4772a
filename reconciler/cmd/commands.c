/*
 * The command table: every command with what it needs, its summary and
 * its description; and the one place that parses a command line by a
 * command's option table and runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/fleet_run.h"
#include "cmd/groups.h"
#include "util/log_json.h"
#include "util/text.h"
#include "util/xalloc.h"

const struct command commands[] = {
	{ "validate", &validate_ops, NULL, 0, "[PATH...]",
	  "check the configuration against the schema and the destination's rules",
	  "Reads every *.yaml / *.yml under each PATH (default \".\"; directories recursively,\n"
	  "dot-directories skipped) and reports every problem with file:line:column, the\n"
	  "rule id and a hint. Nothing is sent anywhere.\n"
	  "--ref REF reads the files from the tree of a git branch, tag or commit instead\n"
	  "of the work tree (no checkout); positions then read REF:path:line:col. --repo DIR\n"
	  "names the repository (default: the one containing the current directory).\n"
	  "Exit status: 0 when there is no error (warnings allowed), 1 otherwise." },
	{ "plan", &plan_ops, NULL, CMD_FLEET, "[PATH...]",
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
	{ "apply", &apply_ops, NULL, CMD_FLEET, "[PATH...]",
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
	{ "show", &show_ops, NULL, 0, "FILE",
	  "render a saved plan",
	  "Reads a plan saved with `plan --out FILE` and renders it in any format." },
	{ "drift", &drift_ops, NULL, CMD_FLEET, "[PATH...]",
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
	{ "status", &status_ops, NULL, CMD_FLEET, "[PATH...]",
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
	{ "import", &import_ops, NULL, 0, "",
	  "write the configuration of the accounts that already exist",
	  "Observes the backend and writes one YAML file per destination account into DIR\n"
	  "(default \".\"), named after the account: name, client name, identifiers, status,\n"
	  "end date and segments (with their catalog names). The files validate and plan to\n"
	  "\"No changes.\" against the same backend. An existing file is never overwritten\n"
	  "without --force: import then names it and writes nothing." },
	{ "fleet", &fleet_ops, NULL, 0, "ROOT",
	  "list the orgs of a fleet (one directory per LiveRamp org), for a CI matrix",
	  "A fleet root holds one directory per org; each is a whole configuration with\n"
	  "settings.org_id set, named after the org. Lists every org (name, org_id, path),\n"
	  "or with --base REF those whose files differ between REF and the head (an org\n"
	  "removed at the head is listed, marked removed). --format json prints\n"
	  "{\"orgs\": [...]}, github-matrix {\"include\": [...]} for strategy.matrix, gitlab a\n"
	  "parallel:matrix for a child pipeline. plan, apply, drift and status take\n"
	  "--fleet ROOT [--org NAME] to run every org (or one) with one report.\n"
	  "Exit status: 0, or 1 when the layout is wrong (fleet.* rules)." },
	{ "version", NULL, cmd_version, CMD_RAW, "",
	  "print the version",
	  "" },
	{ "help", NULL, cmd_help, CMD_RAW, "[COMMAND]",
	  "show help for a command",
	  "" },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL },
};

static const char *const log_formats[] = { "text", "json", NULL };

/* Parsed by log_setup (util/log_json.h) before the command; here for help
 * and the generated documentation. */
const struct opt global_options[] = {
	OPT_ENUM(0, "log-format", 0, log_formats, 3,
		 "json: every diagnostic and message on stderr as one JSON object a line\n"
		 "(also RECONCILER_LOG_FORMAT=json); before or after the command"),
	OPT_END(),
};

const struct env_doc environment_doc[] = {
	{ "LIVERAMP_API_URL", "the Activation API's base URL (default https://api.liveramp.com/activation)" },
	{ "LIVERAMP_TOKEN_URL", "the token endpoint of LiveRamp's service accounts" },
	{ "LIVERAMP_ORG_ID", "the org to act as (LR-Org-ID); or settings.org_id in the configuration" },
	{ "LIVERAMP_ACCOUNT_ID", "the service account's id" },
	{ "LIVERAMP_SECRET_KEY", "the service account's secret key" },
	{ "LIVERAMP_CREDENTIALS_FILE", "instead of the two above: the JSON file LiveRamp issues (mode 600)" },
	{ "LIVERAMP_CREDENTIALS_DIR", "with --fleet: one credentials file per org (NAME.json or ORG_ID.json)" },
	{ "LIVERAMP_TIMEOUT", "seconds per request attempt (default 60)" },
	{ "LIVERAMP_CONNECT_TIMEOUT", "seconds to connect (default 10)" },
	{ "LIVERAMP_MAX_RETRIES", "retries after the first attempt (default 4)" },
	{ "LIVERAMP_RETRY_BASE_MS", "the first backoff window (default 1000 ms)" },
	{ "RECONCILER_HTTP_DEBUG", "1: trace every transfer on stderr, secrets redacted" },
	{ "RECONCILER_LOG_FORMAT", "json: as --log-format json" },
	{ "RECONCILER_NOW", "the reconciler's clock (seconds since the epoch, or a date): for tests" },
	{ "RECONCILER_PARSE_ONLY", "1: parse the options, report a bad one, then exit 0 doing nothing" },
	{ "RECONCILER_PROGRESS_SECONDS", "how often a long observe reports its progress" },
	{ "RECONCILER_TIMING", "1: the time of each stage of the run on stderr" },
	{ "NO_COLOR", "set and not empty: no colour, even on a terminal" },
	{ NULL, NULL },
};

const struct command *command_find(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void command_usage(const struct command *c, struct strbuf *sb)
{
	size_t start = sb->len;
	sb_printf(sb, "usage: reconciler %s", c->name);
	static const struct opt none[] = { OPT_END() };
	opt_usage(sb, c->operands, c->ops ? c->ops->options : none, sb->len - start, strlen("usage: "), 80);
	sb_putc(sb, '\n');
}

void command_help(const struct command *c, struct strbuf *sb)
{
	command_usage(c, sb);
	sb_printf(sb, "\n%s\n", c->summary);
	if (c->details && *c->details)
		sb_printf(sb, "\n%s\n", c->details);
	if (c->ops && c->ops->options[0].kind != OPT_KIND_END) {
		sb_puts(sb, "\nOptions:\n");
		opt_help(sb, c->ops->options);
		if (c->flags & CMD_FLEET)
			opt_help(sb, opt_fleet);
	}
}

static void print_sb(FILE *f, void (*fn)(const struct command *, struct strbuf *), const struct command *c)
{
	struct strbuf sb = STRBUF_INIT;
	fn(c, &sb);
	write_all(f, &sb);
	sb_release(&sb);
}

int command_run(const struct command *c, int argc, char **argv)
{
	if (c->flags & CMD_RAW)
		return c->raw(argc, argv);
	if ((c->flags & CMD_FLEET) && fleet_requested(argc, argv))
		return fleet_run(c, argc, argv);
	const struct command_ops *ops = c->ops;
	void *args = xcalloc(1, ops->args_size);
	if (ops->init)
		ops->init(args);
	bool usage = false;
	struct opt_operands rest = { 0 };
	int rc = opt_parse(c->name, ops->options, args, argc, argv, ops->check ? &rest : NULL, &usage);
	if (rc == 0 && ops->check) {
		rc = ops->check(args, &rest);
		usage = rc == -2;
	}
	if (rc > 0) {
		print_sb(stdout, command_help, c);
		rc = EXIT_OK;
	} else if (rc < 0) {
		if (usage)
			print_sb(stderr, command_usage, c);
		rc = EXIT_ERROR;
	} else {
		rc = parse_only() ? EXIT_OK : ops->run(args);
	}
	free(args);
	return rc;
}

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
	if (c)
		return command_run(c, argc - 1, argv + 1);
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

int commands_main(int argc, char **argv)
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
