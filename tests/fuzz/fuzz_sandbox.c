/* The sandbox document check that guards every read of the local backend's
 * file (and the emulator's state). */
#include "fuzz.h"

#include <jansson.h>

#include "sandbox/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	if (root) {
		struct diags d = DIAGS_INIT;
		local_schema_check(root, "fuzz.json", &d);
		diags_free(&d);
		json_decref(root);
	}
	return 0;
}
