/*
 * The access token: one per client, shared by every request.
 *
 * LiveRamp's token endpoint allows 4 requests a second, and its tokens live
 * for the `expires_in` of the answer (600 s in the docs' example, but read,
 * never assumed). So: one token request at most is in flight; a token is
 * renewed once less than max(30 s, 10 %) of its life is left (measured from
 * when its request left, a conservative start), and dropped when a request
 * is refused with 401/403, which then waits for the next one. A refusal by
 * the token endpoint itself (wrong credentials) is final for the client:
 * every waiting request fails with its message, no further token request
 * is made.
 *
 * The secret key is only in the form body, which is wiped as soon as the
 * transfer ends; the token only in the client (wiped when dropped) and in
 * the Authorization header of transfers (wiped by http/engine.c).
 *
 * Also here: the redacted debug trace (RECONCILER_HTTP_DEBUG=1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "liveramp/decode.h"
#include "http/private.h"
#include "util/scrub.h"
#include "util/xalloc.h"

#define DAY_MS (86400LL * 1000)
#define REFRESH_MARGIN_MIN_MS 30000LL
#define DEBUG_BODY_MAX 2000

bool http_token_valid(const struct http_client *c, long long now)
{
	return c->token && now < c->token_refresh_at;
}

void http_token_forget(struct http_client *c)
{
	if (c->token) {
		explicit_bzero(c->token, strlen(c->token));
		free(c->token);
		c->token = NULL;
	}
}

struct curl_slist *http_token_headers(void)
{
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded");
	h = curl_slist_append(h, "Accept: application/json");
	return curl_slist_append(h, "Expect:");
}

/* One form field, percent-encoded. */
static void form_field(struct strbuf *sb, const char *key, const char *value)
{
	char *esc = curl_easy_escape(NULL, value, 0);
	sb_printf(sb, "%s%s=%s", sb->len ? "&" : "", key, esc ? esc : "");
	if (esc) {
		explicit_bzero(esc, strlen(esc));
		curl_free(esc);
	}
}

/* LiveRamp's password grant, exactly as its docs give it. */
static void build_grant(struct http_client *c)
{
	struct http_request *r = &c->token_req;
	r->method = HTTP_POST;
	sb_reset(&r->url);
	sb_puts(&r->url, c->cfg.token_url);
	sb_reset(&r->body);
	form_field(&r->body, "grant_type", "password");
	form_field(&r->body, "username", c->cfg.account_id);
	form_field(&r->body, "password", c->cfg.secret_key);
	form_field(&r->body, "scope", "openid");
	form_field(&r->body, "client_id", "liveramp-api");
	form_field(&r->body, "response_type", "token");
	r->resend_lost = true; /* a second token is harmless */
	snprintf(r->what, sizeof(r->what), "POST %s", "the token endpoint (LIVERAMP_TOKEN_URL)");
}

void http_token_maybe_start(struct http_client *c, long long now)
{
	if (c->token_inflight || c->token_error[0] || http_token_valid(c, now) || c->n_pending == 0 ||
	    now < c->token_not_before)
		return;
	build_grant(c);
	c->token_inflight = true;
	c->token_sent_at = now;
	http_start(c, &c->token_req, true);
}

static void accept_token(struct http_client *c, const struct api_token *t)
{
	http_token_forget(c);
	c->token = xstrdup(t->access_token);
	scrub_register(c->token); /* every diagnostic is scrubbed of it from now on */
	c->token_gen++;
	long long ttl = t->expires_in > 86400 ? DAY_MS : t->expires_in * 1000;
	long long margin = ttl / 10 > REFRESH_MARGIN_MIN_MS ? ttl / 10 : REFRESH_MARGIN_MIN_MS;
	if (margin > ttl / 2)
		margin = ttl / 2; /* a very short-lived token is still used for half its life */
	c->token_refresh_at = c->token_sent_at + ttl - margin;
	c->token_req.attempts = 0;
	c->token_not_before = 0;
}

/* The reason no token can be had, secrets removed: every request waiting
 * for a token fails with it. */
static void refuse(struct http_client *c, const char *why)
{
	struct strbuf msg = STRBUF_INIT;
	struct http_request *r = &c->token_req;
	sb_printf(&msg, "could not get an access token from %s: ", c->cfg.token_url);
	if (r->status) {
		struct arena a = ARENA_INIT;
		struct api_error e;
		sb_printf(&msg, "answered %ld", r->status);
		if (api_decode_error(&e, r->response.buf, r->response.len, &a) == 0) {
			if (e.code)
				http_put_scrubbed(&msg, c, " ", e.code, 60, "");
			if (e.message)
				http_put_scrubbed(&msg, c, ": ", e.message, 160, "");
		}
		arena_free(&a);
		if (r->status >= 300 && r->status < 400)
			http_put_scrubbed(&msg, c, " (a redirect, not followed: Location ", r->location[0] ? r->location : "not given", 200, ")");
		if (why)
			http_put_scrubbed(&msg, c, " (", why, 200, ")");
	} else {
		http_put_scrubbed(&msg, c, "", why ? why : "no answer", 300, "");
	}
	http_scrub_client(c, msg.buf);
	snprintf(c->token_error, sizeof(c->token_error), "%s", msg.buf);
	sb_release(&msg);
}

static void decode_token(struct http_client *c)
{
	struct http_request *r = &c->token_req;
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct api_token t;
	if (api_decode_token(&t, r->response.buf, r->response.len, &a, "the token request", &d) == 0) {
		accept_token(c, &t);
		explicit_bzero((char *)t.access_token, strlen(t.access_token));
	} else {
		refuse(c, d.n ? d.v[0].message : "an unreadable answer");
	}
	diags_free(&d);
	arena_free(&a);
}

void http_token_finish(struct http_client *c, CURLcode rc, bool sent)
{
	struct http_request *r = &c->token_req;
	c->token_inflight = false;
	explicit_bzero(r->body.buf, r->body.cap); /* the secret key */
	sb_reset(&r->body);
	int verdict = http_classify(c, r, rc, sent);
	if (rc == CURLE_OK && r->status == 200 && r->outcome == HTTP_ANSWERED)
		decode_token(c);
	else if (verdict == HTTP_V_RETRY)
		c->token_not_before = http_now_ms() + http_retry_delay(c, r);
	else if (rc != CURLE_OK)
		refuse(c, r->error);
	else if (r->status == 401 || r->status == 403 || r->status == 400)
		refuse(c, NULL);
	else if (r->status >= 500 || r->status == 429 || r->outcome == HTTP_LOST)
		refuse(c, r->error[0] ? r->error : "the token endpoint kept failing");
	else
		refuse(c, "an unexpected answer");
	if (r->response.buf)
		explicit_bzero(r->response.buf, r->response.cap); /* the token */
	sb_reset(&r->response);
}

/* ---- debug trace -------------------------------------------------------------- */

/* One piece of the trace, at most max bytes of it shown: scrubbed whole
 * first, so that the cut never leaves the start of a secret. */
static void trace_max(const struct http_request *r, const char *prefix, const char *data, size_t size,
		      size_t max)
{
	struct http_client *c = r->priv.client;
	char *text = xstrndup(data, size);
	http_scrub_client(c, text);
	size_t n = strlen(text);
	if (n > max)
		text[n = max] = '\0';
	fprintf(stderr, "%s%s%s", prefix, text, n && text[n - 1] == '\n' ? "" : "\n");
	explicit_bzero(text, n);
	free(text);
}

static void trace(const struct http_request *r, const char *prefix, const char *data, size_t size)
{
	trace_max(r, prefix, data, size, size);
}

/* Header lines out, with the Authorization value replaced. */
static void trace_headers_out(const struct http_request *r, const char *data, size_t size)
{
	const char *end = data + size;
	while (data < end) {
		const char *nl = memchr(data, '\n', (size_t)(end - data));
		size_t len = nl ? (size_t)(nl - data + 1) : (size_t)(end - data);
		if (len >= 14 && strncasecmp(data, "authorization:", 14) == 0)
			fprintf(stderr, "> Authorization: [redacted]\n");
		else if (len > 2)
			trace(r, "> ", data, len);
		data += len;
	}
}

static int on_debug(CURL *e, curl_infotype type, char *data, size_t size, void *ud)
{
	const struct http_request *r = ud;
	bool token = r == &r->priv.client->token_req;
	char note[96];
	switch (type) {
	case CURLINFO_TEXT:
		trace(r, "* ", data, size);
		break;
	case CURLINFO_HEADER_OUT:
		trace_headers_out(r, data, size);
		break;
	case CURLINFO_HEADER_IN:
		trace(r, "< ", data, size);
		break;
	case CURLINFO_DATA_OUT:
	case CURLINFO_DATA_IN:
		if (token) {
			snprintf(note, sizeof(note), "[%zu bytes of the token %s, redacted]", size,
				 type == CURLINFO_DATA_OUT ? "request" : "answer");
			trace(r, type == CURLINFO_DATA_OUT ? "> " : "< ", note, strlen(note));
		} else {
			trace_max(r, type == CURLINFO_DATA_OUT ? "> " : "< ", data, size, DEBUG_BODY_MAX);
		}
		break;
	default:
		break; /* TLS records */
	}
	return 0;
}

void http_debug_enable(CURL *e, struct http_request *r, bool token)
{
	curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(e, CURLOPT_DEBUGDATA, r);
	curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
}
