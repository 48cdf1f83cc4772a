/*
 * The plan file: exact round trips (write, read, write again: same bytes),
 * atomic file writes, and a reader that refuses every kind of malformed
 * input with rule "plan.file", a message naming the field, and no leak.
 * Malformed inputs are made by editing a valid document, so each case
 * differs from a good plan in exactly one place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "plan/plan.h"
#include "plan/planfile.h"
#include "util/strbuf.h"

#define GOLDEN_JSON "tests/unit/golden/plan.json"

/* A plan with one change of every kind and every optional field set. */
static struct plan *sample(void)
{
	struct plan *p = plan_new();
	p->source = "paths: examples/basic";
	p->backend = "local:sandbox.json";
	p->profile = "kargo";
	p->prune = true;
	memset(p->fingerprint, 'a', 64);
	const char *ids[] = { "cookies", "ramp_ids" };
	enum change_action acts[] = { CHANGE_RENAME, CHANGE_REMOVE, CHANGE_DELETE,
				      CHANGE_CREATE, CHANGE_ADD,    CHANGE_UPDATE };
	for (size_t i = 0; i < 6; i++) {
		struct change *c = plan_add_change(p);
		c->action = acts[i];
		c->kind = acts[i] == CHANGE_ADD || acts[i] == CHANGE_REMOVE ? KIND_SEGMENT : KIND_ACCOUNT;
		c->origin = (enum change_origin)(i % 3);
		c->account = i == 3 ? "Ünïcode \"quoted\"\tname" : "Acme";
		if (c->kind == KIND_SEGMENT) {
			c->segment = "1001";
			c->segment_name = i == 1 ? NULL : "Auto intenders";
			c->segment_type = "ONBOARDING";
			c->config_id = i == 1 ? "sc-9" : NULL;
			c->reason = "TTL";
			c->rule = i == 1 ? "kargo.marketplace" : NULL;
		} else {
			c->fields = arena_alloc(&p->arena, 3 * sizeof(*c->fields));
			c->fields[0] =
			    (struct field_change){ "name", value_str(p, "Old"), value_str(p, "Acme") };
			c->fields[1] = (struct field_change){ "identifiers", value_list(p, ids, 1),
							      value_list(p, ids, 2) };
			c->fields[2] =
			    (struct field_change){ "expire_at", value_null(), value_str(p, "2027-01-31") };
			c->n_fields = acts[i] == CHANGE_DELETE ? 0 : 3;
		}
		if (acts[i] == CHANGE_RENAME)
			c->account_before = "Old";
		if (acts[i] == CHANGE_DELETE) {
			c->refused = true;
			c->refusal = "protected by settings.protect (reconciler.yaml:4)";
		}
		c->manager_id = i == 3 ? NULL : "dm-1";
		c->connection_id = i == 3 ? NULL : "ic-1";
	}
	struct pos at = { "accounts/a.yaml", 3, 9 };
	diag_warning(&p->diags, "kargo.precision", &at, "a hint", "a warning");
	diag_add(&p->diags, DIAG_NOTE, "kargo.ttl", NULL, NULL, "a note without position");
	struct pos line_only = { "accounts/b.yaml", 5, 0 };
	diag_warning(&p->diags, "kargo.identifiers", &line_only, NULL, "a line without a column");
	plan_summarize(p);
	return p;
}

static char *write_doc(const struct plan *p)
{
	struct strbuf sb = STRBUF_INIT;
	assert_int_equal(plan_write_json(p, &sb), 0);
	return sb_detach(&sb);
}

static void assert_round_trip(const char *doc)
{
	struct diags d = DIAGS_INIT;
	struct plan *back = NULL;
	int rc = plan_read_json(&back, doc, strlen(doc), "plan.json", &d);
	if (rc)
		fprintf(stderr, "read failed: %s\n", d.n ? d.v[0].message : "?");
	assert_int_equal(rc, 0);
	assert_int_equal(d.n, 0);
	char *again = write_doc(back);
	assert_string_equal(again, doc);
	free(again);
	plan_free(back);
	diags_free(&d);
}

/* A plan from a partial observe (--only-changes) says so in the file, and
 * only then: apply --plan refuses it by that field. */
static void test_partial(void **st)
{
	(void)st;
	struct plan *p = sample();
	char *doc = write_doc(p);
	assert_null(strstr(doc, "\"partial\""));
	free(doc);
	p->partial = true;
	doc = write_doc(p);
	assert_non_null(strstr(doc, "\"partial\": true"));
	assert_round_trip(doc);
	struct diags d = DIAGS_INIT;
	struct plan *back = NULL;
	assert_int_equal(plan_read_json(&back, doc, strlen(doc), "plan.json", &d), 0);
	assert_true(back->partial);
	plan_free(back);
	diags_free(&d);
	free(doc);
	plan_free(p);
}

static void test_round_trip(void **st)
{
	(void)st;
	struct plan *p = sample();
	char *doc = write_doc(p);
	assert_round_trip(doc);

	struct diags d = DIAGS_INIT;
	struct plan *back = NULL;
	assert_int_equal(plan_read_json(&back, doc, strlen(doc), "plan.json", &d), 0);
	assert_int_equal(back->n_changes, 6);
	assert_int_equal(back->changes[0].action, CHANGE_RENAME);
	assert_string_equal(back->changes[0].account_before, "Old");
	assert_int_equal(back->changes[1].origin, ORIGIN_CHANGE);
	assert_int_equal(back->changes[2].origin, ORIGIN_DRIFT);
	assert_true(back->changes[2].refused);
	assert_true(back->changes[3].fields[1].after.is_list);
	assert_int_equal(back->changes[3].fields[1].after.n_items, 2);
	assert_null(back->changes[3].fields[2].before.str);
	assert_false(back->changes[3].fields[2].before.is_list);
	assert_string_equal(back->changes[3].account, p->changes[3].account);
	assert_int_equal(back->summary.refused, 1);
	assert_int_equal(back->diags.n, 3);
	assert_string_equal(back->fingerprint, p->fingerprint);
	assert_true(back->prune);
	plan_free(back);
	diags_free(&d);
	free(doc);
	plan_free(p);

	/* An empty plan, with every optional string absent. */
	p = plan_new();
	memset(p->fingerprint, '0', 64);
	doc = write_doc(p);
	assert_round_trip(doc);
	free(doc);
	plan_free(p);
}

/* The golden plan made from a diff reads back to the same bytes. */
static void test_round_trip_golden(void **st)
{
	(void)st;
	FILE *f = fopen(GOLDEN_JSON, "rb");
	assert_non_null(f);
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	assert_round_trip(sb.buf);
	sb_release(&sb);
}

/* The summary written is always recounted, so a stale one cannot make an
 * unreadable file. */
static void test_summary_recounted(void **st)
{
	(void)st;
	struct plan *p = sample();
	p->summary.segments_add = 99;
	char *doc = write_doc(p);
	assert_round_trip(doc);
	free(doc);
	plan_free(p);
}

/* Invalid UTF-8 from a backend becomes U+FFFD instead of an unwritable plan. */
static void test_invalid_utf8_written(void **st)
{
	(void)st;
	struct plan *p = sample();
	p->changes[0].account = "bad\xff\xfe name";
	char *doc = write_doc(p);
	assert_non_null(strstr(doc, "bad\xEF\xBF\xBD\xEF\xBF\xBD name"));
	assert_round_trip(doc);
	free(doc);
	plan_free(p);
}

static char *tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *t = malloc(512);
	snprintf(t, 512, "%s/planfile-XXXXXX", base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(t));
	return t;
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_file_round_trip(void **st)
{
	(void)st;
	char *dir = tmpdir();
	char path[600];
	snprintf(path, sizeof(path), "%s/plan.json", dir);
	struct plan *p = sample(), *back = NULL;
	struct diags d = DIAGS_INIT;
	assert_int_equal(plan_write_file(p, path, &d), 0);
	assert_int_equal(plan_write_file(p, path, &d), 0); /* replaces */
	assert_int_equal(entries(dir), 1);		   /* no temporary left */
	assert_int_equal(plan_read_file(&back, path, &d), 0);
	char *a = write_doc(p), *b = write_doc(back);
	assert_string_equal(a, b);
	free(a);
	free(b);
	plan_free(back);

	/* A directory that does not exist: an error, not a crash. */
	snprintf(path, sizeof(path), "%s/missing/plan.json", dir);
	assert_int_equal(plan_write_file(p, path, &d), -1);
	assert_int_equal(plan_read_file(&back, path, &d), -1);
	assert_null(back);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].rule, "plan.file");
	assert_string_equal(d.v[1].rule, "plan.file");
	diags_free(&d);
	plan_free(p);
	snprintf(path, sizeof(path), "%s/plan.json", dir);
	unlink(path);
	rmdir(dir);
	free(dir);
}

/* ---- malformed input ------------------------------------------------- */

/* Sets (or with v == NULL deletes) the value at a dotted path such as
 * "changes.0.action"; numbers index arrays. Steals v. */
static void set_path(json_t *root, const char *path, json_t *v)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	json_t *cur = root;
	char *save = NULL, *tok = strtok_r(buf, ".", &save);
	while (tok) {
		char *next = strtok_r(NULL, ".", &save);
		bool index = json_is_array(cur);
		if (!next) {
			if (index)
				json_array_set_new(cur, (size_t)atoi(tok), v);
			else if (v)
				json_object_set_new(cur, tok, v);
			else
				json_object_del(cur, tok);
			return;
		}
		cur = index ? json_array_get(cur, (size_t)atoi(tok)) : json_object_get(cur, tok);
		assert_non_null(cur);
		tok = next;
	}
}

struct bad {
	const char *name;
	const char *raw;   /* the whole input, or NULL to edit the sample */
	const char *path;  /* what to edit */
	const char *value; /* new value as JSON text; NULL deletes */
	const char *says;  /* a substring of the message */
};

static const struct bad bads[] = {
	{ "not json", "this is not json", NULL, NULL, "not a valid JSON plan" },
	{ "empty", "", NULL, NULL, "not a valid JSON plan" },
	{ "truncated", "{\"format_version\": 1, \"tool\": {", NULL, NULL, "not a valid JSON plan" },
	{ "array", "[1, 2, 3]", NULL, NULL, "must be a JSON object" },
	{ "huge integer", "{\"format_version\": 99999999999999999999999999}", NULL, NULL,
	  "not a valid JSON plan" },
	{ "huge real", "{\"format_version\": 1e999}", NULL, NULL, "not a valid JSON plan" },
	{ "duplicate key", "{\"format_version\": 1, \"format_version\": 1}", NULL, NULL,
	  "not a valid JSON plan" },
	{ "nul in string", "{\"format_version\": 1, \"source\": \"a\\u0000b\"}", NULL, NULL,
	  "not a valid JSON plan" },
	{ "future version", NULL, "format_version", "2",
	  "plan file format 2 is not supported by this version" },
	{ "version as string", NULL, "format_version", "\"1\"", "format_version: must be an integer" },
	{ "version missing", NULL, "format_version", NULL, "format_version: missing" },
	{ "unknown field", NULL, "extra", "true", "extra: unknown field" },
	{ "tool name", NULL, "tool.name", "\"terraform\"", "tool.name" },
	{ "tool not object", NULL, "tool", "[]", "tool: must be an object" },
	{ "source number", NULL, "source", "12", "source: must be a string or null" },
	{ "prune string", NULL, "prune", "\"false\"", "prune: must be true or false" },
	{ "partial string", NULL, "partial", "\"yes\"", "partial: must be true or false" },
	{ "short fingerprint", NULL, "fingerprint", "\"abc123\"", "fingerprint" },
	{ "upper-case fingerprint", NULL, "fingerprint",
	  "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"", "fingerprint" },
	{ "non-hex fingerprint", NULL, "fingerprint",
	  "\"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\"", "fingerprint" },
	{ "changes missing", NULL, "changes", NULL, "changes: missing" },
	{ "changes not list", NULL, "changes", "{}", "changes: must be a list" },
	{ "change not object", NULL, "changes.0", "\"rename\"", "changes[0]: must be an object" },
	{ "unknown action", NULL, "changes.0.action", "\"explode\"", "changes[0].action: unknown action" },
	{ "unknown kind", NULL, "changes.0.kind", "\"planet\"", "changes[0].kind: unknown kind" },
	{ "kind mismatch", NULL, "changes.1.kind", "\"account\"", "changes[1].kind" },
	{ "account number", NULL, "changes.0.account", "5", "changes[0].account: must be a string" },
	{ "account null", NULL, "changes.0.account", "null", "changes[0].account: must be a string" },
	{ "unknown change field", NULL, "changes.0.colour", "\"red\"", "changes[0].colour: unknown field" },
	{ "refused string", NULL, "changes.2.refused", "\"yes\"", "changes[2].refused" },
	{ "origin unknown", NULL, "changes.1.origin", "\"sideways\"", "changes[1].origin" },
	{ "rename without old name", NULL, "changes.0.account_before", "null", "changes[0].account_before" },
	{ "old name on a create", NULL, "changes.3.account_before", "\"X\"", "changes[3].account_before" },
	{ "segment change without id", NULL, "changes.1.segment", "null", "changes[1].segment" },
	{ "segment type", NULL, "changes.1.segment_type", "\"OTHER\"", "changes[1].segment_type" },
	{ "unknown field name", NULL, "changes.0.fields.0", "\"colour\"", "changes[0].fields[0]" },
	{ "field twice", NULL, "changes.0.fields.1", "\"name\"", "changes[0].fields[1]" },
	{ "before lacks a field", NULL, "changes.0.before.name", NULL, "changes[0].before" },
	{ "after extra field", NULL, "changes.0.after.status", "\"active\"", "changes[0].after" },
	{ "value number", NULL, "changes.0.after.name", "3", "changes[0].after.name" },
	{ "list of numbers", NULL, "changes.0.after.identifiers", "[1]", "changes[0].after.identifiers" },
	{ "fields on a segment", NULL, "changes.1.fields", "[\"name\"]", "changes[1].fields" },
	{ "summary mismatch", NULL, "summary.segments_add", "7",
	  "summary.segments_add: says 7 but the changes count 1" },
	{ "summary negative", NULL, "summary.refused", "-1", "summary.refused" },
	{ "summary real", NULL, "summary.accounts_create", "1e300", "summary.accounts_create" },
	{ "summary huge", NULL, "summary.accounts_update", "9223372036854775807", "summary.accounts_update" },
	{ "summary missing count", NULL, "summary.refused", NULL, "summary.refused: missing" },
	{ "diagnostics missing", NULL, "diagnostics", NULL, "diagnostics: missing" },
	{ "diagnostic severity", NULL, "diagnostics.0.severity", "\"fatal\"", "diagnostics[0].severity" },
	{ "diagnostic line", NULL, "diagnostics.0.line", "-3", "diagnostics[0].line" },
	{ "diagnostic column", NULL, "diagnostics.0.column", "1e2", "diagnostics[0].column" },
	{ "diagnostic message", NULL, "diagnostics.1.message", "null", "diagnostics[1].message" },
};

static void test_malformed(void **st)
{
	(void)st;
	struct plan *p = sample();
	char *good = write_doc(p);
	plan_free(p);
	json_error_t err;
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const struct bad *b = &bads[i];
		char *doc;
		if (b->raw) {
			doc = strdup(b->raw);
		} else {
			json_t *root = json_loads(good, 0, &err);
			assert_non_null(root);
			set_path(root, b->path,
				 b->value ? json_loads(b->value, JSON_DECODE_ANY, &err) : NULL);
			doc = json_dumps(root, JSON_INDENT(2));
			json_decref(root);
		}
		struct diags d = DIAGS_INIT;
		struct plan *out = (struct plan *)1;
		int rc = plan_read_json(&out, doc, strlen(doc), "plan.json", &d);
		if (rc != -1 || d.n != 1 || !strstr(d.v[0].message, b->says))
			fprintf(stderr, "case \"%s\": rc %d, message: %s\n", b->name, rc,
				d.n ? d.v[0].message : "(none)");
		assert_int_equal(rc, -1);
		assert_null(out);
		assert_int_equal(d.n, 1);
		assert_int_equal(d.errors, 1);
		assert_string_equal(d.v[0].rule, "plan.file");
		assert_string_equal(d.v[0].file, "plan.json");
		assert_non_null(strstr(d.v[0].message, b->says));
		diags_free(&d);
		free(doc);
	}
	free(good);
}

/* Deep nesting must be refused by the parser's depth limit, not crash. */
static void test_deep_nesting(void **st)
{
	(void)st;
	size_t n = 200000;
	char *doc = malloc(2 * n + 1);
	memset(doc, '[', n);
	memset(doc + n, ']', n);
	doc[2 * n] = '\0';
	struct diags d = DIAGS_INIT;
	struct plan *out = NULL;
	assert_int_equal(plan_read_json(&out, doc, 2 * n, "deep.json", &d), -1);
	assert_string_equal(d.v[0].rule, "plan.file");
	diags_free(&d);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),	  cmocka_unit_test(test_round_trip_golden),
		cmocka_unit_test(test_summary_recounted), cmocka_unit_test(test_invalid_utf8_written),
		cmocka_unit_test(test_file_round_trip),	  cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_deep_nesting),	  cmocka_unit_test(test_partial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
