/*
 * diff: every change kind, prune and protect, set semantics, matching by
 * folded name and by previous names, the Data Marketplace rule, the order
 * apply relies on, and two large inputs that a quadratic diff would not
 * finish. States are built by hand with the model API; the profile is a
 * hand-made struct, so these tests do not depend on the profile loader.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"
#include "plan/diff.h"
#include "plan/plan.h"
#include "plan/planfile.h"
#include "rules/profile.h"
#include "util/strbuf.h"

#include "fixture.h"

static struct profile P;

static int setup(void **st)
{
	(void)st;
	memset(&P, 0, sizeof(P));
	P.id = "kargo";
	P.destination_name = "Kargo";
	P.ttl_days = 35;
	P.record_sync = false;
	P.marketplace_allowed = false;
	return 0;
}

/* ---- running diff ---------------------------------------------------- */

static struct plan *diff(struct state *desired, struct state *actual)
{
	state_canonicalize(desired);
	state_canonicalize(actual);
	struct plan *p = plan_new();
	assert_int_equal(plan_diff(p, desired, actual, &P), 0);
	return p;
}

/* "create:Acme add:Acme/1 ..." for the whole plan, to check order. */
static char *shape(const struct plan *p)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < p->n_changes; i++) {
		const struct change *c = &p->changes[i];
		sb_printf(&sb, "%s%s%s:%s", i ? " " : "", c->refused ? "!" : "",
			  change_action_name(c->action), c->account);
		if (c->segment)
			sb_printf(&sb, "/%s", c->segment);
	}
	return sb_detach(&sb);
}

static void assert_shape(const struct plan *p, const char *want)
{
	char *got = shape(p);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "plan shape:\n  got  %s\n  want %s\n", got, want);
	assert_string_equal(got, want);
	free(got);
}

static const struct field_change *field(const struct change *c, const char *name)
{
	for (size_t i = 0; i < c->n_fields; i++)
		if (strcmp(c->fields[i].field, name) == 0)
			return &c->fields[i];
	return NULL;
}

/* ---- tests ----------------------------------------------------------- */

static void test_create_with_adds(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	struct account *acme = fixture_account(d, "Acme", "Acme Inc", NULL);
	fixture_segments(d, acme, NULL, "2002", "1001:Auto intenders", NULL);
	acme->expire_at = fixture_sv(d, "2027-01-31");
	state_catalog_put(a, "2002", "Luxury shoppers", SEGMENT_ONBOARDING);
	struct plan *p = diff(d, a);

	assert_shape(p, "create:Acme add:Acme/1001 add:Acme/2002");
	const struct change *c = &p->changes[0];
	assert_int_equal(c->kind, KIND_ACCOUNT);
	assert_null(c->connection_id);
	const char *want[] = { "name", "client_name", "identifiers", "status", "expire_at" };
	assert_int_equal(c->n_fields, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(c->fields[i].field, want[i]);
		assert_null(c->fields[i].before.str);
		assert_false(c->fields[i].before.is_list);
	}
	assert_string_equal(field(c, "name")->after.str, "Acme");
	assert_string_equal(field(c, "status")->after.str, "active");
	assert_string_equal(field(c, "expire_at")->after.str, "2027-01-31");
	assert_true(field(c, "identifiers")->after.is_list);
	assert_int_equal(field(c, "identifiers")->after.n_items, 1);
	assert_string_equal(p->changes[1].segment_name, "Auto intenders");
	assert_string_equal(p->changes[2].segment_name, "Luxury shoppers"); /* from the catalog */
	assert_string_equal(p->changes[2].segment_type, "ONBOARDING");
	assert_int_equal(p->summary.accounts_create, 1);
	assert_int_equal(p->summary.segments_add, 2);
	assert_true(plan_has_changes(p));
	plan_free(p);
	state_free(d);
	state_free(a);
}

/* One field differs at a time; the update lists exactly that field. */
static void test_update_each_field(void **st)
{
	(void)st;
	const char *fields[] = { "client_name", "identifiers", "status", "expire_at", "name" };
	for (size_t k = 0; k < 5; k++) {
		struct state *d = state_new(), *a = state_new();
		struct account *want = fixture_account(d, "Acme", "Acme Inc", NULL);
		fixture_account(a, "Acme", "Acme Inc", "Acme");
		switch (k) {
		case 0: want->client_name = fixture_sv(d, "Acme Holdings"); break;
		case 1: fixture_identifiers(d, want, (const char *[]){ "ramp_ids", "cookies" }, 2); break;
		case 2: want->status = STATUS_INACTIVE; break;
		case 3: want->expire_at = fixture_sv(d, "2027-06-30"); break;
		case 4: want->name = fixture_sv(d, "ACME"); break;
		}
		struct plan *p = diff(d, a);
		assert_shape(p, k == 4 ? "update:ACME" : "update:Acme");
		const struct change *c = &p->changes[0];
		assert_int_equal(c->n_fields, 1);
		assert_string_equal(c->fields[0].field, fields[k]);
		assert_false(value_equal(&c->fields[0].before, &c->fields[0].after));
		assert_string_equal(c->manager_id, "dm-Acme");
		assert_string_equal(c->connection_id, "ic-Acme");
		if (k == 1) {
			assert_int_equal(c->fields[0].after.n_items, 2);
			assert_string_equal(c->fields[0].after.items[0], "cookies");
			assert_string_equal(c->fields[0].after.items[1], "ramp_ids");
		}
		if (k == 3)
			assert_null(c->fields[0].before.str);
		assert_int_equal(p->summary.accounts_update, 1);
		plan_free(p);
		state_free(d);
		state_free(a);
	}
}

static void test_equal_states_no_changes(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	struct account *x = fixture_account(d, "Acme", "Acme Inc", NULL);
	struct account *y = fixture_account(a, "Acme", "Acme Inc", "Acme");
	/* Set semantics: other orders, same sets. Precision is not observable
	 * and never makes a diff. */
	fixture_identifiers(d, x, (const char *[]){ "ramp_ids", "cookies", "ctv_ids" }, 3);
	fixture_identifiers(a, y, (const char *[]){ "ctv_ids", "cookies", "ramp_ids" }, 3);
	fixture_segments(d, x, NULL, "3", "1", "2", NULL);
	fixture_segments(a, y, "cfg-", "2", "3", "1", NULL);
	x->precision = fixture_sv(d, "household");
	struct plan *p = diff(d, a);
	assert_int_equal(p->n_changes, 0);
	assert_false(plan_has_changes(p));
	plan_free(p);
	state_free(d);
	state_free(a);
}

/* Other identifiers, as many as before: still an update of them (a set
 * compared by size alone would miss it). */
static void test_identifiers_swapped_same_count(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	struct account *x = fixture_account(d, "Acme", "Acme Inc", NULL);
	struct account *y = fixture_account(a, "Acme", "Acme Inc", "Acme");
	fixture_identifiers(d, x, (const char *[]){ "ramp_ids", "ctv_ids" }, 2);
	fixture_identifiers(a, y, (const char *[]){ "cookies", "ramp_ids" }, 2);
	struct plan *p = diff(d, a);
	assert_shape(p, "update:Acme");
	assert_non_null(field(&p->changes[0], "identifiers"));
	assert_int_equal(p->changes[0].n_fields, 1);
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_case_insensitive_match(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	fixture_account(d, "acme corp", "Acme Inc", NULL);
	fixture_account(a, "  ACME Corp ", "Acme Inc", "  ACME Corp ");
	d->settings.prune = true;
	struct plan *p = diff(d, a);
	assert_shape(p, "update:acme corp");
	const struct field_change *f = field(&p->changes[0], "name");
	assert_non_null(f);
	assert_string_equal(f->before.str, "  ACME Corp ");
	assert_string_equal(f->after.str, "acme corp");
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_remove_has_ttl_reason(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	fixture_segments(d, fixture_account(d, "Acme", "Acme Inc", NULL), NULL, "1", "3", NULL);
	fixture_segments(a, fixture_account(a, "Acme", "Acme Inc", "Acme"), "cfg-", "1", "2:Old list", NULL);
	struct plan *p = diff(d, a);
	assert_shape(p, "remove:Acme/2 add:Acme/3");
	const struct change *c = &p->changes[0];
	assert_string_equal(c->config_id, "cfg-2");
	assert_string_equal(c->segment_name, "Old list");
	assert_string_equal(c->manager_id, "dm-Acme");
	assert_null(c->rule);
	assert_string_equal(c->reason, "Kargo has no Record Sync: members already delivered stay until their "
				       "IDs pass the 35-day TTL.");
	assert_string_equal(p->changes[1].manager_id, "dm-Acme");
	assert_null(p->changes[1].config_id);
	plan_free(p);

	/* A destination with Record Sync needs no such warning. */
	P.record_sync = true;
	p = plan_new();
	plan_diff(p, d, a, &P);
	assert_null(p->changes[0].reason);
	P.record_sync = false;
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_unmanaged_untouched_without_prune(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	fixture_account(d, "Acme", "Acme Inc", NULL);
	fixture_account(a, "Acme", "Acme Inc", "Acme");
	struct account *other = fixture_account(a, "Someone Else", "Acme Inc", "Someone Else");
	fixture_segments(a, other, "cfg-", "7", NULL);
	struct plan *p = diff(d, a);
	assert_int_equal(p->n_changes, 0);
	assert_false(p->prune);
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_prune_deletes_after_removals(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	fixture_account(d, "Acme", "Acme Inc", NULL);
	fixture_account(a, "Acme", "Acme Inc", "Acme");
	fixture_segments(a, fixture_account(a, "Legacy", "Acme Inc", "Legacy"), "cfg-", "9", "8", NULL);
	d->settings.prune = true;
	struct plan *p = diff(d, a);
	assert_true(p->prune);
	assert_shape(p, "remove:Legacy/8 remove:Legacy/9 delete:Legacy");
	assert_string_equal(p->changes[0].config_id, "cfg-8");
	assert_non_null(p->changes[0].reason);
	assert_string_equal(p->changes[2].manager_id, "dm-Legacy");
	assert_string_equal(p->changes[2].connection_id, "ic-Legacy");
	assert_int_equal(p->summary.accounts_delete, 1);
	assert_int_equal(p->summary.segments_remove, 2);
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_protected_is_refused(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	fixture_segments(a, fixture_account(a, "Keep Me", "Acme Inc", "Keep Me"), "cfg-", "5", NULL);
	d->settings.prune = true;
	fixture_push_sval(d, &d->settings.protect, &d->settings.n_protect,
			  fixture_sv_at(d, " keep me", (struct pos){ "reconciler.yaml", 4, 7 }));
	struct plan *p = diff(d, a);
	assert_shape(p, "!delete:Keep Me");
	assert_true(p->changes[0].refused);
	assert_string_equal(p->changes[0].refusal, "protected by settings.protect (reconciler.yaml:4)");
	assert_int_equal(p->summary.refused, 1);
	assert_int_equal(p->summary.accounts_delete, 0);
	assert_int_equal(p->summary.segments_remove, 0);
	assert_false(plan_has_changes(p));
	assert_int_equal(plan_effective_changes(p), 0);
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_rename(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	struct account *n = fixture_account(d, "Gamma Media", "Acme Inc", NULL);
	fixture_push_sval(d, &n->previous_names, &n->n_previous_names, fixture_sv(d, "gamma old"));
	fixture_segments(d, n, NULL, "1", NULL);
	fixture_segments(a, fixture_account(a, "Gamma Old", "Acme Inc", "Gamma Old"), "cfg-", "1", NULL);
	d->settings.prune = true; /* a rename is never a delete, prune or not */
	struct plan *p = diff(d, a);
	assert_shape(p, "rename:Gamma Media");
	const struct change *c = &p->changes[0];
	assert_string_equal(c->account_before, "Gamma Old");
	assert_string_equal(c->manager_id, "dm-Gamma Old");
	assert_int_equal(c->n_fields, 1);
	assert_string_equal(c->fields[0].field, "name");
	assert_string_equal(c->fields[0].before.str, "Gamma Old");
	assert_string_equal(c->fields[0].after.str, "Gamma Media");
	assert_int_equal(p->summary.accounts_rename, 1);
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_rename_with_field_change(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	struct account *n = fixture_account(d, "New", "Acme Inc", NULL);
	fixture_push_sval(d, &n->previous_names, &n->n_previous_names, fixture_sv(d, "Old"));
	n->status = STATUS_INACTIVE;
	fixture_segments(d, n, NULL, "2", NULL);
	fixture_segments(a, fixture_account(a, "Old", "Acme Inc", "Old"), "cfg-", "1", NULL);
	struct plan *p = diff(d, a);
	/* Its segment changes come with the other accounts', under the new name. */
	assert_shape(p, "rename:New remove:New/1 add:New/2");
	const struct change *c = &p->changes[0];
	assert_int_equal(c->n_fields, 2);
	assert_string_equal(c->fields[0].field, "name");
	assert_string_equal(c->fields[1].field, "status");
	assert_string_equal(c->fields[1].before.str, "active");
	assert_string_equal(c->fields[1].after.str, "inactive");
	assert_string_equal(p->changes[1].manager_id, "dm-Old");
	plan_free(p);
	state_free(d);
	state_free(a);
}

/* A previous name cannot take an account another entry declares by name. */
static void test_rename_not_stolen(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	fixture_account(d, "Old", "Acme Inc", NULL);
	struct account *renamed = fixture_account(d, "New", "Acme Inc", NULL);
	fixture_push_sval(d, &renamed->previous_names, &renamed->n_previous_names, fixture_sv(d, "Old"));
	fixture_account(a, "Old", "Acme Inc", "Old");
	struct plan *p = diff(d, a);
	assert_shape(p, "create:New");
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_marketplace_removed(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	fixture_segments(d, fixture_account(d, "Acme", "Acme Inc", NULL), NULL, "1", "2", NULL);
	struct account *x = fixture_account(a, "Acme", "Acme Inc", "Acme");
	fixture_segments(a, x, "cfg-", "1", "2:Premium auto", "3", NULL);
	x->segments[1].type = SEGMENT_DATA_MARKETPLACE;
	x->segments[2].type = SEGMENT_DATA_MARKETPLACE;
	struct plan *p = diff(d, a);
	/* 2 is declared and 3 is not: both go, both for the marketplace rule. */
	assert_shape(p, "remove:Acme/2 remove:Acme/3");
	for (size_t i = 0; i < 2; i++) {
		const struct change *c = &p->changes[i];
		assert_string_equal(c->rule, "kargo.marketplace");
		assert_string_equal(c->segment_type, "DATA_MARKETPLACE");
		assert_non_null(strstr(c->reason, "Data Marketplace"));
		assert_non_null(strstr(c->reason, "Kargo"));
	}
	plan_free(p);

	/* A destination that allows them keeps a declared one. */
	P.marketplace_allowed = true;
	p = plan_new();
	plan_diff(p, d, a, &P);
	assert_shape(p, "remove:Acme/3");
	assert_null(p->changes[0].rule);
	P.marketplace_allowed = false;
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_add_type_from_catalog(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	/* a repeated id is one segment */
	fixture_segments(d, fixture_account(d, "Acme", "Acme Inc", NULL), NULL, "77", "77", NULL);
	state_catalog_put(a, "77", "Market", SEGMENT_DATA_MARKETPLACE);
	struct plan *p = diff(d, a);
	assert_shape(p, "create:Acme add:Acme/77");
	assert_string_equal(p->changes[1].segment_type, "DATA_MARKETPLACE");
	assert_string_equal(p->changes[1].segment_name, "Market");
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_order(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	struct account *beta = fixture_account(d, "beta", "Acme Inc", NULL);
	fixture_push_sval(d, &beta->previous_names, &beta->n_previous_names, fixture_sv(d, "Zed"));
	fixture_segments(d, beta, NULL, "20", NULL);
	fixture_segments(d, fixture_account(d, "Alpha", "Acme Inc", NULL), NULL, "11", "10", NULL);
	struct account *g = fixture_account(d, "Gamma", "Acme Inc", NULL);
	g->status = STATUS_INACTIVE;
	fixture_segments(d, g, NULL, "31", "33", NULL);
	fixture_account(d, "Eps", "Acme Inc", NULL);

	fixture_account(a, "Zed", "Acme Inc", "Zed");
	fixture_segments(a, fixture_account(a, "Delta", "Acme Inc", "Delta"), "cfg-", "41", NULL);
	fixture_segments(a, fixture_account(a, "Gamma", "Acme Inc", "Gamma"), "cfg-", "31", "32", NULL);
	fixture_account(a, "Eps", "Acme Inc", "Eps");
	fixture_account(a, "Aardvark", "Acme Inc", "Aardvark");
	d->settings.prune = true;
	struct plan *p = diff(d, a);
	assert_shape(p, "rename:beta "
			"delete:Aardvark "
			"remove:Delta/41 delete:Delta "
			"create:Alpha add:Alpha/10 add:Alpha/11 "
			"add:beta/20 "
			"update:Gamma remove:Gamma/32 add:Gamma/33");
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_fingerprint_and_purity(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	fixture_segments(d, fixture_account(d, "Acme", "Acme Inc", NULL), NULL, "1", "2", NULL);
	fixture_segments(a, fixture_account(a, "Acme", "Acme Inc", "Acme"), "cfg-", "2", "3", NULL);
	d->source = "paths: examples/basic";
	a->source = "local:sandbox.json";
	struct plan *p1 = diff(d, a), *p2 = diff(d, a);
	char fp[65];
	state_fingerprint(a, fp);
	assert_string_equal(p1->fingerprint, fp);
	assert_string_equal(p1->profile, "kargo");
	assert_string_equal(p1->source, "paths: examples/basic");
	assert_string_equal(p1->backend, "local:sandbox.json");
	struct strbuf j1 = STRBUF_INIT, j2 = STRBUF_INIT;
	plan_write_json(p1, &j1);
	plan_write_json(p2, &j2);
	assert_string_equal(j1.buf, j2.buf);
	sb_release(&j1);
	sb_release(&j2);
	plan_free(p1);
	plan_free(p2);
	state_free(d);
	state_free(a);
}

/* n ids "seg-<k>" for k in [from, from + n), in reverse order so that
 * canonicalize has work to do. */
static void many_segments(struct state *s, struct account *a, size_t from, size_t n, bool with_config)
{
	for (size_t i = n; i-- > 0;) {
		const char *id = arena_printf(&s->arena, "seg-%06zu", from + i);
		struct segment *g = fixture_segment(s, a, id, NULL);
		if (with_config)
			g->config_id = arena_printf(&s->arena, "cfg-%zu", from + i);
	}
}

static void test_one_account_50000_segments(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	many_segments(d, fixture_account(d, "Acme", "Acme Inc", NULL), 0, 50000, false);
	many_segments(a, fixture_account(a, "Acme", "Acme Inc", "Acme"), 20000, 50000, true);
	struct plan *p = diff(d, a);
	/* desired [0, 50000), actual [20000, 70000) */
	assert_int_equal(p->summary.segments_add, 20000);
	assert_int_equal(p->summary.segments_remove, 20000);
	assert_int_equal(p->n_changes, 40000);
	assert_string_equal(p->changes[0].segment, "seg-050000"); /* removals first */
	assert_string_equal(p->changes[20000].segment, "seg-000000");
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_1000_accounts_100_segments(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	for (size_t i = 0; i < 1000; i++) {
		char name[32];
		snprintf(name, sizeof(name), "Account %04zu", 999 - i);
		many_segments(d, fixture_account(d, name, "Acme Inc", NULL), 0, 100, false);
		/* Every third account is missing; every other has 10 other ids. */
		if (i % 3 == 0)
			continue;
		many_segments(a, fixture_account(a, name, "Acme Inc", name), i % 2 ? 10 : 0, 100, true);
	}
	struct plan *p = diff(d, a);
	size_t creates = 334, shifted = 0;
	for (size_t i = 0; i < 1000; i++)
		if (i % 3 != 0 && i % 2)
			shifted++;
	assert_int_equal(p->summary.accounts_create, creates);
	assert_int_equal(p->summary.segments_add, creates * 100 + shifted * 10);
	assert_int_equal(p->summary.segments_remove, shifted * 10);
	assert_string_equal(p->changes[0].account, "Account 0000");
	plan_free(p);
	state_free(d);
	state_free(a);
}

static void test_names(void **st)
{
	(void)st;
	const char *names[] = { "create", "update", "delete", "rename", "add", "remove" };
	for (int i = 0; i < 6; i++) {
		enum change_action act;
		assert_string_equal(change_action_name((enum change_action)i), names[i]);
		assert_int_equal(change_action_from_name(names[i], &act), 0);
		assert_int_equal(act, i);
	}
	enum change_action act;
	assert_int_equal(change_action_from_name("explode", &act), -1);
	assert_null(change_origin_name(ORIGIN_UNSET));
	assert_string_equal(change_origin_name(ORIGIN_DRIFT), "drift");
	assert_string_equal(change_kind_name(KIND_SEGMENT), "segment");

	struct plan *p = plan_new();
	struct value a = value_list(p, (const char *[]){ "a", "b" }, 2);
	struct value b = value_list(p, (const char *[]){ "a", "b" }, 2);
	struct value c = value_str(p, "a");
	struct value n = value_null();
	assert_true(value_equal(&a, &b));
	assert_false(value_equal(&a, &c));
	assert_false(value_equal(&c, &n));
	assert_true(value_equal(&n, &n));
	/* plan_add_change reallocates: many appends keep earlier content. */
	for (int i = 0; i < 1000; i++)
		plan_add_change(p)->action = i % 2 ? CHANGE_ADD : CHANGE_REMOVE;
	assert_int_equal(p->changes[999].action, CHANGE_ADD);
	assert_int_equal(p->changes[0].action, CHANGE_REMOVE);
	plan_summarize(p);
	assert_int_equal(p->summary.segments_add, 500);
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_with_adds),
		cmocka_unit_test(test_update_each_field),
		cmocka_unit_test(test_equal_states_no_changes),
		cmocka_unit_test(test_case_insensitive_match),
		cmocka_unit_test(test_identifiers_swapped_same_count),
		cmocka_unit_test(test_remove_has_ttl_reason),
		cmocka_unit_test(test_unmanaged_untouched_without_prune),
		cmocka_unit_test(test_prune_deletes_after_removals),
		cmocka_unit_test(test_protected_is_refused),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_rename_with_field_change),
		cmocka_unit_test(test_rename_not_stolen),
		cmocka_unit_test(test_marketplace_removed),
		cmocka_unit_test(test_add_type_from_catalog),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_fingerprint_and_purity),
		cmocka_unit_test(test_one_account_50000_segments),
		cmocka_unit_test(test_1000_accounts_100_segments),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
