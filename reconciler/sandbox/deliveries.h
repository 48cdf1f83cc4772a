/*
 * Deliveries in the sandbox document, shared by the local backend and the
 * API emulator so that both tell the same story.
 *
 * LiveRamp records a delivery when it sends a segment to a destination.
 * The sandbox imitates the first one: adding a segment config records a
 * PENDING delivery (operationType ADD, deviceType the account's first
 * device type, no recordCount: the sandbox has no data to count), and a
 * read at least `settings.delivery_delay_seconds` (default 0) after its
 * updatedAt shows it DELIVERED, updatedAt moved to the moment it was due.
 * Time is clock_now(), so RECONCILER_NOW moves deliveries along with end
 * dates. Nothing refreshes a delivery afterwards, so moving the clock past
 * the destination's TTL shows the segment stale, as it would be at the
 * destination without LiveRamp's refreshes.
 *
 * Settling changes the tree in memory only; it is written with the next
 * write, like an end date that passed.
 */
#ifndef RECONCILER_SANDBOX_DELIVERIES_H
#define RECONCILER_SANDBOX_DELIVERIES_H

#include <stddef.h>

#include <jansson.h>

#include "model/delivery.h"
#include "util/diag.h"

/* settings.delivery_delay_seconds of the document, or this. */
#define SANDBOX_DELIVERY_DELAY_DEFAULT 0

long long sandbox_delivery_delay(const json_t *root);
/* Appends a PENDING ADD delivery to root's "deliveries" at time now. */
void sandbox_delivery_record(json_t *root, const char *id, const char *connection_id, const char *segment_id,
			     const char *device_type, long long now);
/* Shows every PENDING ADD delivery that is due at now as DELIVERED.
 * Returns how many changed. */
size_t sandbox_deliveries_settle(json_t *root, long long now);
/* Appends the deliveries of root matching q to out (the document was
 * checked by local_schema_check, so types are taken for granted). */
void sandbox_deliveries_read(const json_t *root, const struct delivery_query *q, struct delivery_list *out);

#endif
