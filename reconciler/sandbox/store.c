#include "sandbox/store.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/schema.h"
#include "util/json_word.h"
#include "util/safefile.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/tooldir.h"

#define RULE "backend"
#define LOCK_POLL_MS 20

/* The whole file in memory: jansson's own FILE reader takes one getc()
 * per byte, several times slower on a large sandbox. */
static int slurp(FILE *f, struct strbuf *sb)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_add(sb, chunk, n);
	return ferror(f) ? -1 : 0;
}

int local_file_read(json_t **out, const char *path, struct diags *d)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return 0; /* a fresh sandbox */
		diag_error(d, RULE, NULL,
			   "check the path given with --backend local:PATH and its permissions",
			   "cannot read the sandbox %s: %s", path, strerror(errno));
		return -1;
	}
	struct strbuf text = STRBUF_INIT;
	int rc = slurp(f, &text);
	int e = errno;
	fclose(f);
	if (rc != 0) {
		diag_error(d, RULE, NULL,
			   "check the path given with --backend local:PATH and its permissions",
			   "cannot read the sandbox %s: %s", path, strerror(e));
		sb_release(&text);
		return -1;
	}
	json_error_t err;
	/* Duplicate keys are refused: which of two "status" fields counts
	 * would otherwise depend on the parser. */
	json_t *root = json_loadb(sb_str(&text), text.len, JSON_REJECT_DUPLICATES, &err);
	sb_release(&text);
	if (!root) {
		diag_error(d, RULE, NULL, local_schema_hint,
			   "the sandbox %s is not valid JSON: line %d, column %d: %s", path, err.line,
			   err.column, err.text);
		return -1;
	}
	if (!json_is_object(root)) {
		diag_error(d, RULE, NULL, local_schema_hint, "the sandbox %s holds %s, not a JSON object",
			   path, json_type_word(root, false));
		json_decref(root);
		return -1;
	}
	*out = root;
	return 0;
}

/* mkdir -p of the directory part of path. */
int local_file_mkdir_parent(const char *path, struct diags *d)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return 0; /* the working directory, or the root */
	}
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		char saved = *p;
		if (saved != '/' && saved != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) == 0) {
			tooldir_created(dir);
		} else if (errno != EEXIST) {
			diag_error(d, RULE, NULL, "check the path and its permissions",
				   "cannot create the directory %s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	free(dir);
	return 0;
}

/* fsync of the directory holding path, so that the rename itself survives a
 * crash. */
static int sync_parent(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* Writes root into the already-open tmp file and makes it durable. Closes fd. */
static int write_tmp(int fd, json_t *root)
{
	FILE *f = fdopen(fd, "wb");
	if (!f) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	/* The first failure's errno is the one reported (ENOSPC, EFBIG, EIO):
	 * what fclose says after it is noise. */
	int e = 0;
	if (json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 || fputc('\n', f) == EOF ||
	    fflush(f) != 0 || fsync(fileno(f)) != 0)
		e = errno ? errno : EIO;
	if (fclose(f) != 0 && !e)
		e = errno ? errno : EIO;
	errno = e;
	return e ? -1 : 0;
}

/* A writer killed between open and rename leaves "PATH.tmp.<pid>.<random>"
 * behind; each would stay there, as large as the sandbox. Removes those
 * whose process is gone (a live writer's file is left alone; a reused pid
 * only delays the cleanup). Best effort: errors are ignored. */
static void sweep_stale_tmp(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? path + (slash - dir) + 1 : path;
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	DIR *dh = opendir(dir);
	struct dirent *e;
	while (dh && (e = readdir(dh)) != NULL) {
		long pid;
		if (!safefile_is_tmp_of(e->d_name, base, &pid) || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		struct strbuf stale = STRBUF_INIT;
		sb_printf(&stale, "%s/%s", dir, e->d_name);
		unlink(stale.buf);
		sb_release(&stale);
	}
	if (dh)
		closedir(dh);
	free(dir);
}

/* The sandbox holds account data: a new one is private to its owner; one
 * that exists keeps the mode its owner gave it. */
static mode_t sandbox_mode(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return st.st_mode & 07777;
	return SAFEFILE_PRIVATE;
}

int local_file_write(const char *path, json_t *root, struct diags *d)
{
	if (local_file_mkdir_parent(path, d) != 0)
		return -1;
	sweep_stale_tmp(path);
	struct strbuf tmp = STRBUF_INIT;
	mode_t mode = sandbox_mode(path);
	int fd = safefile_tmp(path, mode, &tmp);
	if (fd < 0) {
		diag_error(d, RULE, NULL,
			   "check the directory's permissions and free space; nothing was stored",
			   "cannot create a temporary file beside the sandbox %s: %s", path, strerror(errno));
		sb_release(&tmp);
		return -1;
	}
	fchmod(fd, mode); /* exactly the mode chosen, whatever the umask */
	if (write_tmp(fd, root) != 0) {
		int e = errno;
		unlink(tmp.buf);
		diag_error(d, RULE, NULL, "free space on the disk; the previous sandbox is unchanged",
			   "cannot write the sandbox %s: %s", path, strerror(e));
		sb_release(&tmp);
		return -1;
	}
	if (rename(tmp.buf, path) != 0) {
		int e = errno;
		unlink(tmp.buf);
		diag_error(d, RULE, NULL,
			   "check the directory's permissions; the previous sandbox is unchanged",
			   "cannot replace the sandbox %s: %s", path, strerror(e));
		sb_release(&tmp);
		return -1;
	}
	sb_release(&tmp);
	if (sync_parent(path) != 0) {
		diag_error(d, RULE, NULL, "the new sandbox is in place but may not survive a crash",
			   "cannot sync the directory of %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

int local_file_lock(int *fd_out, const char *path, int timeout_ms, struct diags *d)
{
	*fd_out = -1;
	if (local_file_mkdir_parent(path, d) != 0)
		return -1;
	struct strbuf lock_path = STRBUF_INIT;
	sb_printf(&lock_path, "%s.lock", path);
	int fd = open(lock_path.buf, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, SAFEFILE_PRIVATE);
	if (fd < 0) {
		bool link = errno == ELOOP;
		diag_error(d, RULE, NULL,
			   link ? "remove the link: the lock file is the tool's own, never a link"
				: "check the directory's permissions",
			   "cannot open the lock file %s: %s", lock_path.buf,
			   link ? "it is a symbolic link (not followed)" : strerror(errno));
		sb_release(&lock_path);
		return -1;
	}
	sb_release(&lock_path);
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	/* Polling with LOCK_NB rather than a blocking flock under alarm():
	 * no signals to install, and the wait is bounded exactly. */
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			*fd_out = fd;
			return 0;
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			diag_error(d, RULE, NULL, "the file system may not support flock(2)",
				   "cannot lock %s: %s", path, strerror(errno));
			break;
		}
		long waited = elapsed_ms(&start);
		if (waited >= timeout_ms) {
			diag_error(
			    d, RULE, NULL, "wait for it to finish and run again (or raise the lock timeout)",
			    "another apply is running on %s (waited %.1f s)", path, (double)waited / 1000.0);
			break;
		}
		long nap = timeout_ms - waited < LOCK_POLL_MS ? timeout_ms - waited : LOCK_POLL_MS;
		struct timespec ts = { .tv_sec = 0, .tv_nsec = nap * 1000000L };
		nanosleep(&ts, NULL);
	}
	close(fd);
	return -1;
}

void local_file_unlock(int fd)
{
	if (fd < 0)
		return;
	flock(fd, LOCK_UN);
	close(fd);
}
