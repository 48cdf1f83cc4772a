/*
 * The run of the HTTP engine (http/http.h): the multi loop, what to do
 * with each finished attempt, retries. One attempt as a curl transfer is
 * http/request.c; the pure helpers are http/util.c.
 *
 * A run keeps every request that still needs sending in one `pending`
 * list, each with the time it may go (0, or the end of its backoff). The
 * loop starts what is ready while fewer than `concurrency` transfers run
 * and the gate (http_hooks) is open, lets curl work, then decides for
 * each finished transfer: done, retry later, or (refused, and the hooks
 * say so) wait behind the gate again. Requests never block each other: a
 * request in backoff leaves its slot to the next.
 *
 * Which ready request goes first (http/sched.c): those others wait for
 * (`first`), then the one on the longest cursor chain (`chain`), then the
 * oldest. A page whose list goes on keeps its slot for the next page
 * (reap), so a long walk never waits behind a queue of one-shots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "http/private.h"
#include "util/log_json.h"
#include "util/xalloc.h"

#define RETRY_AFTER_MAX_MS 60000L

/* Failures that no retry can mend: TLS trust, our own limits, bad URLs. */
static bool fatal_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_WRITE_ERROR:
	case CURLE_OUT_OF_MEMORY:
	case CURLE_TOO_MANY_REDIRECTS: return true;
	default: return false;
	}
}

/* A 2xx whose body is not JSON was damaged on the way (or by a proxy).
 * The parse is kept in r->json for the decoder; one with duplicate keys is
 * not kept (not garbled either: the decoder reports them). */
static bool garbled(struct http_request *r)
{
	if (r->status < 200 || r->status >= 300 || r->response.len == 0)
		return false;
	http_request_drop_json(r);
	r->json =
	    json_loadb(r->response.buf, r->response.len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
	if (r->json)
		return false;
	json_t *j = json_loadb(r->response.buf, r->response.len, JSON_DECODE_ANY, NULL);
	json_decref(j);
	return j == NULL;
}

int http_classify(struct http_client *c, struct http_request *r, CURLcode rc, bool sent)
{
	bool can_retry = r->attempts <= c->cfg.max_retries;
	if (rc != CURLE_OK) {
		r->outcome = sent ? HTTP_LOST : HTTP_NOT_SENT;
		if (fatal_curl(rc))
			return HTTP_V_DONE;
		return can_retry && (!sent || r->resend_lost) ? HTTP_V_RETRY : HTTP_V_DONE;
	}
	if (r->status == 401 || r->status == 403) {
		r->outcome = HTTP_NOT_SENT;
		return HTTP_V_REFUSED;
	}
	if (r->status == 429) {
		r->outcome = HTTP_NOT_SENT;
		return can_retry ? HTTP_V_RETRY : HTTP_V_DONE;
	}
	if (r->status >= 500 || garbled(r)) {
		r->outcome = HTTP_LOST;
		if (r->status < 500)
			snprintf(r->error, sizeof(r->error), "%s",
				 http_body_is_html(r->response.buf, r->response.len)
				     ? "the answer is an HTML page, not JSON: a gateway or proxy answered, "
				       "not the API"
				     : "the answer's body is not JSON");
		return can_retry && r->resend_lost ? HTTP_V_RETRY : HTTP_V_DONE;
	}
	r->outcome = HTTP_ANSWERED;
	return HTTP_V_DONE;
}

long http_client_wait_ms(struct http_client *c, const struct http_request *r, int attempt)
{
	long delay = http_client_backoff_ms(c, attempt);
	long after =
	    r->priv.retry_after_ms > RETRY_AFTER_MAX_MS ? RETRY_AFTER_MAX_MS : r->priv.retry_after_ms;
	return after > delay ? after : delay;
}

long long http_retry_delay(struct http_client *c, const struct http_request *r)
{
	long delay = http_client_backoff_ms(c, r->attempts - 1);
	long after = r->priv.retry_after_ms;
	if (after > RETRY_AFTER_MAX_MS)
		after = RETRY_AFTER_MAX_MS;
	return after > delay ? after : delay;
}

/* ---- the loop ----------------------------------------------------------------- */

static void push_pending(struct http_client *c, struct http_request *r, long long not_before)
{
	r->priv.not_before = not_before;
	XGROW(c->pending, c->cap_pending, c->n_pending + 1);
	c->pending[c->n_pending++] = r;
}

/* n with thousands separators, "1,023", into buf. */
static const char *counted(char buf[32], size_t n)
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%zu", n);
	size_t o = 0;
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* A transfer that ended, its answer not yet looked at. */
struct ended {
	struct http_request *r;
	CURLcode rc;
	bool sent;
};

struct run {
	struct http_client *c;
	const struct http_progress *progress;
	size_t n;
	size_t finished;
	long long last_line_ms; /* progress_every_ms: when the last line (or the run) started */
	struct ended *ended;	/* reap's */
	size_t cap_ended;
};

/* A terminal gets one line rewritten in place; a log, a whole line at
 * most every progress_every_ms (none at the start: a short run stays
 * quiet). */
static void progress_line(struct run *run, size_t done, size_t n)
{
	const struct http_config *cfg = &run->c->cfg;
	const struct http_progress *p = run->progress;
	if (!p)
		return;
	if (cfg->progress) {
		if (log_json_enabled())
			log_json_progress(p->verb, p->noun, done, n);
		else
			fprintf(stderr, "\r%s: %zu/%zu %s", p->verb, done, n, p->noun);
		return;
	}
	if (!cfg->progress_log)
		return;
	long long now = http_now_ms();
	if (done == 0) {
		run->last_line_ms = now;
		return;
	}
	if (now - run->last_line_ms < cfg->progress_every_ms)
		return;
	run->last_line_ms = now;
	char a[32], b[32];
	fprintf(stderr, "%s: %s/%s %s\n", p->verb, counted(a, done), counted(b, n), p->noun);
}

/* r has its outcome: tell the caller, and send it again if asked to. */
static void complete(struct run *run, struct http_request *r)
{
	bool again = r->on_done && r->on_done(r, r->ctx) && http_ok(r);
	if (again) {
		r->attempts = 0;
		r->auth.renewals = 0;
		push_pending(run->c, r, 0);
		return;
	}
	if (r->ungated)
		return; /* in no count */
	run->finished++;
	progress_line(run, run->finished, run->n);
}

static void finish_api(struct run *run, struct http_request *r, CURLcode rc, bool sent)
{
	struct http_client *c = run->c;
	switch (http_classify(c, r, rc, sent)) {
	case HTTP_V_REFUSED:
		if (c->hooks.refused && c->hooks.refused(c->hooks.ctx, c, r)) {
			push_pending(c, r, 0); /* behind the gate, for the new credentials */
			break;
		}
		r->outcome = HTTP_ANSWERED;
		complete(run, r);
		break;
	case HTTP_V_RETRY: push_pending(c, r, http_now_ms() + http_retry_delay(c, r)); break;
	default: complete(run, r);
	}
}

/* Ends the finished transfers, refills their slots with waiting requests,
 * and only then reads the answers: decoding a page takes time that the
 * next requests spend on the wire. */
static void reap(struct run *run, bool *any)
{
	struct http_client *c = run->c;
	CURLMsg *m;
	int left;
	size_t n = 0;
	while ((m = curl_multi_info_read(c->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct http_request *r = NULL;
		CURLcode rc = m->data.result;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		*any = true;
		XGROW(run->ended, run->cap_ended, n + 1);
		run->ended[n++] = (struct ended){ r, rc, http_end_transfer(c, r, rc) };
	}
	size_t held = 0;
	for (size_t i = 0; i < n; i++)
		held += run->ended[i].r->chain > 1;
	if (n && c->n_pending) {
		int still = 0;
		http_start_ready(c, http_now_ms(), held);
		curl_multi_perform(c->multi, &still);
	}
	for (size_t i = 0; i < n; i++)
		finish_api(run, run->ended[i].r, run->ended[i].rc, run->ended[i].sent);
}

/* The gate failed: nothing can go, every waiting request fails with its
 * reason. */
static void fail_pending(struct run *run, const char *why, const char *hint)
{
	struct http_client *c = run->c;
	while (c->n_pending) {
		struct http_request *r = c->pending[--c->n_pending];
		r->outcome = HTTP_NOT_SENT;
		r->status = 0;
		r->gate_failed = true;
		r->gate_hint = hint;
		snprintf(r->error, sizeof(r->error), "%s", why);
		complete(run, r);
	}
}

static void arm(struct http_client *c, struct http_request *r)
{
	r->outcome = HTTP_NOT_SENT;
	r->status = 0;
	r->error[0] = '\0';
	r->attempts = 0;
	r->auth.renewals = 0;
	r->gate_failed = false;
	r->gate_hint = NULL;
	push_pending(c, r, 0);
}

void http_run_add(struct http_client *c, struct http_request *r)
{
	arm(c, r);
	if (c->run && !r->ungated)
		c->run->n++;
}

int http_run(struct http_client *c, struct http_request **reqs, size_t n,
	     const struct http_progress *progress)
{
	struct run run = { .c = c, .progress = progress, .n = n };
	struct run *outer = c->run;
	c->run = &run;
	for (size_t i = 0; i < n; i++)
		arm(c, reqs[i]);
	progress_line(&run, 0, n);
	while (c->n_pending || c->running) {
		long long now = http_now_ms();
		const char *why = NULL, *hint = NULL;
		if (http_gate_state(c, now, &why, &hint) == HTTP_GATE_FAILED)
			fail_pending(&run, why ? why : "the gate failed", hint);
		http_start_ready(c, now, 0);
		int still = 0;
		curl_multi_perform(c->multi, &still);
		bool any = false;
		reap(&run, &any);
		if (!any && (c->n_pending || c->running))
			curl_multi_poll(c->multi, NULL, 0, (int)http_wait_ms(c, http_now_ms()), NULL);
	}
	c->run = outer;
	free(run.ended);
	if (c->cfg.progress && progress && run.n && !log_json_enabled())
		fputc('\n', stderr);
	for (size_t i = 0; i < n; i++)
		if (!http_ok(reqs[i]))
			return -1;
	return 0;
}

int http_send(struct http_client *c, struct http_request *r)
{
	return http_run(c, &r, 1, NULL);
}

const char *http_failure(const struct http_request *r, char *buf, size_t size)
{
	if (r->outcome != HTTP_ANSWERED && r->attempts > 1 && !r->gate_failed)
		snprintf(buf, size, "%s%safter %d attempts", r->error, r->error[0] ? "; " : "", r->attempts);
	else
		snprintf(buf, size, "%s", r->error);
	return buf;
}
