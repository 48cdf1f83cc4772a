#include "reconcile/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "plan/diff.h"
#include "plan/ended.h"
#include "plan/locate.h"
#include "plan/origin.h"
#include "plan/shares.h"
#include "rules/check.h"
#include "util/clock.h"
#include "util/log_json.h"
#include "util/strbuf.h"

/* Base errors past this many are counted, not listed: the pull request is
 * about the head, and a broken base is context. */
#define BASE_DIAGS_SHOWN 10

/* RECONCILER_TIMING=1: one line on stderr per stage of pipeline_plan, with
 * its wall-clock and CPU (user + system) seconds, for `make bench`:
 *   timing: load+check wall 0.331 cpu 0.329
 * Stages: load+check (the YAML, the desired-state rules), observe, and
 * check+diff (the rules against the actual state, the diff, the plan). */
struct stage_clock {
	bool on;
	struct timespec wall, cpu;
};

static void stage_start(struct stage_clock *c)
{
	const char *v = getenv("RECONCILER_TIMING");
	c->on = v && *v && strcmp(v, "0") != 0;
	clock_gettime(CLOCK_MONOTONIC, &c->wall);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c->cpu);
}

static double seconds_since(struct timespec *since, clockid_t id)
{
	struct timespec now;
	clock_gettime(id, &now);
	double s = (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
	*since = now;
	return s;
}

/* Prints the stage that just ended and starts the next one. */
static void stage_end(struct stage_clock *c, const char *stage)
{
	double wall = seconds_since(&c->wall, CLOCK_MONOTONIC);
	double cpu = seconds_since(&c->cpu, CLOCK_PROCESS_CPUTIME_ID);
	if (c->on)
		fprintf(stderr, "timing: %s wall %.3f cpu %.3f\n", stage, wall, cpu);
}

/* Off a terminal, how often a long observe says how far it got: every 10 s,
 * or every RECONCILER_PROGRESS_SECONDS (a tooling aid; 0 for every request,
 * as the tests use it). */
static long progress_every_ms(void)
{
	const char *v = getenv("RECONCILER_PROGRESS_SECONDS");
	char *end;
	long s = v && *v ? strtol(v, &end, 10) : 10;
	if (v && *v && (*end || s < 0))
		s = 10;
	return s * 1000;
}

int pipeline_observe(struct pipeline *pl, const struct pipeline_options *o, const struct settings *settings,
		     struct diags *d)
{
	bool tty = isatty(STDERR_FILENO);
	struct backend_options bo = {
		.profile = pl->profile,
		.settings = settings,
		.concurrency = o->concurrency,
		/* Machines read JSON progress whether stderr is a terminal or not. */
		.progress = tty || log_json_enabled(),
		.progress_log = !tty && !log_json_enabled(),
		.progress_every_ms = progress_every_ms(),
		.desired = pl->desired,
		.scope = pl->scope,
	};
	if (backend_open(&pl->backend, o->backend ? o->backend : "local", &bo, d) < 0)
		return -1;
	if (o->lock) {
		if (pl->backend->ops->lock(pl->backend, o->lock_timeout_ms, d) < 0)
			return -1;
		pl->locked = true;
	}
	if (pl->backend->ops->observe(pl->backend, &pl->actual, d) < 0)
		return -1;
	if (pl->scope)
		scope_filter(pl->actual, pl->scope);
	return 0;
}

/* --only-changes shows the pull request's changes alone, so only the
 * accounts it touches are observed and diffed (model/scope.h); the rules
 * of the desired state have run over all of it by then. */
static void narrow_to_touched(struct pipeline *pl, struct state *base)
{
	scope_touched(&pl->scope, base, pl->desired);
	if (!pl->scope)
		return;
	scope_filter(pl->desired, pl->scope);
	scope_filter(base, pl->scope);
}

/* The one plan.drift note of --only-changes: what it hid, and, when the
 * observe was narrowed, that drift elsewhere was not read. */
static void note_drift(struct diags *d, const struct pipeline *pl, const char *base, size_t hidden)
{
	struct strbuf sb = STRBUF_INIT;
	if (hidden)
		sb_printf(&sb,
			  "%zu change%s from drift (actual state differs from the base %s) %s not shown "
			  "(--only-changes)",
			  hidden, hidden == 1 ? "" : "s", base, hidden == 1 ? "is" : "are");
	if (pl->scope)
		sb_printf(&sb,
			  "%sonly the %zu account%s this pull request touches %s read (--only-changes): "
			  "drift elsewhere was not read",
			  hidden ? "; " : "", pl->scope->n_accounts, pl->scope->n_accounts == 1 ? "" : "s",
			  pl->scope->n_accounts == 1 ? "was" : "were");
	if (sb.len)
		diag_add(d, DIAG_NOTE, "plan.drift", NULL,
			 "run `reconciler plan` without --only-changes to see the drift", "%s", sb.buf);
	sb_release(&sb);
}

/* The base configuration, leniently (see pipeline.h). Returns -1 only when
 * there is no base to compare with at all (no repository, no such ref). */
static int load_base(struct pipeline *pl, const struct pipeline_options *o, struct state **base,
		     char commit[GITSRC_HEX], struct diags *d)
{
	struct diags bd = DIAGS_INIT;
	int rc = load_desired(&o->src, o->base, &pl->git, base, commit, &bd);
	if (!*base) {
		diags_move(d, &bd);
		return -1;
	}
	size_t shown = 0, errors = 0;
	for (size_t i = 0; rc < 0 && i < bd.n; i++) {
		const struct diag *g = &bd.v[i];
		if (g->severity != DIAG_ERROR)
			continue;
		if (errors++ >= BASE_DIAGS_SHOWN)
			continue;
		struct pos at = { g->file, g->line, g->col };
		diag_warning(d, "git.base", g->file ? &at : NULL,
			     "what does not load at the base counts as absent there, so the changes "
			     "it would explain show as this pull request's",
			     "the base %s could not be read fully: %s [%s]", o->base, g->message, g->rule);
		shown++;
	}
	if (errors > shown)
		diag_warning(d, "git.base", NULL, NULL, "%zu more problem%s at the base %s %s not shown",
			     errors - shown, errors - shown == 1 ? "" : "s", o->base,
			     errors - shown == 1 ? "is" : "are");
	diags_free(&bd);
	return 0;
}

static void describe_source(struct plan *p, const struct state *desired, const char *base,
			    const char *base_commit)
{
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, desired->source ? desired->source : "");
	if (base)
		sb_printf(&sb, "; base %s@%s", base, base_commit);
	p->source = arena_strdup(&p->arena, sb.buf);
	sb_release(&sb);
}

int pipeline_plan(struct pipeline *pl, const struct pipeline_options *o, struct diags *d)
{
	memset(pl, 0, sizeof(*pl));
	struct stage_clock clock;
	stage_start(&clock);
	if (load_and_check(&o->src, o->profile, &pl->git, &pl->desired, &pl->profile, pl->commit, d) < 0)
		return -1;
	struct state *base = NULL;
	char base_commit[GITSRC_HEX] = "";
	if (o->base && load_base(pl, o, &base, base_commit, d) < 0)
		return -1;
	if (base && o->only_changes)
		narrow_to_touched(pl, base);
	int rc = -1;
	stage_end(&clock, "load+check");
	if (pipeline_observe(pl, o, &pl->desired->settings, d) < 0)
		goto out;
	stage_end(&clock, "observe");
	rules_check_actual(pl->profile, pl->desired, pl->actual, d);
	diags_sort(d);
	if (diags_has_errors(d))
		goto out;
	state_canonicalize(pl->desired);
	pl->plan = plan_new();
	struct plan *p = pl->plan;
	plan_diff(p, pl->desired, pl->actual, pl->profile);
	plan_hold_ended(p, pl->desired, pl->actual, clock_today());
	/* A past end date is an error only now, and only where the plan
	 * would set it: an account may keep the one it has. */
	if (plan_check_end_dates(p, pl->desired, clock_today(), d) > 0) {
		diags_sort(d);
		goto out;
	}
	plan_list_shares(p, pl->desired, pl->profile, clock_today());
	plan_locate(p, pl->desired);
	describe_source(p, pl->desired, o->base, base_commit);
	p->backend = arena_strdup(&p->arena, pl->backend->spec);
	p->profile = arena_strdup(&p->arena, pl->profile->id);
	if (base) {
		state_canonicalize(base);
		struct plan *bp = plan_new();
		plan_diff(bp, base, pl->actual, pl->profile);
		plan_hold_ended(bp, base, pl->actual, clock_today());
		plan_tag_origins(p, bp);
		plan_free(bp);
		plan_name_removals(p, base);
		if (o->only_changes)
			note_drift(d, pl, o->base, plan_drop_drift(p));
		p->partial = pl->scope != NULL;
	}
	diags_move(&p->diags, d);
	stage_end(&clock, "check+diff");
	rc = 0;
out:
	state_free(base);
	return rc;
}

void pipeline_free(struct pipeline *pl)
{
	if (pl->backend) {
		if (pl->locked)
			pl->backend->ops->unlock(pl->backend);
		backend_close(pl->backend);
	}
	scope_free(pl->scope);
	plan_free(pl->plan);
	state_free(pl->actual);
	state_free(pl->desired);
	profile_free(pl->profile);
	gitsrc_close(pl->git);
	memset(pl, 0, sizeof(*pl));
}
