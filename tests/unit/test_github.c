/*
 * GitHub annotations for a plan: where each change is located in the
 * configuration (plan/locate.h: the account's line, the segment's item, the
 * account's line for a removal, saying so and where the base branch
 * declared it, nothing for an undeclared account), the
 * level and wording of each annotation, ref prefixes left out of file
 * names, and hostile names that must not end an annotation early.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"
#include "plan/diff.h"
#include "plan/locate.h"
#include "plan/origin.h"
#include "plan/plan.h"
#include "plan/render.h"
#include "rules/profile.h"
#include "util/strbuf.h"

#include "fixture.h"

static struct profile P = {
	.id = "kargo",
	.destination_name = "Kargo",
	.ttl_days = 35,
};

static struct pos at(struct state *s, const char *file, unsigned line, unsigned col)
{
	return (struct pos){ state_strdup(s, file), line, col };
}

/* Acme's accounts: a declared one at `line` of its file, or an observed
 * one (line 0). */
static struct account *account(struct state *s, const char *name, bool actual, unsigned line)
{
	struct account *a = fixture_account(s, name, "Acme", actual ? name : NULL);
	if (!actual) {
		a->pos = at(s, "main:config/acme.yaml", line, 5);
		/* As the loader has it: the list's first item, another
		 * segment's line (see add_segment). */
		a->segments_pos = at(s, "main:config/acme.yaml", line + 4, 9);
	}
	return a;
}

/* A declared segment at `line`, or (line 0) an observed one. */
static void add_segment(struct state *s, struct account *a, const char *id, unsigned line)
{
	struct segment *g = fixture_segment(s, a, id, line ? NULL : "sc-");
	if (line)
		g->pos = at(s, "main:config/acme.yaml", line, 9);
}

/* desired: Acme (line 3) with segments 1 (line 7) and 2 (line 8);
 * actual: Acme with 2 and 3, and Stranger (undeclared, pruned). */
static struct plan *make_plan(struct state **desired, struct state **actual)
{
	struct state *d = state_new(), *a = state_new();
	struct account *da = account(d, "Acme", false, 3);
	add_segment(d, da, "1", 7);
	add_segment(d, da, "2", 8);
	d->settings.prune = true;
	struct account *aa = account(a, "Acme", true, 0);
	add_segment(a, aa, "2", 0);
	add_segment(a, aa, "3", 0);
	account(a, "Stranger", true, 0);
	state_canonicalize(d);
	state_canonicalize(a);
	struct plan *p = plan_new();
	plan_diff(p, d, a, &P);
	plan_locate(p, d);
	*desired = d;
	*actual = a;
	return p;
}

static const struct change *find(const struct plan *p, enum change_action act)
{
	for (size_t i = 0; i < p->n_changes; i++)
		if (p->changes[i].action == act)
			return &p->changes[i];
	return NULL;
}

static void test_locate(void **st)
{
	(void)st;
	struct state *d, *a;
	struct plan *p = make_plan(&d, &a);
	const struct change *add = find(p, CHANGE_ADD), *rm = find(p, CHANGE_REMOVE),
			    *del = find(p, CHANGE_DELETE);
	assert_non_null(add);
	assert_non_null(rm);
	assert_non_null(del);
	assert_string_equal(add->at.file, "main:config/acme.yaml");
	assert_int_equal(add->at.line, 7); /* the segment's item */
	assert_string_equal(rm->account, "Acme");
	assert_int_equal(rm->at.line, 3); /* the account's line, not segment 1's */
	assert_true(rm->at_account);
	assert_false(add->at_account);
	assert_null(del->at.file); /* Stranger is declared nowhere */
	state_free(d);
	state_free(a);
	/* positions outlive the desired state: they are the plan's */
	assert_string_equal(add->at.file, "main:config/acme.yaml");
	plan_free(p);
}

static void test_annotations(void **st)
{
	(void)st;
	struct state *d, *a;
	struct plan *p = make_plan(&d, &a);
	const char *prefixes[] = { "main:", NULL };
	struct render_options o = { .file_prefixes = prefixes };
	struct strbuf out = STRBUF_INIT;
	plan_render_github(p, &o, &out);
	assert_non_null(strstr(out.buf,
			       "::notice file=config/acme.yaml,line=7,col=9,"
			       "title=reconciler%3A add segment::add segment 1 to account \"Acme\"\n"));
	assert_non_null(strstr(out.buf,
			       "::warning file=config/acme.yaml,line=3,col=5,"
			       "title=reconciler%3A remove segment::remove segment 3 from account \"Acme\" "
			       "(shown on the account's line: the configuration no longer declares the "
			       "segment)"));
	assert_non_null(
	    strstr(out.buf, "::warning title=reconciler%3A delete account::delete account \"Stranger\""));
	assert_non_null(strstr(out.buf, "::notice title=reconciler plan::Plan: 0 to create"));
	assert_null(strstr(out.buf, "main:"));
	sb_release(&out);
	state_free(d);
	state_free(a);
	plan_free(p);
}

/* Pull-request mode: the base branch declared the removed segment; the
 * annotation, on the account's line at the head, says where, with the
 * base ref's prefix left out like every file name. */
static void test_removal_declared_at_base(void **st)
{
	(void)st;
	struct state *d, *a;
	struct plan *p = make_plan(&d, &a);
	struct state *base = state_new();
	struct account *ba = account(base, "Acme", false, 3);
	add_segment(base, ba, "2", 7);
	add_segment(base, ba, "3", 8);
	ba->segments[1].pos.file = state_strdup(base, "origin/main:config/acme.yaml");
	ba->segments[1].name.v = state_strdup(base, "Lapsed buyers");
	state_canonicalize(base);
	plan_name_removals(p, base);
	state_free(base);
	const char *prefixes[] = { "main:", "origin/main:", NULL };
	struct render_options o = { .file_prefixes = prefixes };
	struct strbuf out = STRBUF_INIT;
	plan_render_github(p, &o, &out);
	assert_non_null(strstr(out.buf,
			       "::warning file=config/acme.yaml,line=3,col=5,"
			       "title=reconciler%3A remove segment::remove segment 3 \"Lapsed buyers\" "
			       "from account \"Acme\" (shown on the account's line: the configuration no "
			       "longer declares the segment; the base branch declares it at "
			       "config/acme.yaml:8)"));
	assert_null(strstr(out.buf, "origin/main:"));
	sb_release(&out);
	state_free(d);
	state_free(a);
	plan_free(p);
}

static void test_hostile_names_and_origins(void **st)
{
	(void)st;
	struct plan *p = plan_new();
	struct change *c = plan_add_change(p);
	c->action = CHANGE_CREATE;
	c->kind = KIND_ACCOUNT;
	c->account = "Evil\n::error::pwned 100%";
	c->origin = ORIGIN_CHANGE;
	c->at = (struct pos){ "a,b:c.yaml", 2, 3 };
	c = plan_add_change(p);
	c->action = CHANGE_ADD;
	c->kind = KIND_SEGMENT;
	c->account = "Evil\n::error::pwned 100%";
	c->segment = "9";
	c->origin = ORIGIN_DRIFT;
	struct render_options o = { 0 };
	struct strbuf out = STRBUF_INIT;
	plan_render_github(p, &o, &out);
	/* one line per annotation: no newline from a name gets through */
	size_t lines = 0;
	for (size_t i = 0; i < out.len; i++)
		lines += out.buf[i] == '\n';
	assert_int_equal(lines, 3);
	assert_non_null(strstr(out.buf, "Evil%0A::error::pwned 100%25"));
	assert_non_null(strstr(out.buf, "file=a%2Cb%3Ac.yaml,line=2,col=3,"));
	assert_non_null(strstr(out.buf, "(this pull request)"));
	assert_non_null(strstr(out.buf, "(drift: actual state differs from the base branch)"));
	sb_release(&out);
	plan_free(p);
}

static size_t lines_with(const char *hay, const char *prefix)
{
	size_t n = 0;
	for (const char *l = hay; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		n += strncmp(l, prefix, strlen(prefix)) == 0;
	return n;
}

/* GitHub shows 10 annotations of each type per step: 4,000 changes print
 * the summary first, at most 10 of each type with the most severe first,
 * and one notice counting the rest. */
static void test_annotation_limits(void **st)
{
	(void)st;
	struct plan *p = plan_new();
	for (size_t i = 0; i < 4000; i++) {
		struct change *c = plan_add_change(p);
		c->kind = KIND_SEGMENT;
		c->action = i < 3000 ? CHANGE_ADD : CHANGE_REMOVE;
		c->account = "Acme";
		c->segment = arena_printf(&p->arena, "%zu", 1000 + i);
	}
	struct change *c = plan_add_change(p);
	c->kind = KIND_ACCOUNT;
	c->action = CHANGE_DELETE;
	c->account = "Keep";
	c->refused = true;
	c->refusal = "protected by settings.protect";
	diag_warning(&p->diags, "kargo.precision", NULL, NULL, "a warning");
	plan_summarize(p);
	struct render_options o = { 0 };
	struct strbuf out = STRBUF_INIT;
	plan_render_github(p, &o, &out);
	assert_true(strncmp(out.buf, "::notice title=reconciler plan::Plan: ", 38) == 0);
	assert_true(lines_with(out.buf, "::warning ") <= 10);
	assert_true(lines_with(out.buf, "::notice ") <= 10);
	assert_true(lines_with(out.buf, "::error ") <= 10);
	/* the warnings: the diagnostic, then the refusal, then removals */
	const char *w = strstr(out.buf, "::warning ");
	assert_non_null(w);
	assert_true(strncmp(w, "::warning title=kargo.precision::", 33) == 0);
	const char *refused = strstr(out.buf, "refused account");
	const char *removed = strstr(out.buf, "remove segment");
	assert_non_null(refused);
	assert_non_null(removed);
	assert_true(refused < removed);
	size_t printed = lines_with(out.buf, "::");
	assert_true(printed <= 30);
	/* shown: 10 warnings and 8 change notices; the rest is counted */
	char want[160];
	snprintf(want, sizeof(want),
		 "::notice title=reconciler plan::%zu more annotations are not shown (GitHub shows 10 of "
		 "each type",
		 (size_t)4000 + 1 + 1 - 10 - 8);
	assert_non_null(strstr(out.buf, want));
	sb_release(&out);
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_annotations),
		cmocka_unit_test(test_removal_declared_at_base),
		cmocka_unit_test(test_hostile_names_and_origins),
		cmocka_unit_test(test_annotation_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
