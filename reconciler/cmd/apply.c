/*
 * reconciler apply: make the actual state match the configuration, or
 * exactly a saved plan.
 */
#include <stddef.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/apply.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/metrics_out.h"
#include "cmd/groups.h"
#include "cmd/outcome.h"
#include "reconcile/pipeline.h"
#include "cmd/render_plan.h"
#include "plan/ended.h"
#include "plan/planfile.h"
#include "plan/render_diags.h"
#include "record/audit.h"
#include "record/notes.h"
#include "util/clock.h"
#include "util/xalloc.h"

struct apply_args {
	struct pipeline_options po;
	const char *plan_file;
	bool auto_approve;
	bool dry_run;
	enum output_format fmt; /* json: one result document on stdout, the log on stderr */
	FILE *log;		/* where the plan and the progress go: stdout, or stderr for json */
	bool git_note; /* --git-note: also note the commit (opt-in: a note is a write to the repository) */
	struct apply_options ao;
	struct caps_options caps;
	struct record_options rec;
	const char *metrics_file; /* --metrics-file, or NULL */
};

/* Where each change's outcome goes: the human log, and with --format json
 * also the result document's list. */
struct result_log {
	FILE *out;
	json_t *results; /* NULL unless --format json */
};

/* A change's outcome in the result document. */
static const char *outcome_name(const struct change *c, bool ok, const char *message)
{
	if (ok)
		return "done";
	if (c->refused)
		return "refused";
	if (message && strncmp(message, "skipped", 7) == 0)
		return "skipped";
	return "failed";
}

static void print_result(void *ctx, const struct change *c, bool ok, const char *message)
{
	struct result_log *log = ctx;
	log_change_result(c, ok, message);
	print_change_outcome(log->out, c, ok, message);
	if (!log->results)
		return;
	json_t *o = json_object();
	json_object_set_new(o, "action", json_string(change_action_name(c->action)));
	json_object_set_new(o, "kind", json_string(change_kind_name(c->kind)));
	json_object_set_new(o, "account", json_string(c->account ? c->account : ""));
	json_object_set_new(o, "segment", c->segment ? json_string(c->segment) : json_null());
	json_object_set_new(o, "outcome", json_string(outcome_name(c, ok, message)));
	json_object_set_new(o, "message", message ? json_string(message) : json_null());
	json_array_append_new(log->results, o);
}

/* The outcome of each change, printed as it comes, or held until the
 * backend has stored them (stored_at_flush): a change the sandbox file never
 * received was not applied, and must not read "done". */
struct held_result {
	const struct change *c;
	bool ok;
	char *message;
};

struct results {
	bool hold;
	struct result_log *log;
	struct held_result *v;
	size_t n, cap;
};

static void on_result(void *ctx, const struct change *c, bool ok, const char *message)
{
	struct results *rs = ctx;
	if (!rs->hold) {
		print_result(rs->log, c, ok, message);
		return;
	}
	XGROW(rs->v, rs->cap, rs->n + 1);
	rs->v[rs->n++] = (struct held_result){ c, ok, message ? xstrdup(message) : NULL };
}

/* Prints what was held; when the store failed, every change reported done
 * is counted and shown failed instead. */
static void release_results(struct results *rs, bool stored, struct apply_report *r)
{
	for (size_t i = 0; i < rs->n; i++) {
		struct held_result *h = &rs->v[i];
		if (h->ok && !stored)
			print_result(rs->log, h->c, false, "not stored: the sandbox could not be written");
		else
			print_result(rs->log, h->c, h->ok, h->message);
		free(h->message);
	}
	free(rs->v);
	if (!stored && rs->hold) {
		r->failed += r->applied;
		r->applied = 0;
	}
}

static const struct opt apply_options[] = {
	OPT_INCLUDE(opt_pipeline, offsetof(struct apply_args, po)),
	OPT_STRING(0, "plan", "FILE", offsetof(struct apply_args, plan_file),
		   "apply a saved plan (`plan --out FILE`), refused when the actual state changed"),
	OPT_FLAG(0, "auto-approve", offsetof(struct apply_args, auto_approve), "apply without the prompt"),
	OPT_FLAG(0, "dry-run", offsetof(struct apply_args, dry_run), "show the plan and change nothing"),
	OPT_INCLUDE(opt_caps, offsetof(struct apply_args, caps)),
	OPT_INCLUDE(opt_record, offsetof(struct apply_args, rec)),
	OPT_FLAG(0, "git-note", offsetof(struct apply_args, git_note),
		 "also record the apply as a git note on its commit (refs/notes/reconciler)"),
	OPT_FORMAT(offsetof(struct apply_args, fmt), (1u << FORMAT_TEXT) | (1u << FORMAT_JSON)),
	OPT_INCLUDE(opt_metrics_file, offsetof(struct apply_args, metrics_file)),
	OPT_END(),
};

static void apply_init(void *args)
{
	struct apply_args *a = args;
	a->caps = (struct caps_options){ -1, -1 };
	record_options_init(&a->rec);
}

static int apply_check(void *args, const struct opt_operands *rest)
{
	struct apply_args *a = args;
	if (a->plan_file && a->po.src.n_paths) {
		fprintf(stderr, "reconciler apply: give either paths or --plan FILE, not both\n");
		return -1;
	}
	if (a->plan_file && a->po.src.ref) {
		fprintf(stderr, "reconciler apply: a saved plan already names its source; give "
				"either --plan FILE or --ref REF, not both\n");
		return -1;
	}
	a->ao.max_deletes = a->caps.max_deletes;
	a->ao.max_changes = a->caps.max_changes;
	a->log = a->fmt == FORMAT_JSON ? stderr : stdout;
	return 0;
}

/* A saved plan applies only to the actual state it was computed against. */
static int load_saved_plan(struct pipeline *pl, const struct apply_args *a, struct diags *d)
{
	memset(pl, 0, sizeof(*pl));
	if (plan_read_file(&pl->plan, a->plan_file, d) < 0)
		return -1;
	/* Its fingerprint covers only the accounts the pull request touched,
	 * and drift elsewhere was never read: applying it as if it covered
	 * the org would bind nothing. Refused before anything is observed. */
	if (pl->plan->partial) {
		diag_error(d, "plan.file", NULL,
			   "apply the merged configuration (`reconciler apply PATH`), or save a plan made "
			   "without --only-changes",
			   "%s was made with --only-changes and read only the accounts its pull request "
			   "touches; it cannot be applied",
			   a->plan_file);
		return -1;
	}
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
	/* The clock may have passed an end date the plan sets since it was
	 * made: refused before anything is sent, as plan would. */
	if (plan_check_end_dates(pl->plan, NULL, clock_today(), d) > 0)
		return -1;
	return 0;
}

/* SIGINT and SIGTERM during an apply: the handler only notes the signal;
 * apply stops before its next change, the sandbox is stored whole, the
 * audit log says "interrupted", and the exit code is 128 + the signal.
 * SA_RESETHAND: a second signal ends the process at once (the sandbox is
 * replaced by rename, so even that never leaves half a file). No
 * SA_RESTART: a signal at the prompt ends the read, and nothing is applied. */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void catch_signals(struct sigaction old[2])
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
}

static void restore_signals(const struct sigaction old[2])
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
}

static const char *signal_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

/* Waits until the terminal has input, or a signal came. A signal that
 * arrives after the prompt is printed but before a read begins would not
 * interrupt that read, which would then wait for ever: so the wait is a
 * poll that looks at the flag again every 100 ms. */
static bool wait_for_input(void)
{
	for (;;) {
		if (got_signal)
			return false;
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		int n = poll(&p, 1, 100);
		if (n > 0)
			return true;
		if (n < 0 && errno != EINTR)
			return true; /* let the read report it */
	}
}

static bool confirmed(const struct apply_args *a)
{
	/* A saved plan was reviewed when it was made, and apply refuses it when
	 * the actual state moved since: the plan itself is the approval, as in
	 * Terraform. */
	if (a->auto_approve || a->plan_file)
		return true;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "reconciler apply: not a terminal, so nothing was applied; "
				"pass --auto-approve to apply without a prompt, or apply a reviewed plan "
				"with --plan FILE\n");
		return false;
	}
	fprintf(a->log,
		"\nDo you want to perform these actions? Only 'yes' will be accepted.\n  Enter a value: ");
	fflush(a->log);
	char line[64];
	if (!wait_for_input() || !fgets(line, sizeof(line), stdin)) {
		if (got_signal)
			fprintf(a->log, "\nApply cancelled (%s): nothing was applied.\n",
				signal_name(got_signal));
		return false;
	}
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, "yes") != 0) {
		fprintf(a->log, "Apply cancelled.\n");
		return false;
	}
	return true;
}

/* What an apply is traced to: the commit its configuration came from. */
struct provenance {
	const char *ref;	 /* as given, or NULL (the work tree) */
	char commit[GITSRC_HEX]; /* "" when the configuration did not come from git */
	bool dirty;		 /* work tree files differ from commit: no note */
	bool from_plan;		 /* named by a saved plan's source */
};

static bool is_hex_id(const char *s)
{
	for (int i = 0; i < GITSRC_HEX - 1; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* A plan made at a ref names its source "git REF@COMMIT: PATHS". Refs may
 * hold '@' but never ':', so the commit is the 40 hex digits between the
 * '@' and the first ':'. */
static void provenance_of_plan(struct plan *p, struct provenance *pv)
{
	const char *s = p->source;
	if (!s || strncmp(s, "git ", 4) != 0)
		return;
	const char *colon = strchr(s, ':');
	if (!colon || colon - s < 4 + 1 + GITSRC_HEX - 1)
		return;
	const char *at = colon - (GITSRC_HEX - 1) - 1;
	if (*at != '@' || !is_hex_id(at + 1))
		return;
	memcpy(pv->commit, at + 1, GITSRC_HEX - 1);
	pv->commit[GITSRC_HEX - 1] = '\0';
	pv->ref = arena_strndup(&p->arena, s + 4, (size_t)(at - (s + 4)));
	pv->from_plan = true;
}

/* The work tree: HEAD, when the configuration's files are all inside the
 * repository; dirty when any of them differs from HEAD. Not being in a
 * repository is not an error: the apply is then traced by the audit log
 * alone. */
static void provenance_of_worktree(struct pipeline *pl, const struct apply_args *a, struct provenance *pv)
{
	struct diags quiet = DIAGS_INIT;
	bool inside = false, dirty = false;
	char head[GITSRC_HEX] = "";
	if (open_repo(&a->po.src, &pl->git, &quiet) == 0 &&
	    gitsrc_worktree_state(pl->git, a->po.src.paths, a->po.src.n_paths, head, &dirty, &inside,
				  &quiet) == 0 &&
	    inside && head[0]) {
		memcpy(pv->commit, head, sizeof(pv->commit));
		pv->dirty = dirty;
	}
	diags_free(&quiet);
}

static void provenance_of(struct pipeline *pl, const struct apply_args *a, struct provenance *pv)
{
	memset(pv, 0, sizeof(*pv));
	if (a->plan_file) {
		provenance_of_plan(pl->plan, pv);
	} else if (a->po.src.ref) {
		pv->ref = a->po.src.ref;
		memcpy(pv->commit, pl->commit, sizeof(pv->commit));
	} else {
		provenance_of_worktree(pl, a, pv);
	}
}

/* The audit record, then (with --git-note) the git note. A record that cannot be written is
 * an error (exit 1): the change is made, but not traceable. A saved plan's
 * commit may be from a repository this run is not in: no note then, with a
 * warning. */
static int record(struct pipeline *pl, const struct apply_args *a, const struct provenance *pv,
		  const char *outcome, const struct apply_report *r, struct diags *d)
{
	struct audit_record rec = {
		.ref = pv->ref,
		.commit = pv->commit[0] ? pv->commit : NULL,
		.dirty = pv->dirty,
		.plan_file = a->plan_file,
	};
	int rc = record_outcome(&rec, a->rec.audit_log, pl->plan, outcome, r, d);
	if (!pv->commit[0] || !a->git_note)
		return rc;
	if (pv->dirty) {
		fprintf(stderr,
			"The work tree's configuration differs from HEAD (%.12s): no git note "
			"was written; the audit log marks the record dirty. Commit, then apply, "
			"to trace an apply to its commit.\n",
			pv->commit);
		return rc;
	}
	struct diags nd = DIAGS_INIT;
	char *line = audit_record_json(&rec);
	if (open_repo(&a->po.src, &pl->git, &nd) == 0 && notes_append(pl->git, pv->commit, line, &nd) == 0) {
		fprintf(stderr, "Recorded as a git note on %.12s (%s).\n", pv->commit, NOTES_REF);
	} else if (pv->from_plan) {
		for (size_t i = 0; i < nd.n; i++)
			diag_warning(
			    d, "git.note", NULL,
			    "run apply inside the repository the plan was made in to note the commit",
			    "no git note on %.12s: %s", pv->commit, nd.v[i].message);
	} else {
		diags_move(d, &nd);
		rc = -1;
	}
	free(line);
	diags_free(&nd);
	return rc;
}

/* Shows the plan and executes it. *outcome is set to what the audit log
 * records, or NULL when nothing was decided (dry run, no approval). */
static int execute(struct pipeline *pl, struct apply_args *a, const char **outcome, struct apply_report *r,
		   struct result_log *log, struct diags *d)
{
	struct plan *p = pl->plan;
	*outcome = NULL;
	memset(r, 0, sizeof(*r));
	render_plan(p, FORMAT_TEXT, a->log, a->plan_file, NULL);
	if (!plan_has_changes(p)) {
		*outcome = "no_changes";
		return EXIT_OK;
	}
	if (apply_check_caps(p, &a->ao, d) < 0) {
		print_diags(d);
		*outcome = "blocked";
		return EXIT_BLOCKED;
	}
	if (a->dry_run) {
		fprintf(a->log, "\nDry run: nothing was applied.\n");
		return EXIT_OK;
	}
	if (!confirmed(a))
		return got_signal ? 128 + got_signal : EXIT_ERROR;
	fprintf(a->log, "\nApplying:\n");
	struct results rs = { .hold = pl->backend->ops->stored_at_flush, .log = log };
	a->ao.on_result = on_result;
	a->ao.ctx = &rs;
	a->ao.stop = &got_signal;
	int rc = apply_plan(pl->backend, p, pl->actual, &a->ao, r, d);
	/* Whatever was done is made durable, failures or not: the next run
	 * starts from it and converges. */
	bool stored = pl->backend->ops->flush(pl->backend, d) == 0;
	if (!stored)
		rc = -1;
	release_results(&rs, stored, r);
	if (r->interrupted) {
		fprintf(a->log,
			"\nApply interrupted (%s): %zu applied, %zu failed, %zu not applied. Run apply "
			"again to converge.\n",
			signal_name(got_signal), r->applied, r->failed, r->skipped);
	} else {
		print_outcome_counts(a->log, "Apply", rc, r);
	}
	*outcome = r->interrupted ? "interrupted" : rc == 0 ? "applied" : r->applied ? "partial" : "failed";
	if (r->interrupted) {
		if (d->n)
			print_diags(d);
		return 128 + got_signal;
	}
	if (rc < 0) {
		print_diags(d);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/* --format json: one document on stdout. outcome is what the audit log
 * records ("applied", "partial", "failed", "blocked", "no_changes"), or
 * "dry_run", "not_approved", "error" (no plan could be made: the document
 * then also has "error", "failure" and a null plan). */
static void print_result_json(const struct pipeline *pl, const char *outcome, int rc,
			      const struct apply_report *r, json_t *results, const struct diags *d)
{
	json_t *o = json_object();
	json_object_set_new(o, "format_version", json_integer(1));
	json_object_set_new(o, "outcome", json_string(outcome));
	json_object_set_new(o, "exit_code", json_integer(rc));
	json_t *counts = json_object();
	json_object_set_new(counts, "applied", json_integer((json_int_t)r->applied));
	json_object_set_new(counts, "failed", json_integer((json_int_t)r->failed));
	json_object_set_new(counts, "skipped", json_integer((json_int_t)r->skipped));
	json_object_set_new(counts, "refused", json_integer((json_int_t)r->refused));
	json_object_set_new(o, "counts", counts);
	json_object_set_new(o, "results", json_incref(results));
	json_object_set_new(o, "diagnostics", diags_to_json(d));
	if (!pl->plan) {
		json_object_set_new(o, "error", json_true());
		json_object_set_new(o, "failure", json_string(diags_failure_kind(d)));
	}
	json_object_set_new(o, "plan", pl->plan ? plan_to_json(pl->plan) : json_null());
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!s || printf("%s\n", s) < 0 || fflush(stdout) != 0)
		fprintf(stderr, "reconciler apply: cannot write the result to standard output\n");
	free(s);
	json_decref(o);
}

static int apply_run(void *args)
{
	struct apply_args a = *(struct apply_args *)args;
	struct metrics_out mo;
	metrics_out_start(&mo);
	struct diags d = DIAGS_INIT, rd = DIAGS_INIT;
	struct pipeline pl;
	struct result_log log = { .out = a.log, .results = a.fmt == FORMAT_JSON ? json_array() : NULL };
	struct apply_report r = { 0 };
	const char *outcome = NULL;
	int rc;
	int lrc = a.plan_file ? load_saved_plan(&pl, &a, &d) : pipeline_plan(&pl, &a.po, &d);
	if (lrc < 0) {
		print_diags(&d);
		rc = EXIT_ERROR;
		plan_free(pl.plan); /* a saved plan read, then found stale: no plan to report */
		pl.plan = NULL;
	} else {
		struct provenance pv;
		provenance_of(&pl, &a, &pv);
		struct sigaction old[2];
		catch_signals(old);
		rc = execute(&pl, &a, &outcome, &r, &log, &d);
		if (outcome) {
			if (record(&pl, &a, &pv, outcome, &r, &rd) < 0 && rc == EXIT_OK)
				rc = EXIT_ERROR;
			if (rd.n)
				print_diags(&rd);
		}
		restore_signals(old);
	}
	mo.path = a.metrics_file;
	rc =
	    metrics_out_write(&mo, "apply", &pl, NULL,
			      outcome	      ? outcome
			      : rc == EXIT_OK ? "not_applied"
					      : "error",
			      outcome && (!strcmp(outcome, "applied") || !strcmp(outcome, "no_changes")), rc);
	if (log.results) {
		diags_move(&d, &rd);
		const char *shown = outcome	? outcome
				    : !pl.plan	? "error"
				    : a.dry_run ? "dry_run"
						: "not_approved";
		print_result_json(&pl, shown, rc, &r, log.results, &d);
		json_decref(log.results);
	}
	pipeline_free(&pl);
	diags_free(&d);
	diags_free(&rd);
	return rc;
}

static const struct command_lock apply_lock = { offsetof(struct apply_args, po),
						offsetof(struct apply_args, rec), NULL };

const struct command_ops apply_ops = { apply_options, sizeof(struct apply_args),
				       apply_init,    apply_check,
				       apply_run,     &apply_lock };
