/*
 * Writes: the one policy for writes whose answer was lost (lr_write_run,
 * used by accounts and segment batches alike), writes of one resource
 * (PUT, DELETE) checked by reading it back, and the checks an account
 * passes before anything is sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "backend/mapping.h"
#include "liveramp/private.h"
#include "util/clock.h"
#include "util/text.h"

/* ---- THE POLICY ------------------------------------------------------------------
 *
 * The Activation API has no idempotency keys. A write whose answer was lost
 * (a timeout, a reset, a 5xx, a garbled body) may or may not have been
 * carried out, and sending it again blind could create the same account
 * twice or add a segment twice. So a write is never re-sent on the HTTP
 * layer's own initiative (resend_lost is cleared here); instead, after a
 * lost answer we wait (backoff with jitter), read back what the write was
 * meant to change (w->check), and send again only what did not happen.
 * When reading back fails too, nothing more is sent: the user runs the
 * command again, and the next run observes before it plans.
 *
 * Answers that say no (4xx) are reported and never retried: sending the
 * same thing again gets the same no. 401/403 get one retry with a new
 * token in http/engine.c (the API refused before acting), 429 and failures to
 * connect are retried there (nothing was acted on).
 */

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (ms > 0 && nanosleep(&ts, &ts) != 0)
		;
}

int lr_write_run(struct lr_write *w, struct diags *d)
{
	struct liveramp *l = w->l;
	struct http_request r = { 0 };
	int rc = -1;
	for (int round = 0;; round++) {
		w->prepare(w, &r);
		r.resend_lost = false; /* see above: we decide, after reading back */
		http_send(l->http, &r);
		if (http_ok(&r)) {
			int st = w->accept(w, &r, d);
			if (st <= 0) {
				rc = st;
				break;
			}
		} else if (r.outcome != HTTP_LOST) {
			lr_report(l->http, &r, w->what_for, NULL, d);
			break;
		}
		/* A 503's Retry-After holds for the read-back too. */
		sleep_ms(http_client_wait_ms(l->http, &r, round));
		int done = w->check(w, d);
		if (done < 0) {
			diag_error(
			    d, LR_RULE, NULL,
			    "run the command again: it observes first, so it sends only what is missing",
			    "%s: the answer to %s was lost and reading back whether it took effect failed; "
			    "nothing more was sent",
			    w->what_for, r.what);
			break;
		}
		if (done == LR_DONE) {
			rc = 0;
			break;
		}
		if (round >= l->cfg.max_retries) {
			if (http_ok(&r) && w->give_up) {
				w->give_up(w, &r);
				rc = 0;
			} else {
				lr_report(l->http, &r, w->what_for,
					  "run the command again later: it observes first, so nothing is "
					  "done twice",
					  d);
			}
			break;
		}
	}
	http_request_release(&r);
	return rc;
}

/* ---- checks before writing ---------------------------------------------------------- */

static int check_name(const struct liveramp *l, const char *name, struct diags *d)
{
	return account_name_check(l->base.profile, name, "", true, d);
}

int lr_check_account(const struct liveramp *l, const struct account *want, struct diags *d)
{
	long days;
	if (check_name(l, want->name.v, d) != 0)
		return -1;
	if (!l->client_key) {
		diag_error(d, LR_RULE, NULL,
			   "pin settings.integration_id to the right integration, or ask LiveRamp",
			   "cannot tell which required property of integration %s holds the client name",
			   l->integration_id);
		return -1;
	}
	if (!want->client_name.v || !*want->client_name.v) {
		diag_error(d, LR_RULE, NULL, "set client_name on the account",
			   "the integration requires a client name");
		return -1;
	}
	if (want->expire_at.v && !date_parse(want->expire_at.v, &days)) {
		diag_error(d, LR_RULE, NULL, "write the end date as YYYY-MM-DD",
			   "expire_at \"%s\" is not a date", want->expire_at.v);
		return -1;
	}
	return 0;
}

int lr_check_end_date(const struct account *want, const char *kept, struct diags *d)
{
	long days;
	if (!want->expire_at.v || (kept && strcmp(want->expire_at.v, kept) == 0))
		return 0;
	if (date_parse(want->expire_at.v, &days) && days < clock_today()) {
		diag_error(d, LR_RULE, NULL, "choose a date from today on, or no end date",
			   "expire_at %s is in the past", want->expire_at.v);
		return -1;
	}
	return 0;
}

static json_t *manager_body(const struct account *want)
{
	return json_pack("{s:s, s:s, s:o}", "name", want->name.v, "status",
			 want->status == STATUS_INACTIVE ? "INACTIVE" : "ACTIVE", "expireAt",
			 want->expire_at.v ? json_string(want->expire_at.v) : json_null());
}

char *lr_dump(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	return s;
}

char *lr_resource_path(const char *collection, const char *id)
{
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "/v2/%s/", collection);
	http_escape(&sb, id ? id : "");
	return sb_detach(&sb);
}

/* ---- writes to one resource: PUT and DELETE -------------------------------------------- */

static void one_prepare(struct lr_write *w, struct http_request *r)
{
	const struct lr_one *o = w->ctx;
	http_request_init(r, w->l->http, o->method, o->path, o->body);
}

static int one_accept(struct lr_write *w, const struct http_request *r, struct diags *d)
{
	return 0;
}

static int one_check(struct lr_write *w, struct diags *d)
{
	const struct lr_one *o = w->ctx;
	struct arena a = ARENA_INIT;
	union {
		struct api_ic ic;
		struct api_dm dm;
	} got;
	long status;
	int rc = lr_get(w->l, o->kind, o->path, &got, &a, true, &status, d);
	int done = -1;
	if (o->method == HTTP_DELETE)
		done = status == 404 ? LR_DONE : rc == 0 ? LR_NOT_DONE : -1;
	else if (rc == 0)
		done = o->holds(&got, o->want) ? LR_DONE : LR_NOT_DONE;
	else if (status == 404)
		diag_error(d, LR_RULE, NULL, "observe again: it was deleted meanwhile", "%s no longer exists",
			   o->path);
	arena_free(&a);
	return done;
}

int lr_write_one(struct liveramp *l, struct lr_one *o, const char *what_for, struct diags *d)
{
	struct lr_write w = { .what_for = what_for,
			      .prepare = one_prepare,
			      .accept = one_accept,
			      .check = one_check,
			      .l = l,
			      .ctx = o };
	return lr_write_run(&w, d);
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool dm_holds(const void *got, const void *want)
{
	const struct api_dm *dm = got;
	const struct account *a = want;
	return strcmp(dm->name, a->name.v) == 0 && dm->inactive == (a->status == STATUS_INACTIVE) &&
	       same_str(dm->expire_at, a->expire_at.v);
}

/* The DM's three fields, all sent: the API's PUT needs them all (a PUT
 * without expireAt is refused; null is "no end date"). */
int lr_put_manager(struct liveramp *l, const char *dm_id, const struct account *want, const char *what_for,
		   struct diags *d)
{
	char *path = lr_resource_path("distribution-managers", dm_id);
	char *body = lr_dump(manager_body(want));
	struct lr_one o = { HTTP_PUT, path, body, API_DM, dm_holds, want };
	int rc = lr_write_one(l, &o, what_for, d);
	free(body);
	free(path);
	return rc;
}

/* Only when the manager's name, status or end date differ from want: a
 * change of client name or identifiers is the connection's alone, and a
 * manager that ended would refuse its own past end date were it sent as a
 * new one. */
int lr_update_manager(struct liveramp *l, const char *dm_id, const struct account *want, const char *what_for,
		      struct diags *d)
{
	struct arena a = ARENA_INIT;
	struct api_dm dm;
	long status;
	char *path = lr_resource_path("distribution-managers", dm_id);
	int rc = lr_get(l, API_DM, path, &dm, &a, false, &status, d);
	if (rc == 0 && !dm_holds(&dm, want)) {
		rc = lr_check_end_date(want, dm.expire_at, d);
		if (rc == 0)
			rc = lr_put_manager(l, dm_id, want, what_for, d);
	}
	free(path);
	arena_free(&a);
	return rc;
}
