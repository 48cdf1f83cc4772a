/* The streaming observe of the sandbox against the tree one, on any input:
 * when the stream reader accepts a file, the tree path must accept it too
 * and give the same state and warnings (anything else aborts, which the
 * fuzzer reports). The tree path reads a file, so each input is written to
 * one temporary file first. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/state_same.h"
#include "backend/local_doc.h"
#include "sandbox/observe_stream.h"

static const char *dt_web[] = {"WEB"};
static const char *dt_mobile[] = {"IOS", "ANDROID"};
static const char *dt_ramp[] = {"RAMP_ID"};
static struct profile_identifier identifiers[] = {
    {"cookies", "cookies", true, dt_web, 1, NULL},
    {"mobile_device_ids", "mobile device IDs", false, dt_mobile, 2, NULL},
    {"ramp_ids", "RampIDs", true, dt_ramp, 1, NULL},
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sandbox_pins pins = {NULL, NULL};
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
		if (sandbox_load(&sb, write_tmp(data, size), &dt) != 0)
			abort(); /* accepted what the tree path refuses */
		sandbox_observe(sb, &profile, &pins, "local:fuzz", &st, &dt);
		sandbox_free(sb);
		if (state_same(ss, st) || diags_same(&ds, &dt))
			abort();
	} else if (rc != SANDBOX_STREAM_DECLINED || ss || ds.n) {
		abort();
	}
	state_free(ss);
	state_free(st);
	diags_free(&ds);
	diags_free(&dt);
	return 0;
}
