/*
 * Inside the liveramp backend: what the files of liveramp/ share. Nobody
 * else includes this header.
 *
 *   liveramp/liveramp.c     open, close, lock/flush (no-ops), the ops table
 *   liveramp/config.c       environment and credentials file
 *   liveramp/list.c         paginated lists, concurrently; the Kargo target
 *   liveramp/observe.c      API resources -> struct state (as local/observe.c)
 *   liveramp/catalog.c      the segment catalog of an observe
 *   liveramp/write.c        THE policy for writes whose answer was lost; PUT/DELETE
 *   liveramp/account.c      create, update, delete accounts
 *   liveramp/segments.c     segment-config batches (207 answers)
 *   liveramp/deliveries.c   delivery reports (v2/Deliveries)
 *   liveramp/token.c        the access token: the HTTP engine's hooks (client.h)
 *   liveramp/report.c       pages of a list; reports of failed requests (client.h)
 *   liveramp/decode*.c      the decoders of answers (decode.h)
 */
#ifndef RECONCILER_LIVERAMP_PRIVATE_H
#define RECONCILER_LIVERAMP_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "liveramp/decode.h"
#include "backend/backend.h"
#include "http/http.h"
#include "liveramp/client.h"
#include "liveramp/liveramp.h"
#include "util/arena.h"
#include "util/hmap.h"

#define LR_RULE "backend"

struct liveramp {
	struct backend base; /* first: a struct backend * is a struct liveramp * */
	struct liveramp_config cfg;
	struct http_client *http;
	char *pin_destination; /* settings.destination_id, or NULL */
	char *pin_integration;
	const struct state *desired; /* backend_options.desired: borrowed, or NULL */
	const struct scope *scope;   /* backend_options.scope: borrowed, or NULL (all) */
	/* The profile's destination and integration, found once (liveramp/list.c). */
	bool target_known;
	const char *destination_id;
	const char *integration_id;
	const char *client_key; /* the required property holding the client name, or NULL */
	struct arena arena;	/* target ids, ids handed to callers: valid until close */
	int lock_fd;		/* the org's lock file while locked (liveramp/lock.c), else -1 */
};

static inline struct liveramp *lr_of(struct backend *b)
{
	return (struct liveramp *)b;
}

/* ---- liveramp/lock.c ---------------------------------------------------- */

/* The org's lock on this machine: waits up to timeout_ms, then fails with
 * a message naming the org. Release is harmless when not locked. */
int lr_lock_acquire(struct liveramp *l, int timeout_ms, struct diags *d);
void lr_lock_release(struct liveramp *l);

/* ---- liveramp/list.c ---------------------------------------------------- */

/* One paginated list: every page of `path`, items decoded into one array. */
struct lr_list {
	struct http_request req;
	const char *path;   /* borrowed */
	const char *filter; /* extra query ("integrationConnectionID=7"), borrowed; or NULL */
	enum api_kind kind;
	struct arena *arena; /* where decoded strings go (borrowed) */
	char *items;	     /* n structs of the kind's type; heap, lr_list_release */
	size_t n, cap;
	unsigned pages;
	struct hmap ids;     /* item id -> 1: an item repeated across pages is taken once */
	struct hmap cursors; /* every `after` seen in this walk: one seen again is a cycle */
	size_t repeated;     /* items taken once though listed again */
	long long total;     /* _pagination.total of the last page; -1 when not sent */
	bool one_page;	     /* stop after the next page; lr_list_run again goes on */
	const char *resume;  /* the cursor after the last page read; NULL at the end */
	/* Called after each page is appended (ls->resume NULL: it was the
	 * last); it may change one_page, and start lists (lr_list_start). */
	void (*on_page)(struct lr_list *ls, void *ctx);
	void *on_page_ctx;
	bool first; /* its pages go before other waiting requests (others wait for them) */
	bool bad;   /* a page could not be decoded (diags says why) */
	struct diags diags;
	struct liveramp *l;
};

void lr_list_init(struct lr_list *ls, struct liveramp *l, enum api_kind kind, const char *path,
		  const char *filter, struct arena *a);
void lr_list_release(struct lr_list *ls);
/* Fetches every page of every list, the lists concurrently. Returns 0, or
 * -1 with a diagnostic per list that failed. A list marked one_page gets
 * one page per run: the first, then the one after ls->resume. */
int lr_list_run(struct liveramp *l, struct lr_list **lists, size_t n, const struct http_progress *p,
		struct diags *d);
/* From an on_page hook: fetches ls too, as part of the lr_list_run in
 * progress (which does not check it: lr_list_check). */
void lr_list_start(struct liveramp *l, struct lr_list *ls);
/* After the run: 0, or -1 with a diagnostic when ls failed. */
int lr_list_check(struct liveramp *l, struct lr_list *ls, struct diags *d);
/* Whether a one_page list has pages left. */
static inline bool lr_list_more(const struct lr_list *ls)
{
	return ls->resume != NULL;
}
/* The i-th item of a list. */
static inline void *lr_list_item(const struct lr_list *ls, size_t i)
{
	return ls->items + i * api_kind_size(ls->kind);
}
/* Finds the profile's destination, integration and client-name property
 * (or takes the pinned ids). Cached after the first success. */
int lr_target(struct liveramp *l, struct diags *d);
/* lr_target in steps, for observe to read them beside its other lists
 * (without a pinned integration): the list of destinations, the id of the
 * profile's one in it (in l's arena; NULL with a diagnostic), the list of
 * its integrations, and the target from it (0, or -1 with a diagnostic). */
void lr_destinations_init(struct lr_list *ls, struct liveramp *l, struct arena *a);
const char *lr_target_destination(struct liveramp *l, const struct lr_list *ls, struct diags *d);
void lr_integrations_init(struct lr_list *ls, struct liveramp *l, const char *dest, struct arena *a);
int lr_target_integration(struct liveramp *l, const char *dest, const struct lr_list *ls, struct diags *d);
/* Whether an IC belongs to the target. */
bool lr_ic_in_target(const struct liveramp *l, const struct api_ic *ic);
/* GETs one resource and decodes it into out (the kind's struct). *status
 * is the HTTP status (0: no answer). Returns 0 on a 2xx; -1 otherwise,
 * with a diagnostic unless the status is 404 and quiet_404 is set. */
int lr_get(struct liveramp *l, enum api_kind kind, const char *path, void *out, struct arena *a,
	   bool quiet_404, long *status, struct diags *d);

/* ---- liveramp/observe.c ------------------------------------------------- */

int lr_observe(struct backend *b, struct state **out, struct diags *d);

/* ---- liveramp/write.c --------------------------------------------------- */

/* A write, as the retry policy sees it (liveramp/write.c explains why). */
enum lr_check { LR_NOT_DONE = 0, LR_DONE = 1 };
struct lr_write {
	const char *what_for; /* "create account 'Acme'", for messages */
	/* Sets r to the request to send (again). */
	void (*prepare)(struct lr_write *w, struct http_request *r);
	/* Reads a 2xx answer. Returns 0 when done, 1 when parts of the write
	 * must be confirmed and sent again (a 207 with 5xx items), -1 on error. */
	int (*accept)(struct lr_write *w, const struct http_request *r, struct diags *d);
	/* After a lost answer: re-reads and says whether the write took effect
	 * (LR_DONE), did not (LR_NOT_DONE), or -1 when that cannot be told. */
	int (*check)(struct lr_write *w, struct diags *d);
	/* Called when attempts run out with parts still not done; may be NULL. */
	void (*give_up)(struct lr_write *w, const struct http_request *last);
	struct liveramp *l;
	void *ctx;
};
int lr_write_run(struct lr_write *w, struct diags *d);

/* A PUT or DELETE of one resource, checked by GETting path back. */
struct lr_one {
	enum http_method method;
	const char *path;
	const char *body; /* or NULL */
	enum api_kind kind;
	/* PUT: whether the resource read back holds what was sent. */
	bool (*holds)(const void *got, const void *want);
	const void *want;
};
int lr_write_one(struct liveramp *l, struct lr_one *o, const char *what_for, struct diags *d);
/* PUT of a DM's name, status and expireAt (all three). */
int lr_put_manager(struct liveramp *l, const char *dm_id, const struct account *want, const char *what_for,
		   struct diags *d);
/* What the API would refuse, checked before anything is sent: the name
 * and its length, the client name and its property, that the end date is
 * a date (whether it is past: lr_check_end_date). */
int lr_check_account(const struct liveramp *l, const struct account *want, struct diags *d);
/* A past end date cannot be set; kept, the manager's end date now (or
 * NULL), may be carried unchanged. */
int lr_check_end_date(const struct account *want, const char *kept, struct diags *d);
/* GETs the DM and PUTs it (lr_put_manager) only when its name, status or
 * end date differ from want's. */
int lr_update_manager(struct liveramp *l, const char *dm_id, const struct account *want, const char *what_for,
		      struct diags *d);
/* json_dumps (compact) and json_decref: a malloc'ed string. */
char *lr_dump(json_t *v);
/* "/v2/COLLECTION/ID", the id escaped; malloc'ed. */
char *lr_resource_path(const char *collection, const char *id);

int lr_create_account(struct backend *b, const struct account *want, struct account_ref *out,
		      struct diags *d);
int lr_update_account(struct backend *b, const struct account_ref *ref, const struct account *want,
		      struct diags *d);
int lr_delete_account(struct backend *b, const struct account_ref *ref, struct diags *d);

/* ---- liveramp/segments.c ------------------------------------------------ */

int lr_add_segments(struct backend *b, const struct account_ref *ref, const struct segment *segs, size_t n,
		    struct batch_item_result *results, struct diags *d);
int lr_remove_segments(struct backend *b, const struct account_ref *ref, const struct segment *segs, size_t n,
		       struct batch_item_result *results, struct diags *d);

/* ---- liveramp/deliveries.c ---------------------------------------------- */

int lr_deliveries(struct backend *b, const struct delivery_query *q, struct delivery_list *out,
		  struct diags *d);

#endif
