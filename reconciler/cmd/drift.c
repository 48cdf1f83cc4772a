/*
 * reconciler drift: the scheduled run. Plans the configuration against the
 * actual state and reports what differs (exit 2), or with --correct
 * applies the plan within safety caps, without a prompt.
 *
 * What is drift, and what --correct may do, is plan/drift.h; accounts that
 * ended by themselves are reported and never corrected (plan/ended.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "apply/apply.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/metrics_out.h"
#include "cmd/groups.h"
#include "cmd/outcome.h"
#include "reconcile/pipeline.h"
#include "cmd/render_plan.h"
#include "plan/drift.h"
#include "plan/render.h"
#include "record/audit.h"
#include "util/clock.h"
#include "util/log_json.h"

/* The drift line, the hint after it and the correction line: well under
 * this many bytes (their numbers are the only variable part). */
#define DRIFT_LINES_ROOM 512

struct drift_args {
	struct pipeline_options po;
	enum output_format fmt;
	bool correct;
	struct caps_options caps; /* max_deletes default 0: a schedule deletes nothing unless told */
	struct record_options rec;
	const char *metrics_file; /* --metrics-file, or NULL */
	const char *artifact_url;
};

static const struct opt drift_options[] = {
	OPT_INCLUDE(opt_pipeline, offsetof(struct drift_args, po)),
	OPT_FORMAT(offsetof(struct drift_args, fmt),
		   (1u << FORMAT_TEXT) | (1u << FORMAT_JSON) | (1u << FORMAT_MARKDOWN)),
	OPT_FLAG(0, "correct", offsetof(struct drift_args, correct),
		 "apply the drift plan without a prompt, under the backend's lock, within the caps"),
	OPT_INCLUDE(opt_caps, offsetof(struct drift_args, caps)),
	OPT_INCLUDE(opt_record, offsetof(struct drift_args, rec)),
	OPT_INCLUDE(opt_artifact_url, offsetof(struct drift_args, artifact_url)),
	OPT_INCLUDE(opt_metrics_file, offsetof(struct drift_args, metrics_file)),
	OPT_END(),
};

static void drift_init(void *args)
{
	struct drift_args *a = args;
	a->caps = (struct caps_options){ 0, -1 };
	record_options_init(&a->rec);
}

/* Correcting writes: under the backend's lock, like apply. */
static bool drift_writes(const void *args)
{
	const struct drift_args *a = args;
	return a->correct;
}

static void print_result(void *ctx, const struct change *c, bool ok, const char *message)
{
	FILE *f = ctx;
	log_change_result(c, ok, message);
	if (f == stderr && log_json_enabled())
		return; /* that event is the line */
	print_change_outcome(f, c, ok, message);
}

/* Corrections are traced like applies (record/audit.h). */
static int record(const struct pipeline *pl, const struct drift_args *a, const struct drift_correction *c,
		  struct diags *d)
{
	struct audit_record rec = { .ref = a->po.src.ref, .commit = pl->commit[0] ? pl->commit : NULL };
	const struct apply_report r = {
		.applied = c->applied, .failed = c->failed, .skipped = c->skipped, .refused = c->refused
	};
	return record_outcome(&rec, a->rec.audit_log, pl->plan, c->outcome, &r, d);
}

/* --correct: within the caps, apply the drift plan. Returns the exit code;
 * c says what happened. Progress goes to stderr unless the format is text,
 * so stdout stays one document. */
static int correct(struct pipeline *pl, const struct drift_args *a, const struct drift_summary *s,
		   struct drift_correction *c, struct diags *d)
{
	FILE *out = a->fmt == FORMAT_TEXT ? stdout : stderr;
	c->requested = true;
	c->max_deletes = a->caps.max_deletes;
	c->max_changes = a->caps.max_changes;
	if (!s->changes) {
		c->outcome = "no_changes";
		return s->ended ? EXIT_CHANGES : EXIT_OK;
	}
	if (drift_check_caps(s, a->caps.max_deletes, a->caps.max_changes, d) < 0) {
		c->outcome = "blocked";
		fprintf(out, "\nBlocked by safety caps: nothing was applied.\n");
		return EXIT_BLOCKED;
	}
	fprintf(out, "\nCorrecting:\n");
	struct apply_options ao = {
		.max_deletes = -1, .max_changes = -1, .on_result = print_result, .ctx = out
	};
	struct apply_report r;
	int rc = apply_plan(pl->backend, pl->plan, pl->actual, &ao, &r, d);
	/* What was done is made durable, failures or not: the next run
	 * starts from it and converges. */
	if (pl->backend->ops->flush(pl->backend, d) < 0) {
		rc = -1;
		/* Held writes that were never stored were not applied. */
		if (pl->backend->ops->stored_at_flush && r.applied) {
			fprintf(out,
				"  not stored: the sandbox could not be written, so none of the %zu "
				"changes above was applied\n",
				r.applied);
			r.failed += r.applied;
			r.applied = 0;
		}
	}
	c->applied = r.applied;
	c->failed = r.failed;
	c->skipped = r.skipped;
	c->refused = r.refused;
	c->outcome = rc == 0 ? "applied" : r.applied ? "partial" : "failed";
	print_outcome_counts(out, "Correction", rc, &r);
	if (rc < 0)
		return EXIT_ERROR;
	return s->ended ? EXIT_CHANGES : EXIT_OK;
}

/* The drift line after the plan; bold lead-ins in Markdown (a comment or
 * an issue body). */
static void print_summary(const struct drift_summary *s, bool correcting, bool markdown)
{
	const char *lead = markdown ? "**Drift:**" : "Drift:";
	if (!s->found) {
		printf(markdown ? "\n**No drift.**\n" : "\nNo drift.\n");
		return;
	}
	printf("\n%s %zu change%s to correct (%zu delete%s or removal%s)", lead, s->changes,
	       s->changes == 1 ? "" : "s", s->deletes, s->deletes == 1 ? "" : "s",
	       s->deletes == 1 ? "" : "s");
	if (s->ended)
		printf(", %zu account%s that ended at %s end date (reported, never corrected)", s->ended,
		       s->ended == 1 ? "" : "s", s->ended == 1 ? "its" : "their");
	printf(".\n");
	if (!correcting && s->changes)
		printf("Run `reconciler drift --correct` (within --max-deletes/--max-changes) or `reconciler "
		       "apply` to correct it.\n");
}

static void print_correction_markdown(const struct drift_correction *c)
{
	if (!strcmp(c->outcome, "blocked"))
		printf("\n**Correction:** blocked by safety caps (--max-deletes %ld, --max-changes %ld; -1 "
		       "is no cap): "
		       "nothing was applied.\n",
		       c->max_deletes, c->max_changes);
	else if (strcmp(c->outcome, "no_changes") != 0)
		printf("\n**Correction:** %s: %zu applied, %zu failed, %zu skipped, %zu refused.\n",
		       c->outcome, c->applied, c->failed, c->skipped, c->refused);
}

static int drift_run(void *args)
{
	const struct drift_args a = *(const struct drift_args *)args;
	struct metrics_out mo;
	metrics_out_start(&mo);
	struct diags d = DIAGS_INIT;
	struct pipeline pl;
	struct drift_correction c = { .max_deletes = -1, .max_changes = -1 };
	int rc;
	if (pipeline_plan(&pl, &a.po, &d) < 0) {
		render_failure(a.fmt, &d, NULL);
		print_diags(&d);
		rc = EXIT_ERROR;
		goto out;
	}
	struct drift_summary s;
	drift_summarize(pl.plan, &s);
	if (a.fmt != FORMAT_JSON) {
		/* Room below the Markdown's limit for the drift and correction
		 * lines printed after it. */
		struct render_options ro = { .artifact_url = a.artifact_url,
					     .max_bytes = MD_DEFAULT_MAX - DRIFT_LINES_ROOM };
		render_plan_with(pl.plan, a.fmt, stdout, &ro);
		print_summary(&s, a.correct, a.fmt == FORMAT_MARKDOWN);
		fflush(stdout);
	}
	if (a.fmt != FORMAT_TEXT && pl.plan->diags.n) {
		print_diags(&pl.plan->diags);
	}
	rc = s.found ? EXIT_CHANGES : EXIT_OK;
	if (a.correct) {
		rc = correct(&pl, &a, &s, &c, &d);
		if (strcmp(c.outcome, "no_changes") != 0 && record(&pl, &a, &c, &d) < 0 && rc == EXIT_OK)
			rc = EXIT_ERROR;
		if (d.n)
			print_diags(&d);
		if (a.fmt == FORMAT_MARKDOWN)
			print_correction_markdown(&c);
	}
	if (a.fmt == FORMAT_JSON) {
		struct strbuf out = STRBUF_INIT;
		drift_report_json(pl.plan, &s, &c, (long long)clock_now(), rc, &out);
		if (print_output("drift", "the report", &out) < 0)
			rc = EXIT_ERROR;
	}
out:
	mo.path = a.metrics_file;
	rc = metrics_out_write(&mo, "drift", &pl, NULL,
			       rc == EXIT_ERROR && !c.outcome ? "error"
			       : a.correct && c.outcome	      ? c.outcome
			       : rc == EXIT_OK		      ? "in_sync"
							      : "drift",
			       a.correct && c.outcome &&
				   (!strcmp(c.outcome, "applied") || !strcmp(c.outcome, "no_changes")),
			       rc);
	pipeline_free(&pl);
	diags_free(&d);
	return rc;
}

static const struct command_lock drift_lock = { offsetof(struct drift_args, po),
						offsetof(struct drift_args, rec), drift_writes };

const struct command_ops drift_ops = { drift_options, sizeof(struct drift_args), drift_init, NULL, drift_run,
				       &drift_lock };
