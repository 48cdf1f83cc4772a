/*
 * Renderers: golden files for a representative plan (text, text with
 * colour, Markdown, JSON, and the pull-request grouping), compared byte for
 * byte; UPDATE_GOLDEN=1 rewrites them instead. Then the properties the
 * goldens cannot show: the Markdown size cut (5,000 accounts, one account
 * with 50,000 segments, tiny limits) and escaping of hostile names.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"
#include "plan/diff.h"
#include "plan/plan.h"
#include "plan/planfile.h"
#include "plan/render.h"
#include "rules/profile.h"
#include "util/strbuf.h"

#include "fixture.h"

#define GOLDEN "tests/unit/golden/"

static struct profile P = {
	.id = "kargo",
	.destination_name = "Kargo",
	.ttl_days = 35,
};

/* Every kind of change: a create with adds, an update with removals (TTL
 * and marketplace) and an add, a rename with a field change, a pruned
 * delete, a refused delete, and two diagnostics. */
static struct plan *representative(void)
{
	struct state *d = state_new(), *a = state_new();
	struct account *acme = fixture_account(d, "Acme Retail", "Acme Inc", NULL);
	fixture_push_sval(d, &acme->identifiers, &acme->n_identifiers, fixture_sv(d, "ramp_ids"));
	acme->expire_at = fixture_sv(d, "2027-01-31");
	fixture_segments(d, acme, NULL, "1001:Auto intenders", "1002", NULL);
	struct account *beta = fixture_account(d, "Beta Foods", "Beta", NULL);
	beta->precision = fixture_sv(d, "household");
	fixture_segments(d, beta, NULL, "2000:Snackers", "2003:Organic buyers", NULL);
	struct account *gamma = fixture_account(d, "Gamma Media", "Gamma Group", NULL);
	fixture_push_sval(d, &gamma->previous_names, &gamma->n_previous_names, fixture_sv(d, "Gamma Old"));
	d->settings.prune = true;
	fixture_push_sval(d, &d->settings.protect, &d->settings.n_protect,
			  fixture_sv_at(d, "Keep Me", (struct pos){ "reconciler.yaml", 6, 5 }));

	struct account *b = fixture_account(a, "Beta Foods", "Beta", "1");
	b->status = STATUS_INACTIVE;
	fixture_segments(a, b, "sc-", "2000:Snackers", "2001:Old list", "2002:Premium auto", NULL);
	b->segments[2].type = SEGMENT_DATA_MARKETPLACE;
	fixture_account(a, "Gamma Old", "Gamma", "2");
	fixture_segments(a, fixture_account(a, "Legacy Co", "Legacy", "3"), "sc-", "3001:Lapsed", NULL);
	fixture_segments(a, fixture_account(a, "Keep Me", "Keep", "4"), "sc-", "4001", NULL);
	state_catalog_put(a, "1002", "Luxury shoppers", SEGMENT_ONBOARDING);
	state_canonicalize(d);
	state_canonicalize(a);

	struct plan *p = plan_new();
	p->source = "paths: examples/basic";
	p->backend = "local:.reconciler/sandbox.json";
	plan_diff(p, d, a, &P);
	/* The real fingerprint hashes native integer sizes; a fixed one keeps
	 * the goldens the same on every platform. */
	memcpy(p->fingerprint, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 65);
	struct pos at = { "accounts/acme.yaml", 3, 9 };
	diag_warning(&p->diags, "kargo.precision", &at, "open a LiveRamp support case to change it",
		     "precision \"household\" is shown, never sent");
	diag_add(&p->diags, DIAG_NOTE, "kargo.ttl", NULL, NULL, "removed members stay until the 35-day TTL");
	state_free(d);
	state_free(a);
	return p;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	return sb_detach(&sb);
}

static void golden(const char *name, const struct strbuf *got)
{
	char path[256];
	snprintf(path, sizeof(path), GOLDEN "%s", name);
	const char *update = getenv("UPDATE_GOLDEN");
	if (update && strcmp(update, "1") == 0) {
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(got->buf, 1, got->len, f), got->len);
		assert_int_equal(fclose(f), 0);
		return;
	}
	size_t len = 0;
	char *want = slurp(path, &len);
	if (!want)
		fail_msg("%s is missing (run with UPDATE_GOLDEN=1 from the repository root)", path);
	size_t i = 0;
	while (i < len && i < got->len && want[i] == got->buf[i])
		i++;
	if (i != len || len != got->len)
		fprintf(stderr, "%s differs at byte %zu:\n--- got ---\n%s\n", path, i, got->buf);
	assert_int_equal(got->len, len);
	assert_memory_equal(got->buf, want, len);
	free(want);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *s = hay; (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

static void test_golden_text(void **st)
{
	(void)st;
	struct plan *p = representative();
	struct render_options o = { 0 };
	struct strbuf out = STRBUF_INIT;
	plan_render_text(p, &o, &out);
	golden("plan.txt", &out);
	assert_null(strchr(out.buf, '\033'));
	sb_reset(&out);
	o.color = true;
	plan_render_text(p, &o, &out);
	golden("plan-color.txt", &out);
	assert_non_null(strstr(out.buf, "\033[32m+\033[0m"));
	sb_release(&out);
	plan_free(p);
}

static void test_golden_markdown(void **st)
{
	(void)st;
	struct plan *p = representative();
	struct render_options o = { .json_hint = "plan.json" };
	struct strbuf out = STRBUF_INIT;
	plan_render_markdown(p, &o, &out);
	golden("plan.md", &out);
	sb_release(&out);
	plan_free(p);
}

static void test_golden_github(void **st)
{
	(void)st;
	struct plan *p = representative();
	struct render_options o = { 0 };
	struct strbuf out = STRBUF_INIT;
	plan_render_github(p, &o, &out);
	golden("plan.github", &out);
	sb_release(&out);
	plan_free(p);
}

static void test_golden_json(void **st)
{
	(void)st;
	struct plan *p = representative();
	struct strbuf out = STRBUF_INIT;
	assert_int_equal(plan_write_json(p, &out), 0);
	golden("plan.json", &out);
	sb_release(&out);
	plan_free(p);
}

/* Precision shows wherever the account does, once per account: an account
 * whose only changes are segments too; JSON carries it on each change, and
 * a plan file that has it on one change only still shows it. */
static void test_precision_everywhere(void **st)
{
	(void)st;
	struct state *d = state_new(), *a = state_new();
	struct account *da = fixture_account(d, "Delta", "Delta Inc", NULL);
	da->precision = fixture_sv(d, "household");
	fixture_segments(d, da, NULL, "5001", "5002", NULL);
	fixture_segments(a, fixture_account(a, "Delta", "Delta Inc", "1"), "sc-", NULL);
	state_canonicalize(d);
	state_canonicalize(a);
	struct plan *p = plan_new();
	plan_diff(p, d, a, &P);
	state_free(d);
	state_free(a);
	assert_int_equal(p->n_changes, 2);
	const char *text = "precision \"household\" (set by LiveRamp support",
		   *md = "- `precision` household *(set";
	struct render_options o = { 0 };
	struct strbuf out = STRBUF_INIT;
	for (int pass = 0; pass < 2; pass++) {
		sb_reset(&out);
		plan_render_text(p, &o, &out);
		assert_int_equal(count(out.buf, text), 1);
		sb_reset(&out);
		plan_render_markdown(p, &o, &out);
		assert_int_equal(count(out.buf, md), 1);
		p->changes[0].precision = NULL; /* as an older plan file has it */
	}
	p->changes[0].precision = p->changes[1].precision;
	sb_reset(&out);
	plan_render_github(p, &o, &out);
	assert_int_equal(count(out.buf, "precision \"household\" (shown, never sent)"), 2);
	sb_reset(&out);
	assert_int_equal(plan_write_json(p, &out), 0);
	assert_int_equal(count(out.buf, "\"precision\": \"household\""), 2);
	sb_release(&out);
	plan_free(p);
}

/* Pull-request mode: the account changes come from the pull request, the
 * pruned and refused deletes are drift. */
static void test_golden_pull_request(void **st)
{
	(void)st;
	struct plan *p = representative();
	for (size_t i = 0; i < p->n_changes; i++)
		p->changes[i].origin =
		    p->changes[i].action == CHANGE_DELETE || strcmp(p->changes[i].account, "Legacy Co") == 0
			? ORIGIN_DRIFT
			: ORIGIN_CHANGE;
	struct render_options o = { 0 };
	struct strbuf out = STRBUF_INIT;
	plan_render_text(p, &o, &out);
	golden("plan-pr.txt", &out);
	const char *c = strstr(out.buf, RENDER_PR_CHANGES), *d = strstr(out.buf, RENDER_PR_DRIFT);
	assert_non_null(c);
	assert_non_null(d);
	assert_true(c < d);
	assert_true(strstr(out.buf, "\"Legacy Co\"") > d);
	sb_reset(&out);
	plan_render_markdown(p, &o, &out);
	golden("plan-pr.md", &out);
	assert_true(strstr(out.buf, "Changes in this pull request") < strstr(out.buf, "Drift (actual state"));
	/* the counts separate the pull request's changes from drift */
	assert_non_null(strstr(out.buf, "| **This pull request** | 1 | 1 | 1 | 0 | 3 | 2 | 0 |\n"));
	assert_non_null(strstr(out.buf, "| Drift | 0 | 0 | 0 | 1 | 0 | 1 | 1 |\n"));
	/* the TTL sentence once, for three removals */
	assert_int_equal(count(out.buf, "pass the 35\\-day TTL"), 1);
	/* a single-field update says its field in the summary line */
	assert_non_null(strstr(
	    out.buf, "Gamma Media: <code>client_name</code> Gamma \xE2\x86\x92 Gamma Group</summary>"));
	/* deletions and removals first within a section, marked */
	assert_true(strstr(out.buf, "\xE2\x9A\xA0\xEF\xB8\x8F <b>-</b> delete account Legacy Co") <
		    strstr(out.buf, "account Keep Me is not deleted"));
	assert_true(strstr(out.buf, "update account Beta Foods") <
		    strstr(out.buf, "rename account Gamma Old"));
	/* full commit ids are cut to 12 in the source line */
	sb_reset(&out);
	p->source = "git main@0123456789abcdef0123456789abcdef01234567: config; base origin/main@"
		    "89abcdef0123456789abcdef0123456789abcdef";
	plan_render_markdown(p, &o, &out);
	assert_non_null(strstr(
	    out.buf,
	    "Source: git main@&#8203;0123456789ab: config; base origin/main@&#8203;89abcdef0123 \xC2\xB7"));
	sb_release(&out);
	plan_free(p);
}

static void test_no_changes(void **st)
{
	(void)st;
	struct plan *p = plan_new();
	struct render_options o = { 0 };
	struct strbuf out = STRBUF_INIT;
	plan_render_text(p, &o, &out);
	assert_string_equal(out.buf, "No changes. Actual state matches the configuration.\n");
	sb_reset(&out);
	/* A refused delete alone is still no change, but it is shown. */
	struct change *c = plan_add_change(p);
	c->action = CHANGE_DELETE;
	c->account = "Keep Me";
	c->refused = true;
	c->refusal = "protected by settings.protect (reconciler.yaml:6)";
	plan_render_text(p, &o, &out);
	assert_string_equal(out.buf, "No changes. Actual state matches the configuration.\n\n"
				     "  ! account \"Keep Me\": not deleted: protected by settings.protect "
				     "(reconciler.yaml:6)\n\n");
	sb_reset(&out);
	plan_render_markdown(p, &o, &out);
	assert_non_null(strstr(out.buf, "**No changes.**"));
	assert_non_null(strstr(out.buf, "Keep Me is not deleted"));
	sb_release(&out);
	plan_free(p);
}

static const char *last_line(const struct strbuf *sb)
{
	assert_true(sb->len > 1 && sb->buf[sb->len - 1] == '\n');
	const char *s = sb->buf + sb->len - 2;
	while (s > sb->buf && s[-1] != '\n')
		s--;
	return s;
}

static struct plan *many_accounts(size_t n, size_t segs)
{
	struct plan *p = plan_new();
	for (size_t i = 0; i < n; i++) {
		char *name = arena_printf(&p->arena, "Account number %05zu", i);
		struct change *c = plan_add_change(p);
		c->action = CHANGE_CREATE;
		c->account = name;
		c->fields = arena_alloc(&p->arena, sizeof(*c->fields));
		c->fields[0].field = "name";
		c->fields[0].after = value_str(p, name);
		c->n_fields = 1;
		for (size_t k = 0; k < segs; k++) {
			c = plan_add_change(p);
			c->action = CHANGE_ADD;
			c->kind = KIND_SEGMENT;
			c->account = name;
			c->segment = arena_printf(&p->arena, "%zu", 100000 + k);
			c->segment_name = "Auto intenders";
		}
	}
	plan_summarize(p);
	return p;
}

static void test_markdown_cut_5000_accounts(void **st)
{
	(void)st;
	struct plan *p = many_accounts(5000, 3);
	struct render_options o = { .json_hint = "plan.json" };
	struct strbuf out = STRBUF_INIT;
	plan_render_markdown(p, &o, &out);
	/* GitHub's 65,536 less the 1,024 left for what a template appends */
	assert_true(out.len <= 65536 - 1024);
	assert_true(out.len > 60000); /* the limit is used, not wasted */
	size_t open = count(out.buf, "<details>"), close = count(out.buf, "</details>");
	assert_int_equal(open, close);
	assert_true(open > 10 && open < 5000);
	const char *last = last_line(&out);
	char want[96];
	size_t left = 5000 - open;
	snprintf(want, sizeof(want),
		 "**%zu,%03zu more accounts are not shown** (a comment is limited to 64,512 bytes): ",
		 left / 1000, left % 1000);
	assert_true(strncmp(last, want, strlen(want)) == 0);
	/* the first accounts left out are named, the rest counted */
	char first[64];
	snprintf(first, sizeof(first), ": Account number %05zu, Account number %05zu", open, open + 1);
	assert_non_null(strstr(last, first));
	assert_non_null(strstr(last, " more. The full plan is in the JSON plan: plan\\.json."));
	/* The counts are for the whole plan, not for what is shown. */
	assert_non_null(strstr(out.buf, "| 5000 | 0 | 0 | 0 | 15000 | 0 | 0 |"));

	/* With room for everything, nothing is cut. */
	sb_reset(&out);
	o.max_bytes = 10 * 1000 * 1000;
	plan_render_markdown(p, &o, &out);
	assert_int_equal(count(out.buf, "<details>"), 5000);
	assert_null(strstr(out.buf, "not shown"));
	sb_release(&out);
	plan_free(p);
}

/* When the accounts left out are few enough, every one is named, and the
 * line links the plan artifact when the caller passes its URL. */
static void test_markdown_cut_names_every_account(void **st)
{
	(void)st;
	struct plan *p = many_accounts(300, 60);
	struct render_options o = { .artifact_url = "https://github.com/o/r/actions/runs/1/artifacts/2" };
	struct strbuf out = STRBUF_INIT;
	plan_render_markdown(p, &o, &out);
	assert_true(out.len <= 65536 - 1024);
	size_t open = count(out.buf, "<details>");
	assert_true(open > 1 && open < 300);
	const char *last = last_line(&out);
	for (size_t i = open; i < 300; i++) {
		char name[32];
		snprintf(name, sizeof(name), "Account number %05zu", i);
		assert_non_null(strstr(last, name));
	}
	assert_null(strstr(last, " more. "));
	assert_non_null(strstr(last, "[plan artifact](https://github.com/o/r/actions/runs/1/artifacts/2)."));
	assert_true(render_url_ok(o.artifact_url));
	assert_false(render_url_ok("https://x/a) [evil](http://y"));
	assert_false(render_url_ok("javascript:alert(1)"));
	assert_false(render_url_ok("https://x/\n# h"));
	sb_release(&out);
	plan_free(p);
}

static void test_markdown_cut_one_big_account(void **st)
{
	(void)st;
	struct plan *p = many_accounts(1, 50000);
	struct render_options o = { 0 };
	struct strbuf out = STRBUF_INIT;
	plan_render_markdown(p, &o, &out);
	assert_true(out.len <= 65536);
	assert_int_equal(count(out.buf, "<details>"), 1);
	assert_int_equal(count(out.buf, "</details>"), 1);
	assert_non_null(strstr(out.buf, "more changes of this account are not shown"));
	assert_non_null(strstr(last_line(&out), "--format json"));
	sb_release(&out);
	plan_free(p);
}

static void test_markdown_tiny_limits(void **st)
{
	(void)st;
	struct plan *p = representative();
	for (size_t max = 64; max <= 4096; max *= 2) {
		struct render_options o = { .max_bytes = max };
		struct strbuf out = STRBUF_INIT;
		plan_render_markdown(p, &o, &out);
		assert_true(out.len <= max);
		if (max >= 2048)
			assert_int_equal(count(out.buf, "<details>"), count(out.buf, "</details>"));
		sb_release(&out);
	}
	plan_free(p);
}

static void test_escaping(void **st)
{
	(void)st;
	struct plan *p = plan_new();
	struct change *c = plan_add_change(p);
	c->action = CHANGE_ADD;
	c->kind = KIND_SEGMENT;
	c->account = "x</summary><script>alert(1)</script>";
	c->segment = "1|2";
	c->segment_name = "[click](http://evil)\n# heading";
	c = plan_add_change(p);
	c->action = CHANGE_UPDATE;
	c->account = "x</summary><script>alert(1)</script>";
	c->fields = arena_alloc(&p->arena, sizeof(*c->fields));
	c->fields[0].field = "client_name";
	c->fields[0].before = value_str(p, "*bold* & 'q'");
	c->fields[0].after = value_str(p, "line\nbreak `code`");
	c->n_fields = 1;
	plan_summarize(p);

	struct render_options o = { 0 };
	struct strbuf out = STRBUF_INIT;
	plan_render_markdown(p, &o, &out);
	assert_null(strstr(out.buf, "<script>"));
	assert_null(strstr(out.buf, "</summary><"));
	assert_non_null(strstr(out.buf, "x&lt;/summary&gt;&lt;script&gt;"));
	assert_null(strstr(out.buf, "[click]("));
	assert_non_null(strstr(out.buf, "\\[click\\]\\(http://evil\\)"));
	assert_null(strstr(out.buf, "\n# heading"));
	assert_non_null(strstr(out.buf, "1\\|2"));
	assert_non_null(strstr(out.buf, "\\*bold\\* &amp; &#39;q&#39;"));
	assert_non_null(strstr(out.buf, "line break \\`code\\`"));
	assert_int_equal(count(out.buf, "<details>"), count(out.buf, "</details>"));

	/* Text: a terminal escape in a name is shown, not executed. */
	sb_reset(&out);
	c->account = "evil\033[2Jname";
	p->changes[0].account = c->account;
	plan_render_text(p, &o, &out);
	assert_null(strchr(out.buf, '\033'));
	assert_non_null(strstr(out.buf, "evil\\u001b[2Jname"));
	sb_release(&out);
	plan_free(p);
}

/* Plurals: one segment is "1 segment", in the text summary and the
 * annotations' summary alike. */
static void test_plurals(void **st)
{
	(void)st;
	struct plan *p = plan_new();
	struct change *c = plan_add_change(p);
	c->action = CHANGE_ADD;
	c->kind = KIND_SEGMENT;
	c->account = "Acme";
	c->segment = "1";
	plan_summarize(p);
	struct render_options o = { 0 };
	struct strbuf out = STRBUF_INIT;
	plan_render_text(p, &o, &out);
	assert_non_null(strstr(out.buf, "; 1 segment to add, 0 to remove."));
	sb_reset(&out);
	plan_render_github(p, &o, &out);
	assert_non_null(strstr(out.buf, "; 1 segment to add, 0 to remove."));
	sb_release(&out);
	plan_free(p);
}

/* The short comment of a plan that could not be made: the same heading,
 * what failed, the diagnostics. */
static void test_golden_failure_markdown(void **st)
{
	(void)st;
	struct diags d = DIAGS_INIT;
	struct pos at = { "config/acme.yaml", 8, 16 };
	diag_error(&d, "kargo.precision", &at, "use individual or household",
		   "precision \"<b>exact</b>\" is not one Kargo takes");
	diag_error(&d, "backend", NULL, "set LIVERAMP_SECRET_KEY", "no credentials for the Activation API");
	struct render_options o = { 0 };
	struct strbuf out = STRBUF_INIT;
	plan_render_markdown_failure(&d, "the backend failed: credentials, network or the API", &o, &out);
	golden("plan-error.md", &out);
	assert_true(strncmp(out.buf, "### Reconciler plan: the backend failed", 39) == 0);
	assert_null(strstr(out.buf, "<b>exact"));
	sb_release(&out);
	diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_text),
		cmocka_unit_test(test_golden_markdown),
		cmocka_unit_test(test_golden_json),
		cmocka_unit_test(test_golden_github),
		cmocka_unit_test(test_golden_pull_request),
		cmocka_unit_test(test_precision_everywhere),
		cmocka_unit_test(test_no_changes),
		cmocka_unit_test(test_plurals),
		cmocka_unit_test(test_golden_failure_markdown),
		cmocka_unit_test(test_markdown_cut_5000_accounts),
		cmocka_unit_test(test_markdown_cut_one_big_account),
		cmocka_unit_test(test_markdown_cut_names_every_account),
		cmocka_unit_test(test_markdown_tiny_limits),
		cmocka_unit_test(test_escaping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
