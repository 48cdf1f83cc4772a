/*
 * Deliveries in the sandbox document (sandbox/deliveries.h).
 */
#include "sandbox/deliveries.h"

#include <string.h>

#include "util/text.h"

static const char *str_of(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

long long sandbox_delivery_delay(const json_t *root)
{
	const json_t *v = json_object_get(json_object_get(root, "settings"), "delivery_delay_seconds");
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		return (long long)json_integer_value(v);
	return SANDBOX_DELIVERY_DELAY_DEFAULT;
}

static json_t *deliveries_of(json_t *root)
{
	json_t *arr = json_object_get(root, "deliveries");
	if (!json_is_array(arr)) {
		arr = json_array();
		json_object_set_new(root, "deliveries", arr);
	}
	return arr;
}

void sandbox_delivery_record(json_t *root, const char *id, const char *connection_id, const char *segment_id,
			     const char *device_type, long long now)
{
	char ts[32];
	timestamp_format(now, ts);
	json_t *d = json_object();
	json_object_set_new(d, "id", json_string(id));
	json_object_set_new(d, "status", json_string("PENDING"));
	if (device_type)
		json_object_set_new(d, "deviceType", json_string(device_type));
	json_object_set_new(d, "updatedAt", json_string(ts));
	json_object_set_new(d, "segmentID", json_string(segment_id));
	json_object_set_new(d, "integrationConnectionID", json_string(connection_id));
	json_object_set_new(d, "operationType", json_string("ADD"));
	json_array_append_new(deliveries_of(root), d);
}

size_t sandbox_deliveries_settle(json_t *root, long long now)
{
	long long delay = sandbox_delivery_delay(root);
	const json_t *arr = json_object_get(root, "deliveries");
	size_t changed = 0, i;
	json_t *d;
	json_array_foreach(arr, i, d)
	{
		const char *status = str_of(d, "status"), *op = str_of(d, "operationType");
		const char *at = str_of(d, "updatedAt");
		long long t;
		if (!status || strcmp(status, "PENDING") != 0 || (op && strcmp(op, "ADD") != 0) || !at ||
		    !timestamp_parse(at, &t) || now < t + delay)
			continue;
		char ts[32];
		timestamp_format(t + delay, ts);
		json_object_set_new(d, "status", json_string("DELIVERED"));
		json_object_set_new(d, "updatedAt", json_string(ts));
		changed++;
	}
	return changed;
}

static bool wanted(const json_t *d, const struct delivery_query *q)
{
	const char *ic = str_of(d, "integrationConnectionID"), *seg = str_of(d, "segmentID");
	if (q->connection_id && (!ic || strcmp(ic, q->connection_id) != 0))
		return false;
	if (!q->segment_ids)
		return true;
	for (size_t i = 0; seg && i < q->n_segment_ids; i++)
		if (strcmp(q->segment_ids[i], seg) == 0)
			return true;
	return false;
}

static const char *copy(struct delivery_list *out, const char *s)
{
	return s ? arena_strdup(&out->arena, s) : NULL;
}

void sandbox_deliveries_read(const json_t *root, const struct delivery_query *q, struct delivery_list *out)
{
	size_t i;
	const json_t *obj;
	json_array_foreach(json_object_get(root, "deliveries"), i, obj)
	{
		if (!json_is_object(obj) || !wanted(obj, q))
			continue;
		struct delivery *d = delivery_list_add(out);
		d->id = copy(out, str_of(obj, "id"));
		if (!delivery_status_from_api(str_of(obj, "status"), &d->status))
			d->status = DELIVERY_UNKNOWN;
		d->device_type = copy(out, str_of(obj, "deviceType"));
		const json_t *count = json_object_get(obj, "recordCount");
		if (json_is_integer(count))
			d->record_count = (long long)json_integer_value(count);
		delivery_set_updated(out, d, str_of(obj, "updatedAt"));
		d->segment_id = copy(out, str_of(obj, "segmentID"));
		d->connection_id = copy(out, str_of(obj, "integrationConnectionID"));
		const char *op = str_of(obj, "operationType");
		d->remove = op && strcmp(op, "DELETE") == 0;
	}
}
