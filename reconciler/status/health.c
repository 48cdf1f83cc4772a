/*
 * Delivery health (status/health.h): the rules in one place.
 */
#include "status/health.h"

#include <string.h>

/* b is later than a; equal times keep the one listed last (the backend
 * lists in creation order). */
static bool later(const struct delivery *a, const struct delivery *b)
{
	return !a || b->updated >= a->updated;
}

void health_of_segment(struct segment_health *out, const struct delivery *const *ds, size_t n, long long now,
		       const struct health_limits *lim)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		const struct delivery *d = ds[i];
		if (d->remove || !d->updated_known)
			continue;
		if (later(out->last, d))
			out->last = d;
		if (d->status == DELIVERY_DELIVERED && later(out->last_delivered, d))
			out->last_delivered = d;
		if (!out->added_known || d->updated < out->added) {
			out->added = d->updated;
			out->added_known = true;
		}
	}
	long long ttl = (long long)lim->ttl_days * SECONDS_PER_DAY;
	if (out->last_delivered) {
		out->age = now - out->last_delivered->updated;
		out->expires = out->last_delivered->updated + ttl;
	}
	if (out->added_known)
		out->due = out->added + (long long)lim->first_delivery_days * SECONDS_PER_DAY;

	if (out->last_delivered && out->age > ttl) {
		out->health = HEALTH_STALE;
	} else if (out->last && out->last->status == DELIVERY_FAILED) {
		out->health = HEALTH_FAILED;
		out->why = WHY_LAST_FAILED;
	} else if (out->last_delivered) {
		out->health = HEALTH_DELIVERED;
	} else if (!out->last) {
		out->health = HEALTH_UNKNOWN;
	} else if (now < out->due) {
		out->health = HEALTH_PENDING;
	} else {
		out->health = HEALTH_FAILED;
		out->why = WHY_NOT_DELIVERED_IN_TIME;
	}
}

const char *health_name(enum health h)
{
	switch (h) {
	case HEALTH_DELIVERED: return "delivered";
	case HEALTH_PENDING: return "pending";
	case HEALTH_STALE: return "stale";
	case HEALTH_FAILED: return "failed";
	default: return "unknown";
	}
}

enum share_health health_of_share(long shared_on, long today, unsigned share_days)
{
	return today - shared_on <= (long)share_days ? SHARE_PENDING : SHARE_OVERDUE;
}

const char *share_health_name(enum share_health h)
{
	return h == SHARE_OVERDUE ? "overdue" : "pending";
}
