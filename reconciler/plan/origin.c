#include "plan/origin.h"

#include <string.h>

#include "model/model.h"
#include "util/arena.h"
#include "util/hmap.h"
#include "util/strbuf.h"
#include "util/text.h"

/* The target of a change, as a key: action, kind, account identity and
 * segment, separated by a byte no name holds. */
static const char *target_key(struct arena *a, struct strbuf *fold, const struct change *c)
{
	const char *who;
	if (c->manager_id && *c->manager_id) {
		who = c->manager_id;
	} else {
		str_fold(fold, c->account ? c->account : "");
		who = fold->buf ? fold->buf : "";
	}
	return arena_printf(a, "%s\x1f%s\x1f%c\x1f%s\x1f%s", change_action_name(c->action),
			    change_kind_name(c->kind), c->manager_id && *c->manager_id ? 'i' : 'n', who,
			    c->segment ? c->segment : "");
}

static const struct field_change *find_field(const struct change *c, const char *field)
{
	for (size_t i = 0; i < c->n_fields; i++)
		if (strcmp(c->fields[i].field, field) == 0)
			return &c->fields[i];
	return NULL;
}

static bool same_field(const struct field_change *a, const struct field_change *b)
{
	return b && value_equal(&a->before, &b->before) && value_equal(&a->after, &b->after);
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Classifies one account-level change against its counterpart at the base
 * (NULL when there is none). *drift_fields counts the fields identical at
 * the base when the change as a whole is not drift. */
static enum change_origin classify_account(const struct change *h, const struct change *b,
					   size_t *drift_fields)
{
	*drift_fields = 0;
	if (!b || h->refused != b->refused || !str_eq(h->account_before, b->account_before))
		return ORIGIN_CHANGE;
	size_t same = 0;
	for (size_t i = 0; i < h->n_fields; i++)
		if (same_field(&h->fields[i], find_field(b, h->fields[i].field)))
			same++;
	if (same == h->n_fields && h->n_fields == b->n_fields)
		return ORIGIN_DRIFT;
	*drift_fields = same;
	return ORIGIN_CHANGE;
}

/* "client_name and status also differ from the base config (drift)". */
static const char *drift_reason(struct plan *p, const struct change *h, const struct change *b)
{
	struct strbuf sb = STRBUF_INIT;
	size_t k = 0;
	for (size_t i = 0; i < h->n_fields; i++) {
		if (!same_field(&h->fields[i], find_field(b, h->fields[i].field)))
			continue;
		if (k++)
			sb_puts(&sb, ", ");
		sb_puts(&sb, h->fields[i].field);
	}
	sb_printf(&sb, " already differ%s from the base config (drift)", k == 1 ? "s" : "");
	const char *out = arena_strdup(&p->arena, sb.buf);
	sb_release(&sb);
	return out;
}

size_t plan_tag_origins(struct plan *head, const struct plan *base)
{
	struct arena keys = ARENA_INIT;
	struct strbuf fold = STRBUF_INIT;
	struct hmap at_base = HMAP_INIT;
	for (size_t i = 0; i < base->n_changes; i++) {
		const struct change *b = &base->changes[i];
		/* The first wins; a plan never targets the same thing twice. */
		const char *k = target_key(&keys, &fold, b);
		if (!hmap_get(&at_base, k))
			hmap_put(&at_base, k, (void *)b, NULL);
	}
	size_t drift = 0;
	for (size_t i = 0; i < head->n_changes; i++) {
		struct change *h = &head->changes[i];
		const struct change *b = hmap_get(&at_base, target_key(&keys, &fold, h));
		if (h->kind == KIND_SEGMENT) {
			h->origin = b ? ORIGIN_DRIFT : ORIGIN_CHANGE;
		} else {
			size_t same;
			h->origin = classify_account(h, b, &same);
			if (same && !h->reason)
				h->reason = drift_reason(head, h, b);
		}
		if (h->origin == ORIGIN_DRIFT)
			drift++;
	}
	hmap_free(&at_base);
	sb_release(&fold);
	arena_free(&keys);
	return drift;
}

size_t plan_drop_drift(struct plan *p)
{
	size_t k = 0;
	for (size_t i = 0; i < p->n_changes; i++)
		if (p->changes[i].origin != ORIGIN_DRIFT)
			p->changes[k++] = p->changes[i];
	size_t dropped = p->n_changes - k;
	p->n_changes = k;
	plan_summarize(p);
	return dropped;
}

void plan_name_removals(struct plan *head, const struct state *base)
{
	for (size_t i = 0; base && i < head->n_changes; i++) {
		struct change *c = &head->changes[i];
		if (c->action != CHANGE_REMOVE || !c->segment || !c->account)
			continue;
		const struct account *a = state_find_account(base, c->account);
		for (size_t k = 0; a && k < a->n_segments; k++) {
			const struct segment *g = &a->segments[k];
			if (strcmp(g->id, c->segment) != 0)
				continue;
			if (!c->segment_name && g->name.v && *g->name.v)
				c->segment_name = arena_strdup(&head->arena, g->name.v);
			if (g->pos.file) {
				c->at_base = g->pos;
				c->at_base.file = arena_strdup(&head->arena, g->pos.file);
			}
			break;
		}
	}
}
