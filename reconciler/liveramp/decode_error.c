/*
 * Error answers (liveramp/decode.h: api_decode_error). Kept
 * apart from the decoders of good answers: an error body is read field by
 * field and leniently, since a half-right one still says something useful,
 * and it never adds a diagnostic (the caller reports the status).
 *
 * Shapes read: the Activation contract's StandardError {httpStatus,
 * errorCode, message}; {"error": {message, code, requestId}}, which other
 * LiveRamp APIs send (the requestId is what support asks for); and OAuth2's
 * {error, error_description}.
 */
#include "liveramp/decode.h"

#include <string.h>

#include <jansson.h>

/* obj[key] when it is a string, copied into the arena; else NULL. */
static const char *str_of(const json_t *obj, const char *key, struct arena *a)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? arena_strndup(a, json_string_value(v), json_string_length(v)) : NULL;
}

int api_decode_error(struct api_error *out, const char *body, size_t len, struct arena *a)
{
	memset(out, 0, sizeof(*out));
	json_t *root = body && len ? json_loadb(body, len, 0, NULL) : NULL;
	if (!json_is_object(root)) {
		json_decref(root);
		return -1;
	}
	const json_t *status = json_object_get(root, "httpStatus");
	if (json_is_integer(status) && json_integer_value(status) >= 100 && json_integer_value(status) <= 599)
		out->http_status = (int)json_integer_value(status);
	const json_t *nested = json_object_get(root, "error");
	if (json_is_object(nested)) {
		out->message = str_of(nested, "message", a);
		out->code = str_of(nested, "code", a);
		const json_t *code = json_object_get(nested, "code");
		if (!out->code && json_is_integer(code)) /* some send the code as a number */
			out->code = arena_printf(a, "%lld", (long long)json_integer_value(code));
		out->request_id = str_of(nested, "requestId", a);
	}
	if (!out->code)
		out->code = str_of(root, "errorCode", a);
	if (!out->code)
		out->code = str_of(root, "error", a); /* OAuth2 (a string there) */
	if (!out->message)
		out->message = str_of(root, "message", a);
	if (!out->message)
		out->message = str_of(root, "error_description", a);
	if (!out->request_id)
		out->request_id = str_of(root, "requestId", a);
	json_decref(root);
	return out->code || out->message || out->http_status ? 0 : -1;
}
