/*
 * The plan file's reader (planfile.h): the document is untrusted input, so
 * every field is checked for presence and type, unknown keys are refused,
 * and the summary must agree with the changes; the first problem is the one
 * diagnostic. Its writer is planfile.c.
 */
#include "plan/planfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "plan/render_diags.h"
#include "plan/shares.h"
#include "version.h"

#define RULE "plan.file"
/* Far above any real plan (50,000 changes is about 40 MB), far below what
 * would hurt the machine. */
#define PLAN_FILE_MAX ((size_t)1 << 30)

/* Account fields a change may carry, in the order diff lists them. */
static const char *const known_fields[] = { "name", "client_name", "identifiers", "status", "expire_at" };
#define N_KNOWN_FIELDS (sizeof(known_fields) / sizeof(known_fields[0]))

struct reader {
	struct plan *p;
	struct diags *d;
	const char *label;
	const char *hint; /* NULL: the generic "damaged" hint */
};

/* Reports the one problem found, at the field `at`.`key` ("changes[3]",
 * "action"; key may be NULL). Always returns -1. */
static int fail(struct reader *r, const char *at, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(struct reader *r, const char *at, const char *key, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	struct pos pos = { r->label, 0, 0 };
	const char *hint =
	    r->hint ? r->hint : "the plan file is damaged or was not written by this tool; run plan again";
	diag_error(r->d, RULE, &pos, hint, "%s%s%s: %s", at, key && *at ? "." : "", key ? key : "",
		   sb_str(&sb));
	sb_release(&sb);
	return -1;
}

/* Every key of o must be one of `allowed` (NULL-terminated). */
static int only_keys(struct reader *r, const json_t *o, const char *at, const char *const *allowed)
{
	json_t *obj = (json_t *)o; /* jansson's iterators take non-const */
	for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
		const char *key = json_object_iter_key(it);
		const char *const *k = allowed;
		while (*k && strcmp(*k, key) != 0)
			k++;
		if (!*k)
			return fail(r, at, key, "unknown field");
	}
	return 0;
}

static int get(struct reader *r, const json_t *o, const char *at, const char *key, const json_t **v)
{
	*v = json_object_get(o, key);
	if (*v)
		return 0;
	return fail(r, at, key, "missing");
}

/* A string field (or null when may_null) copied into the plan's arena. */
static int get_str(struct reader *r, const json_t *o, const char *at, const char *key, bool may_null,
		   const char **out)
{
	const json_t *v;
	if (get(r, o, at, key, &v))
		return -1;
	if (may_null && json_is_null(v)) {
		*out = NULL;
		return 0;
	}
	if (!json_is_string(v)) {
		return fail(r, at, key, may_null ? "must be a string or null" : "must be a string");
	}
	*out = arena_strndup(&r->p->arena, json_string_value(v), json_string_length(v));
	return 0;
}

static int get_bool(struct reader *r, const json_t *o, const char *at, const char *key, bool *out)
{
	const json_t *v;
	if (get(r, o, at, key, &v))
		return -1;
	if (!json_is_boolean(v)) {
		return fail(r, at, key, "must be true or false");
	}
	*out = json_is_true(v);
	return 0;
}

/* Counts stay in unsigned long long: a count from the file is only ever
 * compared, so no value can wrap on a 32-bit size_t. */
static int get_count(struct reader *r, const json_t *o, const char *at, const char *key,
		     unsigned long long *out)
{
	const json_t *v;
	if (get(r, o, at, key, &v))
		return -1;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		return fail(r, at, key, "must be a non-negative integer");
	}
	*out = (unsigned long long)json_integer_value(v);
	return 0;
}

static int read_value(struct reader *r, const json_t *v, const char *at, struct value *out)
{
	*out = value_null();
	if (json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		out->str = arena_strndup(&r->p->arena, json_string_value(v), json_string_length(v));
		return 0;
	}
	if (!json_is_array(v))
		return fail(r, at, NULL, "must be a string, a list of strings or null");
	size_t n = json_array_size(v);
	out->is_list = true;
	out->n_items = n;
	out->items = arena_alloc(&r->p->arena, (n ? n : 1) * sizeof(*out->items));
	for (size_t i = 0; i < n; i++) {
		const json_t *it = json_array_get(v, i);
		if (!json_is_string(it))
			return fail(r, at, NULL, "item %zu must be a string", i);
		out->items[i] = arena_strndup(&r->p->arena, json_string_value(it), json_string_length(it));
	}
	return 0;
}

static const char *known_field(const char *s)
{
	for (size_t i = 0; i < N_KNOWN_FIELDS; i++)
		if (strcmp(s, known_fields[i]) == 0)
			return known_fields[i];
	return NULL;
}

/* fields, before and after: before and after hold exactly the fields listed. */
static int read_fields(struct reader *r, const json_t *o, const char *at, struct change *c)
{
	const json_t *fields, *sides[2];
	const char *side_names[2] = { "before", "after" };
	if (get(r, o, at, "fields", &fields) || get(r, o, at, "before", &sides[0]) ||
	    get(r, o, at, "after", &sides[1]))
		return -1;
	if (!json_is_array(fields))
		return fail(r, at, "fields", "must be a list of field names");
	size_t n = json_array_size(fields);
	if (n > N_KNOWN_FIELDS)
		return fail(r, at, "fields", "lists %zu fields; there are only %zu", n, N_KNOWN_FIELDS);
	if (c->kind == KIND_SEGMENT && n > 0)
		return fail(r, at, "fields", "must be empty for a segment change");
	for (int s = 0; s < 2; s++) {
		if (!json_is_object(sides[s]))
			return fail(r, at, side_names[s], "must be an object");
		if (json_object_size(sides[s]) != n)
			return fail(r, at, side_names[s],
				    "must hold exactly the fields listed in \"fields\"");
	}
	c->n_fields = n;
	c->fields = arena_alloc(&r->p->arena, (n ? n : 1) * sizeof(*c->fields));
	char f[160];
	for (size_t i = 0; i < n; i++) {
		const json_t *name = json_array_get(fields, i);
		snprintf(f, sizeof(f), "%s.fields[%zu]", at, i);
		const char *field = json_is_string(name) ? known_field(json_string_value(name)) : NULL;
		if (!field)
			return fail(r, f, NULL,
				    "must be one of name, client_name, identifiers, status, expire_at");
		for (size_t k = 0; k < i; k++)
			if (c->fields[k].field == field)
				return fail(r, f, NULL, "\"%s\" is listed twice", field);
		c->fields[i].field = field;
		struct value *vals[2] = { &c->fields[i].before, &c->fields[i].after };
		for (int s = 0; s < 2; s++) {
			snprintf(f, sizeof(f), "%s.%s.%s", at, side_names[s], field);
			const json_t *v = json_object_get(sides[s], field);
			if (!v)
				return fail(r, f, NULL, "missing");
			if (read_value(r, v, f, vals[s]))
				return -1;
		}
	}
	return 0;
}

static const char *const change_keys[] = { "action",	     "kind",	  "account",	  "origin",
					   "account_before", "segment",	  "segment_name", "segment_type",
					   "fields",	     "before",	  "after",	  "rule",
					   "reason",	     "refused",	  "refusal",	  "connection_id",
					   "manager_id",     "config_id", "precision",	  NULL };

static int read_kind(struct reader *r, const json_t *o, const char *at, struct change *c)
{
	const char *action, *kind;
	if (get_str(r, o, at, "action", false, &action) || get_str(r, o, at, "kind", false, &kind))
		return -1;
	if (change_action_from_name(action, &c->action))
		return fail(r, at, "action", "unknown action \"%s\"", action);
	if (strcmp(kind, "account") == 0)
		c->kind = KIND_ACCOUNT;
	else if (strcmp(kind, "segment") == 0)
		c->kind = KIND_SEGMENT;
	else
		return fail(r, at, "kind", "unknown kind \"%s\"", kind);
	bool seg_action = c->action == CHANGE_ADD || c->action == CHANGE_REMOVE;
	if (seg_action != (c->kind == KIND_SEGMENT))
		return fail(r, at, "kind", "\"%s\" does not go with action \"%s\"", kind, action);

	const json_t *origin = json_object_get(o, "origin");
	const char *os = json_is_string(origin) ? json_string_value(origin) : "";
	if (!origin)
		c->origin = ORIGIN_UNSET;
	else if (strcmp(os, "change") == 0)
		c->origin = ORIGIN_CHANGE;
	else if (strcmp(os, "drift") == 0)
		c->origin = ORIGIN_DRIFT;
	else
		return fail(r, at, "origin", "must be \"change\" or \"drift\" when present");
	return 0;
}

/* The fields every change has, then what each action requires of them. */
static int read_change(struct reader *r, const json_t *o, size_t i)
{
	char at[48];
	snprintf(at, sizeof(at), "changes[%zu]", i);
	if (!json_is_object(o))
		return fail(r, at, NULL, "must be an object");
	if (only_keys(r, o, at, change_keys))
		return -1;
	struct change *c = plan_add_change(r->p);
	if (read_kind(r, o, at, c))
		return -1;
	const char *type;
	if (get_str(r, o, at, "account", false, &c->account) ||
	    get_str(r, o, at, "account_before", true, &c->account_before) ||
	    get_str(r, o, at, "segment", true, &c->segment) ||
	    get_str(r, o, at, "segment_name", true, &c->segment_name) ||
	    get_str(r, o, at, "segment_type", true, &type) || get_str(r, o, at, "rule", true, &c->rule) ||
	    get_str(r, o, at, "reason", true, &c->reason) || get_bool(r, o, at, "refused", &c->refused) ||
	    get_str(r, o, at, "refusal", true, &c->refusal) ||
	    get_str(r, o, at, "connection_id", true, &c->connection_id) ||
	    get_str(r, o, at, "manager_id", true, &c->manager_id) ||
	    get_str(r, o, at, "config_id", true, &c->config_id) ||
	    (json_object_get(o, "precision") && get_str(r, o, at, "precision", false, &c->precision)))
		return -1;
	if ((c->action == CHANGE_RENAME) != (c->account_before != NULL))
		return fail(r, at, "account_before",
			    c->account_before ? "must be null unless the action is rename"
					      : "must name the old account of a rename");
	if ((c->kind == KIND_SEGMENT) != (c->segment != NULL))
		return fail(r, at, "segment",
			    c->segment ? "must be null for an account change"
				       : "must be the segment id of a segment change");
	enum segment_type t;
	if (type && !segment_type_from_api(type, &t))
		return fail(r, at, "segment_type", "must be ONBOARDING, DATA_MARKETPLACE or null");
	c->segment_type = type ? segment_type_api_name(t) : NULL;
	return read_fields(r, o, at, c);
}

static int read_changes(struct reader *r, const json_t *root)
{
	const json_t *arr;
	if (get(r, root, "", "changes", &arr))
		return -1;
	if (!json_is_array(arr))
		return fail(r, "changes", NULL, "must be a list");
	for (size_t i = 0; i < json_array_size(arr); i++)
		if (read_change(r, json_array_get(arr, i), i))
			return -1;
	return 0;
}

/* Optional: plan files written before shares were listed lack it. */
static int read_shares(struct reader *r, const json_t *root)
{
	const json_t *arr = json_object_get(root, "shares");
	return arr ? plan_shares_from_json(r->p, arr, r->label, r->d) : 0;
}

static int read_summary(struct reader *r, const json_t *root)
{
	const char *allowed[sizeof(struct plan_summary) / sizeof(size_t) + 1];
	size_t n = 0;
	for (const struct plan_summary_field *f = plan_summary_fields; f->key; f++)
		allowed[n++] = f->key;
	allowed[n] = NULL;
	const json_t *o;
	if (get(r, root, "", "summary", &o))
		return -1;
	if (!json_is_object(o))
		return fail(r, "summary", NULL, "must be an object");
	if (only_keys(r, o, "summary", allowed))
		return -1;
	plan_summarize(r->p);
	const struct plan_summary *s = &r->p->summary;
	for (const struct plan_summary_field *f = plan_summary_fields; f->key; f++) {
		unsigned long long got = 0;
		if ((!f->optional || json_object_get(o, f->key)) && get_count(r, o, "summary", f->key, &got))
			return -1;
		size_t want = plan_summary_get(s, f);
		if (got != (unsigned long long)want)
			return fail(r, "summary", f->key, "says %llu but the %s count %zu", got, f->counted,
				    want);
	}
	return 0;
}

static int read_fingerprint(struct reader *r, const json_t *root)
{
	const char *fp;
	if (get_str(r, root, "", "fingerprint", false, &fp))
		return -1;
	size_t n = strlen(fp);
	bool ok = n == 64;
	for (size_t i = 0; ok && i < n; i++)
		ok = (fp[i] >= '0' && fp[i] <= '9') || (fp[i] >= 'a' && fp[i] <= 'f');
	if (!ok)
		return fail(r, "fingerprint", NULL, "must be 64 lower-case hexadecimal digits");
	memcpy(r->p->fingerprint, fp, 65);
	return 0;
}

static int check_line(struct reader *r, const json_t *o, const char *at, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v) ||
	    (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < 100000000))
		return 0;
	return fail(r, at, key, "must be an integer from 0 to 99999999, or null");
}

/* Checked here, strictly, before diags_from_json (which skips what it
 * cannot read) so that nothing in a plan file is silently dropped. */
static int read_diagnostics(struct reader *r, const json_t *root)
{
	static const char *const keys[] = { "severity", "rule",	   "file", "line",
					    "column",	"message", "hint", NULL };
	const json_t *arr;
	if (get(r, root, "", "diagnostics", &arr))
		return -1;
	if (!json_is_array(arr))
		return fail(r, "diagnostics", NULL, "must be a list");
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *o = json_array_get(arr, i);
		char at[48];
		const char *sev, *s;
		snprintf(at, sizeof(at), "diagnostics[%zu]", i);
		if (!json_is_object(o))
			return fail(r, at, NULL, "must be an object");
		if (only_keys(r, o, at, keys) || get_str(r, o, at, "severity", false, &sev) ||
		    get_str(r, o, at, "rule", false, &s) || get_str(r, o, at, "message", false, &s) ||
		    get_str(r, o, at, "file", true, &s) || get_str(r, o, at, "hint", true, &s) ||
		    check_line(r, o, at, "line") || check_line(r, o, at, "column"))
			return -1;
		if (strcmp(sev, "error") && strcmp(sev, "warning") && strcmp(sev, "note")) {
			return fail(r, at, "severity", "must be error, warning or note");
		}
	}
	diags_from_json(&r->p->diags, arr);
	return 0;
}

static int read_header(struct reader *r, const json_t *root)
{
	static const char *const top[] = { "format_version", "tool",	    "source",  "backend", "profile",
					   "prune",	     "fingerprint", "summary", "changes", "shares",
					   "diagnostics",    "partial",	    NULL };
	static const char *const tool_keys[] = { "name", "version", NULL };
	const json_t *v, *tool;
	/* The version first: a newer format is reported as such, not as the
	 * first field this build does not know. */
	if (get(r, root, "", "format_version", &v))
		return -1;
	if (!json_is_integer(v))
		return fail(r, "format_version", NULL, "must be an integer");
	if (json_integer_value(v) != PLAN_FORMAT_VERSION) {
		r->hint = "make the plan again with this version, or apply it with the version that wrote it";
		return fail(r, "format_version", NULL,
			    "plan file format %lld is not supported by this version (%s %s reads format %d)",
			    (long long)json_integer_value(v), RECONCILER_NAME, RECONCILER_VERSION,
			    PLAN_FORMAT_VERSION);
	}
	if (only_keys(r, root, "", top) || get(r, root, "", "tool", &tool))
		return -1;
	if (!json_is_object(tool))
		return fail(r, "tool", NULL, "must be an object");
	const char *name, *version;
	if (only_keys(r, tool, "tool", tool_keys) || get_str(r, tool, "tool", "name", false, &name) ||
	    get_str(r, tool, "tool", "version", false, &version))
		return -1;
	if (strcmp(name, RECONCILER_NAME) != 0)
		return fail(r, "tool.name", NULL, "the plan was written by \"%s\", not %s", name,
			    RECONCILER_NAME);
	return get_str(r, root, "", "source", true, &r->p->source) ||
		       get_str(r, root, "", "backend", true, &r->p->backend) ||
		       get_str(r, root, "", "profile", true, &r->p->profile) ||
		       get_bool(r, root, "", "prune", &r->p->prune) || read_fingerprint(r, root) ||
		       (json_object_get(root, "partial") && get_bool(r, root, "", "partial", &r->p->partial))
		   ? -1
		   : 0;
}

int plan_read_json(struct plan **out, const char *data, size_t len, const char *label, struct diags *d)
{
	*out = NULL;
	json_error_t err;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		struct pos pos = { label, err.line > 0 ? (unsigned)err.line : 0,
				   err.column > 0 ? (unsigned)err.column : 0 };
		diag_error(d, RULE, &pos, "the plan file is damaged; run plan again",
			   "not a valid JSON plan: %s", err.text);
		return -1;
	}
	struct reader r = { .p = plan_new(), .d = d, .label = label };
	int rc = -1;
	if (!json_is_object(root))
		fail(&r, "plan", NULL, "must be a JSON object");
	else if (!read_header(&r, root) && !read_changes(&r, root) && !read_shares(&r, root) &&
		 !read_summary(&r, root) && !read_diagnostics(&r, root))
		rc = 0;
	json_decref(root);
	if (rc)
		plan_free(r.p);
	else
		*out = r.p;
	return rc;
}

int plan_read_file(struct plan **out, const char *path, struct diags *d)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_error(d, RULE, NULL, NULL, "cannot read the plan %s: %s", path, strerror(errno));
		return -1;
	}
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && sb.len <= PLAN_FILE_MAX)
		sb_add(&sb, buf, n);
	int rc = -1;
	if (ferror(f))
		diag_error(d, RULE, NULL, NULL, "cannot read the plan %s: %s", path, strerror(errno));
	else if (sb.len > PLAN_FILE_MAX)
		diag_error(d, RULE, NULL, NULL, "%s is larger than %zu bytes: not a plan file", path,
			   PLAN_FILE_MAX);
	else
		rc = plan_read_json(out, sb_str(&sb), sb.len, path, d);
	fclose(f);
	sb_release(&sb);
	return rc;
}
