/*
 * Destination profiles: a destination's integration rules as data.
 *
 * A profile is loaded from YAML (specs/destinations/NAME.yaml, compiled into
 * the binary, or a file given by path) and describes what the destination
 * accepts: identifiers and their API device types, precision levels, TTL,
 * record sync, raw fields, duplicate segment names, required account fields,
 * name limits, the Data Marketplace policy, and the texts that explain each
 * rule to the user. No C code knows any destination's facts; the checks in
 * rules/check.c read them from here.
 *
 * Rule ids of a profile's checks are "<profile id>.<rule>", e.g.
 * "kargo.identifiers".
 */
#ifndef RECONCILER_RULES_PROFILE_H
#define RECONCILER_RULES_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/diag.h"

struct profile_identifier {
	const char *name;  /* Connect's word, as in configs: "ctv_ids" */
	const char *label; /* for messages: "CTV IDs" */
	bool allowed;
	const char **device_types; /* API DeviceType values: "CUSTOM_ID" */
	size_t n_device_types;
	const char *note; /* shown with the diagnostic, or NULL */
};

struct profile_precision {
	const char *name; /* "individual" */
	bool allowed;
};

struct profile {
	struct arena arena;
	const char *id;		      /* "kargo": the rule id prefix */
	const char *destination_name; /* "Kargo": found by name through the API */
	const char *integration_name; /* "Kargo First-Party Data" */
	struct profile_identifier *identifiers;
	size_t n_identifiers;
	struct profile_precision *precisions;
	size_t n_precisions;
	const char *precision_note; /* e.g. "set by LiveRamp support" */
	unsigned ttl_days;
	unsigned first_delivery_days; /* a new segment should arrive within */
	unsigned refresh_days;	      /* LiveRamp re-sends data about this often */
	bool record_sync;
	const char *record_sync_reason;
	bool raw_fields;
	const char *raw_fields_reason;
	bool duplicate_segment_names;
	const char *duplicate_segment_names_reason;
	const char **required_account_fields; /* config field names: "client_name" */
	/* parallel to required_account_fields: "Client name: your company name" */
	const char **required_account_field_descriptions;
	size_t n_required_account_fields;
	const char *client_name_property_hint; /* word to find the property key: "client" */
	bool oauth_required;
	bool activation_needs_liveramp;
	unsigned account_name_max;	   /* API limit: 50 */
	unsigned account_name_max_connect; /* Connect's limit: 149 */
	unsigned segment_name_max;	   /* 250 */
	bool marketplace_allowed;
	const char *marketplace_reason;
	const char *marketplace_standard_hint;
	const char *marketplace_custom_hint;
	unsigned marketplace_share_days;      /* the platform distributes a share within */
	const char **marketplace_share_steps; /* manual steps for a custom share */
	size_t n_marketplace_share_steps;
	const char *marketplace_changes_note; /* edits/removals of DM segments, or NULL */
	bool delivery_stats;
	bool conversions_api;
	int exposure_logs;	       /* 1 yes, 0 no, -1 unknown (null in the profile) */
	long audiences_per_seat_limit; /* -1 unknown (null in the profile) */
};

/* Loads a profile: `name_or_path` is an embedded profile's name ("kargo")
 * or a path to a YAML file. Problems in the profile itself are reported
 * with the rule id "profile" and the position in the profile file.
 * Returns 0, or -1 with diagnostics. */
int profile_load(struct profile **out, const char *name_or_path, struct diags *d);
/* Parses profile YAML from memory (label names it in diagnostics). */
int profile_parse(struct profile **out, const char *label, const char *data, size_t len, struct diags *d);
void profile_free(struct profile *p);

const struct profile_identifier *profile_identifier(const struct profile *p, const char *name);
/* The config word for an API device type ("CUSTOM_ID" -> "ctv_ids"), or
 * NULL when the profile maps no identifier to it. */
const char *profile_identifier_for_device_type(const struct profile *p, const char *device_type);
/* Writes the rule id "<id>.<rule>" into buf. */
const char *profile_rule_id(const struct profile *p, const char *rule, char *buf, size_t size);

#endif
