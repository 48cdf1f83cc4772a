/*
 * Delivery health: whether a distributed segment reached the destination
 * and is still within the destination's TTL there, and whether a Data
 * Marketplace share is within the time the destination takes to
 * distribute it. Pure: the deliveries, the profile's numbers and the time
 * come in as values, so every boundary is unit-tested.
 *
 * A segment's deliveries (ADD deliveries to its account; DELETE ones do
 * not count) give its word, checked in this order:
 *
 *   stale      its last DELIVERED delivery is more than ttl_days old
 *              (strictly: exactly ttl_days is still delivered): expired at
 *              the destination
 *   failed     its last delivery is FAILED
 *   delivered  it has a DELIVERED delivery (within ttl_days, see above)
 *   unknown    the backend reports no delivery for it at all
 *   pending    never delivered, and its first delivery record is less than
 *              first_delivery_days old
 *   failed     never delivered first_delivery_days (or more) after its
 *              first delivery record
 *
 * A segment's "added" time is its first delivery record's updatedAt: the
 * API dates nothing else about a segment config.
 *
 * A share is pending from its shared_on day until share_days whole days
 * after it (inclusive), overdue from the day after.
 */
#ifndef RECONCILER_STATUS_HEALTH_H
#define RECONCILER_STATUS_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

#include "model/delivery.h"

#define SECONDS_PER_DAY 86400LL

/* Whole days in secs, rounded down (towards minus infinity), so a time a
 * second before midnight is still the day before. */
static inline long long days_floor(long long secs)
{
	return secs >= 0 ? secs / SECONDS_PER_DAY : -((-secs + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY);
}

enum health {
	HEALTH_UNKNOWN = 0,
	HEALTH_DELIVERED,
	HEALTH_PENDING,
	HEALTH_STALE,
	HEALTH_FAILED,
};

enum health_why {
	WHY_NONE = 0,
	WHY_LAST_FAILED,	   /* failed: the last delivery FAILED */
	WHY_NOT_DELIVERED_IN_TIME, /* failed: never delivered within first_delivery_days */
};

/* The numbers health is judged by (a profile's ttl_days and
 * first_delivery_days). */
struct health_limits {
	unsigned ttl_days;
	unsigned first_delivery_days;
};

struct segment_health {
	enum health health;
	enum health_why why;
	const struct delivery *last;	       /* latest delivery of any status, or NULL */
	const struct delivery *last_delivered; /* latest DELIVERED one, or NULL */
	long long added;		       /* first delivery record; valid when added_known */
	bool added_known;
	long long age;	   /* now - last_delivered->updated (delivered, stale) */
	long long expires; /* last_delivered->updated + ttl (delivered, stale) */
	long long due;	   /* added + first_delivery_days (pending, failed in time) */
};

/* Judges one segment from its deliveries (ds[0..n), any order; DELETE
 * deliveries and those without a readable time are skipped). */
void health_of_segment(struct segment_health *out, const struct delivery *const *ds, size_t n, long long now,
		       const struct health_limits *lim);
const char *health_name(enum health h); /* "delivered" */

enum share_health {
	SHARE_PENDING = 0,
	SHARE_OVERDUE,
};

/* shared_on and today in days since the epoch. */
enum share_health health_of_share(long shared_on, long today, unsigned share_days);
const char *share_health_name(enum share_health h); /* "pending" */

#endif
