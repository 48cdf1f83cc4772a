/*
 * The read-only observe of the sandbox (observe_stream.h): the records of
 * stream_doc.c checked as local_doc.c's indexes check the tree, then the
 * state built as local_observe.c builds it. The indexes here are filled in
 * file order like the tree path's, so walking them visits connections in
 * the same order, and warnings and equal-named accounts come out alike.
 */
#include "observe_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/schema.h"
#include "backend/mapping.h"
#include "sandbox/deliveries_stream.h"
#include "sandbox/stream_doc.h"
#include "util/clock.h"
#include "util/hmap.h"
#include "util/xalloc.h"

#define RULE "backend"

struct resolved {
	struct hmap ics; /* id -> struct sd_ic * */
	struct hmap dms; /* id -> struct sd_dm * */
	size_t *order;	 /* config indexes, grouped by manager, by segment id */
};

/* ---- the index checks of local_doc.c ----------------------------------------- */

static const struct sd_cfg *sort_cfgs; /* qsort has no context argument */

static int by_segment(const void *x, const void *y)
{
	return strcmp(sort_cfgs[*(const size_t *)x].segment_id, sort_cfgs[*(const size_t *)y].segment_id);
}

/* Duplicate ids, a manager on a connection that does not exist, a config
 * on a manager that does not exist, one segment twice on one manager. */
static bool resolve(struct sd_doc *doc, struct resolved *r)
{
	for (size_t i = 0; i < doc->n_ics; i++)
		if (hmap_put(&r->ics, doc->ics[i].id, &doc->ics[i], NULL))
			return false;
	for (size_t i = 0; i < doc->n_dms; i++) {
		struct sd_dm *dm = &doc->dms[i];
		struct sd_ic *ic = hmap_get(&r->ics, dm->connection_id);
		if (!ic || hmap_put(&r->dms, dm->id, dm, NULL))
			return false;
		dm->ic = ic;
		if (!ic->n_dms++)
			ic->dm = dm;
	}
	struct hmap ids = HMAP_INIT;
	bool ok = true;
	struct sd_dm **owner = xcalloc(doc->n_cfgs ? doc->n_cfgs : 1, sizeof(*owner));
	for (size_t i = 0; ok && i < doc->n_cfgs; i++) {
		/* A manager's configs are mostly written together. */
		const char *m = doc->cfgs[i].manager_id;
		owner[i] =
		    i && strcmp(m, doc->cfgs[i - 1].manager_id) == 0 ? owner[i - 1] : hmap_get(&r->dms, m);
		ok = owner[i] && !hmap_put(&ids, doc->cfgs[i].id, NULL, NULL);
		if (ok)
			owner[i]->n++;
	}
	hmap_free(&ids);
	r->order = xcalloc(doc->n_cfgs ? doc->n_cfgs : 1, sizeof(*r->order));
	size_t at = 0;
	for (size_t i = 0; ok && i < doc->n_dms; i++) {
		doc->dms[i].first = doc->dms[i].fill = at;
		at += doc->dms[i].n;
	}
	for (size_t i = 0; ok && i < doc->n_cfgs; i++)
		r->order[owner[i]->fill++] = i;
	free(owner);
	sort_cfgs = doc->cfgs;
	for (size_t i = 0; ok && i < doc->n_dms; i++) {
		size_t *g = r->order + doc->dms[i].first, n = doc->dms[i].n, j = 1;
		/* The tool writes a manager's configs in segment order: sort
		 * only when they are not. */
		while (j < n && strcmp(doc->cfgs[g[j - 1]].segment_id, doc->cfgs[g[j]].segment_id) < 0)
			j++;
		if (j >= n)
			continue; /* in strict order: no segment twice */
		qsort(g, n, sizeof(*g), by_segment);
		for (j = 1; ok && j < n; j++)
			ok = strcmp(doc->cfgs[g[j - 1]].segment_id, doc->cfgs[g[j]].segment_id) != 0;
	}
	return ok;
}

/* ---- the target of local_doc.c ------------------------------------------------- */

struct target {
	const char *destination_id, *integration_id, *client_key;
};

/* The first destination named (or pinned), then the first of its
 * integrations named (or pinned): sandbox_find_target(). */
static bool find_target(const struct sd_doc *doc, const struct profile *p, const struct sandbox_pins *pins,
			struct target *t)
{
	memset(t, 0, sizeof(*t));
	const char *want = pins->destination_id ? pins->destination_id : p->destination_name;
	const struct sd_dest *dest = NULL;
	for (size_t i = 0; !dest && want && i < doc->n_dests; i++)
		if (strcmp(pins->destination_id ? doc->dests[i].id : doc->dests[i].name, want) == 0)
			dest = &doc->dests[i];
	if (!dest)
		return false;
	t->destination_id = dest->id;
	want = pins->integration_id ? pins->integration_id : p->integration_name;
	for (size_t i = 0; want && i < doc->n_integs; i++) {
		const struct sd_integ *in = &doc->integs[i];
		if (strcmp(in->destination_id, dest->id) == 0 &&
		    strcmp(pins->integration_id ? in->id : in->name, want) == 0) {
			t->integration_id = in->id;
			t->client_key = mapping_client_key(p, in->properties, in->n_properties);
			return true;
		}
	}
	return false;
}

static bool in_target(const struct sd_ic *ic, const struct target *t)
{
	return strcmp(ic->pair[0], t->destination_id) == 0 && strcmp(ic->pair[1], t->integration_id) == 0;
}

/* ---- the state of local_observe.c ------------------------------------------------ */

/* An ACTIVE manager past its end date reads INACTIVE, as sandbox_load()
 * turns it. */
static bool expired(const struct sd_dm *dm)
{
	long days;
	return dm->expire && local_api_date(dm->expire, &days) && days < clock_today();
}

static void add_account(struct state *s, const struct sd_doc *doc, const struct resolved *r,
			const struct sd_ic *ic, const struct target *t, const struct profile *p,
			struct diags *d)
{
	const struct sd_dm *dm = ic->dm;
	struct account *a = state_add_account(s);
	a->name.v = state_strdup(s, dm->name);
	const char *client = NULL;
	for (size_t i = 0; t->client_key && !client && i < ic->n_props; i++)
		if (strcmp(ic->props[i].key, t->client_key) == 0)
			client = ic->props[i].value;
	a->client_name.v = client ? state_strdup(s, client) : NULL;
	mapping_identifiers(s, a, ic->types, ic->n_types, ic->id, p, d);
	a->status = dm->inactive || expired(dm) ? STATUS_INACTIVE : STATUS_ACTIVE;
	a->expire_at.v = dm->expire ? arena_strndup(&s->arena, dm->expire, 10) : NULL;
	a->segments = arena_alloc(&s->arena, (dm->n ? dm->n : 1) * sizeof(*a->segments));
	for (size_t i = 0; i < dm->n; i++) {
		const struct sd_cfg *c = &doc->cfgs[r->order[dm->first + i]];
		struct segment *g = &a->segments[a->n_segments++];
		g->id = state_strdup(s, c->segment_id);
		g->config_id = state_strdup(s, c->id);
		g->type = c->type;
		const struct catalog_entry *e = state_catalog_find(s, g->id);
		g->name.v = e ? e->name : NULL;
	}
	a->connection_id = state_strdup(s, ic->id);
	a->manager_id = state_strdup(s, dm->id);
}

static void build(struct state *s, const struct sd_doc *doc, const struct resolved *r,
		  const struct profile *p, const struct sandbox_pins *pins, struct diags *d)
{
	struct target t;
	bool found = find_target(doc, p, pins, &t);
	size_t it = 0;
	void *v;
	while (hmap_next(&r->dms, &it, NULL, &v)) {
		const struct sd_dm *dm = v;
		if (!(found && dm->ic->n_dms == 1 && in_target(dm->ic, &t)))
			state_add_held_name(s, dm->name, dm->ic->id, dm->id);
	}
	it = 0;
	while (found && hmap_next(&r->ics, &it, NULL, &v)) {
		const struct sd_ic *ic = v;
		if (!in_target(ic, &t))
			continue;
		if (ic->n_dms != 1)
			sandbox_warn_odd_connection(ic->id, ic->n_dms, d);
		else
			add_account(s, doc, r, ic, &t, p, d);
	}
	state_canonicalize(s);
}

int sandbox_observe_buffer(char *buf, size_t len, const struct profile *p, const struct sandbox_pins *pins,
			   const char *source, struct state **out, struct diags *d)
{
	*out = NULL;
	struct state *s = state_new();
	struct sd_doc doc = { .s = s };
	struct resolved r = { HMAP_INIT, HMAP_INIT, NULL };
	bool ok = sd_read(&doc, buf, len) && resolve(&doc, &r);
	/* The reader's key stack is not needed past the read. */
	js_release(&doc.js);
	if (ok) {
		s->source = state_strdup(s, source);
		build(s, &doc, &r, p, pins, d);
		*out = s;
	} else {
		state_free(s);
	}
	free(r.order);
	hmap_free(&r.ics);
	hmap_free(&r.dms);
	sd_release(&doc);
	return ok ? 0 : SANDBOX_STREAM_DECLINED;
}

static void file_id(const struct stat *st, struct sandbox_file_id *id)
{
	*id = (struct sandbox_file_id){ (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
					(unsigned long long)st->st_size, (long long)st->st_mtim.tv_sec,
					(long long)st->st_mtim.tv_nsec };
}

/* The whole file in one buffer of its size (plus the reader's NUL). */
static char *read_all(const char *path, size_t *len, struct sandbox_file_id *id)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (uintmax_t)st.st_size >= SIZE_MAX / 2) {
		close(fd);
		return NULL;
	}
	file_id(&st, id);
	size_t cap = (size_t)st.st_size, got = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		ssize_t n = read(fd, buf + got, cap + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || got + (size_t)n > cap) {
			/* An error, or the file grew under us: the tree path reads
			 * it again. */
			if (n != 0) {
				free(buf);
				buf = NULL;
			}
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return buf;
}

int sandbox_deliveries_stream(struct sandbox_deliveries **out, const char *path)
{
	struct stat st;
	struct sandbox_file_id now;
	if (*out && stat(path, &st) == 0) {
		file_id(&st, &now);
		if (memcmp(&now, sandbox_deliveries_file(*out), sizeof(now)) == 0)
			return 0;
	}
	sandbox_deliveries_free(*out);
	*out = NULL;
	size_t len = 0;
	char *buf = read_all(path, &len, &now);
	if (!buf)
		return SANDBOX_STREAM_DECLINED;
	struct state *s = state_new();
	struct sd_doc doc = { .s = s, .keep_deliveries = true };
	struct resolved r = { HMAP_INIT, HMAP_INIT, NULL };
	if (sd_read(&doc, buf, len) && resolve(&doc, &r))
		*out = sandbox_deliveries_from(&doc, &now);
	free(r.order);
	hmap_free(&r.ics);
	hmap_free(&r.dms);
	sd_release(&doc);
	state_free(s);
	free(buf);
	return *out ? 0 : SANDBOX_STREAM_DECLINED;
}

int sandbox_observe_stream(const char *path, const struct profile *p, const struct sandbox_pins *pins,
			   const char *source, struct state **out, struct diags *d)
{
	*out = NULL;
	size_t len = 0;
	struct sandbox_file_id id;
	char *buf = read_all(path, &len, &id);
	if (!buf)
		return SANDBOX_STREAM_DECLINED;
	int rc = sandbox_observe_buffer(buf, len, p, pins, source, out, d);
	free(buf);
	return rc;
}
