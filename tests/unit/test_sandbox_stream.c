/*
 * The streaming observe of the sandbox (sandbox/observe_stream.h) against
 * the tree path (sandbox_load + sandbox_observe): on every well-formed
 * sandbox both give the same state and the same warnings, and the stream
 * reader really reads it (it does not decline); on every broken one the
 * stream reader declines without a word and the tree path refuses it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "local_test.h"
#include "state_same.h"

#include "sandbox/deliveries.h"
#include "sandbox/doc.h"
#include "sandbox/deliveries_stream.h"
#include "sandbox/observe_stream.h"

static const struct sandbox_pins NO_PINS = { NULL, NULL };

/* Both paths over the file at path. Returns the stream's result code;
 * *tree_rc gets the tree path's (0 or -1). */
static int both(const char *path, const struct sandbox_pins *pins, int *tree_rc)
{
	struct diags dt = DIAGS_INIT, ds = DIAGS_INIT;
	struct state *st = NULL, *ss = NULL;
	struct sandbox *sb = NULL;
	*tree_rc = sandbox_load(&sb, path, &dt);
	if (*tree_rc == 0)
		*tree_rc = sandbox_observe(sb, &fx_profile, pins, "local:x", &st, &dt);
	sandbox_free(sb);
	int rc = sandbox_observe_stream(path, &fx_profile, pins, "local:x", &ss, &ds);
	if (rc == 0) {
		assert_int_equal(*tree_rc, 0);
		const char *why = state_same(st, ss);
		if (why)
			fail_msg("the two paths differ: %s", why);
		why = diags_same(&dt, &ds);
		if (why)
			fail_msg("the two paths' warnings differ: %s", why);
	} else {
		assert_int_equal(rc, SANDBOX_STREAM_DECLINED);
		assert_null(ss);
		assert_int_equal(ds.n, 0);
	}
	state_free(st);
	state_free(ss);
	diags_free(&dt);
	diags_free(&ds);
	return rc;
}

static void expect_read_alike(struct fx *f, const char *text, const struct sandbox_pins *pins)
{
	fx_write(f->path, text);
	int tree_rc;
	assert_int_equal(both(f->path, pins, &tree_rc), 0);
}

static void expect_declined(struct fx *f, const char *text, size_t i)
{
	fx_write(f->path, text);
	int tree_rc;
	if (both(f->path, &NO_PINS, &tree_rc) != SANDBOX_STREAM_DECLINED || tree_rc != -1)
		fail_msg("broken case %zu: stream or tree path accepted it", i);
}

/* ---- well-formed sandboxes ------------------------------------------------- */

#define CONN(id, dest, integ, types, client)                                                                 \
	"{\"id\": \"" id "\", \"integrationID\": [\"" dest "\", \"" integ "\"], \"deviceTypes\": [" types    \
	"], \"properties\": [{\"propertyKey\": \"other\", \"propertyValue\": \"x\"}, {\"propertyKey\": "     \
	"\"client_name\", \"propertyValue\": \"" client "\"}]}"
#define DM(id, name, ic, status, expire)                                                                     \
	"{\"id\": \"" id "\", \"name\": \"" name "\", \"integrationConnectionID\": \"" ic "\", \"status\": " \
	"\"" status "\", \"expireAt\": " expire "}"
#define CFG(id, dm, seg, type)                                                                               \
	"{\"id\": \"" id "\", \"distributionManagerID\": \"" dm "\", \"segmentID\": \"" seg "\", "           \
	"\"segmentType\": \"" type "\"}"

/* Every kind of account and connection, unknown fields everywhere,
 * deliveries, settings, escapes, and the arrays in an unusual order. */
/* clang-format off */
static const char *const RICH =
    "{\"segmentConfigs\": ["
    CFG("70", "41", "100", "ONBOARDING") ", " CFG("71", "41", "102", "DATA_MARKETPLACE") ", "
    CFG("72", "43", "100", "ONBOARDING") ", " CFG("73", "41", "999", "ONBOARDING") ", "
    CFG("74", "44", "101", "ONBOARDING") ", " CFG("75", "47", "100", "ONBOARDING") "],\n"
    " \"segments\": [{\"id\": \"102\", \"name\": null, \"field\": {\"id\": \"9\", \"name\": \"age\", "
    "\"audienceId\": \"1\"}, \"value\": \"30-40\", \"type\": \"DATA_MARKETPLACE\"},\n"
    "  {\"id\": \"100\", \"name\": \"Auto \\\"intenders\\\" \\u00e9\\ud83d\\ude00\", \"type\": "
    "\"ONBOARDING\", \"extra\": [1, -2.5e-3, true, false, null, {\"deep\": [[[]]]}]},\n"
    "  {\"id\": \"101\", \"name\": \"\", \"field\": {}, \"type\": \"ONBOARDING\"},\n"
    "  {\"id\": \"103\", \"type\": \"ONBOARDING\", \"name\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}],\n"
    " \"distributionManagers\": ["
    DM("41", "Zed", "31", "ACTIVE", "null") ",\n  "
    DM("43", "alpha", "33", "ACTIVE", "\"2025-01-01\"") ",\n  "
    DM("44", "Beta", "34", "INACTIVE", "\"2027-05-01T00:00:00Z\"") ",\n  "
    DM("45", "Two a", "35", "ACTIVE", "null") ",\n  "
    DM("46", "Two b", "35", "ACTIVE", "null") ",\n  "
    DM("47", "Elsewhere", "37", "ACTIVE", "null") ",\n  "
    DM("48", "ALPHA ", "38", "ACTIVE", "null") "],\n"
    " \"format_version\": 1, \"next_id\": 900, \"settings\": {\"delivery_delay_seconds\": 60, "
    "\"other\": {}},\n"
    " \"destinations\": [{\"id\": \"1001\", \"name\": \"Kargo\", \"logoUrl\": \"x.png\"}, {\"id\": "
    "\"1002\", \"name\": \"Other\"}],\n"
    " \"integrations\": [{\"id\": \"2001\", \"destinationID\": \"1001\", \"name\": \"Kargo "
    "First-Party Data\", \"requiredProperties\": [{\"name\": \"z\"}, {\"name\": \"client_name\"}]},"
    " {\"id\": \"2002\", \"destinationID\": \"1002\", \"name\": \"Other\", \"requiredProperties\": []}],\n"
    " \"integrationConnections\": ["
    CONN("31", "1001", "2001", "\"WEB\", \"IOS\", \"ANDROID\"", "Zed \\u00e9") ",\n  "
    CONN("33", "1001", "2001", "\"RAMP_ID\"", "A") ",\n  "
    CONN("34", "1001", "2001", "\"CUSTOM_ID\", \"PII\", \"MIXED\"", "B") ",\n  "
    CONN("35", "1001", "2001", "\"WEB\"", "Two") ",\n  "
    CONN("36", "1001", "2001", "\"WEB\"", "None") ",\n  "
    CONN("37", "1002", "2002", "\"WEB\"", "Else") ",\n  "
    CONN("38", "1001", "2001", "\"OTHER\"", "Dup") "],\n"
    " \"deliveries\": [{\"id\": \"d1\", \"status\": \"PENDING\", \"deviceType\": \"WEB\", "
    "\"recordCount\": 12, \"updatedAt\": \"2026-01-01T00:00:00Z\", \"segmentID\": \"100\", "
    "\"integrationConnectionID\": \"31\", \"operationType\": \"ADD\"}, {}],\n"
    " \"emulator\": {\"tokens\": [\"a\"], \"n\": 12345678901234}}\n";
/* clang-format on */

static void test_rich_sandbox_reads_alike(void **state)
{
	struct fx *f = *state;
	expect_read_alike(f, RICH, &NO_PINS);
	struct sandbox_pins pins = { "1001", "2001" };
	expect_read_alike(f, RICH, &pins);
	struct sandbox_pins other = { "1002", "2002" };
	expect_read_alike(f, RICH, &other);
	struct sandbox_pins none = { "1001", "2002" };
	expect_read_alike(f, RICH, &none);
}

static void test_empty_and_catalog_only_read_alike(void **state)
{
	struct fx *f = *state;
	expect_read_alike(f, FX_CATALOG_DOC, &NO_PINS);
	expect_read_alike(
	    f,
	    "{\"format_version\": 1, \"next_id\": 1, \"destinations\": [], \"integrations\": [], "
	    "\"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "
	    "\"segments\": [], \"deliveries\": []}",
	    &NO_PINS);
	expect_read_alike(
	    f,
	    " \t\r\n{ \"deliveries\" :[ ],\"segments\":[],\"segmentConfigs\":[ ],"
	    "\"distributionManagers\":[],\"integrationConnections\":[],\"integrations\":[],"
	    "\"destinations\":[],\"next_id\":9223372036854775807,\"format_version\":1,"
	    "\"x\":-9223372036854775808,\"y\":-0,\"z\":0.5E+2,\"w\":\"\\/\\b\\f\\n\\r\\t\\\\\"}\n\n",
	    &NO_PINS);
}

/* A sandbox as apply leaves it: created, changed, removed, compacted. */
static void test_written_sandbox_reads_alike(void **state)
{
	struct fx *f = *state;
	fx_write(f->path, FX_CATALOG_DOC);
	fx_lock(f);
	struct account_ref a, b, c;
	assert_int_equal(f->b->ops->create_account(f->b, fx_simple(f, "Gone"), &a, &f->d), 0);
	assert_int_equal(f->b->ops->create_account(f->b, fx_simple(f, "Kept"), &b, &f->d), 0);
	assert_int_equal(f->b->ops->create_account(f->b, fx_simple(f, "Third"), &c, &f->d), 0);
	struct segment segs[2] = { { .id = "100" }, { .id = "200" } };
	struct batch_item_result res[2];
	assert_int_equal(f->b->ops->add_segments(f->b, &b, segs, 2, res, &f->d), 0);
	assert_int_equal(f->b->ops->add_segments(f->b, &a, segs, 2, res, &f->d), 0);
	assert_int_equal(f->b->ops->delete_account(f->b, &a, &f->d), 0);
	fx_flush_unlock(f);
	int tree_rc;
	assert_int_equal(both(f->path, &NO_PINS, &tree_rc), 0);
	/* And through the backend's own observe, which now streams. */
	struct state *s = fx_observe(f);
	assert_int_equal(s->n_accounts, 2);
	assert_int_equal(s->accounts[0]->n_segments, 2);
	assert_string_equal(s->accounts[0]->segments[0].name.v, "Auto intenders");
	state_free(s);
}

/* ---- deliveries ------------------------------------------------------------------ */

static void expect_same_deliveries(const struct delivery_list *a, const struct delivery_list *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct delivery *x = &a->v[i], *y = &b->v[i];
		assert_false(ss_str_differ(x->id, y->id));
		assert_int_equal(x->status, y->status);
		assert_false(ss_str_differ(x->device_type, y->device_type));
		assert_int_equal(x->record_count, y->record_count);
		assert_false(ss_str_differ(x->updated_at, y->updated_at));
		assert_int_equal(x->updated, y->updated);
		assert_int_equal(x->updated_known, y->updated_known);
		assert_false(ss_str_differ(x->segment_id, y->segment_id));
		assert_false(ss_str_differ(x->connection_id, y->connection_id));
		assert_int_equal(x->remove, y->remove);
	}
}

#define DELIVERY(id, status, ic, seg, at, op)                                                                \
	"{\"id\": \"" id "\", \"status\": \"" status "\", \"deviceType\": \"WEB\", \"updatedAt\": \"" at     \
	"\", "                                                                                               \
	"\"segmentID\": \"" seg "\", \"integrationConnectionID\": \"" ic "\", \"operationType\": \"" op      \
	"\"}"

/* Due and not yet due (the delay), removals, odd and partial items, three
 * connections: every query answers alike from the tree and the stream. */
static void test_deliveries_read_alike(void **state)
{
	struct fx *f = *state;
	/* clang-format off */
	const char *text =
	    "{\"format_version\": 1, \"next_id\": 1, \"destinations\": [], \"integrations\": [], "
	    "\"settings\": {\"delivery_delay_seconds\": 3600}, \"integrationConnections\": [], "
	    "\"distributionManagers\": [], \"segmentConfigs\": [], \"segments\": [], \"deliveries\": ["
	    DELIVERY("1", "PENDING", "31", "100", "2026-01-10T10:00:00Z", "ADD") ", "
	    DELIVERY("2", "PENDING", "31", "101", "2026-01-10T11:30:00Z", "ADD") ", "
	    DELIVERY("3", "PENDING", "32", "100", "2026-01-09T00:00:00Z", "DELETE") ", "
	    DELIVERY("4", "DELIVERED", "31", "102", "2025-12-01T00:00:00Z", "ADD") ", "
	    DELIVERY("5", "FAILED", "33", "100", "not a time", "ADD") ", "
	    "{\"id\": \"6\", \"status\": \"PENDING\", \"integrationConnectionID\": \"31\", \"recordCount\": 7, "
	    "\"updatedAt\": \"2026-01-01T00:00:00Z\"}, {}, {\"segmentID\": \"100\"}]}";
	/* clang-format on */
	fx_write(f->path, text);
	struct sandbox *sb = NULL;
	struct diags d = DIAGS_INIT;
	assert_int_equal(sandbox_load(&sb, f->path, &d), 0);
	struct sandbox_deliveries *all = NULL;
	assert_int_equal(sandbox_deliveries_stream(&all, f->path), 0);
	const char *segs[] = { "100", "102", "999" };
	const struct delivery_query queries[] = {
		{ NULL, NULL, 0 }, { "31", NULL, 0 }, { "31", segs, 3 },
		{ "32", segs, 1 }, { "34", NULL, 0 }, { NULL, segs, 1 },
	};
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		struct delivery_list a = DELIVERY_LIST_INIT, b = DELIVERY_LIST_INIT;
		sandbox_deliveries_read(sb->root, &queries[i], &a);
		sandbox_deliveries_query(all, &queries[i], &b);
		expect_same_deliveries(&a, &b);
		if (i == 0) {
			assert_int_equal(a.n, 8);
			assert_int_equal(b.v[0].status, DELIVERY_DELIVERED); /* due at 11:00 */
			assert_int_equal(b.v[1].status, DELIVERY_PENDING);   /* due at 12:30 */
		}
		delivery_list_free(&a);
		delivery_list_free(&b);
	}
	/* The same file: the same read; a file written since: read again. */
	struct sandbox_deliveries *kept = all;
	assert_int_equal(sandbox_deliveries_stream(&all, f->path), 0);
	assert_ptr_equal(all, kept);
	sandbox_free(sb);
	diags_free(&d);
	/* A broken file is the tree path's. */
	fx_write(f->path, "{\"format_version\": 1");
	assert_int_equal(sandbox_deliveries_stream(&all, f->path), SANDBOX_STREAM_DECLINED);
	assert_null(all);
}

/* Through the backend: one read of the file answers every query, and an
 * apply in between is seen by the next read. */
static void test_backend_deliveries_follow_writes(void **state)
{
	struct fx *f = *state;
	fx_write(f->path, FX_CATALOG_DOC);
	struct delivery_query all = { NULL, NULL, 0 };
	struct delivery_list l = DELIVERY_LIST_INIT;
	assert_int_equal(f->b->ops->deliveries(f->b, &all, &l, &f->d), 0);
	size_t before = l.n;
	delivery_list_free(&l);
	l = (struct delivery_list)DELIVERY_LIST_INIT;
	fx_lock(f);
	struct account_ref a;
	assert_int_equal(f->b->ops->create_account(f->b, fx_simple(f, "New"), &a, &f->d), 0);
	struct segment segs[1] = { { .id = "100" } };
	struct batch_item_result res[1];
	assert_int_equal(f->b->ops->add_segments(f->b, &a, segs, 1, res, &f->d), 0);
	fx_flush_unlock(f);
	assert_int_equal(f->b->ops->deliveries(f->b, &all, &l, &f->d), 0);
	assert_int_equal(l.n, before + 1);
	assert_string_equal(l.v[before].segment_id, "100");
	delivery_list_free(&l);
}

/* ---- broken sandboxes -------------------------------------------------------- */

#define DOC_HEAD "{\"format_version\": 1, \"next_id\": 1, \"destinations\": [], \"integrations\": [], "
#define DOC_TAIL                                                                                             \
	"\"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "             \
	"\"segments\": [], \"deliveries\": []}"
#define WITH(extra) DOC_HEAD extra ", " DOC_TAIL

static const char *const BROKEN[] = {
	"",
	"  ",
	"[]",
	"null",
	"{",
	DOC_HEAD DOC_TAIL " x",
	DOC_HEAD DOC_TAIL "{}",
	WITH("\"a\": [1,]"),
	WITH("\"a\": {\"b\": 1,}"),
	WITH("\"a\": {\"b\": 1, \"b\": 2}"),
	WITH("\"a\": [{\"k\": 1, \"k\": 1}]"),
	WITH("\"a\": \"\\u0000\""),
	WITH("\"a\\u0000\": 1"),
	WITH("\"a\": \"\\ud800\""),
	WITH("\"a\": \"\\udc00\""),
	WITH("\"a\": \"\\ud800\\u0041\""),
	WITH("\"a\": \"\\x\""),
	WITH("\"a\": \"\\u12\""),
	WITH("\"a\": \"\xc0\xaf\""),
	WITH("\"a\": \"\xed\xa0\x80\""),
	WITH("\"a\": \"\xf4\x90\x80\x80\""),
	WITH("\"a\": \"\xff\""),
	WITH("\"a\": \"\xe2\x82\""),
	WITH("\"a\": \"tab\there\""),
	WITH("\"a\": 9223372036854775808"),
	WITH("\"a\": -9223372036854775809"),
	WITH("\"a\": 1e999"),
	WITH("\"a\": 01"),
	WITH("\"a\": 1."),
	WITH("\"a\": -"),
	WITH("\"a\": .5"),
	WITH("\"a\": +1"),
	WITH("\"a\": nul"),
	WITH("\"a\": True"),
	WITH("\"a\": NaN"),
	WITH("\"a\": 'x'"),
	WITH("\"a\" 1"),
	WITH("a: 1"),
	"{\"format_version\": 2, \"next_id\": 1, \"destinations\": [], \"integrations\": [], " DOC_TAIL,
	"{\"format_version\": 1, \"next_id\": 0, \"destinations\": [], \"integrations\": [], " DOC_TAIL,
	"{\"format_version\": 1.0, \"next_id\": 1, \"destinations\": [], \"integrations\": [], " DOC_TAIL,
	"{\"format_version\": 1, \"destinations\": [], \"integrations\": [], " DOC_TAIL,
	"{\"format_version\": 1, \"next_id\": 1, \"integrations\": [], " DOC_TAIL,
	WITH("\"settings\": {\"delivery_delay_seconds\": -1}"),
	WITH("\"settings\": null"),
	WITH("\"settings\": {\"delivery_delay_seconds\": \"5\"}"),
	DOC_HEAD "\"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "
		 "\"segments\": [], \"deliveries\": [{\"status\": \"LOST\"}]}",
	DOC_HEAD "\"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "
		 "\"segments\": [], \"deliveries\": [{\"recordCount\": 1.5}]}",
	DOC_HEAD "\"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "
		 "\"segments\": [], \"deliveries\": [7]}",
	DOC_HEAD "\"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "
		 "\"segments\": [{\"id\": \"1\", \"type\": \"X\"}], \"deliveries\": []}",
	DOC_HEAD
	"\"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "
	"\"segments\": [{\"id\": \"1\", \"type\": \"ONBOARDING\", \"field\": null}], \"deliveries\": []}",
	DOC_HEAD "\"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "
		 "\"segments\": [{\"id\": \"1\", \"type\": \"ONBOARDING\", \"field\": {\"name\": 1}}], "
		 "\"deliveries\": []}",
	DOC_HEAD "\"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "
		 "\"segments\": [{\"id\": \"1\", \"type\": \"ONBOARDING\"}, {\"id\": \"1\", \"type\": "
		 "\"ONBOARDING\"}], \"deliveries\": []}",
	DOC_HEAD "\"integrationConnections\": [" CONN("3", "1", "2", "\"WEB\"", "c") ", " CONN(
	    "3", "1", "2", "\"WEB\"", "c") "], \"distributionManagers\": [], \"segmentConfigs\": [], "
					   "\"segments\": [], \"deliveries\": []}",
	DOC_HEAD "\"integrationConnections\": [" CONN(
	    "3", "1", "2", "\"WEB\", \"TV\"", "c") "], \"distributionManagers\": [], \"segmentConfigs\": [], "
						   "\"segments\": [], \"deliveries\": []}",
	DOC_HEAD
	"\"integrationConnections\": [{\"id\": \"3\", \"integrationID\": [\"1\", \"2\", \"3\"], "
	"\"deviceTypes\": [], \"properties\": []}], \"distributionManagers\": [], \"segmentConfigs\": "
	"[], \"segments\": [], \"deliveries\": []}",
	DOC_HEAD
	"\"integrationConnections\": [{\"id\": \"3\", \"integrationID\": [\"1\", 2], "
	"\"deviceTypes\": [], \"properties\": []}], \"distributionManagers\": [], \"segmentConfigs\": "
	"[], \"segments\": [], \"deliveries\": []}",
	DOC_HEAD "\"integrationConnections\": [{\"id\": \"3\", \"integrationID\": [\"1\", \"2\"], "
		 "\"deviceTypes\": []}], \"distributionManagers\": [], \"segmentConfigs\": "
		 "[], \"segments\": [], \"deliveries\": []}",
	DOC_HEAD "\"integrationConnections\": [], \"distributionManagers\": [" DM(
	    "4", "A", "3", "ACTIVE",
	    "null") "], \"segmentConfigs\": [], \"segments\": [], \"deliveries\": []}",
	DOC_HEAD "\"integrationConnections\": [" CONN(
	    "3", "1", "2", "\"WEB\"",
	    "c") "], \"distributionManagers\": "
		 "[" DM("4", "A", "3", "ACTIVE",
			"\"2026-13-01\"") "], \"segmentConfigs\": [], \"segments\": [], \"deliveries\": []}",
	DOC_HEAD "\"integrationConnections\": [" CONN(
	    "3", "1", "2", "\"WEB\"",
	    "c") "], \"distributionManagers\": "
		 "[" DM("4", "A", "3", "ACTIVE", "null") ", " DM(
		     "4", "B", "3", "ACTIVE",
		     "null") "], \"segmentConfigs\": [], \"segments\": [], \"deliveries\": []}",
	DOC_HEAD "\"integrationConnections\": [" CONN(
	    "3", "1", "2", "\"WEB\"",
	    "c") "], \"distributionManagers\": "
		 "[" DM("4", "A", "3", "ACTIVE", "null") "], \"segmentConfigs\": [" CFG(
		     "5", "4", "1",
		     "ONBOARDING") ", " CFG("5", "4", "2",
					    "ONBOARDING") "], \"segments\": [], \"deliveries\": []}",
	DOC_HEAD "\"integrationConnections\": [" CONN(
	    "3", "1", "2", "\"WEB\"",
	    "c") "], \"distributionManagers\": "
		 "[" DM("4", "A", "3", "ACTIVE", "null") "], \"segmentConfigs\": [" CFG(
		     "5", "4", "1",
		     "ONBOARDING") ", " CFG("6", "4", "1",
					    "ONBOARDING") "], \"segments\": [], \"deliveries\": []}",
	DOC_HEAD "\"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [" CFG(
	    "5", "9", "1", "ONBOARDING") "], \"segments\": [], \"deliveries\": []}",
};

static void test_broken_sandboxes_are_declined(void **state)
{
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof(BROKEN) / sizeof(BROKEN[0]); i++)
		expect_declined(f, BROKEN[i], i);
}

/* A file with a NUL byte in it, and one nested past the reader's limit
 * (which jansson reads: then the tree path does the observe). */
static void test_nul_byte_and_depth(void **state)
{
	struct fx *f = *state;
	char text[] = WITH("\"a\": \"x\"");
	char *x = strchr(text, 'x');
	*x = '\0';
	FILE *out = fopen(f->path, "w");
	if (!out) {
		mkdir(f->sub, 0755);
		out = fopen(f->path, "w");
	}
	assert_non_null(out);
	fwrite(text, 1, sizeof(text) - 1, out);
	fclose(out);
	int tree_rc;
	assert_int_equal(both(f->path, &NO_PINS, &tree_rc), SANDBOX_STREAM_DECLINED);
	assert_int_equal(tree_rc, -1);

	struct strbuf deep = STRBUF_INIT;
	sb_puts(&deep, DOC_HEAD "\"a\": ");
	for (int i = 0; i < 40; i++)
		sb_puts(&deep, "[");
	for (int i = 0; i < 40; i++)
		sb_puts(&deep, "]");
	sb_puts(&deep, ", " DOC_TAIL);
	fx_write(f->path, deep.buf);
	assert_int_equal(both(f->path, &NO_PINS, &tree_rc), SANDBOX_STREAM_DECLINED);
	assert_int_equal(tree_rc, 0);
	sb_release(&deep);
}

/* The missing file is the tree path's (a fresh sandbox). */
static void test_missing_file_is_declined(void **state)
{
	struct fx *f = *state;
	int tree_rc;
	assert_int_equal(both(f->path, &NO_PINS, &tree_rc), SANDBOX_STREAM_DECLINED);
	assert_int_equal(tree_rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_rich_sandbox_reads_alike),	   FX_TEST(test_empty_and_catalog_only_read_alike),
		FX_TEST(test_written_sandbox_reads_alike), FX_TEST(test_broken_sandboxes_are_declined),
		FX_TEST(test_nul_byte_and_depth),	   FX_TEST(test_missing_file_is_declined),
		FX_TEST(test_deliveries_read_alike),	   FX_TEST(test_backend_deliveries_follow_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
