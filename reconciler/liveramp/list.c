/*
 * Reading the API: paginated lists (several at once), single resources,
 * and the Kargo target (destination, integration, client-name property).
 *
 * A list is one http_request re-armed for each page: when a page arrives
 * its items are decoded and appended, and the request goes out again with
 * the page's `after` cursor, until the cursor is null. So the pages of one
 * list follow each other, while many lists (the segment configs of every
 * distribution manager) run side by side on the multi handle.
 *
 * Every answer is hostile until checked, and the contract allows more than
 * a naive walk survives: an item listed again on a later page (the same
 * id) is taken once, with a warning naming the list; a cursor seen before
 * in the same walk (a cycle of any period) or a page holding more items
 * than asked ends the list with an error naming the request, so that a
 * walk takes bounded time and memory.
 */
#include <string.h>

#include "backend/mapping.h"
#include "liveramp/private.h"
#include "util/text.h"
#include "util/xalloc.h"

/* A server that never ends a list would otherwise keep us here forever:
 * 100,000 pages of 100 items is far beyond any real organization. */
#define MAX_PAGES 100000u

void lr_list_init(struct lr_list *ls, struct liveramp *l, enum api_kind kind, const char *path,
		  const char *filter, struct arena *a)
{
	memset(ls, 0, sizeof(*ls));
	ls->l = l;
	ls->kind = kind;
	ls->path = path;
	ls->filter = filter;
	ls->arena = a;
	ls->total = -1;
	ls->diags = (struct diags)DIAGS_INIT;
}

void lr_list_release(struct lr_list *ls)
{
	free(ls->items);
	hmap_free(&ls->ids);
	hmap_free(&ls->cursors);
	http_request_release(&ls->req);
	diags_free(&ls->diags);
	memset(ls, 0, sizeof(*ls));
}

/* Appends the page's items, each id once per walk. */
static void append_items(struct lr_list *ls, const struct api_page *page)
{
	size_t size = api_kind_size(ls->kind);
	if (ls->n + page->n > ls->cap) {
		size_t cap = ls->cap ? ls->cap : 16;
		while (cap < ls->n + page->n)
			cap *= 2;
		ls->items = xrealloc(ls->items, cap * size);
		ls->cap = cap;
	}
	for (size_t i = 0; i < page->n; i++) {
		const char *item = (const char *)page->items + i * size;
		const char *id = api_item_id(ls->kind, item);
		if (hmap_put(&ls->ids, id, (void *)1, NULL) == 1) {
			ls->repeated++;
			continue;
		}
		memcpy(ls->items + ls->n * size, item, size);
		ls->n++;
	}
}

/* The pages this walk still has to read, the next one included, as far
 * as _pagination.total tells (at least 1): the length of its cursor
 * chain, which the HTTP engine sends first (http/http.h, chain). A list read
 * one page per run has a chain of one in that run. */
static unsigned chain_left(const struct lr_list *ls)
{
	if (ls->one_page || ls->total < 0 || (unsigned long long)ls->total <= ls->n)
		return 1;
	unsigned long long left = ((unsigned long long)ls->total - ls->n + LR_PAGE_LIMIT - 1) / LR_PAGE_LIMIT;
	return left > MAX_PAGES ? MAX_PAGES : (unsigned)left;
}

static bool page_done(struct http_request *r, void *ctx)
{
	struct lr_list *ls = ctx;
	struct api_page page;
	if (!http_ok(r))
		return false;
	int rc = r->json ? api_decode_page_json(&page, ls->kind, r->json, ls->arena, r->what, &ls->diags)
			 : api_decode_page(&page, ls->kind, r->response.buf, r->response.len, ls->arena,
					   r->what, &ls->diags);
	http_request_drop_json(r);
	if (rc != 0) {
		ls->bad = true;
		return false;
	}
	if (page.n > LR_PAGE_LIMIT) {
		diag_error(&ls->diags, LR_RULE, NULL,
			   "retry later; report it to LiveRamp with the request named here",
			   "%s: a page of %zu items, more than the %d asked for; the list is not read",
			   r->what, page.n, LR_PAGE_LIMIT);
		ls->bad = true;
		return false;
	}
	append_items(ls, &page);
	ls->total = page.total;
	ls->resume = page.after;
	if (ls->on_page)
		ls->on_page(ls, ls->on_page_ctx);
	if (!page.after)
		return false;
	if (hmap_get(&ls->cursors, page.after) || ++ls->pages >= MAX_PAGES) {
		diag_error(&ls->diags, LR_RULE, NULL,
			   "retry later; report it to LiveRamp with the request named here",
			   "%s: the list does not end (%s)", r->what,
			   ls->pages >= MAX_PAGES ? "too many pages"
						  : "a cursor came back that this walk had seen");
		ls->bad = true;
		return false;
	}
	hmap_put(&ls->cursors, page.after, (void *)1, NULL);
	if (ls->one_page)
		return false;
	lr_request_page(r, ls->l->http, ls->path, ls->filter, page.after);
	r->first = ls->first;
	r->chain = chain_left(ls);
	return true;
}

/* Sets the list's request to its next page (the first, or after resume). */
static void arm(struct liveramp *l, struct lr_list *ls)
{
	lr_request_page(&ls->req, l->http, ls->path, ls->filter, ls->resume);
	ls->req.on_done = page_done;
	ls->req.ctx = ls;
	ls->req.first = ls->first;
	ls->req.chain = chain_left(ls);
}

int lr_list_check(struct liveramp *l, struct lr_list *ls, struct diags *d)
{
	if (ls->bad) {
		diags_move(d, &ls->diags);
		return -1;
	}
	if (ls->repeated) {
		diag_warning(d, LR_RULE, NULL, "nothing to do; report it to LiveRamp if it persists",
			     "GET %s%s%s: %zu item%s listed again on a later page, taken once", ls->path,
			     ls->filter ? "?" : "", ls->filter ? ls->filter : "", ls->repeated,
			     ls->repeated == 1 ? "" : "s");
		ls->repeated = 0; /* warned once */
	}
	if (!http_ok(&ls->req)) {
		char what_for[96];
		snprintf(what_for, sizeof(what_for), "reading %s", api_kind_key(ls->kind));
		lr_report(l->http, &ls->req, what_for, NULL, d);
		return -1;
	}
	return 0;
}

void lr_list_start(struct liveramp *l, struct lr_list *ls)
{
	arm(l, ls);
	http_run_add(l->http, &ls->req);
}

int lr_list_run(struct liveramp *l, struct lr_list **lists, size_t n, const struct http_progress *p,
		struct diags *d)
{
	if (n == 0)
		return 0;
	struct http_request **reqs = xcalloc(n, sizeof(*reqs));
	for (size_t i = 0; i < n; i++) {
		arm(l, lists[i]);
		reqs[i] = &lists[i]->req;
	}
	http_run(l->http, reqs, n, p);
	free(reqs);
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		if (lr_list_check(l, lists[i], d) != 0)
			rc = -1;
	return rc;
}

int lr_get(struct liveramp *l, enum api_kind kind, const char *path, void *out, struct arena *a,
	   bool quiet_404, long *status, struct diags *d)
{
	struct http_request r = { 0 };
	http_request_init(&r, l->http, HTTP_GET, path, NULL);
	http_send(l->http, &r);
	*status = r.outcome == HTTP_ANSWERED ? r.status : 0;
	int rc = -1;
	if (http_ok(&r))
		rc = api_decode_object(out, kind, r.response.buf, r.response.len, a, r.what, d);
	else if (!(quiet_404 && *status == 404))
		lr_report(l->http, &r, "reading", NULL, d);
	http_request_release(&r);
	return rc;
}

/* ---- the target ----------------------------------------------------------- */

/* The name exactly, else the same name folded (as Connect shows names). */
static const void *find_named(const struct lr_list *ls, const char *want,
			      const char *(*name_of)(const void *))
{
	for (size_t i = 0; i < ls->n; i++)
		if (strcmp(name_of(lr_list_item(ls, i)), want) == 0)
			return lr_list_item(ls, i);
	for (size_t i = 0; i < ls->n; i++)
		if (str_same_name(name_of(lr_list_item(ls, i)), want))
			return lr_list_item(ls, i);
	return NULL;
}

static const char *destination_name(const void *v)
{
	return ((const struct api_destination *)v)->name;
}

static const char *integration_name(const void *v)
{
	return ((const struct api_integration *)v)->name;
}

void lr_destinations_init(struct lr_list *ls, struct liveramp *l, struct arena *a)
{
	lr_list_init(ls, l, API_DESTINATION, "/v2/destinations", NULL, a);
}

const char *lr_target_destination(struct liveramp *l, const struct lr_list *ls, struct diags *d)
{
	const char *want = l->base.profile->destination_name;
	const struct api_destination *dest = want ? find_named(ls, want, destination_name) : NULL;
	if (!dest)
		diag_error(d, LR_RULE, NULL,
			   "ask LiveRamp to enable the destination for your organization, or pin its id "
			   "with settings.destination_id",
			   "LiveRamp lists no destination named \"%s\" for organization %s (%zu destinations "
			   "seen)",
			   want ? want : "", l->cfg.org_id, ls->n);
	return dest ? arena_strdup(&l->arena, dest->id) : NULL;
}

static const char *find_destination(struct liveramp *l, struct arena *a, struct diags *d)
{
	struct lr_list ls;
	lr_destinations_init(&ls, l, a);
	struct lr_list *lists[] = { &ls };
	const char *id = lr_list_run(l, lists, 1, NULL, d) == 0 ? lr_target_destination(l, &ls, d) : NULL;
	lr_list_release(&ls);
	return id;
}

void lr_integrations_init(struct lr_list *ls, struct liveramp *l, const char *dest, struct arena *a)
{
	struct strbuf path = STRBUF_INIT;
	sb_puts(&path, "/v2/destinations/");
	http_escape(&path, dest);
	sb_puts(&path, "/integrations");
	lr_list_init(ls, l, API_INTEGRATION, arena_strdup(a, path.buf), NULL, a);
	sb_release(&path);
}

/* The profile's integration in a list of the destination's. */
static const struct api_integration *pick_integration(struct liveramp *l, const char *dest,
						      const struct lr_list *ls, struct diags *d)
{
	const char *want = l->base.profile->integration_name;
	const struct api_integration *it = want ? find_named(ls, want, integration_name) : NULL;
	if (!it)
		diag_error(d, LR_RULE, NULL,
			   "pin its id with settings.integration_id, or ask LiveRamp which "
			   "integration to use",
			   "destination %s has no integration named \"%s\"", dest, want ? want : "");
	return it;
}

static int find_integration(struct liveramp *l, const char *dest, struct arena *a,
			    struct api_integration *out, struct diags *d)
{
	struct strbuf path = STRBUF_INIT;
	sb_puts(&path, "/v2/destinations/");
	http_escape(&path, dest);
	sb_puts(&path, "/integrations");
	int rc = -1;
	if (l->pin_integration) {
		long status;
		sb_putc(&path, '/');
		http_escape(&path, l->pin_integration);
		rc = lr_get(l, API_INTEGRATION, path.buf, out, a, false, &status, d);
	} else {
		struct lr_list ls;
		lr_integrations_init(&ls, l, dest, a);
		struct lr_list *lists[] = { &ls };
		const struct api_integration *it =
		    lr_list_run(l, lists, 1, NULL, d) == 0 ? pick_integration(l, dest, &ls, d) : NULL;
		if (it) {
			*out = *it;
			rc = 0;
		}
		lr_list_release(&ls);
	}
	sb_release(&path);
	return rc;
}

/* dest: in l's arena. */
static void set_target(struct liveramp *l, const char *dest, const struct api_integration *it)
{
	/* The same rule as the local backend's. */
	const char *key =
	    mapping_client_key(l->base.profile, it->required_properties, it->n_required_properties);
	l->destination_id = dest;
	l->integration_id = arena_strdup(&l->arena, it->id);
	l->client_key = key ? arena_strdup(&l->arena, key) : NULL;
	l->target_known = true;
}

int lr_target(struct liveramp *l, struct diags *d)
{
	if (l->target_known)
		return 0;
	struct arena scratch = ARENA_INIT;
	struct api_integration it;
	const char *dest = l->pin_destination ? arena_strdup(&l->arena, l->pin_destination)
					      : find_destination(l, &scratch, d);
	int rc = dest ? find_integration(l, dest, &scratch, &it, d) : -1;
	if (rc == 0)
		set_target(l, dest, &it);
	arena_free(&scratch);
	return rc;
}

int lr_target_integration(struct liveramp *l, const char *dest, const struct lr_list *ls, struct diags *d)
{
	const struct api_integration *it = pick_integration(l, dest, ls, d);
	if (!it)
		return -1;
	set_target(l, dest, it);
	return 0;
}

bool lr_ic_in_target(const struct liveramp *l, const struct api_ic *ic)
{
	return l->target_known && strcmp(ic->destination_id, l->destination_id) == 0 &&
	       strcmp(ic->integration_id, l->integration_id) == 0;
}
