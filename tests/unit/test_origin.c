/*
 * Pull-request origin tagging (plan/origin.h), a pure function of two plans:
 * hand-made plans for each rule (segment changes, account fields, creates,
 * refused deletes, renamed accounts matched by backend id), then whole
 * scenarios through plan_diff: a pull request that adds one segment while
 * the actual state drifted, an account dropped from the config with and
 * without prune, and --only-changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"
#include "plan/diff.h"
#include "plan/origin.h"
#include "plan/plan.h"
#include "rules/profile.h"

#include "fixture.h"

static struct profile P = {
	.id = "kargo",
	.destination_name = "Kargo",
	.ttl_days = 35,
};

/* ---- hand-made plans --------------------------------------------------- */

static struct change *seg(struct plan *p, enum change_action act, const char *account, const char *manager,
			  const char *id)
{
	struct change *c = plan_add_change(p);
	c->action = act;
	c->kind = KIND_SEGMENT;
	c->account = arena_strdup(&p->arena, account);
	c->manager_id = manager ? arena_strdup(&p->arena, manager) : NULL;
	c->segment = arena_strdup(&p->arena, id);
	return c;
}

/* An account change with fields given as "field=before>after" strings
 * (NULL-terminated); "-" is null. */
static struct change *acct(struct plan *p, enum change_action act, const char *account, const char *manager,
			   ...)
{
	struct change *c = plan_add_change(p);
	c->action = act;
	c->kind = KIND_ACCOUNT;
	c->account = arena_strdup(&p->arena, account);
	c->manager_id = manager ? arena_strdup(&p->arena, manager) : NULL;
	c->fields = arena_alloc(&p->arena, 8 * sizeof(*c->fields));
	va_list ap;
	va_start(ap, manager);
	const char *f;
	while ((f = va_arg(ap, const char *)) != NULL) {
		char buf[128];
		snprintf(buf, sizeof(buf), "%s", f);
		char *eq = strchr(buf, '='), *gt = strchr(buf, '>');
		*eq = '\0';
		*gt = '\0';
		struct field_change *fc = &c->fields[c->n_fields++];
		fc->field = arena_strdup(&p->arena, buf);
		fc->before = strcmp(eq + 1, "-") ? value_str(p, eq + 1) : value_null();
		fc->after = strcmp(gt + 1, "-") ? value_str(p, gt + 1) : value_null();
	}
	va_end(ap);
	return c;
}

static void test_segment_changes(void **st)
{
	(void)st;
	struct plan *head = plan_new(), *base = plan_new();
	seg(base, CHANGE_ADD, "Acme", "dm-1", "100");
	seg(base, CHANGE_REMOVE, "Acme", "dm-1", "300");
	seg(head, CHANGE_ADD, "Acme", "dm-1", "100");	 /* also at the base: drift */
	seg(head, CHANGE_ADD, "Acme", "dm-1", "200");	 /* the pull request's */
	seg(head, CHANGE_REMOVE, "Acme", "dm-1", "300"); /* drift */
	seg(head, CHANGE_ADD, "Acme", "dm-1", "300");	 /* same target, other action */
	assert_int_equal(plan_tag_origins(head, base), 2);
	assert_int_equal(head->changes[0].origin, ORIGIN_DRIFT);
	assert_int_equal(head->changes[1].origin, ORIGIN_CHANGE);
	assert_int_equal(head->changes[2].origin, ORIGIN_DRIFT);
	assert_int_equal(head->changes[3].origin, ORIGIN_CHANGE);
	plan_free(head);
	plan_free(base);
}

/* An account matched by its backend id keeps its drift across a rename in
 * the pull request: the segment was missing before the rename too. */
static void test_renamed_account_matches_by_id(void **st)
{
	(void)st;
	struct plan *head = plan_new(), *base = plan_new();
	seg(base, CHANGE_ADD, "Old Name", "dm-7", "100");
	acct(head, CHANGE_RENAME, "New Name", "dm-7", "name=Old Name>New Name", NULL);
	seg(head, CHANGE_ADD, "New Name", "dm-7", "100");
	plan_tag_origins(head, base);
	assert_int_equal(head->changes[0].origin, ORIGIN_CHANGE);
	assert_int_equal(head->changes[1].origin, ORIGIN_DRIFT);
	plan_free(head);
	plan_free(base);
}

/* Without backend ids (an account that does not exist yet) the folded
 * name is the identity. */
static void test_create_matches_by_folded_name(void **st)
{
	(void)st;
	struct plan *head = plan_new(), *base = plan_new();
	acct(base, CHANGE_CREATE, " ACME us ", NULL, "client_name=->Acme Inc", NULL);
	seg(base, CHANGE_ADD, "ACME us", NULL, "1");
	acct(head, CHANGE_CREATE, "Acme US", NULL, "client_name=->Acme Inc", NULL);
	seg(head, CHANGE_ADD, "acme us", NULL, "1");
	acct(head, CHANGE_CREATE, "Other", NULL, "client_name=->Other", NULL);
	assert_int_equal(plan_tag_origins(head, base), 2);
	assert_int_equal(head->changes[0].origin, ORIGIN_DRIFT);
	assert_int_equal(head->changes[1].origin, ORIGIN_DRIFT);
	assert_int_equal(head->changes[2].origin, ORIGIN_CHANGE);
	plan_free(head);
	plan_free(base);
}

/* A create the pull request modifies (another client name) is its change. */
static void test_create_with_other_fields_is_a_change(void **st)
{
	(void)st;
	struct plan *head = plan_new(), *base = plan_new();
	acct(base, CHANGE_CREATE, "Acme", NULL, "client_name=->Acme Inc", "status=->active", NULL);
	acct(head, CHANGE_CREATE, "Acme", NULL, "client_name=->Acme Ltd", "status=->active", NULL);
	plan_tag_origins(head, base);
	assert_int_equal(head->changes[0].origin, ORIGIN_CHANGE);
	plan_free(head);
	plan_free(base);
}

static void test_update_fields(void **st)
{
	(void)st;
	struct plan *head = plan_new(), *base = plan_new();
	acct(base, CHANGE_UPDATE, "A", "dm-1", "client_name=Other>Acme", NULL);
	acct(base, CHANGE_UPDATE, "B", "dm-2", "client_name=Other>Bee", NULL);
	acct(base, CHANGE_UPDATE, "C", "dm-3", "status=inactive>active", NULL);
	/* identical at the base: drift */
	acct(head, CHANGE_UPDATE, "A", "dm-1", "client_name=Other>Acme", NULL);
	/* one field drift, one the pull request's: one change, drift named */
	acct(head, CHANGE_UPDATE, "B", "dm-2", "client_name=Other>Bee", "status=active>inactive", NULL);
	/* the same field to another value: the pull request's */
	acct(head, CHANGE_UPDATE, "C", "dm-3", "status=inactive>active", "expire_at=->2027-01-01", NULL);
	acct(head, CHANGE_UPDATE, "D", "dm-4", "status=active>inactive", NULL);
	assert_int_equal(plan_tag_origins(head, base), 1);
	assert_int_equal(head->changes[0].origin, ORIGIN_DRIFT);
	assert_null(head->changes[0].reason);
	assert_int_equal(head->changes[1].origin, ORIGIN_CHANGE);
	assert_non_null(head->changes[1].reason);
	assert_non_null(strstr(head->changes[1].reason, "client_name"));
	assert_null(strstr(head->changes[1].reason, "status"));
	assert_int_equal(head->changes[2].origin, ORIGIN_CHANGE);
	assert_non_null(strstr(head->changes[2].reason, "status already differs"));
	assert_int_equal(head->changes[3].origin, ORIGIN_CHANGE);
	assert_null(head->changes[3].reason);
	plan_free(head);
	plan_free(base);
}

/* Protecting an account in the pull request turns a planned delete into a
 * refused one: that is the pull request's doing. */
static void test_refused_delete_differs(void **st)
{
	(void)st;
	struct plan *head = plan_new(), *base = plan_new();
	acct(base, CHANGE_DELETE, "Gone", "dm-9", NULL);
	acct(base, CHANGE_DELETE, "Also", "dm-8", NULL);
	struct change *c = acct(head, CHANGE_DELETE, "Gone", "dm-9", NULL);
	c->refused = true;
	acct(head, CHANGE_DELETE, "Also", "dm-8", NULL);
	plan_tag_origins(head, base);
	assert_int_equal(head->changes[0].origin, ORIGIN_CHANGE);
	assert_int_equal(head->changes[1].origin, ORIGIN_DRIFT);
	plan_free(head);
	plan_free(base);
}

static void test_empty_base_makes_everything_a_change(void **st)
{
	(void)st;
	struct plan *head = plan_new(), *base = plan_new();
	seg(head, CHANGE_ADD, "A", "dm-1", "1");
	acct(head, CHANGE_DELETE, "B", "dm-2", NULL);
	assert_int_equal(plan_tag_origins(head, base), 0);
	for (size_t i = 0; i < head->n_changes; i++)
		assert_int_equal(head->changes[i].origin, ORIGIN_CHANGE);
	plan_free(head);
	plan_free(base);
}

static void test_drop_drift(void **st)
{
	(void)st;
	struct plan *head = plan_new(), *base = plan_new();
	seg(base, CHANGE_ADD, "A", "dm-1", "1");
	seg(head, CHANGE_ADD, "A", "dm-1", "1");
	seg(head, CHANGE_ADD, "A", "dm-1", "2");
	seg(head, CHANGE_REMOVE, "A", "dm-1", "3");
	plan_tag_origins(head, base);
	plan_summarize(head);
	assert_int_equal(head->summary.segments_add, 2);
	assert_int_equal(plan_drop_drift(head), 1);
	assert_int_equal(head->n_changes, 2);
	assert_string_equal(head->changes[0].segment, "2");
	assert_string_equal(head->changes[1].segment, "3");
	assert_int_equal(head->summary.segments_add, 1);
	assert_int_equal(head->summary.segments_remove, 1);
	plan_free(head);
	plan_free(base);
}

/* ---- scenarios through diff -------------------------------------------- */

/* Plans head and base against actual, tags, returns the head plan. */
static struct plan *pr_plan(struct state *head, struct state *base, struct state *actual)
{
	state_canonicalize(head);
	state_canonicalize(base);
	state_canonicalize(actual);
	struct plan *h = plan_new(), *b = plan_new();
	plan_diff(h, head, actual, &P);
	plan_diff(b, base, actual, &P);
	plan_tag_origins(h, b);
	plan_free(b);
	return h;
}

static const struct change *find(const struct plan *p, enum change_action act, const char *segment)
{
	for (size_t i = 0; i < p->n_changes; i++)
		if (p->changes[i].action == act &&
		    (!segment || (p->changes[i].segment && !strcmp(p->changes[i].segment, segment))))
			return &p->changes[i];
	return NULL;
}

/* The "done when": a pull request adds one segment; out of band,
 * one segment config was deleted and the client name changed. */
static void test_scenario_one_segment_and_drift(void **st)
{
	(void)st;
	struct state *base = state_new(), *head = state_new(), *actual = state_new();
	fixture_segments(base, fixture_account(base, "Acme", "Acme Inc", NULL), NULL, "1", "2", "3", NULL);
	struct account *acme = fixture_account(head, "Acme", "Acme Inc", NULL);
	fixture_segments(head, acme, NULL, "1", "2", "3", "4", NULL);
	fixture_segments(actual, fixture_account(actual, "Acme", "Other Inc", "Acme"), "sc-", "1", "2", NULL);
	struct plan *p = pr_plan(head, base, actual);
	assert_int_equal(p->n_changes, 3);
	assert_int_equal(find(p, CHANGE_UPDATE, NULL)->origin, ORIGIN_DRIFT);
	assert_int_equal(find(p, CHANGE_ADD, "3")->origin, ORIGIN_DRIFT);
	assert_int_equal(find(p, CHANGE_ADD, "4")->origin, ORIGIN_CHANGE);
	plan_free(p);
	state_free(base);
	state_free(head);
	state_free(actual);
}

/* An account whose file the pull request deletes: with prune off nothing
 * is planned; with prune on its removals and delete are the PR's. */
static void test_scenario_account_dropped(void **st)
{
	(void)st;
	for (int prune = 0; prune < 2; prune++) {
		struct state *base = state_new(), *head = state_new(), *actual = state_new();
		fixture_segments(base, fixture_account(base, "Keep", "K", NULL), NULL, "1", NULL);
		fixture_segments(base, fixture_account(base, "Drop", "D", NULL), NULL, "2", NULL);
		fixture_segments(head, fixture_account(head, "Keep", "K", NULL), NULL, "1", NULL);
		base->settings.prune = head->settings.prune = prune;
		fixture_segments(actual, fixture_account(actual, "Keep", "K", "Keep"), "sc-", "1", NULL);
		fixture_segments(actual, fixture_account(actual, "Drop", "D", "Drop"), "sc-", "2", NULL);
		struct plan *p = pr_plan(head, base, actual);
		if (!prune) {
			assert_int_equal(p->n_changes, 0);
		} else {
			assert_int_equal(p->n_changes, 2);
			assert_int_equal(find(p, CHANGE_REMOVE, "2")->origin, ORIGIN_CHANGE);
			assert_int_equal(find(p, CHANGE_DELETE, NULL)->origin, ORIGIN_CHANGE);
		}
		plan_free(p);
		state_free(base);
		state_free(head);
		state_free(actual);
	}
}

/* With prune on at both ends, an account created out of band is deleted:
 * drift, whatever the pull request does. */
static void test_scenario_pruned_stranger_is_drift(void **st)
{
	(void)st;
	struct state *base = state_new(), *head = state_new(), *actual = state_new();
	fixture_account(base, "Keep", "K", NULL);
	fixture_segments(head, fixture_account(head, "Keep", "K", NULL), NULL, "9", NULL);
	base->settings.prune = head->settings.prune = true;
	fixture_account(actual, "Keep", "K", "Keep");
	fixture_account(actual, "Stranger", "S", "Stranger");
	struct plan *p = pr_plan(head, base, actual);
	assert_int_equal(find(p, CHANGE_DELETE, NULL)->origin, ORIGIN_DRIFT);
	assert_int_equal(find(p, CHANGE_ADD, "9")->origin, ORIGIN_CHANGE);
	plan_free(p);
	state_free(base);
	state_free(head);
	state_free(actual);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segment_changes),
		cmocka_unit_test(test_renamed_account_matches_by_id),
		cmocka_unit_test(test_create_matches_by_folded_name),
		cmocka_unit_test(test_create_with_other_fields_is_a_change),
		cmocka_unit_test(test_update_fields),
		cmocka_unit_test(test_refused_delete_differs),
		cmocka_unit_test(test_empty_base_makes_everything_a_change),
		cmocka_unit_test(test_drop_drift),
		cmocka_unit_test(test_scenario_one_segment_and_drift),
		cmocka_unit_test(test_scenario_account_dropped),
		cmocka_unit_test(test_scenario_pruned_stranger_is_drift),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
