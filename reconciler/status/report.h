/*
 * The status report: for each declared account and its segments, whether
 * the actual state matches the configuration, the last delivery the
 * backend reports, and the delivery health (status/health.h); for each
 * declared Data Marketplace share, whether the destination is still
 * expected to distribute it. Built from values (the desired and actual
 * states, their plan, the deliveries, the profile and the time) and
 * rendered as text or JSON, so that cmd/status.c only gathers and prints.
 *
 * Ownership: a report owns its rows (heap arrays) and copies every string
 * into its arena; deliveries are copied too, so the report outlives all its
 * inputs. status_report_free() releases it.
 */
#ifndef RECONCILER_STATUS_REPORT_H
#define RECONCILER_STATUS_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/delivery.h"
#include "model/model.h"
#include "plan/plan.h"
#include "rules/profile.h"
#include "status/health.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* How a segment stands against the configuration. */
enum segment_sync {
	SYNC_IN_SYNC,	/* declared and distributed */
	SYNC_TO_ADD,	/* declared, not distributed: the plan adds it */
	SYNC_TO_REMOVE, /* distributed, the plan removes it */
};

struct status_segment {
	const char *id;
	const char *name; /* declared or catalog name, or NULL */
	enum segment_sync sync;
	bool distributed;	 /* the actual state has it: health applies */
	struct segment_health h; /* pointers into the report's own copies */
};

struct status_account {
	const char *name;
	bool exists;	       /* the backend has it */
	bool in_sync;	       /* the plan has no change for it, refused ones aside */
	bool ended;	       /* it ended by itself at its end date (plan/ended.h) */
	const char *state;     /* "in_sync", "create", "update", "rename", "ended" */
	const char *status;    /* actual status ("active"), or NULL */
	const char *expire_at; /* actual end date, or NULL */
	const char *precision; /* declared precision (shown, never sent), or NULL */
	const char *connection_id;
	struct status_segment *segments;
	size_t n_segments;
};

struct status_share {
	const char *segment;
	const char *buyer;
	const char *shared_on; /* as declared */
	bool seller_allowlisted;
	bool dated; /* shared_on is a date: health and due apply */
	enum share_health health;
	char due[16]; /* shared_on + share days */
	long days;    /* since shared_on */
};

struct status_counts {
	size_t accounts, accounts_out_of_sync, accounts_ended;
	size_t segments, not_distributed, to_remove;
	size_t health[HEALTH_FAILED + 1]; /* distributed segments by health */
	size_t shares_pending, shares_overdue;
	size_t undeclared; /* actual accounts the configuration does not declare */
};

struct status_report {
	struct arena arena;
	long long now;
	const char *profile;
	const char *backend;
	struct health_limits limits;
	unsigned share_days;
	const char *destination; /* the profile's destination name */
	struct status_account *accounts;
	size_t n_accounts;
	struct status_share *shares;
	size_t n_shares;
	struct status_counts counts;
	struct delivery_list deliveries; /* the copies rows point to */
};

/* Builds the report. deliveries: every delivery read for the declared
 * accounts that exist (any order). Pure. The caller frees it. */
struct status_report *status_report_build(const struct state *desired, const struct state *actual,
					  const struct plan *plan, const struct delivery_list *deliveries,
					  const struct profile *p, long long now);
void status_report_free(struct status_report *r);
/* Whether anything needs a person: a stale or failed segment, an overdue
 * share. */
bool status_needs_attention(const struct status_report *r);

void status_render_text(const struct status_report *r, struct strbuf *out);
/* Markdown for a job summary or an issue (status/render_markdown.c):
 * within max_bytes (0: MD_DEFAULT_MAX), the accounts left out named. */
void status_render_markdown(const struct status_report *r, size_t max_bytes, struct strbuf *out);
/* The JSON document (README "status"), pretty, with a trailing newline. */
void status_render_json(const struct status_report *r, struct strbuf *out);
/* One self-contained HTML page (status/render_html.c). */
void status_render_html(const struct status_report *r, struct strbuf *out);

#endif
