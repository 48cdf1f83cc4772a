/*
 * The state model: destination accounts and the segments they distribute.
 *
 * Desired state (loaded from YAML) and actual state (observed from a backend)
 * are the same types, so diff is a pure function of two `struct state`
 * values. Fields that only one side has are documented as such: positions
 * come from YAML (zero in actual state), remote ids from a backend (NULL in
 * desired state).
 *
 * Ownership: a state owns everything reachable from it. Strings and small
 * arrays live in state->arena; the account pointer array is heap-grown.
 * state_free() releases it all. Pointers into a state are valid until then.
 */
#ifndef RECONCILER_MODEL_MODEL_H
#define RECONCILER_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/diag.h"
#include "util/hmap.h"

/* A string with the place it was written. */
struct sval {
	const char *v; /* NULL when absent */
	struct pos pos;
};

enum segment_type {
	SEGMENT_ONBOARDING = 0,
	SEGMENT_DATA_MARKETPLACE,
};

/* For a Data Marketplace segment: which kind, since what the user must do
 * instead differs (standard: nothing, custom: share it with the platform). */
enum marketplace_offering {
	OFFERING_UNKNOWN = 0,
	OFFERING_STANDARD,
	OFFERING_CUSTOM,
};

enum account_status {
	STATUS_ACTIVE = 0,
	STATUS_INACTIVE,
};

struct segment {
	const char *id;	  /* LiveRamp segment id, always a string */
	struct sval name; /* declared name, or the catalog's; v may be NULL */
	enum segment_type type;
	enum marketplace_offering offering;
	struct pos pos;	       /* the list item */
	struct pos type_pos;   /* where `type` was written, if it was */
	const char *config_id; /* actual: the SegmentConfig id; NULL in desired */
};

struct account {
	struct sval name; /* identity: compared folded (trimmed, case-insensitive) */
	struct pos pos;	  /* the account mapping itself */
	struct sval client_name;
	/* Connect's words: cookies, ramp_ids, ctv_ids, mobile_device_ids,
	 * platform_ids. Kept sorted by canonicalize. */
	struct sval *identifiers;
	size_t n_identifiers;
	bool identifiers_declared;
	struct pos identifiers_pos;
	struct sval precision; /* shown, validated, never sent */
	enum account_status status;
	struct pos status_pos;
	struct sval expire_at; /* YYYY-MM-DD; v NULL for no end date */
	bool protect;	       /* `protected:` in YAML */
	struct pos protect_pos;
	struct sval *previous_names;
	size_t n_previous_names;
	struct segment *segments;
	size_t n_segments;
	struct pos segments_pos;
	bool record_sync; /* asked for in YAML; profiles may refuse it */
	struct pos record_sync_pos;
	struct sval *raw_fields;
	size_t n_raw_fields;
	struct pos raw_fields_pos;
	/* actual state only */
	const char *connection_id; /* IntegrationConnection id */
	const char *manager_id;	   /* DistributionManager id */
};

struct settings {
	bool prune;
	struct pos prune_pos;
	struct sval org_id;
	struct sval destination_id;
	struct sval integration_id;
	/* Account names never deleted, even when pruned or no longer declared:
	 * unlike a per-account flag, this survives removing the account entry. */
	struct sval *protect;
	size_t n_protect;
	bool present; /* some file had a settings block */
};

/* A Data Marketplace custom segment shared with the platform by hand: the
 * plan lists the manual steps, status tracks the expected delivery. */
struct share {
	struct sval segment;
	struct sval buyer;
	struct sval shared_on; /* YYYY-MM-DD */
	bool seller_allowlisted;
	struct pos pos;
};

/* What the backend knows about a segment id (actual state only). */
struct catalog_entry {
	const char *id;
	const char *name;
	enum segment_type type;
};

/* A distribution manager name the backend reports on a connection it does
 * not manage (one with several managers, another destination's, a manager
 * whose connection is not listed). Names are unique in the org whatever
 * the tool manages, so such a name is taken (actual state only). */
struct held_name {
	const char *name;
	const char *connection_id;
	const char *manager_id;
};

struct state {
	struct arena arena;
	struct account **accounts;
	size_t n_accounts;
	size_t cap_accounts;
	struct settings settings;
	struct share *shares;
	size_t n_shares;
	size_t cap_shares;
	struct catalog_entry *catalog;
	size_t n_catalog;
	size_t cap_catalog;
	struct hmap catalog_index; /* id -> struct catalog_entry*, see state_catalog_find */
	struct held_name *held;	   /* names held by managers not managed; sorted by canonicalize */
	size_t n_held;
	size_t cap_held;
	struct hmap name_index; /* folded name -> struct account*, built by state_index */
	const char *source;	/* human description of where the state came from */
};

struct state *state_new(void);
void state_free(struct state *s);

/* Appends a zeroed account owned by s. */
struct account *state_add_account(struct state *s);
struct share *state_add_share(struct state *s);
/* Adds or replaces the catalog entry for id. Strings are copied. */
struct catalog_entry *state_catalog_put(struct state *s, const char *id, const char *name,
					enum segment_type type);
const struct catalog_entry *state_catalog_find(const struct state *s, const char *id);
/* Records a name held by a manager the backend does not manage (strings
 * copied; connection_id may be NULL). */
void state_add_held_name(struct state *s, const char *name, const char *connection_id,
			 const char *manager_id);

/* Sorts accounts by folded name, and within each account identifiers by
 * name and segments by id, so that renderings and fingerprints do not depend
 * on file or API order. Then (re)builds the name index. */
void state_canonicalize(struct state *s);
/* Looks an account up by name (folded). Needs state_canonicalize() or
 * state_index() after the last account was added. */
struct account *state_find_account(const struct state *s, const char *name);
void state_index(struct state *s);

/* Copies of strings into the state's arena. */
const char *state_strdup(struct state *s, const char *str);

/* Helpers on accounts. */
const struct segment *account_find_segment(const struct account *a, const char *id);
bool account_has_identifier(const struct account *a, const char *ident);

const char *account_status_name(enum account_status st); /* "active" */
const char *segment_type_api_name(enum segment_type t);	 /* "ONBOARDING" */
bool segment_type_from_api(const char *s, enum segment_type *out);

/* A stable digest (SHA-256, hex) of the observable content of a state:
 * accounts, their fields, remote ids, segment configs and catalog types,
 * and the names held by managers not managed (when there are any).
 * Used as the fingerprint a saved plan is bound to. out: 65 bytes. */
void state_fingerprint(const struct state *s, char out[65]);

#endif
