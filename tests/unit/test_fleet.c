/*
 * Fleets: the per-org sandbox path (the single-org default unchanged, every
 * org_id its own file, nothing leaving .reconciler/orgs/), the layout's
 * rules on a fleet made in a temporary directory, and --org.
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

#include "backend/backend.h"
#include "fleet/fleet.h"
#include "util/strbuf.h"

static char *path_for(const char *org_id)
{
	struct strbuf sb = STRBUF_INIT;
	backend_local_default_path(&sb, org_id);
	return sb_detach(&sb);
}

static void test_sandbox_path(void **state)
{
	(void)state;
	const struct {
		const char *id, *want;
	} cases[] = {
		{ NULL, ".reconciler/sandbox.json" },
		{ "", ".reconciler/sandbox.json" },
		{ "org-acme_1", ".reconciler/orgs/org-acme_1/sandbox.json" },
		{ "../../etc", ".reconciler/orgs/%2E%2E%2F%2E%2E%2Fetc/sandbox.json" },
		{ ".hidden", ".reconciler/orgs/%2Ehidden/sandbox.json" },
		{ "a%2F", ".reconciler/orgs/a%252F/sandbox.json" }, /* never the same as "a/" */
		{ "a/", ".reconciler/orgs/a%2F/sandbox.json" },
		{ "é", ".reconciler/orgs/%C3%A9/sandbox.json" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *p = path_for(cases[i].id);
		assert_string_equal(p, cases[i].want);
		free(p);
	}
}

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0755);
	*slash = '/';
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/test_fleet_XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static bool has_rule(const struct diags *d, const char *rule, const char *file, unsigned line)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].rule, rule) == 0 && d->v[i].file && strstr(d->v[i].file, file) &&
		    d->v[i].line == line)
			return true;
	return false;
}

static void test_layout(void **state)
{
	(void)state;
	put("b/x.yaml", "version: 1\nsettings: {org_id: o-b}\naccounts: []\n");
	put("a/x.yaml", "version: 1\nsettings: {org_id: o-a}\naccounts: []\n");
	put("a/y.yml", "version: 1\naccounts: []\n");
	put(".skip/x.yaml", "version: 1\naccounts: []\n");
	put("c/broken.yaml", "version: 1\nsettings: {org_id: o-c}\naccounts: [\n");
	struct fleet_source src = { .root = root };
	struct gitsrc *git = NULL;
	struct fleet *f;
	struct diags d = DIAGS_INIT;
	/* c's only file does not load: its org_id is unknown, and the hint
	 * says why. The dot-directory is no org. */
	assert_int_equal(fleet_load(&f, &src, &git, &d), -1);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].rule, "fleet.org_id");
	assert_non_null(strstr(d.v[0].hint, "does not load"));
	assert_int_equal(f->n, 3);
	fleet_free(f);
	diags_free(&d);

	put("c/broken.yaml", "version: 1\nsettings: {org_id: o-c}\naccounts: []\n");
	put("d/1.yaml", "version: 1\nsettings: {org_id: o-a}\naccounts: []\n");
	put("e/1.yaml", "version: 1\naccounts: []\n");
	put("g/1.yaml", "version: 1\nsettings: {org_id: one}\naccounts: []\n");
	put("g/2.yaml", "version: 1\nsettings: {org_id: two}\naccounts: []\n");
	d = (struct diags)DIAGS_INIT;
	assert_int_equal(fleet_load(&f, &src, &git, &d), -1);
	assert_true(has_rule(&d, "fleet.duplicate_org", "/d/1.yaml", 2));
	assert_true(has_rule(&d, "fleet.org_id", "/g/2.yaml", 2));
	bool missing = false;
	for (size_t i = 0; i < d.n; i++)
		missing |=
		    strcmp(d.v[i].rule, "fleet.org_id") == 0 && strstr(d.v[i].file, "/e") && d.v[i].line == 0;
	assert_true(missing);
	assert_int_equal(f->n, 6);
	assert_string_equal(f->orgs[0].name, "a");
	assert_string_equal(f->orgs[0].org_id, "o-a");
	assert_null(f->orgs[4].org_id); /* e */
	/* a and d share o-a, e has none, g has two: none of them may run. */
	const bool invalid[] = { true, false, false, true, true, true };
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(f->orgs[i].invalid, invalid[i]);
	diags_free(&d);
	d = (struct diags)DIAGS_INIT;
	assert_int_equal(fleet_pick(f, "c", &d), 0);
	assert_int_equal(f->n, 1);
	assert_string_equal(f->orgs[0].org_id, "o-c");
	assert_int_equal(fleet_pick(f, "zz", &d), -1);
	assert_string_equal(d.v[0].rule, "fleet.org");
	fleet_free(f);
	diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sandbox_path),
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
