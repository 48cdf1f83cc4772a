/*
 * yaml_events: the floor for reading a configuration. Each file is read
 * into memory and run through libyaml's event parser, and nothing else:
 * no tree, no schema, no rules. `make bench` compares the CPU time of
 * reconciler's load + check + diff with this program's on the same files.
 *
 *   yaml_events FILE...    prints "files F events E bytes B cpu SECONDS"
 *
 * cpu is the process's CPU time (user + system) for reading and parsing,
 * as RECONCILER_TIMING measures the tool's stages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <yaml.h>

static int parse_file(const char *path, unsigned long *events, unsigned long *bytes)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 1 << 16, len = 0, got;
	unsigned char *buf = malloc(cap);
	while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap) {
			unsigned char *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	fclose(f);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, buf, len);
	int rc = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			fprintf(stderr, "%s: %s\n", path, parser.problem ? parser.problem : "parse error");
			rc = -1;
			break;
		}
		yaml_event_type_t type = ev.type;
		yaml_event_delete(&ev);
		(*events)++;
		if (type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&parser);
	free(buf);
	*bytes += len;
	return rc;
}

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long events = 0, bytes = 0;
	double start = cpu_seconds();
	for (int i = 1; i < argc; i++)
		if (parse_file(argv[i], &events, &bytes) != 0)
			return 1;
	printf("files %d events %lu bytes %lu cpu %.3f\n", argc - 1, events, bytes, cpu_seconds() - start);
	return 0;
}
