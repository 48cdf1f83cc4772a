/*
 * Subcommands, one file each (git's layout): cmd/NAME.c defines the
 * command's options (one table, cli/options.h) and what it does once they
 * are parsed; cmd/commands.c lists them all in one table with their
 * summary, description and what each needs. The usage line, `help CMD`,
 * the man page and the shell completions are generated from these tables.
 * A command is the only place (with main) that prints or chooses an exit
 * code.
 */
#ifndef RECONCILER_CMD_CMD_H
#define RECONCILER_CMD_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/options.h"
#include "util/strbuf.h"

/* Exit codes shared by every command, as Terraform users expect them. */
enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,
	EXIT_CHANGES = 2, /* --detailed-exitcode: changes present */
	EXIT_BLOCKED = 3, /* safety caps stopped the run */
};

/* What a command file provides: its option table (fields relative to an
 * argument struct of args_size bytes, zeroed, then init), a check of the
 * parsed arguments, and the command itself. */
struct command_ops {
	const struct opt *options;
	size_t args_size;
	void (*init)(void *args); /* defaults; NULL: all zero */
	/* After the options: operands the table does not take are in rest.
	 * Returns 0, -1 after printing why, or -2 when the usage line should
	 * follow. NULL: no check, and no operand taken. */
	int (*check)(void *args, const struct opt_operands *rest);
	int (*run)(void *args);		 /* returns the exit code */
	const struct command_lock *lock; /* CMD_LOCK; NULL otherwise */
};

/* CMD_LOCK: where the arguments hold the run's pipeline options and record
 * options (offsets into args), and whether this run writes (NULL: always). */
struct command_lock {
	size_t pipeline_at, record_at;
	bool (*writes)(const void *args);
};

/* What a command needs, done once for all by command_run. */
enum {
	CMD_FLEET = 1 << 0, /* --fleet ROOT [--org NAME] runs it over a fleet (cmd/fleet_run.h) */
	CMD_RAW = 1 << 1,   /* parses its own argv (help, version): run gets (argc, argv) */
	CMD_LOCK = 1 << 2,  /* a run that writes plans under the backend's write lock (--lock-timeout) */
};

struct command {
	const char *name;
	const struct command_ops *ops;
	int (*raw)(int argc, char **argv); /* CMD_RAW */
	unsigned flags;
	const char *operands; /* the operands' synopsis ("[PATH...]", "FILE"), or "" */
	const char *summary;  /* one line for --help */
	const char *details;  /* the paragraph of `reconciler help NAME` */
};

/* The table in cmd/commands.c; ends with a NULL name. */
extern const struct command commands[];
const struct command *command_find(const char *name);
/* The global options (util/log_json.h parses them), for help and docs. */
extern const struct opt global_options[];

/* The environment variables the README documents, for the man page. */
struct env_doc {
	const char *name, *help;
};
extern const struct env_doc environment_doc[];

/* Parses argv (argv[0] the command's name) by the command's table and runs
 * it: --fleet, --help, RECONCILER_PARSE_ONLY and the errors of the command
 * line are handled here, once for every command. */
int command_run(const struct command *c, int argc, char **argv);
/* The whole program: the global options (util/log_json.h) anywhere, and
 * argv[1] names the command. Returns the exit code. */
int commands_main(int argc, char **argv);

/* "usage: reconciler NAME ..." (wrapped), with a newline. */
void command_usage(const struct command *c, struct strbuf *sb);
/* `reconciler help NAME`: the usage, summary, details and options. */
void command_help(const struct command *c, struct strbuf *sb);

int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);

extern const struct command_ops validate_ops, plan_ops, apply_ops, show_ops, drift_ops, status_ops,
    import_ops, fleet_ops;

#endif
