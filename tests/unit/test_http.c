/*
 * The HTTP layer's pure parts and the liveramp backend's configuration:
 * backoff with full jitter stays in its window and grows to the cap;
 * Retry-After in seconds and as an HTTP-date; the loopback rule for plain
 * http; scrubbing secrets; the credentials file (refused when group or
 * others may read it, read in LiveRamp's key spellings); the environment
 * (every missing variable named, numbers range-checked, org agreement).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http.h"
#include "liveramp/liveramp.h"

/* ---- backoff -------------------------------------------------------------------- */

static void test_backoff_window(void **state)
{
	uint64_t rng = 42;
	for (int attempt = 0; attempt < 8; attempt++) {
		long window = 1000L << attempt;
		if (window > 8000)
			window = 8000;
		long max_seen = 0;
		for (int i = 0; i < 2000; i++) {
			long ms = http_backoff_ms(attempt, 1000, 8000, http_random_next(&rng));
			assert_true(ms >= 0 && ms <= window);
			if (ms > max_seen)
				max_seen = ms;
		}
		/* Full jitter spreads over the whole window. */
		assert_true(max_seen > window * 9 / 10);
	}
	assert_int_equal(http_backoff_ms(3, 1000, 8000, 8000), 8000);
	assert_int_equal(http_backoff_ms(0, 1000, 8000, 1001), 0);
	assert_int_equal(http_backoff_ms(5, 0, 0, 12345), 0);	  /* tests: no wait */
	assert_int_equal(http_backoff_ms(200, 1000, 8000, 7), 7); /* no overflow */
	assert_true(http_backoff_ms(62, LONG_MAX / 4, LONG_MAX, UINT64_MAX) >= 0);
}

/* ---- Retry-After ---------------------------------------------------------------------- */

static void test_retry_after(void **state)
{
	time_t now = 1700000000; /* Tue, 14 Nov 2023 22:13:20 GMT */
	assert_int_equal(http_retry_after_ms("1", now), 1000);
	assert_int_equal(http_retry_after_ms(" 120\r\n", now), 120000);
	assert_int_equal(http_retry_after_ms("0", now), 0);
	assert_int_equal(http_retry_after_ms("Tue, 14 Nov 2023 22:13:50 GMT", now), 30000);
	assert_int_equal(http_retry_after_ms("Tue, 14 Nov 2023 22:00:00 GMT\r\n", now), 0); /* past */
	assert_int_equal(http_retry_after_ms("", now), -1);
	assert_int_equal(http_retry_after_ms("soon", now), -1);
	assert_int_equal(http_retry_after_ms("-5", now), -1);
	assert_int_equal(http_retry_after_ms(NULL, now), -1);
	assert_true(http_retry_after_ms("99999999999999", now) > 60000); /* capped by the caller */
}

/* ---- URLs ----------------------------------------------------------------------------- */

static void test_loopback_hosts(void **state)
{
	assert_true(http_host_is_loopback("127.0.0.1"));
	assert_true(http_host_is_loopback("127.1.2.3"));
	assert_true(http_host_is_loopback("localhost"));
	assert_true(http_host_is_loopback("LOCALHOST"));
	assert_true(http_host_is_loopback("::1"));
	assert_true(http_host_is_loopback("[::1]"));
	assert_false(http_host_is_loopback("128.0.0.1"));
	assert_false(http_host_is_loopback("127.0.0.1.example.com"));
	assert_false(http_host_is_loopback("localhost.example.com"));
	assert_false(http_host_is_loopback("127.0.0.256"));
	assert_false(http_host_is_loopback("example.invalid"));
	assert_false(http_host_is_loopback(""));
	assert_false(http_host_is_loopback(NULL));
}

static int url_ok(const char *url)
{
	struct diags d = DIAGS_INIT;
	int rc = http_url_check(url, "LIVERAMP_API_URL", &d);
	if (rc != 0) {
		assert_int_equal(d.n, 1);
		assert_non_null(strstr(d.v[0].message, "LIVERAMP_API_URL"));
	}
	diags_free(&d);
	return rc;
}

static void test_url_check(void **state)
{
	assert_int_equal(url_ok("https://api.liveramp.com/activation"), 0);
	assert_int_equal(url_ok("http://127.0.0.1:8080"), 0);
	assert_int_equal(url_ok("http://localhost:1/x"), 0);
	assert_int_equal(url_ok("http://[::1]:9/"), 0);
	assert_int_equal(url_ok("http://example.invalid"), -1);
	assert_int_equal(url_ok("http://api.liveramp.com/activation"), -1);
	assert_int_equal(url_ok("ftp://127.0.0.1/"), -1);
	assert_int_equal(url_ok("file:///etc/passwd"), -1);
	assert_int_equal(url_ok("api.liveramp.com"), -1);
	assert_int_equal(url_ok(""), -1);
}

static void test_scrub(void **state)
{
	char text[] = "token abcdef1234 and again abcdef1234.";
	http_scrub(text, "abcdef1234");
	assert_string_equal(text, "token ********** and again **********.");
	char other[] = "short ab";
	http_scrub(other, "ab"); /* too short to be a secret: left alone */
	assert_string_equal(other, "short ab");
	http_scrub(other, NULL);
	http_scrub(NULL, "abcd");
}

/* Every spelling of a secret, and any start of it of 8 characters or more,
 * is scrubbed; a Bearer value and a password-grant value are "***"
 * whatever they are. */
static void test_scrub_encoded_and_cut(void **state)
{
	(void)state;
	const char *secret = "CANARY secret&key=1\"/";
	char pct[] = "body: password=CANARY%20secret%26key%3D1%22%2f&x=1 and CANARY+secret%26key%3d1%22/ end";
	http_scrub(pct, secret);
	assert_null(strstr(pct, "CANARY"));
	assert_non_null(strstr(pct, " end"));
	char json[] = "{\"echo\": \"CANARY secret\\u0026key=1\\\"\\/\"}";
	http_scrub(json, secret);
	assert_null(strstr(json, "CANARY"));
	char cut[] = "echo: CANARY secr... (cut)";
	http_scrub(cut, secret);
	assert_string_equal(cut, "echo: ***********... (cut)");
	char shortcut[] = "echo: CANARY s";
	http_scrub(shortcut, secret); /* 8 characters of it: scrubbed */
	assert_null(strstr(shortcut, "CANARY"));
	char seven[] = "CANARY and more";
	http_scrub(seven, secret); /* 7 characters: not a secret's start */
	assert_string_equal(seven, "CANARY and more");

	const char *tokens[] = { "0123456789abcdef0123", NULL };
	char bearer[] =
	    "header was 'Authorization: Bearer 0123456789ab' and Bearer%20zz9 password=hunter2&a=1";
	http_scrub_text(bearer, tokens, 2);
	assert_string_equal(bearer,
			    "header was 'Authorization: Bearer ***' and Bearer%20*** password=***&a=1");
	char tiny[] = "Bearer ab";
	http_scrub_text(tiny, tokens, 1);
	assert_string_equal(tiny, "Bearer **");
}

/* ---- the credentials file --------------------------------------------------------------- */

static char *write_temp(const char *content, mode_t mode)
{
	char *path = strdup("/tmp/reconciler-creds-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static int read_creds(const char *content, mode_t mode, char **id, char **key, struct diags *d)
{
	char *path = write_temp(content, mode);
	int rc = liveramp_credentials_read(path, id, key, d);
	unlink(path);
	free(path);
	return rc;
}

static void test_credentials_file(void **state)
{
	struct diags d = DIAGS_INIT;
	char *id, *key;
	assert_int_equal(read_creds("{\"account_id\":\"a1\",\"secret_key\":\"s3cr3t\"}", 0600, &id, &key, &d),
			 0);
	assert_string_equal(id, "a1");
	assert_string_equal(key, "s3cr3t");
	free(id);
	free(key);
	assert_int_equal(read_creds("{\"accountId\":\"a2\",\"secretKey\":\"k\"}", 0400, &id, &key, &d), 0);
	assert_string_equal(id, "a2");
	free(id);
	free(key);
	assert_int_equal(read_creds("{\"username\":\"a3\",\"password\":\"p\"}", 0600, &id, &key, &d), 0);
	free(id);
	free(key);
	assert_int_equal(d.n, 0);

	/* Group- or other-readable: refused, with the fix, never quoted. */
	static const mode_t OPEN_MODES[] = { 0644, 0640, 0604, 0660 };
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(read_creds("{\"account_id\":\"a\",\"secret_key\":\"s3cr3t-value\"}",
					    OPEN_MODES[i], &id, &key, &d),
				 -1);
		assert_null(id);
		assert_null(key);
		assert_non_null(strstr(d.v[d.n - 1].hint, "chmod 600"));
		assert_null(strstr(d.v[d.n - 1].message, "s3cr3t-value"));
	}
	assert_int_equal(read_creds("not json s3cr3t-value", 0600, &id, &key, &d), -1);
	assert_null(strstr(d.v[d.n - 1].message, "s3cr3t-value"));
	assert_int_equal(read_creds("{\"account_id\":\"a\"}", 0600, &id, &key, &d), -1);
	assert_non_null(strstr(d.v[d.n - 1].message, "no secret key"));
	assert_int_equal(read_creds("[]", 0600, &id, &key, &d), -1);
	assert_int_equal(liveramp_credentials_read("/nonexistent/creds.json", &id, &key, &d), -1);
	assert_int_equal(liveramp_credentials_read("/tmp", &id, &key, &d), -1);
	diags_free(&d);
}

/* ---- the environment ------------------------------------------------------------------ */

static const char *const VARS[] = {
	"LIVERAMP_API_URL",	  "LIVERAMP_TOKEN_URL",	      "LIVERAMP_ORG_ID",
	"LIVERAMP_ACCOUNT_ID",	  "LIVERAMP_SECRET_KEY",      "LIVERAMP_CREDENTIALS_FILE",
	"LIVERAMP_TIMEOUT",	  "LIVERAMP_CONNECT_TIMEOUT", "LIVERAMP_MAX_RETRIES",
	"LIVERAMP_RETRY_BASE_MS", "RECONCILER_HTTP_DEBUG",    NULL,
};

static int clear_env(void **state)
{
	for (size_t i = 0; VARS[i]; i++)
		unsetenv(VARS[i]);
	return 0;
}

static bool mentions(const struct diags *d, const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->v[i].message, text) || (d->v[i].hint && strstr(d->v[i].hint, text)))
			return true;
	return false;
}

static void test_env_missing_named(void **state)
{
	struct diags d = DIAGS_INIT;
	struct liveramp_config cfg;
	assert_int_equal(liveramp_config_read(&cfg, NULL, &d), -1);
	assert_true(mentions(&d, "LIVERAMP_ORG_ID"));
	assert_true(mentions(&d, "LIVERAMP_ACCOUNT_ID"));
	assert_true(mentions(&d, "LIVERAMP_SECRET_KEY"));
	assert_true(mentions(&d, "LIVERAMP_CREDENTIALS_FILE"));
	diags_free(&d);

	setenv("LIVERAMP_ORG_ID", "org", 1);
	setenv("LIVERAMP_ACCOUNT_ID", "acct", 1);
	d = (struct diags)DIAGS_INIT;
	assert_int_equal(liveramp_config_read(&cfg, NULL, &d), -1);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.v[0].message, "LIVERAMP_SECRET_KEY"));
	diags_free(&d);
}

static void test_env_defaults_and_values(void **state)
{
	struct diags d = DIAGS_INIT;
	struct liveramp_config cfg;
	setenv("LIVERAMP_ORG_ID", "org", 1);
	setenv("LIVERAMP_ACCOUNT_ID", "acct", 1);
	setenv("LIVERAMP_SECRET_KEY", "key-value", 1);
	assert_int_equal(liveramp_config_read(&cfg, NULL, &d), 0);
	assert_string_equal(cfg.api_url, LIVERAMP_DEFAULT_API_URL);
	assert_string_equal(cfg.token_url, LIVERAMP_DEFAULT_TOKEN_URL);
	assert_int_equal(cfg.timeout_s, 60);
	assert_int_equal(cfg.connect_timeout_s, 10);
	assert_int_equal(cfg.max_retries, 4);
	assert_int_equal(cfg.retry_base_ms, 1000);
	assert_false(cfg.debug);
	liveramp_config_free(&cfg);

	setenv("LIVERAMP_TIMEOUT", "5", 1);
	setenv("LIVERAMP_MAX_RETRIES", "0", 1);
	setenv("LIVERAMP_RETRY_BASE_MS", "0", 1);
	setenv("LIVERAMP_API_URL", "http://127.0.0.1:9", 1);
	assert_int_equal(liveramp_config_read(&cfg, NULL, &d), 0);
	assert_int_equal(cfg.timeout_s, 5);
	assert_int_equal(cfg.max_retries, 0);
	assert_string_equal(cfg.api_url, "http://127.0.0.1:9");
	liveramp_config_free(&cfg);

	setenv("LIVERAMP_TIMEOUT", "soon", 1);
	setenv("LIVERAMP_TOKEN_URL", "http://example.invalid/token", 1);
	assert_int_equal(liveramp_config_read(&cfg, NULL, &d), -1);
	assert_true(mentions(&d, "LIVERAMP_TIMEOUT"));
	assert_true(mentions(&d, "LIVERAMP_TOKEN_URL"));
	assert_false(mentions(&d, "key-value"));
	diags_free(&d);
}

static void test_env_org_from_settings(void **state)
{
	struct diags d = DIAGS_INIT;
	struct liveramp_config cfg;
	struct settings s = { .org_id = { .v = "org-in-config" } };
	setenv("LIVERAMP_ACCOUNT_ID", "acct", 1);
	setenv("LIVERAMP_SECRET_KEY", "key", 1);
	assert_int_equal(liveramp_config_read(&cfg, &s, &d), 0);
	assert_string_equal(cfg.org_id, "org-in-config");
	liveramp_config_free(&cfg);
	setenv("LIVERAMP_ORG_ID", "org-in-config", 1);
	assert_int_equal(liveramp_config_read(&cfg, &s, &d), 0);
	liveramp_config_free(&cfg);
	setenv("LIVERAMP_ORG_ID", "another-org", 1);
	assert_int_equal(liveramp_config_read(&cfg, &s, &d), -1);
	assert_true(mentions(&d, "another-org"));
	diags_free(&d);
}

static void test_env_credentials_file(void **state)
{
	struct diags d = DIAGS_INIT;
	struct liveramp_config cfg;
	char *path = write_temp("{\"account_id\":\"from-file\",\"secret_key\":\"k\"}", 0600);
	setenv("LIVERAMP_ORG_ID", "org", 1);
	setenv("LIVERAMP_CREDENTIALS_FILE", path, 1);
	assert_int_equal(liveramp_config_read(&cfg, NULL, &d), 0);
	assert_string_equal(cfg.account_id, "from-file");
	liveramp_config_free(&cfg);
	/* The variables win over the file. */
	setenv("LIVERAMP_ACCOUNT_ID", "from-env", 1);
	setenv("LIVERAMP_SECRET_KEY", "k2", 1);
	assert_int_equal(liveramp_config_read(&cfg, NULL, &d), 0);
	assert_string_equal(cfg.account_id, "from-env");
	liveramp_config_free(&cfg);
	unsetenv("LIVERAMP_ACCOUNT_ID");
	unsetenv("LIVERAMP_SECRET_KEY");
	chmod(path, 0644);
	assert_int_equal(liveramp_config_read(&cfg, NULL, &d), -1);
	assert_true(mentions(&d, "chmod 600"));
	unlink(path);
	free(path);
	diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_window),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_loopback_hosts),
		cmocka_unit_test(test_url_check),
		cmocka_unit_test(test_scrub),
		cmocka_unit_test(test_scrub_encoded_and_cut),
		cmocka_unit_test(test_credentials_file),
		cmocka_unit_test_setup_teardown(test_env_missing_named, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_env_defaults_and_values, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_env_org_from_settings, clear_env, clear_env),
		cmocka_unit_test_setup_teardown(test_env_credentials_file, clear_env, clear_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
