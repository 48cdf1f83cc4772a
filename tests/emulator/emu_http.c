/*
 * The MHD access handler: collects the body, routes the request, checks
 * auth, picks a fault, runs the resource handler under the state lock, logs
 * the request, and answers (or, for some faults, does not).
 *
 * Faults fall in two groups. 500, 503, 429 (both with Retry-After: 1),
 * reset and expired_token answer instead of running the request: nothing
 * changes. lost, timeout, malformed, truncated and partial207 run it
 * (writes are applied and persisted) and then spoil the answer: lost
 * drops the connection, timeout holds the answer for timeout_s seconds,
 * malformed sends 200 with a non-JSON body, truncated sends the first half
 * of the real body. Faults are picked only for requests that routed and
 * passed auth, so a test's "the next create" means exactly that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emulator.h"
#include "util/xalloc.h"

/* Bodies larger than this are refused (a 500-item batch is ~60 KiB). */
#define BODY_MAX ((size_t)16 << 20)
#define MAX_SEGMENTS 8

struct conn_ctx {
	struct strbuf body;
	bool too_big;
	struct timespec start;
};

struct route {
	const char *method;
	const char *pattern; /* "*" matches one path segment, a parameter */
	enum emu_class cls;
	emu_handler_fn *fn;
};

static const struct route ROUTES[] = {
	{ "POST", "/authn/v1/oauth2/token", EC_TOKEN, emu_token_grant },
	{ "GET", "/v2/destinations", EC_LIST, emu_destinations_list },
	{ "GET", "/v2/destinations/*", EC_LIST, emu_destination_get },
	{ "GET", "/v2/destinations/*/integrations", EC_LIST, emu_integrations_list },
	{ "GET", "/v2/destinations/*/integrations/*", EC_LIST, emu_integration_get },
	{ "POST", "/v2/integration-connections", EC_CREATE, emu_ic_create },
	{ "GET", "/v2/integration-connections", EC_LIST, emu_ic_list },
	{ "GET", "/v2/integration-connections/*", EC_LIST, emu_ic_get },
	{ "PUT", "/v2/integration-connections/*", EC_UPDATE, emu_ic_put },
	{ "DELETE", "/v2/integration-connections/*", EC_DELETE, emu_ic_delete },
	{ "POST", "/v2/distribution-managers", EC_CREATE, emu_dm_create },
	{ "GET", "/v2/distribution-managers", EC_LIST, emu_dm_list },
	{ "GET", "/v2/distribution-managers/*", EC_LIST, emu_dm_get },
	{ "PUT", "/v2/distribution-managers/*", EC_UPDATE, emu_dm_put },
	{ "DELETE", "/v2/distribution-managers/*", EC_DELETE, emu_dm_delete },
	{ "GET", "/v2/distribution-managers/*/segment-configs", EC_LIST, emu_configs_list },
	{ "POST", "/v2/distribution-managers/*/segment-configs", EC_SEG_ADD, emu_configs_add },
	{ "DELETE", "/v2/distribution-managers/*/segment-configs", EC_SEG_REMOVE, emu_configs_remove },
	{ "GET", "/v2/distribution-managers/*/segment-configs/*", EC_LIST, emu_config_get },
	{ "GET", "/v2/segments", EC_SEGMENTS, emu_segments_list },
	{ "GET", "/v2/segments/*", EC_SEGMENTS, emu_segment_get },
	{ "GET", "/v2/deliveries", EC_DELIVERIES, emu_deliveries_list },
};

#define N_ROUTES (sizeof(ROUTES) / sizeof(ROUTES[0]))

/* ---- routing ----------------------------------------------------------- */

/* The path split on '/', in a private copy. False for an empty segment
 * ("//") or too many: such a path matches no route. */
struct split {
	char *buf;
	const char *seg[MAX_SEGMENTS];
	size_t n;
};

static bool split_path(struct split *s, const char *path)
{
	s->buf = xstrdup(path);
	s->n = 0;
	size_t len = strlen(s->buf);
	if (len > 1 && s->buf[len - 1] == '/')
		s->buf[--len] = '\0'; /* one trailing slash is tolerated */
	if (s->buf[0] != '/')
		return false;
	if (len == 1)
		return true;
	char *p = s->buf + 1;
	for (;;) {
		if (*p == '\0' || *p == '/' || s->n == MAX_SEGMENTS)
			return false;
		s->seg[s->n++] = p;
		char *slash = strchr(p, '/');
		if (!slash)
			return true;
		*slash = '\0';
		p = slash + 1;
	}
}

/* Matches the split path against a pattern; '*' segments go to param. */
static bool match(const char *pattern, const struct split *s, const char *param[2])
{
	const char *p = pattern + 1;
	size_t i = 0, np = 0;
	const char *got[2] = { NULL, NULL };
	while (*p) {
		size_t n = strcspn(p, "/");
		if (i == s->n)
			return false;
		if (n == 1 && *p == '*') {
			if (np < 2)
				got[np++] = s->seg[i];
		} else if (strlen(s->seg[i]) != n || strncmp(s->seg[i], p, n) != 0) {
			return false;
		}
		i++;
		p += n + (p[n] == '/');
	}
	if (i != s->n)
		return false;
	param[0] = got[0];
	param[1] = got[1];
	return true;
}

/* The route for method and path. When the path exists under other methods
 * only, returns NULL with their list in allow (for a 405). */
static const struct route *find_route(const struct split *s, const char *method, const char *param[2],
				      struct strbuf *allow)
{
	for (size_t i = 0; i < N_ROUTES; i++) {
		if (!match(ROUTES[i].pattern, s, param))
			continue;
		if (strcmp(ROUTES[i].method, method) == 0) {
			sb_reset(allow);
			return &ROUTES[i];
		}
		sb_printf(allow, "%s%s", allow->len ? ", " : "", ROUTES[i].method);
	}
	return NULL;
}

static bool is_v2(const char *url)
{
	return strncmp(url, "/v2/", 4) == 0 || strcmp(url, "/v2") == 0;
}

/* ---- one API request ---------------------------------------------------- */

/* The echo fault: an API that quotes what it was sent, as careless error
 * pages do. The padding puts the secret across the place where the client
 * cuts the message (160 characters for the token endpoint, 300 for the
 * API), so that a scrub after the cut would leave its start. */
static void echo_request(struct emu_request *rq, struct emu_response *rs)
{
	const char *auth = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Authorization");
	size_t pad = rq->cls == EC_TOKEN ? 85 : 250;
	struct strbuf msg = STRBUF_INIT;
	sb_puts(&msg, "echo: ");
	for (size_t i = 0; i < pad; i++)
		sb_putc(&msg, '.');
	if (rq->cls != EC_TOKEN)
		sb_printf(&msg, " Authorization: %s", auth ? auth : "(none)");
	sb_printf(&msg, " body: %s", rq->body);
	emu_error(rs, 400, "BAD_REQUEST", "%s", msg.buf);
	sb_release(&msg);
}

/* 65 MiB and a little: over any sane client's cap. */
#define HUGE_BODY ((size_t)65 << 20)
static void huge_body(struct emu_response *rs)
{
	sb_reset(&rs->body);
	sb_puts(&rs->body, "{\"pad\": \"");
	size_t start = rs->body.len;
	for (size_t n = 0; n < HUGE_BODY; n += 4096) {
		static const char chunk[4096] = { 0 };
		sb_add(&rs->body, chunk, sizeof(chunk));
	}
	memset(rs->body.buf + start, 'a', rs->body.len - start);
	sb_puts(&rs->body, "\"}");
	rs->status = 200;
	rs->content_type = "application/json";
}

/* Auth, fault, handler: everything that needs the lock. */
static void run_api(struct emu *e, const struct route *r, struct emu_request *rq, struct emu_response *rs,
		    struct emu_log_entry *le)
{
	emu_store_expire_managers(e);
	if (r->cls != EC_TOKEN) {
		bool auth, org;
		int rc = emu_auth_check(e, rq, rs, &auth, &org);
		le->auth = auth;
		le->org = org;
		if (rc != 0)
			return;
	}
	le->fault = emu_fault_pick(e, rq);
	switch (le->fault) {
	case EF_500:
		emu_error(rs, 500, "INTERNAL_SERVER_ERROR", "injected fault: internal server error");
		return;
	case EF_503:
		emu_error(rs, 503, "SERVICE_UNAVAILABLE", "injected fault: service unavailable");
		rs->retry_after = 1;
		return;
	case EF_429:
		emu_error(rs, 429, "TOO_MANY_REQUESTS", "injected fault: too many requests");
		rs->retry_after = 1;
		return;
	case EF_RESET: return;
	case EF_EXPIRED_TOKEN: emu_auth_expire_request(e, rq, rs); return;
	case EF_PARTIAL207: rq->partial = true; break;
	case EF_ECHO: echo_request(rq, rs); return;
	case EF_REDIRECT:
	case EF_REDIRECT_SCHEME:
		emu_error(rs, 302, "FOUND", "moved");
		rs->location =
		    le->fault == EF_REDIRECT ? "http://127.0.0.2:9/v2/elsewhere" : "file:///etc/passwd";
		return;
	case EF_HUGE: huge_body(rs); return;
	case EF_SLOW:
		rs->status = 200;
		rs->content_type = "application/json";
		rs->slow = true;
		return;
	case EF_HTML403: /* an edge's page for an address it does not allow */
		sb_reset(&rs->body);
		sb_puts(&rs->body, "<!DOCTYPE html>\n<html><head><title>Access denied</title></head><body>"
				   "<h1>Error 1020</h1><p>Access denied</p></body></html>\n");
		rs->status = 403;
		rs->content_type = "text/html; charset=UTF-8";
		return;
	case EF_NESTED_ERROR: /* the error shape of LiveRamp's other APIs */
		emu_reply_json(rs, 422,
			       json_pack("{s:{s:s, s:s, s:s}}", "error", "message", "injected fault: refused",
					 "code", "UNPROCESSABLE_ENTITY", "requestId", "req-emu-4711"));
		return;
	case EF_REORDER207:
	case EF_ANON207:
	case EF_REPEAT_ITEMS:
	case EF_CYCLE_CURSOR:
	case EF_OVERSIZE_PAGE:
	case EF_NO_ARRAY_KEY:
	case EF_NO_SEGMENT_ID: rq->shape = le->fault; break;
	case EF_PARTIAL409: rq->partial = rq->refuse_rest = true; break;
	case EF_400: emu_error(rs, 400, "BAD_REQUEST", "injected fault: bad request"); return;
	case EF_404: emu_error(rs, 404, "NOT_FOUND", "injected fault: not found"); return;
	case EF_409: emu_error(rs, 409, "CONFLICT", "injected fault: conflict"); return;
	case EF_422:
		emu_error(rs, 422, "UNPROCESSABLE_ENTITY", "injected fault: unprocessable entity");
		return;
	default: break;
	}
	r->fn(e, rq, rs);
}

/* What a client sees instead of a good body. */
static void spoil_body(struct emu_response *rs, enum emu_fault_kind fault)
{
	if (fault == EF_MALFORMED) {
		sb_reset(&rs->body);
		sb_puts(&rs->body, "<html><body><h1>502 Bad Gateway</h1>upstream sent garbage</body></html>");
		rs->status = 200;
		rs->content_type = "application/json";
	} else if (fault == EF_TRUNCATED) {
		rs->body.len /= 2;
		if (rs->body.buf)
			rs->body.buf[rs->body.len] = '\0';
	}
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)((now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000);
}

/* Routes and runs one non-admin request; returns the fault to apply after
 * the lock is released. */
static enum emu_fault_kind serve(struct emu *e, struct conn_ctx *cx, struct emu_request *rq,
				 struct emu_response *rs, struct strbuf *allow)
{
	struct split s;
	const struct route *r =
	    split_path(&s, rq->path) ? find_route(&s, rq->method, rq->param, allow) : NULL;
	rq->cls = r ? r->cls : EC_NONE;
	struct emu_log_entry le = { .rq = rq, .auth = -1, .org = -1, .fault = EF_NONE };
	if (r && is_v2(rq->path)) {
		pthread_mutex_lock(&e->lock);
		long latency = e->latency_ms;
		pthread_mutex_unlock(&e->lock);
		emu_sleep_ms(e, latency);
	}
	pthread_mutex_lock(&e->lock);
	if (cx->too_big)
		emu_error(rs, 413, "PAYLOAD_TOO_LARGE", "the request body is larger than %zu bytes",
			  BODY_MAX);
	else if (r) {
		struct emu_tenant *t = emu_tenant_for(e, rq);
		if (t)
			emu_tenant_swap(e, t);
		run_api(e, r, rq, rs, &le);
		if (t)
			emu_tenant_swap(e, t);
	} else if (allow->len)
		emu_error(rs, 405, "METHOD_NOT_ALLOWED", "%s does not accept %s", rq->path, rq->method);
	else
		emu_error(rs, 404, "NOT_FOUND", "no such endpoint: %s %s", rq->method, rq->path);
	rs->allow = allow->len ? allow->buf : NULL;
	le.status = rs->status;
	le.outcome = le.fault == EF_RESET ? "reset" : le.fault == EF_LOST ? "lost" : NULL;
	le.ms = elapsed_ms(&cx->start);
	emu_log_add(e, &le);
	long hold = e->timeout_s;
	pthread_mutex_unlock(&e->lock);
	free(s.buf);
	if (le.fault == EF_TIMEOUT)
		emu_sleep_ms(e, hold * 1000);
	spoil_body(rs, le.fault);
	return le.fault;
}

/* The slow fault's body: one space every 100 ms, for as long as the client
 * listens (one thread per connection: sleeping here stalls no one else). */
static ssize_t trickle(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)max;
	struct timespec ts = { 0, 100 * 1000000L };
	if (pos > 0)
		nanosleep(&ts, NULL);
	buf[0] = pos == 0 ? '[' : ' ';
	return 1;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct emu_response *rs)
{
	size_t len = rs->body.len;
	struct MHD_Response *r =
	    rs->slow ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1, trickle, NULL, NULL)
		     : MHD_create_response_from_buffer(len, sb_detach(&rs->body), MHD_RESPMEM_MUST_FREE);
	if (rs->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rs->content_type);
	if (rs->retry_after > 0) {
		char v[16];
		snprintf(v, sizeof(v), "%d", rs->retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, v);
	}
	if (rs->allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rs->allow);
	if (rs->location)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, rs->location);
	enum MHD_Result ret = MHD_queue_response(conn, rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result process(struct emu *e, struct MHD_Connection *conn, struct conn_ctx *cx,
			       const char *url, const char *method)
{
	struct emu_request rq = { .conn = conn,
				  .method = method,
				  .path = url,
				  .body = sb_str(&cx->body),
				  .body_len = cx->body.len };
	struct emu_response rs = { .status = 500 };
	struct strbuf allow = STRBUF_INIT;
	enum emu_fault_kind fault = EF_NONE;
	if (strncmp(url, "/_admin/", 8) == 0) {
		pthread_mutex_lock(&e->lock);
		emu_admin(e, &rq, &rs);
		pthread_mutex_unlock(&e->lock);
	} else {
		fault = serve(e, cx, &rq, &rs, &allow);
	}
	enum MHD_Result ret = MHD_NO; /* reset and lost: close without an answer */
	if (fault != EF_RESET && fault != EF_LOST)
		ret = send_response(conn, &rs);
	sb_release(&rs.body);
	sb_release(&allow);
	return ret;
}

enum MHD_Result emu_http_handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				const char *version, const char *upload_data, size_t *upload_data_size,
				void **con_cls)
{
	struct conn_ctx *cx = *con_cls;
	if (!cx) {
		cx = xcalloc(1, sizeof(*cx));
		clock_gettime(CLOCK_MONOTONIC, &cx->start);
		*con_cls = cx;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (cx->body.len + *upload_data_size > BODY_MAX)
			cx->too_big = true;
		else
			sb_add(&cx->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return process(cls, conn, cx, url, method);
}

void emu_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *cx = *con_cls;
	if (!cx)
		return;
	sb_release(&cx->body);
	free(cx);
	*con_cls = NULL;
}
