/*
 * Profile loader: YAML (embedded or from disk) -> struct profile.
 *
 * The shape of a profile is described by the field tables below, and the
 * typed walker (yaml/walk.h) refuses anything they do not describe: an unknown key, a value
 * of the wrong type, a missing required key. A profile is the rule table the
 * checks trust, so a typo must stop the program rather than silently turn a
 * rule off. Every problem is a diagnostic with rule "profile" and the
 * position in the profile file.
 *
 * All strings are copied into the profile's arena; the YAML tree is freed
 * before profile_parse() returns.
 */
#include "profile.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml/ydoc.h"
#include "rules/embedded.h"
#include "util/hmap.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"
#include "yaml/walk.h"

#define PROFILE_RULE "profile"
#define PROFILE_VERSION 1u
#define PROFILE_ID_MAX 32

/* Account fields a config can carry (struct account); rules/check.c maps
 * each one to its value. A required field outside this list could never be
 * satisfied, so it is refused when the profile loads. */
static const char *const account_fields[] = { "client_name", NULL };

/* ---- the profile's shape -------------------------------------------------- */

// clang-format off
/* One field per line reads as the profile's schema. */
#define F(k, kind, req, member) { k, kind, req, offsetof(struct profile, member), 0, NULL, NULL }
#define FMAP(k, req, tbl) { k, YW_MAP, req, 0, 0, &tbl, NULL }
#define FFN(k, req, fn) { k, YW_CUSTOM, req, 0, 0, NULL, fn }
/* A list of strings: member, and its count in n_member. */
#define FLIST(type, k, req, member) \
	{ k, YW_STR_LIST, req, offsetof(struct type, member), offsetof(struct type, n_##member), NULL, NULL }
/* A switch the profile must set, with the why of it: member, member_reason. */
#define ALLOWED_TABLE(name, what, member) \
	TABLE(name, what, \
	      F("allowed", YW_BOOL, true, member), \
	      F("reason", YW_STR, false, member##_reason))
#define TABLE(name, what, ...) \
	static const struct yw_field name##_fields[] = { __VA_ARGS__ }; \
	static const struct yw_table name = { what, name##_fields, \
					      sizeof(name##_fields) / sizeof(name##_fields[0]) }

#define CUSTOM_ARGS struct ywalk *w, const struct ynode *n, const struct ywhere *where, void *target
static void parse_identifiers(CUSTOM_ARGS);
static void parse_levels(CUSTOM_ARGS);
static void parse_required_fields(CUSTOM_ARGS);
static void parse_version(CUSTOM_ARGS);
static void parse_id(CUSTOM_ARGS);

#define FI(k, kind, req, member) { k, kind, req, offsetof(struct profile_identifier, member), 0, NULL, NULL }
TABLE(identifier_table, "identifier",
      FI("allowed", YW_BOOL, true, allowed),
      FI("label", YW_STR, true, label),
      FLIST(profile_identifier, "device_types", true, device_types),
      FI("note", YW_STR, false, note));
TABLE(precision_table, "precision",
      FFN("levels", true, parse_levels),
      F("note", YW_STR, false, precision_note));
ALLOWED_TABLE(record_sync_table, "record_sync", record_sync);
ALLOWED_TABLE(raw_fields_table, "raw_fields", raw_fields);
ALLOWED_TABLE(dup_names_table, "duplicate_segment_names", duplicate_segment_names);
TABLE(name_max_table, "name_max",
      F("api", YW_UINT, true, account_name_max),
      F("connect", YW_UINT, true, account_name_max_connect));
TABLE(account_table, "account",
      FFN("required_fields", true, parse_required_fields),
      F("client_property_word", YW_STR, false, client_name_property_hint),
      FMAP("name_max", true, name_max_table));
TABLE(segments_table, "segments",
      F("name_max", YW_UINT, true, segment_name_max));
TABLE(marketplace_table, "data_marketplace",
      F("allowed", YW_BOOL, true, marketplace_allowed),
      F("reason", YW_STR, false, marketplace_reason),
      F("standard_hint", YW_STR, false, marketplace_standard_hint),
      F("custom_hint", YW_STR, false, marketplace_custom_hint),
      F("share_delivery_days", YW_UINT, false, marketplace_share_days),
      FLIST(profile, "custom_share_steps", false, marketplace_share_steps),
      F("changes_note", YW_STR, false, marketplace_changes_note));
TABLE(profile_table, "the profile",
      FFN("version", true, parse_version),
      FFN("id", true, parse_id),
      F("destination", YW_STR, true, destination_name),
      F("integration", YW_STR, true, integration_name),
      FFN("identifiers", true, parse_identifiers),
      FMAP("precision", true, precision_table),
      F("ttl_days", YW_UINT, true, ttl_days),
      F("first_delivery_days", YW_UINT, true, first_delivery_days),
      F("refresh_days", YW_UINT, true, refresh_days),
      FMAP("record_sync", true, record_sync_table),
      FMAP("raw_fields", true, raw_fields_table),
      FMAP("duplicate_segment_names", true, dup_names_table),
      FMAP("account", true, account_table),
      FMAP("segments", true, segments_table),
      F("oauth_required", YW_BOOL, true, oauth_required),
      F("liveramp_action_to_activate", YW_BOOL, true, activation_needs_liveramp),
      FMAP("data_marketplace", true, marketplace_table),
      F("delivery_stats", YW_BOOL, true, delivery_stats),
      F("conversions_api", YW_BOOL, true, conversions_api),
      F("exposure_logs", YW_TRI, false, exposure_logs),
      F("audiences_per_seat_limit", YW_LONG_OR_NULL, false, audiences_per_seat_limit));
// clang-format on

/* ---- custom parts ------------------------------------------------------------ */

static bool is_word(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

static void parse_version(CUSTOM_ARGS)
{
	unsigned v;
	if (yw_uint(w, n, where, "version", YW_UINT_MAX, &v) && v != PROFILE_VERSION)
		yw_err(w, n, PROFILE_RULE, "this reconciler reads profile version 1",
		       "profile version %s is not supported", n->str);
}

static void parse_id(CUSTOM_ARGS)
{
	const char *id;
	if (!yw_text(w, n, where, "id", 0, true, &id))
		return;
	if (!is_word(id, PROFILE_ID_MAX)) {
		yw_err(w, n, PROFILE_RULE,
		       "use lower-case letters, digits, '_' or '-' (at most 32): it prefixes rule ids",
		       "profile id '%s' is not a plain word", id);
		return;
	}
	((struct profile *)target)->id = id;
}

/* A device type maps to one identifier at most, so that an observed
 * device type reads back as exactly one config word. seen: device type ->
 * identifier name, both borrowed from the YAML tree. */
static void check_device_types(struct ywalk *w, const struct ynode *name, const struct ynode *ident,
			       struct hmap *seen)
{
	const struct ynode *list = ynode_get(ident, "device_types");
	if (!list || list->kind != YNODE_SEQ)
		return;
	for (size_t i = 0; i < list->n; i++) {
		const struct ynode *t = list->items[i];
		if (t->kind != YNODE_SCALAR)
			continue;
		const char *other = hmap_get(seen, t->str);
		if (other)
			yw_err(w, t, PROFILE_RULE, "map each API device type to one identifier",
			       "device type '%s' is already mapped by identifier '%s'", t->str, other);
		else
			hmap_put(seen, t->str, (void *)name->str, NULL);
	}
}

/* The keys of a mapping whose keys are names (identifiers, precision
 * levels, required fields): an empty one names nothing. */
static bool name_key(struct ywalk *w, const struct ynode *k, const struct ywhere *where)
{
	if (k->kind == YNODE_SCALAR && k->len > 0)
		return true;
	struct strbuf place = STRBUF_INIT;
	yw_subject(&place, where, NULL, 0);
	yw_err(w, k, PROFILE_RULE, "keys are plain words", "a key in %s is empty", place.buf);
	sb_release(&place);
	return false;
}

static void parse_identifiers(CUSTOM_ARGS)
{
	const struct ywhere in = { "identifiers", NULL, 0, where };
	if (!yw_map(w, n, where, "identifiers"))
		return;
	struct profile *p = target;
	p->identifiers = arena_alloc(&p->arena, (n->n ? n->n : 1) * sizeof(*p->identifiers));
	struct hmap seen = HMAP_INIT;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->keys[i];
		if (!name_key(w, k, &in))
			continue;
		if (!is_word(k->str, 64)) {
			yw_err(w, k, PROFILE_RULE,
			       "identifier names are config words: lower-case, digits, '_'",
			       "identifier name '%s' is not a plain word", k->str);
			continue;
		}
		struct profile_identifier *id = &p->identifiers[p->n_identifiers++];
		id->name = arena_strdup(w->arena, k->str);
		const struct ywhere one = { "identifier", id->name, 0, where };
		yw_walk(w, n->items[i], &identifier_table, &one, id);
		check_device_types(w, k, n->items[i], &seen);
	}
	hmap_free(&seen);
	if (n->n == 0)
		yw_err(w, n, PROFILE_RULE, "list the identifiers the destination accepts or refuses",
		       "the profile lists no identifiers");
}

static void parse_levels(CUSTOM_ARGS)
{
	const struct ywhere in = { "levels", NULL, 0, where };
	if (!yw_map(w, n, where, "levels"))
		return;
	struct profile *p = target;
	p->precisions = arena_alloc(&p->arena, (n->n ? n->n : 1) * sizeof(*p->precisions));
	for (size_t i = 0; i < n->n; i++) {
		if (!name_key(w, n->keys[i], &in))
			continue;
		struct profile_precision *lv = &p->precisions[p->n_precisions++];
		lv->name = arena_strdup(w->arena, n->keys[i]->str);
		yw_bool(w, n->items[i], &in, n->keys[i]->str, &lv->allowed);
	}
}

static void parse_required_fields(CUSTOM_ARGS)
{
	const struct ywhere in = { "required_fields", NULL, 0, where };
	if (!yw_map(w, n, where, "required_fields"))
		return;
	struct profile *p = target;
	size_t cap = n->n ? n->n : 1;
	p->required_account_fields = arena_alloc(&p->arena, cap * sizeof(char *));
	p->required_account_field_descriptions = arena_alloc(&p->arena, cap * sizeof(char *));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->keys[i];
		if (!name_key(w, k, &in))
			continue;
		bool known = false;
		for (const char *const *f = account_fields; *f; f++)
			known = known || !strcmp(*f, k->str);
		if (!known) {
			const char *near = str_suggest(k->str, account_fields);
			struct strbuf hint = STRBUF_INIT;
			sb_printf(&hint, "%s%s%sconfigs can carry: client_name", near ? "did you mean '" : "",
				  near ? near : "", near ? "'? " : "");
			yw_err(w, k, PROFILE_RULE, hint.buf,
			       "'%s' is not an account field a config can carry", k->str);
			sb_release(&hint);
			continue;
		}
		size_t j = p->n_required_account_fields;
		if (!yw_text(w, n->items[i], &in, k->str, 0, true,
			     &p->required_account_field_descriptions[j]))
			continue;
		p->required_account_fields[j] = arena_strdup(w->arena, k->str);
		p->n_required_account_fields++;
	}
}

/* A rule that refuses something must say why: the reason is what the user
 * reads in the diagnostic. */
static void need_reason(struct ywalk *w, const struct ynode *root, const char *section, bool allowed,
			const char *reason)
{
	if (allowed || reason)
		return;
	yw_err(w, yw_key_node(root, section), PROFILE_RULE,
	       "add 'reason:' saying why the destination refuses it", "%s is refused but gives no reason",
	       section);
}

static void check_whole(struct ywalk *w, const struct ynode *root, const struct profile *p)
{
	need_reason(w, root, "record_sync", p->record_sync, p->record_sync_reason);
	need_reason(w, root, "raw_fields", p->raw_fields, p->raw_fields_reason);
	need_reason(w, root, "data_marketplace", p->marketplace_allowed, p->marketplace_reason);
	if (!p->marketplace_allowed && (!p->marketplace_standard_hint || !p->marketplace_custom_hint))
		yw_err(w, yw_key_node(root, "data_marketplace"), PROFILE_RULE,
		       "add standard_hint and custom_hint: what to do instead, per kind of segment",
		       "data_marketplace is refused but says nothing to do instead");
	if (p->account_name_max == 0)
		yw_err(w, yw_key_node(root, "account"), PROFILE_RULE, "name limits are at least 1",
		       "account.name_max.api of 0 would refuse every name");
	if (p->segment_name_max == 0)
		yw_err(w, yw_key_node(root, "segments"), PROFILE_RULE, "name limits are at least 1",
		       "segments.name_max of 0 would refuse every name");
}

/* ---- entry points ------------------------------------------------------------ */

/* Problems the YAML layer finds in a profile (syntax, duplicate keys) are
 * problems of the profile: each is told again with its rule id, like the
 * others (those tmp only counted are counted in d too). */
static void as_profile_diags(struct diags *d, struct diags *tmp)
{
	size_t errors = 0, warnings = 0;
	for (size_t i = 0; i < tmp->n; i++) {
		const struct diag *g = &tmp->v[i];
		struct pos at = { g->file, g->line, g->col };
		diag_add(d, g->severity, PROFILE_RULE, g->file ? &at : NULL, g->hint, "%s", g->message);
		errors += g->severity == DIAG_ERROR;
		warnings += g->severity == DIAG_WARNING;
	}
	d->errors += tmp->errors - errors;
	d->warnings += tmp->warnings - warnings;
	d->dropped += tmp->dropped;
	diags_free(tmp);
}

static int build(struct profile **out, const struct ydoc *doc, struct diags *d)
{
	struct profile *p = xcalloc(1, sizeof(*p));
	p->exposure_logs = -1;
	p->audiences_per_seat_limit = -1;
	struct ywalk w = { .arena = &p->arena, .d = d, .rule = PROFILE_RULE };
	if (!doc->root) {
		struct pos at = { doc->file, 1, 1 };
		diag_error(d, PROFILE_RULE, &at, "a profile needs at least id, destination and its rules",
			   "the profile is empty");
		w.failed = true;
	} else {
		yw_walk(&w, doc->root, &profile_table, NULL, p);
		if (!w.failed)
			check_whole(&w, doc->root, p);
	}
	if (w.failed) {
		profile_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int profile_parse(struct profile **out, const char *label, const char *data, size_t len, struct diags *d)
{
	*out = NULL;
	struct diags tmp = DIAGS_INIT;
	tmp.limit = d->limit;
	struct ydoc *doc = NULL;
	int rc = ydoc_parse(&doc, label, data, len, &tmp);
	as_profile_diags(d, &tmp);
	if (rc != 0)
		return -1;
	rc = build(out, doc, d);
	ydoc_free(doc);
	return rc;
}

static bool is_path(const char *s)
{
	size_t n = strlen(s);
	return strchr(s, '/') || (n > 5 && !strcmp(s + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(s + n - 4, ".yml"));
}

static int load_file(struct profile **out, const char *path, struct diags *d)
{
	struct diags tmp = DIAGS_INIT;
	tmp.limit = d->limit;
	struct ydoc *doc = NULL;
	int rc = ydoc_load_file(&doc, path, path, &tmp);
	as_profile_diags(d, &tmp);
	if (rc != 0)
		return -1;
	rc = build(out, doc, d);
	ydoc_free(doc);
	return rc;
}

int profile_load(struct profile **out, const char *name_or_path, struct diags *d)
{
	*out = NULL;
	if (is_path(name_or_path))
		return load_file(out, name_or_path, d);
	const char *names[64];
	size_t n = 0;
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		if (!strcmp(f->name, name_or_path)) {
			/* Positions name the file the profile was built from. */
			char label[256];
			snprintf(label, sizeof(label), "specs/destinations/%s.yaml", f->name);
			return profile_parse(out, label, f->data, f->len, d);
		}
		if (n + 1 < sizeof(names) / sizeof(names[0]))
			names[n++] = f->name;
	}
	names[n] = NULL;
	struct strbuf hint = STRBUF_INIT;
	const char *near = str_suggest(name_or_path, names);
	if (near)
		sb_printf(&hint, "did you mean '%s'? ", near);
	sb_puts(&hint, "built-in profiles:");
	for (size_t i = 0; i < n; i++)
		sb_printf(&hint, " %s", names[i]);
	sb_puts(&hint, "; or give the path of a profile YAML file");
	diag_error(d, PROFILE_RULE, NULL, hint.buf, "no destination profile named '%s'", name_or_path);
	sb_release(&hint);
	return -1;
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	arena_free(&p->arena);
	free(p);
}

const struct profile_identifier *profile_identifier(const struct profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_identifiers; i++)
		if (!strcmp(p->identifiers[i].name, name))
			return &p->identifiers[i];
	return NULL;
}

const char *profile_identifier_for_device_type(const struct profile *p, const char *device_type)
{
	for (size_t i = 0; i < p->n_identifiers; i++)
		for (size_t j = 0; j < p->identifiers[i].n_device_types; j++)
			if (!strcmp(p->identifiers[i].device_types[j], device_type))
				return p->identifiers[i].name;
	return NULL;
}

const char *profile_rule_id(const struct profile *p, const char *rule, char *buf, size_t size)
{
	snprintf(buf, size, "%s.%s", p->id, rule);
	return buf;
}
