/*
 * Decoders of Activation API answers (see liveramp/decode.h).
 *
 * One table lists the kinds of list items with their array key, struct size
 * and item decoder, so a list page, a single object and a fuzz target all
 * go through the same code. Each item decoder reads the fields the backend
 * uses and checks their types; the first problem is kept with the path of
 * the value ("v2/DistributionManagers[3].status") and becomes the one
 * diagnostic of the call.
 */
#include "liveramp/decode.h"

#include <ctype.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "http/http.h"
#include "util/json_word.h"
#include "util/text.h"

#define RULE "backend"
#define HINT                                                                                                 \
	"the answer does not match the Activation API contract; retry, and if it persists "                  \
	"report it to LiveRamp with the request named here"

/* The state of one decode: where we are, and the first problem found. */
struct dx {
	struct arena *a;
	const char *where; /* path of the object being read: "v2/Segments[2]" */
	char err[256];
};

__attribute__((format(printf, 3, 4))) static int fail(struct dx *x, const char *field, const char *fmt, ...)
{
	if (x->err[0])
		return -1;
	int n = 0;
	if (*x->where || field)
		n = snprintf(x->err, sizeof(x->err), "%s%s%s: ", x->where, *x->where && field ? "." : "",
			     field ? field : "");
	if (n < 0 || (size_t)n >= sizeof(x->err))
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->err + n, sizeof(x->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void report(struct dx *x, const char *what, struct diags *d)
{
	diag_error(d, RULE, NULL, HINT, "malformed answer to %s: %s", what ? what : "an API request",
		   x->err[0] ? x->err : "unreadable");
}

/* ---- typed field readers ------------------------------------------------ */

/* obj[key] in *v when it is of the JSON type `type` (named `word` in the
 * problem). A missing or null field gives *v NULL: a problem only when
 * required. */
static int lookup(struct dx *x, const json_t *obj, const char *key, bool required, json_type type,
		  const char *word, const json_t **v)
{
	*v = json_object_get(obj, key);
	if (!*v || json_is_null(*v)) {
		*v = NULL;
		return required ? fail(x, key, "missing") : 0;
	}
	if (json_typeof(*v) != type)
		return fail(x, key, "expected %s, got %s", word, json_type_word(*v, true));
	return 0;
}

/* obj[key] as a string copied into the arena. A missing or null optional
 * field gives NULL; a required one must be a string. */
static int get_str(struct dx *x, const json_t *obj, const char *key, bool required, const char **out)
{
	const json_t *v;
	*out = NULL;
	if (lookup(x, obj, key, required, JSON_STRING, "a string", &v) != 0)
		return -1;
	if (v)
		*out = arena_strndup(x->a, json_string_value(v), json_string_length(v));
	return 0;
}

/* A required string that is not empty: ids and names. */
static int get_id(struct dx *x, const json_t *obj, const char *key, const char **out)
{
	if (get_str(x, obj, key, true, out) != 0)
		return -1;
	return **out ? 0 : fail(x, key, "empty");
}

static int get_enum(struct dx *x, const json_t *obj, const char *key, const char *yes, const char *no,
		    bool *is_yes)
{
	const char *s;
	if (get_str(x, obj, key, true, &s) != 0)
		return -1;
	if (strcmp(s, yes) != 0 && strcmp(s, no) != 0)
		return fail(x, key, "expected %s or %s", no, yes);
	*is_yes = strcmp(s, yes) == 0;
	return 0;
}

/* An array of strings (absent: empty). */
static int get_str_array(struct dx *x, const json_t *obj, const char *key, const char ***out, size_t *n)
{
	const json_t *arr;
	*out = NULL;
	*n = 0;
	if (lookup(x, obj, key, false, JSON_ARRAY, "an array", &arr) != 0)
		return -1;
	if (!arr)
		return 0;
	size_t len = json_array_size(arr);
	*out = arena_alloc(x->a, (len ? len : 1) * sizeof(**out));
	for (size_t i = 0; i < len; i++) {
		const json_t *v = json_array_get(arr, i);
		if (!json_is_string(v))
			return fail(x, key, "item %zu: expected a string, got %s", i,
				    json_type_word(v, true));
		(*out)[i] = arena_strndup(x->a, json_string_value(v), json_string_length(v));
	}
	*n = len;
	return 0;
}

static int get_int(struct dx *x, const json_t *obj, const char *key, bool required, long long *out)
{
	const json_t *v;
	if (lookup(x, obj, key, required, JSON_INTEGER, "an integer", &v) != 0)
		return -1;
	if (v)
		*out = json_integer_value(v);
	return 0;
}

static int need_object(struct dx *x, const json_t *v)
{
	return json_is_object(v) ? 0 : fail(x, NULL, "expected an object, got %s", json_type_word(v, true));
}

/* ---- item decoders ------------------------------------------------------- */

typedef int item_fn(struct dx *x, const json_t *obj, void *out);

static int dec_destination(struct dx *x, const json_t *obj, void *out)
{
	struct api_destination *v = out;
	if (need_object(x, obj) != 0)
		return -1;
	return get_id(x, obj, "id", &v->id) || get_str(x, obj, "name", true, &v->name) ? -1 : 0;
}

static int dec_integration(struct dx *x, const json_t *obj, void *out)
{
	struct api_integration *v = out;
	if (need_object(x, obj) != 0 || get_id(x, obj, "id", &v->id) != 0 ||
	    get_str(x, obj, "name", true, &v->name) != 0)
		return -1;
	const json_t *props;
	if (lookup(x, obj, "requiredProperties", false, JSON_ARRAY, "an array", &props) != 0)
		return -1;
	size_t n = json_array_size(props);
	v->required_properties = arena_alloc(x->a, (n ? n : 1) * sizeof(*v->required_properties));
	for (size_t i = 0; i < n; i++) {
		const json_t *p = json_array_get(props, i);
		if (!json_is_object(p))
			return fail(x, "requiredProperties", "item %zu: expected an object, got %s", i,
				    json_type_word(p, true));
		const json_t *name = json_object_get(p, "name");
		if (!json_is_string(name))
			return fail(x, "requiredProperties", "item %zu: name is not a string", i);
		v->required_properties[i] =
		    arena_strndup(x->a, json_string_value(name), json_string_length(name));
	}
	v->n_required_properties = n;
	return 0;
}

static int dec_integration_id(struct dx *x, const json_t *obj, struct api_ic *v)
{
	const json_t *pair = json_object_get(obj, "integrationID");
	if (!json_is_array(pair) || json_array_size(pair) != 2 || !json_is_string(json_array_get(pair, 0)) ||
	    !json_is_string(json_array_get(pair, 1)))
		return fail(x, "integrationID", "expected [destinationId, integrationId]");
	v->destination_id = arena_strdup(x->a, json_string_value(json_array_get(pair, 0)));
	v->integration_id = arena_strdup(x->a, json_string_value(json_array_get(pair, 1)));
	return 0;
}

static int dec_properties(struct dx *x, const json_t *obj, struct api_ic *v)
{
	const json_t *props;
	if (lookup(x, obj, "properties", false, JSON_ARRAY, "an array", &props) != 0)
		return -1;
	size_t n = json_array_size(props);
	v->properties = arena_alloc(x->a, (n ? n : 1) * sizeof(*v->properties));
	for (size_t i = 0; i < n; i++) {
		const json_t *p = json_array_get(props, i);
		const json_t *k = json_object_get(p, "propertyKey"),
			     *val = json_object_get(p, "propertyValue");
		if (!json_is_object(p) || !json_is_string(k) || !json_is_string(val))
			return fail(x, "properties",
				    "item %zu: expected {propertyKey, propertyValue} strings", i);
		v->properties[i].key = arena_strndup(x->a, json_string_value(k), json_string_length(k));
		v->properties[i].value = arena_strndup(x->a, json_string_value(val), json_string_length(val));
	}
	v->n_properties = n;
	return 0;
}

static int dec_ic(struct dx *x, const json_t *obj, void *out)
{
	struct api_ic *v = out;
	if (need_object(x, obj) != 0 || get_id(x, obj, "id", &v->id) != 0 ||
	    dec_integration_id(x, obj, v) != 0 || dec_properties(x, obj, v) != 0)
		return -1;
	return get_str_array(x, obj, "deviceTypes", &v->device_types, &v->n_device_types);
}

/* expireAt: null, a date, or a date-time whose date is kept. */
static int dec_expire(struct dx *x, const json_t *obj, const char **out)
{
	const char *s;
	long days;
	char date[11];
	if (get_str(x, obj, "expireAt", false, &s) != 0)
		return -1;
	if (!s)
		return 0; /* no end date */
	size_t len = strlen(s);
	if (len < 10 || (len > 10 && s[10] != 'T' && s[10] != ' '))
		return fail(x, "expireAt", "expected a date (YYYY-MM-DD) or null");
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!date_parse(date, &days))
		return fail(x, "expireAt", "\"%.10s\" is not a date", s);
	*out = arena_strdup(x->a, date);
	return 0;
}

static int dec_dm(struct dx *x, const json_t *obj, void *out)
{
	struct api_dm *v = out;
	if (need_object(x, obj) != 0 || get_id(x, obj, "id", &v->id) != 0 ||
	    get_str(x, obj, "name", true, &v->name) != 0 ||
	    get_id(x, obj, "integrationConnectionID", &v->ic_id) != 0 ||
	    get_enum(x, obj, "status", "INACTIVE", "ACTIVE", &v->inactive) != 0)
		return -1;
	return dec_expire(x, obj, &v->expire_at);
}

static int dec_config(struct dx *x, const json_t *obj, void *out)
{
	struct api_config *v = out;
	if (need_object(x, obj) != 0 || get_id(x, obj, "id", &v->id) != 0 ||
	    get_id(x, obj, "segmentID", &v->segment_id) != 0 ||
	    get_enum(x, obj, "segmentType", "DATA_MARKETPLACE", "ONBOARDING", &v->marketplace) != 0)
		return -1;
	return get_str(x, obj, "distributionManagerID", false, &v->dm_id);
}

static int dec_segment(struct dx *x, const json_t *obj, void *out)
{
	struct api_segment *v = out;
	if (need_object(x, obj) != 0 || get_id(x, obj, "id", &v->id) != 0 ||
	    get_str(x, obj, "name", false, &v->name) != 0 ||
	    get_str(x, obj, "value", false, &v->value) != 0 ||
	    get_enum(x, obj, "type", "DATA_MARKETPLACE", "ONBOARDING", &v->marketplace) != 0)
		return -1;
	const json_t *field;
	if (lookup(x, obj, "field", false, JSON_OBJECT, "an object", &field) != 0)
		return -1;
	if (field) {
		const char *saved = x->where;
		char where[160];
		snprintf(where, sizeof(where), "%s%sfield", saved, *saved ? "." : "");
		x->where = where;
		int rc = get_str(x, field, "name", false, &v->field_name);
		x->where = saved;
		if (rc != 0)
			return -1;
	}
	return 0;
}

static const char *const DELIVERY_STATUSES[] = { "FAILED",	"CANCELLED", "PENDING",
						 "IN_PROGRESS", "DELIVERED", NULL };

static int dec_delivery(struct dx *x, const json_t *obj, void *out)
{
	struct api_delivery *v = out;
	v->record_count = -1;
	if (need_object(x, obj) != 0 || get_id(x, obj, "id", &v->id) != 0 ||
	    get_str(x, obj, "status", true, &v->status) != 0 ||
	    get_str(x, obj, "deviceType", false, &v->device_type) != 0 ||
	    get_int(x, obj, "recordCount", false, &v->record_count) != 0 ||
	    get_id(x, obj, "updatedAt", &v->updated_at) != 0 ||
	    get_str(x, obj, "segmentID", false, &v->segment_id) != 0 ||
	    get_id(x, obj, "integrationConnectionID", &v->ic_id) != 0 ||
	    get_enum(x, obj, "operationType", "DELETE", "ADD", &v->remove) != 0)
		return -1;
	size_t i = 0;
	while (DELIVERY_STATUSES[i] && strcmp(DELIVERY_STATUSES[i], v->status) != 0)
		i++;
	if (!DELIVERY_STATUSES[i])
		return fail(x, "status", "expected FAILED, CANCELLED, PENDING, IN_PROGRESS or DELIVERED");
	return 0;
}

static const struct kind_info {
	const char *key;
	size_t size;
	item_fn *fn;
} KINDS[API_KIND_COUNT] = {
	[API_DESTINATION] = { "v2/Destinations", sizeof(struct api_destination), dec_destination },
	[API_INTEGRATION] = { "integrations", sizeof(struct api_integration), dec_integration },
	[API_IC] = { "v2/IntegrationConnections", sizeof(struct api_ic), dec_ic },
	[API_DM] = { "v2/DistributionManagers", sizeof(struct api_dm), dec_dm },
	[API_CONFIG] = { "segmentConfigs", sizeof(struct api_config), dec_config },
	[API_SEGMENT] = { "v2/Segments", sizeof(struct api_segment), dec_segment },
	[API_DELIVERY] = { "v2/Deliveries", sizeof(struct api_delivery), dec_delivery },
};

const char *api_kind_key(enum api_kind kind)
{
	return kind < API_KIND_COUNT ? KINDS[kind].key : "?";
}

size_t api_kind_size(enum api_kind kind)
{
	return kind < API_KIND_COUNT ? KINDS[kind].size : 0;
}

/* Every item struct begins with its id. */
_Static_assert(offsetof(struct api_destination, id) == 0 && offsetof(struct api_integration, id) == 0 &&
		   offsetof(struct api_ic, id) == 0 && offsetof(struct api_dm, id) == 0 &&
		   offsetof(struct api_config, id) == 0 && offsetof(struct api_segment, id) == 0 &&
		   offsetof(struct api_delivery, id) == 0,
	       "api_item_id reads the first member");

const char *api_item_id(enum api_kind kind, const void *item)
{
	return kind < API_KIND_COUNT ? *(const char *const *)item : NULL;
}

/* ---- whole bodies ------------------------------------------------------------ */

/* Parses the body; on failure keeps jansson's reason. */
static json_t *parse(struct dx *x, const char *body, size_t len)
{
	json_error_t je;
	if (!body || len == 0) {
		fail(x, NULL, "the body is empty");
		return NULL;
	}
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (!root && http_body_is_html(body, len))
		fail(x, NULL,
		     "an HTML page where JSON was expected: a gateway or proxy answered, not the API");
	else if (!root)
		fail(x, NULL, "not JSON (%s at byte %d)", je.text, je.position);
	return root;
}

static int dec_pagination(struct dx *x, const json_t *root, struct api_page *out)
{
	const json_t *p = json_object_get(root, "_pagination");
	out->after = NULL;
	out->total = -1;
	if (!p || json_is_null(p))
		return 0; /* a single page */
	x->where = "_pagination";
	if (!json_is_object(p))
		return fail(x, NULL, "expected an object, got %s", json_type_word(p, true));
	if (get_str(x, p, "after", false, &out->after) != 0 ||
	    get_int(x, p, "total", false, &out->total) != 0)
		return -1;
	if (out->after && !*out->after)
		out->after = NULL; /* an empty cursor would loop forever */
	return 0;
}

static int dec_items(struct dx *x, const struct kind_info *k, const json_t *arr, struct api_page *out)
{
	size_t n = json_array_size(arr);
	char where[96];
	out->items = arena_alloc(x->a, (n ? n : 1) * k->size);
	for (size_t i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "%.60s[%zu]", k->key, i);
		x->where = where;
		if (k->fn(x, json_array_get(arr, i), (char *)out->items + i * k->size) != 0)
			return -1;
	}
	out->n = n;
	return 0;
}

/* A page from its body (body != NULL) or from the body parsed already. */
static int decode_page(struct api_page *out, enum api_kind kind, const char *body, size_t len,
		       const json_t *parsed, struct arena *a, const char *what, struct diags *d)
{
	struct dx x = { .a = a, .where = "" };
	memset(out, 0, sizeof(*out));
	if (kind >= API_KIND_COUNT) {
		fail(&x, NULL, "unknown kind");
		report(&x, what, d);
		return -1;
	}
	const struct kind_info *k = &KINDS[kind];
	json_t *root = parsed ? json_incref((json_t *)parsed) : parse(&x, body, len);
	int rc = -1;
	if (root) {
		const json_t *arr = json_object_get(root, k->key);
		if (!json_is_object(root))
			fail(&x, NULL, "expected an object, got %s", json_type_word(root, true));
		else if (arr && !json_is_array(arr))
			fail(&x, k->key, "expected an array, got %s", json_type_word(arr, true));
		else if (json_array_size(arr) > API_PAGE_MAX)
			fail(&x, k->key, "%zu items on one page, more than the %d a page may hold",
			     json_array_size(arr), API_PAGE_MAX);
		else if (dec_pagination(&x, root, out) == 0 && dec_items(&x, k, arr, out) == 0)
			rc = 0; /* no array: an empty page */
	}
	json_decref(root);
	if (rc != 0) {
		memset(out, 0, sizeof(*out));
		report(&x, what, d);
	}
	return rc;
}

int api_decode_page(struct api_page *out, enum api_kind kind, const char *body, size_t len, struct arena *a,
		    const char *what, struct diags *d)
{
	return decode_page(out, kind, body, len, NULL, a, what, d);
}

int api_decode_page_json(struct api_page *out, enum api_kind kind, const void *parsed, struct arena *a,
			 const char *what, struct diags *d)
{
	return decode_page(out, kind, NULL, 0, parsed, a, what, d);
}

int api_decode_object(void *out, enum api_kind kind, const char *body, size_t len, struct arena *a,
		      const char *what, struct diags *d)
{
	struct dx x = { .a = a, .where = "" };
	int rc = -1;
	if (kind < API_KIND_COUNT) {
		memset(out, 0, KINDS[kind].size);
		json_t *root = parse(&x, body, len);
		if (root)
			rc = KINDS[kind].fn(&x, root, out);
		json_decref(root);
	} else {
		fail(&x, NULL, "unknown kind");
	}
	if (rc != 0)
		report(&x, what, d);
	return rc;
}

/* expires_in as a positive number of seconds: an integer, or a string of
 * digits (some OAuth servers quote it). */
static int dec_expires_in(struct dx *x, const json_t *root, long long *out)
{
	const json_t *v = json_object_get(root, "expires_in");
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		long long n = 0;
		if (!*s || strlen(s) > 9)
			return fail(x, "expires_in", "expected a number of seconds");
		for (; *s; s++) {
			if (!isdigit((unsigned char)*s))
				return fail(x, "expires_in", "expected a number of seconds");
			n = n * 10 + (*s - '0');
		}
		*out = n;
	} else if (get_int(x, root, "expires_in", true, out) != 0) {
		return -1;
	}
	return *out > 0 ? 0 : fail(x, "expires_in", "must be positive");
}

int api_decode_token(struct api_token *out, const char *body, size_t len, struct arena *a, const char *what,
		     struct diags *d)
{
	struct dx x = { .a = a, .where = "" };
	memset(out, 0, sizeof(*out));
	json_t *root = parse(&x, body, len);
	int rc = -1;
	if (root && need_object(&x, root) == 0 && get_id(&x, root, "access_token", &out->access_token) == 0 &&
	    get_str(&x, root, "token_type", false, &out->token_type) == 0 &&
	    dec_expires_in(&x, root, &out->expires_in) == 0) {
		if (out->token_type && strcasecmp(out->token_type, "bearer") != 0)
			fail(&x, "token_type", "expected Bearer");
		else
			rc = 0;
	}
	json_decref(root);
	if (rc != 0) {
		/* The message never quotes the body: it may hold the token. */
		memset(out, 0, sizeof(*out));
		report(&x, what, d);
	}
	return rc;
}

int api_decode_created(const char **id, const char *body, size_t len, struct arena *a, const char *what,
		       struct diags *d)
{
	struct dx x = { .a = a, .where = "" };
	*id = NULL;
	json_t *root = parse(&x, body, len);
	int rc = root && need_object(&x, root) == 0 ? get_id(&x, root, "id", id) : -1;
	json_decref(root);
	if (rc != 0) {
		*id = NULL;
		report(&x, what, d);
	}
	return rc;
}

static int dec_item_status(struct dx *x, const json_t *item, struct api_item_status *out)
{
	long long status = 0;
	if (need_object(x, item) != 0 || get_str(x, item, "id", false, &out->id) != 0)
		return -1;
	const json_t *st = json_object_get(item, "status");
	if (!json_is_object(st))
		return fail(x, "status", "expected an object, got %s",
			    st ? json_type_word(st, true) : "nothing");
	x->where = arena_printf(x->a, "%s.status", x->where);
	if (get_int(x, st, "httpStatus", true, &status) != 0 ||
	    get_str(x, st, "errorCode", false, &out->code) != 0 ||
	    get_str(x, st, "message", false, &out->message) != 0)
		return -1;
	if (status < 100 || status > 599)
		return fail(x, "httpStatus", "%lld is not an HTTP status", status);
	out->http_status = (int)status;
	return 0;
}

int api_decode_multi_status(struct api_item_status **items, size_t *n, const char *body, size_t len,
			    struct arena *a, const char *what, struct diags *d)
{
	struct dx x = { .a = a, .where = "" };
	*items = NULL;
	*n = 0;
	json_t *root = parse(&x, body, len);
	int rc = -1;
	if (root && !json_is_array(root)) {
		fail(&x, NULL, "expected an array of item statuses, got %s", json_type_word(root, true));
	} else if (root) {
		size_t count = json_array_size(root);
		struct api_item_status *v = arena_alloc(a, (count ? count : 1) * sizeof(*v));
		rc = 0;
		for (size_t i = 0; rc == 0 && i < count; i++) {
			x.where = arena_printf(a, "[%zu]", i);
			rc = dec_item_status(&x, json_array_get(root, i), &v[i]);
		}
		if (rc == 0) {
			*items = v;
			*n = count;
		}
	}
	json_decref(root);
	if (rc != 0)
		report(&x, what, d);
	return rc;
}
