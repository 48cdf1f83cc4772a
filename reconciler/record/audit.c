#include "record/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "util/safefile.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "util/tooldir.h"
#include "version.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *count(size_t n)
{
	return json_integer((json_int_t)n);
}

char *audit_record_json(const struct audit_record *r)
{
	char when[32];
	struct tm tm;
	gmtime_r(&r->time, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);

	json_t *o = json_object();
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "tool", json_string(RECONCILER_NAME " " RECONCILER_VERSION));
	json_object_set_new(o, "command", json_string("apply"));
	json_object_set_new(o, "outcome", json_string(r->outcome));
	json_object_set_new(o, "source", str_or_null(r->source));
	json_object_set_new(o, "ref", str_or_null(r->ref));
	json_object_set_new(o, "commit", str_or_null(r->commit));
	json_object_set_new(o, "dirty", json_boolean(r->dirty));
	json_object_set_new(o, "backend", str_or_null(r->backend));
	json_object_set_new(o, "profile", str_or_null(r->profile));
	json_object_set_new(o, "plan_file", str_or_null(r->plan_file));
	json_object_set_new(o, "fingerprint", str_or_null(r->fingerprint));
	const struct plan_summary *s = &r->summary;
	json_t *sum = json_object();
	json_object_set_new(sum, "accounts_create", count(s->accounts_create));
	json_object_set_new(sum, "accounts_update", count(s->accounts_update));
	json_object_set_new(sum, "accounts_rename", count(s->accounts_rename));
	json_object_set_new(sum, "accounts_delete", count(s->accounts_delete));
	json_object_set_new(sum, "segments_add", count(s->segments_add));
	json_object_set_new(sum, "segments_remove", count(s->segments_remove));
	json_object_set_new(sum, "refused", count(s->refused));
	json_object_set_new(o, "summary", sum);
	json_t *res = json_object();
	json_object_set_new(res, "applied", count(r->applied));
	json_object_set_new(res, "failed", count(r->failed));
	json_object_set_new(res, "skipped", count(r->skipped));
	json_object_set_new(o, "result", res);
	/* Strings that are not UTF-8 make jansson refuse them (json_string
	 * returns NULL and set_new drops the key); the record still goes out. */
	char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return line ? line : xstrdup("{}");
}

/* mkdir -p of the directory part of path. */
static int make_parent(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int rc = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		for (char *p = dir + 1; *p && rc == 0; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(dir, 0755) == 0)
				tooldir_created(dir);
			else if (errno != EEXIST)
				rc = -1;
			*p = '/';
		}
		if (rc == 0 && mkdir(dir, 0755) == 0)
			tooldir_created(dir);
		else if (rc == 0 && errno != EEXIST)
			rc = -1;
	}
	free(dir);
	return rc;
}

int audit_append(const char *path, const struct audit_record *r, struct diags *d)
{
	char *json = audit_record_json(r);
	struct strbuf line = STRBUF_INIT;
	sb_printf(&line, "%s\n", json);
	free(json);
	int rc = -1;
	int fd = -1, e = 0;
	/* O_NOFOLLOW: a log committed as a link would make the apply append to
	 * whatever file the link names. The log names accounts: 0600. */
	if (make_parent(path) == 0)
		fd = safefile_open_append(path, SAFEFILE_PRIVATE);
	e = errno;
	if (fd >= 0) {
		ssize_t w;
		do
			w = write(fd, line.buf, line.len);
		while (w < 0 && errno == EINTR);
		if (w == (ssize_t)line.len && fsync(fd) == 0)
			rc = 0;
		e = w >= 0 && w != (ssize_t)line.len ? ENOSPC : errno;
		if (close(fd) != 0 && rc == 0) {
			rc = -1;
			e = errno;
		}
	}
	if (rc < 0 && e == ELOOP)
		diag_error(d, "record.audit", NULL,
			   "remove the link (the audit log is never written through one), or choose "
			   "another file with --audit-log FILE",
			   "cannot append to the audit log %s: it is a symbolic link (not followed)", path);
	else if (rc < 0)
		diag_error(
		    d, "record.audit", NULL,
		    "check that the directory is writable, or choose another file with --audit-log FILE",
		    "cannot append to the audit log %s: %s", path, strerror(e));
	sb_release(&line);
	return rc;
}
