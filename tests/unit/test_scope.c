/*
 * The accounts a pull request touches (model/scope.h), a pure function of
 * the base's and the head's states: nothing touched when only places in
 * the files move; an added, changed or removed account touched; a rename
 * touches the name it leaves; settings that differ touch everything (no
 * scope); filtering keeps an account by its name or a previous name.
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
#include "model/scope.h"

#include "fixture.h"

/* An account at `line` with the segments given ("ID" or "ID:NAME",
 * NULL-terminated), each a line below the one before. */
static struct account *account(struct state *s, const char *name, unsigned line, ...)
{
	struct account *a = fixture_account(s, name, "Acme Inc", NULL);
	a->name.pos.line = line;
	a->pos.line = line;
	va_list ap;
	va_start(ap, line);
	fixture_vsegments(s, a, NULL, ap);
	va_end(ap);
	for (size_t i = 0; i < a->n_segments; i++)
		a->segments[i].pos.line = line + (unsigned)(i + 1);
	return a;
}

static void test_only_places_moved(void **st)
{
	(void)st;
	struct state *base = state_new(), *head = state_new();
	account(base, "Acme", 3, "1", "2:Two", NULL);
	account(base, "Beta", 9, "3", NULL);
	account(head, "Beta", 4, "3", NULL);
	account(head, "Acme", 12, "2:Two", "1", NULL); /* another order, other lines */
	struct scope *sc;
	scope_touched(&sc, base, head);
	assert_non_null(sc);
	assert_int_equal(sc->n_accounts, 0);
	assert_false(scope_has_name(sc, "Acme"));
	assert_int_equal(scope_filter(head, sc), 2);
	assert_int_equal(head->n_accounts, 0);
	scope_free(sc);
	state_free(base);
	state_free(head);
}

static void test_added_changed_removed(void **st)
{
	(void)st;
	struct state *base = state_new(), *head = state_new();
	account(base, "Same", 1, "1", NULL);
	account(base, "Changed", 2, "2", NULL);
	account(base, "Gone", 3, NULL);
	account(base, "Named", 4, "4:Old name", NULL);
	account(head, "Same", 1, "1", NULL);
	account(head, "Changed", 2, "2", "5", NULL);
	account(head, "New", 3, NULL);
	account(head, "Named", 4, "4:New name", NULL);
	struct scope *sc;
	scope_touched(&sc, base, head);
	assert_non_null(sc);
	assert_true(scope_has_name(sc, " changed "));
	assert_true(scope_has_name(sc, "NEW"));
	assert_true(scope_has_name(sc, "Gone"));
	assert_true(scope_has_name(sc, "Named"));
	assert_false(scope_has_name(sc, "Same"));
	/* Changed, Named, New and Gone: an account changed counts once. */
	assert_int_equal(sc->n_accounts, 4);
	assert_int_equal(scope_filter(head, sc), 1);
	assert_int_equal(head->n_accounts, 3);
	assert_null(state_find_account(head, "Same"));
	assert_non_null(state_find_account(head, "New"));
	scope_free(sc);
	state_free(base);
	state_free(head);
}

static void test_client_name_and_status(void **st)
{
	(void)st;
	struct state *base = state_new(), *head = state_new();
	account(base, "A", 1, NULL);
	account(base, "B", 2, NULL);
	account(head, "A", 1, NULL)->client_name = fixture_sv(head, "Acme Corp");
	account(head, "B", 2, NULL)->status = STATUS_INACTIVE;
	struct scope *sc;
	scope_touched(&sc, base, head);
	assert_true(scope_has_name(sc, "A"));
	assert_true(scope_has_name(sc, "B"));
	scope_free(sc);
	state_free(base);
	state_free(head);
}

static void test_rename(void **st)
{
	(void)st;
	struct state *base = state_new(), *head = state_new(), *actual = state_new();
	account(base, "Old", 1, "1", NULL);
	account(base, "Other", 2, NULL);
	struct account *a = account(head, "Renamed", 1, "1", NULL);
	fixture_push_sval(head, &a->previous_names, &a->n_previous_names, fixture_sv(head, "Old"));
	account(head, "Other", 2, NULL);
	account(actual, "Old", 0, "1", NULL);
	account(actual, "Other", 0, NULL);
	struct scope *sc;
	scope_touched(&sc, base, head);
	assert_true(scope_has_name(sc, "Renamed"));
	assert_true(scope_has_name(sc, "old"));
	assert_false(scope_has_name(sc, "Other"));
	assert_int_equal(sc->n_accounts, 1); /* a rename is one account */
	/* The actual account a rename takes over is read under its old name. */
	assert_int_equal(scope_filter(actual, sc), 1);
	assert_non_null(state_find_account(actual, "Old"));
	scope_free(sc);
	state_free(base);
	state_free(head);
	state_free(actual);
}

static void test_settings_touch_everything(void **st)
{
	(void)st;
	struct state *base = state_new(), *head = state_new();
	account(base, "A", 1, NULL);
	account(head, "A", 1, NULL);
	head->settings.prune = true;
	struct scope *sc;
	scope_touched(&sc, base, head);
	assert_null(sc);
	head->settings.prune = false;
	fixture_push_sval(head, &head->settings.protect, &head->settings.n_protect, fixture_sv(head, "A"));
	scope_touched(&sc, base, head);
	assert_null(sc);
	state_free(base);
	state_free(head);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_places_moved),
		cmocka_unit_test(test_added_changed_removed),
		cmocka_unit_test(test_client_name_and_status),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_settings_touch_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
