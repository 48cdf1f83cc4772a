/*
 * The one place the program asks what time it is.
 *
 * RECONCILER_NOW, when set, fixes the clock: either seconds since the epoch or
 * an ISO date/time ("2026-11-28" or "2026-11-28T12:00:00Z"). Tests use it to
 * move time (an end date passing, a delivery growing stale) without sleeping.
 */
#ifndef RECONCILER_UTIL_CLOCK_H
#define RECONCILER_UTIL_CLOCK_H

#include <time.h>

/* Seconds since the epoch, UTC. */
time_t clock_now(void);
/* Whole days since 1970-01-01, UTC: the unit dates in configs are compared in. */
long clock_today(void);

#endif
