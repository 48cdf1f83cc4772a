/*
 * Running a command: its command line parsed by its option table, and
 * what every command needs done before it runs (--fleet, --help,
 * RECONCILER_PARSE_ONLY, the errors of the command line), once for all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/fleet_run.h"
#include "cmd/groups.h"
#include "reconcile/pipeline.h"
#include "util/log_json.h"
#include "util/text.h"
#include "util/xalloc.h"

static void print_sb(FILE *f, void (*fn)(const struct command *, struct strbuf *), const struct command *c)
{
	struct strbuf sb = STRBUF_INIT;
	fn(c, &sb);
	write_all(f, &sb);
	sb_release(&sb);
}

/* CMD_LOCK: a run that writes makes its plan under the backend's lock,
 * waiting for it as long as --lock-timeout says. */
static void take_lock(const struct command_ops *ops, void *args)
{
	const struct command_lock *l = ops->lock;
	struct pipeline_options *po = (void *)((char *)args + l->pipeline_at);
	const struct record_options *rec = (const void *)((const char *)args + l->record_at);
	po->lock = !l->writes || l->writes(args);
	po->lock_timeout_ms = record_lock_timeout_ms(rec);
}

int command_run(const struct command *c, int argc, char **argv)
{
	if (c->flags & CMD_RAW)
		return c->raw(argc, argv);
	if ((c->flags & CMD_FLEET) && fleet_requested(argc, argv))
		return fleet_run(c, command_run, argc, argv);
	const struct command_ops *ops = c->ops;
	void *args = xcalloc(1, ops->args_size);
	if (ops->init)
		ops->init(args);
	bool usage = false;
	struct opt_operands rest = { 0 };
	int rc = opt_parse(c->name, ops->options, args, argc, argv, ops->check ? &rest : NULL, &usage);
	if (rc == 0 && ops->check) {
		rc = ops->check(args, &rest);
		usage = rc == -2;
	}
	if (rc == 0 && (c->flags & CMD_LOCK))
		take_lock(ops, args);
	if (rc > 0) {
		print_sb(stdout, command_help, c);
		rc = EXIT_OK;
	} else if (rc < 0) {
		if (usage)
			print_sb(stderr, command_usage, c);
		rc = EXIT_ERROR;
	} else {
		rc = parse_only() ? EXIT_OK : ops->run(args);
	}
	free(args);
	return rc;
}

static int dispatch(int argc, char **argv)
{
	/* Off a terminal stdout would be block-buffered: in a CI log, where
	 * stdout and stderr land in one stream, lines would come out of order
	 * ("Recorded in the audit log" before "Applying:") and in bursts. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) { /* the help, but a command was expected */
		cmd_help(1, argv);
		return EXIT_ERROR;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		return cmd_help(1, argv);
	if (strcmp(name, "--version") == 0)
		return cmd_version(1, argv);
	const struct command *c = command_find(name);
	if (c)
		return command_run(c, argc - 1, argv + 1);
	const char *names[32];
	size_t n = 0;
	for (const struct command *k = commands; k->name && n + 1 < sizeof(names) / sizeof(*names); k++)
		names[n++] = k->name;
	names[n] = NULL;
	const char *near = str_suggest(name, names);
	if (near)
		fprintf(stderr,
			"reconciler: '%s' is not a command; did you mean '%s'? "
			"See 'reconciler --help'.\n",
			name, near);
	else
		fprintf(stderr, "reconciler: '%s' is not a command. See 'reconciler --help'.\n", name);
	return EXIT_ERROR;
}

int commands_main(int argc, char **argv)
{
	char err[200];
	if (log_setup(&argc, argv, err, sizeof(err)) < 0) {
		fprintf(stderr, "reconciler: %s\n", err);
		return EXIT_ERROR;
	}
	log_start();
	int rc = dispatch(argc, argv);
	log_finish();
	return rc;
}
