/*
 * The sandbox document in memory: the JSON as read, plus indexes.
 *
 * The JSON tree stays the single source of truth, so fields the local
 * backend does not know (deliveries, destinationSegmentID, whatever an API
 * emulator stores) survive a read-modify-write untouched. Beside it the
 * document keeps hash indexes (connections and managers by id, each
 * manager's configs by segment id, configs and catalog segments by id), so
 * every lookup is O(1) and a full observe is O(size of the file).
 *
 * Deleting marks an entry dead in the indexes (obj = NULL, or a NULL value)
 * and leaves the object in its array; sandbox_document() drops dead
 * objects in one pass before writing. So a batch of 500 removals costs
 * O(500), not 500 array scans.
 *
 * Every change goes through the functions here, which keep the indexes and
 * the `dirty` flag in step with the tree.
 */
#ifndef RECONCILER_SANDBOX_DOC_H
#define RECONCILER_SANDBOX_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "model/model.h"
#include "rules/profile.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/hmap.h"

struct sb_dm;

/* An IntegrationConnection. */
struct sb_ic {
	json_t *obj;	    /* borrowed from the array; NULL once deleted */
	const char *id;	    /* in the document's arena */
	struct sb_dm **dms; /* its live DistributionManagers */
	size_t n_dms;
	size_t cap_dms;
};

/* A DistributionManager and its SegmentConfigs. */
struct sb_dm {
	json_t *obj; /* borrowed; NULL once deleted */
	const char *id;
	struct sb_ic *ic;
	struct hmap by_segment; /* segmentID -> config (json_t *), NULL once removed */
};

struct sandbox {
	const char *path; /* borrowed, for messages */
	json_t *root;
	bool fresh;	      /* no file yet: nothing is written until something changes */
	bool dirty;	      /* changed since loaded */
	struct arena arena;   /* index keys and entries */
	struct hmap ics;      /* id -> struct sb_ic * */
	struct hmap dms;      /* id -> struct sb_dm * */
	struct hmap configs;  /* id -> json_t *, NULL once deleted */
	struct hmap segments; /* id -> json_t *: the catalog */
	size_t n_segments;
	size_t n_dead; /* deleted objects still in their arrays */
};

/* Ids pinned in the desired state's settings (NULL: find by name). */
struct sandbox_pins {
	const char *destination_id;
	const char *integration_id;
};

/* The destination and integration the profile names. */
struct sandbox_target {
	const char *destination_id;
	const char *integration_id;
	const char *client_key; /* the property holding the client name, or NULL */
};

/* Reads, checks and indexes the sandbox at path. A missing file gives an
 * empty document with fresh set. Managers that passed their end date while
 * ACTIVE are turned INACTIVE, as LiveRamp does by itself (kept in memory;
 * stored with the next write). */
int sandbox_load(struct sandbox **out, const char *path, struct diags *d);
void sandbox_free(struct sandbox *sb);

/* Finds the profile's destination and integration (or the pinned ids).
 * Returns false when either does not exist yet. */
bool sandbox_find_target(struct sandbox *sb, const struct profile *p, const struct sandbox_pins *pins,
			 struct sandbox_target *t);
/* Like sandbox_find_target, but creates what is missing, as a fresh
 * sandbox is seeded at its first write. */
void sandbox_seed_target(struct sandbox *sb, const struct profile *p, const struct sandbox_pins *pins,
			 struct sandbox_target *t);
bool sandbox_ic_in_target(const struct sb_ic *ic, const struct sandbox_target *t);

/* A new id, unused by any resource (kept in the document's arena). */
const char *sandbox_new_id(struct sandbox *sb);
/* The current time as the API writes it: "2026-11-28T12:00:00Z". */
json_t *sandbox_timestamp(void);
/* obj[key] as a string, or NULL when absent or not a string. */
const char *sandbox_str(const json_t *obj, const char *key);

/* Changes. The insert functions take the reference to obj, which must hold
 * a fresh "id" (and for a manager an existing integrationConnectionID). */
struct sb_ic *sandbox_insert_ic(struct sandbox *sb, json_t *obj);
struct sb_dm *sandbox_insert_dm(struct sandbox *sb, json_t *obj);
void sandbox_insert_config(struct sandbox *sb, struct sb_dm *dm, json_t *obj);
void sandbox_delete_config(struct sandbox *sb, struct sb_dm *dm, json_t *config);
/* Deletes the manager and every config of it. */
void sandbox_delete_dm(struct sandbox *sb, struct sb_dm *dm);
void sandbox_delete_ic(struct sandbox *sb, struct sb_ic *ic);
void sandbox_touch(struct sandbox *sb);

/* The actual state the sandbox holds for the profile's integration: see
 * backend_ops.observe. source describes the sandbox ("local:FILE").
 * Connections with no or several managers are reported as warnings and
 * left out. Implemented in local/observe.c. */
int sandbox_observe(struct sandbox *sb, const struct profile *p, const struct sandbox_pins *pins,
		    const char *source, struct state **out, struct diags *d);
/* The warning for a connection with n_dms managers (0, or more than one),
 * which sandbox_observe() and sandbox_observe_stream() leave out alike. */
void sandbox_warn_odd_connection(const char *id, size_t n_dms, struct diags *d);

/* The document to write: dead objects dropped. Borrowed from sb. */
json_t *sandbox_document(struct sandbox *sb);

#endif
