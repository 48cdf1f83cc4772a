#include "sandbox/schema.h"

#include <stdarg.h>
#include <string.h>

#include "util/json_word.h"
#include "util/strbuf.h"
#include "util/text.h"

#define RULE "backend"

const char *const local_schema_hint =
    "the sandbox is written by `reconciler apply` (its format is specs/sandbox.schema.json); "
    "fix the file, or remove it to start from an empty sandbox";

/* What a field must hold. The tables below mirror specs/sandbox.schema.json
 * for the fields the backend reads; other fields are not looked at. */
enum kind {
	K_INT,
	K_STR,
	K_STR_NULL,  /* string or null */
	K_DATE_NULL, /* API date or null */
	K_ENUM,	     /* one of values */
	K_ENUM_LIST, /* array of values */
	K_PAIR,	     /* array of exactly two strings */
	K_OBJ,	     /* object with fields */
	K_OBJ_LIST,  /* array of objects with fields */
	K_ARRAY,     /* array, items not read */
};

struct field {
	const char *key;
	enum kind kind;
	bool required;
	const char *const *values;  /* K_ENUM, K_ENUM_LIST; NULL-terminated */
	const struct field *fields; /* K_OBJ, K_OBJ_LIST; ends with a NULL key */
};

static const char *const STATUSES[] = { "ACTIVE", "INACTIVE", NULL };
static const char *const SEGMENT_TYPES[] = { "ONBOARDING", "DATA_MARKETPLACE", NULL };
static const char *const DEVICE_TYPES[] = { "PII",   "WEB",   "IOS",	 "ANDROID", "CUSTOM_ID",
					    "MIXED", "OTHER", "RAMP_ID", NULL };

static const struct field DESTINATION[] = {
	{ "id", K_STR, true, NULL, NULL },
	{ "name", K_STR, true, NULL, NULL },
	{ NULL, K_STR, false, NULL, NULL },
};

static const struct field INTEGRATION_PROPERTY[] = {
	{ "name", K_STR, true, NULL, NULL },
	{ NULL, K_STR, false, NULL, NULL },
};

static const struct field INTEGRATION[] = {
	{ "id", K_STR, true, NULL, NULL },
	{ "destinationID", K_STR, true, NULL, NULL },
	{ "name", K_STR, true, NULL, NULL },
	{ "requiredProperties", K_OBJ_LIST, true, NULL, INTEGRATION_PROPERTY },
	{ NULL, K_STR, false, NULL, NULL },
};

static const struct field CONNECTION_PROPERTY[] = {
	{ "propertyKey", K_STR, true, NULL, NULL },
	{ "propertyValue", K_STR, true, NULL, NULL },
	{ NULL, K_STR, false, NULL, NULL },
};

static const struct field CONNECTION[] = {
	{ "id", K_STR, true, NULL, NULL },
	{ "integrationID", K_PAIR, true, NULL, NULL },
	{ "deviceTypes", K_ENUM_LIST, true, DEVICE_TYPES, NULL },
	{ "properties", K_OBJ_LIST, true, NULL, CONNECTION_PROPERTY },
	{ NULL, K_STR, false, NULL, NULL },
};

static const struct field MANAGER[] = {
	{ "id", K_STR, true, NULL, NULL },
	{ "name", K_STR, true, NULL, NULL },
	{ "integrationConnectionID", K_STR, true, NULL, NULL },
	{ "status", K_ENUM, true, STATUSES, NULL },
	{ "expireAt", K_DATE_NULL, false, NULL, NULL },
	{ NULL, K_STR, false, NULL, NULL },
};

static const struct field SEGMENT_CONFIG[] = {
	{ "id", K_STR, true, NULL, NULL },	  { "distributionManagerID", K_STR, true, NULL, NULL },
	{ "segmentID", K_STR, true, NULL, NULL }, { "segmentType", K_ENUM, true, SEGMENT_TYPES, NULL },
	{ NULL, K_STR, false, NULL, NULL },
};

static const struct field SEGMENT_FIELD[] = {
	{ "name", K_STR, false, NULL, NULL },
	{ NULL, K_STR, false, NULL, NULL },
};

static const struct field SEGMENT[] = {
	{ "id", K_STR, true, NULL, NULL },
	{ "name", K_STR_NULL, false, NULL, NULL },
	{ "field", K_OBJ, false, NULL, SEGMENT_FIELD },
	{ "value", K_STR, false, NULL, NULL },
	{ "type", K_ENUM, true, SEGMENT_TYPES, NULL },
	{ NULL, K_STR, false, NULL, NULL },
};

static const char *const DELIVERY_STATUSES[] = { "FAILED",	"CANCELLED", "PENDING",
						 "IN_PROGRESS", "DELIVERED", NULL };
static const char *const OPERATION_TYPES[] = { "ADD", "DELETE", NULL };

/* Every field is optional: a delivery the sandbox cannot read fully is
 * shown with what it has (status reads them; nothing else does). */
static const struct field DELIVERY[] = {
	{ "id", K_STR, false, NULL, NULL },
	{ "status", K_ENUM, false, DELIVERY_STATUSES, NULL },
	{ "deviceType", K_ENUM, false, DEVICE_TYPES, NULL },
	{ "recordCount", K_INT, false, NULL, NULL },
	{ "updatedAt", K_STR, false, NULL, NULL },
	{ "segmentID", K_STR, false, NULL, NULL },
	{ "integrationConnectionID", K_STR, false, NULL, NULL },
	{ "operationType", K_ENUM, false, OPERATION_TYPES, NULL },
	{ NULL, K_STR, false, NULL, NULL },
};

/* How the sandbox behaves (not an API resource). */
static const struct field SETTINGS[] = {
	{ "delivery_delay_seconds", K_INT, false, NULL, NULL },
	{ NULL, K_STR, false, NULL, NULL },
};

static const struct field DOCUMENT[] = {
	{ "format_version", K_INT, true, NULL, NULL },
	{ "next_id", K_INT, true, NULL, NULL },
	{ "destinations", K_OBJ_LIST, true, NULL, DESTINATION },
	{ "integrations", K_OBJ_LIST, true, NULL, INTEGRATION },
	{ "integrationConnections", K_OBJ_LIST, true, NULL, CONNECTION },
	{ "distributionManagers", K_OBJ_LIST, true, NULL, MANAGER },
	{ "segmentConfigs", K_OBJ_LIST, true, NULL, SEGMENT_CONFIG },
	{ "segments", K_OBJ_LIST, true, NULL, SEGMENT },
	{ "deliveries", K_OBJ_LIST, true, NULL, DELIVERY },
	{ "settings", K_OBJ, false, NULL, SETTINGS },
	{ NULL, K_STR, false, NULL, NULL },
};

/* Where the check is, kept as frames and formatted only for a message:
 * building "distributionManagers[3].status" for every value read would
 * cost more than the check itself. */
struct frame {
	const char *key; /* NULL for an array index */
	size_t index;
};

#define MAX_DEPTH 16 /* the document nests 6 deep */

struct ctx {
	const char *file;
	struct frame at[MAX_DEPTH];
	size_t depth;
	struct diags *d;
};

static void push(struct ctx *c, const char *key, size_t index)
{
	if (c->depth < MAX_DEPTH)
		c->at[c->depth] = (struct frame){ key, index };
	c->depth++;
}

static void pop(struct ctx *c)
{
	c->depth--;
}

static void format_at(const struct ctx *c, struct strbuf *out)
{
	for (size_t i = 0; i < c->depth && i < MAX_DEPTH; i++) {
		if (c->at[i].key)
			sb_printf(out, "%s%s", i ? "." : "", c->at[i].key);
		else
			sb_printf(out, "[%zu]", c->at[i].index);
	}
	if (!out->len)
		sb_puts(out, "(document)");
}

__attribute__((format(printf, 2, 3))) static int fail(struct ctx *c, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT, at = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&msg, fmt, ap);
	va_end(ap);
	format_at(c, &at);
	diag_error(c->d, RULE, NULL, local_schema_hint, "the sandbox %s is malformed: %s: %s", c->file,
		   at.buf, msg.buf);
	sb_release(&msg);
	sb_release(&at);
	return -1;
}

static int expect(struct ctx *c, const json_t *v, json_type want, const char *word)
{
	if (json_typeof(v) == want)
		return 0;
	return fail(c, "expected %s, found %s", word, json_type_word(v, false));
}

bool local_api_date(const char *s, long *days)
{
	size_t n = strlen(s);
	if (n < 10 || (n > 10 && s[10] != 'T'))
		return false;
	char date[11];
	memcpy(date, s, 10);
	date[10] = '\0';
	return date_parse(date, days);
}

static int check_enum(struct ctx *c, const json_t *v, const char *const *values)
{
	if (expect(c, v, JSON_STRING, "a string") != 0)
		return -1;
	const char *s = json_string_value(v);
	for (size_t i = 0; values[i]; i++)
		if (strcmp(s, values[i]) == 0)
			return 0;
	struct strbuf list = STRBUF_INIT;
	for (size_t i = 0; values[i]; i++)
		sb_printf(&list, "%s%s", i ? ", " : "", values[i]);
	fail(c, "\"%s\" is not one of %s", s, list.buf);
	sb_release(&list);
	return -1;
}

static int check_object(struct ctx *c, const json_t *obj, const struct field *fields);

/* Checks every item of an array with check(); the index goes into the path. */
static int check_items(struct ctx *c, const json_t *arr, const struct field *f)
{
	if (expect(c, arr, JSON_ARRAY, "an array") != 0)
		return -1;
	size_t i;
	const json_t *item;
	json_array_foreach(arr, i, item)
	{
		push(c, NULL, i);
		int rc;
		if (f->kind == K_ENUM_LIST)
			rc = check_enum(c, item, f->values);
		else if (f->kind == K_PAIR)
			rc = expect(c, item, JSON_STRING, "a string");
		else
			rc = check_object(c, item, f->fields);
		pop(c);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int check_value(struct ctx *c, const json_t *v, const struct field *f)
{
	long days;
	switch (f->kind) {
	case K_INT: return expect(c, v, JSON_INTEGER, "an integer");
	case K_STR: return expect(c, v, JSON_STRING, "a string");
	case K_STR_NULL: return json_is_null(v) ? 0 : expect(c, v, JSON_STRING, "a string or null");
	case K_DATE_NULL:
		if (json_is_null(v))
			return 0;
		if (expect(c, v, JSON_STRING, "a date (YYYY-MM-DD) or null") != 0)
			return -1;
		if (!local_api_date(json_string_value(v), &days))
			return fail(c, "\"%s\" is not a date (YYYY-MM-DD)", json_string_value(v));
		return 0;
	case K_ENUM: return check_enum(c, v, f->values);
	case K_PAIR:
		if (json_is_array(v) && json_array_size(v) != 2)
			return fail(c, "expected [destinationId, integrationId], found %zu items",
				    json_array_size(v));
		return check_items(c, v, f);
	case K_ENUM_LIST:
	case K_OBJ_LIST: return check_items(c, v, f);
	case K_OBJ: return check_object(c, v, f->fields);
	case K_ARRAY: return expect(c, v, JSON_ARRAY, "an array");
	}
	return 0;
}

static int check_object(struct ctx *c, const json_t *obj, const struct field *fields)
{
	if (expect(c, obj, JSON_OBJECT, "an object") != 0)
		return -1;
	for (const struct field *f = fields; f->key; f++) {
		const json_t *v = json_object_get(obj, f->key);
		if (!v) {
			if (f->required)
				return fail(c, "\"%s\" is missing", f->key);
			continue;
		}
		push(c, f->key, 0);
		int rc = check_value(c, v, f);
		pop(c);
		if (rc != 0)
			return -1;
	}
	return 0;
}

int local_schema_check(json_t *root, const char *path, struct diags *d)
{
	struct ctx c = { .file = path, .depth = 0, .d = d };
	int rc = check_object(&c, root, DOCUMENT);
	if (rc == 0) {
		json_int_t version = json_integer_value(json_object_get(root, "format_version"));
		json_int_t next = json_integer_value(json_object_get(root, "next_id"));
		if (version != SANDBOX_FORMAT_VERSION) {
			push(&c, "format_version", 0);
			rc = fail(&c, "format %lld is not supported; this reconciler reads format %d",
				  (long long)version, SANDBOX_FORMAT_VERSION);
		} else if (next < 1) {
			push(&c, "next_id", 0);
			rc = fail(&c, "expected a positive integer, found %lld", (long long)next);
		} else if (json_integer_value(json_object_get(json_object_get(root, "settings"),
							      "delivery_delay_seconds")) < 0) {
			push(&c, "settings", 0);
			push(&c, "delivery_delay_seconds", 0);
			rc = fail(&c, "expected seconds from 0 on");
		}
	}
	return rc;
}
