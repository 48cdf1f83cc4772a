/*
 * The HTTP client (http/http.h): requests, the multi loop, retries, reports.
 * The token's lifecycle is in liveramp/token.c; the pure helpers and the
 * failure reports in http/util.c.
 *
 * A run keeps every request that still needs sending in one `pending`
 * list, each with the time it may go (0, or the end of its backoff). The
 * loop starts what is ready while fewer than `concurrency` transfers run
 * and a token is at hand, lets curl work, then decides for each finished
 * transfer: done, retry later, or wait for a new token. Requests never
 * block each other: a request in backoff leaves its slot to the next.
 *
 * Which ready request goes first (http/sched.c): those others wait for
 * (`first`), then the one on the longest cursor chain (`chain`), then the
 * oldest. A page whose list goes on keeps its slot for the next page
 * (reap), so a long walk never waits behind a queue of one-shots.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "liveramp/decode.h"
#include "http/private.h"
#include "util/clock.h"
#include "util/scrub.h"
#include "util/xalloc.h"
#include "util/log_json.h"

#define RULE "backend"
#define RETRY_AFTER_MAX_MS 60000L
#define PAGE_LIMIT HTTP_PAGE_LIMIT

long long http_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the client ------------------------------------------------------------ */

static char *copy_trimmed_url(const char *url)
{
	char *s = xstrdup(url ? url : "");
	size_t n = strlen(s);
	while (n && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

int http_client_new(struct http_client **out, const struct http_config *cfg, struct diags *d)
{
	*out = NULL;
	struct http_client *c = xcalloc(1, sizeof(*c));
	c->cfg = *cfg;
	c->cfg.api_url = c->api_url = copy_trimmed_url(cfg->api_url);
	c->cfg.token_url = c->token_url = xstrdup(cfg->token_url ? cfg->token_url : "");
	c->cfg.org_id = c->org_id = xstrdup(cfg->org_id ? cfg->org_id : "");
	c->cfg.account_id = c->account_id = xstrdup(cfg->account_id ? cfg->account_id : "");
	c->cfg.secret_key = c->secret_key = xstrdup(cfg->secret_key ? cfg->secret_key : "");
	scrub_register(c->secret_key);
	if (c->cfg.concurrency < 1)
		c->cfg.concurrency = 1;
	if (c->cfg.max_retries < 0)
		c->cfg.max_retries = 0;
	c->rng = (uint64_t)http_now_ms() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)c;
	c->multi = curl_multi_init();
	if (!c->multi) {
		diag_error(d, RULE, NULL, "check the libcurl installation", "libcurl could not start");
		http_client_free(c);
		return -1;
	}
	/* Keep a connection per transfer slot alive between requests. */
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->cfg.concurrency + 2);
	*out = c;
	return 0;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	http_token_forget(c);
	http_request_release(&c->token_req);
	for (size_t i = 0; i < c->n_idle; i++)
		curl_easy_cleanup(c->idle[i]);
	free(c->idle);
	free(c->pending);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	free(c->api_url);
	free(c->token_url);
	free(c->org_id);
	free(c->account_id);
	wipe_free(c->secret_key);
	scrub_clear();
	free(c);
}

long http_client_backoff_ms(struct http_client *c, int attempt)
{
	return http_backoff_ms(attempt, c->cfg.retry_base_ms, c->cfg.retry_cap_ms, http_random_next(&c->rng));
}

/* ---- requests ------------------------------------------------------------- */

static const char *method_name(enum http_method m)
{
	static const char *const NAMES[] = {"GET", "POST", "PUT", "DELETE"};
	return NAMES[m];
}

/* "METHOD /path" without the query, for messages. */
static void set_what(struct http_request *r, const char *path, const char *note)
{
	size_t n = strcspn(path, "?");
	snprintf(r->what, sizeof(r->what), "%s %.*s%s", method_name(r->method), (int)(n > 120 ? 120 : n), path,
		 note ? note : "");
}

void http_request_init(struct http_request *r, const struct http_client *c, enum http_method method,
		       const char *path, const char *body)
{
	r->method = method;
	sb_reset(&r->url);
	sb_printf(&r->url, "%s%s", c->cfg.api_url, path);
	sb_reset(&r->body);
	if (body)
		sb_puts(&r->body, body);
	r->resend_lost = method == HTTP_GET || method == HTTP_PUT;
	r->chain = 0; /* a one-shot, unless a list says otherwise (liveramp/list.c) */
	set_what(r, path, NULL);
}

void http_escape(struct strbuf *sb, const char *s)
{
	static const char HEX[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.' || ch == '~') {
			sb_putc(sb, (char)ch);
		} else {
			sb_putc(sb, '%');
			sb_putc(sb, HEX[ch >> 4]);
			sb_putc(sb, HEX[ch & 15]);
		}
	}
}

void http_request_page(struct http_request *r, const struct http_client *c, const char *path,
		       const char *filter, const char *after)
{
	http_request_init(r, c, HTTP_GET, path, NULL);
	sb_printf(&r->url, "?limit=%d", PAGE_LIMIT);
	if (filter && *filter)
		sb_printf(&r->url, "&%s", filter);
	if (after) {
		sb_puts(&r->url, "&after=");
		http_escape(&r->url, after);
	}
}

void http_request_drop_json(struct http_request *r)
{
	json_decref(r->json);
	r->json = NULL;
}

void http_request_release(struct http_request *r)
{
	if (!r)
		return;
	http_request_drop_json(r);
	sb_release(&r->url);
	if (r->body.buf)
		explicit_bzero(r->body.buf, r->body.cap);
	sb_release(&r->body);
	sb_release(&r->response);
	memset(r, 0, sizeof(*r));
}

bool http_ok(const struct http_request *r)
{
	return r->outcome == HTTP_ANSWERED && r->status >= 200 && r->status < 300;
}

/* ---- transfers -------------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	struct http_request *r = ud;
	size_t len = size * n;
	if (r->response.len + len > HTTP_RESPONSE_MAX) {
		r->priv.too_big = true;
		return 0; /* CURLE_WRITE_ERROR: a hostile or broken server */
	}
	sb_add(&r->response, data, len);
	return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
	struct http_request *r = ud;
	size_t len = size * n;
	http_keep_location(r, data, len);
	static const char NAME[] = "retry-after:";
	size_t k = sizeof(NAME) - 1;
	if (len > k && strncasecmp(data, NAME, k) == 0) {
		char v[64];
		size_t vl = len - k < sizeof(v) - 1 ? len - k : sizeof(v) - 1;
		memcpy(v, data + k, vl);
		v[vl] = '\0';
		r->priv.retry_after_ms = http_retry_after_ms(v, clock_now());
	}
	return len;
}

static CURL *take_easy(struct http_client *c)
{
	if (c->n_idle) {
		CURL *e = c->idle[--c->n_idle];
		curl_easy_reset(e);
		return e;
	}
	return curl_easy_init();
}

static void wipe_headers(struct curl_slist *h)
{
	for (struct curl_slist *p = h; p; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(h);
}

/* The headers of an API request. The Authorization line is built on the
 * stack and wiped, so the token lives only in the client and in curl's
 * copy (wiped when the transfer ends). */
static struct curl_slist *api_headers(struct http_client *c, const struct http_request *r)
{
	char line[4096];
	struct curl_slist *h = NULL;
	snprintf(line, sizeof(line), "Authorization: Bearer %s", c->token ? c->token : "");
	h = curl_slist_append(h, line);
	explicit_bzero(line, sizeof(line));
	snprintf(line, sizeof(line), "LR-Org-ID: %s", c->cfg.org_id);
	h = curl_slist_append(h, line);
	h = curl_slist_append(h, "Accept: application/json");
	if (r->body.len)
		h = curl_slist_append(h, "Content-Type: application/json");
	else if (r->method != HTTP_GET) /* no body: no type (curl would say form-urlencoded) */
		h = curl_slist_append(h, "Content-Type:");
	return curl_slist_append(h, "Expect:");
}

static void set_method(CURL *e, const struct http_request *r)
{
	if (r->method == HTTP_POST)
		curl_easy_setopt(e, CURLOPT_POST, 1L);
	else if (r->method != HTTP_GET)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method_name(r->method));
	if (r->method != HTTP_GET) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body.len ? r->body.buf : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)r->body.len);
	}
}

/* Starts one attempt of r. token: r is the token request. */
void http_start(struct http_client *c, struct http_request *r, bool token)
{
	CURL *e = take_easy(c);
	struct curl_slist *h = token ? http_token_headers() : api_headers(c, r);
	sb_reset(&r->response);
	http_request_drop_json(r);
	r->status = 0;
	r->error[0] = '\0';
	r->location[0] = '\0';
	r->priv.too_big = false;
	r->attempts++;
	r->priv.retry_after_ms = -1;
	r->priv.token_gen = c->token_gen;
	r->priv.client = c;
	snprintf(c->ua, sizeof(c->ua), "%s/%s", RECONCILER_NAME, RECONCILER_VERSION);
	curl_easy_setopt(e, CURLOPT_URL, r->url.buf);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, c->ua);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->cfg.timeout_s * 1000L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->cfg.connect_timeout_s * 1000L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	set_method(e, r);
	/* libcurl silently sends a request again when a reused connection
	 * dies before any answer ("Connection died, retrying a fresh
	 * connect"), POSTs included. For a write that is a blind re-send, the
	 * very thing liveramp/write.c's policy forbids: on a fresh connection
	 * curl does not do it, and the lost answer comes back to us. */
	if (!r->resend_lost)
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	if (c->cfg.debug)
		http_debug_enable(e, r, token);
	r->priv.easy = e;
	r->priv.headers = h;
	c->running++;
	curl_multi_add_handle(c->multi, e);
}

/* Ends the transfer of r; returns its curl result in *rc and whether the
 * request reached the server (any request bytes were sent). */
static bool end_transfer(struct http_client *c, struct http_request *r, CURLcode rc)
{
	CURL *e = r->priv.easy;
	long sent = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(e, CURLINFO_REQUEST_SIZE, &sent);
	if (rc != CURLE_OK) {
		r->status = 0;
		if (r->priv.too_big)
			snprintf(r->error, sizeof(r->error), "the answer is larger than %zu MiB (the limit): cut off",
				 HTTP_RESPONSE_MAX >> 20);
		else
			snprintf(r->error, sizeof(r->error), "%s", curl_easy_strerror(rc));
	}
	curl_multi_remove_handle(c->multi, e);
	XGROW(c->idle, c->cap_idle, c->n_idle + 1);
	c->idle[c->n_idle++] = e;
	wipe_headers(r->priv.headers);
	r->priv.headers = NULL;
	r->priv.easy = NULL;
	c->running--;
	return sent > 0;
}

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
	case CURLE_TOO_MANY_REDIRECTS:
		return true;
	default:
		return false;
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
	r->json = json_loadb(r->response.buf, r->response.len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
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
	if ((r->status == 401 || r->status == 403) && !r->priv.reauthed) {
		r->outcome = HTTP_NOT_SENT;
		return HTTP_V_REAUTH;
	}
	if (r->status == 429) {
		r->outcome = HTTP_NOT_SENT;
		return can_retry ? HTTP_V_RETRY : HTTP_V_DONE;
	}
	if (r->status >= 500 || garbled(r)) {
		r->outcome = HTTP_LOST;
		if (r->status < 500)
			snprintf(r->error, sizeof(r->error), "%s",
				 api_body_is_html(r->response.buf, r->response.len)
				     ? "the answer is an HTML page, not JSON: a gateway or proxy answered, not the API"
				     : "the answer's body is not JSON");
		return can_retry && r->resend_lost ? HTTP_V_RETRY : HTTP_V_DONE;
	}
	r->outcome = HTTP_ANSWERED;
	return HTTP_V_DONE;
}

long http_client_wait_ms(struct http_client *c, const struct http_request *r, int attempt)
{
	long delay = http_client_backoff_ms(c, attempt);
	long after = r->priv.retry_after_ms > RETRY_AFTER_MAX_MS ? RETRY_AFTER_MAX_MS : r->priv.retry_after_ms;
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
	struct ended *ended; /* reap's */
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
	if (r->outcome != HTTP_ANSWERED && r->attempts > 1 && !r->priv.no_token)
		snprintf(r->error + strlen(r->error), sizeof(r->error) - strlen(r->error),
			 "%safter %d attempts", r->error[0] ? "; " : "", r->attempts);
	bool again = r->on_done && r->on_done(r, r->ctx) && http_ok(r);
	if (again) {
		r->attempts = 0;
		r->priv.reauthed = false;
		push_pending(run->c, r, 0);
		return;
	}
	run->finished++;
	progress_line(run, run->finished, run->n);
}

static void finish_api(struct run *run, struct http_request *r, CURLcode rc, bool sent)
{
	struct http_client *c = run->c;
	switch (http_classify(c, r, rc, sent)) {
	case HTTP_V_REAUTH:
		/* Only the first request refused with the current token drops
		 * it (and uses up its refresh); the others just wait for the
		 * new one. The generation moves on with the drop, so that later
		 * refusals of the dropped token are seen as such. */
		if (r->priv.token_gen == c->token_gen) {
			r->priv.reauthed = true;
			http_token_forget(c);
			c->token_gen++;
		}
		push_pending(c, r, 0);
		break;
	case HTTP_V_RETRY:
		push_pending(c, r, http_now_ms() + http_retry_delay(c, r));
		break;
	default:
		complete(run, r);
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
		if (r == &c->token_req) {
			http_token_finish(c, rc, end_transfer(c, r, rc));
			continue;
		}
		XGROW(run->ended, run->cap_ended, n + 1);
		run->ended[n++] = (struct ended){r, rc, end_transfer(c, r, rc)};
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

/* Without a token nothing can go: every waiting request fails with the
 * token's error. */
static void fail_pending(struct run *run)
{
	struct http_client *c = run->c;
	while (c->n_pending) {
		struct http_request *r = c->pending[--c->n_pending];
		r->outcome = HTTP_NOT_SENT;
		r->status = 0;
		r->priv.no_token = true;
		snprintf(r->error, sizeof(r->error), "%s", c->token_error);
		complete(run, r);
	}
}

static void arm(struct http_client *c, struct http_request *r)
{
	r->outcome = HTTP_NOT_SENT;
	r->status = 0;
	r->error[0] = '\0';
	r->attempts = 0;
	r->priv.reauthed = false;
	r->priv.no_token = false;
	push_pending(c, r, 0);
}

void http_run_add(struct http_client *c, struct http_request *r)
{
	arm(c, r);
	if (c->run)
		c->run->n++;
}

int http_run(struct http_client *c, struct http_request **reqs, size_t n, const struct http_progress *progress)
{
	struct run run = {.c = c, .progress = progress, .n = n};
	struct run *outer = c->run;
	c->run = &run;
	for (size_t i = 0; i < n; i++)
		arm(c, reqs[i]);
	progress_line(&run, 0, n);
	while (c->n_pending || c->running) {
		long long now = http_now_ms();
		if (c->token_error[0] && !c->token_inflight)
			fail_pending(&run);
		http_token_maybe_start(c, now);
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
