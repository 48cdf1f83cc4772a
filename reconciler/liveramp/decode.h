/*
 * Decoders of the Activation API's answers: pure functions from the bytes
 * of a response body to small structs.
 *
 * What they promise: every field the backend reads is type-checked against
 * the contract (OpenAPI 2.9.0); anything else in a body is ignored. A body
 * that is not JSON, or whose fields have the wrong type, gives -1 and one
 * diagnostic (rule "backend") naming the field ("v2/DistributionManagers[3].
 * status: expected ACTIVE or INACTIVE"), never a crash: these functions are
 * fuzzed. No I/O, no global state.
 *
 * Ownership: every string and array of a decoded value is allocated in the
 * arena the caller passes, and lives until arena_free(). Nothing is
 * allocated on failure that the arena does not own, so a failed decode
 * needs no cleanup beyond the arena.
 *
 * `what` names the request in diagnostics ("GET /v2/destinations"); it
 * may be NULL.
 */
#ifndef RECONCILER_LIVERAMP_DECODE_H
#define RECONCILER_LIVERAMP_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/diag.h"

/* The token endpoint's answer. access_token is a secret: never put it in
 * a message. */
struct api_token {
	const char *access_token;
	const char *token_type; /* "Bearer", or NULL when absent */
	long long expires_in;	/* seconds, > 0 */
};

/* StandardError {httpStatus, errorCode, message}, the shape other LiveRamp
 * APIs use {"error": {message, code, requestId}}, or an OAuth2 error
 * {error, error_description}: whichever fields are present. */
struct api_error {
	int http_status;	/* 0 when absent */
	const char *code;	/* errorCode, error.code or error; NULL when absent */
	const char *message;	/* message, error.message or error_description; NULL when absent */
	const char *request_id; /* requestId (either shape): what support asks for; or NULL */
};

struct api_destination {
	const char *id;
	const char *name;
};

struct api_integration {
	const char *id;
	const char *name;
	const char **required_properties; /* requiredProperties[].name */
	size_t n_required_properties;
};

struct api_property {
	const char *key;
	const char *value;
};

/* An IntegrationConnection. */
struct api_ic {
	const char *id;
	const char *destination_id; /* integrationID[0] */
	const char *integration_id; /* integrationID[1] */
	struct api_property *properties;
	size_t n_properties;
	const char **device_types;
	size_t n_device_types;
};

/* A DistributionManager. */
struct api_dm {
	const char *id;
	const char *name;
	const char *ic_id;     /* integrationConnectionID */
	bool inactive;	       /* status INACTIVE (else ACTIVE) */
	const char *expire_at; /* "YYYY-MM-DD" (a date-time is cut to its date); NULL: none */
};

/* A SegmentConfig of a DistributionManager. */
struct api_config {
	const char *id;
	const char *segment_id;
	bool marketplace;  /* segmentType DATA_MARKETPLACE (else ONBOARDING) */
	const char *dm_id; /* distributionManagerID; NULL when the answer leaves it out */
};

/* A segment: a field-value pair. */
struct api_segment {
	const char *id;
	const char *name; /* not in the contract; read when a server sends it */
	const char *field_name;
	const char *value;
	bool marketplace; /* type DATA_MARKETPLACE */
};

/* A delivery of a segment to a connection (v2/Deliveries). */
struct api_delivery {
	const char *id;
	const char *status;	 /* FAILED, CANCELLED, PENDING, IN_PROGRESS or DELIVERED */
	const char *device_type; /* NULL when absent */
	long long record_count;	 /* -1 when absent */
	const char *updated_at;	 /* as sent */
	const char *segment_id;	 /* NULL when absent */
	const char *ic_id;	 /* integrationConnectionID */
	bool remove;		 /* operationType DELETE (else ADD) */
};

/* One item of a 207 multi-status answer. */
struct api_item_status {
	const char *id; /* the config id, or what the item named; may be NULL */
	int http_status;
	const char *code;
	const char *message;
};

/* The kinds of list items, each with its array key and item struct. */
enum api_kind {
	API_DESTINATION, /* struct api_destination, "v2/Destinations" */
	API_INTEGRATION, /* struct api_integration, "integrations" */
	API_IC,		 /* struct api_ic, "v2/IntegrationConnections" */
	API_DM,		 /* struct api_dm, "v2/DistributionManagers" */
	API_CONFIG,	 /* struct api_config, "segmentConfigs" */
	API_SEGMENT,	 /* struct api_segment, "v2/Segments" */
	API_DELIVERY,	 /* struct api_delivery, "v2/Deliveries" */
	API_KIND_COUNT
};

/* One page of a list. items points to n structs of the kind's type. A
 * list answer without its array key is an empty page (no property of a
 * list answer is required); a page of more than API_PAGE_MAX items is
 * refused before they are decoded. */
#define API_PAGE_MAX 100
struct api_page {
	void *items;
	size_t n;
	const char *after; /* _pagination.after; NULL at the last page */
	long long total;   /* _pagination.total; -1 when absent */
};

/* The array key of a kind's list answer ("v2/DistributionManagers"). */
const char *api_kind_key(enum api_kind kind);
/* sizeof the kind's item struct. */
size_t api_kind_size(enum api_kind kind);
/* The id of a decoded item of the kind (every item struct has one). */
const char *api_item_id(enum api_kind kind, const void *item);

int api_decode_page(struct api_page *out, enum api_kind kind, const char *body, size_t len, struct arena *a,
		    const char *what, struct diags *d);
/* The same from a body parsed already (a json_t *, borrowed: the parse of
 * http_request.json), so that a page is parsed once. */
int api_decode_page_json(struct api_page *out, enum api_kind kind, const void *parsed, struct arena *a,
			 const char *what, struct diags *d);
/* A single resource (GET /v2/distribution-managers/{id}); out points to
 * the kind's struct. */
int api_decode_object(void *out, enum api_kind kind, const char *body, size_t len, struct arena *a,
		      const char *what, struct diags *d);
int api_decode_token(struct api_token *out, const char *body, size_t len, struct arena *a, const char *what,
		     struct diags *d);
/* The `id` of a 201 answer ({"id": "..."}). */
int api_decode_created(const char **id, const char *body, size_t len, struct arena *a, const char *what,
		       struct diags *d);
int api_decode_multi_status(struct api_item_status **items, size_t *n, const char *body, size_t len,
			    struct arena *a, const char *what, struct diags *d);
/* An error body. Returns -1 (without a diagnostic: an error answer that is
 * not JSON is common, a proxy's HTML page) when nothing could be read. */
int api_decode_error(struct api_error *out, const char *body, size_t len, struct arena *a);

#endif
