/*
 * reconciler status: for each declared account and segment, whether it is
 * in sync, its last delivery, and its delivery health at the destination
 * (TTL); for each declared Data Marketplace share, whether the destination
 * is still expected to distribute it. The report is status/report.h; this
 * file gathers its inputs (the plan, the deliveries) and prints it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/metrics_out.h"
#include "cmd/groups.h"
#include "reconcile/pipeline.h"
#include "status/report.h"
#include "util/clock.h"
#include "util/hmap.h"
#include "util/xalloc.h"

struct status_args {
	struct pipeline_options po;
	enum output_format fmt;
	const char *metrics_file; /* --metrics-file, or NULL */
};

static const struct opt status_options[] = {
	OPT_INCLUDE(opt_pipeline, offsetof(struct status_args, po)),
	OPT_FORMAT(offsetof(struct status_args, fmt),
		   (1u << FORMAT_TEXT) | (1u << FORMAT_JSON) | (1u << FORMAT_MARKDOWN) | (1u << FORMAT_HTML)),
	OPT_INCLUDE(opt_metrics_file, offsetof(struct status_args, metrics_file)),
	OPT_END(),
};

/* The actual account a declared one stands for: its own name, or the old
 * name of a rename the plan holds (renames: new name -> old name). */
static const struct account *actual_of(const struct pipeline *pl, const struct hmap *renames,
				       const struct account *d)
{
	const struct account *a = state_find_account(pl->actual, d->name.v);
	const char *old = a || !d->name.v ? NULL : hmap_get(renames, d->name.v);
	return old ? state_find_account(pl->actual, old) : a;
}

/* Deliveries of the distributed segments of every declared account the
 * backend has: asked by segment, so that deliveries of segments removed
 * long ago are not transferred. */
static int read_deliveries(struct pipeline *pl, struct delivery_list *out, struct diags *d)
{
	struct hmap renames = HMAP_INIT;
	for (size_t i = 0; i < pl->plan->n_changes; i++) {
		const struct change *c = &pl->plan->changes[i];
		if (c->action == CHANGE_RENAME && c->account && c->account_before)
			hmap_put(&renames, c->account, (void *)c->account_before, NULL);
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < pl->desired->n_accounts; i++) {
		const struct account *a = actual_of(pl, &renames, pl->desired->accounts[i]);
		if (!a || !a->connection_id)
			continue;
		const char **ids = xcalloc(a->n_segments + 1, sizeof(*ids));
		for (size_t k = 0; k < a->n_segments; k++)
			ids[k] = a->segments[k].id;
		struct delivery_query q = { .connection_id = a->connection_id,
					    .segment_ids = ids,
					    .n_segment_ids = a->n_segments };
		rc = pl->backend->ops->deliveries(pl->backend, &q, out, d);
		free(ids);
	}
	hmap_free(&renames);
	return rc;
}

static int status_run(void *args)
{
	const struct status_args a = *(const struct status_args *)args;
	struct metrics_out mo;
	metrics_out_start(&mo);
	struct diags d = DIAGS_INIT;
	struct pipeline pl;
	struct delivery_list deliveries = DELIVERY_LIST_INIT;
	struct status_report *r = NULL;
	int rc = EXIT_ERROR;
	if (pipeline_plan(&pl, &a.po, &d) < 0 || read_deliveries(&pl, &deliveries, &d) < 0) {
		print_diags(&d);
		goto out;
	}
	if (pl.plan->diags.n)
		print_diags(&pl.plan->diags);
	r = status_report_build(pl.desired, pl.actual, pl.plan, &deliveries, pl.profile,
				(long long)clock_now());
	struct strbuf out = STRBUF_INIT;
	if (a.fmt == FORMAT_JSON)
		status_render_json(r, &out);
	else if (a.fmt == FORMAT_HTML)
		status_render_html(r, &out);
	else if (a.fmt == FORMAT_MARKDOWN)
		status_render_markdown(r, 0, &out);
	else
		status_render_text(r, &out);
	rc = status_needs_attention(r) ? EXIT_CHANGES : EXIT_OK;
	if (print_output("status", NULL, &out) < 0)
		rc = EXIT_ERROR;
out:
	mo.path = a.metrics_file;
	rc = metrics_out_write(&mo, "status", &pl, r,
			       rc == EXIT_OK	    ? "ok"
			       : rc == EXIT_CHANGES ? "attention"
						    : "error",
			       false, rc);
	status_report_free(r);
	delivery_list_free(&deliveries);
	pipeline_free(&pl);
	diags_free(&d);
	return rc;
}

const struct command_ops status_ops = { status_options, sizeof(struct status_args),
					NULL,		NULL,
					status_run,	NULL };
