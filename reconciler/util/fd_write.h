/*
 * Writing a whole buffer to a descriptor: write(2) may write less than
 * asked, or be interrupted by a signal before writing anything; callers
 * want all or an error.
 */
#ifndef RECONCILER_UTIL_FD_WRITE_H
#define RECONCILER_UTIL_FD_WRITE_H

#include <stddef.h>

/* Writes the n bytes at buf to fd, retrying after EINTR and after short
 * writes. 0, or -1 when write(2) fails (errno says why) or writes nothing. */
int fd_write_all(int fd, const char *buf, size_t n);

#endif
