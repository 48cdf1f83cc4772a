/*
 * Profile loader: YAML (embedded or from disk) -> struct profile.
 *
 * The shape of a profile is described by the field tables below, and the
 * walker refuses anything they do not describe: an unknown key, a value of
 * the wrong type, a missing required key. A profile is the rule table the
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

#include "desired/ydoc.h"
#include "rules/embedded.h"
#include "util/hmap.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

#define PROFILE_RULE "profile"
#define PROFILE_VERSION 1u
#define PROFILE_ID_MAX 32
/* Bounds any count or limit a profile may state; far above real ones. */
#define PROFILE_UINT_MAX 1000000000u

/* Account fields a config can carry (struct account); rules/check.c maps
 * each one to its value. A required field outside this list could never be
 * satisfied, so it is refused when the profile loads. */
static const char *const account_fields[] = { "client_name", NULL };

struct loader {
	struct profile *p;
	struct diags *d;
	bool failed;
};

enum kind {
	K_STR,          /* const char *, non-null scalar */
	K_BOOL,         /* bool */
	K_UINT,         /* unsigned */
	K_TRI,          /* int: 1, 0, or -1 for null (unknown) */
	K_LONG_OR_NULL, /* long: a count, or -1 for null (unknown) */
	K_STR_LIST,     /* const char **, count at count_off */
	K_MAP,          /* a nested mapping whose fields land in the same target */
	K_CUSTOM,       /* parsed by fn */
};

struct table;

struct field {
	const char *key;
	enum kind kind;
	bool required;
	size_t off;
	size_t count_off;
	const struct table *nested;
	void (*fn)(struct loader *ld, const struct ynode *n);
};

struct table {
	const char *what; /* for messages: "the profile", "record_sync" */
	const struct field *fields;
	size_t n;
};

static void fail(struct loader *ld, const struct ynode *at, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void fail(struct loader *ld, const struct ynode *at, const char *hint, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(&msg, fmt, ap);
	va_end(ap);
	ld->failed = true;
	diag_error(ld->d, PROFILE_RULE, at ? &at->pos : NULL, hint, "%s", msg.buf);
	sb_release(&msg);
}

static const char *dup(struct loader *ld, const char *s)
{
	return arena_strdup(&ld->p->arena, s);
}

/* ---- scalar values ---------------------------------------------------- */

static bool want_str(struct loader *ld, const struct ynode *n, const char *key, const char **out)
{
	if (n->kind != YNODE_SCALAR || ynode_is_null(n) || n->len == 0) {
		fail(ld, n, "write a non-empty string", "'%s' must be a string, not %s", key,
		     n->kind == YNODE_SCALAR && n->len == 0 && !n->plain ? "empty" : ynode_kind_name(n));
		return false;
	}
	*out = dup(ld, n->str);
	return true;
}

static bool want_bool(struct loader *ld, const struct ynode *n, const char *key, bool *out)
{
	if (n->kind == YNODE_SCALAR && n->plain) {
		if (!strcmp(n->str, "true") || !strcmp(n->str, "True") || !strcmp(n->str, "TRUE")) {
			*out = true;
			return true;
		}
		if (!strcmp(n->str, "false") || !strcmp(n->str, "False") || !strcmp(n->str, "FALSE")) {
			*out = false;
			return true;
		}
	}
	fail(ld, n, "write true or false, unquoted", "'%s' must be true or false, not %s", key,
	     n->kind == YNODE_SCALAR ? n->str : ynode_kind_name(n));
	return false;
}

static bool want_uint(struct loader *ld, const struct ynode *n, const char *key, unsigned *out)
{
	bool ok = n->kind == YNODE_SCALAR && n->plain && n->len > 0 && n->len <= 10;
	for (size_t i = 0; ok && i < n->len; i++)
		ok = n->str[i] >= '0' && n->str[i] <= '9';
	unsigned long v = ok ? strtoul(n->str, NULL, 10) : 0;
	if (!ok || v > PROFILE_UINT_MAX) {
		fail(ld, n, "write a whole number of at least 0, unquoted",
		     "'%s' must be a whole number, not %s", key,
		     n->kind == YNODE_SCALAR ? n->str : ynode_kind_name(n));
		return false;
	}
	*out = (unsigned)v;
	return true;
}

static void want_str_list(struct loader *ld, const struct ynode *n, const char *key,
			  const char ***out, size_t *count)
{
	if (n->kind != YNODE_SEQ) {
		fail(ld, n, "write a list of strings, e.g. [A, B] or []",
		     "'%s' must be a list, not %s", key, ynode_kind_name(n));
		return;
	}
	const char **v = arena_alloc(&ld->p->arena, (n->n ? n->n : 1) * sizeof(*v));
	for (size_t i = 0; i < n->n; i++)
		if (!want_str(ld, n->items[i], key, &v[i]))
			return;
	*out = v;
	*count = n->n;
}

/* ---- mappings ----------------------------------------------------------- */

static void known_keys(struct strbuf *sb, const struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		sb_printf(sb, "%s%s", i ? ", " : "", t->fields[i].key);
}

static void unknown_key(struct loader *ld, const struct ynode *key, const struct table *t)
{
	const char *cands[64];
	size_t nc = 0;
	for (size_t i = 0; i < t->n && nc + 1 < sizeof(cands) / sizeof(cands[0]); i++)
		cands[nc++] = t->fields[i].key;
	cands[nc] = NULL;
	const char *near = str_suggest(key->str, cands);
	struct strbuf hint = STRBUF_INIT;
	if (near)
		sb_printf(&hint, "did you mean '%s'? ", near);
	sb_puts(&hint, "known keys: ");
	known_keys(&hint, t);
	fail(ld, key, hint.buf, "unknown key '%s' in %s", key->str, t->what);
	sb_release(&hint);
}

static const struct field *field_find(const struct table *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->fields[i].key, key))
			return &t->fields[i];
	return NULL;
}

static bool want_map(struct loader *ld, const struct ynode *n, const char *what)
{
	if (n->kind == YNODE_MAP)
		return true;
	fail(ld, n, "write a mapping of key: value lines", "%s must be a mapping, not %s", what,
	     ynode_kind_name(n));
	return false;
}

/* Keys of a mapping must be plain strings; complex keys are refused. */
static bool key_ok(struct loader *ld, const struct ynode *k, const char *what)
{
	if (k->kind == YNODE_SCALAR && k->len > 0)
		return true;
	fail(ld, k, "keys are plain words", "a key in %s must be a word, not %s", what,
	     ynode_kind_name(k));
	return false;
}

static void parse_value(struct loader *ld, const struct field *f, const struct ynode *v,
			void *target)
{
	char *at = (char *)target + f->off;
	switch (f->kind) {
	case K_STR:
		want_str(ld, v, f->key, (const char **)(void *)at);
		break;
	case K_BOOL:
		want_bool(ld, v, f->key, (bool *)(void *)at);
		break;
	case K_UINT:
		want_uint(ld, v, f->key, (unsigned *)(void *)at);
		break;
	case K_TRI: {
		bool b;
		if (ynode_is_null(v))
			*(int *)(void *)at = -1;
		else if (want_bool(ld, v, f->key, &b))
			*(int *)(void *)at = b;
		break;
	}
	case K_LONG_OR_NULL: {
		unsigned u;
		if (ynode_is_null(v))
			*(long *)(void *)at = -1;
		else if (want_uint(ld, v, f->key, &u))
			*(long *)(void *)at = (long)u;
		break;
	}
	case K_STR_LIST:
		want_str_list(ld, v, f->key, (const char ***)(void *)at,
			      (size_t *)(void *)((char *)target + f->count_off));
		break;
	case K_MAP:
		break; /* handled by the caller, which knows the table */
	case K_CUSTOM:
		f->fn(ld, v);
		break;
	}
}

static void parse_table(struct loader *ld, const struct ynode *n, const struct table *t,
			void *target)
{
	if (!want_map(ld, n, t->what))
		return;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->keys[i];
		if (!key_ok(ld, k, t->what))
			continue;
		const struct field *f = field_find(t, k->str);
		if (!f)
			unknown_key(ld, k, t);
		else if (f->kind == K_MAP)
			parse_table(ld, n->items[i], f->nested, target);
		else
			parse_value(ld, f, n->items[i], target);
	}
	for (size_t i = 0; i < t->n; i++) {
		if (t->fields[i].required && !ynode_get(n, t->fields[i].key)) {
			struct strbuf hint = STRBUF_INIT;
			sb_printf(&hint, "add '%s:' to %s", t->fields[i].key, t->what);
			fail(ld, n, hint.buf, "%s has no '%s'", t->what, t->fields[i].key);
			sb_release(&hint);
		}
	}
}

/* ---- the profile's shape -------------------------------------------------- */

#define F(k, kind, req, member) { k, kind, req, offsetof(struct profile, member), 0, NULL, NULL }
#define FMAP(k, req, tbl) { k, K_MAP, req, 0, 0, &tbl, NULL }
#define FFN(k, req, fn) { k, K_CUSTOM, req, 0, 0, NULL, fn }
#define TABLE(name, what, ...)                                                             \
	static const struct field name##_fields[] = { __VA_ARGS__ };                       \
	static const struct table name = { what, name##_fields,                           \
					   sizeof(name##_fields) / sizeof(name##_fields[0]) }

static void parse_identifiers(struct loader *ld, const struct ynode *n);
static void parse_levels(struct loader *ld, const struct ynode *n);
static void parse_required_fields(struct loader *ld, const struct ynode *n);
static void parse_version(struct loader *ld, const struct ynode *n);
static void parse_id(struct loader *ld, const struct ynode *n);

static const struct field identifier_fields[] = {
	{ "allowed", K_BOOL, true, offsetof(struct profile_identifier, allowed), 0, NULL, NULL },
	{ "label", K_STR, true, offsetof(struct profile_identifier, label), 0, NULL, NULL },
	{ "device_types", K_STR_LIST, true, offsetof(struct profile_identifier, device_types),
	  offsetof(struct profile_identifier, n_device_types), NULL, NULL },
	{ "note", K_STR, false, offsetof(struct profile_identifier, note), 0, NULL, NULL },
};
static const struct table identifier_table = {
	"an identifier", identifier_fields, sizeof(identifier_fields) / sizeof(identifier_fields[0])
};

TABLE(precision_table, "precision",
      FFN("levels", true, parse_levels),
      F("note", K_STR, false, precision_note));
TABLE(record_sync_table, "record_sync",
      F("allowed", K_BOOL, true, record_sync),
      F("reason", K_STR, false, record_sync_reason));
TABLE(raw_fields_table, "raw_fields",
      F("allowed", K_BOOL, true, raw_fields),
      F("reason", K_STR, false, raw_fields_reason));
TABLE(dup_names_table, "duplicate_segment_names",
      F("allowed", K_BOOL, true, duplicate_segment_names),
      F("reason", K_STR, false, duplicate_segment_names_reason));
TABLE(name_max_table, "account.name_max",
      F("api", K_UINT, true, account_name_max),
      F("connect", K_UINT, true, account_name_max_connect));
TABLE(account_table, "account",
      FFN("required_fields", true, parse_required_fields),
      F("client_property_word", K_STR, false, client_name_property_hint),
      FMAP("name_max", true, name_max_table));
TABLE(segments_table, "segments",
      F("name_max", K_UINT, true, segment_name_max));
TABLE(marketplace_table, "data_marketplace",
      F("allowed", K_BOOL, true, marketplace_allowed),
      F("reason", K_STR, false, marketplace_reason),
      F("standard_hint", K_STR, false, marketplace_standard_hint),
      F("custom_hint", K_STR, false, marketplace_custom_hint),
      F("share_delivery_days", K_UINT, false, marketplace_share_days),
      { "custom_share_steps", K_STR_LIST, false, offsetof(struct profile, marketplace_share_steps),
	offsetof(struct profile, n_marketplace_share_steps), NULL, NULL },
      F("changes_note", K_STR, false, marketplace_changes_note));
TABLE(profile_table, "the profile",
      FFN("version", true, parse_version),
      FFN("id", true, parse_id),
      F("destination", K_STR, true, destination_name),
      F("integration", K_STR, true, integration_name),
      FFN("identifiers", true, parse_identifiers),
      FMAP("precision", true, precision_table),
      F("ttl_days", K_UINT, true, ttl_days),
      F("first_delivery_days", K_UINT, true, first_delivery_days),
      F("refresh_days", K_UINT, true, refresh_days),
      FMAP("record_sync", true, record_sync_table),
      FMAP("raw_fields", true, raw_fields_table),
      FMAP("duplicate_segment_names", true, dup_names_table),
      FMAP("account", true, account_table),
      FMAP("segments", true, segments_table),
      F("oauth_required", K_BOOL, true, oauth_required),
      F("liveramp_action_to_activate", K_BOOL, true, activation_needs_liveramp),
      FMAP("data_marketplace", true, marketplace_table),
      F("delivery_stats", K_BOOL, true, delivery_stats),
      F("conversions_api", K_BOOL, true, conversions_api),
      F("exposure_logs", K_TRI, false, exposure_logs),
      F("audiences_per_seat_limit", K_LONG_OR_NULL, false, audiences_per_seat_limit));

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

static void parse_version(struct loader *ld, const struct ynode *n)
{
	unsigned v;
	if (want_uint(ld, n, "version", &v) && v != PROFILE_VERSION)
		fail(ld, n, "this reconciler reads profile version 1",
		     "profile version %s is not supported", n->str);
}

static void parse_id(struct loader *ld, const struct ynode *n)
{
	const char *id;
	if (!want_str(ld, n, "id", &id))
		return;
	if (!is_word(id, PROFILE_ID_MAX)) {
		fail(ld, n, "use lower-case letters, digits, '_' or '-' (at most 32): it prefixes rule ids",
		     "profile id '%s' is not a plain word", id);
		return;
	}
	ld->p->id = id;
}

/* A device type maps to one identifier at most, so that an observed
 * device type reads back as exactly one config word. seen: device type ->
 * identifier name, both borrowed from the YAML tree. */
static void check_device_types(struct loader *ld, const struct ynode *name,
			       const struct ynode *ident, struct hmap *seen)
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
			fail(ld, t, "map each API device type to one identifier",
			     "device type '%s' is already mapped by identifier '%s'", t->str, other);
		else
			hmap_put(seen, t->str, (void *)name->str, NULL);
	}
}

static void parse_identifiers(struct loader *ld, const struct ynode *n)
{
	if (!want_map(ld, n, "identifiers"))
		return;
	struct profile *p = ld->p;
	p->identifiers = arena_alloc(&p->arena, (n->n ? n->n : 1) * sizeof(*p->identifiers));
	struct hmap seen = HMAP_INIT;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->keys[i];
		if (!key_ok(ld, k, "identifiers"))
			continue;
		if (!is_word(k->str, 64)) {
			fail(ld, k, "identifier names are config words: lower-case, digits, '_'",
			     "identifier name '%s' is not a plain word", k->str);
			continue;
		}
		struct profile_identifier *id = &p->identifiers[p->n_identifiers++];
		id->name = dup(ld, k->str);
		parse_table(ld, n->items[i], &identifier_table, id);
		check_device_types(ld, k, n->items[i], &seen);
	}
	hmap_free(&seen);
	if (n->n == 0)
		fail(ld, n, "list the identifiers the destination accepts or refuses",
		     "the profile lists no identifiers");
}

static void parse_levels(struct loader *ld, const struct ynode *n)
{
	if (!want_map(ld, n, "precision.levels"))
		return;
	struct profile *p = ld->p;
	p->precisions = arena_alloc(&p->arena, (n->n ? n->n : 1) * sizeof(*p->precisions));
	for (size_t i = 0; i < n->n; i++) {
		if (!key_ok(ld, n->keys[i], "precision.levels"))
			continue;
		struct profile_precision *lv = &p->precisions[p->n_precisions++];
		lv->name = dup(ld, n->keys[i]->str);
		want_bool(ld, n->items[i], n->keys[i]->str, &lv->allowed);
	}
}

static void parse_required_fields(struct loader *ld, const struct ynode *n)
{
	if (!want_map(ld, n, "account.required_fields"))
		return;
	struct profile *p = ld->p;
	size_t cap = n->n ? n->n : 1;
	p->required_account_fields = arena_alloc(&p->arena, cap * sizeof(char *));
	p->required_account_field_descriptions = arena_alloc(&p->arena, cap * sizeof(char *));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->keys[i];
		if (!key_ok(ld, k, "account.required_fields"))
			continue;
		bool known = false;
		for (const char *const *f = account_fields; *f; f++)
			known = known || !strcmp(*f, k->str);
		if (!known) {
			const char *near = str_suggest(k->str, account_fields);
			struct strbuf hint = STRBUF_INIT;
			sb_printf(&hint, "%s%s%sconfigs can carry: client_name", near ? "did you mean '" : "",
				  near ? near : "", near ? "'? " : "");
			fail(ld, k, hint.buf, "'%s' is not an account field a config can carry", k->str);
			sb_release(&hint);
			continue;
		}
		size_t j = p->n_required_account_fields;
		if (!want_str(ld, n->items[i], k->str, &p->required_account_field_descriptions[j]))
			continue;
		p->required_account_fields[j] = dup(ld, k->str);
		p->n_required_account_fields++;
	}
}

/* A rule that refuses something must say why: the reason is what the user
 * reads in the diagnostic. */
static void need_reason(struct loader *ld, const struct ynode *root, const char *section,
			bool allowed, const char *reason)
{
	if (allowed || reason)
		return;
	fail(ld, ynode_get(root, section), "add 'reason:' saying why the destination refuses it",
	     "%s is refused but gives no reason", section);
}

static void check_whole(struct loader *ld, const struct ynode *root)
{
	const struct profile *p = ld->p;
	need_reason(ld, root, "record_sync", p->record_sync, p->record_sync_reason);
	need_reason(ld, root, "raw_fields", p->raw_fields, p->raw_fields_reason);
	need_reason(ld, root, "data_marketplace", p->marketplace_allowed, p->marketplace_reason);
	if (!p->marketplace_allowed && (!p->marketplace_standard_hint || !p->marketplace_custom_hint))
		fail(ld, ynode_get(root, "data_marketplace"),
		     "add standard_hint and custom_hint: what to do instead, per kind of segment",
		     "data_marketplace is refused but says nothing to do instead");
	if (p->account_name_max == 0)
		fail(ld, ynode_get(root, "account"), "name limits are at least 1",
		     "account.name_max.api of 0 would refuse every name");
	if (p->segment_name_max == 0)
		fail(ld, ynode_get(root, "segments"), "name limits are at least 1",
		     "segments.name_max of 0 would refuse every name");
}

/* ---- entry points ------------------------------------------------------------ */

/* Problems the YAML layer finds in a profile (syntax, duplicate keys) are
 * problems of the profile: they carry its rule id like the others. */
static void as_profile_diags(struct diags *d, struct diags *tmp)
{
	for (size_t i = 0; i < tmp->n; i++) {
		free(tmp->v[i].rule);
		tmp->v[i].rule = xstrdup(PROFILE_RULE);
	}
	diags_move(d, tmp);
}

static int build(struct profile **out, const struct ydoc *doc, struct diags *d)
{
	struct profile *p = xcalloc(1, sizeof(*p));
	p->exposure_logs = -1;
	p->audiences_per_seat_limit = -1;
	struct loader ld = { p, d, false };
	if (!doc->root) {
		struct pos at = { doc->file, 1, 1 };
		diag_error(d, PROFILE_RULE, &at, "a profile needs at least id, destination and its rules",
			   "the profile is empty");
		ld.failed = true;
	} else {
		parse_table(&ld, doc->root, &profile_table, p);
		if (!ld.failed)
			check_whole(&ld, doc->root);
	}
	if (ld.failed) {
		profile_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int profile_parse(struct profile **out, const char *label, const char *data, size_t len,
		  struct diags *d)
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
