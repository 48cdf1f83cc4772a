/* The unit tests' state builders (fixture.h). */
#include "fixture.h"

#include <string.h>

#include "util/arena.h"

/* Room for one more item in an array of n items of `size` bytes: the room
 * is the power of two at or above n, so a full array is one whose count
 * is 0 or a power of two, and appends stay linear. */
static void *grow(struct state *s, void *v, size_t n, size_t size)
{
	if (n & (n - 1))
		return v;
	void *nv = arena_alloc(&s->arena, (n ? 2 * n : 1) * size);
	if (n)
		memcpy(nv, v, n * size);
	return nv;
}

struct sval fixture_sv(struct state *s, const char *v)
{
	return (struct sval){ v ? state_strdup(s, v) : NULL, { 0 } };
}

struct sval fixture_sv_at(struct state *s, const char *v, struct pos at)
{
	if (!v)
		return (struct sval){ NULL, { 0 } };
	return (struct sval){ state_strdup(s, v), at };
}

void fixture_push_sval(struct state *s, struct sval **v, size_t *n, struct sval x)
{
	*v = grow(s, *v, *n, sizeof(**v));
	(*v)[(*n)++] = x;
}

struct account *fixture_account(struct state *s, const char *name, const char *client, const char *key)
{
	struct account *a = state_add_account(s);
	a->name = fixture_sv(s, name);
	a->client_name = fixture_sv(s, client);
	fixture_push_sval(s, &a->identifiers, &a->n_identifiers, fixture_sv(s, "cookies"));
	if (key) {
		a->connection_id = arena_printf(&s->arena, "ic-%s", key);
		a->manager_id = arena_printf(&s->arena, "dm-%s", key);
	}
	return a;
}

void fixture_identifiers(struct state *s, struct account *a, const char *const *ids, size_t n)
{
	a->identifiers = arena_alloc(&s->arena, sizeof(*a->identifiers)); /* none: empty, not NULL */
	a->n_identifiers = 0;
	for (size_t i = 0; i < n; i++)
		fixture_push_sval(s, &a->identifiers, &a->n_identifiers, fixture_sv(s, ids[i]));
}

struct segment *fixture_segment(struct state *s, struct account *a, const char *id, const char *config_prefix)
{
	a->segments = grow(s, a->segments, a->n_segments, sizeof(*a->segments));
	struct segment *g = &a->segments[a->n_segments++];
	g->id = state_strdup(s, id);
	if (config_prefix)
		g->config_id = arena_printf(&s->arena, "%s%s", config_prefix, id);
	return g;
}

void fixture_segment_list(struct state *s, struct account *a, const char *config_prefix,
			  const char *const *specs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(specs[i], ':');
		const char *id = colon ? arena_strndup(&s->arena, specs[i], (size_t)(colon - specs[i]))
				       : state_strdup(s, specs[i]);
		struct segment *g = fixture_segment(s, a, id, config_prefix);
		if (colon)
			g->name = fixture_sv(s, colon + 1);
	}
}

struct account *fixture_vsegments(struct state *s, struct account *a, const char *config_prefix, va_list ap)
{
	const char *spec;
	while ((spec = va_arg(ap, const char *)) != NULL)
		fixture_segment_list(s, a, config_prefix, &spec, 1);
	return a;
}

struct account *fixture_segments(struct state *s, struct account *a, const char *config_prefix, ...)
{
	va_list ap;
	va_start(ap, config_prefix);
	fixture_vsegments(s, a, config_prefix, ap);
	va_end(ap);
	return a;
}

struct delivery *fixture_delivery(struct delivery_list *l, const char *ic, const char *seg,
				  enum delivery_status st, const char *at, long long records)
{
	struct delivery *d = delivery_list_add(l);
	d->id = arena_printf(&l->arena, "d%zu", l->n);
	d->status = st;
	d->connection_id = arena_strdup(&l->arena, ic);
	d->segment_id = arena_strdup(&l->arena, seg);
	d->record_count = records;
	delivery_set_updated(l, d, at);
	return d;
}
