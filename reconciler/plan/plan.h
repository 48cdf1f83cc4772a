/*
 * A plan: the changes that would take the actual state to the desired state,
 * in the order apply executes them, with everything a reviewer needs to
 * judge it and everything apply needs to execute it without the config.
 *
 * Plans are made by diff (plan/diff.c), saved and read back by the plan file
 * (plan/planfile.c), rendered by plan/render_*.c and executed by apply/.
 *
 * Ownership: a plan owns all its strings (in plan->arena) and its
 * diagnostics. plan_free() releases everything.
 */
#ifndef RECONCILER_PLAN_PLAN_H
#define RECONCILER_PLAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/diag.h"

enum change_action {
	CHANGE_CREATE, /* account */
	CHANGE_UPDATE, /* account fields */
	CHANGE_DELETE, /* account */
	CHANGE_RENAME, /* account: previous_names matched an actual account */
	CHANGE_ADD,    /* segment added to an account's distribution */
	CHANGE_REMOVE, /* segment removed from an account's distribution */
};

enum change_kind {
	KIND_ACCOUNT,
	KIND_SEGMENT,
};

/* Where a change comes from, in pull-request mode (plan --base). */
enum change_origin {
	ORIGIN_UNSET = 0,
	ORIGIN_CHANGE, /* the head config differs from the base config */
	ORIGIN_DRIFT,  /* actual state differs from the base config */
};

/* A field value: a string, null (str == NULL and !is_list), or a list. */
struct value {
	const char *str;
	const char **items;
	size_t n_items;
	bool is_list;
};

struct field_change {
	const char *field; /* config word: "status", "expire_at", "identifiers", ... */
	struct value before;
	struct value after;
};

struct change {
	enum change_action action;
	enum change_kind kind;
	enum change_origin origin;
	const char *account;	    /* desired name (or actual name for delete/remove) */
	const char *account_before; /* rename: the actual (old) name; else NULL */
	const char *segment;	    /* segment id (segment changes) */
	const char *segment_name;   /* when known */
	const char *segment_type;   /* "ONBOARDING" | "DATA_MARKETPLACE" */
	/* account create/update/rename: the fields that change; for a create
	 * every field sent is listed with before = null. */
	struct field_change *fields;
	size_t n_fields;
	const char *rule;   /* rule id that caused the change (kargo.marketplace), or NULL */
	const char *reason; /* a sentence a reviewer needs (TTL note on removals), or NULL */
	bool refused;	    /* shown but never executed (protected delete) */
	const char *refusal;
	/* backend ids known at plan time (NULL for what does not exist yet) */
	const char *connection_id;
	const char *manager_id;
	const char *config_id; /* segment removal: the SegmentConfig id */
	/* Account changes: the declared precision, shown to the reviewer but
	 * never sent (LiveRamp support sets it; no API has it), or NULL. */
	const char *precision;
	/* Where the configuration declares the change's account or segment
	 * (plan/locate.h), for annotations; file NULL when nothing declares
	 * it (the delete of an undeclared account). In memory only: plan
	 * files do not carry it. */
	struct pos at;
	/* A segment change whose segment the head declares nowhere (a
	 * removal): `at` is its account's line, the nearest line that exists
	 * in the pull request's files. at_base is where the base branch
	 * declared the segment (plan --base), file NULL when unknown. Both
	 * let the annotation say where it points and why. In memory only. */
	bool at_account;
	struct pos at_base;
};

/* A Data Marketplace custom share the configuration declares, still within
 * the time the destination takes to distribute it (plan/shares.h). No API
 * call exists for shares: the plan lists the steps a person takes (the
 * profile's), and apply never does anything with them. */
struct plan_share {
	const char *segment;
	const char *buyer;
	const char *shared_on; /* YYYY-MM-DD */
	bool seller_allowlisted;
	const char *due; /* YYYY-MM-DD: shared_on + the profile's share days */
	const char **steps;
	size_t n_steps;
};

struct plan_summary {
	size_t accounts_create;
	size_t accounts_update;
	size_t accounts_delete;
	size_t accounts_rename;
	size_t segments_add;
	size_t segments_remove;
	size_t refused;
	size_t shares_manual; /* plan_share entries: steps for a person, not changes */
};

struct plan {
	struct arena arena;
	struct change *changes;
	size_t n_changes;
	size_t cap_changes;
	struct plan_summary summary;
	char fingerprint[65]; /* of the actual state observed */
	const char *source;   /* desired source: "paths: examples/basic" */
	const char *backend;  /* "local:.reconciler/sandbox.json" */
	const char *profile;  /* "kargo" */
	bool prune;
	/* --only-changes observed only the accounts the pull request touches:
	 * the fingerprint is of that part alone, so apply --plan refuses it
	 * (the plan file's "partial": true). */
	bool partial;
	struct diags diags;
	struct plan_share *shares;
	size_t n_shares;
	size_t cap_shares;
};

struct plan *plan_new(void);
void plan_free(struct plan *p);
/* Appends a zeroed change; the pointer is valid until the next append. */
struct change *plan_add_change(struct plan *p);
/* Appends a zeroed share entry; the pointer is valid until the next append. */
struct plan_share *plan_add_share(struct plan *p);
/* Recounts summary from changes (refused changes are counted apart). */
void plan_summarize(struct plan *p);
/* Changes that apply would execute (not refused). */
size_t plan_effective_changes(const struct plan *p);
bool plan_has_changes(const struct plan *p);

const char *change_action_name(enum change_action a); /* "create" */
const char *change_kind_name(enum change_kind k);     /* "account" */
const char *change_origin_name(enum change_origin o); /* "change" | "drift" | NULL */
int change_action_from_name(const char *s, enum change_action *out);

/* Value helpers (strings copied into the plan's arena). */
struct value value_str(struct plan *p, const char *s);
struct value value_null(void);
struct value value_list(struct plan *p, const char *const *items, size_t n);
bool value_equal(const struct value *a, const struct value *b);

#endif
