/*
 * The Activation API decoders: every kind read from a valid answer with
 * every field the backend uses; then a table of malformed bodies (not JSON,
 * wrong types, missing fields, bad enums, broken pagination, odd 207s),
 * each refused with -1 and exactly one "backend" diagnostic naming the
 * field, never a crash. The token decoder never quotes the token.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "liveramp/decode.h"
#include "http/http.h"
#include "liveramp/client.h"
#include "util/strbuf.h"

struct fx {
	struct arena a;
	struct diags d;
};

static int setup(void **state)
{
	static struct fx f;
	memset(&f, 0, sizeof(f));
	f.d = (struct diags)DIAGS_INIT;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	arena_free(&f->a);
	diags_free(&f->d);
	return 0;
}

#define BODY(s) (s), strlen(s)

/* ---- valid answers ------------------------------------------------------------ */

static void test_destinations_page(void **state)
{
	struct fx *f = *state;
	struct api_page p;
	const char *body = "{\"v2/Destinations\":[{\"id\":\"1001\",\"name\":\"Kargo\",\"logoUrl\":\"\"},"
			   "{\"id\":\"1002\",\"name\":\"Other\",\"logoUrl\":\"x\"}],"
			   "\"_pagination\":{\"after\":\"abc\",\"total\":7}}";
	assert_int_equal(api_decode_page(&p, API_DESTINATION, BODY(body), &f->a, "GET", &f->d), 0);
	assert_int_equal(p.n, 2);
	const struct api_destination *v = p.items;
	assert_string_equal(v[0].id, "1001");
	assert_string_equal(v[1].name, "Other");
	assert_string_equal(p.after, "abc");
	assert_int_equal(p.total, 7);
	assert_int_equal(f->d.n, 0);
}

/* Pages at the list limit (100) and one past it: a page of 100 is kept
 * whole, in order; a page holding more than any request asks for is
 * refused with a diagnostic before its items are decoded (a hostile or
 * broken server could otherwise grow the process without bound). */
static void page_of(struct fx *f, int n)
{
	struct strbuf b = STRBUF_INIT;
	sb_puts(&b, "{\"v2/DistributionManagers\":[");
	for (int i = 0; i < n; i++)
		sb_printf(&b,
			  "%s{\"id\":\"dm%d\",\"name\":\"Page %d\",\"integrationConnectionID\":\"ic%d\","
			  "\"status\":\"ACTIVE\",\"expireAt\":null}",
			  i ? "," : "", i, i, i);
	sb_puts(&b, "],\"_pagination\":{\"after\":\"next\",\"total\":500}}");
	struct api_page p;
	size_t diags_before = f->d.n;
	int rc = api_decode_page(&p, API_DM, b.buf, b.len, &f->a, "GET", &f->d);
	sb_release(&b);
	if (n > LR_PAGE_LIMIT) {
		assert_int_equal(rc, -1);
		assert_int_equal(f->d.n, diags_before + 1);
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(p.n, (size_t)n);
	const struct api_dm *v = p.items;
	assert_string_equal(v[0].id, "dm0");
	assert_string_equal(v[n - 1].name, "Page 99");
	assert_string_equal(p.after, "next");
	assert_int_equal(f->d.n, diags_before);
}

static void test_pages_at_the_limit(void **state)
{
	page_of(*state, 100);
	page_of(*state, 101);
}

static void test_last_page_and_no_pagination(void **state)
{
	struct fx *f = *state;
	struct api_page p;
	assert_int_equal(api_decode_page(&p, API_DM,
					 BODY("{\"v2/DistributionManagers\":[],\"_pagination\":"
					      "{\"after\":null,\"total\":0}}"),
					 &f->a, NULL, &f->d),
			 0);
	assert_null(p.after);
	assert_int_equal(p.n, 0);
	assert_int_equal(
	    api_decode_page(&p, API_DM, BODY("{\"v2/DistributionManagers\":[]}"), &f->a, NULL, &f->d), 0);
	assert_null(p.after);
	assert_int_equal(p.total, -1);
	/* An empty cursor would loop forever: it ends the list. */
	assert_int_equal(api_decode_page(&p, API_DM,
					 BODY("{\"v2/DistributionManagers\":[],\"_pagination\":"
					      "{\"after\":\"\"}}"),
					 &f->a, NULL, &f->d),
			 0);
	assert_null(p.after);
}

static void test_integration(void **state)
{
	struct fx *f = *state;
	struct api_page p;
	const char *body =
	    "{\"integrations\":[{\"id\":\"2001\",\"name\":\"Kargo First-Party Data\",\"description\":\"\","
	    "\"type\":\"ONBOARDING\",\"deviceTypes\":[\"WEB\"],\"requiredProperties\":"
	    "[{\"name\":\"client_name\",\"description\":\"Client Name\"}]}]}";
	assert_int_equal(api_decode_page(&p, API_INTEGRATION, BODY(body), &f->a, NULL, &f->d), 0);
	const struct api_integration *it = p.items;
	assert_int_equal(it->n_required_properties, 1);
	assert_string_equal(it->required_properties[0], "client_name");
}

static void test_connection(void **state)
{
	struct fx *f = *state;
	struct api_ic ic;
	const char *body =
	    "{\"id\":\"7\",\"integrationID\":[\"1001\",\"2001\"],\"properties\":[{\"propertyKey\":"
	    "\"client_name\",\"propertyValue\":\"Acme\"}],\"deviceTypes\":[\"RAMP_ID\",\"CUSTOM_ID\"],"
	    "\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-01T00:00:00Z\"}";
	assert_int_equal(api_decode_object(&ic, API_IC, BODY(body), &f->a, NULL, &f->d), 0);
	assert_string_equal(ic.destination_id, "1001");
	assert_string_equal(ic.integration_id, "2001");
	assert_int_equal(ic.n_properties, 1);
	assert_string_equal(ic.properties[0].value, "Acme");
	assert_int_equal(ic.n_device_types, 2);
	assert_string_equal(ic.device_types[1], "CUSTOM_ID");
}

static void test_manager(void **state)
{
	struct fx *f = *state;
	struct api_dm dm;
	assert_int_equal(
	    api_decode_object(&dm, API_DM,
			      BODY("{\"id\":\"8\",\"name\":\"Acme\",\"integrationConnectionID\":\"7\","
				   "\"status\":\"INACTIVE\",\"expireAt\":\"2027-03-01T00:00:00Z\"}"),
			      &f->a, NULL, &f->d),
	    0);
	assert_true(dm.inactive);
	assert_string_equal(dm.expire_at, "2027-03-01");
	assert_int_equal(
	    api_decode_object(&dm, API_DM,
			      BODY("{\"id\":\"8\",\"name\":\"Acme\",\"integrationConnectionID\":\"7\","
				   "\"status\":\"ACTIVE\",\"expireAt\":null}"),
			      &f->a, NULL, &f->d),
	    0);
	assert_false(dm.inactive);
	assert_null(dm.expire_at);
}

static void test_config_and_segment(void **state)
{
	struct fx *f = *state;
	struct api_config c;
	struct api_segment g;
	assert_int_equal(
	    api_decode_object(&c, API_CONFIG,
			      BODY("{\"id\":\"9\",\"segmentID\":\"31\",\"segmentType\":\"DATA_MARKETPLACE\","
				   "\"distributionManagerID\":\"8\"}"),
			      &f->a, NULL, &f->d),
	    0);
	assert_true(c.marketplace);
	assert_string_equal(c.dm_id, "8");
	assert_int_equal(
	    api_decode_object(&g, API_SEGMENT,
			      BODY("{\"id\":\"31\",\"field\":{\"id\":\"f\",\"name\":\"interest\","
				   "\"audienceId\":\"a\"},\"value\":\"travel\",\"type\":\"ONBOARDING\"}"),
			      &f->a, NULL, &f->d),
	    0);
	assert_string_equal(g.field_name, "interest");
	assert_string_equal(g.value, "travel");
	assert_null(g.name);
	assert_false(g.marketplace);
}

static void test_token(void **state)
{
	struct fx *f = *state;
	struct api_token t;
	assert_int_equal(api_decode_token(&t,
					  BODY("{\"access_token\":\"tok\",\"token_type\":\"Bearer\","
					       "\"expires_in\":600}"),
					  &f->a, NULL, &f->d),
			 0);
	assert_string_equal(t.access_token, "tok");
	assert_int_equal(t.expires_in, 600);
	/* Some OAuth servers quote the number. */
	assert_int_equal(api_decode_token(&t, BODY("{\"access_token\":\"tok\",\"expires_in\":\"1800\"}"),
					  &f->a, NULL, &f->d),
			 0);
	assert_int_equal(t.expires_in, 1800);
}

static void test_multi_status(void **state)
{
	struct fx *f = *state;
	struct api_item_status *items;
	size_t n;
	const char *body =
	    "[{\"id\":\"9\",\"status\":{\"httpStatus\":201,\"errorCode\":null,\"message\":\"created\"}},"
	    "{\"id\":\"31\",\"status\":{\"httpStatus\":409,\"errorCode\":\"CONFLICT\",\"message\":\"dup\"}}]";
	assert_int_equal(api_decode_multi_status(&items, &n, BODY(body), &f->a, NULL, &f->d), 0);
	assert_int_equal(n, 2);
	assert_int_equal(items[0].http_status, 201);
	assert_null(items[0].code);
	assert_string_equal(items[1].code, "CONFLICT");
}

static void test_created_and_errors(void **state)
{
	struct fx *f = *state;
	const char *id;
	struct api_error e;
	assert_int_equal(api_decode_created(&id, BODY("{\"id\":\"42\"}"), &f->a, NULL, &f->d), 0);
	assert_string_equal(id, "42");
	assert_int_equal(
	    api_decode_error(&e, BODY("{\"httpStatus\":422,\"errorCode\":\"X\",\"message\":\"m\"}"), &f->a),
	    0);
	assert_int_equal(e.http_status, 422);
	assert_string_equal(e.message, "m");
	assert_int_equal(
	    api_decode_error(&e, BODY("{\"error\":\"invalid_grant\",\"error_description\":\"no\"}"), &f->a),
	    0);
	assert_string_equal(e.code, "invalid_grant");
	assert_null(e.request_id);
	/* The other shape LiveRamp's APIs use, with the id support asks for. */
	assert_int_equal(api_decode_error(&e,
					  BODY("{\"error\":{\"message\":\"no access\",\"code\":\"FORBIDDEN\","
					       "\"requestId\":\"req-7f3\"}}"),
					  &f->a),
			 0);
	assert_string_equal(e.code, "FORBIDDEN");
	assert_string_equal(e.message, "no access");
	assert_string_equal(e.request_id, "req-7f3");
	assert_int_equal(api_decode_error(&e, BODY("{\"error\":{\"message\":\"m\",\"code\":403}}"), &f->a),
			 0);
	assert_string_equal(e.code, "403");
	assert_int_equal(api_decode_error(&e,
					  BODY("{\"httpStatus\":400,\"errorCode\":\"B\",\"message\":\"m\","
					       "\"requestId\":\"r1\"}"),
					  &f->a),
			 0);
	assert_string_equal(e.request_id, "r1");
	assert_true(http_body_is_html(BODY("  \n<!DOCTYPE html><html>403</html>")));
	assert_false(http_body_is_html(BODY("{\"a\":1}")));
	assert_false(http_body_is_html(NULL, 0));
	assert_int_equal(api_decode_error(&e, BODY("<html>502</html>"), &f->a), -1);
	assert_int_equal(api_decode_error(&e, BODY("{}"), &f->a), -1);
	assert_int_equal(api_decode_error(&e, NULL, 0, &f->a), -1);
	assert_int_equal(f->d.n, 0); /* error bodies never add diagnostics */
}

/* No property of a list answer is required: an empty list may come
 * without its array key. A page holding more than a page may hold is
 * refused before its items are decoded. */
static void test_missing_array_key_and_oversize(void **state)
{
	struct fx *f = *state;
	struct api_page p;
	assert_int_equal(api_decode_page(&p, API_DM, BODY("{}"), &f->a, NULL, &f->d), 0);
	assert_int_equal(p.n, 0);
	assert_null(p.after);
	assert_int_equal(api_decode_page(&p, API_CONFIG,
					 BODY("{\"_pagination\":{\"after\":null,\"total\":0}}"), &f->a, NULL,
					 &f->d),
			 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.total, 0);
	assert_int_equal(f->d.n, 0);
	struct strbuf body = STRBUF_INIT;
	sb_puts(&body, "{\"v2/Destinations\":[");
	for (int i = 0; i <= API_PAGE_MAX; i++)
		sb_printf(&body, "%s{\"id\":\"%d\",\"name\":\"d\"}", i ? "," : "", i);
	sb_puts(&body, "]}");
	assert_int_equal(
	    api_decode_page(&p, API_DESTINATION, body.buf, body.len, &f->a, "GET /v2/destinations", &f->d),
	    -1);
	assert_int_equal(f->d.n, 1);
	assert_non_null(strstr(f->d.v[0].message, "101 items on one page"));
	assert_non_null(strstr(f->d.v[0].message, "GET /v2/destinations"));
	sb_release(&body);
}

/* ---- malformed answers -------------------------------------------------------------- */

enum target { PAGE, OBJECT, TOKEN, MULTI, CREATED };

struct bad {
	enum target target;
	enum api_kind kind;
	const char *body;
	const char *mentions; /* the diagnostic names this */
};

static const struct bad BAD[] = {
	{ PAGE, API_DM, "", "empty" },
	{ PAGE, API_DM, "not json", "not JSON" },
	{ PAGE, API_DM, "<html><body>403 Forbidden</body></html>", "an HTML page where JSON was expected" },
	{ PAGE, API_DM, "{\"v2/DistributionManagers\":[", "not JSON" },
	{ PAGE, API_DM, "[]", "expected an object" },
	{ PAGE, API_DM, "{\"v2/DistributionManagers\":{}}", "expected an array" },
	{ PAGE, API_DM, "{\"v2/DistributionManagers\":[1]}", "v2/DistributionManagers[0]" },
	{ PAGE, API_DM,
	  "{\"v2/DistributionManagers\":[{\"id\":8,\"name\":\"a\",\"integrationConnectionID\":\"7\","
	  "\"status\":\"ACTIVE\"}]}",
	  "id: expected a string" },
	{ PAGE, API_DM,
	  "{\"v2/DistributionManagers\":[{\"id\":\"8\",\"integrationConnectionID\":\"7\","
	  "\"status\":\"ACTIVE\"}]}",
	  "name: missing" },
	{ PAGE, API_DM,
	  "{\"v2/DistributionManagers\":[{\"id\":\"8\",\"name\":\"a\",\"integrationConnectionID\":\"7\","
	  "\"status\":\"PAUSED\"}]}",
	  "status" },
	{ PAGE, API_DM,
	  "{\"v2/DistributionManagers\":[{\"id\":\"8\",\"name\":\"a\",\"integrationConnectionID\":\"7\","
	  "\"status\":\"ACTIVE\",\"expireAt\":\"2027-02-30\"}]}",
	  "expireAt" },
	{ PAGE, API_DM,
	  "{\"v2/DistributionManagers\":[{\"id\":\"8\",\"name\":\"a\",\"integrationConnectionID\":\"7\","
	  "\"status\":\"ACTIVE\",\"expireAt\":20270101}]}",
	  "expireAt" },
	{ PAGE, API_DM,
	  "{\"v2/DistributionManagers\":[{\"id\":\"\",\"name\":\"a\",\"integrationConnectionID\":\"7\","
	  "\"status\":\"ACTIVE\"}]}",
	  "id: empty" },
	{ PAGE, API_DM, "{\"v2/DistributionManagers\":[],\"_pagination\":[]}", "_pagination" },
	{ PAGE, API_DM, "{\"v2/DistributionManagers\":[],\"_pagination\":{\"after\":5}}", "after" },
	{ PAGE, API_DM, "{\"v2/DistributionManagers\":[],\"_pagination\":{\"total\":\"5\"}}", "total" },
	{ PAGE, API_DM, "{\"v2/DistributionManagers\":[],\"v2/DistributionManagers\":[]}", "not JSON" },
	{ PAGE, API_IC, "{\"v2/IntegrationConnections\":[{\"id\":\"7\",\"integrationID\":[\"1001\"]}]}",
	  "integrationID" },
	{ PAGE, API_IC,
	  "{\"v2/IntegrationConnections\":[{\"id\":\"7\",\"integrationID\":[\"1\",\"2\"],"
	  "\"properties\":[{\"propertyKey\":\"k\"}]}]}",
	  "properties" },
	{ PAGE, API_IC,
	  "{\"v2/IntegrationConnections\":[{\"id\":\"7\",\"integrationID\":[\"1\",\"2\"],"
	  "\"deviceTypes\":[\"WEB\",3]}]}",
	  "deviceTypes" },
	{ PAGE, API_IC,
	  "{\"v2/IntegrationConnections\":[{\"id\":\"7\",\"integrationID\":[\"1\",\"2\"],"
	  "\"deviceTypes\":\"WEB\"}]}",
	  "deviceTypes" },
	{ PAGE, API_CONFIG,
	  "{\"segmentConfigs\":[{\"id\":\"9\",\"segmentID\":31,\"segmentType\":\"ONBOARDING\"}]}",
	  "segmentID" },
	{ PAGE, API_CONFIG,
	  "{\"segmentConfigs\":[{\"id\":\"9\",\"segmentID\":\"31\",\"segmentType\":\"X\"}]}", "segmentType" },
	{ PAGE, API_INTEGRATION,
	  "{\"integrations\":[{\"id\":\"1\",\"name\":\"k\",\"requiredProperties\":[{}]}]}",
	  "requiredProperties" },
	{ PAGE, API_INTEGRATION,
	  "{\"integrations\":[{\"id\":\"1\",\"name\":\"k\",\"requiredProperties\":{}}]}",
	  "requiredProperties" },
	{ PAGE, API_SEGMENT, "{\"v2/Segments\":[{\"id\":\"31\",\"field\":\"f\",\"type\":\"ONBOARDING\"}]}",
	  "field" },
	{ PAGE, API_SEGMENT,
	  "{\"v2/Segments\":[{\"id\":\"31\",\"field\":{\"name\":7},\"type\":\"ONBOARDING\"}]}",
	  "field.name" },
	{ PAGE, API_DESTINATION, "{\"v2/Destinations\":[{\"id\":\"1\",\"name\":null}]}", "name" },
	{ OBJECT, API_DM, "null", "expected an object" },
	{ OBJECT, API_SEGMENT, "{\"id\":\"31\",\"type\":true}", "type" },
	{ TOKEN, API_DM, "{\"token_type\":\"Bearer\",\"expires_in\":600}", "access_token" },
	{ TOKEN, API_DM, "{\"access_token\":\"secret-token\",\"expires_in\":0}", "expires_in" },
	{ TOKEN, API_DM, "{\"access_token\":\"secret-token\",\"expires_in\":\"ten\"}", "expires_in" },
	{ TOKEN, API_DM, "{\"access_token\":\"secret-token\",\"expires_in\":600,\"token_type\":\"mac\"}",
	  "token_type" },
	{ TOKEN, API_DM, "{\"access_token\":\"secret-token\"}", "expires_in" },
	{ MULTI, API_DM, "{}", "expected an array" },
	{ MULTI, API_DM, "[{\"id\":\"1\"}]", "status" },
	{ MULTI, API_DM, "[{\"id\":\"1\",\"status\":{\"httpStatus\":\"201\"}}]", "httpStatus" },
	{ MULTI, API_DM, "[{\"id\":\"1\",\"status\":{\"httpStatus\":2010}}]", "httpStatus" },
	{ MULTI, API_DM, "[{\"id\":1,\"status\":{\"httpStatus\":201}}]", "id" },
	{ CREATED, API_DM, "{\"id\":null}", "id" },
	{ CREATED, API_DM, "{\"id\":\"\"}", "id" },
};

static int decode(const struct bad *b, struct fx *f)
{
	size_t len = strlen(b->body), n;
	switch (b->target) {
	case PAGE: {
		struct api_page p;
		int rc = api_decode_page(&p, b->kind, b->body, len, &f->a, "GET /x", &f->d);
		if (rc != 0)
			assert_null(p.items);
		return rc;
	}
	case OBJECT: {
		struct api_segment g; /* the largest of the object kinds used here */
		struct api_dm dm;
		return api_decode_object(b->kind == API_DM ? (void *)&dm : (void *)&g, b->kind, b->body, len,
					 &f->a, "GET /x", &f->d);
	}
	case TOKEN: {
		struct api_token t;
		int rc = api_decode_token(&t, b->body, len, &f->a, "POST token", &f->d);
		if (rc != 0)
			assert_null(t.access_token);
		return rc;
	}
	case MULTI: {
		struct api_item_status *items;
		return api_decode_multi_status(&items, &n, b->body, len, &f->a, "POST /x", &f->d);
	}
	default: {
		const char *id;
		return api_decode_created(&id, b->body, len, &f->a, "POST /x", &f->d);
	}
	}
}

static void test_malformed(void **state)
{
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		diags_free(&f->d);
		f->d = (struct diags)DIAGS_INIT;
		int rc = decode(&BAD[i], f);
		if (rc != -1 || f->d.n != 1 || !strstr(f->d.v[0].message, BAD[i].mentions) ||
		    strcmp(f->d.v[0].rule, "backend") != 0) {
			print_error("case %zu (%s): rc %d, %zu diagnostics: %s\n", i, BAD[i].body, rc, f->d.n,
				    f->d.n ? f->d.v[0].message : "");
			fail();
		}
		assert_null(strstr(f->d.v[0].message, "secret-token"));
	}
}

/* Every prefix of a valid answer: refused or read, never a crash. */
static void test_truncations(void **state)
{
	struct fx *f = *state;
	const char *body =
	    "{\"v2/IntegrationConnections\":[{\"id\":\"7\",\"integrationID\":[\"1001\",\"2001\"],"
	    "\"properties\":[{\"propertyKey\":\"client_name\",\"propertyValue\":\"Acme\"}],"
	    "\"deviceTypes\":[\"WEB\"]}],\"_pagination\":{\"after\":null,\"total\":1}}";
	size_t len = strlen(body);
	for (size_t n = 0; n < len; n++) {
		struct api_page p;
		assert_int_equal(api_decode_page(&p, API_IC, body, n, &f->a, NULL, &f->d), -1);
	}
	struct api_page p;
	assert_int_equal(api_decode_page(&p, API_IC, body, len, &f->a, NULL, &f->d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_destinations_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_page_and_no_pagination, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pages_at_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_integration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manager, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_and_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multi_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_created_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_array_key_and_oversize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncations, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
