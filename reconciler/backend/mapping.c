#include "backend/mapping.h"

#include <string.h>

#include "util/strbuf.h"
#include "util/text.h"

#define RULE "backend"

void json_array_add_unique(json_t *arr, const char *s)
{
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const char *have = json_string_value(json_array_get(arr, i));
		if (have && strcmp(have, s) == 0)
			return;
	}
	json_array_append_new(arr, json_string(s));
}

json_t *mapping_device_types(const struct profile *p, const struct account *want, struct diags *d)
{
	json_t *types = json_array();
	for (size_t i = 0; i < want->n_identifiers; i++) {
		const char *word = want->identifiers[i].v;
		const struct profile_identifier *id = word ? profile_identifier(p, word) : NULL;
		if (!id || id->n_device_types == 0) {
			diag_error(d, RULE, NULL, "use an identifier the destination profile lists",
				   "identifier \"%s\" has no device type in profile %s", word ? word : "",
				   p->id ? p->id : "?");
			json_decref(types);
			return NULL;
		}
		for (size_t j = 0; j < id->n_device_types; j++)
			json_array_add_unique(types, id->device_types[j]);
	}
	return types;
}

void mapping_identifiers(struct state *s, struct account *a, const char *const *device_types, size_t n,
			 const char *connection_id, const struct profile *p, struct diags *d)
{
	a->identifiers = arena_alloc(&s->arena, (n ? n : 1) * sizeof(*a->identifiers));
	a->n_identifiers = 0;
	a->identifiers_declared = true;
	for (size_t i = 0; i < n; i++) {
		const char *dt = device_types[i];
		const char *word = dt ? profile_identifier_for_device_type(p, dt) : NULL;
		if (!word) {
			diag_warning(d, RULE, NULL,
				     "the destination profile maps no identifier to it; change the device "
				     "types in Connect if this is not intended",
				     "account \"%s\" (integration connection %s) sends device type %s, "
				     "which is not shown",
				     a->name.v, connection_id, dt ? dt : "(none)");
			continue;
		}
		if (!account_has_identifier(a, word))
			a->identifiers[a->n_identifiers++].v = state_strdup(s, word);
	}
}

int account_name_check(const struct profile *p, const char *name, const char *status, bool connect,
		       struct diags *d)
{
	struct strbuf folded = STRBUF_INIT;
	str_fold(&folded, name ? name : "");
	bool empty = folded.len == 0;
	sb_release(&folded);
	if (empty) {
		diag_error(d, RULE, NULL, "give the account a name", "%san account needs a name", status);
		return -1;
	}
	size_t len = utf8_length(name);
	if (p->account_name_max && len > p->account_name_max) {
		struct strbuf also = STRBUF_INIT;
		if (connect)
			sb_printf(&also, " (Connect: %u)", p->account_name_max_connect);
		diag_error(
		    d, RULE, NULL, "shorten the name (Connect itself allows longer names, the API does not)",
		    "%sthe account name \"%s\" has %zu characters; the Activation API allows at most %u%s",
		    status, name, len, p->account_name_max, also.len ? also.buf : "");
		sb_release(&also);
		return -1;
	}
	return 0;
}

const char *mapping_client_key(const struct profile *p, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p->client_name_property_hint && strcasestr(names[i], p->client_name_property_hint))
			return names[i];
	return n == 1 ? names[0] : NULL;
}
