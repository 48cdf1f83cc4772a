/*
 * The backend interface: where actual state is observed and changed.
 *
 * Like SQLite's VFS, a backend is a table of functions; `local` (a JSON
 * sandbox file) and `liveramp` (the Activation API v2) implement it, and
 * nothing above this layer knows which one it talks to.
 *
 * An account is an IntegrationConnection plus its DistributionManager;
 * segments distributed are the manager's SegmentConfigs. Every operation
 * returns 0 on success or -1 with diagnostics (rule "backend") saying what
 * failed and what to do.
 */
#ifndef RECONCILER_BACKEND_BACKEND_H
#define RECONCILER_BACKEND_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "model/delivery.h"
#include "model/model.h"
#include "model/scope.h"
#include "rules/profile.h"
#include "util/diag.h"

/* Ids of an account in the backend. */
struct account_ref {
	const char *connection_id; /* IntegrationConnection */
	const char *manager_id;	   /* DistributionManager */
	const char *name;	   /* for messages */
};

/* The outcome of one item of a segment batch. */
struct batch_item_result {
	const char *segment_id;
	bool ok;
	int http_status;   /* as the API would report it (201/204 ok, 4xx/5xx failed) */
	char message[160]; /* why it failed; empty when ok */
};

struct backend;

struct backend_ops {
	const char *name;
	/* Takes the backend's write lock for the whole apply (local: flock on
	 * the sandbox file; waits up to timeout_ms, then fails cleanly). */
	int (*lock)(struct backend *b, int timeout_ms, struct diags *d);
	void (*unlock)(struct backend *b);
	/* Reads the whole actual state: every account of the destination's
	 * integration, their segment configs (config_id set), and a catalog
	 * entry for every segment id seen. The result is canonicalized. */
	int (*observe)(struct backend *b, struct state **out, struct diags *d);
	/* Creates connection + manager for `want` (name, client_name,
	 * identifiers, status, expire_at; segments are added separately).
	 * Fills out's ids, allocated in the backend (valid until close). */
	int (*create_account)(struct backend *b, const struct account *want, struct account_ref *out,
			      struct diags *d);
	/* Sets name, client_name, identifiers, status and expire_at. */
	int (*update_account)(struct backend *b, const struct account_ref *ref, const struct account *want,
			      struct diags *d);
	int (*delete_account)(struct backend *b, const struct account_ref *ref, struct diags *d);
	/* At most BACKEND_BATCH_MAX segments per call; results[i] for segs[i].
	 * Returns -1 only when the call as a whole failed; item failures are in
	 * results. */
	int (*add_segments)(struct backend *b, const struct account_ref *ref, const struct segment *segs,
			    size_t n, struct batch_item_result *results, struct diags *d);
	/* segs[i].config_id names the SegmentConfig to delete. */
	int (*remove_segments)(struct backend *b, const struct account_ref *ref, const struct segment *segs,
			       size_t n, struct batch_item_result *results, struct diags *d);
	/* Appends to out the deliveries the backend reports for q's connection
	 * (every segment, or only q->segment_ids), in the backend's order.
	 * Read-only; needs no lock. */
	int (*deliveries)(struct backend *b, const struct delivery_query *q, struct delivery_list *out,
			  struct diags *d);
	/* Makes pending writes durable (local: atomic write of the file). */
	int (*flush)(struct backend *b, struct diags *d);
	/* True when writes are held until flush: a flush that fails then
	 * undoes every change made since the last one (local). False when each
	 * call is its own durable write (liveramp). */
	bool stored_at_flush;
	void (*close)(struct backend *b);
};

#define BACKEND_BATCH_MAX 500

struct backend {
	const struct backend_ops *ops;
	const struct profile *profile; /* borrowed */
	char *spec;		       /* "local:FILE", for plans and messages */
};

struct backend_options {
	const struct profile *profile;	 /* borrowed; outlives the backend */
	const struct settings *settings; /* from the desired state; may be NULL */
	int concurrency;		 /* parallel requests (liveramp); 0: the default */
	/* The desired state observe is for (borrowed; outlives the backend),
	 * or NULL. With it, liveramp reads only the catalog entries the rules
	 * and the plan need for it instead of the whole segment catalog
	 * (liveramp/observe.c). */
	const struct state *desired;
	/* Pull-request mode (model/scope.h): the accounts to read, or NULL
	 * for all (borrowed; outlives the backend). liveramp reads the
	 * segment configs of these managers only and reports no other
	 * account; the caller filters what a backend reports all the same. */
	const struct scope *scope;
	bool progress;		/* a progress line on stderr (liveramp; a terminal) */
	bool progress_log;	/* no terminal: a whole line at most every ... */
	long progress_every_ms; /* ... this many ms (0: after every request) */
};

/* Opens a backend from a spec: "local" (default file .reconciler/sandbox.json
 * in the working directory, or one sandbox per org when the settings name an
 * org_id: backend_local_default_path), "local:FILE", or "liveramp". */
int backend_open(struct backend **out, const char *spec, const struct backend_options *opt, struct diags *d);
void backend_close(struct backend *b);
/* The file "local" means: .reconciler/sandbox.json without an org_id (as
 * always), else .reconciler/orgs/ORG/sandbox.json, ORG the org_id with
 * every byte but [A-Za-z0-9_-] percent-encoded (so orgs never share a
 * file, and no id leaves the directory). Appended to out. */
struct strbuf;
void backend_local_default_path(struct strbuf *out, const char *org_id);

/* Implementations. */
int backend_local_open(struct backend **out, const char *path, const struct backend_options *opt,
		       struct diags *d);
/* The Activation API v2; configured from the environment (README). */
int backend_liveramp_open(struct backend **out, const struct backend_options *opt, struct diags *d);

#endif
