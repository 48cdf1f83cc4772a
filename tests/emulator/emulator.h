/*
 * An emulator of LiveRamp's Activation API v2 (and its token endpoint), for
 * tests of the `liveramp` backend. It serves the contract on 127.0.0.1 only,
 * keeps its resources in the same JSON document as the `local` backend
 * (specs/sandbox.schema.json), writes that document durably after every
 * successful change and before the answer leaves, and injects latency and
 * faults (5xx, 429, resets, timeouts, broken bodies, lost answers) from a
 * seeded PRNG, so a failing run can be replayed.
 *
 * Modules:
 *   emu_main.c      options, daemon, signals, clean shutdown
 *   emu_http.c      the MHD callback: body, routing, auth, faults, answer
 *   emu_reply.c     answers: StandardError, JSON, query parameters, sleeps
 *   emu_auth.c      the token endpoint and the token table
 *   emu_store.c     the document: load, seed, persist, ids, pages
 *   emu_handlers.c  destinations, integrations, connections, managers
 *   emu_segments.c  segment configs (207 batches), segments, deliveries
 *   emu_faults.c    fault specs, the PRNG, the decision per request
 *   emu_admin.c     the admin API: faults, request log, stats, state, tokens
 *   emu_log.c       the request log (memory and --log file) and stats
 *
 * Threading: MHD runs one thread per connection. One mutex (emu.lock)
 * guards everything mutable; handlers run with it held. Sleeps (latency,
 * timeout faults) happen outside it and wake early at shutdown.
 */
#ifndef EMULATOR_H
#define EMULATOR_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#include "util/arena.h"
#include "util/hmap.h"
#include "util/strbuf.h"

/* ---- options and the server ------------------------------------------ */

struct emu_options {
	const char *state_path;
	int port; /* 0: any free port */
	const char *port_file;
	uint64_t seed;
	const char *log_path;
	long token_ttl;	 /* seconds */
	long latency_ms; /* added to every /v2 request */
	long timeout_s;	 /* how long a `timeout` fault holds its answer */
	const char *account_id;
	const char *secret_key;
	const char *org;
	const char **faults; /* --fault specs, in order */
	size_t n_faults;
	/* --write-on-exit: changes stay in memory until shutdown (make bench:
	 * writing a 40 MB state after every change would time the emulator). */
	bool write_on_exit;
	const char **tenants; /* --tenant specs: more orgs (emu_tenant.c) */
	size_t n_tenants;
};

/* Endpoint classes: what a fault spec and the stats are keyed by. */
enum emu_class {
	EC_NONE, /* unrouted (404/405) and admin: never faulted */
	EC_TOKEN,
	EC_LIST, /* any other GET */
	EC_CREATE,
	EC_UPDATE,
	EC_DELETE,
	EC_SEG_ADD,
	EC_SEG_REMOVE,
	EC_SEGMENTS,
	EC_DELIVERIES,
	EC_COUNT
};

enum emu_fault_kind {
	EF_NONE,
	EF_500,
	EF_503,
	EF_429,
	EF_TIMEOUT,
	EF_RESET,
	EF_MALFORMED,
	EF_TRUNCATED,
	EF_EXPIRED_TOKEN,
	EF_PARTIAL207,
	EF_LOST,
	EF_ECHO,	    /* 400 whose message echoes the Authorization header and the body */
	EF_REDIRECT,	    /* 302 to another host */
	EF_REDIRECT_SCHEME, /* 302 to another scheme (file:) */
	EF_HUGE,	    /* 200 with a body over 64 MiB */
	EF_SLOW,	    /* 200 whose body trickles, one byte every 100 ms, without end */
	/* Contract-valid surprises (README, Faults). */
	EF_REORDER207,
	EF_ANON207,
	EF_REPEAT_ITEMS,
	EF_CYCLE_CURSOR,
	EF_OVERSIZE_PAGE,
	EF_NO_ARRAY_KEY,
	EF_NO_SEGMENT_ID,
	/* Error answers beyond the contract, as LiveRamp's edge and other APIs send them. */
	EF_HTML403,
	EF_NESTED_ERROR,
	/* refusals: not applied, answered with that status (exactly-once tests) */
	EF_400,
	EF_404,
	EF_409,
	EF_422,
	EF_PARTIAL409, /* partial207 whose second half is refused with 409 items */
};

struct emu_fault {
	char *spec; /* as given, for GET /_admin/faults */
	int cls;    /* enum emu_class, or -1 for "*" */
	enum emu_fault_kind kind;
	double rate;	/* 0..1 */
	long remaining; /* -1: unlimited */
	long fired;
	bool after; /* armed only once the fault before it has fired (pairs) */
};

struct emu_token {
	char value[65];
	time_t expires;
};

/* splitmix64: tiny, seedable, good enough to pick faults. */
struct emu_rng {
	uint64_t s;
};

struct emu {
	struct emu_options opt;
	struct MHD_Daemon *daemon;

	pthread_mutex_t lock;  /* guards every field below */
	json_t *state;	       /* the sandbox document */
	struct arena id_arena; /* keys of ids */
	struct hmap ids;       /* every id ever used in this document: never reused */
	struct emu_rng fault_rng;
	struct emu_rng token_rng;
	struct emu_fault *faults;
	size_t n_faults;
	long latency_ms;
	long timeout_s;
	struct emu_token *tokens;
	size_t n_tokens;
	size_t cap_tokens;
	json_t *log; /* the request log, an array of entries */
	size_t log_dropped;
	FILE *log_file; /* --log, or NULL */
	json_t *stats;	/* class -> {requests, faults, statuses} */
	/* Segment configs by DM (emu_segments.c), so that listing one DM's
	 * configs does not scan the whole org's. The index is current while
	 * the `segmentConfigs` array is the one it holds a reference to, with
	 * the same size and last item: a handler adds configs at the end or
	 * removes some, never both, and the index keeps every config it lists
	 * alive, so no change goes unseen. */
	json_t *configs_arr;
	size_t configs_n;
	const json_t *configs_last;
	struct hmap configs_by_dm; /* dm id (borrowed) -> json array of its configs */
	/* The catalog by segment id, for the `segments` array it holds a
	 * reference to: the catalog is never changed in place, only replaced
	 * with the whole document. */
	json_t *catalog_arr;
	struct hmap catalog_by_id; /* segment id (borrowed) -> segment */

	/* Shutdown: sleeping handlers wait on stop_cond and leave early. */
	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	bool stopping;

	struct emu_tenant *tenants; /* the other orgs, swapped in per request */
	size_t n_tenants;
};

/* ---- more orgs: --tenant ORG:ACCOUNT_ID:SECRET_KEY:STATE (emu_tenant.c) -- */

/* What is swapped into struct emu for a request naming the tenant. */
struct emu_tenant {
	char *spec; /* owns the strings below */
	const char *org, *account_id, *secret_key, *state_path;
	json_t *state;
	struct arena id_arena;
	struct hmap ids;
	struct emu_token *tokens;
	size_t n_tokens;
	size_t cap_tokens;
};

/* ---- requests and answers --------------------------------------------- */

struct emu_request {
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const char *body; /* NUL-terminated; "" when none */
	size_t body_len;
	const char *param[2]; /* path parameters in order ({dmId}, {id}) */
	enum emu_class cls;
	bool partial;		   /* partial207 fault: fail the second half of a batch */
	enum emu_fault_kind shape; /* a fault that changes the shape of a 207 or a page */
	bool refuse_rest;	   /* partial409: that half refused (409), not failed (500) */
};

struct emu_response {
	unsigned status;
	struct strbuf body;
	const char *content_type;
	int retry_after;      /* seconds; 0: no header */
	const char *allow;    /* Allow header of a 405 */
	const char *location; /* Location header of a redirect fault */
	bool slow;	      /* the slow fault: a body that never ends */
};

/* A resource handler. Called with e->lock held; fills rs. */
typedef void emu_handler_fn(struct emu *e, struct emu_request *rq, struct emu_response *rs);

/* emu_reply.c */
void emu_reply_json(struct emu_response *rs, unsigned status, json_t *body); /* steals body */
void emu_reply_empty(struct emu_response *rs, unsigned status);
void emu_error(struct emu_response *rs, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The request body as JSON (new reference), or NULL after answering 400. */
json_t *emu_body_json(struct emu_request *rq, struct emu_response *rs);
/* A query parameter (first occurrence), or NULL. Borrowed from MHD. */
const char *emu_query(const struct emu_request *rq, const char *key);
/* Every value of a repeatable query parameter, comma lists split. */
json_t *emu_query_list(const struct emu_request *rq, const char *key);
/* The query string rebuilt from MHD's parsed arguments, secrets hidden. */
void emu_query_string(const struct emu_request *rq, struct strbuf *out);
/* Sleeps ms milliseconds, or less when the emulator is stopping. */
void emu_sleep_ms(struct emu *e, long ms);
const char *emu_class_name(enum emu_class c);
int emu_class_parse(const char *s); /* -1: "*", -2: unknown */

/* emu_auth.c */
emu_handler_fn emu_token_grant;
/* 0 when the request carries a valid bearer token and the right org;
 * otherwise answers 401/403 and returns -1. *auth_ok / *org_ok say which
 * header was valid, for the request log. */
int emu_auth_check(struct emu *e, struct emu_request *rq, struct emu_response *rs, bool *auth_ok,
		   bool *org_ok);
/* The expired_token fault: revokes the request's token and answers 401. */
void emu_auth_expire_request(struct emu *e, struct emu_request *rq, struct emu_response *rs);
size_t emu_auth_expire_all(struct emu *e);
void emu_auth_free(struct emu *e);

/* emu_store.c */
int emu_store_open(struct emu *e);
void emu_store_close(struct emu *e);
/* Writes the document durably. On failure answers rs with 500, restores the
 * document from the file, and returns -1. */
int emu_store_commit(struct emu *e, struct emu_response *rs);
/* Replaces the whole document after checking its shape (POST /_admin/state). */
int emu_store_replace(struct emu *e, json_t *doc, struct emu_response *rs);
/* Managers past their expireAt turn INACTIVE, as LiveRamp does itself. */
void emu_store_expire_managers(struct emu *e);
json_t *emu_array(struct emu *e, const char *key);   /* borrowed */
json_t *emu_find(const json_t *arr, const char *id); /* borrowed or NULL */
void emu_remove(json_t *arr, const json_t *obj);
const char *emu_str(const json_t *obj, const char *key); /* NULL unless a string */
void emu_new_id(struct emu *e, char buf[32]);
json_t *emu_timestamp(void);
/* view: makes the API's form of one stored item (new reference). */
typedef json_t *emu_view_fn(const json_t *item);
/* Answers one page of items (filtered, in order) as {key: [...],
 * "_pagination": {after, total}}, reading limit and after from the query. */
void emu_page(struct emu_request *rq, struct emu_response *rs, const char *key, const json_t *items,
	      emu_view_fn *view);

/* emu_handlers.c */
emu_handler_fn emu_destinations_list, emu_destination_get, emu_integrations_list, emu_integration_get;
emu_handler_fn emu_ic_create, emu_ic_list, emu_ic_get, emu_ic_put, emu_ic_delete;
emu_handler_fn emu_dm_create, emu_dm_list, emu_dm_get, emu_dm_put, emu_dm_delete;
bool emu_valid_name(const json_t *name, struct emu_response *rs);
bool emu_valid_expire(const json_t *v, struct emu_response *rs);
json_t *emu_dm_new(struct emu *e, const char *name, const char *ic_id, const char *status, json_t *expire);

/* emu_segments.c */
emu_handler_fn emu_configs_list, emu_config_get, emu_configs_add, emu_configs_remove;
emu_handler_fn emu_segments_list, emu_segment_get, emu_deliveries_list;
/* Deletes a manager's segment configs (its own deletion, or its IC's). */
void emu_configs_drop_for(struct emu *e, const char *dm_id);
/* Frees the indexes above (they are rebuilt when next needed). */
void emu_configs_index_free(struct emu *e);

/* emu_faults.c */
uint64_t emu_rng_next(struct emu_rng *r);
/* Parses "CLASS:KIND[:RATE][:COUNT]". On error returns -1 with a message. */
int emu_fault_parse(struct emu_fault *f, const char *spec, struct strbuf *err);
void emu_faults_clear(struct emu *e);
/* Replaces the fault set; all or nothing. */
int emu_faults_set(struct emu *e, const char *const *specs, size_t n, struct strbuf *err);
/* The fault to inject on this request, or EF_NONE; counts it. */
enum emu_fault_kind emu_fault_pick(struct emu *e, const struct emu_request *rq);
const char *emu_fault_name(enum emu_fault_kind k);
json_t *emu_faults_json(struct emu *e);

/* emu_admin.c */
void emu_admin(struct emu *e, struct emu_request *rq, struct emu_response *rs);

/* emu_log.c */
struct emu_log_entry {
	const struct emu_request *rq;
	const char *outcome; /* "reset", "lost", or NULL: the status */
	unsigned status;
	int auth; /* 1, 0, or -1: not checked */
	int org;
	enum emu_fault_kind fault;
	long ms;
};
int emu_log_open(struct emu *e);
void emu_log_close(struct emu *e);
void emu_log_add(struct emu *e, const struct emu_log_entry *le);
void emu_log_clear(struct emu *e);
json_t *emu_stats_json(struct emu *e);

/* emu_tenant.c */
int emu_tenants_open(struct emu *e); /* 0; 2 for a bad spec; 1 for a bad state */
void emu_tenants_close(struct emu *e);
/* The tenant rq names, or NULL (the main org). */
struct emu_tenant *emu_tenant_for(struct emu *e, const struct emu_request *rq);
/* Swaps t's fields with e's; the same call again swaps them back. */
void emu_tenant_swap(struct emu *e, struct emu_tenant *t);

/* emu_http.c */
enum MHD_Result emu_http_handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				const char *version, const char *upload_data, size_t *upload_data_size,
				void **con_cls);
void emu_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			enum MHD_RequestTerminationCode toe);

#endif
