/*
 * Rule checks on a desired state: the generic account rules (names, end
 * dates, duplicate segments, shares) and the rules a profile states.
 *
 * Every fact and explanation comes from the profile; C only knows the shape
 * of the rules. Names are compared folded (trimmed, ASCII case-insensitive)
 * through hash maps, so 100,000 accounts cost 100,000 lookups.
 */
#include "rules/check.h"

#include <stdint.h>
#include <string.h>

#include "rules/check_ctx.h"
#include "util/clock.h"
#include "util/hmap.h"
#include "util/text.h"

/* ---- shared context ------------------------------------------------------ */

static const char *list_allowed_identifiers(struct check_ctx *c)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < c->p->n_identifiers; i++)
		if (c->p->identifiers[i].allowed)
			sb_printf(&sb, "%s%s", sb.len ? ", " : "", c->p->identifiers[i].name);
	const char *s = arena_strdup(&c->scratch, sb_str(&sb));
	sb_release(&sb);
	return s;
}

void ctx_init(struct check_ctx *c, const struct profile *p, struct diags *d)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->d = d;
	c->errors_before = d->errors;
	c->allowed_identifiers = list_allowed_identifiers(c);
}

size_t ctx_finish(struct check_ctx *c)
{
	arena_free(&c->scratch);
	return c->d->errors - c->errors_before;
}

const char *ctx_rule(struct check_ctx *c, const char *rule)
{
	return profile_rule_id(c->p, rule, c->rule, sizeof(c->rule));
}

const char *ctx_fold(struct check_ctx *c, const char *s)
{
	return str_fold_arena(&c->scratch, s);
}

const char *ctx_where(struct check_ctx *c, const struct pos *pos)
{
	if (!pos || !pos->file)
		return "an unknown position";
	return arena_printf(&c->scratch, "%s:%u:%u", pos->file, pos->line, pos->col);
}

const struct pos *pos_or(const struct pos *a, const struct pos *b)
{
	return a && a->file ? a : b;
}

void ctx_marketplace(struct check_ctx *c, enum diag_severity sev, const struct pos *at, const char *account,
		     const char *segment_id, enum marketplace_offering offering, const char *why)
{
	const struct profile *p = c->p;
	const char *kind = offering == OFFERING_STANDARD ? "a standard"
			   : offering == OFFERING_CUSTOM ? "a custom"
							 : "a";
	struct strbuf hint = STRBUF_INIT;
	if (offering == OFFERING_STANDARD)
		sb_puts(&hint, p->marketplace_standard_hint);
	else if (offering == OFFERING_CUSTOM)
		sb_puts(&hint, p->marketplace_custom_hint);
	else
		sb_printf(&hint, "if it is a standard segment, %s; if it is a custom segment, %s",
			  p->marketplace_standard_hint, p->marketplace_custom_hint);
	diag_add(c->d, sev, ctx_rule(c, "marketplace"), at, hint.buf,
		 "segment %s of account '%s' is %s Data Marketplace segment (%s): %s", segment_id, account,
		 kind, why, p->marketplace_reason);
	sb_release(&hint);
}

/* ---- account names ---------------------------------------------------------- */

static const char *name_of(const struct account *a)
{
	return a->name.v ? a->name.v : "";
}

/* Missing, too long. Returns the folded name, or NULL when there is none. */
static const char *check_name_shape(struct check_ctx *c, const struct account *a)
{
	const struct profile *p = c->p;
	const char *key = a->name.v ? ctx_fold(c, a->name.v) : "";
	if (!*key) {
		diag_error(c->d, "account.name", pos_or(&a->name.pos, &a->pos),
			   "give the account a name: unique, at most the API's limit in characters",
			   "account has no name");
		return NULL;
	}
	/* Control characters (C0, DEL, C1) cannot be typed in Connect and would
	 * reach terminals and CI logs as escape sequences. */
	for (const unsigned char *u = (const unsigned char *)a->name.v; *u; u++) {
		if (*u < 0x20 || *u == 0x7f || (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)) {
			diag_error(
			    c->d, "account.name", pos_or(&a->name.pos, &a->pos),
			    "remove control characters (escape sequences, tabs, line breaks) from the name",
			    "account name has a control character (0x%02x)", *u == 0xc2 ? u[1] : *u);
			break;
		}
	}
	/* Length counts what is sent: the name without surrounding blanks.
	 * Folding changes only ASCII letters, so it keeps the code points. */
	size_t len = utf8_length(key);
	if (len > p->account_name_max) {
		struct strbuf hint = STRBUF_INIT;
		sb_printf(&hint,
			  "shorten it to at most %u characters; to keep the existing account, "
			  "list its current name under previous_names",
			  p->account_name_max);
		diag_error(c->d, "account.name", &a->name.pos, hint.buf,
			   "account name is %zu characters; the Activation API allows %u (Connect allows %u)",
			   len, p->account_name_max, p->account_name_max_connect);
		sb_release(&hint);
	}
	return key;
}

/* previous_names say which existing account a declared one renames; such a
 * name may not be another declared account's, nor be claimed twice. */
static void check_previous_names(struct check_ctx *c, const struct account *a, const struct hmap *names,
				 struct hmap *claimed)
{
	for (size_t j = 0; j < a->n_previous_names; j++) {
		const struct sval *pn = &a->previous_names[j];
		if (!pn->v)
			continue;
		const char *key = ctx_fold(c, pn->v);
		const struct account *other = hmap_get(names, key);
		if (other && other != a) {
			diag_error(
			    c->d, "account.name", pos_or(&pn->pos, &a->pos),
			    "remove it from previous_names, or rename the other account",
			    "previous name '%s' of account '%s' is the name of the account declared at %s",
			    pn->v, name_of(a), ctx_where(c, pos_or(&other->name.pos, &other->pos)));
			continue;
		}
		const struct sval *first = hmap_get(claimed, key);
		if (first) {
			diag_error(c->d, "account.name", pos_or(&pn->pos, &a->pos),
				   "an existing account can be renamed into one account only: keep one",
				   "previous name '%s' is also listed at %s", pn->v,
				   ctx_where(c, &first->pos));
			continue;
		}
		hmap_put(claimed, key, (void *)pn, NULL);
	}
}

static void check_account_names(struct check_ctx *c, const struct state *s)
{
	struct hmap names = HMAP_INIT; /* folded name -> first account declaring it */
	hmap_reserve(&names, s->n_accounts);
	for (size_t i = 0; i < s->n_accounts; i++) {
		const struct account *a = s->accounts[i];
		const char *key = check_name_shape(c, a);
		if (!key)
			continue;
		const struct account *first = hmap_insert(&names, key, (void *)a);
		if (first)
			diag_error(c->d, "account.name", pos_or(&a->name.pos, &a->pos),
				   "account names are unique (compared trimmed and case-insensitively): "
				   "rename or merge one of them",
				   "account name '%s' is also declared at %s", a->name.v,
				   ctx_where(c, pos_or(&first->name.pos, &first->pos)));
	}
	struct hmap claimed = HMAP_INIT; /* folded previous name -> its sval */
	for (size_t i = 0; i < s->n_accounts; i++)
		check_previous_names(c, s->accounts[i], &names, &claimed);
	hmap_free(&claimed);
	hmap_free(&names);
}

/* ---- per-account fields ---------------------------------------------------------- */

static void check_expire_at(struct check_ctx *c, const struct account *a, long today)
{
	const struct sval *e = &a->expire_at;
	long days;
	if (!e->v)
		return;
	const struct pos *at = pos_or(&e->pos, &a->pos);
	if (!date_parse(e->v, &days)) {
		diag_error(c->d, "account.expire_at", at,
			   "write a real date as YYYY-MM-DD, or leave expire_at out for no end date",
			   "expire_at '%s' of account '%s' is not a date", e->v, name_of(a));
		return;
	}
	if (days < today) {
		char buf[16];
		date_format(today, buf);
		/* Only a warning here: whether anything would be sent depends on
		 * the account's actual end date. An account that ended keeps the
		 * one it has (import writes it so); a past date the plan would
		 * set is an error there (plan_check_end_dates). */
		diag_warning(c->d, "account.expire_at", at,
			     "an account that ended keeps its end date; to distribute again, set a date from "
			     "today on, or leave expire_at out for no end date",
			     "expire_at %s of account '%s' has passed (today is %s): it can only be kept, "
			     "plan refuses to set it",
			     e->v, name_of(a), buf);
	}
}

const struct sval *rules_account_field(const struct account *a, const char *field)
{
	if (!strcmp(field, "client_name"))
		return &a->client_name;
	return NULL;
}

static void check_required_fields(struct check_ctx *c, const struct account *a)
{
	const struct profile *p = c->p;
	for (size_t i = 0; i < p->n_required_account_fields; i++) {
		const char *field = p->required_account_fields[i];
		const char *desc = p->required_account_field_descriptions[i];
		const struct sval *v = rules_account_field(a, field);
		if (!v || (v->v && *ctx_fold(c, v->v)))
			continue;
		struct strbuf hint = STRBUF_INIT;
		sb_printf(&hint, "add '%s:' to the account (%s)", field, desc);
		diag_error(c->d, ctx_rule(c, field), pos_or(&v->pos, &a->pos), hint.buf,
			   "account '%s' has no %s, which %s requires", name_of(a), field,
			   p->destination_name);
		sb_release(&hint);
	}
}

static void unknown_identifier(struct check_ctx *c, const struct account *a, const struct sval *id)
{
	/* Suggest only what the destination accepts: a refused word would
	 * just trade this error for another. */
	const char *cands[65];
	size_t n = 0;
	for (size_t i = 0; i < c->p->n_identifiers && n < 64; i++)
		if (c->p->identifiers[i].allowed)
			cands[n++] = c->p->identifiers[i].name;
	cands[n] = NULL;
	const char *near = str_suggest(id->v, cands);
	/* A near miss by truncation ("ctv", "ramp") is too far for an edit
	 * distance but plain to a reader: an accepted word it begins. */
	size_t len = strlen(id->v);
	for (size_t i = 0; !near && len >= 3 && i < n; i++)
		if (strncmp(cands[i], id->v, len) == 0)
			near = cands[i];
	struct strbuf hint = STRBUF_INIT;
	if (near)
		sb_printf(&hint, "did you mean '%s'? ", near);
	sb_printf(&hint, "%s accepts: %s", c->p->destination_name, c->allowed_identifiers);
	diag_error(c->d, ctx_rule(c, "identifiers"), pos_or(&id->pos, &a->identifiers_pos), hint.buf,
		   "'%s' in account '%s' is not an identifier %s knows", id->v, name_of(a),
		   c->p->destination_name);
	sb_release(&hint);
}

static void check_identifiers(struct check_ctx *c, const struct account *a)
{
	const struct profile *p = c->p;
	if (a->identifiers_declared && a->n_identifiers == 0) {
		struct strbuf hint = STRBUF_INIT;
		sb_printf(&hint, "list at least one of: %s", c->allowed_identifiers);
		diag_error(c->d, ctx_rule(c, "identifiers"), pos_or(&a->identifiers_pos, &a->pos), hint.buf,
			   "account '%s' lists no identifiers", name_of(a));
		sb_release(&hint);
	}
	for (size_t i = 0; i < a->n_identifiers; i++) {
		const struct sval *id = &a->identifiers[i];
		if (!id->v)
			continue;
		const struct profile_identifier *pid = profile_identifier(p, id->v);
		if (!pid) {
			unknown_identifier(c, a, id);
			continue;
		}
		if (pid->allowed)
			continue;
		struct strbuf hint = STRBUF_INIT;
		sb_printf(&hint, "remove '%s' from identifiers; %s accepts: %s", id->v, p->destination_name,
			  c->allowed_identifiers);
		if (pid->note)
			sb_printf(&hint, " (%s)", pid->note);
		diag_error(c->d, ctx_rule(c, "identifiers"), pos_or(&id->pos, &a->identifiers_pos), hint.buf,
			   "%s does not accept %s ('%s' in account '%s')", p->destination_name, pid->label,
			   id->v, name_of(a));
		sb_release(&hint);
	}
}

static void check_precision(struct check_ctx *c, const struct account *a)
{
	const struct profile *p = c->p;
	const struct sval *pr = &a->precision;
	if (!pr->v)
		return;
	struct strbuf allowed = STRBUF_INIT;
	bool ok = false;
	for (size_t i = 0; i < p->n_precisions; i++) {
		if (!p->precisions[i].allowed)
			continue;
		ok = ok || !strcmp(p->precisions[i].name, pr->v);
		sb_printf(&allowed, "%s%s", allowed.len ? ", " : "", p->precisions[i].name);
	}
	if (!ok) {
		struct strbuf hint = STRBUF_INIT;
		sb_printf(&hint, "use one of: %s", sb_str(&allowed));
		if (p->precision_note)
			sb_printf(&hint, "; %s", p->precision_note);
		diag_error(c->d, ctx_rule(c, "precision"), pos_or(&pr->pos, &a->pos), hint.buf,
			   "precision '%s' of account '%s' is not one %s accepts (allowed: %s)", pr->v,
			   name_of(a), p->destination_name, sb_str(&allowed));
		sb_release(&hint);
	}
	sb_release(&allowed);
}

static void check_record_sync_raw_fields(struct check_ctx *c, const struct account *a)
{
	const struct profile *p = c->p;
	if (a->record_sync && !p->record_sync)
		diag_error(c->d, ctx_rule(c, "record_sync"), pos_or(&a->record_sync_pos, &a->pos),
			   "remove record_sync from the account (or set it to false)",
			   "account '%s' asks for record sync: %s", name_of(a), p->record_sync_reason);
	if (p->raw_fields || a->n_raw_fields == 0)
		return;
	/* One diagnostic for the list: the fix is to drop it, not each field. */
	struct strbuf names = STRBUF_INIT;
	for (size_t i = 0; i < a->n_raw_fields; i++)
		sb_printf(&names, "%s'%s'", i ? ", " : "", a->raw_fields[i].v ? a->raw_fields[i].v : "");
	diag_error(c->d, ctx_rule(c, "raw_fields"),
		   pos_or(&a->raw_fields_pos, pos_or(&a->raw_fields[0].pos, &a->pos)),
		   "remove raw_fields from the account and distribute segments built from them",
		   "account '%s' sends raw fields (%s): %s", name_of(a), sb_str(&names),
		   p->raw_fields_reason);
	sb_release(&names);
}

/* ---- segments ------------------------------------------------------------------ */

/* key: the folded name, h its hash (see check_segments). */
static void check_segment_name(struct check_ctx *c, const struct account *a, const struct segment *g,
			       struct hmap *names, const char *key, uint64_t h)
{
	const struct profile *p = c->p;
	if (!g->name.v)
		return;
	const struct pos *at = pos_or(&g->name.pos, &g->pos);
	size_t len = utf8_length(g->name.v);
	if (len > p->segment_name_max) {
		struct strbuf hint = STRBUF_INIT;
		sb_printf(&hint, "shorten the name to at most %u characters", p->segment_name_max);
		diag_error(c->d, ctx_rule(c, "segment_name"), at, hint.buf,
			   "segment %s of account '%s' has a name of %zu characters; %s allows %u", g->id,
			   name_of(a), len, p->destination_name, p->segment_name_max);
		sb_release(&hint);
	}
	if (p->duplicate_segment_names)
		return;
	const struct segment *first = hmap_insert_hashed(names, key, h, (void *)g);
	if (!first)
		return;
	struct strbuf hint = STRBUF_INIT;
	sb_puts(&hint, "give one of them another name (names compare trimmed and case-insensitively)");
	if (p->duplicate_segment_names_reason)
		sb_printf(&hint, ": %s", p->duplicate_segment_names_reason);
	diag_error(c->d, ctx_rule(c, "duplicate_segment_names"), at, hint.buf,
		   "segment name '%s' in account '%s' is also used by segment %s at %s", g->name.v,
		   name_of(a), first->id, ctx_where(c, pos_or(&first->name.pos, &first->pos)));
	sb_release(&hint);
}

#define PREFETCH_AHEAD 8

/* Ids in strictly increasing order cannot repeat. That is how import and
 * most tools write them, and it spares a map of every id. */
static bool ids_increasing(const struct account *a)
{
	const char *prev = NULL;
	for (size_t i = 0; i < a->n_segments; i++) {
		const char *id = a->segments[i].id;
		if (!id)
			continue;
		if (prev && strcmp(prev, id) >= 0)
			return false;
		prev = id;
	}
	return true;
}

static void check_segments(struct check_ctx *c, const struct account *a)
{
	struct hmap ids = HMAP_INIT;   /* segment id -> first segment */
	struct hmap names = HMAP_INIT; /* folded name -> first segment */
	bool unique = ids_increasing(a);
	if (!unique)
		hmap_reserve(&ids, a->n_segments);
	/* Folded names and their hashes first, so that the slot of a name a
	 * few places ahead is fetched while this one is checked. */
	size_t n = a->n_segments;
	const char **keys = NULL;
	uint64_t *hashes = NULL;
	if (!c->p->duplicate_segment_names && n) {
		hmap_reserve(&names, n);
		keys = arena_alloc(&c->scratch, n * sizeof(*keys));
		hashes = arena_alloc(&c->scratch, n * sizeof(*hashes));
		for (size_t i = 0; i < n; i++) {
			if (!a->segments[i].id || !a->segments[i].name.v)
				continue;
			keys[i] = ctx_fold(c, a->segments[i].name.v);
			hashes[i] = hmap_hash(keys[i]);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct segment *g = &a->segments[i];
		if (keys && i + PREFETCH_AHEAD < n && keys[i + PREFETCH_AHEAD])
			hmap_prefetch(&names, hashes[i + PREFETCH_AHEAD]);
		if (!g->id)
			continue;
		const struct segment *first = unique ? NULL : hmap_insert(&ids, g->id, (void *)g);
		if (first) {
			diag_error(
			    c->d, "segment.duplicate", &g->pos,
			    "remove one of them: the API refuses the same segment twice in a distribution",
			    "segment %s is listed twice in account '%s' (first at %s)", g->id, name_of(a),
			    ctx_where(c, &first->pos));
			continue;
		}
		check_segment_name(c, a, g, &names, keys ? keys[i] : NULL, keys ? hashes[i] : 0);
		if (g->type == SEGMENT_DATA_MARKETPLACE && !c->p->marketplace_allowed)
			ctx_marketplace(c, DIAG_ERROR, pos_or(&g->type_pos, &g->pos), name_of(a), g->id,
					g->offering, "declared with type data_marketplace");
	}
	hmap_free(&names);
	hmap_free(&ids);
}

/* ---- shares ---------------------------------------------------------------------- */

static void check_shares(struct check_ctx *c, const struct state *s, long today)
{
	for (size_t i = 0; i < s->n_shares; i++) {
		const struct share *sh = &s->shares[i];
		const struct sval *on = &sh->shared_on;
		long days;
		if (!on->v)
			continue;
		if (!date_parse(on->v, &days))
			diag_error(c->d, "share.shared_on", pos_or(&on->pos, &sh->pos),
				   "write the day the segment was shared as YYYY-MM-DD, or leave "
				   "shared_on out until it is shared",
				   "shared_on '%s' is not a date", on->v);
		else if (days > today)
			diag_warning(c->d, "share.shared_on", pos_or(&on->pos, &sh->pos),
				     "write the day the segment was shared, once it is",
				     "shared_on %s is in the future", on->v);
	}
}

size_t rules_check_desired(const struct profile *p, const struct state *desired, struct diags *d)
{
	struct check_ctx c;
	ctx_init(&c, p, d);
	long today = clock_today();
	check_account_names(&c, desired);
	for (size_t i = 0; i < desired->n_accounts; i++) {
		const struct account *a = desired->accounts[i];
		check_expire_at(&c, a, today);
		check_required_fields(&c, a);
		check_identifiers(&c, a);
		check_precision(&c, a);
		check_record_sync_raw_fields(&c, a);
		check_segments(&c, a);
	}
	check_shares(&c, desired, today);
	return ctx_finish(&c);
}
