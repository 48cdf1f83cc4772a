/*
 * emulator: the Activation API v2 on 127.0.0.1, for tests.
 *
 * Starts the HTTP daemon (one thread per connection), writes the bound port
 * to --port-file once it accepts connections (so a test waits for that
 * file, not for a sleep), then waits for SIGTERM or SIGINT. Shutdown wakes
 * every sleeping handler, stops the daemon (which joins the connection
 * threads), writes the state a last time and frees everything: exit 0.
 *
 * Exit codes: 0 after a signal, 1 when the state, the log or the socket
 * cannot be set up, 2 for a bad command line.
 */
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/store.h"
#include "emulator.h"
#include "util/xalloc.h"

static const char USAGE[] =
    "usage: emulator --state FILE [--port N] [--port-file FILE] [--seed N] [--log FILE]\n"
    "                [--token-ttl SECONDS] [--latency-ms N] [--timeout-s SECONDS]\n"
    "                [--fault CLASS:KIND[:RATE][:COUNT][:after]]... [--account-id ID] [--secret-key KEY]\n"
    "                [--org ORG] [--write-on-exit] [--tenant ORG:ACCOUNT_ID:SECRET_KEY:STATE]...\n"
    "\n"
    "Serves LiveRamp's Activation API v2 and its token endpoint on 127.0.0.1,\n"
    "keeping state in FILE (the local backend's sandbox format).\n"
    "  --port N           0 (the default) picks a free port\n"
    "  --port-file FILE   written with the port once the server is ready\n"
    "  --token-ttl S      lifetime of issued tokens (default 600)\n"
    "  --latency-ms N     delay added to every /v2 request\n"
    "  --timeout-s S      how long a `timeout` fault holds its answer (default 30)\n"
    "  --fault SPEC       CLASS: token list create update delete segments_add\n"
    "                     segments_remove segments deliveries *\n"
    "                     KIND: 500 503 429 timeout reset malformed truncated\n"
    "                     expired_token partial207 partial409 lost 400 404 409 422;\n"
    "                     RATE 0..1 (default 1); COUNT (default unlimited);\n"
    "                     after: armed once the fault before it has fired\n"
    "  --account-id, --secret-key   accepted credentials (test-account, test-secret)\n"
    "  --org ORG          accepted LR-Org-ID (test-org)\n"
    "  --write-on-exit    keep changes in memory, write FILE only at shutdown\n"
    "  --tenant SPEC      one more org with its own credentials, tokens and state\n"
    "                     file, served for requests naming it (LR-Org-ID, username)\n"
    "Admin API (no auth): /_admin/faults, /_admin/requests, /_admin/stats,\n"
    "/_admin/state, /_admin/expire-tokens.\n";

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

enum {
	O_STATE = 256,
	O_PORT,
	O_PORT_FILE,
	O_SEED,
	O_LOG,
	O_TTL,
	O_LATENCY,
	O_TIMEOUT,
	O_FAULT,
	O_ACCOUNT,
	O_SECRET,
	O_ORG,
	O_WRITE_ON_EXIT,
	O_TENANT,
	O_HELP
};

static const struct option LONG_OPTS[] = {
	{ "state", required_argument, NULL, O_STATE },
	{ "port", required_argument, NULL, O_PORT },
	{ "port-file", required_argument, NULL, O_PORT_FILE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "log", required_argument, NULL, O_LOG },
	{ "token-ttl", required_argument, NULL, O_TTL },
	{ "latency-ms", required_argument, NULL, O_LATENCY },
	{ "timeout-s", required_argument, NULL, O_TIMEOUT },
	{ "fault", required_argument, NULL, O_FAULT },
	{ "account-id", required_argument, NULL, O_ACCOUNT },
	{ "secret-key", required_argument, NULL, O_SECRET },
	{ "org", required_argument, NULL, O_ORG },
	{ "write-on-exit", no_argument, NULL, O_WRITE_ON_EXIT },
	{ "tenant", required_argument, NULL, O_TENANT },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static int numeric_option(struct emu_options *o, int c, const char *arg)
{
	long v;
	switch (c) {
	case O_PORT:
		if (parse_long(arg, 0, 65535, &v) != 0)
			return -1;
		o->port = (int)v;
		return 0;
	case O_SEED:
		if (parse_long(arg, 0, LONG_MAX, &v) != 0)
			return -1;
		o->seed = (uint64_t)v;
		return 0;
	case O_TTL: return parse_long(arg, 1, 86400 * 365, &o->token_ttl);
	case O_LATENCY: return parse_long(arg, 0, 600000, &o->latency_ms);
	default: return parse_long(arg, 0, 3600, &o->timeout_s);
	}
}

/* Returns 0, 1 for --help, or -1 after printing an error. */
static int parse_options(struct emu_options *o, int argc, char **argv)
{
	*o = (struct emu_options){ .seed = 1,
				   .token_ttl = 600,
				   .timeout_s = 30,
				   .account_id = "test-account",
				   .secret_key = "test-secret",
				   .org = "test-org" };
	int c;
	while ((c = getopt_long(argc, argv, "", LONG_OPTS, NULL)) != -1) {
		switch (c) {
		case O_STATE: o->state_path = optarg; break;
		case O_PORT_FILE: o->port_file = optarg; break;
		case O_WRITE_ON_EXIT: o->write_on_exit = true; break;
		case O_LOG: o->log_path = optarg; break;
		case O_ACCOUNT: o->account_id = optarg; break;
		case O_SECRET: o->secret_key = optarg; break;
		case O_ORG: o->org = optarg; break;
		case O_FAULT:
			o->faults = xrealloc(o->faults, (o->n_faults + 1) * sizeof(*o->faults));
			o->faults[o->n_faults++] = optarg;
			break;
		case O_TENANT:
			o->tenants = xrealloc(o->tenants, (o->n_tenants + 1) * sizeof(*o->tenants));
			o->tenants[o->n_tenants++] = optarg;
			break;
		case O_HELP: return 1;
		case O_PORT:
		case O_SEED:
		case O_TTL:
		case O_LATENCY:
		case O_TIMEOUT:
			if (numeric_option(o, c, optarg) != 0) {
				fprintf(stderr, "emulator: bad value '%s' for --%s\n", optarg,
					LONG_OPTS[c - O_STATE].name);
				return -1;
			}
			break;
		default: return -1;
		}
	}
	if (optind < argc || !o->state_path) {
		fprintf(stderr, "emulator: %s\n",
			optind < argc ? "unexpected argument" : "--state FILE is required");
		return -1;
	}
	return 0;
}

/* Written to a temporary name and renamed: a reader sees all or nothing. */
static int write_port_file(const char *path, unsigned port)
{
	size_t n = strlen(path) + 16;
	char *tmp = xmalloc(n);
	snprintf(tmp, n, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	int rc = f && fprintf(f, "%u\n", port) > 0 ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0)
		perror(path);
	free(tmp);
	return rc;
}

static struct MHD_Daemon *start_daemon(struct emu *e, unsigned *port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)e->opt.port) };
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d =
	    MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
			     (uint16_t)e->opt.port, NULL, NULL, emu_http_handle, e, MHD_OPTION_SOCK_ADDR,
			     (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, emu_http_completed, e,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "emulator: cannot listen on 127.0.0.1:%d\n", e->opt.port);
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : (unsigned)e->opt.port;
	return d;
}

static int emu_init(struct emu *e)
{
	pthread_mutex_init(&e->lock, NULL);
	pthread_mutex_init(&e->stop_lock, NULL);
	pthread_cond_init(&e->stop_cond, NULL);
	e->fault_rng.s = e->opt.seed;
	e->token_rng.s = e->opt.seed ^ 0x6a09e667f3bcc908ULL;
	e->latency_ms = e->opt.latency_ms;
	e->timeout_s = e->opt.timeout_s;
	struct strbuf err = STRBUF_INIT;
	int rc = emu_faults_set(e, e->opt.faults, e->opt.n_faults, &err);
	if (rc != 0) {
		fprintf(stderr, "emulator: --fault: %s\n", sb_str(&err));
		sb_release(&err);
		return 2; /* a command-line mistake */
	}
	if (emu_log_open(e) != 0 || emu_store_open(e) != 0)
		return 1;
	return emu_tenants_open(e);
}

/* Every change was written when it happened; this last write catches what
 * reads changed (managers past their end date). */
static int emu_shutdown(struct emu *e)
{
	pthread_mutex_lock(&e->stop_lock);
	e->stopping = true;
	pthread_cond_broadcast(&e->stop_cond);
	pthread_mutex_unlock(&e->stop_lock);
	if (e->daemon)
		MHD_stop_daemon(e->daemon);
	e->opt.write_on_exit = false; /* no request runs now: this write is the one */
	int rc = 0;
	if (e->state) {
		struct emu_response rs = { .status = 200 };
		rc = emu_store_commit(e, &rs);
		sb_release(&rs.body);
	}
	if (e->opt.port_file)
		unlink(e->opt.port_file);
	emu_tenants_close(e);
	emu_store_close(e);
	emu_log_close(e);
	emu_faults_clear(e);
	emu_auth_free(e);
	free(e->opt.faults);
	free(e->opt.tenants);
	pthread_mutex_destroy(&e->lock);
	pthread_mutex_destroy(&e->stop_lock);
	pthread_cond_destroy(&e->stop_cond);
	return rc;
}

int main(int argc, char **argv)
{
	static struct emu e;
	int rc = parse_options(&e.opt, argc, argv);
	if (rc != 0) {
		fputs(USAGE, rc > 0 ? stdout : stderr);
		free(e.opt.faults);
		return rc > 0 ? 0 : 2;
	}
	/* Signals are taken by sigwait below; the daemon's threads, created
	 * after this, inherit the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (e.opt.port_file)
		unlink(e.opt.port_file);
	unsigned port = 0;
	rc = emu_init(&e);
	if (rc == 0 && (!(e.daemon = start_daemon(&e, &port)) ||
			(e.opt.port_file && write_port_file(e.opt.port_file, port) != 0)))
		rc = 1;
	if (rc != 0) {
		emu_shutdown(&e);
		return rc;
	}
	fprintf(stderr, "emulator: listening on http://127.0.0.1:%u (state %s)\n", port, e.opt.state_path);
	int sig;
	sigwait(&set, &sig);
	fprintf(stderr, "emulator: %s, shutting down\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	return emu_shutdown(&e) == 0 ? 0 : 1;
}
