/*
 * The plan file's writer (planfile.h): the plan as its JSON document, keys in
 * a fixed order, and written to disk atomically. Its reader, which trusts
 * nothing in the file, is planfile_read.c.
 */
#include "plan/planfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "plan/render_diags.h"
#include "plan/shares.h"
#include "util/json_sb.h"
#include "util/safefile.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "version.h"

#define RULE "plan.file"

/* jansson refuses strings that are not UTF-8. Names from the API or a
 * sandbox file could be anything, so bad bytes become U+FFFD rather than
 * making the plan unwritable. */
static json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	size_t n = strlen(s), bad;
	if (utf8_valid(s, n, &bad))
		return json_string(s);
	struct strbuf sb = STRBUF_INIT;
	size_t off = 0;
	while (!utf8_valid(s + off, n - off, &bad)) {
		sb_add(&sb, s + off, bad);
		sb_puts(&sb, "\xEF\xBF\xBD");
		off += bad + 1;
	}
	sb_add(&sb, s + off, n - off);
	json_t *j = json_string(sb.buf);
	sb_release(&sb);
	return j;
}

static json_t *jvalue(const struct value *v)
{
	if (!v->is_list)
		return jstr(v->str);
	json_t *a = json_array();
	for (size_t i = 0; i < v->n_items; i++)
		json_array_append_new(a, jstr(v->items[i] ? v->items[i] : ""));
	return a;
}

static json_t *change_to_json(const struct change *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "action", json_string(change_action_name(c->action)));
	json_object_set_new(o, "kind", json_string(change_kind_name(c->kind)));
	json_object_set_new(o, "account", jstr(c->account ? c->account : ""));
	if (change_origin_name(c->origin))
		json_object_set_new(o, "origin", json_string(change_origin_name(c->origin)));
	json_object_set_new(o, "account_before", jstr(c->account_before));
	json_object_set_new(o, "segment", jstr(c->segment));
	json_object_set_new(o, "segment_name", jstr(c->segment_name));
	json_object_set_new(o, "segment_type", jstr(c->segment_type));
	json_t *fields = json_array(), *before = json_object(), *after = json_object();
	for (size_t i = 0; i < c->n_fields; i++) {
		const struct field_change *f = &c->fields[i];
		json_array_append_new(fields, jstr(f->field));
		json_object_set_new(before, f->field, jvalue(&f->before));
		json_object_set_new(after, f->field, jvalue(&f->after));
	}
	json_object_set_new(o, "fields", fields);
	json_object_set_new(o, "before", before);
	json_object_set_new(o, "after", after);
	json_object_set_new(o, "rule", jstr(c->rule));
	json_object_set_new(o, "reason", jstr(c->reason));
	json_object_set_new(o, "refused", json_boolean(c->refused));
	json_object_set_new(o, "refusal", jstr(c->refusal));
	json_object_set_new(o, "connection_id", jstr(c->connection_id));
	json_object_set_new(o, "manager_id", jstr(c->manager_id));
	json_object_set_new(o, "config_id", jstr(c->config_id));
	if (c->precision) /* shown, never sent: present only when declared */
		json_object_set_new(o, "precision", json_string(c->precision));
	return o;
}

#define SUMMARY_FIELD(name, counted, optional)                                                               \
	{                                                                                                    \
#name, offsetof(struct plan_summary, name), counted, optional                                \
	}
const struct plan_summary_field plan_summary_fields[] = {
	SUMMARY_FIELD(accounts_create, "changes", false),
	SUMMARY_FIELD(accounts_update, "changes", false),
	SUMMARY_FIELD(accounts_delete, "changes", false),
	SUMMARY_FIELD(accounts_rename, "changes", false),
	SUMMARY_FIELD(segments_add, "changes", false),
	SUMMARY_FIELD(segments_remove, "changes", false),
	SUMMARY_FIELD(refused, "changes", false),
	SUMMARY_FIELD(shares_manual, "shares", true),
	{ NULL, 0, NULL, false },
};

static json_t *summary_to_json(const struct plan_summary *s)
{
	json_t *o = json_object();
	for (const struct plan_summary_field *f = plan_summary_fields; f->key; f++)
		json_object_set_new(o, f->key, json_integer((json_int_t)plan_summary_get(s, f)));
	return o;
}

json_t *plan_to_json(const struct plan *p)
{
	/* Recount rather than trust p->summary: a reader refuses a file whose
	 * summary disagrees with its changes. plan_summarize only writes the
	 * summary, so a shallow copy is enough. */
	struct plan counted = *p;
	plan_summarize(&counted);

	json_t *o = json_object();
	json_object_set_new(o, "format_version", json_integer(PLAN_FORMAT_VERSION));
	json_t *tool = json_object();
	json_object_set_new(tool, "name", json_string(RECONCILER_NAME));
	json_object_set_new(tool, "version", json_string(RECONCILER_VERSION));
	json_object_set_new(o, "tool", tool);
	json_object_set_new(o, "source", jstr(p->source));
	json_object_set_new(o, "backend", jstr(p->backend));
	json_object_set_new(o, "profile", jstr(p->profile));
	json_object_set_new(o, "prune", json_boolean(p->prune));
	json_object_set_new(o, "fingerprint", jstr(p->fingerprint));
	if (p->partial)
		json_object_set_new(o, "partial", json_true());
	json_object_set_new(o, "summary", summary_to_json(&counted.summary));
	json_t *changes = json_array();
	for (size_t i = 0; i < p->n_changes; i++)
		json_array_append_new(changes, change_to_json(&p->changes[i]));
	json_object_set_new(o, "changes", changes);
	json_object_set_new(o, "shares", plan_shares_to_json(p));
	json_object_set_new(o, "diagnostics", diags_to_json(&p->diags));
	return o;
}

int plan_write_json(const struct plan *p, struct strbuf *out)
{
	json_t *o = plan_to_json(p);
	int rc = json_dump_sb(o, out);
	json_decref(o);
	if (rc)
		return -1;
	sb_putc(out, '\n');
	return 0;
}

int plan_write_file(const struct plan *p, const char *path, struct diags *d)
{
	struct strbuf doc = STRBUF_INIT;
	if (plan_write_json(p, &doc)) {
		sb_release(&doc);
		diag_error(d, RULE, NULL, NULL, "cannot encode the plan as JSON");
		return -1;
	}
	/* The plan names accounts: private, as every file the tool writes that
	 * holds account data. */
	int rc = safefile_replace(path, doc.buf, doc.len, SAFEFILE_PRIVATE);
	if (rc != 0)
		diag_error(d, RULE, NULL, NULL, "cannot write the plan to %s: %s", path, strerror(errno));
	sb_release(&doc);
	return rc;
}
