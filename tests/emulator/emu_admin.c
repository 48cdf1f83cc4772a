/*
 * The admin API, for tests: no auth, loopback clients only, never faulted
 * or delayed, never in the request log.
 *
 *   GET    /_admin/faults         the fault set, with counts left and fired
 *   POST   /_admin/faults         {"faults": [SPEC...], "latency_ms": N, "timeout_s": N}
 *                                 replaces the set (all or nothing); the two
 *                                 numbers change only when given
 *   DELETE /_admin/faults         no faults, no latency
 *   GET    /_admin/requests       the request log, a JSON array
 *   DELETE /_admin/requests       empties the log and the counters
 *   GET    /_admin/stats          {requests, classes: {CLASS: {requests, faults, statuses}}}
 *   GET    /_admin/state          the sandbox document
 *   POST   /_admin/state          replaces it (checked like the local backend
 *                                 checks its file, then written)
 *   POST   /_admin/expire-tokens  every issued token expires now: {"expired": N}
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "emulator.h"
#include "util/xalloc.h"

static bool loopback(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	if (sa && sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa && sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
	return false;
}

static bool read_long(const json_t *in, const char *key, long *out, struct emu_response *rs)
{
	const json_t *v = json_object_get(in, key);
	if (!v)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		emu_error(rs, 400, "BAD_REQUEST", "%s must be a non-negative integer", key);
		return false;
	}
	*out = (long)json_integer_value(v);
	return true;
}

static void set_faults(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *in = emu_body_json(rq, rs);
	if (!in)
		return;
	json_t *list = json_object_get(in, "faults");
	long latency = e->latency_ms, timeout = e->timeout_s;
	size_t n = json_array_size(list);
	const char **specs = xcalloc(n + 1, sizeof(*specs));
	bool ok = json_is_object(in) && (!list || json_is_array(list));
	for (size_t i = 0; ok && i < n; i++)
		ok = (specs[i] = json_string_value(json_array_get(list, i))) != NULL;
	if (!ok) {
		emu_error(rs, 400, "BAD_REQUEST",
			  "expected {\"faults\": [\"CLASS:KIND[:RATE][:COUNT]\", ...]}");
	} else if (read_long(in, "latency_ms", &latency, rs) && read_long(in, "timeout_s", &timeout, rs)) {
		struct strbuf err = STRBUF_INIT;
		if (emu_faults_set(e, specs, n, &err) == 0) {
			e->latency_ms = latency;
			e->timeout_s = timeout;
			emu_reply_json(rs, 200, emu_faults_json(e));
		} else {
			emu_error(rs, 400, "BAD_REQUEST", "%s", sb_str(&err));
		}
		sb_release(&err);
	}
	free(specs);
	json_decref(in);
}

static void set_state(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	json_t *doc = emu_body_json(rq, rs);
	if (doc && emu_store_replace(e, doc, rs) == 0)
		emu_reply_json(rs, 200, json_pack("{s:b}", "ok", 1));
}

/* Routes of the admin API: path, then one handler per method. */
static void admin_faults(struct emu *e, struct emu_request *rq, struct emu_response *rs, char m)
{
	if (m == 'G') {
		emu_reply_json(rs, 200, emu_faults_json(e));
	} else if (m == 'P') {
		set_faults(e, rq, rs);
	} else {
		emu_faults_clear(e);
		e->latency_ms = 0;
		emu_reply_json(rs, 200, emu_faults_json(e));
	}
}

static void admin_requests(struct emu *e, struct emu_request *rq, struct emu_response *rs, char m)
{
	if (m == 'G') {
		emu_reply_json(rs, 200, json_incref(e->log));
	} else {
		emu_log_clear(e);
		emu_reply_json(rs, 200, json_pack("{s:b}", "ok", 1));
	}
}

static void admin_stats(struct emu *e, struct emu_request *rq, struct emu_response *rs, char m)
{
	emu_reply_json(rs, 200, emu_stats_json(e));
}

static void admin_state(struct emu *e, struct emu_request *rq, struct emu_response *rs, char m)
{
	if (m == 'G')
		emu_reply_json(rs, 200, json_incref(e->state));
	else
		set_state(e, rq, rs);
}

static void admin_tokens(struct emu *e, struct emu_request *rq, struct emu_response *rs, char m)
{
	emu_reply_json(rs, 200, json_pack("{s:I}", "expired", (json_int_t)emu_auth_expire_all(e)));
}

static const struct {
	const char *path;
	const char *methods; /* G(ET) P(OST) D(ELETE) */
	const char *allow;
	void (*fn)(struct emu *, struct emu_request *, struct emu_response *, char);
} ROUTES[] = {
	{ "/_admin/faults", "GPD", "GET, POST, DELETE", admin_faults },
	{ "/_admin/requests", "GD", "GET, DELETE", admin_requests },
	{ "/_admin/stats", "G", "GET", admin_stats },
	{ "/_admin/state", "GP", "GET, POST", admin_state },
	{ "/_admin/expire-tokens", "P", "POST", admin_tokens },
};

void emu_admin(struct emu *e, struct emu_request *rq, struct emu_response *rs)
{
	if (!loopback(rq->conn)) {
		emu_error(rs, 403, "FORBIDDEN", "the admin API answers loopback clients only");
		return;
	}
	char m = strcmp(rq->method, "GET") == 0	     ? 'G'
		 : strcmp(rq->method, "POST") == 0   ? 'P'
		 : strcmp(rq->method, "DELETE") == 0 ? 'D'
						     : '?';
	for (size_t i = 0; i < sizeof(ROUTES) / sizeof(ROUTES[0]); i++) {
		if (strcmp(rq->path, ROUTES[i].path) != 0)
			continue;
		if (m == '?' || !strchr(ROUTES[i].methods, m)) {
			rs->allow = ROUTES[i].allow;
			emu_error(rs, 405, "METHOD_NOT_ALLOWED", "%s does not accept %s", rq->path,
				  rq->method);
			return;
		}
		ROUTES[i].fn(e, rq, rs, m);
		return;
	}
	emu_error(rs, 404, "NOT_FOUND", "no admin endpoint %s", rq->path);
}
