#include "record/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/hmap.h"
#include "util/text.h"
#include "util/fd_write.h"
#include "util/xalloc.h"

#define RULE "record.metrics"

/* The pending kinds, in the order of the kind label's values. */
enum { P_CREATE, P_UPDATE, P_RENAME, P_DELETE, P_ADD, P_REMOVE, P_KINDS };
static const char *const kind_names[P_KINDS] = {
	"account_create", "account_update", "account_rename",
	"account_delete", "segment_add",    "segment_remove",
};

struct acct {
	const char *name;
	size_t pending[P_KINDS];
	size_t refused;
	bool in_sync;
	const struct status_account *st; /* status: its row, else NULL */
};

struct accts {
	struct acct *v;
	size_t n, cap;
	struct hmap index; /* name -> position + 1 */
};

static struct acct *acct_of(struct accts *a, const char *name)
{
	uintptr_t at = (uintptr_t)hmap_get(&a->index, name);
	if (at)
		return &a->v[at - 1];
	XGROW(a->v, a->cap, a->n + 1);
	struct acct *x = &a->v[a->n++];
	memset(x, 0, sizeof(*x));
	x->name = name;
	x->in_sync = true;
	hmap_put(&a->index, name, (void *)(uintptr_t)a->n, NULL);
	return x;
}

static int kind_of(const struct change *c)
{
	switch (c->action) {
	case CHANGE_CREATE: return P_CREATE;
	case CHANGE_UPDATE: return P_UPDATE;
	case CHANGE_RENAME: return P_RENAME;
	case CHANGE_DELETE: return P_DELETE;
	case CHANGE_ADD: return P_ADD;
	case CHANGE_REMOVE: return P_REMOVE;
	}
	return P_UPDATE;
}

/* The accounts to report: the declared ones, in their order, then any
 * other the plan or the status report names. */
static void gather(const struct run_metrics *m, struct accts *a)
{
	for (size_t i = 0; m->desired && i < m->desired->n_accounts; i++)
		if (m->desired->accounts[i]->name.v)
			acct_of(a, m->desired->accounts[i]->name.v);
	for (size_t i = 0; m->plan && i < m->plan->n_changes; i++) {
		const struct change *c = &m->plan->changes[i];
		if (!c->account)
			continue;
		struct acct *x = acct_of(a, c->account);
		if (c->refused) {
			x->refused++;
			continue;
		}
		x->in_sync = false;
		if (!m->done)
			x->pending[kind_of(c)]++;
	}
	if (m->done)
		for (size_t i = 0; i < a->n; i++)
			a->v[i].in_sync = true;
	for (size_t i = 0; m->status && i < m->status->n_accounts; i++) {
		const struct status_account *s = &m->status->accounts[i];
		if (!s->name)
			continue;
		struct acct *x = acct_of(a, s->name);
		x->st = s;
		x->in_sync = s->in_sync;
	}
}

/* A label value: UTF-8 (other bytes become U+FFFD), with \, " and newline
 * escaped as the format asks. */
static void put_label(struct strbuf *out, const char *s)
{
	size_t n = strlen(s), bad;
	while (n) {
		size_t good = utf8_valid(s, n, &bad) ? n : bad;
		for (size_t i = 0; i < good; i++) {
			char ch = s[i];
			if (ch == '\\' || ch == '"')
				sb_putc(out, '\\'), sb_putc(out, ch);
			else if (ch == '\n')
				sb_puts(out, "\\n");
			else
				sb_putc(out, ch);
		}
		if (good == n)
			break;
		sb_puts(out, "\xEF\xBF\xBD");
		s += good + 1;
		n -= good + 1;
	}
}

struct emit {
	struct strbuf *out;
	const struct run_metrics *m;
};

static void family(struct emit *e, const char *name, const char *type, const char *help)
{
	sb_printf(e->out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{command="..",org="..",[k1="v1"][,k2="v2"]} value */
static void sample(struct emit *e, const char *name, const char *k1, const char *v1, const char *k2,
		   const char *v2, double value)
{
	sb_printf(e->out, "%s{command=\"", name);
	put_label(e->out, e->m->command);
	sb_puts(e->out, "\",org=\"");
	put_label(e->out, e->m->org ? e->m->org : "");
	sb_putc(e->out, '"');
	if (k1) {
		sb_printf(e->out, ",%s=\"", k1);
		put_label(e->out, v1);
		sb_putc(e->out, '"');
	}
	if (k2) {
		sb_printf(e->out, ",%s=\"", k2);
		put_label(e->out, v2);
		sb_putc(e->out, '"');
	}
	sb_printf(e->out, "} %.15g\n", value);
}

static void put_run(struct emit *e)
{
	const struct run_metrics *m = e->m;
	family(e, "reconciler_run_success", "gauge",
	       "1 when the run ended without an error (exit code 0, or 2: changes or attention needed).");
	sample(e, "reconciler_run_success", NULL, NULL, NULL, NULL, m->exit_code == 0 || m->exit_code == 2);
	family(e, "reconciler_run_exit_code", "gauge", "The run's exit code.");
	sample(e, "reconciler_run_exit_code", NULL, NULL, NULL, NULL, m->exit_code);
	family(e, "reconciler_run_outcome", "gauge", "1 for the run's outcome (the label).");
	sample(e, "reconciler_run_outcome", "outcome", m->outcome ? m->outcome : "unknown", NULL, NULL, 1);
	family(e, "reconciler_run_duration_seconds", "gauge", "How long the run took.");
	sample(e, "reconciler_run_duration_seconds", NULL, NULL, NULL, NULL, m->duration_seconds);
	family(e, "reconciler_run_finished_timestamp_seconds", "gauge", "When the run finished (Unix time).");
	sample(e, "reconciler_run_finished_timestamp_seconds", NULL, NULL, NULL, NULL, (double)m->finished);
}

static void put_accounts(struct emit *e, const struct accts *a)
{
	size_t in_sync = 0;
	for (size_t i = 0; i < a->n; i++)
		in_sync += a->v[i].in_sync;
	family(e, "reconciler_accounts", "gauge", "Destination accounts declared or changed by the plan.");
	sample(e, "reconciler_accounts", NULL, NULL, NULL, NULL, (double)a->n);
	family(e, "reconciler_accounts_in_sync", "gauge",
	       "Accounts whose actual state matches the configuration.");
	sample(e, "reconciler_accounts_in_sync", NULL, NULL, NULL, NULL, (double)in_sync);
	if (!a->n)
		return;
	family(e, "reconciler_account_in_sync", "gauge",
	       "1 when the account's actual state matches the configuration.");
	for (size_t i = 0; i < a->n; i++)
		sample(e, "reconciler_account_in_sync", "account", a->v[i].name, NULL, NULL, a->v[i].in_sync);
	family(e, "reconciler_changes_pending", "gauge", "Changes the plan holds for the account, by kind.");
	for (size_t i = 0; i < a->n; i++)
		for (int k = 0; k < P_KINDS; k++)
			sample(e, "reconciler_changes_pending", "account", a->v[i].name, "kind",
			       kind_names[k], (double)a->v[i].pending[k]);
	family(e, "reconciler_changes_refused", "gauge",
	       "Changes the plan shows but never executes (protected deletes).");
	for (size_t i = 0; i < a->n; i++)
		sample(e, "reconciler_changes_refused", "account", a->v[i].name, NULL, NULL,
		       (double)a->v[i].refused);
}

static void put_status(struct emit *e, const struct accts *a)
{
	const struct status_report *r = e->m->status;
	static const enum health order[] = { HEALTH_DELIVERED, HEALTH_PENDING, HEALTH_STALE, HEALTH_FAILED,
					     HEALTH_UNKNOWN };
	family(e, "reconciler_segments", "gauge",
	       "Declared segments of the account by delivery health (stale: past the destination's TTL, "
	       "expired there; not_distributed: not in the actual state yet).");
	for (size_t i = 0; i < a->n; i++) {
		const struct status_account *s = a->v[i].st;
		if (!s)
			continue;
		size_t count[HEALTH_FAILED + 1] = { 0 }, not_distributed = 0;
		for (size_t k = 0; k < s->n_segments; k++) {
			if (s->segments[k].distributed)
				count[s->segments[k].h.health]++;
			else if (s->segments[k].sync == SYNC_TO_ADD)
				not_distributed++;
		}
		for (size_t h = 0; h < sizeof(order) / sizeof(*order); h++)
			sample(e, "reconciler_segments", "account", s->name, "health", health_name(order[h]),
			       (double)count[order[h]]);
		sample(e, "reconciler_segments", "account", s->name, "health", "not_distributed",
		       (double)not_distributed);
	}
	family(e, "reconciler_shares", "gauge",
	       "Declared Data Marketplace shares by state (overdue: past the share window).");
	sample(e, "reconciler_shares", "state", "pending", NULL, NULL, (double)r->counts.shares_pending);
	sample(e, "reconciler_shares", "state", "overdue", NULL, NULL, (double)r->counts.shares_overdue);
	family(e, "reconciler_destination_ttl_seconds", "gauge",
	       "The destination's time to live (the profile's ttl_days).");
	sample(e, "reconciler_destination_ttl_seconds", NULL, NULL, NULL, NULL, r->limits.ttl_days * 86400.0);
}

void metrics_render(const struct run_metrics *m, struct strbuf *out)
{
	struct emit e = { .out = out, .m = m };
	struct accts a = { 0 };
	gather(m, &a);
	put_run(&e);
	if (m->plan || m->status)
		put_accounts(&e, &a);
	if (m->status)
		put_status(&e, &a);
	free(a.v);
	hmap_free(&a.index);
}

int metrics_write_file(const char *path, const struct strbuf *text, struct diags *d)
{
	static const char hint[] =
	    "check that the directory exists and is writable, or choose another --metrics-file";
	/* Beside the target (rename stays on one file system); mkstemp
	 * creates it O_EXCL, so a planted link is never followed. */
	char *tmp = xmalloc(strlen(path) + sizeof(".tmp-XXXXXX"));
	sprintf(tmp, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	int rc = -1;
	if (fd < 0) {
		diag_error(d, RULE, NULL, hint, "cannot write the metrics to %s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0644) || fd_write_all(fd, text->buf ? text->buf : "", text->len) || fsync(fd)) {
		diag_error(d, RULE, NULL, hint, "cannot write the metrics to %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
	} else if (close(fd) || rename(tmp, path)) {
		diag_error(d, RULE, NULL, hint, "cannot write the metrics to %s: %s", path, strerror(errno));
		unlink(tmp);
	} else {
		rc = 0;
	}
	free(tmp);
	return rc;
}
