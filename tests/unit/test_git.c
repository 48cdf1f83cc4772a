/*
 * The git tree reader (desired/git.h) on a repository made for the test with
 * the git command line: the work tree's file selection rules applied to a
 * tree (recursion, strcmp order, dot-entries, extensions, files named
 * explicitly, symbolic links), "REF:path" labels, refs that do not exist,
 * paths relative to a subdirectory, paths that leave the repository, and
 * the work tree's state against HEAD for provenance.
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

#include "desired/git.h"
#include "model/model.h"
#include "util/diag.h"

static char repo[256];
static char start_dir[4096];
static char main_commit[GITSRC_HEX];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		fprintf(stderr, "command failed: %s\n", cmd);
		abort();
	}
}

static void write_file(const char *rel, const char *text)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", repo, rel);
	sh("mkdir -p \"$(dirname '%s')\"", path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char *account_yaml(const char *name)
{
	static char buf[256];
	snprintf(buf, sizeof(buf),
		 "version: 1\naccounts:\n  - name: %s\n    client_name: Acme\n    identifiers: [cookies]\n",
		 name);
	return buf;
}

/* main: config/{a/x.yaml, a.yaml, b.yaml, c.yml, .hidden/h.yaml, notes.txt,
 * link.yaml -> a.yaml, empty/readme.md}, top.yaml. Git orders "a.yaml"
 * before the directory "a"; the loader's strcmp order puts "a" first. */
static int setup(void **st)
{
	(void)st;
	assert_non_null(getcwd(start_dir, sizeof(start_dir)));
	snprintf(repo, sizeof(repo), "/tmp/reconciler-test-git-XXXXXX");
	assert_non_null(mkdtemp(repo));
	sh("git -C %s init -q -b main && git -C %s config user.name Test && "
	   "git -C %s config user.email test@example.com",
	   repo, repo, repo);
	write_file("config/a/x.yaml", account_yaml("AX"));
	write_file("config/a.yaml", account_yaml("A"));
	write_file("config/b.yaml", account_yaml("B"));
	write_file("config/c.yml", account_yaml("C"));
	write_file("config/.hidden/h.yaml", account_yaml("Hidden"));
	write_file("config/notes.txt", account_yaml("Notes"));
	write_file("config/empty/readme.md", "nothing here\n");
	write_file("top.yaml", account_yaml("Top"));
	sh("cd %s && ln -s a.yaml config/link.yaml && git add -A && git commit -q -m one", repo);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "git -C %s rev-parse main", repo);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(main_commit, sizeof(main_commit), p));
	pclose(p);
	/* A broken file on another branch, and an uncommitted change that a
	 * read at main must not see. */
	sh("cd %s && git checkout -q -b broken && printf 'version: 1\\naccounts: [\\n' > config/bad.yaml && "
	   "git add -A && git commit -q -m broken && git checkout -q main",
	   repo);
	write_file("config/b.yaml", "not: [valid\n");
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	assert_int_equal(chdir(start_dir), 0);
	sh("rm -rf %s", repo);
	return 0;
}

static bool has_diag(const struct diags *d, const char *rule, const char *file)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].rule, rule) == 0 &&
		    (!file || (d->v[i].file && !strcmp(d->v[i].file, file))))
			return true;
	return false;
}

static void load(const char *ref, const char *const *paths, size_t n, struct state **s, int *rc,
		 struct diags *d, char commit[GITSRC_HEX])
{
	struct gitsrc *g;
	assert_int_equal(gitsrc_open(&g, repo, d), 0);
	*rc = desired_load_git(s, g, ref, paths, n, commit, d);
	gitsrc_close(g);
}

static void test_selection_and_order(void **st)
{
	(void)st;
	const char *paths[] = { "config" };
	struct diags d = DIAGS_INIT;
	struct state *s;
	char commit[GITSRC_HEX];
	int rc;
	load("main", paths, 1, &s, &rc, &d, commit);
	assert_int_equal(rc, 0);
	assert_string_equal(commit, main_commit);
	assert_int_equal(s->n_accounts, 4);
	assert_string_equal(s->accounts[0]->name.v, "AX");
	assert_string_equal(s->accounts[1]->name.v, "A");
	assert_string_equal(s->accounts[2]->name.v, "B");
	assert_string_equal(s->accounts[3]->name.v, "C");
	assert_string_equal(s->accounts[0]->pos.file, "main:config/a/x.yaml");
	assert_int_equal(s->accounts[0]->pos.line, 3);
	char want[128];
	snprintf(want, sizeof(want), "git main@%s: config", main_commit);
	assert_string_equal(s->source, want);
	/* the link (to a.yaml, inside) is followed, a.yaml read once; the
	 * hidden file and notes.txt are skipped silently */
	assert_false(has_diag(&d, "config.path", "main:config/link.yaml"));
	assert_int_equal(d.n, 0);
	state_free(s);
	diags_free(&d);
}

/* Links in a tree are followed as in the work tree: inside the repository
 * (a linked directory included), never outside it, and a loop ends. */
static void test_links_in_a_tree(void **st)
{
	(void)st;
	sh("cd %s && git checkout -q -b links && mkdir -p other && printf '%s' > other/o.yaml && "
	   "ln -s ../../../etc/passwd config/out.yaml && ln -s /etc/passwd config/abs.yaml && "
	   "ln -s ../other config/d && ln -s loop2.yaml config/loop1.yaml && ln -s loop1.yaml "
	   "config/loop2.yaml && "
	   "git add other config/out.yaml config/abs.yaml config/d config/loop1.yaml config/loop2.yaml && "
	   "git commit -q -m links && git checkout -q main",
	   repo, account_yaml("Other"));
	const char *paths[] = { "config" };
	struct diags d = DIAGS_INIT;
	struct state *s;
	char commit[GITSRC_HEX];
	int rc;
	load("links", paths, 1, &s, &rc, &d, commit);
	assert_int_equal(rc, -1);
	assert_true(has_diag(&d, "config.path", "links:config/out.yaml"));
	assert_true(has_diag(&d, "config.path", "links:config/abs.yaml"));
	assert_true(has_diag(&d, "config.path", "links:config/loop1.yaml"));
	for (size_t i = 0; i < d.n; i++)
		assert_null(strstr(d.v[i].message, "root:"));
	bool other = false;
	for (size_t i = 0; i < s->n_accounts; i++)
		if (strcmp(s->accounts[i]->name.v, "Other") == 0) {
			other = true;
			assert_string_equal(s->accounts[i]->pos.file, "links:other/o.yaml");
		}
	assert_true(other);
	state_free(s);
	diags_free(&d);
}

static void test_named_file_and_default_path(void **st)
{
	(void)st;
	const char *paths[] = { "config/notes.txt", "config/a.yaml", "config" };
	struct diags d = DIAGS_INIT;
	struct state *s;
	char commit[GITSRC_HEX];
	int rc;
	load("main", paths, 3, &s, &rc, &d, commit);
	assert_int_equal(rc, 0);
	/* notes.txt taken when named; a.yaml once, though reached twice */
	assert_int_equal(s->n_accounts, 5);
	assert_string_equal(s->accounts[0]->name.v, "Notes");
	assert_string_equal(s->accounts[1]->name.v, "A");
	assert_string_equal(s->accounts[2]->name.v, "AX");
	state_free(s);
	diags_free(&d);

	/* no path: the whole tree from the root (the current directory is not
	 * in this work tree) */
	d = (struct diags)DIAGS_INIT;
	load("main", NULL, 0, &s, &rc, &d, commit);
	assert_int_equal(rc, 0);
	assert_int_equal(s->n_accounts, 5);
	assert_string_equal(s->accounts[4]->name.v, "Top");
	state_free(s);
	diags_free(&d);
}

static void test_missing_path_and_empty_dir(void **st)
{
	(void)st;
	const char *paths[] = { "nope", "config/empty" };
	struct diags d = DIAGS_INIT;
	struct state *s;
	char commit[GITSRC_HEX];
	int rc;
	load("main", paths, 2, &s, &rc, &d, commit);
	assert_int_equal(rc, -1);
	assert_true(has_diag(&d, "config.path", "main:nope"));
	state_free(s);
	diags_free(&d);

	const char *empty[] = { "config/empty" };
	d = (struct diags)DIAGS_INIT;
	load("main", empty, 1, &s, &rc, &d, commit);
	assert_int_equal(rc, 0);
	assert_int_equal(d.warnings, 1);
	assert_true(has_diag(&d, "config.path", "main:config/empty"));
	state_free(s);
	diags_free(&d);
}

static void test_bad_ref(void **st)
{
	(void)st;
	struct diags d = DIAGS_INIT;
	struct state *s = (struct state *)1;
	char commit[GITSRC_HEX];
	int rc;
	load("no-such-branch", NULL, 0, &s, &rc, &d, commit);
	assert_int_equal(rc, -1);
	assert_null(s);
	assert_int_equal(d.errors, 1);
	assert_true(has_diag(&d, "git.ref", NULL));
	assert_string_equal(commit, "");
	diags_free(&d);
	/* a tree is not a commit */
	d = (struct diags)DIAGS_INIT;
	load("main^{tree}", NULL, 0, &s, &rc, &d, commit);
	assert_int_equal(rc, -1);
	assert_true(has_diag(&d, "git.ref", NULL));
	diags_free(&d);
}

static void test_errors_name_ref_and_path(void **st)
{
	(void)st;
	const char *paths[] = { "config" };
	struct diags d = DIAGS_INIT;
	struct state *s;
	char commit[GITSRC_HEX];
	int rc;
	load("broken", paths, 1, &s, &rc, &d, commit);
	assert_int_equal(rc, -1);
	assert_true(has_diag(&d, "yaml.syntax", "broken:config/bad.yaml"));
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].file && !strcmp(d.v[i].file, "broken:config/bad.yaml"))
			assert_true(d.v[i].line > 0);
	/* the other files still loaded */
	assert_int_equal(s->n_accounts, 4);
	state_free(s);
	diags_free(&d);
}

static void test_paths_from_a_subdirectory(void **st)
{
	(void)st;
	char sub[512];
	snprintf(sub, sizeof(sub), "%s/config/a", repo);
	assert_int_equal(chdir(sub), 0);
	struct gitsrc *g;
	struct diags d = DIAGS_INIT;
	assert_int_equal(gitsrc_open(&g, NULL, &d), 0);
	struct strbuf rel = STRBUF_INIT;
	assert_int_equal(gitsrc_repo_path(g, ".", &rel), 0);
	assert_string_equal(rel.buf, "config/a");
	assert_int_equal(gitsrc_repo_path(g, "../b.yaml", &rel), 0);
	assert_string_equal(rel.buf, "config/b.yaml");
	assert_int_equal(gitsrc_repo_path(g, "./../../top.yaml", &rel), 0);
	assert_string_equal(rel.buf, "top.yaml");
	assert_int_equal(gitsrc_repo_path(g, "../../..", &rel), -1);
	assert_int_equal(gitsrc_repo_path(g, "/etc/passwd", &rel), -1);
	char abs[600];
	snprintf(abs, sizeof(abs), "%s/config/c.yml", repo);
	assert_int_equal(gitsrc_repo_path(g, abs, &rel), 0);
	assert_string_equal(rel.buf, "config/c.yml");
	sb_release(&rel);

	const char *paths[] = { ".", "../../top.yaml" };
	struct state *s;
	char commit[GITSRC_HEX];
	assert_int_equal(desired_load_git(&s, g, "main", paths, 2, commit, &d), 0);
	assert_int_equal(s->n_accounts, 2);
	assert_string_equal(s->accounts[0]->name.v, "AX");
	assert_string_equal(s->accounts[1]->name.v, "Top");
	state_free(s);

	const char *outside[] = { "../../.." };
	assert_int_equal(desired_load_git(&s, g, "main", outside, 1, commit, &d), -1);
	assert_true(has_diag(&d, "config.path", "main:../../.."));
	state_free(s);
	gitsrc_close(g);
	diags_free(&d);
	assert_int_equal(chdir(start_dir), 0);
}

static void worktree(const char *const *paths, size_t n, bool *dirty, bool *inside)
{
	struct gitsrc *g;
	struct diags d = DIAGS_INIT;
	char head[GITSRC_HEX];
	assert_int_equal(chdir(repo), 0);
	assert_int_equal(gitsrc_open(&g, NULL, &d), 0);
	assert_int_equal(gitsrc_worktree_state(g, paths, n, head, dirty, inside, &d), 0);
	assert_string_equal(head, main_commit);
	gitsrc_close(g);
	diags_free(&d);
	assert_int_equal(chdir(start_dir), 0);
}

static void test_worktree_state(void **st)
{
	(void)st;
	const char *config[] = { "config" };
	const char *named[] = { "config/notes.txt" };
	const char *outside[] = { "/tmp" };
	bool dirty, inside;
	/* setup left config/b.yaml modified */
	worktree(config, 1, &dirty, &inside);
	assert_true(dirty);
	assert_true(inside);
	sh("git -C %s checkout -q -- config/b.yaml", repo);
	worktree(config, 1, &dirty, &inside);
	assert_false(dirty);
	worktree(NULL, 0, &dirty, &inside);
	assert_false(dirty);

	/* what the loader would not read does not count */
	write_file("config/.hidden/new.yaml", "x: 1\n");
	write_file("config/readme.txt", "x\n");
	write_file("other/new.yaml", "x: 1\n");
	worktree(config, 1, &dirty, &inside);
	assert_false(dirty);
	/* an untracked YAML file does; a file named explicitly, whatever it is */
	write_file("config/new.yaml", "x: 1\n");
	worktree(config, 1, &dirty, &inside);
	assert_true(dirty);
	sh("rm -f %s/config/new.yaml", repo);
	write_file("config/notes.txt", "changed\n");
	worktree(named, 1, &dirty, &inside);
	assert_true(dirty);
	sh("git -C %s checkout -q -- config/notes.txt", repo);
	/* a staged deletion */
	sh("git -C %s rm -q config/c.yml", repo);
	worktree(config, 1, &dirty, &inside);
	assert_true(dirty);
	sh("git -C %s reset -q && git -C %s checkout -q -- config/c.yml", repo, repo);
	worktree(config, 1, &dirty, &inside);
	assert_false(dirty);

	worktree(outside, 1, &dirty, &inside);
	assert_false(inside);
	sh("rm -rf %s/config/.hidden/new.yaml %s/config/readme.txt %s/other", repo, repo, repo);
}

static void test_not_a_repository(void **st)
{
	(void)st;
	struct gitsrc *g = (struct gitsrc *)1;
	struct diags d = DIAGS_INIT;
	assert_int_equal(gitsrc_open(&g, "/", &d), -1);
	assert_null(g);
	assert_true(has_diag(&d, "git.repo", NULL));
	diags_free(&d);
}

int main(void)
{
	/* The repository is the test's own, whatever the environment says. */
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selection_and_order),
		cmocka_unit_test(test_named_file_and_default_path),
		cmocka_unit_test(test_links_in_a_tree),
		cmocka_unit_test(test_missing_path_and_empty_dir),
		cmocka_unit_test(test_bad_ref),
		cmocka_unit_test(test_errors_name_ref_and_path),
		cmocka_unit_test(test_paths_from_a_subdirectory),
		cmocka_unit_test(test_worktree_state),
		cmocka_unit_test(test_not_a_repository),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
