#include "apply/apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hmap.h"
#include "util/scrub.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/xalloc.h"

int apply_check_caps(const struct plan *p, const struct apply_options *o, struct diags *d)
{
	size_t deletes = p->summary.accounts_delete;
	size_t changes = plan_effective_changes(p);
	if (o->max_deletes >= 0 && deletes > (size_t)o->max_deletes) {
		diag_error(d, "apply.caps", NULL,
			   "review the deletions, then raise --max-deletes if they are intended",
			   "the plan deletes %zu account%s, over --max-deletes %ld: nothing was applied",
			   deletes, deletes == 1 ? "" : "s", o->max_deletes);
		return -1;
	}
	if (o->max_changes >= 0 && changes > (size_t)o->max_changes) {
		diag_error(d, "apply.caps", NULL,
			   "review the plan, then raise --max-changes if it is intended",
			   "the plan makes %zu changes, over --max-changes %ld: nothing was applied", changes,
			   o->max_changes);
		return -1;
	}
	return 0;
}

/* Where each account lives in the backend during this run: ids from the
 * plan, or from a create executed earlier in the same run. Keyed by folded
 * name. */
struct run {
	struct backend *b;
	const struct plan *p;
	const struct state *actual;
	const struct apply_options *o;
	struct apply_report *r;
	struct diags *d;
	struct arena arena;
	struct hmap refs;   /* folded name -> struct account_ref* */
	struct hmap failed; /* folded name -> non-NULL: its create failed */
	struct strbuf fold;
};

static const char *fold(struct run *run, const char *name)
{
	str_fold(&run->fold, name ? name : "");
	return arena_strdup(&run->arena, run->fold.buf);
}

enum outcome { DONE, FAILED, SKIPPED, REFUSED };

static void report(struct run *run, const struct change *c, enum outcome how, const char *msg)
{
	if (how == DONE)
		run->r->applied++;
	else if (how == SKIPPED)
		run->r->skipped++;
	else if (how == REFUSED)
		run->r->refused++;
	else
		run->r->failed++;
	if (run->o->on_result)
		run->o->on_result(run->o->ctx, c, how == DONE, msg);
}

/* The observed account a change was planned against (by its old name for a
 * rename). */
static const struct account *observed(const struct run *run, const struct change *c)
{
	return state_find_account(run->actual, c->account_before ? c->account_before : c->account);
}

static void set_identifiers(struct run *run, struct account *a, const struct value *v)
{
	a->n_identifiers = v->n_items;
	a->identifiers = arena_alloc(&run->arena, sizeof(*a->identifiers) * (v->n_items + 1));
	for (size_t i = 0; i < v->n_items; i++)
		a->identifiers[i].v = v->items[i];
}

/* The account as it should be after the change: the observed account (if
 * any) with the change's fields laid over it. */
static void account_after(struct run *run, const struct change *c, const struct account *base,
			  struct account *out)
{
	memset(out, 0, sizeof(*out));
	if (base) {
		*out = *base;
		out->segments = NULL;
		out->n_segments = 0;
	}
	/* The observed name is kept unless the change names a new one: names
	 * equal but for blanks around them are no change (plan/diff.h), and
	 * nothing the plan does not show is written. */
	if (!base || !base->name.v)
		out->name.v = c->account;
	for (size_t i = 0; i < c->n_fields; i++) {
		const struct field_change *f = &c->fields[i];
		if (strcmp(f->field, "client_name") == 0)
			out->client_name.v = f->after.str;
		else if (strcmp(f->field, "identifiers") == 0)
			set_identifiers(run, out, &f->after);
		else if (strcmp(f->field, "status") == 0)
			out->status = f->after.str && strcmp(f->after.str, "inactive") == 0 ? STATUS_INACTIVE
											    : STATUS_ACTIVE;
		else if (strcmp(f->field, "expire_at") == 0)
			out->expire_at.v = f->after.str;
		else if (strcmp(f->field, "name") == 0 && f->after.str)
			out->name.v = f->after.str;
	}
}

static struct account_ref *ref_for(struct run *run, const struct change *c)
{
	struct account_ref *ref = hmap_get(&run->refs, fold(run, c->account));
	if (ref)
		return ref;
	if (!c->manager_id)
		return NULL;
	ref = arena_alloc(&run->arena, sizeof(*ref));
	ref->connection_id = c->connection_id;
	ref->manager_id = c->manager_id;
	ref->name = c->account;
	hmap_put(&run->refs, fold(run, c->account), ref, NULL);
	return ref;
}

static void last_message(struct run *run, size_t before, char *buf, size_t size)
{
	if (run->d->n > before)
		snprintf(buf, size, "%s", run->d->v[run->d->n - 1].message);
	else
		snprintf(buf, size, "failed");
}

static void exec_account(struct run *run, const struct change *c)
{
	size_t before = run->d->n;
	int rc = -1;
	struct account want;
	if (c->action == CHANGE_CREATE) {
		account_after(run, c, NULL, &want);
		struct account_ref *ref = arena_alloc(&run->arena, sizeof(*ref));
		rc = run->b->ops->create_account(run->b, &want, ref, run->d);
		if (rc == 0) {
			ref->name = c->account;
			hmap_put(&run->refs, fold(run, c->account), ref, NULL);
		} else {
			hmap_put(&run->failed, fold(run, c->account), (void *)c, NULL);
		}
	} else {
		struct account_ref *ref = ref_for(run, c);
		if (!ref) {
			diag_error(run->d, "apply", NULL, NULL, "account '%s' has no backend id in the plan",
				   c->account);
		} else if (c->action == CHANGE_DELETE) {
			rc = run->b->ops->delete_account(run->b, ref, run->d);
		} else {
			account_after(run, c, observed(run, c), &want);
			rc = run->b->ops->update_account(run->b, ref, &want, run->d);
		}
	}
	char msg[256];
	if (rc == 0) {
		report(run, c, DONE, NULL);
	} else {
		last_message(run, before, msg, sizeof(msg));
		report(run, c, FAILED, msg);
	}
}

/* Executes changes [i, j) of one account and one action as one batch call. */
static void exec_batch(struct run *run, size_t i, size_t j)
{
	const struct change *first = &run->p->changes[i];
	size_t n = j - i;
	if (hmap_get(&run->failed, fold(run, first->account))) {
		for (size_t k = i; k < j; k++)
			report(run, &run->p->changes[k], SKIPPED,
			       "skipped: the account could not be created");
		return;
	}
	struct account_ref *ref = ref_for(run, first);
	struct segment *segs = xcalloc(n, sizeof(*segs));
	struct batch_item_result *res = xcalloc(n, sizeof(*res));
	for (size_t k = 0; k < n; k++) {
		const struct change *c = &run->p->changes[i + k];
		segs[k].id = c->segment;
		segs[k].name.v = c->segment_name;
		segs[k].config_id = c->config_id;
		enum segment_type t = SEGMENT_ONBOARDING;
		if (c->segment_type)
			segment_type_from_api(c->segment_type, &t);
		segs[k].type = t;
	}
	size_t before = run->d->n;
	int rc = -1;
	if (ref)
		rc = first->action == CHANGE_ADD
			 ? run->b->ops->add_segments(run->b, ref, segs, n, res, run->d)
			 : run->b->ops->remove_segments(run->b, ref, segs, n, res, run->d);
	else
		diag_error(run->d, "apply", NULL, NULL, "account '%s' has no backend id in the plan",
			   first->account);
	char msg[256];
	if (rc < 0)
		last_message(run, before, msg, sizeof(msg));
	for (size_t k = 0; k < n; k++) {
		const struct change *c = &run->p->changes[i + k];
		if (rc < 0) {
			report(run, c, FAILED, msg);
		} else if (res[k].ok) {
			report(run, c, DONE, NULL);
		} else {
			diag_error(run->d, "apply", NULL, NULL, "segment %s on '%s': %s (HTTP %d)",
				   c->segment, c->account, res[k].message, res[k].http_status);
			scrub_registered(res[k].message); /* the API's words may quote a secret */
			report(run, c, FAILED, res[k].message);
		}
	}
	free(segs);
	free(res);
}

static bool same_batch(const struct change *a, const struct change *b)
{
	return a->kind == KIND_SEGMENT && b->kind == KIND_SEGMENT && a->action == b->action && !b->refused &&
	       strcmp(a->account, b->account) == 0;
}

int apply_plan(struct backend *b, const struct plan *p, const struct state *actual,
	       const struct apply_options *o, struct apply_report *r, struct diags *d)
{
	memset(r, 0, sizeof(*r));
	if (apply_check_caps(p, o, d) < 0)
		return -1;
	struct run run = { .b = b, .p = p, .actual = actual, .o = o, .r = r, .d = d };
	size_t i = 0;
	while (i < p->n_changes) {
		const struct change *c = &p->changes[i];
		if (o->stop && *o->stop) {
			r->interrupted = true;
			for (; i < p->n_changes; i++)
				report(&run, &p->changes[i], SKIPPED, "not applied: interrupted");
			break;
		}
		if (c->refused) {
			report(&run, c, REFUSED, c->refusal ? c->refusal : "refused");
			i++;
			continue;
		}
		if (c->kind == KIND_ACCOUNT) {
			exec_account(&run, c);
			i++;
			continue;
		}
		size_t j = i + 1;
		while (j < p->n_changes && j - i < BACKEND_BATCH_MAX && same_batch(c, &p->changes[j]))
			j++;
		exec_batch(&run, i, j);
		i = j;
	}
	hmap_free(&run.refs);
	hmap_free(&run.failed);
	arena_free(&run.arena);
	sb_release(&run.fold);
	return r->failed || r->interrupted ? -1 : 0;
}
