/* The streaming observe of the sandbox against the tree one, on any input:
 * when the stream reader accepts a file, the tree path must accept it too
 * and give the same state, warnings and deliveries (anything else aborts,
 * which the fuzzer reports). The tree path reads a file, so each input is written to
 * one temporary file first. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/state_same.h"
#include "sandbox/deliveries.h"
#include "sandbox/doc.h"
#include "sandbox/deliveries_stream.h"
#include "sandbox/observe_stream.h"

static const char *dt_web[] = { "WEB" };
static const char *dt_mobile[] = { "IOS", "ANDROID" };
static const char *dt_ramp[] = { "RAMP_ID" };
static struct profile_identifier identifiers[] = {
	{ "cookies", "cookies", true, dt_web, 1, NULL },
	{ "mobile_device_ids", "mobile device IDs", false, dt_mobile, 2, NULL },
	{ "ramp_ids", "RampIDs", true, dt_ramp, 1, NULL },
};
static struct profile profile = {
	.id = "kargo",
	.destination_name = "Kargo",
	.integration_name = "Kargo First-Party Data",
	.identifiers = identifiers,
	.n_identifiers = sizeof(identifiers) / sizeof(identifiers[0]),
	.client_name_property_hint = "client",
};

static char tmp_path[64];

static void remove_tmp(void)
{
	unlink(tmp_path);
}

static const char *write_tmp(const uint8_t *data, size_t size)
{
	if (!tmp_path[0]) {
		const char *dir = getenv("TMPDIR");
		snprintf(tmp_path, sizeof(tmp_path), "%s/fuzz_sandbox_stream.XXXXXX",
			 dir && strlen(dir) < 32 ? dir : "/tmp");
		int fd = mkstemp(tmp_path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_tmp);
	}
	FILE *f = fopen(tmp_path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		abort();
	return tmp_path;
}

/* Every delivery, as the tree gives them and as the stream does. */
static void same_deliveries(const struct sandbox *sb, const char *path)
{
	struct delivery_query q = { NULL, NULL, 0 };
	struct delivery_list a = DELIVERY_LIST_INIT, b = DELIVERY_LIST_INIT;
	struct sandbox_deliveries *all = NULL;
	if (sandbox_deliveries_stream(&all, path) != 0)
		abort();
	sandbox_deliveries_read(sb->root, &q, &a);
	sandbox_deliveries_query(all, &q, &b);
	if (a.n != b.n)
		abort();
	for (size_t i = 0; i < a.n; i++) {
		const struct delivery *x = &a.v[i], *y = &b.v[i];
		if (ss_str_differ(x->id, y->id) || x->status != y->status ||
		    ss_str_differ(x->device_type, y->device_type) || x->record_count != y->record_count ||
		    ss_str_differ(x->updated_at, y->updated_at) ||
		    ss_str_differ(x->segment_id, y->segment_id) ||
		    ss_str_differ(x->connection_id, y->connection_id) || x->remove != y->remove)
			abort();
	}
	delivery_list_free(&a);
	delivery_list_free(&b);
	sandbox_deliveries_free(all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Both paths settle deliveries by the clock: one fixed moment. */
	setenv("RECONCILER_NOW", "2026-01-10T12:00:00Z", 0);
	struct sandbox_pins pins = { NULL, NULL };
	struct diags ds = DIAGS_INIT, dt = DIAGS_INIT;
	struct state *ss = NULL, *st = NULL;
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	int rc = sandbox_observe_buffer(buf, size, &profile, &pins, "local:fuzz", &ss, &ds);
	free(buf);
	if (rc == 0) {
		struct sandbox *sb = NULL;
		const char *path = write_tmp(data, size);
		if (sandbox_load(&sb, path, &dt) != 0)
			abort(); /* accepted what the tree path refuses */
		sandbox_observe(sb, &profile, &pins, "local:fuzz", &st, &dt);
		if (state_same(ss, st) || diags_same(&ds, &dt))
			abort();
		same_deliveries(sb, path);
		sandbox_free(sb);
	} else if (rc != SANDBOX_STREAM_DECLINED || ss || ds.n) {
		abort();
	}
	state_free(ss);
	state_free(st);
	diags_free(&ds);
	diags_free(&dt);
	return 0;
}
