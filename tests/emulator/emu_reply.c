/*
 * Answers and request helpers shared by every handler: the StandardError
 * body the contract uses for every failure, JSON bodies, query parameters,
 * and the one sleep that shutdown can interrupt.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emulator.h"

void emu_reply_json(struct emu_response *rs, unsigned status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	sb_reset(&rs->body);
	sb_puts(&rs->body, text ? text : "null");
	free(text);
	json_decref(body);
	rs->status = status;
	rs->content_type = "application/json";
}

/* PUT and DELETE answer 200 with no body, as the contract documents: a
 * client must not need one. */
void emu_reply_empty(struct emu_response *rs, unsigned status)
{
	sb_reset(&rs->body);
	rs->status = status;
	rs->content_type = NULL;
}

void emu_error(struct emu_response *rs, unsigned status, const char *code, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&msg, fmt, ap);
	va_end(ap);
	emu_reply_json(rs, status,
		       json_pack("{s:i, s:s, s:s}", "httpStatus", (int)status, "errorCode", code, "message",
				 sb_str(&msg)));
	sb_release(&msg);
}

/* Whether the request says its body is JSON (application/json, any
 * parameters). The admin API takes whatever curl sends. */
static bool says_json(const struct emu_request *rq)
{
	if (strncmp(rq->path, "/v2/", 4) != 0)
		return true;
	const char *ct = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen("application/json");
	return ct && strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

json_t *emu_body_json(struct emu_request *rq, struct emu_response *rs)
{
	json_error_t jerr;
	if (!says_json(rq)) {
		emu_error(rs, 415, "UNSUPPORTED_MEDIA_TYPE",
			  "the request body must be sent as application/json");
		return NULL;
	}
	json_t *v = json_loadb(rq->body, rq->body_len, JSON_DECODE_ANY, &jerr);
	if (!v)
		emu_error(rs, strncmp(rq->path, "/v2/", 4) == 0 ? 422 : 400, "BAD_REQUEST",
			  "the request body is not valid JSON: %s (line %d, column %d)", jerr.text, jerr.line,
			  jerr.column);
	return v;
}

const char *emu_query(const struct emu_request *rq, const char *key)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, key);
}

struct query_walk {
	const char *key;
	json_t *list;
	struct strbuf *out;
};

static void add_split(json_t *list, const char *value)
{
	const char *p = value;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n > 0)
			json_array_append_new(list, json_stringn(p, n));
		p += n + (comma ? 1 : 0);
	}
}

static enum MHD_Result collect_values(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_walk *w = cls;
	if (strcmp(key, w->key) == 0 && value)
		add_split(w->list, value);
	return MHD_YES;
}

json_t *emu_query_list(const struct emu_request *rq, const char *key)
{
	struct query_walk w = { .key = key, .list = json_array() };
	MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, collect_values, &w);
	return w.list;
}

/* Query values that could be secrets never reach the log, even if a client
 * put them in the URL by mistake. */
static bool secret_key(const char *key)
{
	static const char *const SECRET[] = { "password", "client_secret", "access_token",
					      "token",	  "secret",	   NULL };
	for (size_t i = 0; SECRET[i]; i++)
		if (strcasecmp(key, SECRET[i]) == 0)
			return true;
	return false;
}

static enum MHD_Result append_pair(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_walk *w = cls;
	if (w->out->len)
		sb_putc(w->out, '&');
	sb_puts(w->out, key);
	if (value) {
		sb_putc(w->out, '=');
		sb_puts(w->out, secret_key(key) ? "REDACTED" : value);
	}
	return MHD_YES;
}

void emu_query_string(const struct emu_request *rq, struct strbuf *out)
{
	struct query_walk w = { .out = out };
	sb_reset(out);
	MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, append_pair, &w);
}

void emu_sleep_ms(struct emu *e, long ms)
{
	if (ms <= 0)
		return;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&e->stop_lock);
	while (!e->stopping && pthread_cond_timedwait(&e->stop_cond, &e->stop_lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&e->stop_lock);
}

static const char *const CLASS_NAMES[EC_COUNT] = {
	[EC_NONE] = "other",
	[EC_TOKEN] = "token",
	[EC_LIST] = "list",
	[EC_CREATE] = "create",
	[EC_UPDATE] = "update",
	[EC_DELETE] = "delete",
	[EC_SEG_ADD] = "segments_add",
	[EC_SEG_REMOVE] = "segments_remove",
	[EC_SEGMENTS] = "segments",
	[EC_DELIVERIES] = "deliveries",
};

const char *emu_class_name(enum emu_class c)
{
	return c < EC_COUNT ? CLASS_NAMES[c] : "other";
}

int emu_class_parse(const char *s)
{
	if (strcmp(s, "*") == 0)
		return -1;
	for (int c = EC_TOKEN; c < EC_COUNT; c++)
		if (strcmp(s, CLASS_NAMES[c]) == 0)
			return c;
	return -2;
}
