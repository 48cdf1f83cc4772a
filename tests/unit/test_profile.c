/*
 * Destination profiles: the embedded Kargo profile carries the facts of the
 * integration table, and a profile with a typo, a wrong type or a missing
 * key is refused with rule "profile" at the right line.
 *
 * Broken profiles are made from the real embedded text by small edits, so
 * the expected line numbers are computed from the text, not written down.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rules/embedded.h"
#include "rules/profile.h"
#include "util/strbuf.h"

static const struct embedded_file *kargo_file(void)
{
	for (const struct embedded_file *f = embedded_files; f->name; f++)
		if (!strcmp(f->name, "kargo"))
			return f;
	fail_msg("no embedded profile named kargo");
	return NULL;
}

/* The embedded text with the first `from` replaced by `to` (malloc'd). */
static char *edited(const char *from, const char *to)
{
	const char *text = kargo_file()->data;
	const char *at = strstr(text, from);
	assert_non_null(at);
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, text, (size_t)(at - text));
	sb_puts(&sb, to);
	sb_puts(&sb, at + strlen(from));
	return sb_detach(&sb);
}

/* 1-based line of the first occurrence of needle in text. */
static unsigned line_of(const char *text, const char *needle)
{
	const char *at = strstr(text, needle);
	assert_non_null(at);
	unsigned line = 1;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/* Parses text, expects refusal with a "profile" error at `line`; returns
 * nothing, checks everything. `needle` must appear in message or hint. */
static void expect_refused(const char *text, unsigned line, const char *needle)
{
	struct diags d = DIAGS_INIT;
	struct profile *p = (struct profile *)1;
	assert_int_equal(profile_parse(&p, "specs/destinations/test.yaml", text, strlen(text), &d), -1);
	assert_null(p);
	assert_true(d.errors > 0);
	const struct diag *g = NULL;
	for (size_t i = 0; i < d.n && !g; i++)
		if (d.v[i].line == line)
			g = &d.v[i];
	if (!g)
		fail_msg("no diagnostic at line %u (first: %s:%u %s)", line, d.n ? d.v[0].rule : "-",
			 d.n ? d.v[0].line : 0, d.n ? d.v[0].message : "-");
	assert_string_equal(g->rule, "profile");
	assert_string_equal(g->file, "specs/destinations/test.yaml");
	assert_true(g->col > 0);
	if (needle && !strstr(g->message, needle) && !(g->hint && strstr(g->hint, needle)))
		fail_msg("'%s' not in: %s / %s", needle, g->message, g->hint ? g->hint : "");
	for (size_t i = 0; i < d.n; i++)
		assert_string_equal(d.v[i].rule, "profile");
	diags_free(&d);
}

static void test_kargo_facts(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct profile *p = NULL;
	assert_int_equal(profile_load(&p, "kargo", &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(p->id, "kargo");
	assert_string_equal(p->destination_name, "Kargo");
	assert_string_equal(p->integration_name, "Kargo First-Party Data");
	assert_true(profile_identifier(p, "cookies")->allowed);
	assert_true(profile_identifier(p, "ramp_ids")->allowed);
	assert_true(profile_identifier(p, "ctv_ids")->allowed);
	assert_non_null(profile_identifier(p, "ctv_ids")->note);
	assert_false(profile_identifier(p, "mobile_device_ids")->allowed);
	assert_false(profile_identifier(p, "platform_ids")->allowed);
	assert_int_equal(profile_identifier(p, "platform_ids")->n_device_types, 0);
	assert_null(profile_identifier(p, "cookie"));
	assert_int_equal(p->n_precisions, 2);
	for (size_t i = 0; i < p->n_precisions; i++)
		assert_true(p->precisions[i].allowed);
	assert_non_null(p->precision_note);
	assert_int_equal(p->ttl_days, 35);
	assert_int_equal(p->first_delivery_days, 3);
	assert_int_equal(p->refresh_days, 5);
	assert_false(p->record_sync);
	assert_non_null(p->record_sync_reason);
	assert_false(p->raw_fields);
	assert_non_null(strstr(p->raw_fields_reason, "250"));
	assert_false(p->duplicate_segment_names);
	assert_int_equal(p->n_required_account_fields, 1);
	assert_string_equal(p->required_account_fields[0], "client_name");
	assert_non_null(strstr(p->required_account_field_descriptions[0], "company name"));
	assert_string_equal(p->client_name_property_hint, "client");
	assert_false(p->oauth_required);
	assert_false(p->activation_needs_liveramp);
	assert_int_equal(p->account_name_max, 50);
	assert_int_equal(p->account_name_max_connect, 149);
	assert_int_equal(p->segment_name_max, 250);
	assert_false(p->marketplace_allowed);
	assert_non_null(strstr(p->marketplace_standard_hint, "Buyer API"));
	assert_non_null(strstr(p->marketplace_custom_hint, "marketplace_shares"));
	assert_int_equal(p->marketplace_share_days, 3);
	assert_int_equal(p->n_marketplace_share_steps, 5);
	assert_non_null(p->marketplace_changes_note);
	assert_true(p->delivery_stats);
	assert_false(p->conversions_api);
	assert_int_equal(p->exposure_logs, -1);
	assert_int_equal(p->audiences_per_seat_limit, -1);
	profile_free(p);
	diags_free(&d);
}

static void test_device_type_mapping(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct profile *p = NULL;
	assert_int_equal(profile_load(&p, "kargo", &d), 0);
	/* identifier -> device types */
	const struct profile_identifier *ctv = profile_identifier(p, "ctv_ids");
	assert_int_equal(ctv->n_device_types, 1);
	assert_string_equal(ctv->device_types[0], "CUSTOM_ID");
	const struct profile_identifier *mob = profile_identifier(p, "mobile_device_ids");
	assert_int_equal(mob->n_device_types, 2);
	/* device type -> identifier, for every mapped type */
	for (size_t i = 0; i < p->n_identifiers; i++)
		for (size_t j = 0; j < p->identifiers[i].n_device_types; j++)
			assert_string_equal(
			    profile_identifier_for_device_type(p, p->identifiers[i].device_types[j]),
			    p->identifiers[i].name);
	assert_string_equal(profile_identifier_for_device_type(p, "CUSTOM_ID"), "ctv_ids");
	assert_string_equal(profile_identifier_for_device_type(p, "WEB"), "cookies");
	assert_string_equal(profile_identifier_for_device_type(p, "RAMP_ID"), "ramp_ids");
	assert_string_equal(profile_identifier_for_device_type(p, "IOS"), "mobile_device_ids");
	assert_string_equal(profile_identifier_for_device_type(p, "ANDROID"), "mobile_device_ids");
	assert_null(profile_identifier_for_device_type(p, "FAX"));
	char buf[64];
	assert_string_equal(profile_rule_id(p, "identifiers", buf, sizeof(buf)), "kargo.identifiers");
	profile_free(p);
	diags_free(&d);
}

static void test_unknown_key(void **state)
{
	(void)state;
	const char *text = kargo_file()->data;
	unsigned lines = line_of(text, "audiences_per_seat_limit");
	char *t =
	    edited("audiences_per_seat_limit: null\n", "audiences_per_seat_limit: null\nttl_dayz: 35\n");
	expect_refused(t, lines + 1, "ttl_days"); /* the hint suggests the real key */
	free(t);
	/* nested: a key unknown inside one identifier */
	t = edited("    label: cookies\n", "    label: cookies\n    alowed: true\n");
	expect_refused(t, line_of(t, "alowed"), "alowed");
	free(t);
}

static void test_wrong_types(void **state)
{
	(void)state;
	char *t = edited("ttl_days: 35", "ttl_days: soon");
	expect_refused(t, line_of(t, "ttl_days: soon"), "whole number");
	free(t);
	t = edited("ttl_days: 35", "ttl_days: \"35\"");
	expect_refused(t, line_of(t, "ttl_days:"), "ttl_days");
	free(t);
	t = edited("ttl_days: 35", "ttl_days: -35");
	expect_refused(t, line_of(t, "ttl_days:"), "ttl_days");
	free(t);
	t = edited("oauth_required: false", "oauth_required: \"false\"");
	expect_refused(t, line_of(t, "oauth_required:"), "true or false");
	free(t);
	t = edited("device_types: [WEB]", "device_types: WEB");
	expect_refused(t, line_of(t, "device_types: WEB"), "list");
	free(t);
	t = edited("destination: Kargo", "destination: [Kargo]");
	expect_refused(t, line_of(t, "destination: [Kargo]"), "string");
	free(t);
	t = edited("record_sync:\n  allowed: false", "record_sync: false\nx:\n  allowed: false");
	expect_refused(t, line_of(t, "record_sync: false"), "mapping");
	free(t);
}

static void test_missing_and_bad_values(void **state)
{
	(void)state;
	/* a required key removed: reported at the mapping that lacks it */
	char *t = edited("refresh_days: 5\n", "");
	expect_refused(t, line_of(t, "version:"), "refresh_days");
	free(t);
	/* the same device type for two identifiers would make read-back ambiguous */
	t = edited("device_types: [RAMP_ID]", "device_types: [WEB]");
	expect_refused(t, line_of(t, "device_types: [WEB]\n  ctv"), "WEB");
	free(t);
	/* a required field configs cannot carry could never be satisfied */
	t = edited("    client_name: \"Client", "    client_nam: \"Client");
	expect_refused(t, line_of(t, "client_nam:"), "client_name");
	free(t);
	t = edited("version: 1", "version: 2");
	expect_refused(t, line_of(t, "version: 2"), "version");
	free(t);
	t = edited("id: kargo", "id: Kargo DSP");
	expect_refused(t, line_of(t, "id: Kargo DSP"), "Kargo DSP");
	free(t);
}

static void test_refusal_needs_reason(void **state)
{
	(void)state;
	const char *text = kargo_file()->data;
	const char *from = strstr(text, "record_sync:\n  allowed: false\n  reason:");
	assert_non_null(from);
	const char *end = strstr(from, "\n\nraw_fields:");
	assert_non_null(end);
	struct strbuf sb = STRBUF_INIT;
	sb_add(&sb, text, (size_t)(from - text));
	sb_puts(&sb, "record_sync:\n  allowed: false");
	sb_puts(&sb, end);
	expect_refused(sb.buf, line_of(sb.buf, "record_sync:\n"), "reason");
	sb_release(&sb);
}

static void test_yaml_problems_are_profile_errors(void **state)
{
	(void)state;
	expect_refused("id: [kargo\n", 2, NULL);
	expect_refused("- a\n- b\n", 1, "mapping");
	expect_refused("", 1, "empty");
	/* a duplicate key found by the YAML layer is re-labelled too */
	char *t = edited("ttl_days: 35\n", "ttl_days: 35\nttl_days: 36\n");
	expect_refused(t, line_of(t, "ttl_days: 36"), NULL);
	free(t);
}

static void test_unknown_name_and_paths(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct profile *p = NULL;
	assert_int_equal(profile_load(&p, "kargoo", &d), -1);
	assert_null(p);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].rule, "profile");
	assert_non_null(strstr(d.v[0].hint, "'kargo'"));
	diags_free(&d);

	assert_int_equal(profile_load(&p, "no/such/profile.yaml", &d), -1);
	assert_null(p);
	assert_true(d.errors > 0);
	assert_string_equal(d.v[0].rule, "profile");
	diags_free(&d);

	/* the same text from a file: loaded from disk because of the suffix */
	char path[] = "/tmp/test_profile_XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	const struct embedded_file *f = kargo_file();
	assert_int_equal(write(fd, f->data, f->len), (ssize_t)f->len);
	close(fd);
	int rc = profile_load(&p, path, &d);
	unlink(path);
	assert_int_equal(rc, 0);
	assert_int_equal(p->ttl_days, 35);
	profile_free(p);
	profile_free(NULL);
	diags_free(&d);
}

/* A different destination is a different file: the same loader reads it. */
static void test_other_destination(void **state)
{
	(void)state;
	char *t = edited("record_sync:\n  allowed: false", "record_sync:\n  allowed: true");
	struct diags d = DIAGS_INIT;
	struct profile *p = NULL;
	assert_int_equal(profile_parse(&p, "x.yaml", t, strlen(t), &d), 0);
	assert_true(p->record_sync);
	profile_free(p);
	free(t);
	t = edited("exposure_logs: null", "exposure_logs: true");
	assert_int_equal(profile_parse(&p, "x.yaml", t, strlen(t), &d), 0);
	assert_int_equal(p->exposure_logs, 1);
	profile_free(p);
	free(t);
	assert_int_equal(d.n, 0);
	diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kargo_facts),
		cmocka_unit_test(test_device_type_mapping),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_missing_and_bad_values),
		cmocka_unit_test(test_refusal_needs_reason),
		cmocka_unit_test(test_yaml_problems_are_profile_errors),
		cmocka_unit_test(test_unknown_name_and_paths),
		cmocka_unit_test(test_other_destination),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
