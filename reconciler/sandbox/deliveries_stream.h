/*
 * The sandbox's deliveries for a read-only run, read once.
 *
 * `status` asks the backend for the deliveries of every declared account,
 * one query each; the tree path loads the whole sandbox for each query,
 * which at 1,000 accounts means reading the file 1,000 times. This reads
 * it once with the pull reader (checked as sandbox_load() checks it, and
 * declined in the same cases as sandbox_observe_stream()), settles the
 * deliveries as sandbox_load() does (local_deliveries.h: a PENDING ADD due
 * by now shows DELIVERED), and answers every query from memory, indexed by
 * connection, with what sandbox_deliveries_read() would append.
 */
#ifndef RECONCILER_SANDBOX_DELIVERIES_STREAM_H
#define RECONCILER_SANDBOX_DELIVERIES_STREAM_H

#include "model/delivery.h"
#include "sandbox/observe_stream.h"

struct sandbox_deliveries;
struct sd_doc;

/* Every delivery of the sandbox at path. *cache is what an earlier call
 * read (or NULL): kept while the file is the same one (device, inode,
 * size, modification time: a write replaces the file), else read again.
 * 0 with *cache set, or SANDBOX_STREAM_DECLINED (observe_stream.h) with
 * *cache NULL, for the tree path to read the file. */
int sandbox_deliveries_stream(struct sandbox_deliveries **cache, const char *path);
/* Appends the deliveries matching q to out, in file order, settled at
 * clock_now() as the tree path settles them at each read. */
void sandbox_deliveries_query(const struct sandbox_deliveries *all, const struct delivery_query *q,
			      struct delivery_list *out);
void sandbox_deliveries_free(struct sandbox_deliveries *all);

/* For observe_stream.c: the deliveries of a document read and checked
 * whole with keep_deliveries set, copied out of its buffer. */
struct sandbox_deliveries *sandbox_deliveries_from(const struct sd_doc *doc,
						   const struct sandbox_file_id *file);
/* The file a cache was read from. */
const struct sandbox_file_id *sandbox_deliveries_file(const struct sandbox_deliveries *all);

#endif
