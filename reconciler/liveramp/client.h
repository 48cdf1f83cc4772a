/*
 * The liveramp backend's HTTP client: the engine (http/http.h) with what
 * LiveRamp asks of every request, and the reports of failed requests.
 *
 * What it promises:
 *  - Every API request carries "Authorization: Bearer" and "LR-Org-ID".
 *  - The token: LiveRamp's password grant, fetched as an ungated request
 *    of the engine when requests wait for one (the engine's gate is closed
 *    until it is at hand), refreshed before it runs out (when less than
 *    max(30 s, 10 %) of its expires_in is left), and once more on a
 *    401/403 answer; a request that is refused again reports the error. A
 *    refusal by the token endpoint itself is final for the client: the
 *    gate fails, and every waiting request with the endpoint's reason.
 *  - The secret key and the access token appear in no diagnostic, no
 *    error text and no debug trace.
 *
 * Ownership: the token state belongs to the client (released by
 * http_client_free), with copies of every config string.
 */
#ifndef RECONCILER_LIVERAMP_CLIENT_H
#define RECONCILER_LIVERAMP_CLIENT_H

#include <stdbool.h>

#include "http/http.h"
#include "util/diag.h"
#include "util/strbuf.h"

struct lr_http_config {
	const char *api_url;   /* base URL; paths are appended: ".../activation" */
	const char *token_url; /* the password grant's endpoint */
	const char *org_id;    /* LR-Org-ID */
	const char *account_id;
	const char *secret_key; /* never shown */
	long timeout_s;		/* as struct http_config, from here on */
	long connect_timeout_s;
	int max_retries;
	long retry_base_ms;
	long retry_cap_ms;
	int concurrency;
	bool progress;
	bool progress_log;
	long progress_every_ms;
	bool debug;
};

/* An engine whose requests carry LiveRamp's credentials. Fails (with a
 * diagnostic) only when libcurl cannot start. Freed by http_client_free. */
int lr_http_new(struct http_client **out, const struct lr_http_config *cfg, struct diags *d);

/* The `limit` every page asks for (the contract's maximum). */
#define LR_PAGE_LIMIT 100
/* Sets r to GET one page of a list: limit=100, the filter query (or NULL),
 * and after=cursor (NULL: the first page). */
void lr_request_page(struct http_request *r, const struct http_client *c, const char *path,
		     const char *filter, const char *after);

/* A diagnostic (rule "backend") for a request that did not succeed:
 * what was sent, the status and the API's errorCode and message, or the
 * transport error; secrets removed. what_for says what the request was
 * for ("create account 'Acme'"); hint may be NULL (a default is chosen by
 * status). */
void lr_report(const struct http_client *c, const struct http_request *r, const char *what_for,
	       const char *hint, struct diags *d);

/* ---- inside liveramp/token.c and liveramp/report.c ----------------------- */

/* http_scrub_text with the client's secret key and access token. */
void lr_scrub(const struct http_client *c, char *text);
/* Appends before, at most max bytes of s once the secrets are out of it,
 * and after: the scrub comes before the cut, so a cut never leaves the
 * start of a secret behind. */
void lr_put_scrubbed(struct strbuf *msg, const struct http_client *c, const char *before, const char *s,
		     size_t max, const char *after);

#endif
