#include "cmd/groups.h"

#include <stdio.h>

#include "reconcile/pipeline.h"
#include "cmd/render_plan.h"
#include "record/audit.h"

static void put_paths(void *field, const char *const *v, size_t n)
{
	struct source_options *so = field;
	so->paths = v;
	so->n_paths = n;
}

const struct opt opt_source[] = {
	OPT_OPERANDS("PATH...", 0, put_paths,
		     "the configuration: *.yaml / *.yml files, directories read recursively\n"
		     "(dot-directories skipped); default \".\""),
	OPT_STRING(0, "ref", "REF", offsetof(struct source_options, ref),
		   "read the files from the tree of a git branch, tag or commit instead of\n"
		   "the work tree (no checkout); positions then read REF:path:line:col"),
	OPT_STRING(0, "repo", "DIR", offsetof(struct source_options, repo),
		   "the git repository (default: the one containing the current directory)"),
	OPT_END(),
};

const struct opt opt_profile[] = {
	OPT_STRING('p', "profile", "NAME|FILE", offsetof(struct pipeline_options, profile),
		   "the destination profile: a name (default " DEFAULT_PROFILE ") or a YAML file"),
	OPT_END(),
};

const struct opt opt_backend[] = {
	OPT_STRING('b', "backend", "B", offsetof(struct pipeline_options, backend),
		   "local (the sandbox file .reconciler/sandbox.json; local:FILE another\n"
		   "file) or liveramp (the Activation API, configured from the environment)"),
	OPT_INCLUDE(opt_profile, 0),
	OPT_INT(0, "concurrency", "N", offsetof(struct pipeline_options, concurrency), 1, 256,
		"requests in flight, 1 to 256 (liveramp)"),
	OPT_END(),
};

const struct opt opt_pipeline[] = {
	OPT_INCLUDE(opt_source, offsetof(struct pipeline_options, src)),
	OPT_INCLUDE(opt_backend, 0),
	OPT_END(),
};

const struct opt opt_caps[] = {
	OPT_COUNT(0, "max-deletes", "N", offsetof(struct caps_options, max_deletes),
		  "stop before the first change when the plan deletes more than N (exit 3)"),
	OPT_COUNT(0, "max-changes", "N", offsetof(struct caps_options, max_changes),
		  "stop before the first change when the plan has more than N changes (exit 3)"),
	OPT_END(),
};

static int set_audit_log(const char *cmd, const struct opt *o, const char *value, void *field)
{
	if (!*value) {
		fprintf(stderr, "reconciler %s: --audit-log needs a file name\n", cmd);
		return -1;
	}
	*(const char **)field = value;
	return 0;
}

const struct opt opt_record[] = {
	OPT_COUNT(0, "lock-timeout", "SECONDS", offsetof(struct record_options, lock_timeout_s),
		  "wait at most this long for the backend's write lock (default 30)"),
	OPT_CALLBACK(0, "audit-log", "FILE", offsetof(struct record_options, audit_log), set_audit_log,
		     "append the record of the run here (default " AUDIT_DEFAULT_PATH ")"),
	OPT_END(),
};

void record_options_init(struct record_options *r)
{
	r->audit_log = AUDIT_DEFAULT_PATH;
	r->lock_timeout_s = DEFAULT_LOCK_TIMEOUT_S;
}

int record_lock_timeout_ms(const struct record_options *r)
{
	return (int)(r->lock_timeout_s > 86400 ? 86400000 : r->lock_timeout_s * 1000);
}

const struct opt opt_metrics_file[] = {
	OPT_STRING(0, "metrics-file", "FILE", 0,
		   "write the run's figures in the Prometheus text format, atomically"),
	OPT_END(),
};

static int set_artifact_url(const char *cmd, const struct opt *o, const char *value, void *field)
{
	return parse_artifact_url(cmd, value, field);
}

const struct opt opt_artifact_url[] = {
	OPT_CALLBACK(0, "artifact-url", "URL", 0, set_artifact_url,
		     "where CI keeps the plan: linked when the Markdown is cut"),
	OPT_END(),
};

/* Listed for help, the man page and the completions, and read by
 * cmd/fleet_run.c; never in a command's own table (without --fleet,
 * --org is an unknown option), so the fields are never set. */
const struct opt opt_fleet[] = {
	OPT_STRING(0, "fleet", "ROOT", 0,
		   "run every org of the fleet at ROOT (one directory per org), one report"),
	OPT_STRING(0, "org", "NAME", 0, "with --fleet: only this org"),
	OPT_END(),
};
