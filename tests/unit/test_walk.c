/*
 * The typed walker (yaml/walk.h): a mapping read by a table says what is
 * wrong in the same words, rule ids and positions as one read key by key,
 * and a rule given to the walk labels every diagnostic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "yaml/walk.h"
#include "yaml/ydoc.h"

struct target {
	const char *name;
	bool on;
	unsigned count;
	int tri;
	const char **tags;
	size_t n_tags;
	unsigned depth;
};

static const struct yw_field inner_fields[] = {
	{ "depth", YW_UINT, true, offsetof(struct target, depth), 0, NULL, NULL },
};
static const struct yw_table inner_table = { "inner", inner_fields, 1 };

static const struct yw_field fields[] = {
	{ "name", YW_STR, true, offsetof(struct target, name), 0, NULL, NULL },
	{ "on", YW_BOOL, false, offsetof(struct target, on), 0, NULL, NULL },
	{ "count", YW_UINT, false, offsetof(struct target, count), 0, NULL, NULL },
	{ "tri", YW_TRI, false, offsetof(struct target, tri), 0, NULL, NULL },
	{ "tags", YW_STR_LIST, false, offsetof(struct target, tags), offsetof(struct target, n_tags), NULL,
	  NULL },
	{ "inner", YW_MAP, false, 0, 0, &inner_table, NULL },
};
static const struct yw_table table = { "the thing", fields, sizeof(fields) / sizeof(*fields) };

/* Walks text by the table; returns whether the walk failed. */
static bool walk(const char *text, const char *rule, struct target *t, struct arena *a, struct diags *d)
{
	struct ydoc *doc = NULL;
	assert_int_equal(ydoc_parse(&doc, "t.yaml", text, strlen(text), d), 0);
	memset(t, 0, sizeof(*t));
	struct ywalk w = { .arena = a, .d = d, .rule = rule };
	yw_walk(&w, doc->root, &table, NULL, t);
	ydoc_free(doc);
	return w.failed;
}

static void test_values_land_in_the_target(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct target t;
	assert_false(walk("name: x\non: true\ncount: 7\ntri: null\ntags: [a, b]\ninner: {depth: 3}\n", NULL,
			  &t, &a, &d));
	assert_int_equal(d.n, 0);
	assert_string_equal(t.name, "x");
	assert_true(t.on);
	assert_int_equal(t.count, 7);
	assert_int_equal(t.tri, -1);
	assert_int_equal(t.n_tags, 2);
	assert_string_equal(t.tags[1], "b");
	assert_int_equal(t.depth, 3);
	diags_free(&d);
	arena_free(&a);
}

static void test_problems_in_the_one_wording(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct target t;
	assert_true(walk("on: \"true\"\ncount: -1\nnmae: x\ninner: {}\n", NULL, &t, &a, &d));
	assert_int_equal(d.errors, 5);
	assert_string_equal(d.v[0].rule, "schema.type");
	assert_string_equal(d.v[0].message,
			    "'on' in the thing: expected a boolean (true or false), found a string 'true'");
	assert_int_equal(d.v[0].line, 1);
	assert_int_equal(d.v[0].col, 5);
	assert_string_equal(
	    d.v[1].message,
	    "'count' in the thing: expected a whole number of at least 0, found a number '-1'");
	assert_string_equal(d.v[2].rule, "schema.unknown_field");
	assert_string_equal(d.v[2].message, "unknown key 'nmae' in the thing; did you mean 'name'?");
	assert_int_equal(d.v[2].line, 3);
	assert_int_equal(d.v[2].col, 1);
	assert_string_equal(d.v[3].rule, "schema.required");
	assert_string_equal(d.v[3].message, "inner of the thing is missing required key 'depth'");
	assert_string_equal(d.v[4].message, "the thing is missing required key 'name'");
	diags_free(&d);
	arena_free(&a);
}

static void test_the_walk_rule_labels_every_problem(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct target t;
	assert_true(walk("name: \"\"\ntags: x\nzz: 1\n", "profile", &t, &a, &d));
	assert_int_equal(d.errors, 3);
	for (size_t i = 0; i < d.n; i++)
		assert_string_equal(d.v[i].rule, "profile");
	assert_string_equal(d.v[0].message,
			    "'name' in the thing: expected a non-empty string, found an empty string");
	assert_string_equal(d.v[1].message, "'tags' in the thing: expected a list, found a string 'x'");
	diags_free(&d);
	arena_free(&a);
}

static void test_scalar_kinds(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc = NULL;
	const char *text = "a: ~\nb: 'null'\nc: 0x1F\nd: 1.5e3\ne: True\nf: yes\n";
	assert_int_equal(ydoc_parse(&doc, "t.yaml", text, strlen(text), &d), 0);
	assert_int_equal(yscalar_kind(ynode_get(doc->root, "a")), YS_NULL);
	assert_int_equal(yscalar_kind(ynode_get(doc->root, "b")), YS_STR);
	assert_int_equal(yscalar_kind(ynode_get(doc->root, "c")), YS_INT);
	assert_int_equal(yscalar_kind(ynode_get(doc->root, "d")), YS_FLOAT);
	assert_int_equal(yscalar_kind(ynode_get(doc->root, "e")), YS_BOOL);
	assert_int_equal(yscalar_kind(ynode_get(doc->root, "f")), YS_STR); /* YAML 1.2: not a boolean */
	assert_true(yw_is_null(NULL));
	ydoc_free(doc);
	diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_land_in_the_target),
		cmocka_unit_test(test_problems_in_the_one_wording),
		cmocka_unit_test(test_the_walk_rule_labels_every_problem),
		cmocka_unit_test(test_scalar_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
