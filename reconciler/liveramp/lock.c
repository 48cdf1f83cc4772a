/*
 * The liveramp backend's lock (backend_ops.lock). The Activation API has
 * no lock of its own, and two applies that observe the same organization
 * at the same time would both create what is missing: the same account
 * twice. So applies against one organization are kept apart on this
 * machine by flock(2) on a file named after the API URL and the org:
 *
 *   $XDG_RUNTIME_DIR/reconciler/liveramp-<hash>.lock, or, without one,
 *   ${TMPDIR:-/tmp}/reconciler-<uid>/liveramp-<hash>.lock
 *
 * in a directory of this user's only (0700; refused when it is not). The
 * lock is taken before the state is observed, so the second apply waits
 * (up to its --lock-timeout, then stops with a message) and then observes
 * what the first one did: it does not do it again. The kernel drops the
 * lock when its process dies, SIGKILL included: no stale lock to clear.
 *
 * Applies on different machines are not kept apart by this: run them one
 * at a time per organization (the CI templates do, with a concurrency
 * group or a resource_group).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "liveramp/private.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#define LOCK_POLL_MS 20

/* The directory of lock files: made when missing, checked to be this
 * user's alone. Returns 0 with the path in dir. */
static int lock_dir(struct strbuf *dir, struct diags *d)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	const char *tmp = getenv("TMPDIR");
	if (run && run[0] == '/')
		sb_printf(dir, "%s/reconciler", run);
	else
		sb_printf(dir, "%s/reconciler-%ld", tmp && tmp[0] == '/' ? tmp : "/tmp", (long)geteuid());
	if (mkdir(dir->buf, 0700) != 0 && errno != EEXIST) {
		diag_error(d, LR_RULE, NULL, "set XDG_RUNTIME_DIR or TMPDIR to a writable directory",
			   "cannot create the lock directory %s: %s", dir->buf, strerror(errno));
		return -1;
	}
	struct stat st;
	if (lstat(dir->buf, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		diag_error(d, LR_RULE, NULL,
			   "remove it, or set XDG_RUNTIME_DIR or TMPDIR to a directory of your own",
			   "the lock directory %s is not a directory private to this user (mode 0700)",
			   dir->buf);
		return -1;
	}
	return 0;
}

/* The file's name: a hash of the API URL (without trailing slashes) and
 * the org, so that the same organization reached the same way is one lock. */
static void lock_name(struct strbuf *path, const struct liveramp_config *cfg)
{
	size_t len = strlen(cfg->api_url);
	while (len > 0 && cfg->api_url[len - 1] == '/')
		len--;
	struct sha256 h;
	char hex[65];
	sha256_init(&h);
	sha256_update(&h, cfg->api_url, len);
	sha256_update(&h, "\n", 1);
	sha256_update(&h, cfg->org_id, strlen(cfg->org_id));
	sha256_hex(&h, hex);
	sb_printf(path, "/liveramp-%.16s.lock", hex);
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

int lr_lock_acquire(struct liveramp *l, int timeout_ms, struct diags *d)
{
	if (l->lock_fd >= 0) {
		diag_error(d, LR_RULE, NULL, "unlock before locking again",
			   "the organization is already locked");
		return -1;
	}
	struct strbuf path = STRBUF_INIT;
	if (lock_dir(&path, d) != 0) {
		sb_release(&path);
		return -1;
	}
	lock_name(&path, &l->cfg);
	int fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		diag_error(d, LR_RULE, NULL, "check the lock directory's permissions",
			   "cannot open the lock file %s: %s", path.buf, strerror(errno));
		sb_release(&path);
		return -1;
	}
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	int rc = -1;
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			l->lock_fd = fd;
			rc = 0;
			break;
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			diag_error(d, LR_RULE, NULL, "the file system may not support flock(2)",
				   "cannot lock %s: %s", path.buf, strerror(errno));
			break;
		}
		long waited = elapsed_ms(&start);
		if (waited >= timeout_ms) {
			diag_error(d, LR_RULE, NULL,
				   "wait for it to finish and run again (or raise --lock-timeout); nothing "
				   "was changed",
				   "another apply is running against org %s at %s (waited %.1f s; lock %s)",
				   l->cfg.org_id, l->cfg.api_url, (double)waited / 1000.0, path.buf);
			break;
		}
		long nap = timeout_ms - waited < LOCK_POLL_MS ? timeout_ms - waited : LOCK_POLL_MS;
		struct timespec ts = { .tv_sec = 0, .tv_nsec = nap * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (rc != 0)
		close(fd);
	sb_release(&path);
	return rc;
}

void lr_lock_release(struct liveramp *l)
{
	if (l->lock_fd < 0)
		return;
	flock(l->lock_fd, LOCK_UN);
	close(l->lock_fd);
	l->lock_fd = -1;
}
