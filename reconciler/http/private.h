/*
 * Inside the HTTP client: the struct the http*.c files share. Nothing
 * outside reconciler/backend/http*.c includes this header; everyone else
 * sees the opaque struct http_client of http/http.h.
 */
#ifndef RECONCILER_BACKEND_HTTP_PRIVATE_H
#define RECONCILER_BACKEND_HTTP_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "http/http.h"
#include "version.h"

struct run; /* an http_run in progress (http/engine.c) */

/* What to do with a finished attempt. */
enum { HTTP_V_DONE, HTTP_V_RETRY, HTTP_V_REAUTH };

struct http_client {
	struct http_config cfg; /* its strings point at the owned copies below */
	char *api_url, *token_url, *org_id, *account_id, *secret_key;
	CURLM *multi;
	CURL **idle; /* the easy-handle pool */
	size_t n_idle, cap_idle;
	struct http_request **pending; /* waiting to be sent: new, in backoff, or for a token */
	size_t n_pending, cap_pending;
	size_t running; /* transfers in the multi handle, the token's included */
	uint64_t rng;
	char ua[64];
	/* The one shared token (liveramp/token.c). Secret: never in a message. */
	char *token;
	unsigned token_gen;          /* bumped with every new token */
	long long token_refresh_at;  /* monotonic ms: get a new one from then on */
	long long token_sent_at;     /* when the current token request left */
	long long token_not_before;  /* backoff of the token request */
	bool token_inflight;         /* never more than one */
	struct http_request token_req;
	char token_error[300]; /* set when no token can be had: requests fail with it */
	struct run *run;       /* the http_run in progress (http_run_add), or NULL */
};

long long http_now_ms(void);
/* Starts one attempt of r (token: r is the token request). */
void http_start(struct http_client *c, struct http_request *r, bool token);
/* Sets r->outcome and says what to do next (HTTP_V_*). sent: the request
 * left this machine. */
int http_classify(struct http_client *c, struct http_request *r, CURLcode rc, bool sent);
/* Backoff before the next attempt of r, Retry-After included. */
long long http_retry_delay(struct http_client *c, const struct http_request *r);

/* Appends before, at most max bytes of s once the secrets are out of it,
 * and after: the scrub comes before the cut, so a cut never leaves the
 * start of a secret behind. */
void http_put_scrubbed(struct strbuf *msg, const struct http_client *c, const char *before, const char *s,
		       size_t max, const char *after);

/* Keeps the value of a Location header line (if data is one) in
 * r->location, control characters replaced, cut to fit. */
void http_keep_location(struct http_request *r, const char *data, size_t len);

/* http/sched.c */
/* Starts ready requests, most urgent first, while there is room (less
 * `held` slots, kept for the next pages of chains that just ended) and a
 * token. */
void http_start_ready(struct http_client *c, long long now, size_t held);
/* How long the loop may sleep: until the next backoff ends, at most 1 s. */
long http_wait_ms(const struct http_client *c, long long now);

/* liveramp/token.c */
bool http_token_valid(const struct http_client *c, long long now);
/* Starts the token request when requests wait for a token and none is on
 * its way. */
void http_token_maybe_start(struct http_client *c, long long now);
void http_token_finish(struct http_client *c, CURLcode rc, bool sent);
/* Drops the token (wiped), so the next request fetches a new one. */
void http_token_forget(struct http_client *c);
struct curl_slist *http_token_headers(void);
/* RECONCILER_HTTP_DEBUG: a trace with the secrets redacted. */
void http_debug_enable(CURL *e, struct http_request *r, bool token);

#endif
