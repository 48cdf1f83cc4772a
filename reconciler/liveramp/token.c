/*
 * The access token (liveramp/client.h): one per client, shared by every
 * request, and the engine's hooks that put it (and the organization) on
 * each request.
 *
 * LiveRamp's token endpoint allows 4 requests a second, and its tokens live
 * for the `expires_in` of the answer (600 s in the docs' example, but read,
 * never assumed). So: one token request at most is in flight, an ungated
 * request of the engine whose completion stores the token and so opens the
 * gate for the requests waiting on it; a token is renewed once less than
 * max(30 s, 10 %) of its life is left (measured from when its request
 * left, a conservative start), and dropped when a request is refused with
 * 401/403, which then waits for the next one. A refusal by the token
 * endpoint itself (wrong credentials) is final for the client: the gate
 * fails, every waiting request with its message, and no further token
 * request is made.
 *
 * The secret key is only in the form body, which is wiped as soon as the
 * transfer ends; the token only here (wiped when dropped) and in the
 * Authorization header of transfers (wiped by the engine).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "liveramp/client.h"
#include "liveramp/decode.h"
#include "util/scrub.h"
#include "util/xalloc.h"

#define DAY_MS (86400LL * 1000)
#define REFRESH_MARGIN_MIN_MS 30000LL

struct lr_auth {
	char *token_url, *org_id, *account_id, *secret_key;
	struct http_client *c; /* the client these are the hooks of */
	/* The one shared token. Secret: never in a message. */
	char *token;
	unsigned gen;	      /* bumped with every new token, and every drop */
	long long refresh_at; /* monotonic ms: get a new one from then on */
	long long sent_at;    /* when the current token request left */
	bool inflight;	      /* never more than one */
	struct http_request req;
	char error[300];  /* set when no token can be had: requests fail with it */
	const char *hint; /* and what to do about it */
};

static bool token_valid(const struct lr_auth *a, long long now)
{
	return a->token && now < a->refresh_at;
}

/* Drops the token (wiped), so the next request fetches a new one. */
static void forget(struct lr_auth *a)
{
	if (a->token) {
		explicit_bzero(a->token, strlen(a->token));
		free(a->token);
		a->token = NULL;
	}
}

void lr_scrub(const struct http_client *c, char *text)
{
	const struct lr_auth *a = http_client_hooks_ctx(c);
	const char *secrets[] = { a ? a->secret_key : NULL, a ? a->token : NULL };
	http_scrub_text(text, secrets, 2);
}

void lr_put_scrubbed(struct strbuf *msg, const struct http_client *c, const char *before, const char *s,
		     size_t max, const char *after)
{
	char *copy = xstrdup(s);
	lr_scrub(c, copy);
	size_t n = strlen(copy);
	sb_puts(msg, before);
	sb_add(msg, copy, n < max ? n : max);
	sb_puts(msg, after);
	explicit_bzero(copy, n);
	free(copy);
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

static bool token_done(struct http_request *r, void *ctx);

/* LiveRamp's password grant, exactly as its docs give it. */
static void build_grant(struct lr_auth *a)
{
	struct http_request *r = &a->req;
	http_request_init_url(r, HTTP_POST, a->token_url, NULL, "the token endpoint (LIVERAMP_TOKEN_URL)");
	form_field(&r->body, "grant_type", "password");
	form_field(&r->body, "username", a->account_id);
	form_field(&r->body, "password", a->secret_key);
	form_field(&r->body, "scope", "openid");
	form_field(&r->body, "client_id", "liveramp-api");
	form_field(&r->body, "response_type", "token");
	r->content_type = "application/x-www-form-urlencoded";
	r->resend_lost = true; /* a second token is harmless */
	r->ungated = true;
	r->redact = "token";
	r->on_done = token_done;
	r->ctx = a;
}

static void accept_token(struct lr_auth *a, const struct api_token *t)
{
	forget(a);
	a->token = xstrdup(t->access_token);
	scrub_register(a->token); /* every diagnostic is scrubbed of it from now on */
	a->gen++;
	long long ttl = t->expires_in > 86400 ? DAY_MS : t->expires_in * 1000;
	long long margin = ttl / 10 > REFRESH_MARGIN_MIN_MS ? ttl / 10 : REFRESH_MARGIN_MIN_MS;
	if (margin > ttl / 2)
		margin = ttl / 2; /* a very short-lived token is still used for half its life */
	a->refresh_at = a->sent_at + ttl - margin;
}

/* The reason no token can be had, secrets removed: every request waiting
 * for a token fails with it. */
#define HINT_CREDENTIALS "check LIVERAMP_ACCOUNT_ID and LIVERAMP_SECRET_KEY (or LIVERAMP_CREDENTIALS_FILE)"
#define HINT_UNREACHED                                                                                       \
	"check the network, LIVERAMP_TOKEN_URL and the TLS setup (the system's CA certificates): the "       \
	"token endpoint was not reached"
#define HINT_FAILING "the token endpoint kept failing: run again later"
#define HINT_ODD "check LIVERAMP_TOKEN_URL: what answered there does not grant tokens"

static void refuse(struct lr_auth *a, const char *why, const char *hint)
{
	a->hint = hint;
	struct strbuf msg = STRBUF_INIT;
	struct http_request *r = &a->req;
	const struct http_client *c = a->c;
	sb_printf(&msg, "could not get an access token from %s: ", a->token_url);
	if (r->status) {
		struct arena ar = ARENA_INIT;
		struct api_error e;
		sb_printf(&msg, "answered %ld", r->status);
		if (api_decode_error(&e, r->response.buf, r->response.len, &ar) == 0) {
			if (e.code)
				lr_put_scrubbed(&msg, c, " ", e.code, 60, "");
			if (e.message)
				lr_put_scrubbed(&msg, c, ": ", e.message, 160, "");
		}
		arena_free(&ar);
		if (r->status >= 300 && r->status < 400)
			lr_put_scrubbed(&msg, c, " (a redirect, not followed: Location ",
					r->location[0] ? r->location : "not given", 200, ")");
		if (why)
			lr_put_scrubbed(&msg, c, " (", why, 200, ")");
	} else {
		lr_put_scrubbed(&msg, c, "", why ? why : "no answer", 300, "");
	}
	lr_scrub(c, msg.buf);
	snprintf(a->error, sizeof(a->error), "%s", msg.buf);
	sb_release(&msg);
}

static void decode_token(struct lr_auth *a)
{
	struct http_request *r = &a->req;
	struct arena ar = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct api_token t;
	if (api_decode_token(&t, r->response.buf, r->response.len, &ar, "the token request", &d) == 0) {
		accept_token(a, &t);
		explicit_bzero((char *)t.access_token, strlen(t.access_token));
	} else {
		refuse(a, d.n ? d.v[0].message : "an unreadable answer", HINT_ODD);
	}
	diags_free(&d);
	arena_free(&ar);
}

/* The token request has its outcome (the engine retried what it retries):
 * a token, which opens the gate, or the reason there is none. */
static bool token_done(struct http_request *r, void *ctx)
{
	struct lr_auth *a = ctx;
	a->inflight = false;
	explicit_bzero(r->body.buf, r->body.cap); /* the secret key */
	sb_reset(&r->body);
	if (r->outcome == HTTP_ANSWERED && r->status == 200)
		decode_token(a);
	else if (r->status == 0)
		refuse(a, r->error, r->outcome == HTTP_LOST ? HINT_FAILING : HINT_UNREACHED);
	else if (r->status == 401 || r->status == 403 || r->status == 400)
		refuse(a, NULL, HINT_CREDENTIALS);
	else if (r->status >= 500 || r->status == 429 || r->outcome == HTTP_LOST)
		refuse(a, r->error[0] ? r->error : "the token endpoint kept failing", HINT_FAILING);
	else
		refuse(a, "an unexpected answer", HINT_ODD);
	http_request_drop_json(r);
	if (r->response.buf)
		explicit_bzero(r->response.buf, r->response.cap); /* the token */
	sb_reset(&r->response);
	return false;
}

/* ---- the engine's hooks --------------------------------------------------------- */

/* Open while the token is good; else the token request is started (when
 * none is on its way) and requests wait for it. */
static enum http_gate gate(void *ctx, struct http_client *c, long long now, const char **why,
			   const char **hint)
{
	struct lr_auth *a = ctx;
	if (a->error[0] && !a->inflight) {
		*why = a->error;
		*hint = a->hint;
		return HTTP_GATE_FAILED;
	}
	if (token_valid(a, now))
		return HTTP_GATE_OPEN;
	if (!a->inflight && !a->error[0]) {
		build_grant(a);
		a->inflight = true;
		http_run_add(c, &a->req);
	}
	return HTTP_GATE_WAIT;
}

/* The Authorization line is built on the stack and wiped, so the token
 * lives only here and in curl's copy (wiped when the transfer ends). */
static struct curl_slist *headers(void *ctx, struct http_request *r, struct curl_slist *h)
{
	struct lr_auth *a = ctx;
	if (r == &a->req) {
		a->sent_at = http_now_ms();
		return h;
	}
	char line[4096];
	r->auth.gen = a->gen;
	snprintf(line, sizeof(line), "Authorization: Bearer %s", a->token ? a->token : "");
	h = curl_slist_append(h, line);
	explicit_bzero(line, sizeof(line));
	snprintf(line, sizeof(line), "LR-Org-ID: %s", a->org_id);
	return curl_slist_append(h, line);
}

/* Only the first request refused with the current token drops it (and
 * uses up one of its renewals); the others just wait for the new one. The
 * generation moves on with the drop, so that later refusals of the
 * dropped token are seen as such. A request may drop a token twice: the
 * token it was given after its first refusal may expire too (a second
 * expiry while its resend is on its way), but a third refusal means the
 * credentials themselves are refused. The token endpoint's own refusal,
 * and a refusal past the renewals, complete with the answer. */
#define RENEWALS_PER_REQUEST 2

static bool refused(void *ctx, struct http_client *c, struct http_request *r)
{
	struct lr_auth *a = ctx;
	if (r == &a->req || r->auth.renewals >= RENEWALS_PER_REQUEST)
		return false;
	if (r->auth.gen == a->gen) {
		r->auth.renewals++;
		forget(a);
		a->gen++;
	}
	return true;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static void auth_free(void *ctx)
{
	struct lr_auth *a = ctx;
	forget(a);
	http_request_release(&a->req);
	free(a->token_url);
	free(a->org_id);
	free(a->account_id);
	wipe_free(a->secret_key);
	scrub_clear();
	free(a);
}

int lr_http_new(struct http_client **out, const struct lr_http_config *cfg, struct diags *d)
{
	struct http_config hc = {
		.base_url = cfg->api_url,
		.timeout_s = cfg->timeout_s,
		.connect_timeout_s = cfg->connect_timeout_s,
		.max_retries = cfg->max_retries,
		.retry_base_ms = cfg->retry_base_ms,
		.retry_cap_ms = cfg->retry_cap_ms,
		.concurrency = cfg->concurrency,
		.progress = cfg->progress,
		.progress_log = cfg->progress_log,
		.progress_every_ms = cfg->progress_every_ms,
		.debug = cfg->debug,
	};
	if (http_client_new(out, &hc, d) != 0)
		return -1;
	struct lr_auth *a = xcalloc(1, sizeof(*a));
	a->token_url = xstrdup(cfg->token_url ? cfg->token_url : "");
	a->org_id = xstrdup(cfg->org_id ? cfg->org_id : "");
	a->account_id = xstrdup(cfg->account_id ? cfg->account_id : "");
	a->secret_key = xstrdup(cfg->secret_key ? cfg->secret_key : "");
	scrub_register(a->secret_key);
	a->c = *out;
	struct http_hooks hooks = {
		.ctx = a, .gate = gate, .headers = headers, .refused = refused, .free = auth_free
	};
	http_client_set_hooks(*out, &hooks);
	return 0;
}
