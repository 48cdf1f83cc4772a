/*
 * The HTTP engine: libcurl's multi interface for JSON requests, with
 * retries, a scheduler, a progress line. It knows no API: what a request
 * must carry to be let in (credentials, an organization) comes from the
 * caller's hooks (struct http_hooks), and the only calls it makes upward
 * are those hooks and each request's completion callback.
 *
 * What it promises:
 *  - One CURLM per client. Easy handles come from a pool and are reused,
 *    so connections stay alive between requests. At most cfg.concurrency
 *    transfers are in flight, plus the requests marked `ungated`.
 *  - Every request carries "Accept: application/json" (and Content-Type
 *    for a body), the header lines of hooks.headers, the User-Agent
 *    "reconciler/<version>", a connect and a total timeout. TLS is always
 *    verified; only http and https are spoken; redirects are not followed
 *    (a 3xx is an error naming its Location); an answer over
 *    HTTP_RESPONSE_MAX (64 MiB) is cut off and is an error; a transfer
 *    that has not ended within the timeout (a stalled or endless answer)
 *    is a transport failure, retried as one.
 *  - The gate (hooks.gate): while it is not open, requests wait (those
 *    marked `ungated` excepted); when it fails, every waiting request fails
 *    with its reason (gate_failed). A 401/403 answer goes to hooks.refused,
 *    which may send the request again once the gate is open.
 *  - Retries with exponential backoff and full jitter (cfg.retry_base_ms
 *    doubling up to cfg.retry_cap_ms; Retry-After honoured, up to a
 *    minute), at most cfg.max_retries times, for: 429; 5xx and transport
 *    errors (timeout, reset, garbled body) when the request is marked
 *    resend_lost (reads, PUTs); failures before anything was sent, for any
 *    request. Never for another 4xx.
 *  - A write that is not resend_lost and whose answer was lost comes back
 *    as HTTP_LOST: the caller re-reads before sending it again (an API
 *    without idempotency keys, liveramp/write.c).
 *  - The debug trace (cfg.debug) has the Authorization value, the bodies
 *    of requests marked `redact` and every registered secret (util/scrub.h)
 *    taken out.
 *
 * Ownership: the client owns its handles and a copy of the base URL; the
 * hooks' ctx is the caller's, released by hooks.free with the client. A
 * request is owned by the caller; its buffers (url, body, response) are
 * released by http_request_release(). Nothing here prints except the
 * progress line (cfg.progress) and the debug trace.
 */
#ifndef RECONCILER_HTTP_HTTP_H
#define RECONCILER_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/diag.h"
#include "util/strbuf.h"

struct http_config {
	const char *base_url; /* paths are appended (http_request_init) */
	long timeout_s;	      /* total time of one attempt */
	long connect_timeout_s;
	int max_retries;    /* attempts after the first */
	long retry_base_ms; /* first backoff window */
	long retry_cap_ms;  /* largest backoff window */
	int concurrency;    /* transfers in flight */
	bool progress;	    /* a progress line on stderr (a terminal: rewritten in place) */
	/* No terminal (a CI log): a whole progress line at most every
	 * progress_every_ms (0: after every request), so a long observe shows a
	 * sign of life without flooding the log. */
	bool progress_log;
	long progress_every_ms;
	bool debug; /* a redacted trace of every transfer on stderr */
};

enum http_method { HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_DELETE };

enum http_outcome {
	HTTP_ANSWERED, /* status and response hold the server's answer */
	HTTP_NOT_SENT, /* the server surely did not act: no connection, the gate failed, throttled */
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

/* Per-attempt bookkeeping, private to the engine (http/). */
struct http_attempt {
	void *easy;
	void *headers;
	long long not_before; /* monotonic ms */
	long retry_after_ms;  /* from the last answer; -1 when none */
	bool too_big;	      /* the answer passed HTTP_RESPONSE_MAX: cut off */
	struct http_client *client;
};

struct http_request {
	/* set by http_request_init / http_request_init_url */
	enum http_method method;
	struct strbuf url;
	struct strbuf body;	  /* JSON, or empty */
	char what[160];		  /* "POST /v2/integration-connections", for messages */
	bool resend_lost;	  /* safe to send again after a lost answer */
	const char *content_type; /* of the body (a static string); NULL: application/json */
	/* Sent while the gate is closed, beside the concurrency limit, counted
	 * in no progress line: what opens the gate (a token request). */
	bool ungated;
	/* Non-NULL: the bodies are left out of the debug trace, which names
	 * them so ("token": "[N bytes of the token request, redacted]"). */
	const char *redact;
	bool first; /* sent before the other waiting requests: others wait for it */
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
	long status;		/* of the last answer; 0 when none */
	struct strbuf response; /* body of the last answer */
	/* The body of a 2xx answer parsed as JSON (a json_t *, owned; NULL when
	 * none): the check for a garbled answer parses it, and keeps it so that
	 * the caller need not parse it again (api_decode_page_json). Dropped at
	 * the next attempt, by http_request_drop_json, or at release. */
	void *json;
	char error[320];    /* why it failed (transport, retries, the gate); "" otherwise */
	char location[256]; /* the Location of a 3xx answer (never followed), or "" */
	int attempts;
	bool gate_failed;      /* never sent: the gate failed; error holds its reason */
	const char *gate_hint; /* then, what the gate said to do (static text), or NULL */
	/* The hooks' marks on the request (the engine only clears `renewals`
	 * when the request is armed): which credentials its last attempt
	 * carried, and how many of its refusals led to new ones. */
	struct {
		unsigned gen;
		unsigned renewals;
	} auth;
	struct http_attempt priv;
};

/* Copies cfg. Fails (with a diagnostic) only when libcurl cannot start. */
int http_client_new(struct http_client **out, const struct http_config *cfg, struct diags *d);
/* Calls hooks.free(ctx) too. */
void http_client_free(struct http_client *c);

enum http_gate {
	HTTP_GATE_OPEN,	  /* requests may start */
	HTTP_GATE_WAIT,	  /* they wait (for an ungated request the hook started) */
	HTTP_GATE_FAILED, /* they cannot go: every waiting one fails */
};

struct curl_slist;

/* What a caller adds to every request, called from inside http_run. */
struct http_hooks {
	void *ctx;
	/* Asked before requests start while some wait. It may start an
	 * ungated request (http_run_add) that will open it. FAILED: *why is
	 * the reason each waiting request fails with, and *hint what to do
	 * about it (NULL: none; both valid until the next call). NULL: always
	 * open. */
	enum http_gate (*gate)(void *ctx, struct http_client *c, long long now, const char **why,
			       const char **hint);
	/* Header lines for an attempt of r, appended to h (curl_slist_append);
	 * returns the list. NULL: none. */
	struct curl_slist *(*headers)(void *ctx, struct http_request *r, struct curl_slist *h);
	/* r was answered 401 or 403: true sends it again (once the gate is
	 * open), false lets it complete with that answer. NULL: complete. */
	bool (*refused)(void *ctx, struct http_client *c, struct http_request *r);
	/* Releases ctx (http_client_free). May be NULL. */
	void (*free)(void *ctx);
};

/* Installs the hooks (copied), before any request. */
void http_client_set_hooks(struct http_client *c, const struct http_hooks *h);
/* The ctx of the hooks, or NULL. */
void *http_client_hooks_ctx(const struct http_client *c);
/* Monotonic milliseconds, the clock of the engine (not_before, now). */
long long http_now_ms(void);

/* Sets r to `method path` against the base URL (path starts with "/"
 * and may hold a query). body is copied; NULL for none. Reads and PUTs are
 * marked resend_lost. Resets what r held before (its buffers are reused): r is
 * zeroed or was set by these functions before. */
void http_request_init(struct http_request *r, const struct http_client *c, enum http_method method,
		       const char *path, const char *body);
/* The same against a whole URL; `what` names it in messages. */
void http_request_init_url(struct http_request *r, enum http_method method, const char *url, const char *body,
			   const char *what);
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
/* Why r failed, for a message: its error, then "after N attempts" when it
 * was tried more than once (and not stopped by the gate). Into buf. */
const char *http_failure(const struct http_request *r, char *buf, size_t size);
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
/* A body that is an HTML page (a gateway's or a proxy's), not JSON. */
bool http_body_is_html(const char *body, size_t len);
/* A splitmix64 step, for the jitter. */
uint64_t http_random_next(uint64_t *state);

#endif
