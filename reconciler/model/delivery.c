/*
 * Delivery lists and the names of delivery statuses (model/delivery.h).
 */
#include "model/delivery.h"

#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "util/xalloc.h"

struct delivery *delivery_list_add(struct delivery_list *l)
{
	XGROW(l->v, l->cap, l->n + 1);
	struct delivery *d = &l->v[l->n++];
	memset(d, 0, sizeof(*d));
	d->record_count = -1;
	return d;
}

void delivery_set_updated(struct delivery_list *l, struct delivery *d, const char *updated_at)
{
	d->updated_at = updated_at ? arena_strdup(&l->arena, updated_at) : NULL;
	d->updated_known = updated_at && timestamp_parse(updated_at, &d->updated);
	if (!d->updated_known)
		d->updated = 0;
}

void delivery_list_free(struct delivery_list *l)
{
	free(l->v);
	arena_free(&l->arena);
	memset(l, 0, sizeof(*l));
}

static const char *const names[] = {
	[DELIVERY_UNKNOWN] = "UNKNOWN",		[DELIVERY_FAILED] = "FAILED",
	[DELIVERY_CANCELLED] = "CANCELLED",	[DELIVERY_PENDING] = "PENDING",
	[DELIVERY_IN_PROGRESS] = "IN_PROGRESS", [DELIVERY_DELIVERED] = "DELIVERED",
};

const char *delivery_status_name(enum delivery_status s)
{
	return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "UNKNOWN";
}

bool delivery_status_from_api(const char *s, enum delivery_status *out)
{
	for (size_t i = DELIVERY_FAILED; s && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum delivery_status)i;
			return true;
		}
	}
	return false;
}
