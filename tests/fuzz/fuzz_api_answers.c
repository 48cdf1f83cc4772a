/* The other Activation API answers: token, 201 created, 207 multi-status,
 * StandardError. */
#include "fuzz.h"

#include "liveramp/decode.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct arena a = ARENA_INIT;
	struct diags d = DIAGS_INIT;
	struct api_token t;
	api_decode_token(&t, body, size, &a, "fuzz", &d);
	const char *id;
	api_decode_created(&id, body, size, &a, "fuzz", &d);
	struct api_item_status *items;
	size_t n;
	api_decode_multi_status(&items, &n, body, size, &a, "fuzz", &d);
	struct api_error e;
	api_decode_error(&e, body, size, &a);
	diags_free(&d);
	arena_free(&a);
	return 0;
}
