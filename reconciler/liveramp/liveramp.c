/*
 * The `liveramp` backend: opening, closing, and the table of operations
 * (backend.h). The work is in the other liveramp*.c files.
 *
 * lock/unlock: the Activation API has no locks; applies against one
 * organization are kept apart on this machine by a lock file
 * (liveramp/lock.c). Without it two concurrent applies created the same
 * accounts twice.
 *
 * flush: nothing to do; every write is durable when the API answers it.
 */
#include <stdlib.h>
#include <string.h>

#include "liveramp/private.h"
#include "util/xalloc.h"

#define DEFAULT_CONCURRENCY 16
#define MAX_CONCURRENCY 64
#define RETRY_CAP_FACTOR 8

static int lr_lock(struct backend *b, int timeout_ms, struct diags *d)
{
	return lr_lock_acquire(lr_of(b), timeout_ms, d);
}

static void lr_unlock(struct backend *b)
{
	lr_lock_release(lr_of(b));
}

static int lr_flush(struct backend *b, struct diags *d)
{
	return 0;
}

static void lr_close(struct backend *b)
{
	struct liveramp *l = lr_of(b);
	lr_lock_release(l);
	http_client_free(l->http);
	liveramp_config_free(&l->cfg);
	free(l->pin_destination);
	free(l->pin_integration);
	arena_free(&l->arena);
	free(b->spec);
	free(l);
}

static const struct backend_ops LIVERAMP_OPS = {
	.name = "liveramp",
	.lock = lr_lock,
	.unlock = lr_unlock,
	.observe = lr_observe,
	.create_account = lr_create_account,
	.update_account = lr_update_account,
	.delete_account = lr_delete_account,
	.add_segments = lr_add_segments,
	.remove_segments = lr_remove_segments,
	.deliveries = lr_deliveries,
	.flush = lr_flush,
	.close = lr_close,
};

static char *pin(const struct settings *s, bool destination)
{
	const char *v = !s ? NULL : destination ? s->destination_id.v : s->integration_id.v;
	return v && *v ? xstrdup(v) : NULL;
}

static int concurrency(const struct backend_options *opt)
{
	int n = opt->concurrency > 0 ? opt->concurrency : DEFAULT_CONCURRENCY;
	return n > MAX_CONCURRENCY ? MAX_CONCURRENCY : n;
}

int backend_liveramp_open(struct backend **out, const struct backend_options *opt, struct diags *d)
{
	*out = NULL;
	if (!opt || !opt->profile) {
		diag_error(d, LR_RULE, NULL, NULL, "the liveramp backend needs a destination profile");
		return -1;
	}
	struct liveramp_config cfg;
	if (liveramp_config_read(&cfg, opt->settings, d) != 0)
		return -1;
	struct lr_http_config hc = {
		.api_url = cfg.api_url,
		.token_url = cfg.token_url,
		.org_id = cfg.org_id,
		.account_id = cfg.account_id,
		.secret_key = cfg.secret_key,
		.timeout_s = cfg.timeout_s,
		.connect_timeout_s = cfg.connect_timeout_s,
		.max_retries = cfg.max_retries,
		.retry_base_ms = cfg.retry_base_ms,
		.retry_cap_ms = cfg.retry_base_ms * RETRY_CAP_FACTOR,
		.concurrency = concurrency(opt),
		.progress = opt->progress,
		.progress_log = opt->progress_log,
		.progress_every_ms = opt->progress_every_ms,
		.debug = cfg.debug,
	};
	struct http_client *http;
	if (lr_http_new(&http, &hc, d) != 0) {
		liveramp_config_free(&cfg);
		return -1;
	}
	struct liveramp *l = xcalloc(1, sizeof(*l));
	l->lock_fd = -1;
	l->base.ops = &LIVERAMP_OPS;
	l->base.profile = opt->profile;
	/* The spec is what a saved plan records and apply --plan reopens: no
	 * org or URL in it, those come from the environment again. */
	l->base.spec = xstrdup("liveramp");
	l->cfg = cfg;
	l->http = http;
	l->pin_destination = pin(opt->settings, true);
	l->pin_integration = pin(opt->settings, false);
	l->desired = opt->desired;
	l->scope = opt->scope;
	*out = &l->base;
	return 0;
}
