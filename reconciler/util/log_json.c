#include "util/log_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "util/strbuf.h"
#include "util/text.h"

static bool json_on;
static FILE *saved_stderr; /* the real one while stderr is the converter */
static FILE *converter;
static struct strbuf pending = STRBUF_INIT; /* a line written in pieces */
static size_t last_tenth = (size_t)-1;

static int parse_value(const char *v, char *err, size_t n, const char *where)
{
	if (strcmp(v, "json") == 0 || strcmp(v, "text") == 0) {
		json_on = strcmp(v, "json") == 0;
		return 0;
	}
	snprintf(err, n, "unknown log format '%s' in %s (choose from: text json)", v, where);
	return -1;
}

int log_setup(int *argc, char **argv, char *err, size_t n)
{
	const char *env = getenv("RECONCILER_LOG_FORMAT");
	if (env && *env && parse_value(env, err, n, "RECONCILER_LOG_FORMAT") < 0)
		return -1;
	int out = 1, rc = 0;
	bool rest = false; /* after "--": operands, left alone */
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (!rest && strcmp(a, "--") == 0)
			rest = true;
		if (!rest && strcmp(a, "--log-format") == 0) {
			if (i + 1 >= *argc) {
				snprintf(err, n, "--log-format needs a value (text or json)");
				return -1;
			}
			rc |= parse_value(argv[++i], err, n, "--log-format");
			continue;
		}
		if (!rest && strncmp(a, "--log-format=", 13) == 0) {
			rc |= parse_value(a + 13, err, n, "--log-format");
			continue;
		}
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	*argc = out;
	return rc ? -1 : 0;
}

bool log_json_enabled(void)
{
	return json_on;
}

/* Straight to file descriptor 2, whatever stderr is at the moment. */
static void emit_line(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return;
	size_t len = strlen(s);
	s[len] = '\n'; /* the terminator becomes the newline: one write */
	const char *p = s;
	size_t left = len + 1;
	while (left) {
		ssize_t w = write(STDERR_FILENO, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		left -= (size_t)w;
	}
	free(s);
}

/* A JSON string of s, or null; bytes that are not UTF-8 become U+FFFD, so
 * a hostile name never drops the key. */
static json_t *str(const char *s)
{
	if (!s)
		return json_null();
	size_t n = strlen(s), bad;
	if (utf8_valid(s, n, &bad))
		return json_stringn(s, n);
	struct strbuf sb = STRBUF_INIT;
	while (!utf8_valid(s, n, &bad)) {
		sb_add(&sb, s, bad);
		sb_puts(&sb, "\xEF\xBF\xBD");
		s += bad + 1;
		n -= bad + 1;
	}
	sb_add(&sb, s, n);
	json_t *j = json_stringn(sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
	return j;
}

static json_t *event(const char *level, const char *rule, const char *file, unsigned line, unsigned col,
		     const char *message, const char *hint)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	time_t secs = tv.tv_sec;
	gmtime_r(&secs, &tm);
	char when[40];
	size_t k = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + k, sizeof(when) - k, ".%03ldZ", (long)(tv.tv_usec / 1000));
	json_t *o = json_object();
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "level", json_string(level));
	json_object_set_new(o, "rule", str(rule));
	json_object_set_new(o, "file", str(file));
	json_object_set_new(o, "line", line ? json_integer(line) : json_null());
	json_object_set_new(o, "column", col ? json_integer(col) : json_null());
	json_object_set_new(o, "message", str(message));
	json_object_set_new(o, "hint", str(hint));
	return o;
}

void log_json_diag(const struct diag *dg)
{
	emit_line(event(diag_severity_name(dg->severity), dg->rule, dg->file, dg->line, dg->col, dg->message,
			dg->hint));
}

void log_json_event(const char *level, const char *rule, const char *message)
{
	emit_line(event(level, rule, NULL, 0, 0, message, NULL));
}

void log_json_progress(const char *verb, const char *noun, size_t done, size_t n)
{
	size_t tenth = n ? done * 10 / n : 10;
	if (done != 0 && done != n && tenth == last_tenth)
		return;
	last_tenth = done == n ? (size_t)-1 : tenth;
	char msg[256];
	snprintf(msg, sizeof(msg), "%s: %zu/%zu %s", verb, done, n, noun);
	log_json_event("info", "progress", msg);
}

/* "reconciler plan: ..." or "reconciler: ...": how commands word errors
 * (the option parser's too, cli/options.h). */
static const char *level_of(const char *line)
{
	if (strncmp(line, "reconciler", 10) != 0)
		return "info";
	const char *p = line + 10;
	if (*p == ':')
		return "error";
	if (*p != ' ')
		return "info";
	p++;
	while (*p >= 'a' && *p <= 'z')
		p++;
	return *p == ':' ? "error" : "info";
}

static void flush_pending(void)
{
	if (pending.len)
		log_json_event(level_of(pending.buf), NULL, pending.buf);
	sb_release(&pending);
}

static ssize_t converter_write(void *cookie, const char *buf, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\n' || buf[i] == '\r')
			flush_pending();
		else
			sb_putc(&pending, buf[i]);
	}
	return (ssize_t)size;
}

static int converter_close(void *cookie)
{
	flush_pending();
	return 0;
}

void log_start(void)
{
	if (!json_on || converter)
		return;
	cookie_io_functions_t io = { .write = converter_write, .close = converter_close };
	converter = fopencookie(NULL, "w", io);
	if (!converter)
		return;
	setvbuf(converter, NULL, _IONBF, 0);
	saved_stderr = stderr;
	stderr = converter;
}

void log_finish(void)
{
	if (!converter)
		return;
	stderr = saved_stderr;
	fclose(converter);
	converter = NULL;
}
