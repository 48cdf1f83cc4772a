/*
 * bench_gen: a synthetic LiveRamp org for the benchmarks (make bench).
 *
 *   bench_gen N M DIR [--bare]
 *
 * N Kargo destination accounts, each distributing M segments of its own
 * (N x M segment configs, N x M distinct segments in the catalog), written
 * as:
 *
 *   DIR/config/accounts-NNNN.yaml  the desired state, 100 accounts a file,
 *                                  segments as {id, name} (--bare: ids only)
 *   DIR/state.json                 the same org as sandbox / emulator state:
 *                                  in sync with the config
 *   DIR/empty.json                 the org before anything was applied: the
 *                                  Kargo destination, its integration and
 *                                  the segment catalog, no account
 *
 * Both JSON files follow specs/sandbox.schema.json, so the local backend
 * and the API emulator read them alike. Ids are numeric and below the
 * emulator's next_id, as if the emulator had made them. Output is a pure
 * function of the arguments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ACCOUNTS_PER_FILE 100
#define SEGMENT_BASE 50000000UL /* segment ids: SEGMENT_BASE + a*M + s */
#define IC_BASE 100000UL	/* IC a: IC_BASE + 2a, its DM: IC_BASE + 2a + 1 */
#define CONFIG_BASE 10000000UL	/* config ids */

static unsigned long n_accounts, n_segments;
static int bare;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "bench_gen: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/* dir/name into path (PATH_SIZE bytes), or exit. */
#define PATH_SIZE 4096
static void join(char *path, const char *dir, const char *name)
{
	int n = snprintf(path, PATH_SIZE, "%s/%s", dir, name);
	if (n < 0 || n >= PATH_SIZE) {
		fprintf(stderr, "bench_gen: path too long: %s\n", dir);
		exit(2);
	}
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[PATH_SIZE];
	join(path, dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		die("cannot write", path);
	return f;
}

static void close_out(FILE *f, const char *name)
{
	if (ferror(f) || fclose(f) != 0)
		die("cannot write", name);
}

static unsigned long segment_id(unsigned long a, unsigned long s)
{
	return SEGMENT_BASE + a * n_segments + s;
}

/* ---- the desired state --------------------------------------------------- */

static void write_account_yaml(FILE *f, unsigned long a)
{
	fprintf(f,
		"  - name: Bench Account %06lu\n"
		"    client_name: Bench Client %06lu\n"
		"    identifiers: [cookies, ramp_ids]\n"
		"    status: active\n",
		a, a);
	if (n_segments == 0)
		return;
	fputs("    segments:\n", f);
	for (unsigned long s = 0; s < n_segments; s++) {
		unsigned long id = segment_id(a, s);
		if (bare)
			fprintf(f, "      - \"%lu\"\n", id);
		else
			fprintf(f, "      - id: \"%lu\"\n        name: Segment %lu\n", id, id);
	}
}

static void write_config(const char *dir)
{
	char cdir[PATH_SIZE];
	join(cdir, dir, "config");
	if (mkdir(cdir, 0777) != 0 && errno != EEXIST)
		die("cannot create", cdir);
	unsigned long files = (n_accounts + ACCOUNTS_PER_FILE - 1) / ACCOUNTS_PER_FILE;
	for (unsigned long k = 0; k < files; k++) {
		char name[64];
		snprintf(name, sizeof(name), "accounts-%04lu.yaml", k);
		FILE *f = open_out(cdir, name);
		fprintf(
		    f,
		    "# Synthetic org for `make bench` (tests/bench/bench_gen.c).\nversion: 1\n\naccounts:\n");
		for (unsigned long a = k * ACCOUNTS_PER_FILE;
		     a < n_accounts && a < (k + 1) * ACCOUNTS_PER_FILE; a++)
			write_account_yaml(f, a);
		close_out(f, name);
	}
}

/* ---- the actual state ------------------------------------------------------ */

static void write_head(FILE *f)
{
	fprintf(
	    f,
	    "{\n\"format_version\": 1,\n\"next_id\": %lu,\n"
	    "\"destinations\": [{\"id\": \"1001\", \"name\": \"Kargo\", \"logoUrl\": \"\"}],\n"
	    "\"integrations\": [{\"id\": \"2001\", \"destinationID\": \"1001\", "
	    "\"name\": \"Kargo First-Party Data\", \"description\": \"\", \"type\": \"ONBOARDING\", "
	    "\"deviceTypes\": [\"WEB\", \"RAMP_ID\", \"CUSTOM_ID\", \"IOS\", \"ANDROID\"], "
	    "\"requiredProperties\": [{\"name\": \"client_name\", \"description\": \"Client Name\"}]}],\n",
	    CONFIG_BASE + n_accounts * n_segments + 1);
}

static void write_catalog(FILE *f)
{
	fputs("\"segments\": [", f);
	for (unsigned long a = 0; a < n_accounts; a++)
		for (unsigned long s = 0; s < n_segments; s++) {
			unsigned long id = segment_id(a, s);
			fprintf(f,
				"%s\n{\"id\": \"%lu\", \"name\": \"Segment %lu\", \"field\": {\"id\": \"1\", "
				"\"name\": \"bench\", \"audienceId\": \"1\"}, \"value\": \"%lu\", \"type\": "
				"\"ONBOARDING\"}",
				a + s ? "," : "", id, id, id);
		}
	fputs("],\n", f);
}

static void write_state(const char *dir, const char *name, int in_sync)
{
	FILE *f = open_out(dir, name);
	write_head(f);
	fputs("\"integrationConnections\": [", f);
	for (unsigned long a = 0; in_sync && a < n_accounts; a++)
		fprintf(f,
			"%s\n{\"id\": \"%lu\", \"integrationID\": [\"1001\", \"2001\"], "
			"\"deviceTypes\": [\"WEB\", \"RAMP_ID\"], \"properties\": [{\"propertyKey\": "
			"\"client_name\", \"propertyValue\": \"Bench Client %06lu\"}]}",
			a ? "," : "", IC_BASE + 2 * a, a);
	fputs("],\n\"distributionManagers\": [", f);
	for (unsigned long a = 0; in_sync && a < n_accounts; a++)
		fprintf(f,
			"%s\n{\"id\": \"%lu\", \"name\": \"Bench Account %06lu\", "
			"\"integrationConnectionID\": \"%lu\", \"status\": \"ACTIVE\", \"expireAt\": null}",
			a ? "," : "", IC_BASE + 2 * a + 1, a, IC_BASE + 2 * a);
	fputs("],\n\"segmentConfigs\": [", f);
	for (unsigned long a = 0; in_sync && a < n_accounts; a++)
		for (unsigned long s = 0; s < n_segments; s++)
			fprintf(f,
				"%s\n{\"id\": \"%lu\", \"distributionManagerID\": \"%lu\", \"segmentID\": "
				"\"%lu\", \"segmentType\": \"ONBOARDING\"}",
				a + s ? "," : "", CONFIG_BASE + a * n_segments + s, IC_BASE + 2 * a + 1,
				segment_id(a, s));
	fputs("],\n", f);
	write_catalog(f);
	fputs("\"deliveries\": []\n}\n", f);
	close_out(f, name);
}

static unsigned long parse_count(const char *s, unsigned long max)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > max) {
		fprintf(stderr, "bench_gen: not a count up to %lu: %s\n", max, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "--bare") != 0)) {
		fprintf(stderr, "usage: bench_gen ACCOUNTS SEGMENTS_PER_ACCOUNT DIR [--bare]\n");
		return 2;
	}
	n_accounts = parse_count(argv[1], 100000);
	n_segments = parse_count(argv[2], 1000000);
	if (n_accounts * n_segments >= CONFIG_BASE) {
		fprintf(stderr, "bench_gen: at most %lu segment configs\n", CONFIG_BASE - 1);
		return 2;
	}
	bare = argc == 5;
	const char *dir = argv[3];
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		die("cannot create", dir);
	write_config(dir);
	write_state(dir, "state.json", 1);
	write_state(dir, "empty.json", 0);
	return 0;
}
