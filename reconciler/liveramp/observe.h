/*
 * Inside an observe of the liveramp backend: what liveramp/observe.c (the
 * accounts) and liveramp/catalog.c (the segment catalog) share. Nobody
 * else includes this header.
 */
#ifndef RECONCILER_LIVERAMP_OBSERVE_H
#define RECONCILER_LIVERAMP_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "liveramp/private.h"

/* One integration connection, and what hangs off it. */
struct acct {
	struct api_ic ic; /* a copy: list items move as pages arrive */
	bool has_ic;	  /* the connection was listed (else only its managers so far) */
	bool listed;	  /* taken into the state already (duplicate ids in the list) */
	struct api_dm dm; /* the first manager seen */
	size_t n_dms;
	bool started; /* its segment configs are being read */
	struct lr_list configs;
};

struct observe {
	struct liveramp *l;
	struct arena a;		    /* decoded answers, paths */
	struct lr_list dests, ints; /* the target, when looked up beside the rest */
	const char *dest;	    /* its destination's id */
	bool ints_started;	    /* ints was started by on_destinations */
	struct diags target_diags;
	struct lr_list ics, dms, segments;
	size_t ics_seen, dms_seen; /* items of ics and dms taken into accts */
	struct acct **accts;
	size_t n_accts, cap_accts;
	struct hmap by_ic;	/* connection id -> struct acct * */
	struct hmap declared;	/* segment id -> DECLARED | UNNAMED flags (desired state only) */
	size_t n_unnamed;	/* ids declared without a name somewhere */
	struct hmap configured; /* segment id -> the first struct api_config seen */
	struct state *s;
};

#define DECLARED 1u
#define UNNAMED 2u
/* Items per page of a list (lr_request_page's limit). */
#define PAGE_ITEMS 100

/* liveramp/catalog.c */
/* Every segment id the desired state declares, with its flags. */
void lr_catalog_index_declared(struct observe *o, const struct state *desired);
/* The catalog items listed so far, from item `from` on, into the state. */
void lr_catalog_put_listed(struct observe *o, size_t from);
/* Pages the catalog walk still has to go: from _pagination.total when the
 * server sent it, else at least one (0 at the end). */
size_t lr_catalog_pages_left(const struct observe *o);
/* The catalog entries observe reports, once the lists are read (the
 * accounts' configs indexed in o->configured): 0, or -1 with diagnostics. */
int lr_catalog_read(struct observe *o, struct diags *d);

#endif
