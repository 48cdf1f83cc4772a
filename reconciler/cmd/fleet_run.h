/*
 * plan | apply | drift | status --fleet ROOT [--org NAME]: one command over
 * every org of a fleet (or those --base affects), one report, one exit code.
 *
 * Each org runs as its own process (this binary, re-executed with the
 * org's directory as its PATH and the rest of the command line as given),
 * so a failing or crashing org never stops the others, orgs share no
 * state, and each gets its org's credentials in its environment
 * (LIVERAMP_CREDENTIALS_DIR/NAME.json or ORG_ID.json, LIVERAMP_ORG_ID).
 * Up to --concurrency N (default 16) requests are in flight across the
 * fleet: min(orgs, N) orgs at a time, N / that many each. Applies (and
 * drift --correct) run one org at a time, so that their audit lines and
 * git notes never race.
 *
 * The exit code: 1 if any org failed, else 3 if any was blocked by caps,
 * else 2 if any reported changes (drift, attention, or plan with
 * --detailed-exitcode), else 0.
 */
#ifndef RECONCILER_CMD_FLEET_RUN_H
#define RECONCILER_CMD_FLEET_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd/common.h"
#include "util/diag.h"
#include "util/strbuf.h"

/* True when argv asks for a fleet run (--fleet ROOT or --fleet=ROOT). */
bool fleet_requested(int argc, char **argv);
/* Runs cmd (plan, apply, drift, status) over the fleet; returns the exit
 * code. The options are checked once by the command's own table: run is
 * how a command line of cmd is run (command_run). */
struct command;
int fleet_run(const struct command *cmd, int (*run)(const struct command *, int, char **), int argc,
	      char **argv);

/* One org's run, for the report (fleet_report.c). */
struct fleet_result {
	const char *name, *path, *org_id; /* borrowed from the fleet */
	bool removed;			  /* at the base only: not run */
	bool ran;
	int exit_code;		/* the org's own exit code; 1 when it could not run */
	struct strbuf out, err; /* what it printed */
	char *plan_file;	/* its saved plan (plan --out), or NULL */
	char *why;		/* why it did not run, or NULL */
};

int fleet_exit_code(const struct fleet_result *r, size_t n);
/* Writes the fleet report in fmt to stdout (text: the orgs' diagnostics
 * to stderr, each line prefixed with its org). Returns 0 or -1. */
int fleet_report(const char *cmd, const char *root, enum output_format fmt, const struct fleet_result *r,
		 size_t n);
/* Writes every org's saved plan into one fleet plan file at path (never
 * through a link). Returns 0, or -1 after printing why. */
int fleet_plan_write(const char *path, const char *root, const struct fleet_result *r, size_t n);
/* The orgs of a fleet plan file (name, path, org_id), for apply --plan.
 * Returns 0, or -1 with a "plan.file" error. */
struct fleet;
int fleet_plan_load(const char *path, struct fleet **out, struct diags *d);
/* Reads a fleet plan file and writes org name's plan into file; returns 1
 * when written, 0 when the fleet plan has no such org, -1 on an error
 * (printed). */
int fleet_plan_extract(const char *path, const char *name, const char *file);

#endif
