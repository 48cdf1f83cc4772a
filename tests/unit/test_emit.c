/*
 * Writing configuration for import: hostile strings survive a round trip
 * through the YAML loader unchanged; a written account loads back as the
 * same account, passes the rules, and diffs to no change against the state
 * it came from; Data Marketplace configs are left out with a comment; file
 * names are plain and never empty.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "import/emit.h"
#include "desired/load.h"
#include "plan/diff.h"
#include "rules/check.h"
#include "rules/profile.h"

#include "fixture.h"

static struct profile *kargo;

static int setup(void **st)
{
	struct diags d = DIAGS_INIT;
	int rc = profile_load(&kargo, "kargo", &d);
	diags_free(&d);
	return rc;
}

static int teardown(void **st)
{
	profile_free(kargo);
	return 0;
}

static struct state *load_text(const char *text, struct diags *d)
{
	struct state *s = state_new();
	struct ydoc *doc;
	if (ydoc_parse(&doc, "t.yaml", text, strlen(text), d) == 0) {
		desired_load_doc(s, doc, d);
		ydoc_free(doc);
	}
	return s;
}

static void test_strings_round_trip(void **st)
{
	static const char *const hostile[] = {
		"Acme: US",
		"# not a comment",
		"  leading and trailing  ",
		"yes",
		"null",
		"~",
		"123",
		"1e3",
		"true",
		"- dash",
		"[list]",
		"{map}",
		"a \"quoted\" 'name'",
		"back\\slash",
		"tab\there",
		"new\nline",
		"bell\x07",
		"del\x7f",
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xaf",
		"\xc2\x85next line",
		"\xe2\x80\xa8ls\xe2\x80\xa9ps",
		"\xef\xbb\xbf\x62om",
		"*alias",
		"&anchor",
		"!tag",
		"%directive",
		"@at",
		"`tick`",
		"",
		"---",
	};
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct strbuf doc = STRBUF_INIT;
		sb_puts(&doc, "version: 1\naccounts:\n  - name: ");
		emit_yaml_str(&doc, hostile[i]);
		sb_puts(&doc, "\n    client_name: ");
		emit_yaml_str(&doc, hostile[i]);
		sb_puts(&doc, "\n    identifiers: [cookies]\n");
		struct diags d = DIAGS_INIT;
		struct state *s = load_text(doc.buf, &d);
		if (d.errors || s->n_accounts != 1)
			fail_msg("string %zu did not load: %s", i, d.n ? d.v[0].message : doc.buf);
		assert_string_equal(s->accounts[0]->client_name.v, hostile[i]);
		/* A name is read trimmed (one name everywhere), with a warning. */
		if (strcmp(hostile[i], "  leading and trailing  ") == 0)
			assert_string_equal(s->accounts[0]->name.v, "leading and trailing");
		else
			assert_string_equal(s->accounts[0]->name.v, hostile[i]);
		state_free(s);
		diags_free(&d);
		sb_release(&doc);
	}
	/* Invalid UTF-8 cannot come from JSON, but never breaks the file. */
	struct strbuf sb = STRBUF_INIT;
	emit_yaml_str(&sb, "a\xff"
			   "b");
	assert_string_equal(sb.buf, "\"a\\ufffdb\"");
	sb_release(&sb);
}

static void test_file_names(void **st)
{
	static const char *const cases[][2] = {
		{ "Acme Kargo US", "acme-kargo-us.yaml" },	{ "  --Acme__US!! ", "acme-us.yaml" },
		{ "../../etc/passwd", "etc-passwd.yaml" },	{ "Caf\xc3\xa9 Paris", "caf-paris.yaml" },
		{ "\xe6\x97\xa5\xe6\x9c\xac", "account.yaml" }, { "", "account.yaml" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		emit_file_name(&sb, cases[i][0]);
		assert_string_equal(sb.buf, cases[i][1]);
		sb_release(&sb);
	}
	struct strbuf sb = STRBUF_INIT;
	char longname[200];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	emit_file_name(&sb, longname);
	assert_int_equal(sb.len, 60 + strlen(".yaml"));
	sb_release(&sb);
}

/* An observed account, as observe would build it. */
static struct state *observed(void)
{
	struct state *s = state_new();
	struct account *a = fixture_account(s, "Acme: \"US\" # 1", "Acme, Inc.", NULL);
	fixture_push_sval(s, &a->identifiers, &a->n_identifiers, fixture_sv(s, "ctv_ids"));
	a->status = STATUS_INACTIVE;
	a->expire_at = fixture_sv(s, "2030-06-30");
	fixture_segment(s, a, "1001", NULL)->config_id = "c1";
	fixture_segment(s, a, "1002", NULL)->config_id = "c2";
	struct segment *g = fixture_segment(s, a, "777", NULL);
	g->config_id = "c3";
	g->type = SEGMENT_DATA_MARKETPLACE;
	a->connection_id = "ic1";
	a->manager_id = "dm1";
	state_catalog_put(s, "1001", "Auto: intenders #1", SEGMENT_ONBOARDING);
	state_catalog_put(s, "1002", NULL, SEGMENT_ONBOARDING);
	state_catalog_put(s, "777", "Marketplace", SEGMENT_DATA_MARKETPLACE);
	state_canonicalize(s);
	return s;
}

static void test_account_round_trip(void **st)
{
	struct state *actual = observed();
	struct strbuf doc = STRBUF_INIT;
	emit_account_file(&doc, actual->accounts[0], actual, kargo, "Imported by a test\nsecond line");
	assert_non_null(strstr(doc.buf, "# Imported by a test\n# second line\n"));
	assert_non_null(strstr(doc.buf, "# Data Marketplace segment 777 is not declared"));
	struct diags d = DIAGS_INIT;
	struct state *s = load_text(doc.buf, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(s->n_accounts, 1);
	const struct account *a = s->accounts[0];
	assert_string_equal(a->name.v, "Acme: \"US\" # 1");
	assert_string_equal(a->client_name.v, "Acme, Inc.");
	assert_int_equal(a->n_identifiers, 2);
	assert_int_equal(a->status, STATUS_INACTIVE);
	assert_string_equal(a->expire_at.v, "2030-06-30");
	assert_int_equal(a->n_segments, 2);
	assert_string_equal(a->segments[0].name.v, "Auto: intenders #1");
	assert_null(a->segments[1].name.v);

	/* Valid, and no change but the Data Marketplace removal. */
	size_t errors = rules_check_desired(kargo, s, &d);
	if (errors)
		fail_msg("%s", d.v[0].message);
	assert_int_equal(rules_check_actual(kargo, s, actual, &d), 0);
	state_canonicalize(s);
	struct plan *p = plan_new();
	plan_diff(p, s, actual, kargo);
	assert_int_equal(p->n_changes, 1);
	assert_int_equal(p->changes[0].action, CHANGE_REMOVE);
	assert_string_equal(p->changes[0].segment, "777");
	plan_free(p);
	diags_free(&d);
	state_free(s);
	sb_release(&doc);
	state_free(actual);
}

static void test_empty_and_unset(void **st)
{
	struct state *actual = observed();
	struct account *a = actual->accounts[0];
	a->n_segments = 0;
	a->client_name.v = NULL;
	a->expire_at.v = NULL;
	struct strbuf doc = STRBUF_INIT;
	emit_account_file(&doc, a, actual, kargo, NULL);
	assert_non_null(strstr(doc.buf, "segments: []\n"));
	assert_null(strstr(doc.buf, "expire_at"));
	struct diags d = DIAGS_INIT;
	struct state *s = load_text(doc.buf, &d);
	assert_int_equal(d.errors, 0);
	assert_null(s->accounts[0]->client_name.v);
	/* What LiveRamp lacks is what the rules ask for. */
	assert_true(rules_check_desired(kargo, s, &d) > 0);
	diags_free(&d);
	state_free(s);
	sb_release(&doc);
	state_free(actual);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings_round_trip),
		cmocka_unit_test(test_file_names),
		cmocka_unit_test(test_account_round_trip),
		cmocka_unit_test(test_empty_and_unset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
