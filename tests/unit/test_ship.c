/*
 * What a scheduled run leaves for machines and people: the metrics text
 * (record/metrics.h) with its counts per account and its label escaping,
 * the metrics file written atomically and not through a link, the status
 * page (status/render_html.c) escaping every name, and --log-format taken
 * out of argv (util/log_json.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/delivery.h"
#include "model/model.h"
#include "plan/diff.h"
#include "plan/plan.h"
#include "record/metrics.h"
#include "status/report.h"
#include "util/log_json.h"

#include "fixture.h"

#define DAY 86400LL
#define T0 1767225600LL /* 2026-01-01T00:00:00Z */

static const struct profile P = { .id = "kargo",
				  .destination_name = "Kargo",
				  .ttl_days = 35,
				  .first_delivery_days = 3,
				  .marketplace_share_days = 3 };

/* A hostile name: quote, backslash, newline, markup and a byte that is not
 * UTF-8. */
#define HOSTILE "Q\"\\\n<b>&\xff"

struct fixture {
	struct state *desired, *actual;
	struct plan *plan;
	struct status_report *report;
};

static void build(struct fixture *f)
{
	f->desired = state_new();
	f->actual = state_new();
	const char *want[] = { "1", "2", "3" };
	const char *have[] = { "1", "2", "9" };
	fixture_segment_list(f->desired, fixture_account(f->desired, "Acme", "Co", NULL), NULL, want, 3);
	fixture_segment_list(f->desired, fixture_account(f->desired, HOSTILE, "Co", NULL), NULL, want, 1);
	fixture_segment_list(f->actual, fixture_account(f->actual, "Acme", "Co", "1"), "sc-", have, 3);
	fixture_segment_list(f->actual, fixture_account(f->actual, HOSTILE, "Co", "2"), "sc-", have, 1);
	state_canonicalize(f->desired);
	state_canonicalize(f->actual);
	f->plan = plan_new();
	plan_diff(f->plan, f->desired, f->actual, &P);
	struct delivery_list l = DELIVERY_LIST_INIT;
	fixture_delivery(&l, "ic-1", "1", DELIVERY_DELIVERED, "2026-01-30T00:00:00Z", -1);
	fixture_delivery(&l, "ic-1", "2", DELIVERY_DELIVERED, "2025-12-01T00:00:00Z", -1); /* stale */
	fixture_delivery(&l, "ic-2", "1", DELIVERY_PENDING, "2026-01-30T00:00:00Z", -1);
	f->report = status_report_build(f->desired, f->actual, f->plan, &l, &P, T0 + 30 * DAY);
	delivery_list_free(&l);
}

static void release(struct fixture *f)
{
	status_report_free(f->report);
	plan_free(f->plan);
	state_free(f->desired);
	state_free(f->actual);
}

static void test_metrics_counts(void **st)
{
	struct fixture f;
	build(&f);
	struct run_metrics m = { .command = "drift",
				 .org = "org-1",
				 .outcome = "drift",
				 .exit_code = 2,
				 .duration_seconds = 1.5,
				 .finished = T0,
				 .desired = f.desired,
				 .plan = f.plan };
	struct strbuf out = STRBUF_INIT;
	metrics_render(&m, &out);
	assert_non_null(strstr(out.buf, "# TYPE reconciler_changes_pending gauge\n"));
	assert_non_null(strstr(out.buf, "reconciler_changes_pending{command=\"drift\",org=\"org-1\",account="
					"\"Acme\",kind=\"segment_add\"} 1\n"));
	assert_non_null(strstr(out.buf, "reconciler_changes_pending{command=\"drift\",org=\"org-1\",account="
					"\"Acme\",kind=\"segment_remove\"} 1\n"));
	assert_non_null(strstr(
	    out.buf, "reconciler_account_in_sync{command=\"drift\",org=\"org-1\",account=\"Acme\"} 0\n"));
	assert_non_null(
	    strstr(out.buf, "reconciler_run_outcome{command=\"drift\",org=\"org-1\",outcome=\"drift\"} 1\n"));
	assert_non_null(
	    strstr(out.buf, "reconciler_run_duration_seconds{command=\"drift\",org=\"org-1\"} 1.5\n"));
	assert_non_null(strstr(
	    out.buf,
	    "reconciler_run_finished_timestamp_seconds{command=\"drift\",org=\"org-1\"} 1767225600\n"));
	assert_null(strstr(out.buf, "reconciler_segments")); /* no deliveries read */
	/* Each family once: HELP and TYPE are not repeated per account. */
	char *first = strstr(out.buf, "# TYPE reconciler_changes_pending");
	assert_null(strstr(first + 1, "# TYPE reconciler_changes_pending"));

	/* A complete apply: nothing pending, all in sync. */
	sb_reset(&out);
	m.command = "apply";
	m.done = true;
	metrics_render(&m, &out);
	assert_non_null(strstr(out.buf, "account=\"Acme\",kind=\"segment_add\"} 0\n"));
	assert_non_null(strstr(out.buf, "reconciler_accounts_in_sync{command=\"apply\",org=\"org-1\"} 2\n"));
	sb_release(&out);
	release(&f);
}

static void test_metrics_status_and_escaping(void **st)
{
	struct fixture f;
	build(&f);
	struct run_metrics m = { .command = "status",
				 .org = "o\"rg",
				 .exit_code = 2,
				 .outcome = "attention",
				 .desired = f.desired,
				 .plan = f.plan,
				 .status = f.report };
	struct strbuf out = STRBUF_INIT;
	metrics_render(&m, &out);
	assert_non_null(strstr(out.buf, "org=\"o\\\"rg\""));
	assert_non_null(strstr(out.buf, "account=\"Acme\",health=\"delivered\"} 1\n"));
	assert_non_null(strstr(out.buf, "account=\"Acme\",health=\"stale\"} 1\n"));
	assert_non_null(strstr(out.buf, "account=\"Acme\",health=\"not_distributed\"} 1\n"));
	/* ", \ and newline escaped; the stray byte replaced by U+FFFD. */
	assert_non_null(strstr(out.buf, "account=\"Q\\\"\\\\\\n<b>&\xEF\xBF\xBD\",health=\"pending\"} 1\n"));
	assert_null(strstr(out.buf, "\xff"));
	/* No raw newline inside a sample: every line is a comment or a sample. */
	for (char *line = out.buf; *line;) {
		char *nl = strchr(line, '\n');
		assert_non_null(nl);
		assert_true(line[0] == '#' || strncmp(line, "reconciler_", 11) == 0);
		line = nl + 1;
	}
	sb_release(&out);
	release(&f);
}

static void test_metrics_file(void **st)
{
	char dir[] = "/tmp/reconciler-test-metrics-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128], target[128], cmd[256];
	snprintf(path, sizeof(path), "%s/m.prom", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	FILE *t = fopen(target, "w");
	assert_non_null(t);
	fputs("keep\n", t);
	fclose(t);
	assert_int_equal(symlink(target, path), 0);
	struct strbuf text = STRBUF_INIT;
	sb_puts(&text, "x 1\n");
	struct diags d = DIAGS_INIT;
	assert_int_equal(metrics_write_file(path, &text, &d), 0);
	struct stat sb;
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode)); /* the link was replaced */
	assert_int_equal(sb.st_mode & 0777, 0644);
	char buf[16] = { 0 };
	t = fopen(target, "r");
	assert_non_null(fgets(buf, sizeof(buf), t));
	fclose(t);
	assert_string_equal(buf, "keep\n");

	snprintf(path, sizeof(path), "%s/no/such/dir.prom", dir);
	assert_int_equal(metrics_write_file(path, &text, &d), -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].rule, "record.metrics");
	assert_non_null(d.v[0].hint);
	diags_free(&d);
	sb_release(&text);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_html_escapes(void **st)
{
	struct fixture f;
	build(&f);
	struct strbuf out = STRBUF_INIT;
	status_render_html(f.report, &out);
	assert_int_equal(strncmp(out.buf, "<!DOCTYPE html>\n", 16), 0);
	assert_non_null(strstr(out.buf, "Q&quot;\\\n&lt;b&gt;&amp;\xEF\xBF\xBD"));
	assert_null(strstr(out.buf, "\n<b>&")); /* the hostile markup, raw */
	assert_null(strstr(out.buf, "<script"));
	assert_non_null(strstr(out.buf, "default-src 'none'"));
	/* The totals before the first account. */
	assert_true(strstr(out.buf, "id=\"totals\"") < strstr(out.buf, "class=\"account\""));
	assert_non_null(strstr(out.buf, "id=\"total-stale\" data-count=\"1\""));
	/* 2026-01-30 + 35 days, seen on 2026-01-31: 34 days left. */
	assert_non_null(strstr(out.buf, "data-days-left=\"34\">34 of 35 days left"));
	assert_non_null(strstr(out.buf, "<tr class=\"segment\" data-health=\"stale\">"));
	sb_release(&out);
	release(&f);
}

static void test_log_setup(void **st)
{
	char err[128];
	char a0[] = "reconciler", a1[] = "plan", a2[] = "--log-format", a3[] = "json", a4[] = "x",
	     a5[] = "--", a6[] = "--log-format=text";
	char *argv[] = { a0, a1, a2, a3, a4, a5, a6, NULL };
	int argc = 7;
	unsetenv("RECONCILER_LOG_FORMAT");
	assert_int_equal(log_setup(&argc, argv, err, sizeof(err)), 0);
	assert_true(log_json_enabled());
	/* Taken out; what follows "--" is left alone. */
	assert_int_equal(argc, 5);
	assert_string_equal(argv[2], "x");
	assert_string_equal(argv[3], "--");
	assert_string_equal(argv[4], "--log-format=text");
	assert_null(argv[5]);

	char b2[] = "--log-format=xml";
	char *bad[] = { a0, b2, NULL };
	argc = 2;
	assert_int_equal(log_setup(&argc, bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "xml"));
	char *none[] = { a0, a2, NULL };
	argc = 2;
	assert_int_equal(log_setup(&argc, none, err, sizeof(err)), -1);

	setenv("RECONCILER_LOG_FORMAT", "text", 1);
	char *plain[] = { a0, a1, NULL };
	argc = 2;
	assert_int_equal(log_setup(&argc, plain, err, sizeof(err)), 0);
	assert_false(log_json_enabled());
	unsetenv("RECONCILER_LOG_FORMAT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_counts), cmocka_unit_test(test_metrics_status_and_escaping),
		cmocka_unit_test(test_metrics_file),   cmocka_unit_test(test_html_escapes),
		cmocka_unit_test(test_log_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
