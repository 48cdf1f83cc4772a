/*
 * How an account's identifiers travel as Activation API device types, and
 * back (the facts file's Decision 2: cookies -> WEB, ramp_ids -> RAMP_ID,
 * ctv_ids -> CUSTOM_ID, mobile_device_ids -> IOS + ANDROID), as the
 * destination profile says. One module so that the local sandbox and the
 * liveramp backend cannot map differently: the sandbox is the reference
 * behaviour the API backend must match.
 */
#ifndef RECONCILER_BACKEND_MAPPING_H
#define RECONCILER_BACKEND_MAPPING_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "model/model.h"
#include "rules/profile.h"
#include "util/diag.h"

/* The device types of want's identifiers, each once, as a new JSON array;
 * NULL with an error diagnostic when an identifier has none. */
json_t *mapping_device_types(const struct profile *p, const struct account *want, struct diags *d);

/* Sets a's identifiers (allocated in s) from an integration connection's
 * device types, each word once; a device type the profile maps to no word
 * is left out with a warning naming the account and connection_id. */
void mapping_identifiers(struct state *s, struct account *a, const char *const *device_types, size_t n,
			 const char *connection_id, const struct profile *p, struct diags *d);

/* The Activation API's rule for an account name, the same in both
 * backends: not empty once folded, at most the profile's account_name_max
 * characters. 0, or -1 with a diagnostic (rule "backend") whose message
 * starts with status ("400 " as the sandbox imitates the API's answer, or
 * "") and, with connect, names Connect's own limit too. */
int account_name_check(const struct profile *p, const char *name, const char *status, bool connect,
		       struct diags *d);

/* Which of an integration's required properties (names[0..n)) carries an
 * account's client name: the first whose name contains the profile's
 * client_name_property_hint, case folded, else the only one there is, else
 * NULL. Borrowed from names. */
const char *mapping_client_key(const struct profile *p, const char *const *names, size_t n);

/* Appends s to the JSON array of strings arr unless it is there already. */
void json_array_add_unique(json_t *arr, const char *s);

#endif
