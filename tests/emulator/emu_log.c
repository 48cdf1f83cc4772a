/*
 * The request log and the per-class counters.
 *
 * One entry per request to the API or the token endpoint (admin calls are
 * not logged): method, path, query, the status answered or "reset"/"lost",
 * the endpoint class, whether the bearer token and the LR-Org-ID were
 * valid (null when not checked), the fault injected, and the time taken.
 * Entries are kept in memory for GET /_admin/requests and appended as JSON
 * lines to --log. Nothing secret is ever written: no header value, no
 * body, and query parameters that look like secrets are redacted.
 */
#include <stdio.h>
#include <string.h>

#include "emulator.h"
#include "util/clock.h"

/* Past this many entries the in-memory log only counts (the file keeps all). */
#define LOG_MAX 200000

int emu_log_open(struct emu *e)
{
	e->log = json_array();
	e->stats = json_object();
	if (!e->opt.log_path)
		return 0;
	e->log_file = fopen(e->opt.log_path, "a");
	if (!e->log_file) {
		perror(e->opt.log_path);
		return -1;
	}
	return 0;
}

void emu_log_close(struct emu *e)
{
	if (e->log_file)
		fclose(e->log_file);
	e->log_file = NULL;
	json_decref(e->log);
	json_decref(e->stats);
	e->log = e->stats = NULL;
}

void emu_log_clear(struct emu *e)
{
	json_array_clear(e->log);
	json_object_clear(e->stats);
	e->log_dropped = 0;
}

static json_t *tristate(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static void count(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	json_object_set_new(obj, key, json_integer(json_integer_value(v) + 1));
}

static void add_stats(struct emu *e, const struct emu_log_entry *le, const char *status)
{
	const char *name = emu_class_name(le->rq->cls);
	json_t *c = json_object_get(e->stats, name);
	if (!c) {
		c = json_pack("{s:i, s:i, s:{}}", "requests", 0, "faults", 0, "statuses");
		json_object_set_new(e->stats, name, c);
	}
	count(c, "requests");
	if (le->fault != EF_NONE)
		count(c, "faults");
	count(json_object_get(c, "statuses"), status);
}

void emu_log_add(struct emu *e, const struct emu_log_entry *le)
{
	struct strbuf query = STRBUF_INIT;
	char status[16];
	emu_query_string(le->rq, &query);
	snprintf(status, sizeof(status), "%u", le->status);
	const char *fault = emu_fault_name(le->fault);
	json_t *entry =
	    json_pack("{s:o, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:I}", "time", emu_timestamp(), "method",
		      le->rq->method, "path", le->rq->path, "query", sb_str(&query), "status",
		      le->outcome ? json_string(le->outcome) : json_integer(le->status), "class",
		      emu_class_name(le->rq->cls), "auth", tristate(le->auth), "org", tristate(le->org),
		      "fault", fault ? json_string(fault) : json_null(), "ms", (json_int_t)le->ms);
	sb_release(&query);
	add_stats(e, le, le->outcome ? le->outcome : status);
	if (e->log_file) {
		json_dumpf(entry, e->log_file, JSON_COMPACT);
		fputc('\n', e->log_file);
		fflush(e->log_file);
	}
	if (json_array_size(e->log) < LOG_MAX)
		json_array_append(e->log, entry);
	else
		e->log_dropped++;
	json_decref(entry);
}

json_t *emu_stats_json(struct emu *e)
{
	json_int_t total = 0;
	const char *key;
	json_t *c;
	json_object_foreach(e->stats, key, c)
	{
		total += json_integer_value(json_object_get(c, "requests"));
	}
	return json_pack("{s:I, s:O, s:I}", "requests", total, "classes", e->stats, "log_dropped",
			 (json_int_t)e->log_dropped);
}
