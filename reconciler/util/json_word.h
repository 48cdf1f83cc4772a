/*
 * What a JSON value is, in words for messages ("found an array"): one
 * list for the sandbox's checks and the API decoders.
 */
#ifndef RECONCILER_UTIL_JSON_WORD_H
#define RECONCILER_UTIL_JSON_WORD_H

#include <stdbool.h>

#include <jansson.h>

/* "an object", "an array", "a string", "an integer", "a number",
 * "a boolean", "null". numbers_alike: an integer is "a number" too (for a
 * contract that knows only numbers). A static string. */
const char *json_type_word(const json_t *v, bool numbers_alike);

#endif
