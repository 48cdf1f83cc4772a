/*
 * The debug trace of the HTTP engine (RECONCILER_HTTP_DEBUG=1): every
 * transfer on stderr, with the Authorization value, the bodies of requests
 * marked `redact` and every registered secret (util/scrub.h: the secret
 * keys and tokens of the callers) taken out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/private.h"
#include "util/scrub.h"
#include "util/xalloc.h"

#define DEBUG_BODY_MAX 2000

/* One piece of the trace, at most max bytes of it shown: scrubbed whole
 * first, so that the cut never leaves the start of a secret. */
static void trace_max(const struct http_request *r, const char *prefix, const char *data, size_t size,
		      size_t max)
{
	char *text = xstrndup(data, size);
	scrub_registered(text);
	size_t n = strlen(text);
	if (n > max)
		text[n = max] = '\0';
	fprintf(stderr, "%s%s%s", prefix, text, n && text[n - 1] == '\n' ? "" : "\n");
	explicit_bzero(text, n);
	free(text);
}

static void trace(const struct http_request *r, const char *prefix, const char *data, size_t size)
{
	trace_max(r, prefix, data, size, size);
}

/* Header lines out, with the Authorization value replaced. */
static void trace_headers_out(const struct http_request *r, const char *data, size_t size)
{
	const char *end = data + size;
	while (data < end) {
		const char *nl = memchr(data, '\n', (size_t)(end - data));
		size_t len = nl ? (size_t)(nl - data + 1) : (size_t)(end - data);
		if (len >= 14 && strncasecmp(data, "authorization:", 14) == 0)
			fprintf(stderr, "> Authorization: [redacted]\n");
		else if (len > 2)
			trace(r, "> ", data, len);
		data += len;
	}
}

static int on_debug(CURL *e, curl_infotype type, char *data, size_t size, void *ud)
{
	const struct http_request *r = ud;
	char note[96];
	switch (type) {
	case CURLINFO_TEXT: trace(r, "* ", data, size); break;
	case CURLINFO_HEADER_OUT: trace_headers_out(r, data, size); break;
	case CURLINFO_HEADER_IN: trace(r, "< ", data, size); break;
	case CURLINFO_DATA_OUT:
	case CURLINFO_DATA_IN:
		if (r->redact) {
			snprintf(note, sizeof(note), "[%zu bytes of the %.40s %s, redacted]", size, r->redact,
				 type == CURLINFO_DATA_OUT ? "request" : "answer");
			trace(r, type == CURLINFO_DATA_OUT ? "> " : "< ", note, strlen(note));
		} else {
			trace_max(r, type == CURLINFO_DATA_OUT ? "> " : "< ", data, size, DEBUG_BODY_MAX);
		}
		break;
	default: break; /* TLS records */
	}
	return 0;
}

void http_debug_enable(CURL *e, struct http_request *r)
{
	curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(e, CURLOPT_DEBUGDATA, r);
	curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
}
