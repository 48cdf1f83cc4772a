/*
 * The command table: every command with what it needs, its summary and
 * its description; and the help generated from it and the commands'
 * option tables (`reconciler help [COMMAND]`, `CMD --help`).
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/groups.h"

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
	{ "plan", &plan_ops, NULL, CMD_FLEET, "[PATH...]", "show what apply would change",
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
	{ "apply", &apply_ops, NULL, CMD_FLEET | CMD_LOCK, "[PATH...]",
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
	{ "show", &show_ops, NULL, 0, "FILE", "render a saved plan",
	  "Reads a plan saved with `plan --out FILE` and renders it in any format." },
	{ "drift", &drift_ops, NULL, CMD_FLEET | CMD_LOCK, "[PATH...]",
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
	{ "import", &import_ops, NULL, 0, "", "write the configuration of the accounts that already exist",
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
	{ "version", NULL, cmd_version, CMD_RAW, "", "print the version", "" },
	{ "help", NULL, cmd_help, CMD_RAW, "[COMMAND]", "show help for a command", "" },
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
	{ "LIVERAMP_CREDENTIALS_DIR",
	  "with --fleet: one credentials file per org (NAME.json or ORG_ID.json)" },
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
		fprintf(stderr, "reconciler help: unexpected argument '%s' (help takes one command)\n",
			argv[2]);
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
