/*
 * Delivery health and the status report: every boundary of the rules in
 * status/health.h on both sides (TTL 34, 35, 35 days + 1 s, 36 days; first
 * delivery 2, 3, 4 days; shares 3 and 4 days after shared_on), the order
 * of the rules, and the report's rows and counts built from small states.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/delivery.h"
#include "model/model.h"
#include "plan/diff.h"
#include "plan/plan.h"
#include "status/health.h"
#include "status/report.h"
#include "util/text.h"

#include "fixture.h"

#define DAY 86400LL
/* 2026-01-01T00:00:00Z */
#define T0 1767225600LL

static const struct health_limits LIM = { .ttl_days = 35, .first_delivery_days = 3 };

static struct delivery dl(enum delivery_status st, long long t)
{
	struct delivery d = { .status = st, .updated = t, .updated_known = true, .record_count = -1 };
	return d;
}

static enum health judge(const struct delivery *v, size_t n, long long now, struct segment_health *h)
{
	const struct delivery *ptrs[8];
	for (size_t i = 0; i < n; i++)
		ptrs[i] = &v[i];
	health_of_segment(h, ptrs, n, now, &LIM);
	return h->health;
}

static void test_ttl_boundaries(void **st)
{
	struct delivery v[] = { dl(DELIVERY_DELIVERED, T0) };
	struct segment_health h;
	assert_int_equal(judge(v, 1, T0 + 34 * DAY, &h), HEALTH_DELIVERED);
	assert_int_equal(judge(v, 1, T0 + 35 * DAY, &h), HEALTH_DELIVERED); /* exactly the TTL: not older */
	assert_int_equal(h.expires, T0 + 35 * DAY);
	assert_int_equal(judge(v, 1, T0 + 35 * DAY + 1, &h), HEALTH_STALE);
	assert_int_equal(judge(v, 1, T0 + 36 * DAY, &h), HEALTH_STALE);
	assert_int_equal(h.age, 36 * DAY);
	assert_ptr_equal(h.last_delivered, &v[0]);
}

static void test_first_delivery_boundaries(void **st)
{
	struct delivery v[] = { dl(DELIVERY_PENDING, T0) };
	struct segment_health h;
	assert_int_equal(judge(v, 1, T0 + 2 * DAY, &h), HEALTH_PENDING);
	assert_int_equal(h.due, T0 + 3 * DAY);
	assert_int_equal(judge(v, 1, T0 + 3 * DAY - 1, &h), HEALTH_PENDING);
	assert_int_equal(judge(v, 1, T0 + 3 * DAY, &h), HEALTH_FAILED); /* "less than 3 days" is pending */
	assert_int_equal(h.why, WHY_NOT_DELIVERED_IN_TIME);
	assert_int_equal(judge(v, 1, T0 + 4 * DAY, &h), HEALTH_FAILED);
	/* IN_PROGRESS is not delivered either. */
	v[0].status = DELIVERY_IN_PROGRESS;
	assert_int_equal(judge(v, 1, T0 + 2 * DAY, &h), HEALTH_PENDING);
}

static void test_rule_order(void **st)
{
	struct segment_health h;
	/* The last delivery failed after an earlier success: failed. */
	struct delivery a[] = { dl(DELIVERY_DELIVERED, T0), dl(DELIVERY_FAILED, T0 + DAY) };
	assert_int_equal(judge(a, 2, T0 + 2 * DAY, &h), HEALTH_FAILED);
	assert_int_equal(h.why, WHY_LAST_FAILED);
	assert_ptr_equal(h.last, &a[1]);
	/* ... but past the TTL, stale says more: the data is gone. */
	assert_int_equal(judge(a, 2, T0 + 40 * DAY, &h), HEALTH_STALE);
	/* A refresh after a failure: delivered again, aged from the refresh. */
	struct delivery b[] = { dl(DELIVERY_FAILED, T0), dl(DELIVERY_DELIVERED, T0 + 10 * DAY) };
	assert_int_equal(judge(b, 2, T0 + 44 * DAY, &h), HEALTH_DELIVERED);
	assert_int_equal(h.age, 34 * DAY);
	/* A failed first delivery, even early. */
	struct delivery c[] = { dl(DELIVERY_FAILED, T0) };
	assert_int_equal(judge(c, 1, T0 + 1, &h), HEALTH_FAILED);
	/* Nothing reported at all. */
	assert_int_equal(judge(c, 0, T0, &h), HEALTH_UNKNOWN);
	assert_null(h.last);
}

static void test_removals_and_bad_times_ignored(void **st)
{
	struct segment_health h;
	struct delivery v[] = { dl(DELIVERY_DELIVERED, T0), dl(DELIVERY_FAILED, T0 + DAY),
				dl(DELIVERY_FAILED, T0 + 2 * DAY) };
	v[1].remove = true;	    /* a DELETE delivery says nothing about the add */
	v[2].updated_known = false; /* no readable time: cannot be ordered */
	assert_int_equal(judge(v, 3, T0 + 5 * DAY, &h), HEALTH_DELIVERED);
	assert_ptr_equal(h.last, &v[0]);
	/* The first record dates the addition; equal times keep the later one listed. */
	struct delivery w[] = { dl(DELIVERY_PENDING, T0 + DAY), dl(DELIVERY_PENDING, T0),
				dl(DELIVERY_FAILED, T0 + DAY) };
	judge(w, 3, T0 + DAY, &h);
	assert_int_equal(h.added, T0);
	assert_ptr_equal(h.last, &w[2]);
}

static void test_share_boundaries(void **st)
{
	long on;
	assert_true(date_parse("2026-11-01", &on));
	assert_int_equal(health_of_share(on, on - 2, 3), SHARE_PENDING); /* declared ahead */
	assert_int_equal(health_of_share(on, on, 3), SHARE_PENDING);
	assert_int_equal(health_of_share(on, on + 2, 3), SHARE_PENDING);
	assert_int_equal(health_of_share(on, on + 3, 3), SHARE_PENDING); /* within 3 days, inclusive */
	assert_int_equal(health_of_share(on, on + 4, 3), SHARE_OVERDUE);
	assert_string_equal(share_health_name(SHARE_OVERDUE), "overdue");
	assert_string_equal(health_name(HEALTH_STALE), "stale");
}

/* ---- the report -------------------------------------------------------------- */

static void test_report(void **st)
{
	static const struct profile P = { .id = "kargo",
					  .destination_name = "Kargo",
					  .ttl_days = 35,
					  .first_delivery_days = 3,
					  .marketplace_share_days = 3 };
	struct state *d = state_new(), *a = state_new();
	const char *want[] = { "1", "2", "3", "4", "5" };
	const char *have[] = { "1", "2", "3", "4", "9" };
	fixture_segment_list(d, fixture_account(d, "Acme", "Co", NULL), NULL, want, 5);
	fixture_segment_list(d, fixture_account(d, "New Co", "Co", NULL), NULL, want, 1);
	fixture_segment_list(a, fixture_account(a, "Acme", "Co", "1"), "sc-", have, 5);
	fixture_segment_list(a, fixture_account(a, "Stranger", "Co", "2"), "sc-", have, 1);
	struct share *sh = state_add_share(d);
	sh->segment.v = "9001";
	sh->buyer.v = "Buyer";
	sh->shared_on.v = "2026-01-20";
	sh = state_add_share(d);
	sh->segment.v = "9002";
	sh->buyer.v = "Buyer";
	sh->shared_on.v = "2026-01-28";
	state_canonicalize(d);
	state_canonicalize(a);
	struct plan *p = plan_new();
	plan_diff(p, d, a, &P);

	struct delivery_list l = DELIVERY_LIST_INIT;
	long long now = T0 + 30 * DAY; /* 2026-01-31 */
	fixture_delivery(&l, "ic-1", "1", DELIVERY_DELIVERED, "2026-01-30T00:00:00Z", 1200);
	/* 61 days: stale */
	fixture_delivery(&l, "ic-1", "2", DELIVERY_DELIVERED, "2025-12-01T00:00:00Z", 10);
	fixture_delivery(&l, "ic-1", "3", DELIVERY_PENDING, "2026-01-30T00:00:00Z", -1);
	fixture_delivery(&l, "ic-1", "9", DELIVERY_FAILED, "2026-01-30T00:00:00Z", -1);
	/* another account's */
	fixture_delivery(&l, "ic-2", "4", DELIVERY_DELIVERED, "2026-01-30T00:00:00Z", 5);
	struct status_report *r = status_report_build(d, a, p, &l, &P, now);
	delivery_list_free(&l); /* the report keeps copies */

	assert_int_equal(r->n_accounts, 2);
	const struct status_account *acme = &r->accounts[0];
	assert_string_equal(acme->name, "Acme");
	assert_true(acme->exists);
	assert_false(acme->in_sync); /* 5 to add, 9 to remove */
	assert_int_equal(acme->n_segments, 6);
	const char *ids[] = { "1", "2", "3", "4", "5", "9" };
	enum segment_sync sync[] = { SYNC_IN_SYNC, SYNC_IN_SYNC, SYNC_IN_SYNC,
				     SYNC_IN_SYNC, SYNC_TO_ADD,	 SYNC_TO_REMOVE };
	enum health health[] = { HEALTH_DELIVERED, HEALTH_STALE, HEALTH_PENDING, HEALTH_UNKNOWN, 0,
				 HEALTH_FAILED };
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(acme->segments[i].id, ids[i]);
		assert_int_equal(acme->segments[i].sync, sync[i]);
		assert_int_equal(acme->segments[i].distributed, i != 4);
		if (i != 4)
			assert_int_equal(acme->segments[i].h.health, health[i]);
	}
	assert_int_equal(acme->segments[0].h.last->record_count, 1200);
	const struct status_account *nc = &r->accounts[1];
	assert_false(nc->exists);
	assert_string_equal(nc->state, "create");
	assert_int_equal(r->counts.health[HEALTH_STALE], 1);
	assert_int_equal(r->counts.not_distributed, 2);
	assert_int_equal(r->counts.undeclared, 1);
	assert_int_equal(r->n_shares, 2);
	assert_int_equal(r->shares[0].health, SHARE_OVERDUE); /* 11 days */
	assert_int_equal(r->shares[1].health, SHARE_PENDING); /* 3 days */
	assert_string_equal(r->shares[1].due, "2026-01-31");
	assert_true(status_needs_attention(r));

	struct strbuf out = STRBUF_INIT;
	status_render_text(r, &out);
	assert_non_null(strstr(out.buf, "expired at Kargo"));
	assert_non_null(strstr(out.buf, "1 stale"));
	sb_reset(&out);
	status_render_json(r, &out);
	assert_non_null(strstr(out.buf, "\"health\": \"stale\""));
	assert_non_null(strstr(out.buf, "\"attention\": true"));
	sb_release(&out);
	status_report_free(r);
	plan_free(p);
	state_free(d);
	state_free(a);
}

/* status --format markdown: the summary first, whole account sections
 * within 64,512 bytes, and the accounts left out named (the rest counted). */
static void test_status_markdown_size(void **state)
{
	(void)state;
	struct status_report r = { 0 };
	r.profile = "kargo";
	r.backend = "local";
	r.destination = "Kargo";
	r.limits.ttl_days = 35;
	r.limits.first_delivery_days = 3;
	r.n_accounts = 3000;
	r.accounts = calloc(r.n_accounts, sizeof(*r.accounts));
	struct status_segment *segs = calloc(10, sizeof(*segs));
	for (size_t k = 0; k < 10; k++) {
		segs[k].id = "31254678";
		segs[k].name = "Auto | intenders";
		segs[k].distributed = true;
		segs[k].h.health = k == 3 ? HEALTH_STALE : HEALTH_DELIVERED;
	}
	char(*names)[32] = calloc(r.n_accounts, sizeof(*names));
	for (size_t i = 0; i < r.n_accounts; i++) {
		snprintf(names[i], sizeof(names[i]), "Account %04zu", i);
		r.accounts[i].name = names[i];
		r.accounts[i].state = "in_sync";
		r.accounts[i].segments = segs;
		r.accounts[i].n_segments = 10;
	}
	r.counts.accounts = r.n_accounts;
	struct strbuf out = STRBUF_INIT;
	status_render_markdown(&r, 0, &out);
	assert_true(out.len <= 65536 - 1024);
	assert_true(out.len > 50000);
	assert_true(strncmp(out.buf, "### Reconciler status for kargo\n\n| Accounts |", 45) == 0);
	assert_non_null(strstr(out.buf, "Auto \\| intenders")); /* no cell is split */
	assert_non_null(strstr(out.buf, "<summary>\xE2\x9A\xA0\xEF\xB8\x8F <b>Account 0000</b>: in_sync (10 "
					"segments, 1 stale or failed)"));
	size_t open = 0;
	for (const char *c = out.buf; (c = strstr(c, "<details>")); c++)
		open++;
	assert_true(open > 10 && open < 3000);
	char want[96];
	snprintf(want, sizeof(want),
		 "more accounts are not shown** (a comment is limited to 64,512 bytes): Account %04zu, ",
		 open);
	assert_non_null(strstr(out.buf, want));
	assert_non_null(strstr(out.buf, " more. `reconciler status --format json` has them all.\n"));
	sb_release(&out);
	free(names);
	free(segs);
	free(r.accounts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ttl_boundaries),
		cmocka_unit_test(test_first_delivery_boundaries),
		cmocka_unit_test(test_rule_order),
		cmocka_unit_test(test_removals_and_bad_times_ignored),
		cmocka_unit_test(test_share_boundaries),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_status_markdown_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
