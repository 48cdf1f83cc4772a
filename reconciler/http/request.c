/*
 * Requests of the HTTP engine (http/http.h): the client, building a
 * request, and one attempt of it as a curl transfer (start and end). The
 * run that drives attempts is http/engine.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "http/private.h"
#include "util/clock.h"
#include "util/xalloc.h"

#define RULE "backend"

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
	c->cfg.base_url = c->base_url = copy_trimmed_url(cfg->base_url);
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

void http_client_set_hooks(struct http_client *c, const struct http_hooks *h)
{
	c->hooks = *h;
}

void *http_client_hooks_ctx(const struct http_client *c)
{
	return c->hooks.ctx;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	if (c->hooks.free)
		c->hooks.free(c->hooks.ctx);
	for (size_t i = 0; i < c->n_idle; i++)
		curl_easy_cleanup(c->idle[i]);
	free(c->idle);
	free(c->pending);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	free(c->base_url);
	free(c);
}

long http_client_backoff_ms(struct http_client *c, int attempt)
{
	return http_backoff_ms(attempt, c->cfg.retry_base_ms, c->cfg.retry_cap_ms, http_random_next(&c->rng));
}

/* ---- requests ------------------------------------------------------------- */

static const char *method_name(enum http_method m)
{
	static const char *const NAMES[] = { "GET", "POST", "PUT", "DELETE" };
	return NAMES[m];
}

/* "METHOD /path" without the query, for messages. */
static void set_what(struct http_request *r, const char *path, const char *note)
{
	size_t n = strcspn(path, "?");
	snprintf(r->what, sizeof(r->what), "%s %.*s%s", method_name(r->method), (int)(n > 120 ? 120 : n),
		 path, note ? note : "");
}

static void init_url(struct http_request *r, enum http_method method, const char *base, const char *path,
		     const char *body)
{
	r->method = method;
	sb_reset(&r->url);
	sb_printf(&r->url, "%s%s", base, path);
	sb_reset(&r->body);
	if (body)
		sb_puts(&r->body, body);
	r->resend_lost = method == HTTP_GET || method == HTTP_PUT;
	r->chain = 0; /* a one-shot, unless its caller says otherwise (a list) */
}

void http_request_init(struct http_request *r, const struct http_client *c, enum http_method method,
		       const char *path, const char *body)
{
	init_url(r, method, c->cfg.base_url, path, body);
	set_what(r, path, NULL);
}

void http_request_init_url(struct http_request *r, enum http_method method, const char *url, const char *body,
			   const char *what)
{
	init_url(r, method, "", url, body);
	snprintf(r->what, sizeof(r->what), "%s %s", method_name(method), what);
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

/* The hooks' lines (credentials: every line is wiped when the transfer
 * ends), then the engine's own. */
static struct curl_slist *request_headers(struct http_client *c, struct http_request *r)
{
	char line[160];
	struct curl_slist *h = c->hooks.headers ? c->hooks.headers(c->hooks.ctx, r, NULL) : NULL;
	h = curl_slist_append(h, "Accept: application/json");
	if (r->body.len) {
		snprintf(line, sizeof(line), "Content-Type: %s",
			 r->content_type ? r->content_type : "application/json");
		h = curl_slist_append(h, line);
	} else if (r->method != HTTP_GET) /* no body: no type (curl would say form-urlencoded) */
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

void http_start(struct http_client *c, struct http_request *r)
{
	CURL *e = take_easy(c);
	struct curl_slist *h = request_headers(c, r);
	sb_reset(&r->response);
	http_request_drop_json(r);
	r->status = 0;
	r->error[0] = '\0';
	r->location[0] = '\0';
	r->priv.too_big = false;
	r->attempts++;
	r->priv.retry_after_ms = -1;
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
		http_debug_enable(e, r);
	r->priv.easy = e;
	r->priv.headers = h;
	c->running++;
	c->running_ungated += r->ungated;
	curl_multi_add_handle(c->multi, e);
}

bool http_end_transfer(struct http_client *c, struct http_request *r, CURLcode rc)
{
	CURL *e = r->priv.easy;
	long sent = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(e, CURLINFO_REQUEST_SIZE, &sent);
	if (rc != CURLE_OK) {
		r->status = 0;
		if (r->priv.too_big)
			snprintf(r->error, sizeof(r->error),
				 "the answer is larger than %zu MiB (the limit): cut off",
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
	c->running_ungated -= r->ungated;
	return sent > 0;
}
