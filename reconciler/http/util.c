/*
 * Helpers of the HTTP engine (http/http.h): backoff, Retry-After, the
 * loopback rule for plain http, scrubbing secrets out of text, telling an
 * HTML page from JSON (pure: no I/O, each unit-tested in
 * tests/unit/test_http.c).
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

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

bool http_body_is_html(const char *body, size_t len)
{
	size_t i = 0;
	while (body && i < len && isspace((unsigned char)body[i]))
		i++;
	return body && i < len && body[i] == '<';
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
