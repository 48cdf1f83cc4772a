/*
 * Fixtures for the local backend's tests (test_local.c, test_local_file.c):
 * a temporary directory whose sandbox does not exist yet, a backend opened
 * on it with a Kargo-like profile built by hand (so the tests do not depend
 * on the profile loader), and small builders for accounts.
 *
 * Header-only (static inline) so that it is compiled into those two tests
 * only, not into every unit test binary.
 */
#ifndef RECONCILER_TESTS_LOCAL_TEST_H
#define RECONCILER_TESTS_LOCAL_TEST_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "backend/backend.h"
#include "util/strbuf.h"

#include "fixture.h"

static const char *fx_dt_web[] = { "WEB" };
static const char *fx_dt_mobile[] = { "IOS", "ANDROID" };
static const char *fx_dt_ramp[] = { "RAMP_ID" };
static const char *fx_dt_custom[] = { "CUSTOM_ID" };
static const char *fx_dt_other[] = { "OTHER" };

static struct profile_identifier fx_identifiers[] = {
	{ "cookies", "cookies", true, fx_dt_web, 1, NULL },
	{ "mobile_device_ids", "mobile device IDs", false, fx_dt_mobile, 2, NULL },
	{ "ramp_ids", "RampIDs", true, fx_dt_ramp, 1, NULL },
	{ "ctv_ids", "CTV IDs", true, fx_dt_custom, 1, NULL },
	{ "platform_ids", "platform IDs", false, fx_dt_other, 1, NULL },
};

static struct profile fx_profile = {
	.id = "kargo",
	.destination_name = "Kargo",
	.integration_name = "Kargo First-Party Data",
	.identifiers = fx_identifiers,
	.n_identifiers = sizeof(fx_identifiers) / sizeof(fx_identifiers[0]),
	.client_name_property_hint = "client",
	.account_name_max = 50,
	.account_name_max_connect = 149,
};

#define FX_NOW "2026-01-10T12:00:00Z"

struct fx {
	char dir[64];	/* the temporary directory */
	char sub[128];	/* dir/box: missing until the first write */
	char path[160]; /* dir/box/sandbox.json */
	struct backend *b;
	struct diags d;
	struct state *scratch; /* owns the accounts built by fx_account() */
};

static inline int fx_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	setenv("RECONCILER_NOW", FX_NOW, 1);
	strcpy(f->dir, "/tmp/test_local.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->sub, sizeof(f->sub), "%s/box", f->dir);
	snprintf(f->path, sizeof(f->path), "%s/sandbox.json", f->sub);
	f->d = (struct diags)DIAGS_INIT;
	f->scratch = state_new();
	char spec[200];
	snprintf(spec, sizeof(spec), "local:%s", f->path);
	struct backend_options opt = { .profile = &fx_profile, .settings = NULL };
	if (backend_open(&f->b, spec, &opt, &f->d) != 0)
		return -1;
	*state = f;
	return 0;
}

static inline int fx_teardown(void **state)
{
	struct fx *f = *state;
	backend_close(f->b);
	diags_free(&f->d);
	state_free(f->scratch);
	nftw(f->dir, fx_rm, 16, FTW_DEPTH | FTW_PHYS);
	unsetenv("RECONCILER_NOW");
	free(f);
	return 0;
}

#define FX_TEST(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)

static inline struct account *fx_account(struct fx *f, const char *name, const char *client, const char **ids,
					 size_t n_ids, enum account_status status, const char *expire)
{
	struct state *s = f->scratch;
	struct account *a = fixture_account(s, name, client, NULL);
	fixture_identifiers(s, a, ids, n_ids);
	a->status = status;
	a->expire_at = fixture_sv(s, expire);
	return a;
}

static inline struct account *fx_simple(struct fx *f, const char *name)
{
	const char *ids[] = { "cookies" };
	return fx_account(f, name, "Client", ids, 1, STATUS_ACTIVE, NULL);
}

static inline bool fx_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static inline void fx_lock(struct fx *f)
{
	assert_int_equal(f->b->ops->lock(f->b, 1000, &f->d), 0);
}

static inline void fx_flush_unlock(struct fx *f)
{
	assert_int_equal(f->b->ops->flush(f->b, &f->d), 0);
	f->b->ops->unlock(f->b);
}

static inline struct state *fx_observe(struct fx *f)
{
	struct state *s = NULL;
	assert_int_equal(f->b->ops->observe(f->b, &s, &f->d), 0);
	assert_non_null(s);
	return s;
}

static inline json_t *fx_read_json(const char *path)
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	assert_non_null(root);
	return root;
}

static inline const char *fx_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	assert_non_null(s);
	return s;
}

/* Writes text as the sandbox, creating its directory. */
static inline void fx_write(const char *path, const char *text)
{
	char dir[160];
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0755);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
}

static inline const struct diag *fx_find_message(const struct diags *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->v[i].message, needle))
			return &d->v[i];
	return NULL;
}

/* A sandbox written by someone else: a catalog of three segments, fields
 * the backend does not read (a delivery, a logo), ids far from 1. */
#define FX_HEAD                                                                                              \
	"{\"format_version\": 1, \"next_id\": 50,\n"                                                         \
	" \"destinations\": [{\"id\": \"1001\", \"name\": \"Kargo\", \"logoUrl\": \"x.png\"}],\n"            \
	" \"integrations\": [{\"id\": \"2001\", \"destinationID\": \"1001\", \"name\": \"Kargo "             \
	"First-Party Data\", \"description\": \"\", \"type\": \"ONBOARDING\", \"deviceTypes\": "             \
	"[\"WEB\"], \"requiredProperties\": [{\"name\": \"client_name\", \"description\": \"Client "         \
	"Name (your company name)\"}]}],\n"

#define FX_CATALOG_DOC                                                                                       \
	FX_HEAD                                                                                              \
	" \"integrationConnections\": [], \"distributionManagers\": [], \"segmentConfigs\": [],\n"           \
	" \"segments\": [\n"                                                                                 \
	"  {\"id\": \"100\", \"name\": \"Auto intenders\", \"field\": {\"id\": \"\", \"name\": \"\", "       \
	"\"audienceId\": \"\"}, \"value\": \"\", \"type\": \"ONBOARDING\"},\n"                               \
	"  {\"id\": \"200\", \"field\": {\"id\": \"f\", \"name\": \"age\", \"audienceId\": \"a\"}, "         \
	"\"value\": \"30\", \"type\": \"DATA_MARKETPLACE\"},\n"                                              \
	"  {\"id\": \"300\", \"name\": null, \"field\": {\"id\": \"\", \"name\": \"\", \"audienceId\": "     \
	"\"\"}, \"value\": \"\", \"type\": \"ONBOARDING\"}],\n"                                              \
	" \"deliveries\": [{\"id\": \"d1\", \"status\": \"DELIVERED\"}]}\n"

#endif
