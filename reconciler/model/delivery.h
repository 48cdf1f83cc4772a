/*
 * Deliveries: what LiveRamp reports about sending a segment to a
 * destination account (the API's v2/Deliveries; the sandbox's
 * "deliveries"). `status` reads them to tell whether a segment reached the
 * destination and whether it is still within the destination's TTL there.
 *
 * Values only: no I/O. A delivery_list owns its items and every string
 * they point to (in its arena); delivery_list_free() releases them all.
 */
#ifndef RECONCILER_MODEL_DELIVERY_H
#define RECONCILER_MODEL_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

enum delivery_status {
	DELIVERY_UNKNOWN = 0,
	DELIVERY_FAILED,
	DELIVERY_CANCELLED,
	DELIVERY_PENDING,
	DELIVERY_IN_PROGRESS,
	DELIVERY_DELIVERED,
};

struct delivery {
	const char *id;
	enum delivery_status status;
	const char *device_type;   /* "WEB", or NULL */
	long long record_count;	   /* -1: not reported */
	const char *updated_at;	   /* as reported: "2026-11-28T12:00:00Z" */
	long long updated;	   /* updated_at as seconds since the epoch */
	bool updated_known;	   /* updated_at could be read */
	const char *segment_id;	   /* NULL when not reported */
	const char *connection_id; /* IntegrationConnection */
	bool remove;		   /* operationType DELETE (else ADD) */
};

struct delivery_list {
	struct arena arena;
	struct delivery *v;
	size_t n;
	size_t cap;
};

/* clang-format would spread the initializer over four lines */
/* clang-format off */
#define DELIVERY_LIST_INIT { 0 }
/* clang-format on */

/* Which deliveries to read: those of one connection, for every segment or
 * only the ones named. */
struct delivery_query {
	const char *connection_id;
	const char *const *segment_ids; /* NULL: every segment */
	size_t n_segment_ids;
};

/* Appends a zeroed delivery (record_count -1); valid until the next add. */
struct delivery *delivery_list_add(struct delivery_list *l);
/* Sets d->updated_at (copied) and d->updated from an API timestamp. */
void delivery_set_updated(struct delivery_list *l, struct delivery *d, const char *updated_at);
void delivery_list_free(struct delivery_list *l);

const char *delivery_status_name(enum delivery_status s); /* "DELIVERED" */
bool delivery_status_from_api(const char *s, enum delivery_status *out);

#endif
