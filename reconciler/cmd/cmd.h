/*
 * Subcommands, one file each (git's layout): cmd/NAME.c defines cmd_NAME,
 * main.c lists them in one table with their usage and summary. A command
 * parses its own options, runs the pipeline and is the only place (with
 * main) that prints or chooses an exit code.
 */
#ifndef RECONCILER_CMD_CMD_H
#define RECONCILER_CMD_CMD_H

/* Exit codes shared by every command, as Terraform users expect them. */
enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,
	EXIT_CHANGES = 2, /* --detailed-exitcode: changes present */
	EXIT_BLOCKED = 3, /* safety caps stopped the run */
};

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;   /* option synopsis after the command name */
	const char *summary; /* one line for --help */
	const char *details; /* the rest of `reconciler help NAME` */
};

/* The table in main.c; ends with a NULL name. */
extern const struct command commands[];
const struct command *command_find(const char *name);

int cmd_validate(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_drift(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_fleet(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);

#endif
