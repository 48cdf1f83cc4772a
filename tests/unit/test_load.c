/*
 * The desired-state loader: every field of the config format lands in the
 * state with its position; every schema.* rule fires where it should (and
 * not where it should not); files are collected in a stable order; several
 * files merge into one state; the shipped examples load clean; and large
 * inputs load in linear time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "desired/load.h"
#include "util/strbuf.h"

/* ---- helpers ----------------------------------------------------------- */

/* Parses text as file "t.yaml" and loads it into *out (always set). */
static int load_str(struct state **out, const char *text, struct diags *d)
{
	struct state *s = state_new();
	*out = s;
	struct ydoc *doc;
	if (ydoc_parse(&doc, "t.yaml", text, strlen(text), d) < 0)
		return -1;
	int rc = desired_load_doc(s, doc, d);
	ydoc_free(doc); /* positions must not point into the document */
	return rc;
}

static const struct diag *find_rule(const struct diags *d, const char *rule)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].rule, rule) == 0)
			return &d->v[i];
	return NULL;
}

static size_t count_rule(const struct diags *d, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += strcmp(d->v[i].rule, rule) == 0;
	return n;
}

static void assert_diag_at(const struct diag *g, unsigned line, unsigned col)
{
	assert_non_null(g);
	assert_string_equal(g->file, "t.yaml");
	assert_int_equal(g->line, line);
	assert_int_equal(g->col, col);
}

static void assert_pos_at(struct pos p, unsigned line, unsigned col)
{
	assert_non_null(p.file);
	assert_string_equal(p.file, "t.yaml");
	assert_int_equal(p.line, line);
	assert_int_equal(p.col, col);
}

/* Loads text expecting exactly one diagnostic, of rule, at line:col, and
 * returns a copy of its message (caller frees). */
static char *expect_one(const char *text, const char *rule, unsigned line, unsigned col)
{
	struct diags d = DIAGS_INIT;
	struct state *s;
	assert_int_equal(load_str(&s, text, &d), -1);
	if (d.n != 1) {
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "  %s %u:%u %s\n", d.v[i].rule, d.v[i].line, d.v[i].col,
				d.v[i].message);
	}
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].rule, rule);
	assert_diag_at(&d.v[0], line, col);
	char *msg = strdup(d.v[0].message);
	state_free(s);
	diags_free(&d);
	return msg;
}

static void expect_clean(const char *text)
{
	struct diags d = DIAGS_INIT;
	struct state *s;
	int rc = load_str(&s, text, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "  unexpected %s %u:%u %s\n", d.v[i].rule, d.v[i].line, d.v[i].col,
			d.v[i].message);
	assert_int_equal(rc, 0);
	assert_int_equal(d.n, 0);
	state_free(s);
	diags_free(&d);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("'%s' does not contain '%s'", hay, needle);
}

static char *make_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s/reconciler-load-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(buf));
	return strdup(buf);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void make_dir(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(mkdir(path, 0700), 0);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_tree(char *dir)
{
	assert_int_equal(nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(dir);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- a complete, valid document ---------------------------------------- */

static const char full_doc[] = "version: 1\n"				       /* 1 */
			       "settings:\n"				       /* 2 */
			       "  prune: true\n"			       /* 3 */
			       "  org_id: \"org-1\"\n"			       /* 4 */
			       "  destination_id: 42\n"			       /* 5 */
			       "  protect: [Acme Kargo US, Old One]\n"	       /* 6 */
			       "accounts:\n"				       /* 7 */
			       "  - name: Acme Kargo US\n"		       /* 8 */
			       "    client_name: Acme Inc\n"		       /* 9 */
			       "    identifiers: [cookies, ramp_ids]\n"	       /* 10 */
			       "    precision: individual\n"		       /* 11 */
			       "    status: inactive\n"			       /* 12 */
			       "    expire_at: 2028-06-30\n"		       /* 13 */
			       "    protected: true\n"			       /* 14 */
			       "    previous_names: [Acme US]\n"	       /* 15 */
			       "    record_sync: false\n"		       /* 16 */
			       "    raw_fields: [zip]\n"		       /* 17 */
			       "    segments:\n"			       /* 18 */
			       "      - 12345\n"			       /* 19 */
			       "      - {id: \"678\", name: Auto intenders}\n" /* 20 */
			       "      - id: 9001\n"			       /* 21 */
			       "        type: data_marketplace\n"	       /* 22 */
			       "        offering: custom\n"		       /* 23 */
			       "  - name: 2024\n"			       /* 24 */
			       "    identifiers: []\n"			       /* 25 */
			       "marketplace_shares:\n"			       /* 26 */
			       "  - segment: 9001\n"			       /* 27 */
			       "    buyer: Acme Inc\n"			       /* 28 */
			       "    shared_on: 2026-11-01\n"		       /* 29 */
			       "    seller_allowlisted: true\n";	       /* 30 */

static void test_full_document(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s;
	assert_int_equal(load_str(&s, full_doc, &d), 0);
	assert_int_equal(d.n, 0);

	const struct settings *st = &s->settings;
	assert_true(st->present);
	assert_true(st->prune);
	assert_pos_at(st->prune_pos, 3, 10);
	assert_string_equal(st->org_id.v, "org-1");
	assert_pos_at(st->org_id.pos, 4, 11);
	assert_string_equal(st->destination_id.v, "42");
	assert_null(st->integration_id.v);
	assert_int_equal(st->n_protect, 2);
	assert_string_equal(st->protect[1].v, "Old One");
	assert_pos_at(st->protect[1].pos, 6, 28);

	assert_int_equal(s->n_accounts, 2);
	const struct account *a = s->accounts[0];
	assert_pos_at(a->pos, 8, 5);
	assert_string_equal(a->name.v, "Acme Kargo US");
	assert_pos_at(a->name.pos, 8, 11);
	assert_string_equal(a->client_name.v, "Acme Inc");
	assert_true(a->identifiers_declared);
	assert_pos_at(a->identifiers_pos, 10, 18);
	assert_int_equal(a->n_identifiers, 2);
	assert_string_equal(a->identifiers[1].v, "ramp_ids");
	assert_pos_at(a->identifiers[1].pos, 10, 28);
	assert_string_equal(a->precision.v, "individual");
	assert_int_equal(a->status, STATUS_INACTIVE);
	assert_pos_at(a->status_pos, 12, 13);
	assert_string_equal(a->expire_at.v, "2028-06-30");
	assert_pos_at(a->expire_at.pos, 13, 16);
	assert_true(a->protect);
	assert_pos_at(a->protect_pos, 14, 16);
	assert_int_equal(a->n_previous_names, 1);
	assert_string_equal(a->previous_names[0].v, "Acme US");
	assert_false(a->record_sync);
	assert_pos_at(a->record_sync_pos, 16, 18);
	assert_int_equal(a->n_raw_fields, 1);
	assert_pos_at(a->raw_fields_pos, 17, 17);
	assert_pos_at(a->segments_pos, 19, 7);

	assert_int_equal(a->n_segments, 3);
	assert_string_equal(a->segments[0].id, "12345");
	assert_null(a->segments[0].name.v);
	assert_int_equal(a->segments[0].type, SEGMENT_ONBOARDING);
	assert_pos_at(a->segments[0].pos, 19, 9);
	assert_string_equal(a->segments[1].id, "678");
	assert_string_equal(a->segments[1].name.v, "Auto intenders");
	assert_pos_at(a->segments[1].name.pos, 20, 27);
	assert_pos_at(a->segments[1].pos, 20, 9);
	assert_string_equal(a->segments[2].id, "9001");
	assert_int_equal(a->segments[2].type, SEGMENT_DATA_MARKETPLACE);
	assert_int_equal(a->segments[2].offering, OFFERING_CUSTOM);
	assert_pos_at(a->segments[2].type_pos, 22, 15);
	assert_null(a->segments[2].config_id);

	const struct account *b = s->accounts[1];
	assert_string_equal(b->name.v, "2024"); /* a number as a name: its text */
	assert_true(b->identifiers_declared);
	assert_int_equal(b->n_identifiers, 0);
	assert_int_equal(b->status, STATUS_ACTIVE);
	assert_null(b->status_pos.file);
	assert_null(b->expire_at.v);

	assert_int_equal(s->n_shares, 1);
	assert_string_equal(s->shares[0].segment.v, "9001");
	assert_string_equal(s->shares[0].buyer.v, "Acme Inc");
	assert_string_equal(s->shares[0].shared_on.v, "2026-11-01");
	assert_true(s->shares[0].seller_allowlisted);
	assert_pos_at(s->shares[0].pos, 27, 5);
	state_free(s);
	diags_free(&d);
}

static void test_nulls_mean_not_set(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s;
	assert_int_equal(load_str(&s,
				  "version: 1\nsettings:\naccounts:\n"
				  "  - name: A\n    identifiers: [cookies]\n    client_name: ~\n"
				  "    segments:\n    expire_at: null\n    protected:\n",
				  &d),
			 0);
	assert_int_equal(d.n, 0);
	assert_false(s->settings.present);
	const struct account *a = s->accounts[0];
	assert_null(a->client_name.v);
	assert_int_equal(a->n_segments, 0);
	assert_null(a->expire_at.v);
	assert_false(a->protect);
	state_free(s);
	diags_free(&d);
}

static void test_empty_documents_add_nothing(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s;
	assert_int_equal(load_str(&s, "# nothing yet\n", &d), 0);
	assert_int_equal(s->n_accounts, 0);
	state_free(s);
	assert_int_equal(load_str(&s, "---\n", &d), 0);
	state_free(s);
	assert_int_equal(d.n, 0);
	diags_free(&d);
	expect_clean("version: 1\naccounts: []\n");
}

/* Anchors and merge keys let accounts share fields; explicit keys win. */
static void test_anchors_and_merge_keys(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s;
	assert_int_equal(load_str(&s,
				  "version: 1\n"
				  "accounts:\n"
				  "  - &acme\n"
				  "    name: Acme US\n"
				  "    client_name: Acme Inc\n"
				  "    identifiers: &ids [cookies, ramp_ids]\n"
				  "    segments: [1, 2]\n"
				  "  - <<: *acme\n"
				  "    name: Acme CA\n"
				  "    segments: [3]\n"
				  "  - name: Acme MX\n"
				  "    identifiers: *ids\n",
				  &d),
			 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(s->n_accounts, 3);
	const struct account *ca = s->accounts[1];
	assert_string_equal(ca->name.v, "Acme CA");
	assert_string_equal(ca->client_name.v, "Acme Inc");
	assert_int_equal(ca->n_identifiers, 2);
	assert_int_equal(ca->n_segments, 1);
	assert_string_equal(ca->segments[0].id, "3");
	/* a merged value keeps the position it was written at */
	assert_pos_at(ca->client_name.pos, 5, 18);
	assert_int_equal(s->accounts[2]->n_identifiers, 2);
	state_free(s);
	diags_free(&d);
}

/* ---- schema.version ---------------------------------------------------- */

static void test_version(void **state)
{
	(void)state;
	expect_clean("version: 1\naccounts: []\n");
	char *m = expect_one("accounts: []\n", "schema.version", 1, 1);
	assert_contains(m, "missing version");
	assert_contains(m, "version: 1");
	free(m);
	m = expect_one("version: 2\naccounts: []\n", "schema.version", 1, 10);
	assert_contains(m, "2");
	free(m);
	free(expect_one("version:\naccounts: []\n", "schema.version", 1, 9));
	/* a quoted "1" is a string: a type error, not another version */
	m = expect_one("version: \"1\"\naccounts: []\n", "schema.type", 1, 10);
	assert_contains(m, "expected the integer 1, found a string '1'");
	free(m);
}

/* ---- schema.required --------------------------------------------------- */

static void test_required(void **state)
{
	(void)state;
	char *m = expect_one("version: 1\n", "schema.required", 1, 1);
	assert_contains(m, "'accounts'");
	free(m);
	m = expect_one("version: 1\naccounts:\n  - name: Acme\n    client_name: X\n", "schema.required", 3,
		       5);
	assert_contains(m, "account 'Acme' is missing required key 'identifiers'");
	free(m);
	m = expect_one("version: 1\naccounts:\n  - name: A\n    identifiers: [cookies]\n"
		       "  - identifiers: [cookies]\n",
		       "schema.required", 5, 5);
	assert_contains(m, "account #2 is missing required key 'name'");
	free(m);
	m = expect_one("version: 1\naccounts:\n  - name: A\n    identifiers: [cookies]\n"
		       "    segments:\n      - 1\n      - {name: x}\n",
		       "schema.required", 7, 9);
	assert_contains(m, "segment #2 of account 'A' is missing required key 'id'");
	free(m);
	m = expect_one("version: 1\naccounts: []\nmarketplace_shares:\n"
		       "  - {segment: 9001, shared_on: 2026-11-01}\n",
		       "schema.required", 4, 5);
	assert_contains(m, "'buyer'");
	free(m);
	/* client_name is not the loader's to require */
	expect_clean("version: 1\naccounts:\n  - name: A\n    identifiers: [cookies]\n");
}

static void test_broken_items_left_out(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s;
	assert_int_equal(load_str(&s,
				  "version: 1\naccounts:\n"
				  "  - identifiers: [cookies]\n"
				  "  - name: B\n    identifiers: [cookies]\n"
				  "    segments: [1, true, {name: x}, 2]\n"
				  "marketplace_shares:\n  - {segment: 1}\n",
				  &d),
			 -1);
	assert_int_equal(s->n_accounts, 1);
	assert_string_equal(s->accounts[0]->name.v, "B");
	assert_int_equal(s->accounts[0]->n_segments, 2);
	assert_string_equal(s->accounts[0]->segments[1].id, "2");
	assert_int_equal(s->n_shares, 0);
	/* every problem in the file is reported, not just the first */
	assert_int_equal(count_rule(&d, "schema.required"), 4);
	assert_int_equal(count_rule(&d, "schema.type"), 1);
	state_free(s);
	diags_free(&d);
}

/* ---- schema.type ------------------------------------------------------- */

static void test_type_bool(void **state)
{
	(void)state;
	expect_clean("version: 1\naccounts:\n  - name: A\n    identifiers: [cookies]\n"
		     "    record_sync: FALSE\n    protected: True\n");
	char *m = expect_one("version: 1\naccounts:\n  - name: A\n    identifiers: [cookies]\n"
			     "    protected: yes\n",
			     "schema.type", 5, 16);
	assert_contains(m, "expected a boolean (true or false), found a string 'yes'");
	assert_contains(m, "'protected' in account 'A'");
	free(m);
	m = expect_one("version: 1\nsettings: {prune: \"true\"}\naccounts: []\n", "schema.type", 2, 19);
	assert_contains(m, "found a string 'true'");
	free(m);
}

static void test_type_list(void **state)
{
	(void)state;
	char *m = expect_one("version: 1\naccounts:\n  - name: A\n    identifiers: {cookies: 1}\n",
			     "schema.type", 4, 18);
	assert_contains(m, "expected a list, found a mapping");
	free(m);
	m = expect_one("version: 1\naccounts: Acme\n", "schema.type", 2, 11);
	assert_contains(m, "expected a list, found a string 'Acme'");
	free(m);
	m = expect_one("version: 1\naccounts:\n  - Acme\n", "schema.type", 3, 5);
	assert_contains(m, "item 1 of 'accounts'");
	free(m);
	m = expect_one("- a\n- b\n", "schema.type", 1, 1);
	assert_contains(m, "found a list");
	free(m);
	free(expect_one("version: 1\nsettings: [prune]\naccounts: []\n", "schema.type", 2, 11));
}

static void test_type_identifiers(void **state)
{
	(void)state;
	expect_clean("version: 1\naccounts:\n  - name: A\n"
		     "    identifiers: [cookies, ramp_ids, ctv_ids, mobile_device_ids, platform_ids]\n");
	/* A string that is not one of Connect's words is kept as written for
	 * the rules, which say what the destination accepts (test_rules.c). */
	struct diags d = DIAGS_INIT;
	struct state *s;
	const char *text = "version: 1\naccounts:\n  - name: A\n    identifiers: [cookies, rampids]\n";
	assert_int_equal(load_str(&s, text, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(s->accounts[0]->n_identifiers, 2);
	assert_string_equal(s->accounts[0]->identifiers[1].v, "rampids");
	assert_pos_at(s->accounts[0]->identifiers[1].pos, 4, 28);
	assert_true(s->accounts[0]->identifiers_declared);
	state_free(s);
	/* what is not a string still is a type error, and the list is not
	 * "declared empty", or the rules would say it again */
	char *m =
	    expect_one("version: 1\naccounts:\n  - name: A\n    identifiers: [[x]]\n", "schema.type", 4, 19);
	assert_contains(m, "item 1 of 'identifiers' in account 'A'");
	free(m);
	text = "version: 1\naccounts:\n  - name: A\n    identifiers: [1, true]\n";
	assert_int_equal(load_str(&s, text, &d), -1);
	assert_int_equal(count_rule(&d, "schema.type"), 2);
	assert_false(s->accounts[0]->identifiers_declared);
	assert_pos_at(s->accounts[0]->identifiers_pos, 4, 18);
	state_free(s);
	diags_free(&d);
}

/* Segment ids are exact strings: an unquoted id YAML reads as a number in
 * another spelling is refused with a hint to quote it; blanks around an id
 * and control characters in it are refused. */
static void test_segment_ids_exact(void **state)
{
	(void)state;
	const char *head = "version: 1\naccounts:\n  - name: A\n    identifiers: [cookies]\n";
	const char *disguised[] = { "0012", "0x1F",  "0o17",  "+5",  "-5",   "1e3",
				    "1.5",  "1_000", "0b101", "007", ".nan", NULL };
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; disguised[i]; i++) {
		sb_reset(&sb);
		sb_printf(&sb, "%s    segments: [%s]\n", head, disguised[i]);
		char *m = expect_one(sb.buf, "segment.id", 5, 16);
		assert_contains(m, disguised[i]);
		free(m);
		/* quoted, it is that exact id */
		sb_reset(&sb);
		sb_printf(&sb, "%s    segments: [\"%s\"]\n", head, disguised[i]);
		expect_clean(sb.buf);
	}
	sb_reset(&sb);
	sb_printf(&sb, "%s    segments: [12, 0, \"0012\", {id: 31}]\n", head);
	expect_clean(sb.buf);
	sb_reset(&sb);
	sb_printf(&sb, "%s    segments: [\" 55 \"]\n", head);
	char *m = expect_one(sb.buf, "segment.id", 5, 16);
	assert_contains(m, "segment id \" 55 \" has leading or trailing blanks");
	free(m);
	sb_reset(&sb);
	sb_printf(&sb, "%s    segments: [\"5\\t5\"]\n", head);
	free(expect_one(sb.buf, "segment.id", 5, 16));
	sb_reset(&sb);
	sb_printf(&sb, "%s    segments:\n      - {id: 0x1F}\n", head);
	free(expect_one(sb.buf, "segment.id", 6, 14));
	sb_release(&sb);
}

static void test_type_status_and_segment_words(void **state)
{
	(void)state;
	const char *head = "version: 1\naccounts:\n  - name: A\n    identifiers: [cookies]\n";
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s    status: Active\n", head);
	char *m = expect_one(sb.buf, "schema.type", 5, 13);
	assert_contains(m, "expected one of active, inactive");
	assert_contains(m, "did you mean 'active'?");
	free(m);
	sb_reset(&sb);
	sb_printf(&sb, "%s    segments:\n      - {id: 1, type: marketplace}\n", head);
	free(expect_one(sb.buf, "schema.type", 6, 23));
	sb_reset(&sb);
	sb_printf(&sb, "%s    segments:\n      - {id: 1, type: data_marketplace, offering: private}\n", head);
	free(expect_one(sb.buf, "schema.type", 6, 51));
	sb_release(&sb);
}

static void test_type_ids_and_names(void **state)
{
	(void)state;
	const char *head = "version: 1\naccounts:\n  - name: A\n    identifiers: [cookies]\n";
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s    segments: [1.5]\n", head);
	char *m = expect_one(sb.buf, "segment.id", 5, 16);
	assert_contains(m, "item 1 of 'segments' in account 'A'");
	assert_contains(m, "segment id 1.5 is unquoted");
	free(m);
	sb_reset(&sb);
	sb_printf(&sb, "%s    segments: [\"\"]\n", head);
	free(expect_one(sb.buf, "schema.type", 5, 16));
	sb_reset(&sb);
	sb_printf(&sb, "%s    segments: [[1]]\n", head);
	free(expect_one(sb.buf, "schema.type", 5, 16));
	sb_reset(&sb);
	sb_printf(&sb, "%s    client_name: [A]\n", head);
	m = expect_one(sb.buf, "schema.type", 5, 18);
	assert_contains(m, "expected a string, found a list");
	free(m);
	sb_reset(&sb);
	sb_printf(&sb, "%s    previous_names: [B, true]\n", head);
	free(expect_one(sb.buf, "schema.type", 5, 25));
	/* ids and names may be numbers; quoted scalars are always strings */
	sb_reset(&sb);
	sb_printf(&sb,
		  "%s    client_name: 1234\n    precision: \"true\"\n"
		  "    segments: [7, \"0x1F\", {id: \"00123\", name: 5}]\n",
		  head);
	expect_clean(sb.buf);
	sb_release(&sb);
}

/* ---- schema.unknown_field ---------------------------------------------- */

static void test_unknown_field(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s;
	assert_int_equal(
	    load_str(&s, "version: 1\naccounts:\n  - name: Acme\n    identifers: [cookies]\n", &d), -1);
	const struct diag *g = find_rule(&d, "schema.unknown_field");
	assert_diag_at(g, 4, 5);
	assert_contains(g->message, "unknown key 'identifers' in account 'Acme'");
	assert_contains(g->message, "did you mean 'identifiers'?");
	assert_non_null(g->hint);
	assert_contains(g->hint, "name, client_name, identifiers");
	/* and identifiers is then missing */
	assert_non_null(find_rule(&d, "schema.required"));
	state_free(s);
	diags_free(&d);

	char *m = expect_one("version: 1\naccounts: []\ncolour: blue\n", "schema.unknown_field", 3, 1);
	assert_contains(m, "unknown key 'colour' in the document");
	assert_true(strstr(m, "did you mean") == NULL);
	free(m);
	m = expect_one("version: 1\nsettings:\n  purne: true\naccounts: []\n", "schema.unknown_field", 3, 3);
	assert_contains(m, "did you mean 'prune'?");
	free(m);
	m = expect_one("version: 1\naccounts:\n  - name: A\n    identifiers: [cookies]\n"
		       "    segments:\n      - {id: 12345, nmae: x}\n",
		       "schema.unknown_field", 6, 21);
	assert_contains(m, "in segment '12345' of account 'A'; did you mean 'name'?");
	free(m);
	free(expect_one("version: 1\naccounts: []\nmarketplace_shares:\n"
			"  - {segment: 1, buyer: B, shared_on: 2026-01-01, allowlisted: true}\n",
			"schema.unknown_field", 4, 51));
}

/* ---- duplicate keys, syntax --------------------------------------------- */

static void test_duplicate_key_in_config(void **state)
{
	(void)state;
	free(expect_one("version: 1\naccounts:\n  - name: A\n    identifiers: [cookies]\n    name: B\n",
			"schema.duplicate_key", 5, 5));
}

/* ---- schema.conflict across files --------------------------------------- */

static int load_into(struct state *s, const char *label, const char *text, struct diags *d)
{
	struct ydoc *doc;
	if (ydoc_parse(&doc, label, text, strlen(text), d) < 0)
		return -1;
	int rc = desired_load_doc(s, doc, d);
	ydoc_free(doc);
	return rc;
}

static void test_settings_conflict(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s = state_new();
	assert_int_equal(load_into(s, "a.yaml",
				   "version: 1\nsettings:\n  prune: true\n  org_id: o1\n"
				   "  protect: [X]\naccounts: []\n",
				   &d),
			 0);
	/* the same values again are fine */
	assert_int_equal(load_into(s, "b.yaml",
				   "version: 1\nsettings: {prune: true, org_id: o1, protect: [Y, Z]}\n"
				   "accounts: []\n",
				   &d),
			 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(s->settings.n_protect, 3);
	assert_string_equal(s->settings.protect[2].v, "Z");
	assert_string_equal(s->settings.protect[0].pos.file, "a.yaml");
	assert_int_equal(
	    load_into(s, "c.yaml", "version: 1\nsettings:\n  prune: false\n  org_id: o2\naccounts: []\n", &d),
	    -1);
	assert_int_equal(count_rule(&d, "schema.conflict"), 2);
	const struct diag *g = find_rule(&d, "schema.conflict");
	assert_string_equal(g->file, "c.yaml");
	assert_int_equal(g->line, 3);
	assert_int_equal(g->col, 10);
	assert_contains(g->message, "'prune' is false here but true at a.yaml:3:10");
	assert_contains(d.v[1].message, "'o2' here but 'o1' at a.yaml:4:11");
	/* the first value stands */
	assert_true(s->settings.prune);
	assert_string_equal(s->settings.prune_pos.file, "a.yaml");
	state_free(s);
	diags_free(&d);
}

/* ---- files ------------------------------------------------------------- */

static void test_collect_sorted_and_dot_dirs_skipped(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	write_file(dir, "b.yaml", "");
	write_file(dir, "a.yml", "");
	write_file(dir, "README.md", "");
	write_file(dir, ".hidden.yaml", "");
	make_dir(dir, "sub");
	write_file(dir, "sub/z.yaml", "");
	write_file(dir, "sub/c.yaml", "");
	make_dir(dir, ".git");
	write_file(dir, ".git/x.yaml", "");
	make_dir(dir, "B");
	write_file(dir, "B/y.yaml", "");
	char other[4200];
	snprintf(other, sizeof(other), "%s/README.md", dir);

	struct diags d = DIAGS_INIT;
	char **files;
	size_t n;
	/* the directory, an explicit non-YAML file, and the directory again */
	const char *paths[] = { dir, other, dir };
	int got = desired_collect_files(&files, &n, paths, 3, &d);
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "  unexpected %s %s\n", d.v[i].rule, d.v[i].message);
	assert_int_equal(got, 6);
	assert_int_equal(n, 6);
	assert_int_equal(d.n, 0);
	const char *want[] = { "B/y.yaml", "a.yml", "b.yaml", "sub/c.yaml", "sub/z.yaml", "README.md" };
	for (size_t i = 0; i < 6; i++) {
		char full[4200];
		snprintf(full, sizeof(full), "%s/%s", dir, want[i]);
		assert_string_equal(files[i], full);
	}
	desired_free_files(files, n);
	remove_tree(dir);
	diags_free(&d);
}

static void test_collect_missing_path(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	write_file(dir, "a.yaml", "");
	char missing[4200];
	snprintf(missing, sizeof(missing), "%s/nope", dir);
	struct diags d = DIAGS_INIT;
	char **files;
	size_t n;
	const char *paths[] = { missing, dir };
	assert_int_equal(desired_collect_files(&files, &n, paths, 2, &d), -1);
	assert_int_equal(n, 1); /* what was found is still returned */
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].rule, "config.path");
	assert_string_equal(d.v[0].file, missing);
	assert_contains(d.v[0].message, "no such file or directory");
	desired_free_files(files, n);
	diags_free(&d);

	/* a directory without YAML is a warning, not an error */
	make_dir(dir, "empty");
	char empty[4200];
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	const char *p2[] = { empty };
	assert_int_equal(desired_collect_files(&files, &n, p2, 1, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 1);
	assert_string_equal(d.v[0].rule, "config.path");
	desired_free_files(files, n);
	diags_free(&d);
	remove_tree(dir);
}

static void test_load_paths_merges_files(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	write_file(dir, "20-b.yaml",
		   "version: 1\naccounts:\n  - name: B\n    identifiers: [cookies]\n"
		   "marketplace_shares:\n  - {segment: 1, buyer: X, shared_on: 2026-11-01}\n");
	write_file(dir, "10-a.yaml",
		   "version: 1\nsettings: {prune: true}\naccounts:\n"
		   "  - name: A\n    identifiers: [ramp_ids]\n  - name: A2\n    identifiers: []\n");
	write_file(dir, "30-empty.yaml", "# later\n");
	make_dir(dir, "more");
	write_file(dir, "more/c.yaml",
		   "version: 1\naccounts:\n  - name: C\n    identifiers: [cookies]\n"
		   "marketplace_shares:\n  - {segment: 2, buyer: Y, shared_on: 2026-11-02}\n");
	struct diags d = DIAGS_INIT;
	struct state *s;
	const char *paths[] = { dir };
	assert_int_equal(desired_load_paths(&s, paths, 1, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(s->n_accounts, 4);
	const char *names[] = { "A", "A2", "B", "C" };
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(s->accounts[i]->name.v, names[i]);
	assert_int_equal(s->n_shares, 2);
	assert_string_equal(s->shares[1].buyer.v, "Y");
	assert_true(s->settings.prune);
	char want[4200];
	snprintf(want, sizeof(want), "%s/more/c.yaml", dir);
	assert_string_equal(s->accounts[3]->name.pos.file, want);
	snprintf(want, sizeof(want), "paths: %s", dir);
	assert_string_equal(s->source, want);
	state_free(s);
	diags_free(&d);
	remove_tree(dir);
}

static void test_load_paths_goes_on_after_errors(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	write_file(dir, "a.yaml", "version: 1\naccounts: [\n");
	write_file(dir, "b.yaml", "version: 1\naccounts:\n  - name: B\n    identifiers: [cookies]\n");
	write_file(dir, "c.yaml", "version: 1\naccounts:\n  - name: C\n    identifiers: cookies\n");
	struct diags d = DIAGS_INIT;
	struct state *s;
	const char *paths[] = { dir, "no/such/dir" };
	assert_int_equal(desired_load_paths(&s, paths, 2, &d), -1);
	assert_non_null(s);
	assert_int_equal(s->n_accounts, 2); /* B, and C without its identifiers */
	assert_string_equal(s->accounts[0]->name.v, "B");
	assert_false(s->accounts[1]->identifiers_declared);
	assert_int_equal(count_rule(&d, "yaml.syntax"), 1);
	assert_int_equal(count_rule(&d, "schema.type"), 1);
	assert_int_equal(count_rule(&d, "config.path"), 1);
	const struct diag *g = find_rule(&d, "schema.type");
	assert_int_equal(g->line, 4);
	assert_int_equal(g->col, 18);
	state_free(s);
	diags_free(&d);
	remove_tree(dir);
}

/* The shipped examples must load without a single diagnostic. Tests run
 * from the repository root. */
static void test_examples_load_clean(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s;
	const char *basic[] = { "examples/basic" };
	assert_int_equal(desired_load_paths(&s, basic, 1, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(s->n_accounts, 1);
	const struct account *a = s->accounts[0];
	assert_string_equal(a->name.v, "Acme Kargo US");
	assert_string_equal(a->client_name.v, "Acme Inc");
	assert_string_equal(a->precision.v, "individual");
	assert_int_equal(a->n_identifiers, 1);
	assert_string_equal(a->identifiers[0].v, "cookies");
	assert_int_equal(a->n_segments, 3);
	assert_string_equal(a->name.pos.file, "examples/basic/acme.yaml");
	assert_string_equal(s->source, "paths: examples/basic");
	state_free(s);

	const char *ctv[] = { "examples/ctv" };
	assert_int_equal(desired_load_paths(&s, ctv, 1, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(s->n_accounts, 1);
	a = s->accounts[0];
	assert_string_equal(a->precision.v, "household");
	assert_int_equal(a->n_identifiers, 2);
	assert_true(account_has_identifier(a, "ramp_ids"));
	assert_true(account_has_identifier(a, "ctv_ids"));
	assert_true(a->n_segments >= 2);
	state_free(s);
	diags_free(&d);
}

/* ---- scale --------------------------------------------------------------- */

static void test_one_file_50000_segments(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "version: 1\naccounts:\n  - name: Big\n    identifiers: [cookies]\n    segments:\n");
	for (int i = 0; i < 50000; i++) {
		if (i % 2)
			sb_printf(&sb, "      - %d\n", 100000 + i);
		else
			sb_printf(&sb, "      - {id: \"%d\", name: \"Segment %d\"}\n", 100000 + i, i);
	}
	struct diags d = DIAGS_INIT;
	struct state *s;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(load_str(&s, sb.buf, &d), 0);
	/* linear work is well under a second; a quadratic step is minutes */
	assert_true(seconds_since(&t0) < 30.0);
	assert_int_equal(s->accounts[0]->n_segments, 50000);
	assert_string_equal(s->accounts[0]->segments[49999].id, "149999");
	assert_int_equal(s->accounts[0]->segments[49999].pos.line, 5 + 50000);
	state_free(s);
	sb_release(&sb);
	diags_free(&d);
}

static void test_1000_files_100000_segments(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	struct strbuf sb = STRBUF_INIT;
	for (int f = 0; f < 1000; f++) {
		sb_reset(&sb);
		sb_printf(&sb,
			  "version: 1\naccounts:\n  - name: Account %04d\n"
			  "    identifiers: [cookies]\n    segments: [",
			  f);
		for (int i = 0; i < 100; i++)
			sb_printf(&sb, "%s%d", i ? ", " : "", f * 100 + i);
		sb_puts(&sb, "]\n");
		char name[32];
		snprintf(name, sizeof(name), "acct-%04d.yaml", f);
		write_file(dir, name, sb.buf);
	}
	struct diags d = DIAGS_INIT;
	struct state *s;
	const char *paths[] = { dir };
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(desired_load_paths(&s, paths, 1, &d), 0);
	assert_true(seconds_since(&t0) < 60.0);
	assert_int_equal(s->n_accounts, 1000);
	size_t total = 0;
	for (size_t i = 0; i < s->n_accounts; i++)
		total += s->accounts[i]->n_segments;
	assert_int_equal(total, 100000);
	assert_string_equal(s->accounts[999]->name.v, "Account 0999");
	state_free(s);
	sb_release(&sb);
	diags_free(&d);
	remove_tree(dir);
}

/* Names are read trimmed (one name for the rules, the plan, the identity
 * and what is sent), each trim a warning at the name; previous names and
 * protected names too. Other strings stay as written. */
static void test_names_trimmed_where_read(void **state)
{
	(void)state;
	struct diags d = DIAGS_INIT;
	struct state *s;
	assert_int_equal(load_str(&s,
				  "version: 1\n"
				  "settings:\n"
				  "  protect: [\" Acme Retail\"]\n"
				  "accounts:\n"
				  "  - name: \"  Acme Retail \"\n"
				  "    previous_names: [\"Acme Web\\t\", Acme Old]\n"
				  "    client_name: \" Acme \"\n"
				  "    identifiers: [cookies]\n",
				  &d),
			 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(count_rule(&d, "account.name"), 3);
	const struct account *a = s->accounts[0];
	assert_string_equal(a->name.v, "Acme Retail");
	assert_pos_at(a->name.pos, 5, 11);
	assert_string_equal(a->previous_names[0].v, "Acme Web");
	assert_string_equal(a->previous_names[1].v, "Acme Old");
	assert_string_equal(s->settings.protect[0].v, "Acme Retail");
	assert_string_equal(a->client_name.v, " Acme ");
	const struct diag *g = &d.v[0];
	bool found = false;
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].line == 5) {
			g = &d.v[i];
			found = true;
		}
	assert_true(found);
	assert_int_equal(g->severity, DIAG_WARNING);
	assert_diag_at(g, 5, 11);
	assert_non_null(strstr(g->message, "it is read as \"Acme Retail\""));
	diags_free(&d);
	state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_document),
		cmocka_unit_test(test_nulls_mean_not_set),
		cmocka_unit_test(test_empty_documents_add_nothing),
		cmocka_unit_test(test_anchors_and_merge_keys),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_broken_items_left_out),
		cmocka_unit_test(test_type_bool),
		cmocka_unit_test(test_type_list),
		cmocka_unit_test(test_type_identifiers),
		cmocka_unit_test(test_type_status_and_segment_words),
		cmocka_unit_test(test_type_ids_and_names),
		cmocka_unit_test(test_segment_ids_exact),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_duplicate_key_in_config),
		cmocka_unit_test(test_settings_conflict),
		cmocka_unit_test(test_collect_sorted_and_dot_dirs_skipped),
		cmocka_unit_test(test_collect_missing_path),
		cmocka_unit_test(test_load_paths_merges_files),
		cmocka_unit_test(test_load_paths_goes_on_after_errors),
		cmocka_unit_test(test_names_trimmed_where_read),
		cmocka_unit_test(test_examples_load_clean),
		cmocka_unit_test(test_one_file_50000_segments),
		cmocka_unit_test(test_1000_files_100000_segments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
