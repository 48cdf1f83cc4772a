#include "util/safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

#define TMP_TRIES 16

/* Twelve random characters from [a-z0-9]: 62 bits, as mkstemp would take. */
static void random_suffix(char out[13])
{
	static const char ALPHABET[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char raw[12];
	ssize_t got = getrandom(raw, sizeof(raw), 0);
	if (got != (ssize_t)sizeof(raw)) {
		/* No entropy source: O_EXCL still refuses anything planted. */
		unsigned long long x =
		    (unsigned long long)getpid() * 0x9e3779b97f4a7c15ULL ^ (unsigned long long)(uintptr_t)out;
		for (size_t i = 0; i < sizeof(raw);
		     i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
			raw[i] = (unsigned char)(x >> 56);
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		out[i] = ALPHABET[raw[i] % (sizeof(ALPHABET) - 1)];
	out[12] = '\0';
}

int safefile_tmp(const char *path, mode_t mode, struct strbuf *tmp)
{
	for (int i = 0; i < TMP_TRIES; i++) {
		char suffix[13];
		random_suffix(suffix);
		sb_reset(tmp);
		sb_printf(tmp, "%s.tmp.%ld.%s", path, (long)getpid(), suffix);
		int fd = open(tmp->buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

int safefile_is_tmp_of(const char *name, const char *base, long *pid)
{
	size_t n = strlen(base);
	if (strncmp(name, base, n) != 0 || strncmp(name + n, ".tmp.", 5) != 0)
		return 0;
	char *end;
	long p = strtol(name + n + 5, &end, 10);
	if (end == name + n + 5 || p <= 0 || (*end && *end != '.'))
		return 0;
	*pid = p;
	return 1;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int safefile_replace(const char *path, const void *data, size_t len, mode_t mode)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd = safefile_tmp(path, mode, &tmp);
	if (fd < 0) {
		sb_release(&tmp);
		return -1;
	}
	int rc = write_all(fd, data, len);
	if (rc == 0 && fsync(fd) != 0)
		rc = -1;
	int e = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (rc == 0 && rename(tmp.buf, path) != 0) {
		rc = -1;
		e = errno;
	}
	if (rc != 0)
		unlink(tmp.buf);
	sb_release(&tmp);
	errno = e;
	return rc;
}

int safefile_open_append(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode);
}
