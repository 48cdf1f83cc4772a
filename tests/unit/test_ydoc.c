/*
 * The YAML node tree: positions, anchors and merge keys, and every input it
 * must refuse (duplicate keys, bad bytes, bombs, deep nesting, several
 * documents) with a yaml.syntax or schema.* diagnostic at the right place.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "yaml/ydoc.h"
#include "util/strbuf.h"

static int parse(struct ydoc **doc, const char *text, struct diags *d)
{
	return ydoc_parse(doc, "t.yaml", text, strlen(text), d);
}

static const struct diag *find_rule(const struct diags *d, const char *rule)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].rule, rule) == 0)
			return &d->v[i];
	return NULL;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void assert_pos(const struct ynode *n, unsigned line, unsigned col)
{
	assert_non_null(n);
	assert_int_equal(n->pos.line, line);
	assert_int_equal(n->pos.col, col);
}

static void test_positions(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	const char *text = "version: 1\n"
			   "accounts:\n"
			   "  - name: Acme\n"
			   "    segments: [12345, \"678\"]\n"
			   "    note: |\n"
			   "      two\n"
			   "      lines\n";
	assert_int_equal(parse(&doc, text, &d), 0);
	assert_int_equal(d.n, 0);
	const struct ynode *root = doc->root;
	assert_int_equal(root->kind, YNODE_MAP);
	assert_pos(root, 1, 1);
	assert_pos(root->keys[1], 2, 1);
	assert_pos(ynode_get(root, "version"), 1, 10);
	const struct ynode *accounts = ynode_get(root, "accounts");
	assert_int_equal(accounts->kind, YNODE_SEQ);
	assert_pos(accounts, 3, 3);
	const struct ynode *acct = accounts->items[0];
	assert_pos(acct, 3, 5);
	assert_pos(ynode_get(acct, "name"), 3, 11);
	const struct ynode *segs = ynode_get(acct, "segments");
	assert_pos(segs, 4, 15);
	assert_pos(segs->items[0], 4, 16);
	assert_pos(segs->items[1], 4, 23);
	assert_true(segs->items[0]->plain);
	assert_false(segs->items[1]->plain);
	assert_string_equal(segs->items[1]->str, "678");
	assert_string_equal(ynode_get(acct, "note")->str, "two\nlines\n");
	assert_string_equal(root->pos.file, "t.yaml");
	ydoc_free(doc);
	diags_free(&d);
}

static void test_columns_count_code_points(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(parse(&doc, "né: [é, x]\n", &d), 0);
	const struct ynode *seq = doc->root->items[0];
	assert_pos(seq, 1, 5);
	assert_pos(seq->items[1], 1, 9);
	ydoc_free(doc);
	diags_free(&d);
}

static void test_empty_file(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(parse(&doc, "# only a comment\n", &d), 0);
	assert_null(doc->root);
	ydoc_free(doc);
	assert_int_equal(parse(&doc, "", &d), 0);
	assert_null(doc->root);
	ydoc_free(doc);
	assert_int_equal(d.n, 0);
	diags_free(&d);
}

static void test_scalar_helpers(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(parse(&doc, "a: ~\nb: null\nc:\nd: 'null'\ne: [1]\nf: {x: 1}\ng: s\n", &d), 0);
	assert_true(ynode_is_null(ynode_get(doc->root, "a")));
	assert_true(ynode_is_null(ynode_get(doc->root, "b")));
	assert_true(ynode_is_null(ynode_get(doc->root, "c")));
	assert_false(ynode_is_null(ynode_get(doc->root, "d")));
	assert_null(ynode_get(doc->root, "missing"));
	assert_null(ynode_get(ynode_get(doc->root, "e"), "x")); /* not a mapping */
	assert_string_equal(ynode_kind_name(ynode_get(doc->root, "e")), "a list");
	assert_string_equal(ynode_kind_name(ynode_get(doc->root, "f")), "a mapping");
	assert_string_equal(ynode_kind_name(ynode_get(doc->root, "g")), "a scalar");
	assert_string_equal(ynode_kind_name(ynode_get(doc->root, "a")), "null");
	ydoc_free(doc);
	diags_free(&d);
}

static void test_anchors_and_merge_keys(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	const char *text = "base: &base {status: active, precision: individual}\n"
			   "other: &other {precision: household, client_name: B}\n"
			   "one:\n"
			   "  <<: *base\n"
			   "  precision: household\n"
			   "two:\n"
			   "  <<: [*base, *other]\n"
			   "ids: &ids [cookies]\n"
			   "again: *ids\n";
	assert_int_equal(parse(&doc, text, &d), 0);
	assert_int_equal(d.n, 0);
	const struct ynode *one = ynode_get(doc->root, "one");
	assert_int_equal(one->n, 2);
	assert_string_equal(ynode_get(one, "status")->str, "active");
	/* the mapping's own key wins over the merged one */
	assert_string_equal(ynode_get(one, "precision")->str, "household");
	assert_null(ynode_get(one, "<<"));
	const struct ynode *two = ynode_get(doc->root, "two");
	assert_int_equal(two->n, 3);
	/* earlier merge sources win over later ones */
	assert_string_equal(ynode_get(two, "precision")->str, "individual");
	assert_string_equal(ynode_get(two, "client_name")->str, "B");
	/* an alias is the anchored node itself, with its position */
	const struct ynode *again = ynode_get(doc->root, "again");
	assert_ptr_equal(again, ynode_get(doc->root, "ids"));
	assert_pos(again, 8, 6);
	ydoc_free(doc);
	diags_free(&d);
}

static void test_merge_of_a_scalar_refused(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(parse(&doc, "s: &s text\nm:\n  <<: *s\n", &d), -1);
	assert_null(doc);
	const struct diag *g = find_rule(&d, "schema.type");
	assert_non_null(g);
	assert_int_equal(g->line, 1);
	assert_int_equal(g->col, 4);
	assert_non_null(strstr(g->message, "merge key"));
	diags_free(&d);
}

static void test_unknown_and_recursive_alias(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(parse(&doc, "a: 1\nb: *nope\n", &d), -1);
	const struct diag *g = find_rule(&d, "yaml.syntax");
	assert_non_null(g);
	assert_int_equal(g->line, 2);
	assert_int_equal(g->col, 4);
	assert_non_null(strstr(g->message, "unknown alias"));
	diags_free(&d);
	assert_int_equal(parse(&doc, "a: &x [1, *x]\n", &d), -1);
	g = find_rule(&d, "yaml.syntax");
	assert_non_null(g);
	assert_non_null(strstr(g->message, "recursive alias"));
	diags_free(&d);
}

/* Nine levels of ten aliases each: 10^9 nodes if expanded. */
static void test_billion_laughs_refused_quickly(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i <= 9; i++) {
		sb_printf(&sb, "l%d: &l%d [", i, i);
		for (int k = 0; k < 10; k++)
			sb_printf(&sb, "%s*l%d", k ? ", " : "", i - 1);
		sb_puts(&sb, "]\n");
	}
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(ydoc_parse(&doc, "bomb.yaml", sb.buf, sb.len, &d), -1);
	assert_true(seconds_since(&t0) < 2.0);
	assert_null(doc);
	const struct diag *g = find_rule(&d, "yaml.syntax");
	assert_non_null(g);
	assert_non_null(strstr(g->message, "too large"));
	assert_string_equal(g->file, "bomb.yaml");
	assert_true(g->line >= 7); /* the budget runs out on a late level */
	sb_release(&sb);
	diags_free(&d);
}

static void test_many_small_aliases_accepted(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "base: &b {status: active}\nitems:\n");
	for (int i = 0; i < 1000; i++)
		sb_puts(&sb, "  - *b\n");
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(ydoc_parse(&doc, "t.yaml", sb.buf, sb.len, &d), 0);
	assert_int_equal(ynode_get(doc->root, "items")->n, 1000);
	ydoc_free(doc);
	sb_release(&sb);
	diags_free(&d);
}

static void test_duplicate_key(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(parse(&doc, "a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n", &d), -1);
	assert_null(doc);
	const struct diag *g = find_rule(&d, "schema.duplicate_key");
	assert_non_null(g);
	assert_int_equal(g->line, 5);
	assert_int_equal(g->col, 3);
	assert_non_null(strstr(g->message, "'x'"));
	assert_non_null(strstr(g->message, "line 3, column 3"));
	diags_free(&d);
	/* the same key in two different mappings is fine */
	assert_int_equal(parse(&doc, "a: {x: 1}\nb: {x: 2}\n", &d), 0);
	assert_int_equal(d.n, 0);
	ydoc_free(doc);
	diags_free(&d);
}

static void test_non_scalar_key_refused(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(parse(&doc, "a: 1\n? [x, y]\n: 2\n", &d), -1);
	const struct diag *g = find_rule(&d, "schema.type");
	assert_non_null(g);
	assert_int_equal(g->line, 2);
	assert_int_equal(g->col, 3);
	diags_free(&d);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	const char text[] = "a: ok\nb: caf\xe9 x\n";
	assert_int_equal(ydoc_parse(&doc, "t.yaml", text, sizeof(text) - 1, &d), -1);
	assert_null(doc);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].rule, "yaml.syntax");
	assert_int_equal(d.v[0].line, 2);
	assert_int_equal(d.v[0].col, 7);
	assert_non_null(strstr(d.v[0].message, "UTF-8"));
	diags_free(&d);
}

/* "\0" in a quoted scalar would cut the C string there: refused. */
static void test_nul_escape(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(parse(&doc, "a: \"x\\0y\"\n", &d), -1);
	assert_null(doc);
	const struct diag *g = find_rule(&d, "yaml.syntax");
	assert_non_null(g);
	assert_non_null(strstr(g->message, "NUL"));
	diags_free(&d);
}

/* The size limit, at the limit and one byte past it (a comment only). */
static void test_size_at_the_limit(void **state)
{
	(void)state;
	char *text = malloc(YDOC_MAX_BYTES + 1);
	assert_non_null(text);
	memset(text, 'x', YDOC_MAX_BYTES + 1);
	text[0] = '#';
	struct diags d = DIAGS_INIT;
	struct ydoc *doc = NULL;
	assert_int_equal(ydoc_parse(&doc, "t.yaml", text, YDOC_MAX_BYTES, &d), 0);
	ydoc_free(doc);
	assert_int_equal(d.n, 0);
	assert_int_equal(ydoc_parse(&doc, "t.yaml", text, YDOC_MAX_BYTES + 1, &d), -1);
	assert_null(doc);
	assert_non_null(find_rule(&d, "yaml.syntax"));
	diags_free(&d);
	free(text);
}

static void test_nul_byte(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	const char text[] = "a: 1\nbb: x\0y\n";
	assert_int_equal(ydoc_parse(&doc, "t.yaml", text, sizeof(text) - 1, &d), -1);
	assert_null(doc);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].rule, "yaml.syntax");
	assert_int_equal(d.v[0].line, 2);
	assert_int_equal(d.v[0].col, 6);
	assert_non_null(strstr(d.v[0].message, "NUL"));
	diags_free(&d);
}

/* libyaml's reader errors carry a byte offset, not a mark: the diagnostic
 * must still name the file and the place. */
static void test_control_character_has_position(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(parse(&doc, "a: 1\nb: x\x01y\n", &d), -1);
	const struct diag *g = find_rule(&d, "yaml.syntax");
	assert_non_null(g);
	assert_non_null(g->file);
	assert_string_equal(g->file, "t.yaml");
	assert_int_equal(g->line, 2);
	assert_int_equal(g->col, 5);
	diags_free(&d);
}

static void test_deep_nesting_refused(void **state)
{
	(void)state;
	const size_t depth = 10000;
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "a: ");
	for (size_t i = 0; i < depth; i++)
		sb_putc(&sb, '[');
	for (size_t i = 0; i < depth; i++)
		sb_putc(&sb, ']');
	sb_putc(&sb, '\n');
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(ydoc_parse(&doc, "t.yaml", sb.buf, sb.len, &d), -1);
	assert_true(seconds_since(&t0) < 2.0);
	assert_null(doc);
	const struct diag *g = find_rule(&d, "yaml.syntax");
	assert_non_null(g);
	assert_non_null(strstr(g->message, "nesting"));
	assert_int_equal(g->line, 1);
	assert_int_equal(g->col, 4 + YDOC_MAX_DEPTH - 1); /* the first bracket too deep */
	sb_release(&sb);
	diags_free(&d);

	/* just under the limit is accepted */
	sb_puts(&sb, "a: ");
	for (size_t i = 0; i < YDOC_MAX_DEPTH - 1; i++)
		sb_putc(&sb, '[');
	for (size_t i = 0; i < YDOC_MAX_DEPTH - 1; i++)
		sb_putc(&sb, ']');
	assert_int_equal(ydoc_parse(&doc, "t.yaml", sb.buf, sb.len, &d), 0);
	ydoc_free(doc);
	sb_release(&sb);
	diags_free(&d);
}

static void test_multi_document_refused(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(parse(&doc, "---\na: 1\n---\nb: 2\n", &d), -1);
	assert_null(doc);
	const struct diag *g = find_rule(&d, "yaml.syntax");
	assert_non_null(g);
	assert_int_equal(g->line, 3);
	assert_non_null(strstr(g->message, "more than one"));
	diags_free(&d);
	/* one explicit document is fine */
	assert_int_equal(parse(&doc, "---\na: 1\n...\n", &d), 0);
	ydoc_free(doc);
	diags_free(&d);
}

static void test_syntax_error_position(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(parse(&doc, "a: 1\nb: [1, 2\nc: 3\n", &d), -1);
	const struct diag *g = find_rule(&d, "yaml.syntax");
	assert_non_null(g);
	assert_string_equal(g->file, "t.yaml");
	assert_true(g->line >= 2);
	assert_non_null(g->hint);
	diags_free(&d);
}

static void test_load_file(void **state)
{
	(void)state;
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/reconciler-ydoc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char text[] = "version: 1\n";
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	struct diags d = DIAGS_INIT;
	struct ydoc *doc;
	assert_int_equal(ydoc_load_file(&doc, path, "label.yaml", &d), 0);
	assert_string_equal(doc->file, "label.yaml");
	assert_string_equal(ynode_get(doc->root, "version")->str, "1");
	ydoc_free(doc);
	unlink(path);
	assert_int_equal(ydoc_load_file(&doc, path, "label.yaml", &d), -1);
	assert_null(doc);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, "label.yaml");
	assert_non_null(strstr(d.v[0].message, "cannot open"));
	diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_columns_count_code_points),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_scalar_helpers),
		cmocka_unit_test(test_anchors_and_merge_keys),
		cmocka_unit_test(test_merge_of_a_scalar_refused),
		cmocka_unit_test(test_unknown_and_recursive_alias),
		cmocka_unit_test(test_billion_laughs_refused_quickly),
		cmocka_unit_test(test_many_small_aliases_accepted),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_non_scalar_key_refused),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_nul_escape),
		cmocka_unit_test(test_size_at_the_limit),
		cmocka_unit_test(test_control_character_has_position),
		cmocka_unit_test(test_deep_nesting_refused),
		cmocka_unit_test(test_multi_document_refused),
		cmocka_unit_test(test_syntax_error_position),
		cmocka_unit_test(test_load_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
