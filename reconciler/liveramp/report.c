/*
 * Requests of the liveramp backend (liveramp/client.h): a page of a list,
 * and the diagnostic for a request that failed, in the API's words where
 * it gave them (its errorCode, message and request id), secrets removed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "liveramp/client.h"
#include "liveramp/decode.h"
#include "util/xalloc.h"

#define RULE "backend"

void lr_request_page(struct http_request *r, const struct http_client *c, const char *path,
		     const char *filter, const char *after)
{
	http_request_init(r, c, HTTP_GET, path, NULL);
	sb_printf(&r->url, "?limit=%d", LR_PAGE_LIMIT);
	if (filter && *filter)
		sb_printf(&r->url, "&%s", filter);
	if (after) {
		sb_puts(&r->url, "&after=");
		http_escape(&r->url, after);
	}
}

/* A request refused as expired after it had renewed the token twice: the
 * credentials are good (a token was granted), so it is not them. */
#define EXPIRED_AGAIN_HINT                                                                                   \
	"LiveRamp called freshly granted tokens expired: check this machine's clock (NTP) and "              \
	"LIVERAMP_TOKEN_URL, then run again"

static const char *default_hint(const struct http_request *r)
{
	if (r->gate_failed)
		return r->gate_hint ? r->gate_hint
				    : "check LIVERAMP_ACCOUNT_ID and LIVERAMP_SECRET_KEY (or "
				      "LIVERAMP_CREDENTIALS_FILE) and LIVERAMP_TOKEN_URL";
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

void lr_report(const struct http_client *c, const struct http_request *r, const char *what_for,
	       const char *hint, struct diags *d)
{
	struct strbuf msg = STRBUF_INIT;
	char error[sizeof(r->error)];
	http_failure(r, error, sizeof(error));
	sb_printf(&msg, "%s: %s ", what_for ? what_for : "request", r->what);
	if (r->status) {
		struct arena a = ARENA_INIT;
		struct api_error e;
		sb_printf(&msg, "answered %ld", r->status);
		if (r->status >= 300 && r->status < 400)
			lr_put_scrubbed(&msg, c, " (a redirect, not followed: Location ",
					r->location[0] ? r->location : "not given", 200, ")");
		else if (api_decode_error(&e, r->response.buf, r->response.len, &a) == 0) {
			if (e.code)
				lr_put_scrubbed(&msg, c, " ", e.code, 80, "");
			if (e.message)
				lr_put_scrubbed(&msg, c, ": ", e.message, 300, "");
			if (e.request_id) /* what LiveRamp support asks for */
				sb_printf(&msg, " (request id %.100s)", e.request_id);
			if (!hint && r->status == 401 && e.code && strcmp(e.code, "TOKEN_EXPIRED") == 0)
				hint = EXPIRED_AGAIN_HINT;
		} else if (r->status >= 300 && http_body_is_html(r->response.buf, r->response.len)) {
			sb_puts(&msg,
				" with an HTML page, not the API's JSON: a gateway or proxy answered (an "
				"address it does not allow, or an outage in front of the API)");
		}
		arena_free(&a);
		if (error[0])
			lr_put_scrubbed(&msg, c, " (", error, 320, ")");
	} else {
		lr_put_scrubbed(&msg, c, "failed: ", error[0] ? error : "no answer", 320, "");
	}
	if (r->outcome == HTTP_LOST && r->method != HTTP_GET)
		sb_puts(&msg, "; the server may have acted on it");
	lr_scrub(c, msg.buf);
	diag_error(d, RULE, NULL, hint ? hint : default_hint(r), "%s", msg.buf);
	sb_release(&msg);
}
