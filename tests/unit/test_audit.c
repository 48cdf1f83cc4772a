/*
 * Provenance records (record/): the audit line's fields and order, appends
 * that create their directory and keep earlier lines, a log that cannot be
 * written, and git notes on a repository made for the test: created, then
 * appended to, signed without user.name configured.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <git2.h>
#include <jansson.h>

#include "desired/git.h"
#include "record/audit.h"
#include "record/notes.h"

static char dir[256];

static int setup(void **st)
{
	(void)st;
	snprintf(dir, sizeof(dir), "/tmp/reconciler-test-audit-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static struct audit_record sample(void)
{
	struct audit_record r = {
		.time = 1795000000, /* 2026-11-18T11:06:40Z */
		.outcome = "applied",
		.source = "git main@0123456789abcdef0123456789abcdef01234567: config",
		.ref = "main",
		.commit = "0123456789abcdef0123456789abcdef01234567",
		.backend = "liveramp",
		.profile = "kargo",
		.fingerprint = "ab",
		.applied = 4,
	};
	r.summary.accounts_create = 1;
	r.summary.segments_add = 3;
	return r;
}

static void test_record_json(void **st)
{
	(void)st;
	struct audit_record r = sample();
	char *line = audit_record_json(&r);
	assert_null(strchr(line, '\n'));
	/* keys in a fixed order, the first ones a reader scans for */
	assert_true(strncmp(line, "{\"time\":\"2026-11-18T11:06:40Z\",\"tool\":", 37) == 0);
	json_error_t err;
	json_t *o = json_loads(line, 0, &err);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "outcome")), "applied");
	assert_string_equal(json_string_value(json_object_get(o, "commit")), r.commit);
	assert_string_equal(json_string_value(json_object_get(o, "ref")), "main");
	assert_true(json_is_false(json_object_get(o, "dirty")));
	assert_true(json_is_null(json_object_get(o, "plan_file")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "summary"), "segments_add")),
			 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "result"), "applied")), 4);
	json_decref(o);
	free(line);

	/* not from git: nulls, not empty strings */
	r.commit = NULL;
	r.ref = NULL;
	line = audit_record_json(&r);
	o = json_loads(line, 0, &err);
	assert_true(json_is_null(json_object_get(o, "commit")));
	assert_true(json_is_null(json_object_get(o, "ref")));
	json_decref(o);
	free(line);
}

static void test_append(void **st)
{
	(void)st;
	char path[512];
	snprintf(path, sizeof(path), "%s/deep/er/audit.jsonl", dir);
	struct audit_record r = sample();
	struct diags d = DIAGS_INIT;
	assert_int_equal(audit_append(path, &r, &d), 0);
	r.outcome = "no_changes";
	assert_int_equal(audit_append(path, &r, &d), 0);
	assert_int_equal(d.n, 0);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[4096];
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		json_error_t err;
		json_t *o = json_loads(line, 0, &err);
		assert_non_null(o);
		assert_string_equal(json_string_value(json_object_get(o, "outcome")),
				    n == 0 ? "applied" : "no_changes");
		json_decref(o);
		n++;
	}
	fclose(f);
	assert_int_equal(n, 2);
}

static void test_append_fails_cleanly(void **st)
{
	(void)st;
	char path[512];
	/* a directory where the file should be */
	snprintf(path, sizeof(path), "%s", dir);
	struct audit_record r = sample();
	struct diags d = DIAGS_INIT;
	assert_int_equal(audit_append(path, &r, &d), -1);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].rule, "record.audit");
	diags_free(&d);
}

static char *note_text(const char *repo, const char *commit)
{
	git_repository *r;
	git_note *note;
	git_oid oid;
	git_libgit2_init();
	assert_int_equal(git_repository_open(&r, repo), 0);
	assert_int_equal(git_oid_fromstr(&oid, commit), 0);
	char *out = NULL;
	if (git_note_read(&note, r, NOTES_REF, &oid) == 0) {
		out = strdup(git_note_message(note));
		git_note_free(note);
	}
	git_repository_free(r);
	git_libgit2_shutdown();
	return out;
}

static void test_notes_append(void **st)
{
	(void)st;
	char repo[512], cmd[2048], commit[GITSRC_HEX];
	snprintf(repo, sizeof(repo), "%s/repo", dir);
	/* No user.name: a CI runner. HOME points at an empty directory so that
	 * a global configuration cannot supply one. */
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s && cd %s && git init -q -b main && "
		 "git -c user.name=x -c user.email=x@y commit -q --allow-empty -m one",
		 repo, repo);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "git -C %s rev-parse HEAD", repo);
	FILE *p = popen(cmd, "r");
	assert_non_null(fgets(commit, sizeof(commit), p));
	pclose(p);

	struct gitsrc *g;
	struct diags d = DIAGS_INIT;
	assert_int_equal(gitsrc_open(&g, repo, &d), 0);
	assert_int_equal(notes_append(g, commit, "{\"n\":1}", &d), 0);
	assert_int_equal(notes_append(g, commit, "{\"n\":2}", &d), 0);
	assert_int_equal(notes_append(g, "not-a-commit", "{}", &d), -1);
	assert_string_equal(d.v[0].rule, "git.note");
	gitsrc_close(g);
	diags_free(&d);

	char *text = note_text(repo, commit);
	assert_non_null(text);
	assert_string_equal(text, "{\"n\":1}\n{\"n\":2}\n");
	free(text);
}

int main(void)
{
	unsetenv("GIT_DIR");
	char home[300];
	snprintf(home, sizeof(home), "/tmp/reconciler-test-home-XXXXXX");
	if (!mkdtemp(home))
		return 1;
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_json),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_append_fails_cleanly),
		cmocka_unit_test(test_notes_append),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	rmdir(home);
	return rc;
}
