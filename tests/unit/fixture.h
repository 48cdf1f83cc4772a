/*
 * Builders of model states for the unit tests: accounts, their values,
 * identifiers and segments, and deliveries, shaped as the loader (a desired
 * state) or observe (an actual state) leaves them. Everything is allocated
 * in the state's arena (the delivery list's), so state_free() (or
 * delivery_list_free()) frees it.
 *
 * Every unit test that builds a state by hand builds it with these; what a
 * test adds itself is only its own (the places in a file that its
 * assertions name, a status, an end date).
 *
 * The arrays these builders make grow by doubling, their room implied by
 * their count: append (fixture_push_sval, fixture_segment) only to an array
 * made here, or to an empty one.
 *
 * Linked into every unit test (the Makefile's UNIT_HELPERS).
 */
#ifndef RECONCILER_TESTS_FIXTURE_H
#define RECONCILER_TESTS_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>

#include "model/delivery.h"
#include "model/model.h"

/* A value with no position; v NULL is an absent value. */
struct sval fixture_sv(struct state *s, const char *v);
/* A value written at `at` (at.file is borrowed); an absent one (NULL) has
 * no position, as the loader leaves it. */
struct sval fixture_sv_at(struct state *s, const char *v, struct pos at);
/* Appends x to an array of values (identifiers, previous_names,
 * raw_fields, settings.protect). */
void fixture_push_sval(struct state *s, struct sval **v, size_t *n, struct sval x);

/* An account: name, client name (either may be NULL), the identifiers
 * [cookies], no segments, no positions. key NULL: a declared account; else
 * an observed one, with connection id "ic-KEY" and manager id "dm-KEY". */
struct account *fixture_account(struct state *s, const char *name, const char *client, const char *key);
/* Replaces a's identifiers by ids[0..n). */
void fixture_identifiers(struct state *s, struct account *a, const char *const *ids, size_t n);

/* Appends the segment id to a. config_prefix NULL: a declared segment;
 * else an observed one, with SegmentConfig id PREFIX+ID. */
struct segment *fixture_segment(struct state *s, struct account *a, const char *id,
				const char *config_prefix);
/* Appends a segment per spec, "ID" or "ID:NAME" (a declared name). */
void fixture_segment_list(struct state *s, struct account *a, const char *config_prefix,
			  const char *const *specs, size_t n);
/* The same from a NULL-terminated list of specs; returns a. */
struct account *fixture_segments(struct state *s, struct account *a, const char *config_prefix, ...);
struct account *fixture_vsegments(struct state *s, struct account *a, const char *config_prefix, va_list ap);

/* Appends a delivery of segment seg to connection ic, updated at `at` (an
 * API timestamp), with records rows (-1: not reported); id "dN". */
struct delivery *fixture_delivery(struct delivery_list *l, const char *ic, const char *seg,
				  enum delivery_status st, const char *at, long long records);

#endif
