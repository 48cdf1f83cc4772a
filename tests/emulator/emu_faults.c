/*
 * Fault injection: which failure, if any, a request gets.
 *
 * A fault is "CLASS:KIND[:RATE][:COUNT][:after]": CLASS is an endpoint class (see
 * emu_class_name) or "*"; `list` matches every authenticated GET, segments
 * and deliveries included. RATE is a probability in [0, 1] (default 1),
 * COUNT how many times it may fire (default: no limit). Faults are tried
 * in the order given and the first that fires wins; a fault that cannot
 * apply to a request (partial207 outside segment batches, expired_token on
 * the token endpoint) is skipped without being counted. A fault marked
 * `after` is armed only once the fault listed just before it has fired:
 * that pairs faults in time (a lost write, then its read-back failing),
 * which two independent faults cannot do, since the second would already
 * fire on the reads that come before the write.
 *
 * Decisions use their own splitmix64 stream seeded by --seed, so the same
 * seed and the same sequence of requests give the same faults.
 */
#include <stdlib.h>
#include <string.h>

#include "emulator.h"
#include "util/xalloc.h"

static const struct {
	const char *name;
	enum emu_fault_kind kind;
} KINDS[] = {
	{ "500", EF_500 },
	{ "503", EF_503 },
	{ "429", EF_429 },
	{ "timeout", EF_TIMEOUT },
	{ "reset", EF_RESET },
	{ "malformed", EF_MALFORMED },
	{ "truncated", EF_TRUNCATED },
	{ "expired_token", EF_EXPIRED_TOKEN },
	{ "partial207", EF_PARTIAL207 },
	{ "lost", EF_LOST },
	{ "echo", EF_ECHO },
	{ "redirect", EF_REDIRECT },
	{ "redirect_scheme", EF_REDIRECT_SCHEME },
	{ "huge", EF_HUGE },
	{ "slow", EF_SLOW },
	{ "reorder207", EF_REORDER207 },
	{ "anon207", EF_ANON207 },
	{ "repeat_items", EF_REPEAT_ITEMS },
	{ "cycle_cursor", EF_CYCLE_CURSOR },
	{ "oversize_page", EF_OVERSIZE_PAGE },
	{ "no_array_key", EF_NO_ARRAY_KEY },
	{ "no_segment_id", EF_NO_SEGMENT_ID },
	{ "html403", EF_HTML403 },
	{ "nested_error", EF_NESTED_ERROR },
	{ "400", EF_400 },
	{ "404", EF_404 },
	{ "409", EF_409 },
	{ "422", EF_422 },
	{ "partial409", EF_PARTIAL409 },
};

#define N_KINDS (sizeof(KINDS) / sizeof(KINDS[0]))

uint64_t emu_rng_next(struct emu_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unit(struct emu_rng *r)
{
	return (double)(emu_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

const char *emu_fault_name(enum emu_fault_kind k)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (KINDS[i].kind == k)
			return KINDS[i].name;
	return NULL;
}

static int parse_kind(const char *s)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (strcmp(s, KINDS[i].name) == 0)
			return (int)KINDS[i].kind;
	return -1;
}

static int parse_fields(struct emu_fault *f, char **field, size_t n, struct strbuf *err)
{
	int cls = emu_class_parse(field[0]);
	if (cls == -2) {
		sb_printf(err,
			  "unknown class '%s' (one of token, list, create, update, delete, segments_add, "
			  "segments_remove, segments, deliveries, *)",
			  field[0]);
		return -1;
	}
	int kind = parse_kind(field[1]);
	if (kind < 0) {
		sb_printf(err,
			  "unknown fault '%s' (one of 500, 503, 429, timeout, reset, malformed, truncated, "
			  "expired_token, partial207, lost, reorder207, anon207, repeat_items, cycle_cursor, "
			  "oversize_page, no_array_key, no_segment_id, html403, "
			  "nested_error, 400, 404, 409, 422, partial409)",
			  field[1]);
		return -1;
	}
	char *end;
	f->cls = cls;
	f->kind = (enum emu_fault_kind)kind;
	f->rate = 1.0;
	f->remaining = -1;
	if (n > 2 && *field[2]) {
		f->rate = strtod(field[2], &end);
		if (*end || !(f->rate >= 0.0 && f->rate <= 1.0)) {
			sb_printf(err, "rate '%s' is not a number from 0 to 1", field[2]);
			return -1;
		}
	}
	if (n > 3 && *field[3]) {
		f->remaining = strtol(field[3], &end, 10);
		if (*end || f->remaining < 1) {
			sb_printf(err, "count '%s' is not a positive integer", field[3]);
			return -1;
		}
	}
	if (n > 4) {
		if (strcmp(field[4], "after") != 0) {
			sb_printf(err, "'%s' is not 'after'", field[4]);
			return -1;
		}
		f->after = true;
	}
	return 0;
}

int emu_fault_parse(struct emu_fault *f, const char *spec, struct strbuf *err)
{
	char *copy = xstrdup(spec), *field[6], *p = copy;
	size_t n = 0;
	while (n < 6) {
		field[n++] = p;
		p = strchr(p, ':');
		if (!p)
			break;
		*p++ = '\0';
	}
	int rc;
	if (n < 2 || n > 5) {
		sb_printf(err, "fault '%s' is not CLASS:KIND[:RATE][:COUNT][:after]", spec);
		rc = -1;
	} else {
		rc = parse_fields(f, field, n, err);
	}
	free(copy);
	if (rc == 0) {
		f->spec = xstrdup(spec);
		f->fired = 0;
	}
	return rc;
}

static void free_faults(struct emu_fault *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].spec);
	free(v);
}

void emu_faults_clear(struct emu *e)
{
	free_faults(e->faults, e->n_faults);
	e->faults = NULL;
	e->n_faults = 0;
}

int emu_faults_set(struct emu *e, const char *const *specs, size_t n, struct strbuf *err)
{
	struct emu_fault *v = n ? xcalloc(n, sizeof(*v)) : NULL;
	for (size_t i = 0; i < n; i++) {
		if (emu_fault_parse(&v[i], specs[i], err) != 0) {
			free_faults(v, i);
			return -1;
		}
		if (i == 0 && v[i].after) {
			sb_printf(err, "fault '%s': 'after' needs a fault before it", specs[i]);
			free_faults(v, 1);
			return -1;
		}
	}
	emu_faults_clear(e);
	e->faults = v;
	e->n_faults = n;
	return 0;
}

static bool applies(const struct emu_fault *f, const struct emu_request *rq)
{
	bool get = strcmp(rq->method, "GET") == 0;
	bool cls =
	    f->cls == -1 || f->cls == (int)rq->cls || (f->cls == EC_LIST && get && rq->cls != EC_TOKEN);
	if (!cls)
		return false;
	if (f->kind == EF_PARTIAL207 || f->kind == EF_REORDER207 || f->kind == EF_ANON207 ||
	    f->kind == EF_PARTIAL409)
		return rq->cls == EC_SEG_ADD || rq->cls == EC_SEG_REMOVE;
	if (f->kind >= EF_REPEAT_ITEMS && f->kind <= EF_NO_SEGMENT_ID)
		return get && rq->cls != EC_TOKEN; /* only pages show them */
	if (f->kind == EF_EXPIRED_TOKEN)
		return rq->cls != EC_TOKEN;
	return true;
}

enum emu_fault_kind emu_fault_pick(struct emu *e, const struct emu_request *rq)
{
	if (rq->cls == EC_NONE)
		return EF_NONE;
	for (size_t i = 0; i < e->n_faults; i++) {
		struct emu_fault *f = &e->faults[i];
		if (f->remaining == 0 || !applies(f, rq) || (f->after && e->faults[i - 1].fired == 0))
			continue;
		if (f->rate < 1.0 && rng_unit(&e->fault_rng) >= f->rate)
			continue;
		if (f->remaining > 0)
			f->remaining--;
		f->fired++;
		return f->kind;
	}
	return EF_NONE;
}

json_t *emu_faults_json(struct emu *e)
{
	json_t *list = json_array();
	for (size_t i = 0; i < e->n_faults; i++) {
		const struct emu_fault *f = &e->faults[i];
		json_array_append_new(list,
				      json_pack("{s:s, s:s, s:s, s:f, s:o, s:I}", "spec", f->spec, "class",
						f->cls < 0 ? "*" : emu_class_name((enum emu_class)f->cls),
						"kind", emu_fault_name(f->kind), "rate", f->rate, "remaining",
						f->remaining < 0 ? json_null() : json_integer(f->remaining),
						"fired", (json_int_t)f->fired));
		if (f->after)
			json_object_set_new(json_array_get(list, i), "after", json_true());
	}
	return json_pack("{s:o, s:I, s:I}", "faults", list, "latency_ms", (json_int_t)e->latency_ms,
			 "timeout_s", (json_int_t)e->timeout_s);
}
