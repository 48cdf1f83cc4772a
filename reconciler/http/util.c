/*
 * Helpers of the HTTP layer (http/http.h): backoff, Retry-After, the loopback
 * rule for plain http, scrubbing secrets out of text (pure: no I/O, each
 * unit-tested in tests/unit/test_http.c), and the diagnostic for a failed
 * request.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "liveramp/decode.h"
#include "http/private.h"
#include "util/scrub.h"
#include "util/xalloc.h"

#define RULE "backend"

uint64_t http_random_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
 * spreading retries uniformly over the whole window keeps many clients
 * that failed together from retrying together. */
long http_backoff_ms(int attempt, long base_ms, long cap_ms, uint64_t random)
{
	if (base_ms <= 0 || cap_ms <= 0)
		return 0;
	long window = base_ms;
	for (int i = 0; i < attempt && window < cap_ms; i++)
		window = window > LONG_MAX / 2 ? LONG_MAX : window * 2;
	if (window > cap_ms)
		window = cap_ms;
	return (long)(random % ((uint64_t)window + 1));
}

long http_retry_after_ms(const char *value, time_t now)
{
	if (!value)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	size_t n = strlen(value);
	while (n && isspace((unsigned char)value[n - 1]))
		n--;
	if (n == 0)
		return -1;
	bool digits = true;
	for (size_t i = 0; i < n; i++)
		digits = digits && isdigit((unsigned char)value[i]);
	if (digits) {
		if (n > 9)
			return LONG_MAX / 2; /* absurdly far: the caller caps it */
		return strtol(value, NULL, 10) * 1000L;
	}
	char date[64];
	if (n >= sizeof(date))
		return -1;
	memcpy(date, value, n);
	date[n] = '\0';
	time_t when = curl_getdate(date, NULL);
	if (when == (time_t)-1)
		return -1;
	return when <= now ? 0 : (long)(when - now) * 1000L;
}

static bool ipv4_loopback(const char *host)
{
	unsigned parts[4];
	char tail;
	if (sscanf(host, "%3u.%3u.%3u.%3u%c", &parts[0], &parts[1], &parts[2], &parts[3], &tail) != 4)
		return false;
	for (int i = 0; i < 4; i++)
		if (parts[i] > 255)
			return false;
	/* sscanf accepts "+1" and " 1": insist on digits and dots only. */
	for (const char *p = host; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return false;
	return parts[0] == 127;
}

bool http_host_is_loopback(const char *host)
{
	if (!host || !*host)
		return false;
	if (strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0)
		return true;
	if (strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0)
		return true;
	return ipv4_loopback(host);
}

static int url_error(struct diags *d, const char *var, const char *url, const char *hint, const char *why)
{
	diag_error(d, RULE, NULL, hint, "%s=%s: %s", var, url, why);
	return -1;
}

int http_url_check(const char *url, const char *var, struct diags *d)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int rc = -1;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		url_error(d, var, url, "write a full URL, such as https://api.liveramp.com/activation",
			  "not a URL with a scheme and a host");
	} else if (strcasecmp(scheme, "https") == 0) {
		rc = 0;
	} else if (strcasecmp(scheme, "http") != 0) {
		url_error(d, var, url, "use https://", "only https (or http to this machine) is spoken");
	} else if (!http_host_is_loopback(host)) {
		url_error(d, var, url,
			  "use https:// (plain http is accepted only for 127.0.0.1, ::1 and localhost, "
			  "as for a local emulator)",
			  "plain http to a host that is not this machine would send the token in clear; "
			  "nothing was contacted");
	} else {
		rc = 0;
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

void http_scrub(char *text, const char *secret)
{
	scrub_secret(text, secret);
}

void http_scrub_text(char *text, const char *const *secrets, size_t n)
{
	if (!text)
		return;
	for (size_t i = 0; i < n; i++)
		scrub_secret(text, secrets[i]);
	scrub_values(text);
}

void http_scrub_client(const struct http_client *c, char *text)
{
	const char *secrets[] = { c->cfg.secret_key, c->token };
	http_scrub_text(text, secrets, 2);
}

/* The Location of a redirect, kept to name it in the error: redirects
 * are never followed (to another host, or from https to http, the token
 * would go along). */
void http_keep_location(struct http_request *r, const char *data, size_t len)
{
	static const char NAME[] = "location:";
	size_t k = sizeof(NAME) - 1;
	if (len <= k || strncasecmp(data, NAME, k) != 0)
		return;
	data += k;
	len -= k;
	while (len && (*data == ' ' || *data == '\t'))
		data++, len--;
	while (len && (data[len - 1] == '\r' || data[len - 1] == '\n' || data[len - 1] == ' '))
		len--;
	size_t keep = len < sizeof(r->location) - 1 ? len : sizeof(r->location) - 1;
	for (size_t i = 0; i < keep; i++) /* shown in a message: no control characters */
		r->location[i] = (unsigned char)data[i] < 0x20 || data[i] == 0x7f ? '?' : data[i];
	r->location[keep] = '\0';
}

/* ---- reports ---------------------------------------------------------------------- */

static const char *default_hint(const struct http_request *r)
{
	if (r->priv.no_token)
		return "check LIVERAMP_ACCOUNT_ID and LIVERAMP_SECRET_KEY (or LIVERAMP_CREDENTIALS_FILE) "
		       "and LIVERAMP_TOKEN_URL";
	if (r->outcome == HTTP_LOST)
		return "run the command again: the next run observes what was done and converges";
	if (r->outcome == HTTP_NOT_SENT && r->status != 429)
		return "check the network, LIVERAMP_API_URL and LIVERAMP_TOKEN_URL";
	if (r->status == 401 || r->status == 403)
		return "check LIVERAMP_ACCOUNT_ID / LIVERAMP_SECRET_KEY and LIVERAMP_ORG_ID: the service "
		       "account must belong to the organization and have a role that allows this";
	if (r->status == 404)
		return "observe again (reconciler plan): it may have been changed outside this tool";
	if (r->status == 429)
		return "LiveRamp is throttling this account; run again later";
	return "the API refused the request; fix the value it names and run again";
}

void http_put_scrubbed(struct strbuf *msg, const struct http_client *c, const char *before, const char *s,
		       size_t max, const char *after)
{
	char *copy = xstrdup(s);
	http_scrub_client(c, copy);
	size_t n = strlen(copy);
	sb_puts(msg, before);
	sb_add(msg, copy, n < max ? n : max);
	sb_puts(msg, after);
	explicit_bzero(copy, n);
	free(copy);
}

void http_report(const struct http_client *c, const struct http_request *r, const char *what_for,
		 const char *hint, struct diags *d)
{
	struct strbuf msg = STRBUF_INIT;
	sb_printf(&msg, "%s: %s ", what_for ? what_for : "request", r->what);
	if (r->status) {
		struct arena a = ARENA_INIT;
		struct api_error e;
		sb_printf(&msg, "answered %ld", r->status);
		if (r->status >= 300 && r->status < 400)
			http_put_scrubbed(&msg, c, " (a redirect, not followed: Location ", r->location[0] ? r->location : "not given", 200, ")");
		else if (api_decode_error(&e, r->response.buf, r->response.len, &a) == 0) {
			if (e.code)
				http_put_scrubbed(&msg, c, " ", e.code, 80, "");
			if (e.message)
				http_put_scrubbed(&msg, c, ": ", e.message, 300, "");
			if (e.request_id) /* what LiveRamp support asks for */
				sb_printf(&msg, " (request id %.100s)", e.request_id);
		} else if (r->status >= 300 && api_body_is_html(r->response.buf, r->response.len)) {
			sb_puts(&msg, " with an HTML page, not the API's JSON: a gateway or proxy answered (an "
				      "address it does not allow, or an outage in front of the API)");
		}
		arena_free(&a);
		if (r->error[0])
			http_put_scrubbed(&msg, c, " (", r->error, 320, ")");
	} else {
		http_put_scrubbed(&msg, c, "failed: ", r->error[0] ? r->error : "no answer", 320, "");
	}
	if (r->outcome == HTTP_LOST && r->method != HTTP_GET)
		sb_puts(&msg, "; the server may have acted on it");
	http_scrub_client(c, msg.buf);
	diag_error(d, RULE, NULL, hint ? hint : default_hint(r), "%s", msg.buf);
	sb_release(&msg);
}
