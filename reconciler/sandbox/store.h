/*
 * The sandbox file on disk: reading, durable replacement, and the lock.
 *
 * The `local` backend keeps its state in one JSON file. Readers never see a
 * half-written file: a write goes to a new "PATH.tmp.<pid>.<random>" in the
 * same directory (util/safefile.h: never a planted file or link), is
 * fsync'd, renamed over PATH, and the directory is fsync'd, so PATH is
 * always either the old document or the new one. A new sandbox is 0600; a
 * replaced one keeps its mode. The lock file is never opened through a
 * link. Because the data file is
 * replaced by rename, it cannot carry a lock; writers serialise on a sidecar
 * "PATH.lock" with flock(2), which the kernel releases if the process dies.
 *
 * Nothing here knows the document's shape; see sandbox/doc.h for that.
 */
#ifndef RECONCILER_SANDBOX_STORE_H
#define RECONCILER_SANDBOX_STORE_H

#include <jansson.h>

#include "util/diag.h"

/* Reads and parses PATH. A missing file is not an error: *out is NULL and 0
 * is returned. Any other failure (unreadable, not JSON, not an object) is
 * an error diagnostic naming the file. */
int local_file_read(json_t **out, const char *path, struct diags *d);

/* Replaces PATH with root, pretty-printed, atomically and durably. Creates
 * the parent directory (0755) when missing. */
int local_file_write(const char *path, json_t *root, struct diags *d);

/* Creates every missing directory above PATH (mode 0755). */
int local_file_mkdir_parent(const char *path, struct diags *d);

/* Takes an exclusive flock on "PATH.lock", polling for up to timeout_ms.
 * On success *fd holds the lock until local_file_unlock(). */
int local_file_lock(int *fd, const char *path, int timeout_ms, struct diags *d);
void local_file_unlock(int fd);

#endif
