/*
 * The option groups several commands share, declared once (cli/options.h):
 * each command's table includes the groups it takes, at the offset of the
 * struct the group's fields are relative to.
 */
#ifndef RECONCILER_CMD_GROUPS_H
#define RECONCILER_CMD_GROUPS_H

#include "cli/options.h"
#include "cmd/common.h"

/* --format among a command's allowed set (bits of enum output_format). */
#define OPT_FORMAT(off, bits)                                                                                \
	OPT_ENUM('f', "format", off, format_names, bits, "the output format (default text)")

/* PATH... --ref REF --repo DIR: relative to struct source_options. */
extern const struct opt opt_source[];
/* --profile NAME|FILE: relative to struct pipeline_options. */
extern const struct opt opt_profile[];
/* --backend B --profile --concurrency N: relative to struct pipeline_options. */
extern const struct opt opt_backend[];
/* Source and backend: relative to struct pipeline_options. */
extern const struct opt opt_pipeline[];

/* --max-deletes N --max-changes N (-1: no cap). */
struct caps_options {
	long max_deletes;
	long max_changes;
};
extern const struct opt opt_caps[];

/* --audit-log FILE --lock-timeout SECONDS: what a run that writes records. */
struct record_options {
	const char *audit_log;
	long lock_timeout_s;
};
#define DEFAULT_LOCK_TIMEOUT_S 30
extern const struct opt opt_record[];
/* Sets the defaults (the audit log's path, the lock timeout). */
void record_options_init(struct record_options *r);
/* The lock timeout in milliseconds, at most a day. */
int record_lock_timeout_ms(const struct record_options *r);

/* --metrics-file FILE, --artifact-url URL: relative to a const char *. */
extern const struct opt opt_metrics_file[];
extern const struct opt opt_artifact_url[];
/* --fleet ROOT --org NAME: taken by cmd/fleet_run.h before a command's own
 * parser runs; listed for help and the generated documentation. */
extern const struct opt opt_fleet[];

#endif
