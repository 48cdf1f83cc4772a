/*
 * reconciler apply: make the actual state match the configuration, or
 * exactly a saved plan.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apply/apply.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/pipeline.h"
#include "cmd/render_plan.h"
#include "plan/planfile.h"

#define DEFAULT_LOCK_TIMEOUT_S 30

struct apply_args {
	struct pipeline_options po;
	const char *plan_file;
	bool auto_approve;
	bool dry_run;
	struct apply_options ao;
	long lock_timeout_s;
};

static void print_result(void *ctx, const struct change *c, bool ok, const char *message)
{
	const char *what = change_action_name(c->action);
	if (c->kind == KIND_SEGMENT)
		printf("  %s segment %s on \"%s\": %s%s%s\n", what, c->segment, c->account,
		       ok ? "done" : "FAILED", message ? ": " : "", message ? message : "");
	else
		printf("  %s account \"%s\": %s%s%s\n", what, c->account, ok ? "done" : "FAILED",
		       message ? ": " : "", message ? message : "");
}

static int parse_args(int argc, char **argv, struct apply_args *a)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "plan", required_argument, NULL, 'P' },
		{ "auto-approve", no_argument, NULL, 'y' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "max-deletes", required_argument, NULL, 'D' },
		{ "max-changes", required_argument, NULL, 'C' },
		{ "lock-timeout", required_argument, NULL, 'L' },
		{ "profile", required_argument, NULL, 'p' },
		{ "concurrency", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	memset(a, 0, sizeof(*a));
	a->ao.max_deletes = -1;
	a->ao.max_changes = -1;
	a->lock_timeout_s = DEFAULT_LOCK_TIMEOUT_S;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "b:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': a->po.backend = optarg; break;
		case 'P': a->plan_file = optarg; break;
		case 'y': a->auto_approve = true; break;
		case 'n': a->dry_run = true; break;
		case 'D':
			if (parse_count("apply", "--max-deletes", optarg, &a->ao.max_deletes) < 0)
				return -1;
			break;
		case 'C':
			if (parse_count("apply", "--max-changes", optarg, &a->ao.max_changes) < 0)
				return -1;
			break;
		case 'L':
			if (parse_count("apply", "--lock-timeout", optarg, &a->lock_timeout_s) < 0)
				return -1;
			break;
		case 'p': a->po.profile = optarg; break;
		case 'c':
			if (parse_concurrency("apply", optarg, &a->po.concurrency) < 0)
				return -1;
			break;
		case 'h': print_usage("apply", stdout); return 1;
		default: print_usage("apply", stderr); return -1;
		}
	}
	a->po.paths = (const char *const *)argv + optind;
	a->po.n_paths = (size_t)(argc - optind);
	if (a->plan_file && a->po.n_paths) {
		fprintf(stderr, "reconciler apply: give either paths or --plan FILE, not both\n");
		return -1;
	}
	a->po.lock = true;
	a->po.lock_timeout_ms = (int)(a->lock_timeout_s > 86400 ? 86400000 : a->lock_timeout_s * 1000);
	return 0;
}

/* A saved plan applies only to the actual state it was computed against. */
static int load_saved_plan(struct pipeline *pl, const struct apply_args *a, struct diags *d)
{
	memset(pl, 0, sizeof(*pl));
	if (plan_read_file(&pl->plan, a->plan_file, d) < 0)
		return -1;
	const char *profile = a->po.profile ? a->po.profile : pl->plan->profile;
	if (profile_load(&pl->profile, profile, d) < 0)
		return -1;
	struct pipeline_options po = a->po;
	if (!po.backend)
		po.backend = pl->plan->backend;
	if (pipeline_observe(pl, &po, NULL, d) < 0)
		return -1;
	char now[65];
	state_fingerprint(pl->actual, now);
	if (strcmp(now, pl->plan->fingerprint) != 0) {
		diag_error(d, "plan.stale", NULL,
			   "run `reconciler plan --out FILE` again, review it, and apply the new plan",
			   "stale plan: the actual state changed since %s was made; nothing was applied",
			   a->plan_file);
		return -1;
	}
	return 0;
}

static bool confirmed(const struct apply_args *a)
{
	if (a->auto_approve)
		return true;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "reconciler apply: not a terminal, so nothing was applied; "
				"pass --auto-approve to apply without a prompt\n");
		return false;
	}
	printf("\nDo you want to perform these actions? Only 'yes' will be accepted.\n  Enter a value: ");
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, "yes") != 0) {
		printf("Apply cancelled.\n");
		return false;
	}
	return true;
}

static int execute(struct pipeline *pl, struct apply_args *a, struct diags *d)
{
	struct plan *p = pl->plan;
	render_plan(p, FORMAT_TEXT, stdout, a->plan_file);
	if (!plan_has_changes(p))
		return EXIT_OK;
	if (apply_check_caps(p, &a->ao, d) < 0) {
		print_diags(d);
		return EXIT_BLOCKED;
	}
	if (a->dry_run) {
		printf("\nDry run: nothing was applied.\n");
		return EXIT_OK;
	}
	if (!confirmed(a))
		return EXIT_ERROR;
	printf("\nApplying:\n");
	a->ao.on_result = print_result;
	struct apply_report r;
	int rc = apply_plan(pl->backend, p, pl->actual, &a->ao, &r, d);
	/* Whatever was done is made durable, failures or not: the next run
	 * starts from it and converges. */
	if (pl->backend->ops->flush(pl->backend, d) < 0)
		rc = -1;
	printf("\nApply %s: %zu applied, %zu failed, %zu skipped.\n", rc == 0 ? "complete" : "incomplete",
	       r.applied, r.failed, r.skipped);
	if (rc < 0) {
		print_diags(d);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

int cmd_apply(int argc, char **argv)
{
	struct apply_args a;
	int prc = parse_args(argc, argv, &a);
	if (prc != 0)
		return prc > 0 ? EXIT_OK : EXIT_ERROR;
	struct diags d = DIAGS_INIT;
	struct pipeline pl;
	int rc;
	int lrc = a.plan_file ? load_saved_plan(&pl, &a, &d) : pipeline_plan(&pl, &a.po, &d);
	if (lrc < 0) {
		print_diags(&d);
		rc = EXIT_ERROR;
	} else {
		rc = execute(&pl, &a, &d);
	}
	pipeline_free(&pl);
	diags_free(&d);
	return rc;
}
