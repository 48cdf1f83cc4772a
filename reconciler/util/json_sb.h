/*
 * JSON documents into a string buffer, as every machine format of the
 * tool writes them: indented by two, keys in the order they were set.
 */
#ifndef RECONCILER_UTIL_JSON_SB_H
#define RECONCILER_UTIL_JSON_SB_H

#include <jansson.h>

#include "util/strbuf.h"

/* Appends o to out (no newline after it). 0, or -1 when jansson cannot
 * encode o (out may then hold part of it). */
int json_dump_sb(const json_t *o, struct strbuf *out);

#endif
