/*
 * Deliveries: the sandbox records a PENDING delivery per added segment,
 * which reads as DELIVERED once settings.delivery_delay_seconds have passed
 * by the injectable clock (not a second earlier); the local backend's
 * deliveries operation filters by connection and segments; the schema
 * check accepts the settings and refuses bad deliveries; the API decoder
 * reads v2/Deliveries pages and refuses what breaks the contract.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include <cmocka.h>

#include "liveramp/decode.h"
#include "sandbox/deliveries.h"
#include "sandbox/schema.h"
#include "local_test.h"

static void set_delay(struct fx *f, long long seconds)
{
	json_t *root = fx_read_json(f->path);
	json_object_set_new(root, "settings",
			    json_pack("{s:I}", "delivery_delay_seconds", (json_int_t)seconds));
	char *text = json_dumps(root, 0);
	fx_write(f->path, text);
	free(text);
	json_decref(root);
}

static struct account_ref add_two(struct fx *f)
{
	struct account_ref ref;
	struct segment segs[2] = { { .id = "100" }, { .id = "200" } };
	struct batch_item_result r[2];
	fx_lock(f);
	assert_int_equal(f->b->ops->create_account(f->b, fx_simple(f, "A"), &ref, &f->d), 0);
	assert_int_equal(f->b->ops->add_segments(f->b, &ref, segs, 2, r, &f->d), 0);
	ref.connection_id = strdup(ref.connection_id); /* valid past unlock */
	fx_flush_unlock(f);
	return ref;
}

static void read_all(struct fx *f, const struct delivery_query *q, struct delivery_list *l)
{
	delivery_list_free(l);
	assert_int_equal(f->b->ops->deliveries(f->b, q, l, &f->d), 0);
}

static void test_pending_then_delivered(void **state)
{
	struct fx *f = *state;
	struct account_ref ref = add_two(f);
	set_delay(f, 3600);
	struct delivery_query q = { .connection_id = ref.connection_id };
	struct delivery_list l = DELIVERY_LIST_INIT;
	read_all(f, &q, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].status, DELIVERY_PENDING);
	assert_string_equal(l.v[0].segment_id, "100");
	assert_string_equal(l.v[0].device_type, "WEB");
	assert_string_equal(l.v[0].updated_at, FX_NOW);
	assert_int_equal(l.v[0].record_count, -1); /* the sandbox has no data to count */
	assert_false(l.v[0].remove);

	setenv("RECONCILER_NOW", "2026-01-10T12:59:59Z", 1);
	read_all(f, &q, &l);
	assert_int_equal(l.v[1].status, DELIVERY_PENDING);
	setenv("RECONCILER_NOW", "2026-01-10T13:00:00Z", 1);
	read_all(f, &q, &l);
	assert_int_equal(l.v[1].status, DELIVERY_DELIVERED);
	assert_string_equal(l.v[1].updated_at, "2026-01-10T13:00:00Z"); /* when it was due */
	/* Later reads keep that time. */
	setenv("RECONCILER_NOW", "2026-02-10T00:00:00Z", 1);
	read_all(f, &q, &l);
	assert_string_equal(l.v[1].updated_at, "2026-01-10T13:00:00Z");

	/* Filters: segments, and another connection. */
	const char *only[] = { "200" };
	struct delivery_query q2 = { .connection_id = ref.connection_id,
				     .segment_ids = only,
				     .n_segment_ids = 1 };
	read_all(f, &q2, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].segment_id, "200");
	struct delivery_query q3 = { .connection_id = "nope" };
	read_all(f, &q3, &l);
	assert_int_equal(l.n, 0);
	delivery_list_free(&l);
	free((char *)ref.connection_id);
}

static void test_default_delay_is_zero(void **state)
{
	struct fx *f = *state;
	struct account_ref ref = add_two(f);
	struct delivery_query q = { .connection_id = ref.connection_id };
	struct delivery_list l = DELIVERY_LIST_INIT;
	read_all(f, &q, &l);
	assert_int_equal(l.v[0].status, DELIVERY_DELIVERED);
	assert_string_equal(l.v[0].updated_at, FX_NOW);
	delivery_list_free(&l);
	free((char *)ref.connection_id);
}

static void test_settle_only_pending_adds(void **state)
{
	json_t *root = json_pack("{s:{s:i}, s:[]}", "settings", "delivery_delay_seconds", 10, "deliveries");
	sandbox_delivery_record(root, "d1", "ic", "1", NULL, 1000);
	sandbox_delivery_record(root, "d2", "ic", "2", "WEB", 1000);
	json_t *arr = json_object_get(root, "deliveries");
	json_object_set_new(json_array_get(arr, 1), "operationType", json_string("DELETE"));
	json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "id", "d3", "status", "FAILED", "updatedAt",
					     "1970-01-01T00:00:00Z"));
	assert_int_equal(sandbox_delivery_delay(root), 10);
	assert_int_equal(sandbox_deliveries_settle(root, 1009), 0);
	assert_int_equal(sandbox_deliveries_settle(root, 1010), 1);
	assert_int_equal(sandbox_deliveries_settle(root, 5000), 0); /* once */
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0), "status")),
			    "DELIVERED");
	assert_null(json_object_get(json_array_get(arr, 0), "deviceType"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 1), "status")), "PENDING");
	assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 2), "status")), "FAILED");
	json_decref(root);
	json_t *none = json_object();
	assert_int_equal(sandbox_delivery_delay(none), SANDBOX_DELIVERY_DELAY_DEFAULT);
	json_decref(none);
}

static void test_schema(void **state)
{
	static const char *const bad[] = {
		"\"settings\": {\"delivery_delay_seconds\": -1}, \"deliveries\": []",
		"\"settings\": {\"delivery_delay_seconds\": \"1h\"}, \"deliveries\": []",
		"\"settings\": [], \"deliveries\": []",
		"\"deliveries\": [{\"status\": \"LOST\"}]",
		"\"deliveries\": [{\"recordCount\": \"many\"}]",
		"\"deliveries\": [{\"operationType\": \"UPSERT\"}]",
		"\"deliveries\": [7]",
	};
	const char *head =
	    "{\"format_version\": 1, \"next_id\": 1, \"destinations\": [], \"integrations\": [], "
	    "\"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "
	    "\"segments\": [], ";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]) + 1; i++) {
		struct strbuf sb = STRBUF_INIT;
		sb_printf(
		    &sb, "%s%s}", head,
		    i < sizeof(bad) / sizeof(bad[0])
			? bad[i]
			: "\"settings\": {\"delivery_delay_seconds\": 86400}, \"deliveries\": [{\"id\": "
			  "\"d\", "
			  "\"status\": \"DELIVERED\", \"recordCount\": 3, \"operationType\": \"ADD\"}]");
		json_t *root = json_loads(sb.buf, 0, NULL);
		assert_non_null(root);
		struct diags d = DIAGS_INIT;
		int rc = local_schema_check(root, "s.json", &d);
		assert_int_equal(rc, i < sizeof(bad) / sizeof(bad[0]) ? -1 : 0);
		json_decref(root);
		diags_free(&d);
		sb_release(&sb);
	}
}

#define BODY(s) (s), strlen(s)

static void test_api_decode(void **state)
{
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct api_page p;
	const char *ok =
	    "{\"v2/Deliveries\": [{\"id\": \"1\", \"status\": \"DELIVERED\", \"deviceType\": \"WEB\", "
	    "\"recordCount\": 1200, \"updatedAt\": \"2026-01-01T00:00:00Z\", \"segmentID\": \"5\", "
	    "\"integrationConnectionID\": \"ic\", \"operationType\": \"ADD\"}, {\"id\": \"2\", "
	    "\"status\": \"FAILED\", \"updatedAt\": \"2026-01-02T00:00:00Z\", "
	    "\"integrationConnectionID\": \"ic\", \"operationType\": \"DELETE\"}], "
	    "\"_pagination\": {\"after\": null, \"total\": 2}}";
	assert_int_equal(api_decode_page(&p, API_DELIVERY, BODY(ok), &a, "GET /v2/deliveries", &d), 0);
	assert_int_equal(p.n, 2);
	const struct api_delivery *v = p.items;
	assert_string_equal(v[0].status, "DELIVERED");
	assert_int_equal(v[0].record_count, 1200);
	assert_string_equal(v[0].segment_id, "5");
	assert_false(v[0].remove);
	assert_int_equal(v[1].record_count, -1);
	assert_null(v[1].segment_id);
	assert_null(v[1].device_type);
	assert_true(v[1].remove);
	static const char *const bad[] = {
		"{\"v2/Deliveries\": [{\"id\": \"1\", \"status\": \"LOST\", \"updatedAt\": \"x\", "
		"\"integrationConnectionID\": \"ic\", \"operationType\": \"ADD\"}]}",
		"{\"v2/Deliveries\": [{\"id\": \"1\", \"status\": \"PENDING\", "
		"\"integrationConnectionID\": \"ic\", \"operationType\": \"ADD\"}]}",
		"{\"v2/Deliveries\": [{\"id\": \"1\", \"status\": \"PENDING\", \"updatedAt\": \"x\", "
		"\"integrationConnectionID\": \"ic\", \"operationType\": \"ADD\", \"recordCount\": \"9\"}]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct diags e = DIAGS_INIT;
		assert_int_equal(api_decode_page(&p, API_DELIVERY, BODY(bad[i]), &a, "GET", &e), -1);
		assert_non_null(strstr(e.v[0].message, "v2/Deliveries[0]"));
		diags_free(&e);
	}
	diags_free(&d);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_pending_then_delivered),
		FX_TEST(test_default_delay_is_zero),
		cmocka_unit_test(test_settle_only_pending_adds),
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_api_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
