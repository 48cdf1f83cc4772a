/*
 * util/scrub: the registry of the process's secrets, and diagnostics
 * scrubbed of them (and of any Bearer or password-grant value) when they
 * are made, before anything can print or cut them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/diag.h"
#include "util/scrub.h"

static void test_diagnostics_are_scrubbed_when_made(void **state)
{
	(void)state;
	scrub_register("f00dfeedcafe0123456789");
	scrub_register("CANARY secret&key=1");
	struct diags d = DIAGS_INIT;
	diag_error(
	    &d, "apply", NULL, "the hint quotes f00dfeedcafe0123456789 too",
	    "segment 1: echo 'Authorization: Bearer f00dfeedcafe' body password=CANARY%%20secret%%26key%%3D1 "
	    "and {\"k\": \"CANARY secret\\u0026key=1\"} and f00dfeedcafe01");
	const char *m = d.v[0].message;
	assert_null(strstr(m, "f00dfeed"));
	assert_null(strstr(m, "CANARY"));
	assert_non_null(strstr(m, "Bearer ***"));
	assert_non_null(strstr(m, "password=***"));
	assert_null(strstr(d.v[0].hint, "f00dfeed"));
	scrub_clear();
	diag_error(&d, "apply", NULL, NULL, "f00dfeedcafe0123456789 is no longer a live secret");
	assert_non_null(strstr(d.v[1].message, "f00dfeedcafe0123456789"));
	diags_free(&d);
}

static void test_registry_bounds(void **state)
{
	(void)state;
	char s[32];
	/* More than the registry holds: the oldest go, nothing leaks. */
	for (int i = 0; i < 40; i++) {
		snprintf(s, sizeof(s), "token-%02d-abcdefgh", i);
		scrub_register(s);
		scrub_register(s); /* twice: kept once */
	}
	char text[] = "token-39-abcdefgh and token-00-abcdefgh";
	scrub_registered(text);
	assert_string_equal(text, "***************** and token-00-abcdefgh");
	scrub_register("abc"); /* too short to be a secret */
	scrub_register(NULL);
	scrub_unregister("not registered");
	scrub_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diagnostics_are_scrubbed_when_made),
		cmocka_unit_test(test_registry_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
