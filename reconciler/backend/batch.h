/*
 * Batch item results (backend.h: struct batch_item_result), set the same
 * way by every backend, so that apply reads one story whichever answered.
 */
#ifndef RECONCILER_BACKEND_BATCH_H
#define RECONCILER_BACKEND_BATCH_H

#include <stdbool.h>

#include "backend/backend.h"

/* Sets r's outcome: ok, the status as the API would report it (201/204
 * ok, 4xx/5xx failed) and why it failed (printf; "" when ok), cut to fit.
 * segment_id is left as it is. */
__attribute__((format(printf, 4, 5))) void batch_item_set(struct batch_item_result *r, bool ok, int status,
							  const char *fmt, ...);

#endif
