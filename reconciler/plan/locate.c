#include "plan/locate.h"

#include <string.h>

#include "util/hmap.h"

/* Copies a position into the plan's arena, one copy per file label. */
static struct pos keep(struct plan *p, struct hmap *labels, struct pos at)
{
	if (!at.file)
		return at;
	char *file = hmap_get(labels, at.file);
	if (!file) {
		file = arena_strdup(&p->arena, at.file);
		hmap_put(labels, file, file, NULL);
	}
	at.file = file;
	return at;
}

void plan_locate(struct plan *p, const struct state *desired)
{
	struct hmap labels = HMAP_INIT;
	for (size_t i = 0; i < p->n_changes; i++) {
		struct change *c = &p->changes[i];
		const struct account *a = state_find_account(desired, c->account);
		struct pos at = { 0 };
		if (a) {
			at = a->pos.file ? a->pos : a->name.pos;
			if (c->kind == KIND_SEGMENT) {
				const struct segment *g =
				    c->segment ? account_find_segment(a, c->segment) : NULL;
				/* Not the `segments:` list's position: that is its
				 * first item's line, another segment's. */
				if (g && g->pos.file)
					at = g->pos;
				else if (!g)
					c->at_account = true;
			}
		}
		c->at = keep(p, &labels, at);
	}
	hmap_free(&labels);
}
