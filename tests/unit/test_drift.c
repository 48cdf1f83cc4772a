/*
 * Drift and what a plan holds besides changes: accounts that ended by
 * themselves at their end date (held as refused, never reactivated; the
 * past-date diagnostics settled against the actual state), drift counts
 * and safety caps, the JSON report, Data Marketplace shares listed with
 * their manual steps (and carried through the plan file), and the
 * timestamps all of it is dated with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "model/model.h"
#include "plan/diff.h"
#include "plan/drift.h"
#include "plan/ended.h"
#include "plan/planfile.h"
#include "plan/render.h"
#include "plan/shares.h"
#include "rules/check.h"
#include "util/text.h"

#include "fixture.h"

static const char *STEPS[] = { "Talk to the rep.", "Share it." };
static const struct profile P = {
	.id = "kargo",
	.destination_name = "Kargo",
	.ttl_days = 35,
	.marketplace_share_days = 3,
	.marketplace_share_steps = STEPS,
	.n_marketplace_share_steps = 2,
};

static long day(const char *date)
{
	long d;
	assert_true(date_parse(date, &d));
	return d;
}

/* An account with a status and an end date, the date at line 10 * N of
 * c.yaml for the N-th account; an actual one has backend ids ic-N, dm-N. */
static struct account *acct(struct state *s, const char *name, enum account_status st, const char *expire,
			    bool actual)
{
	char key[24];
	snprintf(key, sizeof(key), "%zu", s->n_accounts + 1);
	struct account *a = fixture_account(s, name, "Co", actual ? key : NULL);
	a->status = st;
	struct pos at = { "c.yaml", (unsigned)s->n_accounts * 10, 16 };
	a->expire_at = fixture_sv_at(s, expire, at);
	return a;
}

/* Desired: Ended (active, 2026-01-31), Extended (active, 2026-06-30),
 * Still (active, 2026-01-31, but LiveRamp has it active: a clock skew),
 * Moved (active, 2026-01-31; actual ended on another date). Actual:
 * all four, ended ones inactive. */
static void states(struct state **d, struct state **a)
{
	*d = state_new();
	*a = state_new();
	acct(*d, "Ended", STATUS_ACTIVE, "2026-01-31", false);
	acct(*d, "Extended", STATUS_ACTIVE, "2026-06-30", false);
	acct(*d, "Still", STATUS_ACTIVE, "2026-01-31", false);
	acct(*d, "Moved", STATUS_ACTIVE, "2026-01-31", false);
	acct(*a, "Ended", STATUS_INACTIVE, "2026-01-31", true);
	acct(*a, "Extended", STATUS_INACTIVE, "2026-01-31", true);
	acct(*a, "Still", STATUS_ACTIVE, "2026-01-31", true);
	acct(*a, "Moved", STATUS_INACTIVE, "2026-01-15", true);
	state_canonicalize(*d);
	state_canonicalize(*a);
}

static const struct change *find(const struct plan *p, const char *account, enum change_action act)
{
	for (size_t i = 0; i < p->n_changes; i++)
		if (p->changes[i].action == act && strcmp(p->changes[i].account, account) == 0)
			return &p->changes[i];
	return NULL;
}

static void test_hold_ended(void **st)
{
	struct state *d, *a;
	states(&d, &a);
	struct plan *p = plan_new();
	plan_diff(p, d, a, &P);
	assert_int_equal(plan_hold_ended(p, d, a, day("2026-02-01")), 1);
	const struct change *c = find(p, "Ended", CHANGE_UPDATE);
	assert_non_null(c);
	assert_true(c->refused);
	assert_string_equal(c->rule, RULE_ACCOUNT_ENDED);
	assert_non_null(strstr(c->refusal, "2026-01-31"));
	/* A new end date is a real reactivation; another date is not this rule's. */
	assert_false(find(p, "Extended", CHANGE_UPDATE)->refused);
	assert_false(find(p, "Moved", CHANGE_UPDATE)->refused);
	assert_null(find(p, "Still", CHANGE_UPDATE));
	assert_int_equal(p->summary.refused, 1);
	assert_int_equal(p->summary.accounts_update, 2);

	/* On the end date itself the account has not ended. */
	struct plan *q = plan_new();
	plan_diff(q, d, a, &P);
	assert_int_equal(plan_hold_ended(q, d, a, day("2026-01-31")), 0);
	assert_false(account_ended(state_find_account(a, "Ended"), day("2026-01-31")));
	assert_true(account_ended(state_find_account(a, "Ended"), day("2026-02-01")));
	plan_free(q);

	struct drift_summary s;
	drift_summarize(p, &s);
	assert_int_equal(s.changes, 2);
	assert_int_equal(s.ended, 1);
	assert_int_equal(s.deletes, 0);
	assert_true(s.found);

	struct strbuf out = STRBUF_INIT;
	struct drift_correction corr = {
		.requested = true, .outcome = "blocked", .max_deletes = 0, .max_changes = -1
	};
	drift_report_json(p, &s, &corr, 1770000000LL, 3, &out);
	json_error_t err;
	json_t *j = json_loads(out.buf, 0, &err);
	assert_non_null(j);
	assert_false(json_is_true(json_object_get(j, "in_sync")));
	assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 3);
	json_t *ended = json_object_get(json_object_get(j, "drift"), "ended_accounts");
	assert_int_equal(json_array_size(ended), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ended, 0), "account")), "Ended");
	assert_true(json_is_null(json_object_get(json_object_get(j, "correction"), "max_changes")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "plan"), "format_version")),
			 1);
	json_decref(j);
	sb_release(&out);
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_summary_and_caps(void **st)
{
	struct plan *p = plan_new();
	enum change_action acts[] = { CHANGE_ADD, CHANGE_REMOVE, CHANGE_REMOVE, CHANGE_DELETE,
				      CHANGE_DELETE };
	for (size_t i = 0; i < 5; i++) {
		struct change *c = plan_add_change(p);
		c->action = acts[i];
		c->kind = i < 3 ? KIND_SEGMENT : KIND_ACCOUNT;
		c->account = "A";
	}
	p->changes[4].refused = true; /* a protected account: not drift */
	struct drift_summary s;
	drift_summarize(p, &s);
	assert_int_equal(s.changes, 4);
	assert_int_equal(s.deletes, 3); /* segment removals count as deletes for drift */
	assert_int_equal(s.ended, 0);
	struct diags d = DIAGS_INIT;
	assert_int_equal(drift_check_caps(&s, 0, -1, &d), -1);
	assert_string_equal(d.v[0].rule, "apply.caps");
	assert_non_null(strstr(d.v[0].message, "blocked by safety caps"));
	assert_int_equal(drift_check_caps(&s, 3, -1, &d), 0);
	assert_int_equal(drift_check_caps(&s, 3, 3, &d), -1);
	assert_int_equal(drift_check_caps(&s, 3, 4, &d), 0);
	assert_int_equal(drift_check_caps(&s, -1, -1, &d), 0);
	diags_free(&d);
	/* Only refused changes: no drift. */
	p->n_changes = 0;
	drift_summarize(p, &s);
	assert_false(s.found);
	plan_free(p);
}

static size_t count(const struct diags *d, enum diag_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += d->v[i].severity == sev && strcmp(d->v[i].rule, "account.expire_at") == 0;
	return n;
}

/* Past end dates: warnings before the backend is read, an error only
 * where the plan would set one (an account may keep the one it has). */
static void test_end_dates_judged_by_the_plan(void **st)
{
	setenv("RECONCILER_NOW", "2026-02-01", 1);
	struct state *d, *a;
	states(&d, &a);
	struct diags dg = DIAGS_INIT;
	struct profile *kargo;
	assert_int_equal(profile_load(&kargo, "kargo", &dg), 0);
	rules_check_desired(kargo, d, &dg);
	/* Before observing: three past dates, warnings only (validate passes). */
	assert_int_equal(count(&dg, DIAG_WARNING), 3);
	assert_int_equal(dg.errors, 0);
	size_t before = dg.n;

	struct plan *p = plan_new();
	plan_diff(p, d, a, &P);
	plan_hold_ended(p, d, a, day("2026-02-01"));
	/* Ended keeps its date (held), Still has it already; Moved would be
	 * sent a past date: one error, appended, at Moved's expire_at. */
	assert_int_equal(plan_check_end_dates(p, d, day("2026-02-01"), &dg), 1);
	assert_int_equal(dg.n, before + 1);
	assert_int_equal(count(&dg, DIAG_WARNING), 3);
	const struct diag *g = &dg.v[dg.n - 1];
	assert_int_equal(g->severity, DIAG_ERROR);
	assert_string_equal(g->rule, "account.expire_at");
	assert_non_null(strstr(g->message, "'Moved'"));
	assert_int_equal(g->line, state_find_account(d, "Moved")->expire_at.pos.line);
	/* A saved plan has no declarations: the same error, without a place. */
	struct diags saved = DIAGS_INIT;
	assert_int_equal(plan_check_end_dates(p, NULL, day("2026-02-01"), &saved), 1);
	assert_null(saved.v[0].file);
	diags_free(&saved);
	/* The day before, nothing is in the past yet. */
	struct diags early = DIAGS_INIT;
	assert_int_equal(plan_check_end_dates(p, d, day("2026-01-15"), &early), 0);
	diags_free(&early);
	plan_free(p);
	diags_free(&dg);
	profile_free(kargo);
	unsetenv("RECONCILER_NOW");
	state_free(d);
	state_free(a);
}

/* A rename takes over the account of its old name: that one's end date
 * counts (kept: no error), and it is never reactivated (held). */
static void test_end_dates_follow_renames(void **st)
{
	struct state *d = state_new(), *a = state_new();
	struct account *r = acct(d, "Acme Retail", STATUS_INACTIVE, "2026-01-31", false);
	fixture_push_sval(d, &r->previous_names, &r->n_previous_names, fixture_sv(d, "Acme Web"));
	struct account *z = acct(d, "Zeta", STATUS_ACTIVE, "2026-01-31", false);
	fixture_push_sval(d, &z->previous_names, &z->n_previous_names, fixture_sv(d, "Old Zeta"));
	acct(a, "Acme Web", STATUS_INACTIVE, "2026-01-31", true);
	acct(a, "Old Zeta", STATUS_INACTIVE, "2026-01-31", true);
	state_canonicalize(d);
	state_canonicalize(a);
	struct plan *p = plan_new();
	plan_diff(p, d, a, &P);
	assert_int_equal(plan_hold_ended(p, d, a, day("2026-02-01")), 1);
	const struct change *kept = find(p, "Acme Retail", CHANGE_RENAME);
	assert_non_null(kept);
	assert_false(kept->refused);
	const struct change *react = find(p, "Zeta", CHANGE_RENAME);
	assert_non_null(react);
	assert_true(react->refused);
	assert_string_equal(react->rule, RULE_ACCOUNT_ENDED);
	struct diags dg = DIAGS_INIT;
	assert_int_equal(plan_check_end_dates(p, d, day("2026-02-01"), &dg), 0);
	diags_free(&dg);
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_shares(void **st)
{
	struct state *d = state_new();
	const char *dates[] = { "2026-01-28", "2026-01-27", "2026-02-05", "not a date" };
	for (size_t i = 0; i < 4; i++) {
		struct share *sh = state_add_share(d);
		sh->segment.v = arena_printf(&d->arena, "900%zu", i);
		sh->buyer.v = "Buyer: \"Big\" #1";
		sh->shared_on.v = dates[i];
		sh->seller_allowlisted = i == 0;
	}
	struct plan *p = plan_new();
	p->profile = "kargo";
	memset(p->fingerprint, 'a', 64);
	plan_list_shares(p, d, &P, day("2026-01-31"));
	/* Shared 3 days ago: listed; 4 days ago: past the window (status:
	 * overdue); ahead of time: listed; not a date: the rules' business. */
	assert_int_equal(p->n_shares, 2);
	assert_string_equal(p->shares[0].segment, "9000");
	assert_string_equal(p->shares[0].due, "2026-01-31");
	assert_true(p->shares[0].seller_allowlisted);
	assert_int_equal(p->shares[0].n_steps, 2);
	assert_string_equal(p->shares[0].steps[1], "Share it.");
	assert_string_equal(p->shares[1].segment, "9002");
	assert_int_equal(p->summary.shares_manual, 2);
	assert_false(plan_has_changes(p)); /* steps for a person are not changes */

	/* Through the plan file and back, byte for byte. */
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	assert_int_equal(plan_write_json(p, &a), 0);
	struct diags dg = DIAGS_INIT;
	struct plan *q;
	assert_int_equal(plan_read_json(&q, a.buf, a.len, "p.json", &dg), 0);
	assert_int_equal(q->n_shares, 2);
	assert_string_equal(q->shares[0].buyer, "Buyer: \"Big\" #1");
	assert_int_equal(plan_write_json(q, &b), 0);
	assert_string_equal(a.buf, b.buf);
	plan_free(q);

	/* A plan file without shares (older) still reads; a bad one does not. */
	json_t *j = json_loads(a.buf, 0, NULL);
	json_object_del(j, "shares");
	json_object_del(json_object_get(j, "summary"), "shares_manual");
	char *old = json_dumps(j, 0);
	assert_int_equal(plan_read_json(&q, old, strlen(old), "old.json", &dg), 0);
	assert_int_equal(q->n_shares, 0);
	plan_free(q);
	free(old);
	json_object_set_new(j, "shares", json_pack("[{s:s}]", "segment", "1"));
	old = json_dumps(j, 0);
	assert_int_equal(plan_read_json(&q, old, strlen(old), "bad.json", &dg), -1);
	assert_non_null(strstr(dg.v[dg.n - 1].message, "shares[0]"));
	free(old);
	json_decref(j);
	diags_free(&dg);
	sb_release(&a);
	sb_release(&b);
	plan_free(p);
	state_free(d);
}

/* What a person reads: the held reactivation and the share's steps, in
 * text, Markdown and GitHub annotations. */
static void test_rendering(void **st)
{
	struct state *d, *a;
	states(&d, &a);
	struct share *sh = state_add_share(d);
	sh->segment.v = "9001";
	sh->buyer.v = "Buyer <b>";
	sh->shared_on.v = "2026-02-01";
	struct plan *p = plan_new();
	plan_diff(p, d, a, &P);
	plan_hold_ended(p, d, a, day("2026-02-01"));
	plan_list_shares(p, d, &P, day("2026-02-01"));
	struct render_options o = { 0 };
	struct strbuf out = STRBUF_INIT;
	plan_render_text(p, &o, &out);
	assert_non_null(
	    strstr(out.buf, "! account \"Ended\": not changed: it ended on its end date 2026-01-31"));
	assert_non_null(strstr(out.buf, "# [account.ended]"));
	assert_non_null(
	    strstr(out.buf, "* share segment \"9001\" with buyer \"Buyer <b>\" (shared_on 2026-02-01; "
			    "distributed by 2026-02-04)\n      1. Talk to the rep.\n      2. Share it.\n"));
	assert_non_null(strstr(out.buf, "1 refused; 1 Data Marketplace share to do by hand."));
	sb_reset(&out);
	plan_render_markdown(p, &o, &out);
	assert_non_null(strstr(out.buf, "account Ended is not changed"));
	assert_non_null(strstr(out.buf, "#### Data Marketplace shares to do by hand"));
	assert_non_null(strstr(out.buf, "Buyer &lt;b&gt;"));
	assert_non_null(strstr(out.buf, "  2. Share it\\.\n"));
	sb_reset(&out);
	plan_render_github(p, &o, &out);
	assert_non_null(strstr(out.buf, "is not changed: it ended"));
	/* Nothing but the held reactivation and the share: "No changes." and both shown. */
	struct plan *q = plan_new();
	struct state *d2 = state_new(), *a2 = state_new();
	acct(d2, "Ended", STATUS_ACTIVE, "2026-01-31", false);
	acct(a2, "Ended", STATUS_INACTIVE, "2026-01-31", true);
	*state_add_share(d2) = *sh;
	state_canonicalize(d2);
	state_canonicalize(a2);
	plan_diff(q, d2, a2, &P);
	plan_hold_ended(q, d2, a2, day("2026-02-01"));
	plan_list_shares(q, d2, &P, day("2026-02-01"));
	sb_reset(&out);
	plan_render_text(q, &o, &out);
	assert_non_null(strstr(out.buf, "No changes."));
	assert_non_null(strstr(out.buf, "not changed: it ended"));
	assert_non_null(strstr(out.buf, "Data Marketplace shares to do by hand"));
	plan_free(q);
	state_free(d2);
	state_free(a2);
	sb_release(&out);
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_timestamps(void **st)
{
	long long t;
	assert_true(timestamp_parse("2026-11-28T12:00:00Z", &t));
	assert_int_equal(t, 1795867200LL);
	assert_true(timestamp_parse("2026-11-28T12:00:00.123Z", &t));
	assert_int_equal(t, 1795867200LL);
	assert_true(timestamp_parse("2026-11-28T14:00:00+02:00", &t));
	assert_int_equal(t, 1795867200LL);
	assert_true(timestamp_parse("2026-11-28", &t));
	assert_int_equal(t, 1795824000LL);
	assert_false(timestamp_parse("2026-11-28T25:00:00Z", &t));
	assert_false(timestamp_parse("2026-11-28T12:00Z", &t));
	assert_false(timestamp_parse("2026-11-28T12:00:00+2", &t));
	assert_false(timestamp_parse("yesterday", &t));
	char buf[32];
	timestamp_format(1795867200LL, buf);
	assert_string_equal(buf, "2026-11-28T12:00:00Z");
	timestamp_format(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hold_ended),
		cmocka_unit_test(test_summary_and_caps),
		cmocka_unit_test(test_end_dates_judged_by_the_plan),
		cmocka_unit_test(test_end_dates_follow_renames),
		cmocka_unit_test(test_shares),
		cmocka_unit_test(test_rendering),
		cmocka_unit_test(test_timestamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
