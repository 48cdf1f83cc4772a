#include "plan/diff.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

/* One side's accounts as diff sees them: folded name, position in the
 * state (to break ties between duplicate names deterministically). */
struct side {
	const char *key;
	size_t idx;
	const struct account *a;
};

/* What a declared account was matched with. */
struct pairing {
	const struct account *actual;
	bool renamed; /* matched through previous_names */
};

struct diff_ctx {
	struct plan *out;
	const struct state *desired;
	const struct state *actual;
	const struct profile *p;
	struct arena scratch;	/* freed when diff returns */
	const char *ttl_reason; /* shared by every removal, in the plan's arena */
	const char *dm_reason;
	const char *dm_rule;
	struct hmap protect; /* folded name -> const struct sval * */
};

/* ---- sorted views ---------------------------------------------------- */

static const char *fold_into(struct diff_ctx *x, const char *name)
{
	return str_fold_arena(&x->scratch, name);
}

static int side_cmp(const void *pa, const void *pb)
{
	const struct side *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static struct side *sorted_side(struct diff_ctx *x, const struct state *s)
{
	struct side *v = arena_alloc(&x->scratch, (s->n_accounts + 1) * sizeof(*v));
	for (size_t i = 0; i < s->n_accounts; i++) {
		v[i].key = fold_into(x, s->accounts[i]->name.v);
		v[i].idx = i;
		v[i].a = s->accounts[i];
	}
	qsort(v, s->n_accounts, sizeof(*v), side_cmp);
	return v;
}

/* First index in v[0..n) whose key is not less than key. */
static size_t lower_bound(const struct side *v, size_t n, const char *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int segp_cmp(const void *pa, const void *pb)
{
	const struct segment *a = *(const struct segment *const *)pa;
	const struct segment *b = *(const struct segment *const *)pb;
	int c = strcmp(a->id, b->id);
	if (c)
		return c;
	return (uintptr_t)a < (uintptr_t)b ? -1 : (uintptr_t)a > (uintptr_t)b;
}

/* An account's segments sorted by id with repeated ids dropped: segments
 * are a set, and a duplicate is the rules' business, not diff's. */
static const struct segment **segment_set(struct diff_ctx *x, const struct account *a, size_t *n)
{
	const struct segment **v = arena_alloc(&x->scratch, (a->n_segments + 1) * sizeof(*v));
	bool sorted = true;
	for (size_t i = 0; i < a->n_segments; i++) {
		v[i] = &a->segments[i];
		sorted = sorted && (i == 0 || strcmp(v[i - 1]->id, v[i]->id) < 0);
	}
	/* Canonical states are sorted by id already: with no id repeated,
	 * array order is the order segp_cmp gives. */
	if (!sorted)
		qsort(v, a->n_segments, sizeof(*v), segp_cmp);
	size_t k = 0;
	for (size_t i = 0; i < a->n_segments; i++)
		if (k == 0 || strcmp(v[k - 1]->id, v[i]->id) != 0)
			v[k++] = v[i];
	*n = k;
	return v;
}

static int strp_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Identifiers as a sorted set of words. */
static const char **identifier_set(struct diff_ctx *x, const struct account *a, size_t *n)
{
	const char **v = arena_alloc(&x->scratch, (a->n_identifiers + 1) * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < a->n_identifiers; i++)
		if (a->identifiers[i].v)
			v[k++] = a->identifiers[i].v;
	qsort(v, k, sizeof(*v), strp_cmp);
	size_t m = 0;
	for (size_t i = 0; i < k; i++)
		if (m == 0 || strcmp(v[m - 1], v[i]) != 0)
			v[m++] = v[i];
	*n = m;
	return v;
}

/* ---- account fields -------------------------------------------------- */

static bool same_str(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static void field_str(struct diff_ctx *x, struct field_change *f, const char *field, const char *before,
		      const char *after)
{
	f->field = field;
	f->before = value_str(x->out, before);
	f->after = value_str(x->out, after);
}

/* Names compared as text, blanks around them aside: the loader trims
 * declared names, so blanks around an actual one (put there in Connect)
 * are no difference a configuration could state. */
static bool same_name_text(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	while (isspace((unsigned char)*a))
		a++;
	while (isspace((unsigned char)*b))
		b++;
	size_t la = strlen(a), lb = strlen(b);
	while (la && isspace((unsigned char)a[la - 1]))
		la--;
	while (lb && isspace((unsigned char)b[lb - 1]))
		lb--;
	return la == lb && memcmp(a, b, la) == 0;
}

/* Fills f (room for 5) with the fields that differ from `a` to `d`; with
 * a == NULL every field is listed with before = null (a create). The name
 * is compared exactly but for blanks around it: a change of case or of
 * inner blanks is an update of it. */
static size_t account_fields(struct diff_ctx *x, const struct account *d, const struct account *a,
			     struct field_change *f)
{
	size_t n = 0;
	if (!a || !same_name_text(d->name.v, a->name.v))
		field_str(x, &f[n++], "name", a ? a->name.v : NULL, d->name.v);
	if (!a || !same_str(d->client_name.v, a->client_name.v))
		field_str(x, &f[n++], "client_name", a ? a->client_name.v : NULL, d->client_name.v);

	size_t nd, na = 0;
	const char **di = identifier_set(x, d, &nd);
	const char **ai = a ? identifier_set(x, a, &na) : NULL;
	bool same = a && nd == na;
	for (size_t i = 0; same && i < nd; i++)
		same = strcmp(di[i], ai[i]) == 0;
	if (!same) {
		f[n].field = "identifiers";
		f[n].before = a ? value_list(x->out, ai, na) : value_null();
		f[n].after = value_list(x->out, di, nd);
		n++;
	}
	if (!a || d->status != a->status)
		field_str(x, &f[n++], "status", a ? account_status_name(a->status) : NULL,
			  account_status_name(d->status));
	if (!a || !same_str(d->expire_at.v, a->expire_at.v))
		field_str(x, &f[n++], "expire_at", a ? a->expire_at.v : NULL, d->expire_at.v);
	return n;
}

/* ---- changes --------------------------------------------------------- */

/* The names and ids every change of one account carries, copied once. */
struct acct_ref {
	const char *name;
	const char *connection_id;
	const char *manager_id;
};

static struct acct_ref acct_ref(struct diff_ctx *x, const char *name, const struct account *actual)
{
	struct acct_ref r = { 0 };
	r.name = arena_strdup(&x->out->arena, name ? name : "");
	if (actual) {
		r.connection_id = arena_strdup(&x->out->arena, actual->connection_id);
		r.manager_id = arena_strdup(&x->out->arena, actual->manager_id);
	}
	return r;
}

static struct change *new_change(struct diff_ctx *x, enum change_action act, enum change_kind kind,
				 const struct acct_ref *r)
{
	struct change *c = plan_add_change(x->out);
	c->action = act;
	c->kind = kind;
	c->account = r->name;
	c->connection_id = r->connection_id;
	c->manager_id = r->manager_id;
	return c;
}

static void set_fields(struct diff_ctx *x, struct change *c, const struct field_change *f, size_t n)
{
	c->n_fields = n;
	c->fields = arena_alloc(&x->out->arena, (n ? n : 1) * sizeof(*c->fields));
	memcpy(c->fields, f, n * sizeof(*f));
}

static const char *catalog_name(const struct diff_ctx *x, const char *id)
{
	const struct catalog_entry *e = state_catalog_find(x->actual, id);
	return e ? e->name : NULL;
}

static void emit_add(struct diff_ctx *x, const struct acct_ref *r, const struct segment *g)
{
	struct change *c = new_change(x, CHANGE_ADD, KIND_SEGMENT, r);
	c->segment = arena_strdup(&x->out->arena, g->id);
	const char *name = g->name.v ? g->name.v : catalog_name(x, g->id);
	c->segment_name = arena_strdup(&x->out->arena, name);
	/* An undeclared type defaults to ONBOARDING in the loader; the catalog
	 * knows better when the segment is in it. */
	enum segment_type t = g->type;
	if (t == SEGMENT_ONBOARDING && !g->type_pos.line) {
		const struct catalog_entry *e = state_catalog_find(x->actual, g->id);
		if (e)
			t = e->type;
	}
	c->segment_type = segment_type_api_name(t);
}

static void emit_remove(struct diff_ctx *x, const struct acct_ref *r, const struct segment *g,
			bool marketplace)
{
	struct change *c = new_change(x, CHANGE_REMOVE, KIND_SEGMENT, r);
	c->segment = arena_strdup(&x->out->arena, g->id);
	const char *name = g->name.v ? g->name.v : catalog_name(x, g->id);
	c->segment_name = arena_strdup(&x->out->arena, name);
	c->segment_type = segment_type_api_name(g->type);
	c->config_id = arena_strdup(&x->out->arena, g->config_id);
	if (marketplace) {
		c->rule = x->dm_rule;
		c->reason = x->dm_reason;
	} else {
		c->reason = x->ttl_reason;
	}
}

/* A Data Marketplace config on a declared account goes, declared or not,
 * when the profile forbids them (the checks report why). */
static bool forbidden_marketplace(const struct diff_ctx *x, const struct segment *g)
{
	return g->type == SEGMENT_DATA_MARKETPLACE && !x->p->marketplace_allowed;
}

/* Removals then additions of one declared account, by merging the two
 * sorted id sets: O(n + m). actual may be NULL (a create). */
static void emit_segments(struct diff_ctx *x, const struct acct_ref *r, const struct account *d,
			  const struct account *actual)
{
	size_t nd, na = 0;
	const struct segment **ds = segment_set(x, d, &nd);
	const struct segment **as = actual ? segment_set(x, actual, &na) : NULL;

	for (size_t i = 0, j = 0; j < na;) {
		int c = i < nd ? strcmp(ds[i]->id, as[j]->id) : 1;
		if (c < 0) {
			i++;
		} else if (c > 0) {
			emit_remove(x, r, as[j], forbidden_marketplace(x, as[j]));
			j++;
		} else {
			if (forbidden_marketplace(x, as[j]))
				emit_remove(x, r, as[j], true);
			i++, j++;
		}
	}
	for (size_t i = 0, j = 0; i < nd;) {
		int c = j < na ? strcmp(ds[i]->id, as[j]->id) : -1;
		if (c < 0)
			emit_add(x, r, ds[i++]);
		else if (c > 0)
			j++;
		else
			i++, j++;
	}
}

/* Precision is validated and shown, never sent nor compared: it rides
 * along on the account's change for the reviewer. */
static void show_precision(struct diff_ctx *x, struct change *c, const struct account *d)
{
	if (d->precision.v && *d->precision.v)
		c->precision = arena_strdup(&x->out->arena, d->precision.v);
}

static void emit_rename(struct diff_ctx *x, const struct account *d, const struct account *a)
{
	struct field_change f[5];
	size_t n = account_fields(x, d, a, f);
	/* A rename always lists the name, even when only the case changed. */
	if (n == 0 || strcmp(f[0].field, "name") != 0) {
		memmove(f + 1, f, n * sizeof(*f));
		field_str(x, &f[0], "name", a->name.v, d->name.v);
		n++;
	}
	struct acct_ref r = acct_ref(x, d->name.v, a);
	struct change *c = new_change(x, CHANGE_RENAME, KIND_ACCOUNT, &r);
	c->account_before = arena_strdup(&x->out->arena, a->name.v ? a->name.v : "");
	set_fields(x, c, f, n);
	show_precision(x, c, d);
}

static void emit_declared(struct diff_ctx *x, const struct account *d, const struct pairing *m)
{
	struct acct_ref r = acct_ref(x, d->name.v, m->actual);
	struct field_change f[5];
	size_t first = x->out->n_changes;
	if (!m->actual) {
		size_t n = account_fields(x, d, NULL, f);
		struct change *c = new_change(x, CHANGE_CREATE, KIND_ACCOUNT, &r);
		set_fields(x, c, f, n);
	} else if (!m->renamed) {
		size_t n = account_fields(x, d, m->actual, f);
		if (n) {
			struct change *c = new_change(x, CHANGE_UPDATE, KIND_ACCOUNT, &r);
			set_fields(x, c, f, n);
		}
	}
	emit_segments(x, &r, d, m->actual);
	/* Every change of the account carries it, segments included: an
	 * account whose only changes are segments is shown too, and a
	 * reviewer sees its precision there as well. */
	if (first < x->out->n_changes) {
		show_precision(x, &x->out->changes[first], d);
		for (size_t i = first + 1; i < x->out->n_changes; i++)
			x->out->changes[i].precision = x->out->changes[first].precision;
	}
}

static void emit_undeclared(struct diff_ctx *x, const struct account *a, const char *key)
{
	struct acct_ref r = acct_ref(x, a->name.v, a);
	const struct sval *guard = hmap_get(&x->protect, key);
	if (guard) {
		struct change *c = new_change(x, CHANGE_DELETE, KIND_ACCOUNT, &r);
		c->refused = true;
		if (guard->pos.file)
			c->refusal = arena_printf(&x->out->arena, "protected by settings.protect (%s:%u)",
						  guard->pos.file, guard->pos.line);
		else
			c->refusal = arena_strdup(&x->out->arena, "protected by settings.protect");
		return;
	}
	size_t na;
	const struct segment **as = segment_set(x, a, &na);
	for (size_t j = 0; j < na; j++)
		emit_remove(x, &r, as[j], false);
	new_change(x, CHANGE_DELETE, KIND_ACCOUNT, &r);
}

/* ---- matching -------------------------------------------------------- */

/* Current names first, for every declared account, so that a previous
 * name can only claim an actual account nobody declares by name. */
static void match_names(const struct side *D, size_t nd, const struct side *A, size_t na, struct pairing *m,
			bool *claimed)
{
	for (size_t i = 0, j = 0; i < nd && j < na;) {
		int c = strcmp(D[i].key, A[j].key);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			m[i].actual = A[j].a;
			claimed[j] = true;
			i++, j++;
		}
	}
}

static void match_renames(struct diff_ctx *x, const struct side *D, size_t nd, const struct side *A,
			  size_t na, struct pairing *m, bool *claimed)
{
	for (size_t i = 0; i < nd; i++) {
		const struct account *d = D[i].a;
		for (size_t k = 0; !m[i].actual && k < d->n_previous_names; k++) {
			if (!d->previous_names[k].v)
				continue;
			const char *key = fold_into(x, d->previous_names[k].v);
			for (size_t j = lower_bound(A, na, key); j < na && strcmp(A[j].key, key) == 0; j++) {
				if (!claimed[j]) {
					claimed[j] = true;
					m[i].actual = A[j].a;
					m[i].renamed = true;
					break;
				}
			}
		}
	}
}

static void build_protect(struct diff_ctx *x)
{
	const struct settings *s = &x->desired->settings;
	for (size_t i = 0; i < s->n_protect; i++) {
		if (!s->protect[i].v)
			continue;
		const char *key = fold_into(x, s->protect[i].v);
		if (!hmap_get(&x->protect, key))
			hmap_put(&x->protect, key, (void *)&s->protect[i], NULL);
	}
}

static void build_reasons(struct diff_ctx *x)
{
	const struct profile *p = x->p;
	const char *dest = p->destination_name ? p->destination_name : p->id;
	if (!p->record_sync)
		x->ttl_reason =
		    arena_printf(&x->out->arena,
				 "%s has no Record Sync: members already delivered stay until their "
				 "IDs pass the %u-day TTL.",
				 dest, p->ttl_days);
	x->dm_reason = arena_printf(&x->out->arena,
				    "Data Marketplace segments cannot be distributed to %s: this one "
				    "is removed from the distribution.",
				    dest);
	char rule[128];
	x->dm_rule = arena_strdup(&x->out->arena, profile_rule_id(p, "marketplace", rule, sizeof(rule)));
}

int plan_diff(struct plan *out, const struct state *desired, const struct state *actual,
	      const struct profile *p)
{
	struct diff_ctx x = { .out = out, .desired = desired, .actual = actual, .p = p };
	build_reasons(&x);
	build_protect(&x);

	size_t nd = desired->n_accounts, na = actual->n_accounts;
	struct side *D = sorted_side(&x, desired);
	struct side *A = sorted_side(&x, actual);
	struct pairing *m = arena_alloc(&x.scratch, (nd + 1) * sizeof(*m));
	bool *claimed = arena_alloc(&x.scratch, (na + 1) * sizeof(*claimed));
	match_names(D, nd, A, na, m, claimed);
	match_renames(&x, D, nd, A, na, m, claimed);

	for (size_t i = 0; i < nd; i++)
		if (m[i].renamed)
			emit_rename(&x, D[i].a, m[i].actual);
	if (desired->settings.prune)
		for (size_t j = 0; j < na; j++)
			if (!claimed[j])
				emit_undeclared(&x, A[j].a, A[j].key);
	for (size_t i = 0; i < nd; i++)
		emit_declared(&x, D[i].a, &m[i]);

	out->prune = desired->settings.prune;
	state_fingerprint(actual, out->fingerprint);
	if (!out->profile)
		out->profile = arena_strdup(&out->arena, p->id);
	if (!out->source)
		out->source = arena_strdup(&out->arena, desired->source);
	if (!out->backend)
		out->backend = arena_strdup(&out->arena, actual->source);
	plan_summarize(out);

	hmap_free(&x.protect);
	arena_free(&x.scratch);
	return 0;
}
