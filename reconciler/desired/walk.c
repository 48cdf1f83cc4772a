/*
 * The sections of a configuration document: settings, accounts (with their
 * identifiers and segments) and marketplace shares. One pass over each
 * mapping; each key is looked up in the section's small fixed table.
 *
 * An item too broken to be used (an account without a usable name, a segment
 * without an id, a share missing a required key) is reported and left out,
 * so that later stages never see half an identity. Anything else that is
 * wrong is reported and left at its default, and the item is kept.
 */
#include "walk.h"

#include <ctype.h>
#include <string.h>

static const char *const settings_keys[] = { "prune",	       "org_id",  "destination_id",
					     "integration_id", "protect", NULL };
enum { SET_PRUNE, SET_ORG_ID, SET_DESTINATION_ID, SET_INTEGRATION_ID, SET_PROTECT };

static const char *const account_keys[] = { "name",	"client_name", "identifiers", "precision",
					    "status",	"expire_at",   "protected",   "previous_names",
					    "segments", "record_sync", "raw_fields",  NULL };
enum {
	ACC_NAME,
	ACC_CLIENT_NAME,
	ACC_IDENTIFIERS,
	ACC_PRECISION,
	ACC_STATUS,
	ACC_EXPIRE_AT,
	ACC_PROTECTED,
	ACC_PREVIOUS_NAMES,
	ACC_SEGMENTS,
	ACC_RECORD_SYNC,
	ACC_RAW_FIELDS,
	ACC_N_KEYS
};

static const char *const segment_keys[] = { "id", "name", "type", "offering", NULL };
enum { SEG_ID, SEG_NAME, SEG_TYPE, SEG_OFFERING };

static const char *const share_keys[] = { "segment", "buyer", "shared_on", "seller_allowlisted", NULL };
enum { SH_SEGMENT, SH_BUYER, SH_SHARED_ON, SH_SELLER_ALLOWLISTED, SH_N_KEYS };

/* Connect's words for identifier types; which ones a destination takes is
 * the rules' business. */
static const char *const identifier_words[] = { "cookies",	     "ramp_ids",     "ctv_ids",
						"mobile_device_ids", "platform_ids", NULL };
/* In enum order (enum account_status, enum segment_type). */
static const char *const status_words[] = { "active", "inactive", NULL };
static const char *const segment_type_words[] = { "onboarding", "data_marketplace", NULL };
/* enum marketplace_offering minus OFFERING_UNKNOWN. */
static const char *const offering_words[] = { "standard", "custom", NULL };

static const struct ywhere the_document = { "the document", NULL, 0, NULL };

/* ---- names ------------------------------------------------------------- */

/* An account name is an identity, compared trimmed: blanks around it are
 * dropped here, where it is read, so that the rules count, the plan shows
 * and apply sends one and the same string. A name that was trimmed is
 * warned about at its position. */
#define TRIM_WARNINGS 10

static void trim_name(struct loader *L, const char *key, struct sval *v)
{
	if (!v->v)
		return;
	const char *b = v->v, *e = v->v + strlen(v->v);
	while (b < e && isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	if (b == v->v && *e == '\0')
		return;
	const char *was = v->v;
	v->v = arena_strndup(&L->s->arena, b, (size_t)(e - b));
	/* A few per file: a generated file of thousands must not crowd the
	 * errors out of the diagnostics kept. */
	if (++L->trimmed <= TRIM_WARNINGS)
		diag_warning(L->w.d, "account.name", &v->pos, "remove the blanks around the name in the file",
			     "%s \"%s\" has blanks around it: it is read as \"%s\"", key, was, v->v);
	else if (L->trimmed == TRIM_WARNINGS + 1)
		diag_warning(L->w.d, "account.name", &v->pos,
			     "remove the blanks around the names in the file",
			     "%s \"%s\" has blanks around it, and maybe more after it: they are read trimmed "
			     "without a warning each",
			     key, was);
}

static void trim_names(struct loader *L, const char *key, struct sval *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		trim_name(L, key, &v[i]);
}

/* ---- settings ---------------------------------------------------------- */

static void report_conflict(struct loader *L, const struct ynode *n, const char *key, const char *now,
			    const char *before, const struct pos *first)
{
	yw_err(&L->w, n, "schema.conflict",
	       "settings apply to the whole configuration: set each one in one file, or to the "
	       "same value everywhere",
	       "setting '%s' is %s here but %s at %s:%u:%u", key, now, before, first->file, first->line,
	       first->col);
}

static void set_prune(struct loader *L, const struct ynode *n, const struct ywhere *w)
{
	struct settings *st = &L->s->settings;
	bool v;
	if (yw_is_null(n) || !yw_bool(&L->w, n, w, "prune", &v))
		return;
	if (!st->prune_pos.file) {
		st->prune = v;
		st->prune_pos = yw_pos(&L->w, n);
	} else if (st->prune != v) {
		report_conflict(L, n, "prune", v ? "true" : "false", st->prune ? "true" : "false",
				&st->prune_pos);
	}
}

static void set_text(struct loader *L, const struct ynode *n, const struct ywhere *w, const char *key,
		     struct sval *slot)
{
	struct sval v;
	if (yw_is_null(n) || !load_text(L, n, w, key, 0, &v))
		return;
	if (!slot->v) {
		*slot = v;
	} else if (strcmp(slot->v, v.v) != 0) {
		struct strbuf now = STRBUF_INIT, before = STRBUF_INIT;
		sb_printf(&now, "'%s'", v.v);
		sb_printf(&before, "'%s'", slot->v);
		report_conflict(L, n, key, sb_str(&now), sb_str(&before), &slot->pos);
		sb_release(&now);
		sb_release(&before);
	}
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

/* Protected names accumulate over files. The array's capacity is implied by
 * its length (the next power of two), so appending stays linear overall
 * without a capacity field in the model. */
static void add_protect(struct loader *L, const struct ynode *n, const struct ywhere *w)
{
	struct settings *st = &L->s->settings;
	struct sval *v;
	size_t k;
	load_text_list(L, n, w, "protect", &v, &k);
	trim_names(L, "protected name", v, k);
	if (k == 0)
		return;
	size_t have = st->n_protect, cap = have ? pow2_at_least(have) : 0;
	if (have + k > cap) {
		struct sval *grown = arena_alloc(&L->s->arena, pow2_at_least(have + k) * sizeof(*grown));
		if (have)
			memcpy(grown, st->protect, have * sizeof(*grown));
		st->protect = grown;
	}
	memcpy(st->protect + have, v, k * sizeof(*v));
	st->n_protect = have + k;
}

void load_walk_settings(struct loader *L, const struct ynode *n)
{
	static const struct ywhere w = { "settings", NULL, 0, NULL };
	if (yw_is_null(n))
		return;
	if (n->kind != YNODE_MAP) {
		yw_err_type(&L->w, n, &the_document, "settings", 0, "a mapping", NULL,
			    "write settings as `key: value` lines indented under `settings:`");
		return;
	}
	L->s->settings.present = true;
	struct settings *st = &L->s->settings;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *v = n->items[i];
		switch (yw_key(&L->w, n->keys[i], settings_keys, &w)) {
		case SET_PRUNE: set_prune(L, v, &w); break;
		case SET_ORG_ID: set_text(L, v, &w, "org_id", &st->org_id); break;
		case SET_DESTINATION_ID: set_text(L, v, &w, "destination_id", &st->destination_id); break;
		case SET_INTEGRATION_ID: set_text(L, v, &w, "integration_id", &st->integration_id); break;
		case SET_PROTECT: add_protect(L, v, &w); break;
		default: break;
		}
	}
}

/* ---- segments ---------------------------------------------------------- */

static bool walk_segment_map(struct loader *L, const struct ynode *n, const struct ywhere *w,
			     struct segment *seg)
{
	bool has_id = false;
	int word;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *v = n->items[i];
		struct sval id;
		switch (yw_key(&L->w, n->keys[i], segment_keys, w)) {
		case SEG_ID:
			has_id = true;
			if (load_id(L, v, w, "id", 0, &id))
				seg->id = id.v;
			break;
		case SEG_NAME:
			if (!yw_is_null(v))
				load_text(L, v, w, "name", 0, &seg->name);
			break;
		case SEG_TYPE:
			if (!yw_is_null(v) && yw_word(&L->w, v, w, "type", 0, segment_type_words, &word)) {
				seg->type = (enum segment_type)word;
				seg->type_pos = yw_pos(&L->w, v);
			}
			break;
		case SEG_OFFERING:
			if (!yw_is_null(v) && yw_word(&L->w, v, w, "offering", 0, offering_words, &word))
				seg->offering = (enum marketplace_offering)(word + 1);
			break;
		default: break;
		}
	}
	if (!has_id)
		yw_err_required(&L->w, n, w, "id", "give the LiveRamp segment id: `id: 12345`");
	return seg->id != NULL;
}

/* One item of `segments:`: a bare id, or a mapping with an id. Fills *seg
 * and returns true when the item is usable. */
static bool walk_segment(struct loader *L, const struct ynode *n, const struct ywhere *aw, size_t index,
			 struct segment *seg)
{
	memset(seg, 0, sizeof(*seg));
	seg->pos = yw_pos(&L->w, n);
	if (n->kind == YNODE_SCALAR) {
		struct sval id;
		if (!load_id(L, n, aw, "segments", index, &id))
			return false;
		seg->id = id.v;
		return true;
	}
	if (n->kind != YNODE_MAP) {
		yw_err_type(&L->w, n, aw, "segments", index, "a segment id or a mapping with an id", NULL,
			    "write `- 12345` or `- {id: 12345, name: ...}`");
		return false;
	}
	struct ywhere w = { "segment", NULL, index, aw };
	const struct ynode *id = ynode_get(n, "id");
	if (id && id->kind == YNODE_SCALAR && !yw_is_null(id))
		w.label = id->str;
	return walk_segment_map(L, n, &w, seg);
}

static void walk_segments(struct loader *L, const struct ynode *n, const struct ywhere *aw, struct account *a)
{
	a->segments_pos = yw_pos(&L->w, n);
	if (!yw_list(&L->w, n, aw, "segments") || n->kind != YNODE_SEQ || n->n == 0)
		return;
	/* Sized for every item up front: one allocation however long the list. */
	a->segments = arena_alloc(&L->s->arena, n->n * sizeof(*a->segments));
	for (size_t i = 0; i < n->n; i++)
		if (walk_segment(L, n->items[i], aw, i + 1, &a->segments[a->n_segments]))
			a->n_segments++;
}

/* ---- accounts ---------------------------------------------------------- */

static void walk_identifiers(struct loader *L, const struct ynode *n, const struct ywhere *w,
			     struct account *a)
{
	a->identifiers_pos = yw_pos(&L->w, n);
	if (!yw_list(&L->w, n, w, "identifiers"))
		return;
	if (n->kind != YNODE_SEQ || n->n == 0) {
		a->identifiers_declared = true; /* empty: the rules' to report */
		return;
	}
	a->identifiers = arena_alloc(&L->s->arena, n->n * sizeof(*a->identifiers));
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *item = n->items[i];
		int word = -1;
		/* A string that is not one of Connect's words is kept as written:
		 * the rules know what the destination accepts, and say it with a
		 * "did you mean" among those words only (rules/check.c). */
		if (item->kind == YNODE_SCALAR && yscalar_kind(item) == YS_STR && item->len > 0) {
			for (int k = 0; identifier_words[k]; k++)
				if (!strcmp(item->str, identifier_words[k]))
					word = k;
		} else if (!yw_word(&L->w, item, w, "identifiers", i + 1, identifier_words, &word)) {
			continue;
		}
		struct sval *id = &a->identifiers[a->n_identifiers++];
		id->v = state_strdup(L->s, word >= 0 ? identifier_words[word] : item->str);
		id->pos = yw_pos(&L->w, item);
	}
	/* A list whose every item was refused above is not declared empty:
	 * the rules would otherwise report the same line a second time. */
	a->identifiers_declared = a->n_identifiers > 0;
}

static void walk_account_field(struct loader *L, int key, const struct ynode *v, const struct ywhere *w,
			       struct account *a)
{
	int word;
	switch (key) {
	case ACC_NAME:
		if (load_text(L, v, w, "name", 0, &a->name))
			trim_name(L, "account name", &a->name);
		break;
	case ACC_CLIENT_NAME:
		if (!yw_is_null(v))
			load_text(L, v, w, "client_name", 0, &a->client_name);
		break;
	case ACC_IDENTIFIERS: walk_identifiers(L, v, w, a); break;
	case ACC_PRECISION:
		if (!yw_is_null(v))
			load_text(L, v, w, "precision", 0, &a->precision);
		break;
	case ACC_STATUS:
		if (!yw_is_null(v) && yw_word(&L->w, v, w, "status", 0, status_words, &word)) {
			a->status = (enum account_status)word;
			a->status_pos = yw_pos(&L->w, v);
		}
		break;
	case ACC_EXPIRE_AT:
		/* Kept as written: whether it is a real date, and not in the
		 * past, is checked by the rules (account.expire_at). */
		a->expire_at.pos = yw_pos(&L->w, v);
		if (!yw_is_null(v))
			load_text(L, v, w, "expire_at", 0, &a->expire_at);
		break;
	case ACC_PROTECTED:
		if (!yw_is_null(v) && yw_bool(&L->w, v, w, "protected", &a->protect))
			a->protect_pos = yw_pos(&L->w, v);
		break;
	case ACC_PREVIOUS_NAMES:
		load_text_list(L, v, w, "previous_names", &a->previous_names, &a->n_previous_names);
		trim_names(L, "previous name", a->previous_names, a->n_previous_names);
		break;
	case ACC_SEGMENTS: walk_segments(L, v, w, a); break;
	case ACC_RECORD_SYNC:
		if (!yw_is_null(v) && yw_bool(&L->w, v, w, "record_sync", &a->record_sync))
			a->record_sync_pos = yw_pos(&L->w, v);
		break;
	case ACC_RAW_FIELDS:
		a->raw_fields_pos = yw_pos(&L->w, v);
		load_text_list(L, v, w, "raw_fields", &a->raw_fields, &a->n_raw_fields);
		break;
	default: break;
	}
}

void load_walk_account(struct loader *L, const struct ynode *n, size_t index)
{
	if (n->kind != YNODE_MAP) {
		yw_err_type(&L->w, n, &the_document, "accounts", index, "a mapping (one account)", NULL,
			    "start each account with `- name: ...`");
		return;
	}
	/* The name is looked up first so that every message about this
	 * account can say which one it is. */
	struct ywhere w = { "account", NULL, index, NULL };
	const struct ynode *name = ynode_get(n, "name");
	if (name && name->kind == YNODE_SCALAR && !yw_is_null(name))
		w.label = name->str;

	struct account *a = state_add_account(L->s);
	a->pos = yw_pos(&L->w, n);
	bool seen[ACC_N_KEYS] = { false };
	for (size_t i = 0; i < n->n; i++) {
		int key = yw_key(&L->w, n->keys[i], account_keys, &w);
		if (key < 0)
			continue;
		seen[key] = true;
		walk_account_field(L, key, n->items[i], &w, a);
	}
	if (!seen[ACC_NAME])
		yw_err_required(&L->w, n, &w, "name", "every account needs `name:`, its identity");
	if (!seen[ACC_IDENTIFIERS])
		yw_err_required(&L->w, n, &w, "identifiers",
				"list the identifier types to send, e.g. `identifiers: [cookies]`");
	/* Without a name there is no identity to plan against: leave it out
	 * (it is the last one added, so this is a pop). */
	if (!a->name.v)
		L->s->n_accounts--;
}

/* ---- marketplace shares ------------------------------------------------ */

void load_walk_share(struct loader *L, const struct ynode *n, size_t index)
{
	if (n->kind != YNODE_MAP) {
		yw_err_type(&L->w, n, &the_document, "marketplace_shares", index, "a mapping (one share)",
			    NULL, "write `- {segment: ..., buyer: ..., shared_on: YYYY-MM-DD}`");
		return;
	}
	struct ywhere w = { "marketplace share", NULL, index, NULL };
	struct share sh;
	memset(&sh, 0, sizeof(sh));
	sh.pos = yw_pos(&L->w, n);
	bool seen[SH_N_KEYS] = { false };
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *v = n->items[i];
		int key = yw_key(&L->w, n->keys[i], share_keys, &w);
		if (key < 0)
			continue;
		seen[key] = true;
		switch (key) {
		case SH_SEGMENT: load_id(L, v, &w, "segment", 0, &sh.segment); break;
		case SH_BUYER: load_text(L, v, &w, "buyer", 0, &sh.buyer); break;
		case SH_SHARED_ON: load_text(L, v, &w, "shared_on", 0, &sh.shared_on); break;
		case SH_SELLER_ALLOWLISTED:
			if (!yw_is_null(v))
				yw_bool(&L->w, v, &w, "seller_allowlisted", &sh.seller_allowlisted);
			break;
		default: break;
		}
	}
	static const char *const required[] = { "segment", "buyer", "shared_on" };
	for (int k = SH_SEGMENT; k <= SH_SHARED_ON; k++)
		if (!seen[k])
			yw_err_required(&L->w, n, &w, required[k],
					"a share needs segment, buyer and shared_on");
	if (sh.segment.v && sh.buyer.v && sh.shared_on.v)
		*state_add_share(L->s) = sh;
}
