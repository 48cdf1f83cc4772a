/*
 * apply/ against a scripted backend: the executor's ordering, batching,
 * caps and partial-failure promises, without any file or network.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/apply.h"
#include "util/xalloc.h"

/* A backend that records every call and fails the ones it is told to. */
struct mock {
	struct backend base;
	char calls[4096];
	int fail_create_of; /* index (1-based) of the create call to fail; 0: none */
	int creates;
	size_t max_batch;
	size_t batches;
	bool fail_item_0;	    /* first item of each add batch fails */
	int signal_in_create;	    /* during this create call (1-based) a "signal" arrives */
	volatile sig_atomic_t stop; /* what the signal handler would set */
};

__attribute__((format(printf, 2, 3))) static void record(struct mock *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t len = strlen(m->calls);
	vsnprintf(m->calls + len, sizeof(m->calls) - len, fmt, ap);
	va_end(ap);
}

static int m_create(struct backend *b, const struct account *want, struct account_ref *out, struct diags *d)
{
	struct mock *m = (struct mock *)b;
	m->creates++;
	record(m, "create(%s);", want->name.v);
	if (m->creates == m->signal_in_create)
		m->stop = 2;
	if (m->creates == m->fail_create_of) {
		diag_error(d, "backend", NULL, NULL, "HTTP 500: create failed");
		return -1;
	}
	out->connection_id = "ic-new";
	out->manager_id = "dm-new";
	return 0;
}

static int m_update(struct backend *b, const struct account_ref *ref, const struct account *want,
		    struct diags *d)
{
	struct mock *m = (struct mock *)b;
	record(m, "update(%s,%s,%s,%s);", ref->manager_id, want->name.v, account_status_name(want->status),
	       want->client_name.v ? want->client_name.v : "-");
	return 0;
}

static int m_delete(struct backend *b, const struct account_ref *ref, struct diags *d)
{
	record((struct mock *)b, "delete(%s);", ref->manager_id);
	return 0;
}

static int m_batch(struct mock *m, const char *what, const struct account_ref *ref,
		   const struct segment *segs, size_t n, struct batch_item_result *res)
{
	m->batches++;
	if (n > m->max_batch)
		m->max_batch = n;
	record(m, "%s(%s,%zu);", what, ref->manager_id, n);
	for (size_t i = 0; i < n; i++) {
		res[i].segment_id = segs[i].id;
		res[i].ok = !(m->fail_item_0 && i == 0 && strcmp(what, "add") == 0);
		res[i].http_status = res[i].ok ? 201 : 404;
		if (!res[i].ok)
			snprintf(res[i].message, sizeof(res[i].message), "segment not found");
	}
	return 0;
}

static int m_add(struct backend *b, const struct account_ref *ref, const struct segment *segs, size_t n,
		 struct batch_item_result *res, struct diags *d)
{
	return m_batch((struct mock *)b, "add", ref, segs, n, res);
}

static int m_remove(struct backend *b, const struct account_ref *ref, const struct segment *segs, size_t n,
		    struct batch_item_result *res, struct diags *d)
{
	for (size_t i = 0; i < n; i++)
		assert_non_null(segs[i].config_id);
	return m_batch((struct mock *)b, "remove", ref, segs, n, res);
}

static const struct backend_ops mock_ops = {
	.name = "mock",
	.create_account = m_create,
	.update_account = m_update,
	.delete_account = m_delete,
	.add_segments = m_add,
	.remove_segments = m_remove,
};

static void mock_init(struct mock *m)
{
	memset(m, 0, sizeof(*m));
	m->base.ops = &mock_ops;
}

static struct change *add_account_change(struct plan *p, enum change_action a, const char *name,
					 const char *dm)
{
	struct change *c = plan_add_change(p);
	c->action = a;
	c->kind = KIND_ACCOUNT;
	c->account = arena_strdup(&p->arena, name);
	c->manager_id = dm ? arena_strdup(&p->arena, dm) : NULL;
	c->connection_id = dm ? arena_strdup(&p->arena, dm) : NULL;
	return c;
}

static void add_segment_changes(struct plan *p, enum change_action a, const char *account, const char *dm,
				size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct change *c = plan_add_change(p);
		c->action = a;
		c->kind = KIND_SEGMENT;
		c->account = arena_strdup(&p->arena, account);
		c->segment = arena_printf(&p->arena, "%zu", 1000 + i);
		c->segment_type = "ONBOARDING";
		c->manager_id = dm ? arena_strdup(&p->arena, dm) : NULL;
		c->config_id = a == CHANGE_REMOVE ? arena_printf(&p->arena, "sc-%zu", i) : NULL;
	}
}

static struct apply_options no_caps(void)
{
	return (struct apply_options){ .max_deletes = -1, .max_changes = -1 };
}

static void test_create_then_its_segments_in_batches_of_500(void **state)
{
	struct plan *p = plan_new();
	add_account_change(p, CHANGE_CREATE, "Acme", NULL);
	add_segment_changes(p, CHANGE_ADD, "Acme", NULL, 1201);
	plan_summarize(p);
	struct state *actual = state_new();
	struct mock m;
	mock_init(&m);
	struct apply_options o = no_caps();
	struct apply_report r;
	struct diags d = DIAGS_INIT;
	assert_int_equal(apply_plan(&m.base, p, actual, &o, &r, &d), 0);
	assert_string_equal(m.calls, "create(Acme);add(dm-new,500);add(dm-new,500);add(dm-new,201);");
	assert_int_equal(r.applied, 1202);
	assert_int_equal(m.max_batch, 500);
	diags_free(&d);
	state_free(actual);
	plan_free(p);
}

/* At the limit and one past it: 500 is one batch, 501 is 500 + 1. */
static void batches_of(int n, const char *want_calls)
{
	struct plan *p = plan_new();
	add_account_change(p, CHANGE_CREATE, "Acme", NULL);
	add_segment_changes(p, CHANGE_ADD, "Acme", NULL, n);
	plan_summarize(p);
	struct state *actual = state_new();
	struct mock m;
	mock_init(&m);
	struct apply_options o = no_caps();
	struct apply_report r;
	struct diags d = DIAGS_INIT;
	assert_int_equal(apply_plan(&m.base, p, actual, &o, &r, &d), 0);
	assert_string_equal(m.calls, want_calls);
	assert_int_equal(r.applied, n + 1);
	diags_free(&d);
	state_free(actual);
	plan_free(p);
}

static void test_batches_at_the_limit(void **state)
{
	batches_of(500, "create(Acme);add(dm-new,500);");
	batches_of(501, "create(Acme);add(dm-new,500);add(dm-new,1);");
}

static void test_failed_create_skips_its_segments_only(void **state)
{
	struct plan *p = plan_new();
	add_account_change(p, CHANGE_CREATE, "Acme", NULL);
	add_segment_changes(p, CHANGE_ADD, "Acme", NULL, 3);
	add_account_change(p, CHANGE_CREATE, "Beta", NULL);
	add_segment_changes(p, CHANGE_ADD, "Beta", NULL, 2);
	plan_summarize(p);
	struct state *actual = state_new();
	struct mock m;
	mock_init(&m);
	m.fail_create_of = 1;
	struct apply_options o = no_caps();
	struct apply_report r;
	struct diags d = DIAGS_INIT;
	assert_int_equal(apply_plan(&m.base, p, actual, &o, &r, &d), -1);
	assert_string_equal(m.calls, "create(Acme);create(Beta);add(dm-new,2);");
	assert_int_equal(r.failed, 1);
	assert_int_equal(r.skipped, 3);
	assert_int_equal(r.applied, 3);
	assert_true(diags_has_errors(&d));
	diags_free(&d);
	state_free(actual);
	plan_free(p);
}

static void test_item_failures_are_reported_and_work_goes_on(void **state)
{
	struct plan *p = plan_new();
	add_segment_changes(p, CHANGE_ADD, "Acme", "dm-1", 3);
	add_segment_changes(p, CHANGE_ADD, "Beta", "dm-2", 2);
	plan_summarize(p);
	struct state *actual = state_new();
	struct mock m;
	mock_init(&m);
	m.fail_item_0 = true;
	struct apply_options o = no_caps();
	struct apply_report r;
	struct diags d = DIAGS_INIT;
	assert_int_equal(apply_plan(&m.base, p, actual, &o, &r, &d), -1);
	assert_string_equal(m.calls, "add(dm-1,3);add(dm-2,2);");
	assert_int_equal(r.failed, 2);
	assert_int_equal(r.applied, 3);
	diags_free(&d);
	state_free(actual);
	plan_free(p);
}

/* A signal during a change: that change is finished (never cut), nothing
 * after it starts, and every change not started is reported skipped. */
static void test_a_signal_stops_before_the_next_change(void **state)
{
	struct plan *p = plan_new();
	add_account_change(p, CHANGE_CREATE, "Acme", NULL);
	add_segment_changes(p, CHANGE_ADD, "Acme", NULL, 3);
	add_account_change(p, CHANGE_CREATE, "Beta", NULL);
	add_segment_changes(p, CHANGE_ADD, "Beta", NULL, 2);
	plan_summarize(p);
	struct state *actual = state_new();
	struct mock m;
	mock_init(&m);
	m.signal_in_create = 2;
	struct apply_options o = no_caps();
	o.stop = &m.stop;
	struct apply_report r;
	struct diags d = DIAGS_INIT;
	assert_int_equal(apply_plan(&m.base, p, actual, &o, &r, &d), -1);
	assert_string_equal(m.calls, "create(Acme);add(dm-new,3);create(Beta);");
	assert_true(r.interrupted);
	assert_int_equal(r.applied, 5);
	assert_int_equal(r.skipped, 2);
	assert_int_equal(r.failed, 0);
	diags_free(&d);
	state_free(actual);
	plan_free(p);
}

static void test_caps_stop_before_the_first_call(void **state)
{
	struct plan *p = plan_new();
	add_segment_changes(p, CHANGE_REMOVE, "Old", "dm-9", 2);
	add_account_change(p, CHANGE_DELETE, "Old", "dm-9");
	add_account_change(p, CHANGE_CREATE, "New", NULL);
	plan_summarize(p);
	struct state *actual = state_new();
	struct mock m;
	mock_init(&m);
	struct apply_options o = no_caps();
	o.max_deletes = 0;
	struct apply_report r;
	struct diags d = DIAGS_INIT;
	assert_int_equal(apply_plan(&m.base, p, actual, &o, &r, &d), -1);
	assert_string_equal(m.calls, "");
	assert_string_equal(d.v[0].rule, "apply.caps");
	diags_free(&d);

	o = no_caps();
	o.max_changes = 3;
	assert_int_equal(apply_plan(&m.base, p, actual, &o, &r, &d), -1);
	assert_string_equal(m.calls, "");
	diags_free(&d);

	o.max_changes = 4;
	o.max_deletes = 1;
	assert_int_equal(apply_plan(&m.base, p, actual, &o, &r, &d), 0);
	assert_string_equal(m.calls, "remove(dm-9,2);delete(dm-9);create(New);");
	diags_free(&d);
	state_free(actual);
	plan_free(p);
}

static void test_refused_changes_are_never_executed(void **state)
{
	struct plan *p = plan_new();
	struct change *c = add_account_change(p, CHANGE_DELETE, "Keep", "dm-5");
	c->refused = true;
	c->refusal = "protected by settings.protect";
	plan_summarize(p);
	struct state *actual = state_new();
	struct mock m;
	mock_init(&m);
	struct apply_options o = no_caps();
	struct apply_report r;
	struct diags d = DIAGS_INIT;
	assert_int_equal(apply_plan(&m.base, p, actual, &o, &r, &d), 0);
	assert_string_equal(m.calls, "");
	assert_int_equal(r.refused, 1);
	assert_int_equal(r.skipped, 0);
	assert_int_equal(r.failed, 0);
	diags_free(&d);
	state_free(actual);
	plan_free(p);
}

/* An update sends the observed values for what it does not change. */
static void test_update_fills_unchanged_fields_from_actual(void **state)
{
	struct state *actual = state_new();
	struct account *a = state_add_account(actual);
	a->name.v = "Acme";
	a->client_name.v = "Acme Inc";
	a->manager_id = "dm-1";
	a->status = STATUS_ACTIVE;
	state_canonicalize(actual);

	struct plan *p = plan_new();
	struct change *c = add_account_change(p, CHANGE_UPDATE, "Acme", "dm-1");
	c->fields = arena_alloc(&p->arena, sizeof(*c->fields));
	c->n_fields = 1;
	c->fields[0].field = "status";
	c->fields[0].before = value_str(p, "active");
	c->fields[0].after = value_str(p, "inactive");
	plan_summarize(p);
	struct mock m;
	mock_init(&m);
	struct apply_options o = no_caps();
	struct apply_report r;
	struct diags d = DIAGS_INIT;
	assert_int_equal(apply_plan(&m.base, p, actual, &o, &r, &d), 0);
	assert_string_equal(m.calls, "update(dm-1,Acme,inactive,Acme Inc);");
	diags_free(&d);
	state_free(actual);
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_then_its_segments_in_batches_of_500),
		cmocka_unit_test(test_batches_at_the_limit),
		cmocka_unit_test(test_failed_create_skips_its_segments_only),
		cmocka_unit_test(test_item_failures_are_reported_and_work_goes_on),
		cmocka_unit_test(test_a_signal_stops_before_the_next_change),
		cmocka_unit_test(test_caps_stop_before_the_first_call),
		cmocka_unit_test(test_refused_changes_are_never_executed),
		cmocka_unit_test(test_update_fills_unchanged_fields_from_actual),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
