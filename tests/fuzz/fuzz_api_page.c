/* Activation API list pages and single resources, for every resource kind. */
#include "fuzz.h"

#include "liveramp/decode.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int k = 0; k < API_KIND_COUNT; k++) {
		struct arena a = ARENA_INIT;
		struct diags d = DIAGS_INIT;
		struct api_page page;
		api_decode_page(&page, (enum api_kind)k, (const char *)data, size, &a, "fuzz", &d);
		unsigned char item[512] __attribute__((aligned(16)));
		if (api_kind_size((enum api_kind)k) <= sizeof(item))
			api_decode_object(item, (enum api_kind)k, (const char *)data, size, &a, "fuzz", &d);
		diags_free(&d);
		arena_free(&a);
	}
	return 0;
}
