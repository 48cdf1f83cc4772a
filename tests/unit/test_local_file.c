/*
 * The local backend's file: malformed sandboxes of every kind give one
 * diagnostic naming the file and never crash; the lock is exclusive across
 * processes and times out cleanly; flush leaves no temporary file; odd
 * connections are reported and skipped; backend specs are parsed; pinned
 * ids are honoured; and a large sandbox observes correctly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "local_test.h"

/* ---- malformed files ----------------------------------------------------- */

#define FX_EMPTY_TAIL                                                                                        \
	" \"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [],\n"           \
	" \"segments\": [], \"deliveries\": []}\n"

struct bad_case {
	const char *text;
	const char *says; /* a fragment the message must contain */
};

static const struct bad_case BAD[] = {
	{ "{\"format_version\": 1, ", "not valid JSON" },
	{ "", "not valid JSON" },
	{ "[1, 2]", "not a JSON object" },
	{ "{\"a\": 1, \"a\": 2}", "not valid JSON" }, /* duplicate key */
	{ "{\"format_version\": 1}", "\"next_id\" is missing" },
	{ "{\"format_version\": 1, \"next_id\": 1, \"destinations\": []}", "\"integrations\" is missing" },
	{ "{\"format_version\": 2, \"next_id\": 1, \"destinations\": [], \"integrations\": []," FX_EMPTY_TAIL,
	  "format 2 is not supported" },
	{ "{\"format_version\": 1, \"next_id\": \"7\", \"destinations\": [], \"integrations\": "
	  "[]," FX_EMPTY_TAIL,
	  "next_id: expected an integer, found a string" },
	{ "{\"format_version\": 1, \"next_id\": 0, \"destinations\": [], \"integrations\": []," FX_EMPTY_TAIL,
	  "next_id: expected a positive integer" },
	{ "{\"format_version\": 1, \"next_id\": 1, \"destinations\": {}, \"integrations\": []," FX_EMPTY_TAIL,
	  "destinations: expected an array, found an object" },
	{ "{\"format_version\": 1, \"next_id\": 1, \"destinations\": [7], \"integrations\": "
	  "[]," FX_EMPTY_TAIL,
	  "destinations[0]: expected an object, found an integer" },
	{ FX_HEAD " \"integrationConnections\": [{\"id\": \"3\", \"integrationID\": [\"1001\"], "
		  "\"deviceTypes\": [], \"properties\": []}], \"distributionManagers\": [], "
		  "\"segmentConfigs\": [], \"segments\": [], \"deliveries\": []}",
	  "integrationConnections[0].integrationID: expected [destinationId, integrationId], found 1 items" },
	{ FX_HEAD " \"integrationConnections\": [{\"id\": \"3\", \"integrationID\": [\"1001\", \"2001\"], "
		  "\"deviceTypes\": [\"WEB\", 4], \"properties\": []}], \"distributionManagers\": [], "
		  "\"segmentConfigs\": [], \"segments\": [], \"deliveries\": []}",
	  "integrationConnections[0].deviceTypes[1]: expected a string, found an integer" },
	{ FX_HEAD
	  " \"integrationConnections\": [{\"id\": \"3\", \"integrationID\": [\"1001\", \"2001\"], "
	  "\"deviceTypes\": [\"WEB\"], \"properties\": [{\"propertyKey\": \"client_name\"}]}], "
	  "\"distributionManagers\": [], \"segmentConfigs\": [], \"segments\": [], \"deliveries\": []}",
	  "properties[0]: \"propertyValue\" is missing" },
	{ FX_HEAD " \"integrationConnections\": [{\"id\": \"3\", \"integrationID\": [\"1001\", \"2001\"], "
		  "\"deviceTypes\": [], \"properties\": []}], \"distributionManagers\": [{\"id\": \"4\", "
		  "\"name\": \"A\", \"integrationConnectionID\": \"3\", \"status\": \"PAUSED\"}], "
		  "\"segmentConfigs\": [], \"segments\": [], \"deliveries\": []}",
	  "\"PAUSED\" is not one of ACTIVE, INACTIVE" },
	{ FX_HEAD
	  " \"integrationConnections\": [{\"id\": \"3\", \"integrationID\": [\"1001\", \"2001\"], "
	  "\"deviceTypes\": [], \"properties\": []}], \"distributionManagers\": [{\"id\": \"4\", "
	  "\"name\": \"A\", \"integrationConnectionID\": \"3\", \"status\": \"ACTIVE\", \"expireAt\": "
	  "\"soon\"}], \"segmentConfigs\": [], \"segments\": [], \"deliveries\": []}",
	  "\"soon\" is not a date" },
	{ FX_HEAD " \"integrationConnections\": [], \"distributionManagers\": [{\"id\": \"4\", "
		  "\"name\": \"A\", \"integrationConnectionID\": \"3\", \"status\": \"ACTIVE\"}], "
		  "\"segmentConfigs\": [], \"segments\": [], \"deliveries\": []}",
	  "integrationConnectionID \"3\" names no integration connection" },
	{ FX_HEAD " \"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": "
		  "[{\"id\": \"5\", \"distributionManagerID\": \"4\", \"segmentID\": \"1\", \"segmentType\": "
		  "\"ONBOARDING\"}], \"segments\": [], \"deliveries\": []}",
	  "distributionManagerID \"4\" names no distribution manager" },
	{ FX_HEAD " \"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "
		  "\"segments\": [{\"id\": \"1\", \"type\": \"ONBOARDING\"}, {\"id\": \"1\", \"type\": "
		  "\"ONBOARDING\"}], \"deliveries\": []}",
	  "the id \"1\" is used twice" },
	{ FX_HEAD
	  " \"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "
	  "\"segments\": [{\"id\": \"1\", \"name\": 5, \"type\": \"ONBOARDING\"}], \"deliveries\": []}",
	  "segments[0].name: expected a string or null, found an integer" },
	{ FX_HEAD " \"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [], "
		  "\"segments\": [], \"deliveries\": null}",
	  "deliveries: expected an array, found null" },
};

static void test_malformed_files_give_a_diagnostic(void **state)
{
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		fx_write(f->path, BAD[i].text);
		struct diags d = DIAGS_INIT;
		struct state *s = (struct state *)&d; /* must be reset to NULL */
		int rc = f->b->ops->observe(f->b, &s, &d);
		if (rc != -1 || d.errors != 1 || !fx_find_message(&d, BAD[i].says) ||
		    !fx_find_message(&d, f->path))
			fail_msg("case %zu: rc %d, %zu errors, message: %s", i, rc, d.errors,
				 d.n ? d.v[0].message : "(none)");
		assert_null(s);
		assert_string_equal(d.v[0].rule, "backend");
		assert_non_null(d.v[0].hint);
		/* lock reads the file too: it fails, and does not keep the lock. */
		assert_int_equal(f->b->ops->lock(f->b, 100, &d), -1);
		diags_free(&d);
	}
	fx_write(f->path, FX_CATALOG_DOC);
	fx_lock(f);
	f->b->ops->unlock(f->b);
}

static void test_unreadable_file(void **state)
{
	struct fx *f = *state;
	mkdir(f->sub, 0755);
	mkdir(f->path, 0755); /* a directory where the file should be */
	struct state *s = NULL;
	assert_int_equal(f->b->ops->observe(f->b, &s, &f->d), -1);
	assert_null(s);
	assert_int_equal(f->d.errors, 1);
	assert_non_null(fx_find_message(&f->d, f->path));
}

/* ---- odd connections ----------------------------------------------------- */

static void test_connections_without_exactly_one_manager_are_skipped(void **state)
{
	struct fx *f = *state;
	fx_write(
	    f->path, FX_HEAD
	    " \"integrationConnections\": [\n"
	    "  {\"id\": \"3\", \"integrationID\": [\"1001\", \"2001\"], \"deviceTypes\": [\"WEB\", \"PII\"],"
	    "   \"properties\": [{\"propertyKey\": \"client_name\", \"propertyValue\": \"Acme\"}]},\n"
	    "  {\"id\": \"6\", \"integrationID\": [\"1001\", \"2001\"], \"deviceTypes\": [], \"properties\": "
	    "[]},\n"
	    "  {\"id\": \"7\", \"integrationID\": [\"1001\", \"2001\"], \"deviceTypes\": [], \"properties\": "
	    "[]},\n"
	    "  {\"id\": \"8\", \"integrationID\": [\"1001\", \"9999\"], \"deviceTypes\": [], \"properties\": "
	    "[]}],\n"
	    " \"distributionManagers\": [\n"
	    "  {\"id\": \"4\", \"name\": \"Acme\", \"integrationConnectionID\": \"3\", \"status\": "
	    "\"ACTIVE\","
	    "   \"expireAt\": \"2027-01-01T00:00:00Z\"},\n"
	    "  {\"id\": \"9\", \"name\": \"Twin 1\", \"integrationConnectionID\": \"7\", \"status\": "
	    "\"ACTIVE\"},\n"
	    "  {\"id\": \"10\", \"name\": \"Twin 2\", \"integrationConnectionID\": \"7\", \"status\": "
	    "\"ACTIVE\"},\n"
	    "  {\"id\": \"11\", \"name\": \"Other\", \"integrationConnectionID\": \"8\", \"status\": "
	    "\"ACTIVE\"}],\n"
	    " \"segmentConfigs\": [], \"segments\": [], \"deliveries\": []}\n");
	struct state *s = fx_observe(f);
	assert_int_equal(s->n_accounts, 1); /* "Other" is another integration's */
	const struct account *a = s->accounts[0];
	assert_string_equal(a->name.v, "Acme");
	assert_string_equal(a->client_name.v, "Acme");
	assert_string_equal(a->expire_at.v, "2027-01-01");
	assert_int_equal(a->n_identifiers, 1); /* PII maps to nothing: warned */
	state_free(s);
	assert_int_equal(f->d.errors, 0);
	assert_int_equal(f->d.warnings, 3);
	assert_non_null(fx_find_message(&f->d, "integration connection 6 has no distribution manager"));
	assert_non_null(fx_find_message(&f->d, "integration connection 7 has 2 distribution managers"));
	assert_non_null(fx_find_message(&f->d, "PII"));
	/* Deleting one of two managers of a connection is refused. */
	struct account_ref ref = { .connection_id = "7", .manager_id = "9", .name = "Twin 1" };
	fx_lock(f);
	assert_int_equal(f->b->ops->delete_account(f->b, &ref, &f->d), -1);
	assert_non_null(fx_find_message(&f->d, "409"));
}

/* ---- the lock across processes ------------------------------------------- */

/* The child takes the lock through its own backend, says so on the pipe,
 * holds it for about a second, and exits. */
static void hold_lock_in_child(const char *path, int ready_fd)
{
	char spec[200];
	snprintf(spec, sizeof(spec), "local:%s", path);
	struct backend_options opt = { .profile = &fx_profile, .settings = NULL };
	struct diags d = DIAGS_INIT;
	struct backend *b;
	int rc = backend_open(&b, spec, &opt, &d) == 0 && b->ops->lock(b, 1000, &d) == 0 ? 0 : 1;
	if (write(ready_fd, rc ? "n" : "y", 1) != 1)
		rc = 1;
	close(ready_fd);
	struct timespec ts = { .tv_sec = 1, .tv_nsec = 0 };
	nanosleep(&ts, NULL);
	if (rc == 0)
		backend_close(b); /* unlocks */
	diags_free(&d);
	_exit(rc);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1000.0 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void test_lock_contention_times_out_cleanly(void **state)
{
	struct fx *f = *state;
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pipefd[0]);
		hold_lock_in_child(f->path, pipefd[1]);
	}
	close(pipefd[1]);
	char c = 0;
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	assert_int_equal(c, 'y');

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(f->b->ops->lock(f->b, 200, &f->d), -1);
	double waited = ms_since(&t0);
	assert_true(waited >= 190.0);
	assert_true(waited < 900.0);
	assert_int_equal(f->d.errors, 1);
	const struct diag *g = fx_find_message(&f->d, "another apply is running on");
	assert_non_null(g);
	assert_non_null(strstr(g->message, f->path));
	assert_non_null(strstr(g->message, "(waited 0.2 s)"));

	/* Once the child lets go, the lock is ours. */
	assert_int_equal(f->b->ops->lock(f->b, 5000, &f->d), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	f->b->ops->unlock(f->b);
}

/* ---- durable writes ------------------------------------------------------ */

static void test_flush_leaves_no_temporary_file(void **state)
{
	struct fx *f = *state;
	struct account_ref ref;
	for (int round = 0; round < 2; round++) {
		fx_lock(f);
		char name[16];
		snprintf(name, sizeof(name), "A%d", round);
		assert_int_equal(f->b->ops->create_account(f->b, fx_simple(f, name), &ref, &f->d), 0);
		fx_flush_unlock(f);
	}
	DIR *dir = opendir(f->sub);
	assert_non_null(dir);
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		if (strcmp(e->d_name, "sandbox.json") != 0 && strcmp(e->d_name, "sandbox.json.lock") != 0)
			fail_msg("unexpected file left behind: %s", e->d_name);
	}
	closedir(dir);
	assert_int_equal(n, 2);
	/* Pretty-printed, one key per line, ends with a newline. */
	FILE *in = fopen(f->path, "r");
	char line[256];
	assert_non_null(fgets(line, sizeof(line), in));
	assert_string_equal(line, "{\n");
	assert_non_null(fgets(line, sizeof(line), in));
	assert_string_equal(line, "  \"format_version\": 1,\n");
	fclose(in);
	struct state *s = fx_observe(f);
	assert_int_equal(s->n_accounts, 2);
	state_free(s);
}

/* A write that cannot complete leaves the previous sandbox as it was (a
 * directory in the way of the temporary file makes it fail, even as root). */
static void test_failed_flush_keeps_the_old_file(void **state)
{
	struct fx *f = *state;
	struct account_ref ref;
	fx_lock(f);
	assert_int_equal(f->b->ops->create_account(f->b, fx_simple(f, "First"), &ref, &f->d), 0);
	fx_flush_unlock(f);
	/* A file-size limit stands in for a full disk: the write fails with
	 * EFBIG (SIGXFSZ ignored) as it would with ENOSPC. */
	struct rlimit old, tiny = { .rlim_cur = 16, .rlim_max = RLIM_INFINITY };
	getrlimit(RLIMIT_FSIZE, &old);
	tiny.rlim_max = old.rlim_max;
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	fx_lock(f);
	assert_int_equal(f->b->ops->create_account(f->b, fx_simple(f, "Second"), &ref, &f->d), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
	assert_int_equal(f->b->ops->flush(f->b, &f->d), -1);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, was);
	assert_int_equal(f->d.errors, 1);
	char says[300];
	snprintf(says, sizeof(says), "cannot write the sandbox %s: %s", f->path, strerror(EFBIG));
	assert_non_null(fx_find_message(&f->d, says));
	f->b->ops->unlock(f->b);
	struct state *s = fx_observe(f);
	assert_int_equal(s->n_accounts, 1);
	assert_string_equal(s->accounts[0]->name.v, "First");
	state_free(s);
}

/* ---- specs and settings ----------------------------------------------------- */

static void test_backend_specs(void **state)
{
	(void)state;
	struct backend_options opt = { .profile = &fx_profile, .settings = NULL };
	struct diags d = DIAGS_INIT;
	struct backend *b = (struct backend *)&d;
	assert_int_equal(backend_open(&b, "s3", &opt, &d), -1);
	assert_null(b);
	assert_non_null(fx_find_message(&d, "unknown backend \"s3\""));
	assert_non_null(strstr(d.v[0].hint, "local:PATH"));
	assert_int_equal(backend_open(&b, "local:", &opt, &d), -1);
	assert_int_equal(d.errors, 2);
	for (size_t i = 0; i < d.n; i++)
		assert_string_equal(d.v[i].rule, "backend");
	assert_int_equal(backend_open(&b, "local", &opt, &d), 0);
	assert_string_equal(b->spec, "local:.reconciler/sandbox.json");
	assert_string_equal(b->ops->name, "local");
	backend_close(b);
	assert_int_equal(backend_open(&b, "local:x/y.json", &opt, &d), 0);
	assert_string_equal(b->spec, "local:x/y.json");
	backend_close(b);
	backend_close(NULL);
	diags_free(&d);
}

static void test_pinned_ids_are_used_when_seeding(void **state)
{
	struct fx *f = *state;
	backend_close(f->b);
	struct settings settings = { 0 };
	settings.destination_id.v = "D9";
	settings.integration_id.v = "I9";
	char spec[200];
	snprintf(spec, sizeof(spec), "local:%s", f->path);
	struct backend_options opt = { .profile = &fx_profile, .settings = &settings };
	assert_int_equal(backend_open(&f->b, spec, &opt, &f->d), 0);
	struct account_ref ref;
	fx_lock(f);
	assert_int_equal(f->b->ops->create_account(f->b, fx_simple(f, "A"), &ref, &f->d), 0);
	fx_flush_unlock(f);
	json_t *root = fx_read_json(f->path);
	json_t *ic = json_array_get(json_object_get(root, "integrationConnections"), 0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(ic, "integrationID"), 0)), "D9");
	assert_string_equal(json_string_value(json_array_get(json_object_get(ic, "integrationID"), 1)), "I9");
	json_decref(root);
	struct state *s = fx_observe(f);
	assert_int_equal(s->n_accounts, 1);
	state_free(s);
}

/* ---- scale ----------------------------------------------------------------- */

static void test_many_accounts_and_segments(void **state)
{
	struct fx *f = *state;
	enum { ACCOUNTS = 120, SEGMENTS = 40 };
	struct segment segs[SEGMENTS];
	struct batch_item_result r[SEGMENTS];
	char ids[SEGMENTS][16];
	for (int i = 0; i < SEGMENTS; i++) {
		snprintf(ids[i], sizeof(ids[i]), "%d", 1000 + i);
		segs[i] = (struct segment){ .id = ids[i] };
	}
	fx_lock(f);
	for (int i = 0; i < ACCOUNTS; i++) {
		char name[32];
		struct account_ref ref;
		snprintf(name, sizeof(name), "Account %03d", i);
		assert_int_equal(f->b->ops->create_account(f->b, fx_simple(f, name), &ref, &f->d), 0);
		assert_int_equal(f->b->ops->add_segments(f->b, &ref, segs, SEGMENTS, r, &f->d), 0);
		assert_int_equal(r[SEGMENTS - 1].http_status, 201);
	}
	fx_flush_unlock(f);
	struct state *s = fx_observe(f);
	assert_int_equal(s->n_accounts, ACCOUNTS);
	for (int i = 0; i < ACCOUNTS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "Account %03d", i);
		assert_string_equal(s->accounts[i]->name.v, name); /* canonical order */
		assert_int_equal(s->accounts[i]->n_segments, SEGMENTS);
		assert_string_equal(s->accounts[i]->segments[0].id, "1000");
	}
	state_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(test_malformed_files_give_a_diagnostic),
		FX_TEST(test_unreadable_file),
		FX_TEST(test_connections_without_exactly_one_manager_are_skipped),
		FX_TEST(test_lock_contention_times_out_cleanly),
		FX_TEST(test_flush_leaves_no_temporary_file),
		FX_TEST(test_failed_flush_keeps_the_old_file),
		FX_TEST(test_backend_specs),
		FX_TEST(test_pinned_ids_are_used_when_seeding),
		FX_TEST(test_many_accounts_and_segments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
