/*
 * The HTTP layer of the liveramp backend: libcurl's multi interface, one
 * shared access token, retries, pagination, a progress line.
 *
 * What it promises:
 *  - One CURLM per client. Easy handles come from a pool and are reused,
 *    so connections stay alive between requests. At most cfg.concurrency
 *    transfers are in flight, plus at most one token request.
 *  - Every API request carries "Authorization: Bearer", "LR-Org-ID",
 *    "Accept: application/json" (and Content-Type for a body), the
 *    User-Agent "reconciler/<version>", a connect and a total timeout.
 *    TLS is always verified; only http and https are spoken; redirects
 *    are not followed (a 3xx is an error naming its Location); an answer
 *    over HTTP_RESPONSE_MAX (64 MiB) is cut off and is an error; a
 *    transfer that has not ended within the timeout (a stalled or endless
 *    answer) is a transport failure, retried as one.
 *  - The token: LiveRamp's password grant, fetched when first needed,
 *    refreshed before it runs out (when less than max(30 s, 10 %) of its
 *    expires_in is left), and once more on a 401/403 answer; a request
 *    that is refused again reports the error.
 *  - Retries with exponential backoff and full jitter (cfg.retry_base_ms
 *    doubling up to cfg.retry_cap_ms; Retry-After honoured, up to a
 *    minute), at most cfg.max_retries times, for: 429; 5xx and transport
 *    errors (timeout, reset, garbled body) when the request is marked
 *    resend_lost (reads, PUTs); failures before anything was sent, for any
 *    request. Never for another 4xx.
 *  - A write that is not resend_lost and whose answer was lost comes back
 *    as HTTP_LOST: the caller re-reads before sending it again, because
 *    the API has no idempotency keys (liveramp/write.c).
 *  - The secret key and the access token appear in no diagnostic, no
 *    error text and no debug trace (RECONCILER_HTTP_DEBUG=1 prints a trace
 *    with Authorization and the token call's bodies redacted).
 *
 * Ownership: the client owns its handles, the token and copies of every
 * config string. A request is owned by the caller; its buffers (url, body,
 * response) are released by http_request_release(). Nothing here prints
 * except the progress line (cfg.progress) and the debug trace.
 */
#ifndef RECONCILER_BACKEND_HTTP_H
#define RECONCILER_BACKEND_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/diag.h"
#include "util/strbuf.h"

struct http_config {
	const char *api_url;   /* base URL; paths are appended: ".../activation" */
	const char *token_url; /* the password grant's endpoint */
	const char *org_id;    /* LR-Org-ID */
	const char *account_id;
	const char *secret_key; /* never shown */
	long timeout_s;         /* total time of one attempt */
	long connect_timeout_s;
	int max_retries;    /* attempts after the first */
	long retry_base_ms; /* first backoff window */
	long retry_cap_ms;  /* largest backoff window */
	int concurrency;    /* transfers in flight */
	bool progress;      /* a progress line on stderr (a terminal: rewritten in place) */
	/* No terminal (a CI log): a whole progress line at most every
	 * progress_every_ms (0: after every request), so a long observe shows a
	 * sign of life without flooding the log. */
	bool progress_log;
	long progress_every_ms;
	bool debug;         /* a redacted trace of every transfer on stderr */
};

enum http_method { HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_DELETE };

enum http_outcome {
	HTTP_ANSWERED, /* status and response hold the server's answer */
	HTTP_NOT_SENT, /* the server surely did not act: no connection, no token, throttled */
	HTTP_LOST,     /* it may have acted: timeout, reset, 5xx, a garbled answer */
};

/* The largest answer read: past it the transfer is cut and fails (a hostile
 * or broken server could otherwise fill the memory). */
#define HTTP_RESPONSE_MAX ((size_t)64 << 20)

struct http_request;
struct http_client;

/* Called once a request has its outcome (whatever it is). Returns true to
 * send the request again, after changing its url (the next page). */
typedef bool http_done_fn(struct http_request *r, void *ctx);

/* Per-attempt bookkeeping, private to http/engine.c. */
struct http_attempt {
	void *easy;
	void *headers;
	unsigned token_gen;
	bool reauthed;
	long long not_before; /* monotonic ms */
	long retry_after_ms;  /* from the last answer; -1 when none */
	bool no_token;        /* failed because no access token could be had */
	bool too_big;         /* the answer passed HTTP_RESPONSE_MAX: cut off */
	struct http_client *client;
};

struct http_request {
	/* set by http_request_init / http_request_page */
	enum http_method method;
	struct strbuf url;
	struct strbuf body; /* JSON, or empty */
	char what[160];     /* "POST /v2/integration-connections", for messages */
	bool resend_lost;   /* safe to send again after a lost answer */
	bool first;         /* sent before the other waiting requests: others wait for it */
	/* Requests still to go one after the other on this request's cursor
	 * chain, itself included (the pages left of a list; 0 for a one-shot
	 * request). Among ready requests the longest chain goes first
	 * (after `first`): it is the critical path of the run. And when a
	 * transfer whose chain goes on (chain > 1) ends, its slot is kept
	 * for its next page instead of going to another request. */
	unsigned chain;
	http_done_fn *on_done;
	void *ctx;
	/* results */
	enum http_outcome outcome;
	long status;            /* of the last answer; 0 when none */
	struct strbuf response; /* body of the last answer */
	/* The body of a 2xx answer parsed as JSON (a json_t *, owned; NULL when
	 * none): the check for a garbled answer parses it, and keeps it so that
	 * the caller need not parse it again (api_decode_page_json). Dropped at
	 * the next attempt, by http_request_drop_json, or at release. */
	void *json;
	char error[320];        /* why it failed (transport, retries, token); "" otherwise */
	char location[256];     /* the Location of a 3xx answer (never followed), or "" */
	int attempts;
	struct http_attempt priv;
};

/* Copies cfg. Fails (with a diagnostic) only when libcurl cannot start. */
int http_client_new(struct http_client **out, const struct http_config *cfg, struct diags *d);
void http_client_free(struct http_client *c);

/* Sets r to `method path` against the API base URL (path starts with "/"
 * and may hold a query). body is copied; NULL for none. Reads and PUTs are
 * marked resend_lost. Releases what r held before. */
void http_request_init(struct http_request *r, const struct http_client *c, enum http_method method,
		       const char *path, const char *body);
/* The `limit` every page asks for (the contract's maximum). */
#define HTTP_PAGE_LIMIT 100
/* Sets r to GET one page of a list: limit=100, the filter query (or NULL),
 * and after=cursor (NULL: the first page). */
void http_request_page(struct http_request *r, const struct http_client *c, const char *path,
		       const char *filter, const char *after);
void http_request_release(struct http_request *r);
/* Frees r->json early (a list keeps its request for the next page). */
void http_request_drop_json(struct http_request *r);
/* Appends s percent-encoded (all but RFC 3986's unreserved characters):
 * for ids in paths and values in queries. */
void http_escape(struct strbuf *sb, const char *s);

struct http_progress {
	const char *verb; /* "observing" */
	const char *noun; /* "distribution managers" */
};

/* Runs the requests concurrently and returns when each has its outcome
 * (and its on_done returned false). progress may be NULL. Returns 0 when
 * every request was answered with a 2xx, else -1 (see each request). */
int http_run(struct http_client *c, struct http_request **reqs, size_t n,
	     const struct http_progress *progress);
/* One request, the same way. */
int http_send(struct http_client *c, struct http_request *r);
/* From an on_done callback of a request of http_run: adds r to that run,
 * which then also waits for it (its outcome is not in http_run's return
 * value: check it). Lists use it to start lists they discover. */
void http_run_add(struct http_client *c, struct http_request *r);

/* Answered with a 2xx. */
bool http_ok(const struct http_request *r);
/* A diagnostic (rule "backend") for a request that did not succeed:
 * what was sent, the status and the API's errorCode and message, or the
 * transport error; secrets removed. what_for says what the request was
 * for ("create account 'Acme'"); hint may be NULL (a default is chosen by
 * status). */
void http_report(const struct http_client *c, const struct http_request *r, const char *what_for,
		 const char *hint, struct diags *d);
/* The backoff before retry number `attempt` (0 first): a uniformly random
 * delay in [0, min(cap, base * 2^attempt)] drawn from the client's PRNG. */
long http_client_backoff_ms(struct http_client *c, int attempt);
/* The wait before the caller's own retry number `attempt` of r: that
 * backoff, or r's Retry-After when longer (capped like the loop's). */
long http_client_wait_ms(struct http_client *c, const struct http_request *r, int attempt);

/* ---- pure helpers (unit-tested) ------------------------------------------- */

/* Full jitter: random % (min(cap_ms, base_ms << attempt) + 1). */
long http_backoff_ms(int attempt, long base_ms, long cap_ms, uint64_t random);
/* A Retry-After value: delay-seconds or an HTTP-date (relative to now).
 * Returns milliseconds (0 for a date in the past), or -1 when unreadable. */
long http_retry_after_ms(const char *value, time_t now);
/* 127.0.0.0/8, ::1 (bracketed or not) and "localhost". */
bool http_host_is_loopback(const char *host);
/* Checks a URL from the environment: http or https with a host; plain
 * http only for a loopback host. var names it in the diagnostic. */
int http_url_check(const char *url, const char *var, struct diags *d);
/* Overwrites every spelling of secret in text with '*': as is, percent-
 * encoded (either case, '+' for a space), JSON-escaped, or any mix of
 * these; and any start of it at least 8 characters long (an echo cut
 * short). secret NULL or shorter than 4 characters: nothing to do. */
void http_scrub(char *text, const char *secret);
/* Scrubs each of secrets (NULL entries skipped), then every value after
 * "Bearer " and "password=" (plain or percent-encoded), whatever it is, to
 * "***". In place: the text never grows. Call it before any truncation. */
void http_scrub_text(char *text, const char *const *secrets, size_t n);
/* http_scrub_text with the client's secret key and access token. */
void http_scrub_client(const struct http_client *c, char *text);
/* A splitmix64 step, for the jitter. */
uint64_t http_random_next(uint64_t *state);

#endif
