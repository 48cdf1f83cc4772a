/*
 * Inside the HTTP engine: the struct the files of reconciler/http/ share. Nothing
 * outside reconciler/http/ includes this header; everyone else sees the
 * opaque struct http_client of http/http.h.
 */
#ifndef RECONCILER_HTTP_PRIVATE_H
#define RECONCILER_HTTP_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "http/http.h"
#include "version.h"

struct run; /* an http_run in progress (http/engine.c) */

/* What to do with a finished attempt. */
enum { HTTP_V_DONE, HTTP_V_RETRY, HTTP_V_REFUSED };

struct http_client {
	struct http_config cfg; /* base_url points at the owned copy below */
	char *base_url;
	struct http_hooks hooks;
	CURLM *multi;
	CURL **idle; /* the easy-handle pool */
	size_t n_idle, cap_idle;
	struct http_request **pending; /* waiting to be sent: new, in backoff, or for the gate */
	size_t n_pending, cap_pending;
	size_t running;		/* transfers in the multi handle, the ungated included */
	size_t running_ungated; /* of which ungated */
	uint64_t rng;
	char ua[64];
	struct run *run; /* the http_run in progress (http_run_add), or NULL */
};

/* http/request.c: one attempt of one request. */
/* Starts one attempt of r. */
void http_start(struct http_client *c, struct http_request *r);
/* Ends the transfer of r (rc its curl result: the error text is kept);
 * returns whether the request reached the server (any bytes were sent). */
bool http_end_transfer(struct http_client *c, struct http_request *r, CURLcode rc);

/* http/engine.c */
/* Sets r->outcome and says what to do next (HTTP_V_*). sent: the request
 * left this machine. */
int http_classify(struct http_client *c, struct http_request *r, CURLcode rc, bool sent);
/* Backoff before the next attempt of r, Retry-After included. */
long long http_retry_delay(struct http_client *c, const struct http_request *r);

/* Keeps the value of a Location header line (if data is one) in
 * r->location, control characters replaced, cut to fit. */
void http_keep_location(struct http_request *r, const char *data, size_t len);

/* http/sched.c */
/* What the gate says now (hooks.gate; open without one, or when no gated
 * request waits). */
enum http_gate http_gate_state(struct http_client *c, long long now, const char **why, const char **hint);
/* Starts ready requests: the ungated ones, then, while the gate is open
 * and there is room (less `held` slots, kept for the next pages of chains
 * that just ended), the most urgent first. */
void http_start_ready(struct http_client *c, long long now, size_t held);
/* How long the loop may sleep: until the next backoff ends, at most 1 s. */
long http_wait_ms(const struct http_client *c, long long now);

/* http/trace.c: RECONCILER_HTTP_DEBUG, a trace with the secrets redacted. */
void http_debug_enable(CURL *e, struct http_request *r);

#endif
