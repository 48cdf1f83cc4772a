/*
 * Creating files without being led elsewhere: the one way the tool makes a
 * file it writes (the sandbox, imported configuration, saved output), and
 * opens one it appends to (the audit log).
 *
 * What it promises:
 *  - a temporary file is new: created with O_CREAT|O_EXCL|O_NOFOLLOW under
 *    a name no one can guess in advance ("<path>.tmp.<pid>.<random>", in
 *    the target's directory so that rename(2) is atomic), so a link or a
 *    file planted under that name is never opened, let alone written;
 *  - the final name is taken by rename(2), which replaces a link planted
 *    there instead of writing through it;
 *  - a file appended to is opened with O_NOFOLLOW: when the name is a
 *    symbolic link, the open fails with ELOOP and nothing is written.
 * Only the last component of a path is protected: the directories above
 * it are the operator's to choose.
 *
 * Errors are values: -1 with errno set; callers word the diagnostic.
 */
#ifndef RECONCILER_UTIL_SAFEFILE_H
#define RECONCILER_UTIL_SAFEFILE_H

#include <stddef.h>
#include <sys/types.h>

#include "util/strbuf.h"

/* Mode for files that may hold account data. */
#define SAFEFILE_PRIVATE 0600

/* Creates a new, empty temporary file beside path, opened for writing with
 * the given mode. tmp receives its name (for the rename or the unlink).
 * Returns the descriptor, or -1 with errno. */
int safefile_tmp(const char *path, mode_t mode, struct strbuf *tmp);
/* True when name (a directory entry) is a temporary file safefile_tmp()
 * made for base ("<base>.tmp.<pid>[.<random>]"); *pid receives its pid. */
int safefile_is_tmp_of(const char *name, const char *base, long *pid);
/* Writes data to a new temporary file, fsyncs it, and renames it over
 * path. Returns 0, or -1 with errno (nothing is left behind). */
int safefile_replace(const char *path, const void *data, size_t len, mode_t mode);
/* Opens path for appending, creating it with mode; never through a link.
 * Returns the descriptor, or -1 with errno (ELOOP: path is a link). */
int safefile_open_append(const char *path, mode_t mode);

#endif
