/*
 * Rule checks: for every rule id, a state that passes and one that fails,
 * with the rule id, the severity and the position of the offending value
 * checked. States are built by hand with the model API; the profile is the
 * embedded Kargo one, so limits and texts are read from it, not repeated.
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
#include "rules/check.h"
#include "rules/embedded.h"
#include "rules/profile.h"
#include "util/strbuf.h"

#include "fixture.h"

static struct profile *P; /* the embedded kargo profile, for every test */

#define FILE_A "accounts/a.yaml"

static struct pos at(unsigned line, unsigned col)
{
	return (struct pos){ FILE_A, line, col };
}

/* A value written at line:col of FILE_A (NULL: absent, no position). */
static struct sval sv(struct state *s, const char *v, unsigned line, unsigned col)
{
	return fixture_sv_at(s, v, at(line, col));
}

/* A valid account at `line`: name at col 9, client name, cookies. */
static struct account *account(struct state *s, const char *name, unsigned line)
{
	struct account *a = fixture_account(s, name, "Acme Inc", NULL);
	a->pos = at(line, 3);
	a->name = sv(s, name, line, 9);
	a->client_name = sv(s, "Acme Inc", line + 1, 16);
	a->identifiers_declared = true;
	a->identifiers_pos = at(line + 2, 5);
	a->identifiers[0] = sv(s, "cookies", line + 3, 9);
	a->segments_pos = at(line + 4, 5);
	return a;
}

static void add_identifier(struct state *s, struct account *a, const char *id, unsigned line)
{
	fixture_push_sval(s, &a->identifiers, &a->n_identifiers, sv(s, id, line, 9));
}

static struct segment *add_segment(struct state *s, struct account *a, const char *id, const char *name,
				   unsigned line)
{
	struct segment *g = fixture_segment(s, a, id, NULL);
	g->pos = at(line, 7);
	if (name)
		g->name = sv(s, name, line + 1, 15);
	return g;
}

static size_t count(const struct diags *d, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += !strcmp(d->v[i].rule, rule);
	return n;
}

/* The only diagnostic of d, which must have this rule, severity and place. */
static const struct diag *only(const struct diags *d, const char *rule, enum diag_severity sev, unsigned line,
			       unsigned col)
{
	if (d->n != 1)
		fail_msg("expected one diagnostic (%s), got %zu; first: %s %s", rule, d->n,
			 d->n ? d->v[0].rule : "-", d->n ? d->v[0].message : "-");
	const struct diag *g = &d->v[0];
	assert_string_equal(g->rule, rule);
	assert_int_equal(g->severity, sev);
	if (line) {
		assert_non_null(g->file);
		assert_string_equal(g->file, FILE_A);
		assert_int_equal(g->line, line);
		assert_int_equal(g->col, col);
	} else {
		assert_null(g->file);
	}
	assert_non_null(g->hint);
	assert_true(strlen(g->hint) > 0);
	return g;
}

static void has(const char *text, const char *needle)
{
	if (!text || !strstr(text, needle))
		fail_msg("'%s' not in '%s'", needle, text ? text : "(null)");
}

/* Runs the desired checks; asserts the return value matches d.errors. */
static size_t check(const struct state *s, struct diags *d)
{
	size_t before = d->errors;
	size_t n = rules_check_desired(P, s, d);
	assert_int_equal(n, d->errors - before);
	return n;
}

static void test_valid_state_passes(void **state)
{
	(void)state;
	setenv("RECONCILER_NOW", "2026-06-01", 1);
	struct state *s = state_new();
	struct account *a = account(s, "Acme Kargo", 1);
	add_identifier(s, a, "ramp_ids", 5);
	add_identifier(s, a, "ctv_ids", 6);
	a->precision = sv(s, "household", 7, 14);
	a->expire_at = sv(s, "2026-06-01", 8, 14);
	fixture_push_sval(s, &a->previous_names, &a->n_previous_names, sv(s, "Acme Old", 9, 9));
	add_segment(s, a, "100", "Buyers", 10);
	add_segment(s, a, "101", "Sellers", 12);
	struct account *b = account(s, "Beta", 20);
	b->identifiers_declared = false;
	b->n_identifiers = 0; /* not declared at all: the loader's default applies */
	struct share *sh = state_add_share(s);
	sh->shared_on = sv(s, "2026-05-30", 30, 16);
	struct diags d = DIAGS_INIT;
	assert_int_equal(check(s, &d), 0);
	assert_int_equal(d.n, 0);
	diags_free(&d);
	state_free(s);
}

static void test_account_name_missing(void **state)
{
	(void)state;
	struct state *s = state_new();
	account(s, NULL, 1);
	struct diags d = DIAGS_INIT;
	assert_int_equal(check(s, &d), 1);
	only(&d, "account.name", DIAG_ERROR, 1, 3); /* no name: the account's position */
	diags_free(&d);
	state_free(s);

	s = state_new();
	account(s, "   ", 1);
	assert_int_equal(check(s, &d), 1);
	only(&d, "account.name", DIAG_ERROR, 1, 9);
	diags_free(&d);
	state_free(s);
}

static void test_account_name_length(void **state)
{
	(void)state;
	char name[512];
	struct diags d = DIAGS_INIT;
	/* exactly the limit, in two-byte code points: passes */
	name[0] = '\0';
	for (unsigned i = 0; i < P->account_name_max; i++)
		strcat(name, "\xc3\xa9");
	struct state *s = state_new();
	account(s, name, 1);
	assert_int_equal(check(s, &d), 0);
	state_free(s);
	/* one more: fails, citing both limits */
	memset(name, 'x', P->account_name_max + 1);
	name[P->account_name_max + 1] = '\0';
	s = state_new();
	account(s, name, 4);
	assert_int_equal(check(s, &d), 1);
	const struct diag *g = only(&d, "account.name", DIAG_ERROR, 4, 9);
	char want[128];
	snprintf(want, sizeof(want), "is %u characters; the Activation API allows %u (Connect allows %u)",
		 P->account_name_max + 1, P->account_name_max, P->account_name_max_connect);
	has(g->message, want);
	diags_free(&d);
	state_free(s);
}

static void test_account_name_duplicate(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	account(s, " Acme ", 1);
	account(s, "Acme Two", 10);
	assert_int_equal(check(s, &d), 0);
	account(s, "ACME", 20);
	assert_int_equal(check(s, &d), 1);
	const struct diag *g = only(&d, "account.name", DIAG_ERROR, 20, 9);
	has(g->message, "also declared at " FILE_A ":1:9");
	diags_free(&d);
	state_free(s);
}

static void test_previous_name_clash(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	struct account *a = account(s, "Acme", 1);
	account(s, "Beta", 10);
	fixture_push_sval(s, &a->previous_names, &a->n_previous_names, sv(s, "Gamma", 6, 11));
	assert_int_equal(check(s, &d), 0);
	/* a previous name that is another declared account's name */
	fixture_push_sval(s, &a->previous_names, &a->n_previous_names, sv(s, " beta", 7, 11));
	assert_int_equal(check(s, &d), 1);
	const struct diag *g = only(&d, "account.name", DIAG_ERROR, 7, 11);
	has(g->message, FILE_A ":10:9");
	diags_free(&d);
	state_free(s);
	/* the same previous name claimed by two accounts */
	s = state_new();
	a = account(s, "Acme", 1);
	struct account *b = account(s, "Beta", 10);
	fixture_push_sval(s, &a->previous_names, &a->n_previous_names, sv(s, "Old", 6, 11));
	fixture_push_sval(s, &b->previous_names, &b->n_previous_names, sv(s, "old", 16, 11));
	assert_int_equal(check(s, &d), 1);
	only(&d, "account.name", DIAG_ERROR, 16, 11);
	diags_free(&d);
	state_free(s);
}

/* O(n): 100,000 accounts, then one duplicate among them. */
static void test_many_accounts(void **state)
{
	(void)state;
	enum { N = 100000 };
	struct state *s = state_new();
	char name[32];
	for (unsigned i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "account-%06u", i);
		struct account *a = state_add_account(s);
		a->pos = at(i + 1, 3);
		a->name = sv(s, name, i + 1, 9);
		a->client_name = (struct sval){ "Acme Inc", at(i + 1, 30) };
	}
	struct diags d = DIAGS_INIT;
	assert_int_equal(check(s, &d), 0);
	struct account *dup = state_add_account(s);
	dup->pos = at(N + 1, 3);
	dup->name = sv(s, "ACCOUNT-050000", N + 1, 9);
	dup->client_name = (struct sval){ "Acme Inc", at(N + 1, 30) };
	assert_int_equal(check(s, &d), 1);
	const struct diag *g = only(&d, "account.name", DIAG_ERROR, N + 1, 9);
	has(g->message, FILE_A ":50001:9");
	diags_free(&d);
	state_free(s);
}

static void test_expire_at(void **state)
{
	(void)state;
	setenv("RECONCILER_NOW", "2026-06-01T10:00:00Z", 1);
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	struct account *a = account(s, "Acme", 1);
	a->expire_at = sv(s, "2026-06-01", 6, 14); /* today is not the past */
	assert_int_equal(check(s, &d), 0);
	/* In the past: a warning only, since only the account's actual end
	 * date can tell whether it is kept or would be set (plan/ended.h). */
	a->expire_at = sv(s, "2026-05-31", 6, 14);
	assert_int_equal(check(s, &d), 0);
	const struct diag *g = only(&d, "account.expire_at", DIAG_WARNING, 6, 14);
	has(g->message, "has passed");
	diags_free(&d);
	a->expire_at = sv(s, "2026-02-30", 6, 14);
	assert_int_equal(check(s, &d), 1);
	g = only(&d, "account.expire_at", DIAG_ERROR, 6, 14);
	has(g->message, "not a date");
	diags_free(&d);
	state_free(s);
}

static void test_client_name(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	struct account *a = account(s, "Acme", 1);
	assert_int_equal(check(s, &d), 0);
	a->client_name = (struct sval){ NULL, { 0 } };
	assert_int_equal(check(s, &d), 1);
	const struct diag *g = only(&d, "kargo.client_name", DIAG_ERROR, 1, 3);
	has(g->message, P->destination_name);
	has(g->hint, P->required_account_field_descriptions[0]);
	diags_free(&d);
	a->client_name = sv(s, " ", 2, 16);
	assert_int_equal(check(s, &d), 1);
	only(&d, "kargo.client_name", DIAG_ERROR, 2, 16);
	diags_free(&d);
	state_free(s);
}

static void test_identifiers(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	struct account *a = account(s, "Acme", 1);
	add_identifier(s, a, "ctv_ids", 5);
	assert_int_equal(check(s, &d), 0);
	add_identifier(s, a, "mobile_device_ids", 6);
	assert_int_equal(check(s, &d), 1);
	const struct diag *g = only(&d, "kargo.identifiers", DIAG_ERROR, 6, 9);
	char want[128];
	snprintf(want, sizeof(want), "%s does not accept %s", P->destination_name,
		 profile_identifier(P, "mobile_device_ids")->label);
	has(g->message, want);
	has(g->hint, "cookies, ramp_ids, ctv_ids");
	diags_free(&d);
	state_free(s);

	/* a word the profile does not know: suggestion */
	s = state_new();
	a = account(s, "Acme", 1);
	a->identifiers[0].v = "cookie";
	assert_int_equal(check(s, &d), 1);
	g = only(&d, "kargo.identifiers", DIAG_ERROR, 4, 9);
	has(g->hint, "did you mean 'cookies'");
	diags_free(&d);
	/* a truncated word: the accepted word it begins */
	a->identifiers[0].v = "ctv";
	assert_int_equal(check(s, &d), 1);
	g = only(&d, "kargo.identifiers", DIAG_ERROR, 4, 9);
	has(g->hint, "did you mean 'ctv_ids'? Kargo accepts: cookies, ramp_ids, ctv_ids");
	diags_free(&d);
	/* never a suggestion the profile refuses */
	a->identifiers[0].v = "mobile_device_id";
	assert_int_equal(check(s, &d), 1);
	g = only(&d, "kargo.identifiers", DIAG_ERROR, 4, 9);
	assert_null(strstr(g->hint, "mobile_device_ids"));
	assert_null(strstr(g->hint, "platform_ids"));
	diags_free(&d);
	/* declared but empty */
	a->n_identifiers = 0;
	assert_int_equal(check(s, &d), 1);
	only(&d, "kargo.identifiers", DIAG_ERROR, 3, 5);
	diags_free(&d);
	state_free(s);
}

static void test_precision(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	struct account *a = account(s, "Acme", 1);
	a->precision = sv(s, "individual", 6, 14);
	assert_int_equal(check(s, &d), 0);
	a->precision = sv(s, "neighborhood", 6, 14);
	assert_int_equal(check(s, &d), 1);
	const struct diag *g = only(&d, "kargo.precision", DIAG_ERROR, 6, 14);
	has(g->message, "individual, household");
	has(g->hint, P->precision_note);
	diags_free(&d);
	state_free(s);
}

static void test_record_sync_and_raw_fields(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	struct account *a = account(s, "Acme", 1);
	a->record_sync = false;
	a->record_sync_pos = at(7, 16);
	assert_int_equal(check(s, &d), 0);
	a->record_sync = true;
	assert_int_equal(check(s, &d), 1);
	const struct diag *g = only(&d, "kargo.record_sync", DIAG_ERROR, 7, 16);
	has(g->message, P->record_sync_reason);
	diags_free(&d);
	a->record_sync = false;
	a->raw_fields_pos = at(8, 5);
	fixture_push_sval(s, &a->raw_fields, &a->n_raw_fields, sv(s, "zip_code", 9, 9));
	fixture_push_sval(s, &a->raw_fields, &a->n_raw_fields, sv(s, "income", 10, 9));
	assert_int_equal(check(s, &d), 1); /* one for the list, naming each field */
	g = only(&d, "kargo.raw_fields", DIAG_ERROR, 8, 5);
	has(g->message, P->raw_fields_reason);
	has(g->message, "'zip_code', 'income'");
	diags_free(&d);
	state_free(s);
}

/* The same config is fine for a destination whose profile allows it. */
static void test_profile_drives_rules(void **state)
{
	(void)state;
	const struct embedded_file *f = embedded_files;
	while (f->name && strcmp(f->name, "kargo"))
		f++;
	assert_non_null(f->name);
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, f->data, f->len);
	char *t = strstr(sb.buf, "record_sync:\n  allowed: false");
	assert_non_null(t);
	memcpy(strstr(t, "false"), "true ", 5);
	t = strstr(sb.buf, "destination: Kargo\n");
	assert_non_null(t);
	memcpy(t, "destination: Zeta \n", 19);
	struct diags d = DIAGS_INIT;
	struct profile *q = NULL;
	assert_int_equal(profile_parse(&q, "other.yaml", sb.buf, sb.len, &d), 0);
	struct state *s = state_new();
	struct account *a = account(s, "Acme", 1);
	a->record_sync = true;
	a->record_sync_pos = at(7, 16);
	add_identifier(s, a, "platform_ids", 5);
	assert_int_equal(rules_check_desired(q, s, &d), 1);
	const struct diag *g = only(&d, "kargo.identifiers", DIAG_ERROR, 5, 9);
	has(g->message, "Zeta does not accept");
	assert_null(strstr(g->message, "Kargo"));
	diags_free(&d);
	state_free(s);
	profile_free(q);
	sb_release(&sb);
}

static void test_segment_names(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	struct account *a = account(s, "Acme", 1);
	char *name = calloc(1, P->segment_name_max + 2);
	memset(name, 'n', P->segment_name_max);
	add_segment(s, a, "100", name, 10);
	add_segment(s, a, "101", "Buyers", 12);
	assert_int_equal(check(s, &d), 0);
	/* over the limit by one */
	name[P->segment_name_max] = 'n';
	a->segments[0].name = sv(s, name, 11, 15);
	assert_int_equal(check(s, &d), 1);
	only(&d, "kargo.segment_name", DIAG_ERROR, 11, 15);
	diags_free(&d);
	free(name);
	state_free(s);

	s = state_new();
	a = account(s, "Acme", 1);
	add_segment(s, a, "100", "Buyers", 10);
	add_segment(s, a, "101", " buyers ", 12);
	assert_int_equal(check(s, &d), 1);
	const struct diag *g = only(&d, "kargo.duplicate_segment_names", DIAG_ERROR, 13, 15);
	has(g->message, FILE_A ":11:15");
	diags_free(&d);
	state_free(s);
}

static void test_segment_duplicate(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	struct account *a = account(s, "Acme", 1);
	add_segment(s, a, "100", NULL, 10);
	add_segment(s, a, "101", NULL, 11);
	assert_int_equal(check(s, &d), 0);
	add_segment(s, a, "100", NULL, 12);
	assert_int_equal(check(s, &d), 1);
	const struct diag *g = only(&d, "segment.duplicate", DIAG_ERROR, 12, 7);
	has(g->message, FILE_A ":10:7");
	diags_free(&d);
	state_free(s);
}

static void test_marketplace_declared(void **state)
{
	(void)state;
	static const enum marketplace_offering offerings[] = { OFFERING_STANDARD, OFFERING_CUSTOM,
							       OFFERING_UNKNOWN };
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	struct account *a = account(s, "Acme", 1);
	struct segment *g = add_segment(s, a, "100", NULL, 10);
	g->type = SEGMENT_ONBOARDING;
	assert_int_equal(check(s, &d), 0);
	for (size_t i = 0; i < 3; i++) {
		g->type = SEGMENT_DATA_MARKETPLACE;
		g->offering = offerings[i];
		g->type_pos = at(11, 13);
		assert_int_equal(check(s, &d), 1);
		const struct diag *x = only(&d, "kargo.marketplace", DIAG_ERROR, 11, 13);
		has(x->message, P->marketplace_reason);
		if (offerings[i] != OFFERING_CUSTOM)
			has(x->hint, P->marketplace_standard_hint);
		if (offerings[i] != OFFERING_STANDARD)
			has(x->hint, P->marketplace_custom_hint);
		if (offerings[i] == OFFERING_STANDARD)
			assert_null(strstr(x->hint, P->marketplace_custom_hint));
		if (offerings[i] == OFFERING_CUSTOM)
			assert_null(strstr(x->hint, P->marketplace_standard_hint));
		diags_free(&d);
	}
	state_free(s);
}

static void test_share_shared_on(void **state)
{
	(void)state;
	setenv("RECONCILER_NOW", "2026-06-01", 1);
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	account(s, "Acme", 1);
	struct share *sh = state_add_share(s);
	sh->pos = at(20, 3);
	sh->shared_on = sv(s, "2026-05-01", 22, 16);
	assert_int_equal(check(s, &d), 0);
	sh->shared_on = sv(s, "May 1st", 22, 16);
	assert_int_equal(check(s, &d), 1);
	only(&d, "share.shared_on", DIAG_ERROR, 22, 16);
	diags_free(&d);
	state_free(s);
}

/* ---- against what the backend reports --------------------------------------------- */

static size_t check_actual(const struct state *desired, const struct state *actual, struct diags *d)
{
	size_t before = d->errors;
	size_t n = rules_check_actual(P, desired, actual, d);
	assert_int_equal(n, d->errors - before);
	return n;
}

static void test_actual_catalog_marketplace(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new(), *act = state_new();
	struct account *a = account(s, "Acme", 1);
	add_segment(s, a, "100", NULL, 10);
	state_catalog_put(act, "100", "Buyers", SEGMENT_ONBOARDING);
	assert_int_equal(check_actual(s, act, &d), 0);
	state_catalog_put(act, "100", "Buyers", SEGMENT_DATA_MARKETPLACE);
	assert_int_equal(check_actual(s, act, &d), 1);
	const struct diag *g = only(&d, "kargo.marketplace", DIAG_ERROR, 10, 7);
	has(g->hint, P->marketplace_standard_hint);
	has(g->hint, P->marketplace_custom_hint);
	diags_free(&d);
	state_free(act);
	state_free(s);
}

static void test_actual_unknown_segment(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new(), *act = state_new();
	struct account *a = account(s, "Acme", 1);
	add_segment(s, a, "100", NULL, 10);
	/* an empty catalog knows nothing: nothing to say */
	assert_int_equal(check_actual(s, act, &d), 0);
	state_catalog_put(act, "100", "Buyers", SEGMENT_ONBOARDING);
	assert_int_equal(check_actual(s, act, &d), 0);
	add_segment(s, a, "999", NULL, 12);
	assert_int_equal(check_actual(s, act, &d), 1);
	only(&d, "segment.unknown", DIAG_ERROR, 12, 7);
	diags_free(&d);
	state_free(act);
	state_free(s);
}

static void test_actual_duplicate_names(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new(), *act = state_new();
	struct account *a = account(s, "Acme", 1);
	add_segment(s, a, "100", NULL, 10);
	add_segment(s, a, "101", "buyers", 12);
	state_catalog_put(act, "100", "Sellers", SEGMENT_ONBOARDING);
	state_catalog_put(act, "101", "Other", SEGMENT_ONBOARDING);
	assert_int_equal(check_actual(s, act, &d), 0);
	/* the catalog names 100 like the name declared for 101 */
	state_catalog_put(act, "100", " BUYERS", SEGMENT_ONBOARDING);
	assert_int_equal(check_actual(s, act, &d), 1);
	const struct diag *g = only(&d, "kargo.duplicate_segment_names", DIAG_ERROR, 13, 15);
	has(g->message, FILE_A ":10:7");
	diags_free(&d);
	state_free(act);
	state_free(s);
}

/* Names are unique in the org: one held by a manager the backend does
 * not manage is refused for a create and for a rename into it (folded),
 * and only warned about on an account that exists already. */
static void test_actual_held_names(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new(), *act = state_new();
	account(s, "Acme Web", 1);
	assert_int_equal(check_actual(s, act, &d), 0);
	state_add_held_name(act, " acme WEB", "ic-7", "dm-9");
	assert_int_equal(check_actual(s, act, &d), 1);
	const struct diag *g = only(&d, "account.conflict", DIAG_ERROR, 1, 9);
	has(g->message, "cannot be created");
	has(g->message, "dm-9");
	has(g->message, "ic-7");
	has(g->hint, "Connect");
	diags_free(&d);
	/* a rename of an existing account into the held name */
	struct account *old = state_add_account(act);
	old->name = sv(act, "Acme Old", 0, 0);
	old->connection_id = "ic-1";
	old->manager_id = "dm-1";
	state_index(act);
	struct account *a = s->accounts[0];
	fixture_push_sval(s, &a->previous_names, &a->n_previous_names, sv(s, "Acme Old", 5, 20));
	assert_int_equal(check_actual(s, act, &d), 1);
	has(only(&d, "account.conflict", DIAG_ERROR, 1, 9)->message, "cannot be renamed");
	diags_free(&d);
	/* the account exists under that name too: nothing is created, a warning */
	old->name = sv(act, "Acme Web", 0, 0);
	state_index(act);
	assert_int_equal(check_actual(s, act, &d), 0);
	only(&d, "account.conflict", DIAG_WARNING, 1, 9);
	diags_free(&d);
	state_free(act);
	state_free(s);
}

static void test_actual_undeclared_marketplace(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new(), *act = state_new();
	account(s, "Acme", 1);
	struct account *x = state_add_account(act); /* a name and a segment, nothing else */
	x->name = fixture_sv(act, "Legacy");
	struct segment *seg = fixture_segment(act, x, "500", NULL);
	seg->type = SEGMENT_ONBOARDING;
	assert_int_equal(check_actual(s, act, &d), 0);
	assert_int_equal(d.n, 0);
	seg->type = SEGMENT_DATA_MARKETPLACE;
	seg->offering = OFFERING_STANDARD;
	assert_int_equal(check_actual(s, act, &d), 0); /* a warning, not an error */
	const struct diag *g = only(&d, "kargo.marketplace", DIAG_WARNING, 0, 0);
	has(g->message, "Legacy");
	has(g->hint, P->marketplace_standard_hint);
	diags_free(&d);
	/* declared (under its old name): reported at the declaration */
	struct account *a = s->accounts[0];
	fixture_push_sval(s, &a->previous_names, &a->n_previous_names, sv(s, "legacy", 6, 11));
	assert_int_equal(check_actual(s, act, &d), 0);
	only(&d, "kargo.marketplace", DIAG_WARNING, 5, 5);
	diags_free(&d);
	state_free(act);
	state_free(s);
}

static void test_rule_ids_are_distinct(void **state)
{
	(void)state;
	/* one state breaking every desired rule once: each id appears */
	setenv("RECONCILER_NOW", "2026-06-01", 1);
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	struct account *a = account(s, "Acme", 1);
	account(s, "acme", 30);
	a->client_name.v = NULL;
	add_identifier(s, a, "platform_ids", 5);
	a->precision = sv(s, "street", 6, 14);
	a->expire_at = sv(s, "2020-01-01", 7, 14);
	a->record_sync = true;
	fixture_push_sval(s, &a->raw_fields, &a->n_raw_fields, sv(s, "zip", 8, 9));
	add_segment(s, a, "1", "x", 10);
	add_segment(s, a, "2", "X", 12)->type = SEGMENT_DATA_MARKETPLACE;
	add_segment(s, a, "1", NULL, 14);
	state_add_share(s)->shared_on = sv(s, "soon", 20, 5);
	static const char *const ids[] = { "account.name",	"account.expire_at",
					   "kargo.client_name", "kargo.identifiers",
					   "kargo.precision",	"kargo.record_sync",
					   "kargo.raw_fields",	"kargo.duplicate_segment_names",
					   "kargo.marketplace", "segment.duplicate",
					   "share.shared_on" };
	size_t n = sizeof(ids) / sizeof(ids[0]);
	assert_int_equal(check(s, &d), n - 1); /* the past expire_at is a warning */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(count(&d, ids[i]), 1);
	diags_free(&d);
	state_free(s);
}

static int setup(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	int rc = profile_load(&P, "kargo", &d);
	diags_free(&d);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	profile_free(P);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_state_passes),
		cmocka_unit_test(test_account_name_missing),
		cmocka_unit_test(test_account_name_length),
		cmocka_unit_test(test_account_name_duplicate),
		cmocka_unit_test(test_previous_name_clash),
		cmocka_unit_test(test_many_accounts),
		cmocka_unit_test(test_expire_at),
		cmocka_unit_test(test_client_name),
		cmocka_unit_test(test_identifiers),
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_record_sync_and_raw_fields),
		cmocka_unit_test(test_profile_drives_rules),
		cmocka_unit_test(test_segment_names),
		cmocka_unit_test(test_segment_duplicate),
		cmocka_unit_test(test_marketplace_declared),
		cmocka_unit_test(test_share_shared_on),
		cmocka_unit_test(test_actual_catalog_marketplace),
		cmocka_unit_test(test_actual_unknown_segment),
		cmocka_unit_test(test_actual_duplicate_names),
		cmocka_unit_test(test_actual_undeclared_marketplace),
		cmocka_unit_test(test_actual_held_names),
		cmocka_unit_test(test_rule_ids_are_distinct),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
