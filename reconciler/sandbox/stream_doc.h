/*
 * The sandbox document read by the pull reader (stream.h) into compact
 * records: what the observe needs, checked as the tree path checks it
 * (local_schema.c's tables, then local_doc.c's indexes), nothing else kept.
 *
 * Strings point into the buffer being read (decoded in place there), so
 * the records are valid as long as that buffer. The catalog goes straight
 * into the state being built (state_catalog_put copies), in file order.
 *
 * Any departure from what the tree path accepts makes sd_read() return
 * false, with no message: the caller then reads the file with the tree
 * path, whose diagnostic the user gets.
 */
#ifndef RECONCILER_SANDBOX_STREAM_DOC_H
#define RECONCILER_SANDBOX_STREAM_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "sandbox/stream.h"
#include "util/arena.h"

struct sd_dest {
	const char *id, *name;
};

struct sd_integ {
	const char *id, *destination_id, *name;
	const char **properties; /* requiredProperties[].name */
	size_t n_properties;
};

struct sd_prop {
	const char *key, *value;
};

struct sd_dm;

struct sd_ic {
	const char *id;
	const char *pair[2]; /* integrationID: destination, integration */
	const char **types;  /* deviceTypes */
	size_t n_types;
	struct sd_prop *props;
	size_t n_props;
	/* set by the resolve step */
	size_t n_dms;
	struct sd_dm *dm; /* the first of them, in file order */
};

struct sd_dm {
	const char *id, *name, *connection_id;
	const char *expire; /* NULL for none */
	bool inactive;	    /* status INACTIVE as written */
	/* set by the resolve step */
	struct sd_ic *ic;
	size_t first, n; /* its configs: order[first .. first+n) */
	size_t fill;
};

struct sd_cfg {
	const char *id, *manager_id, *segment_id;
	enum segment_type type;
};

/* A delivery as written (kept only when the reader is asked to). */
struct sd_delivery {
	const char *id, *status, *device_type, *updated_at, *segment_id, *connection_id, *operation;
	long long record_count; /* -1: none */
};

struct sd_doc {
	struct jstream js;
	struct state *s; /* the catalog goes here */
	bool keep_deliveries;
	struct sd_delivery *dels;
	size_t n_dels, cap_dels;
	long long delivery_delay; /* settings.delivery_delay_seconds, or 0 */
	struct arena arena;
	struct sd_dest *dests;
	size_t n_dests, cap_dests;
	struct sd_integ *integs;
	size_t n_integs, cap_integs;
	struct sd_ic *ics;
	size_t n_ics, cap_ics;
	struct sd_dm *dms;
	size_t n_dms, cap_dms;
	struct sd_cfg *cfgs;
	size_t n_cfgs, cap_cfgs;
	const char **scratch; /* a list being read */
	size_t n_scratch, cap_scratch;
	struct sd_prop *scratch_props;
	size_t n_scratch_props, cap_scratch_props;
};

/* Reads the whole buffer (len bytes, plus one spare byte) into doc, whose
 * state s must be set. True when it is a sandbox the tree path would
 * accept as far as its shape goes (the index checks are the caller's). */
bool sd_read(struct sd_doc *doc, char *buf, size_t len);
void sd_release(struct sd_doc *doc);

#endif
