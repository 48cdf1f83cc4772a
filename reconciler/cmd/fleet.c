/*
 * reconciler fleet ROOT: the orgs of a fleet (one directory per LiveRamp
 * org), all of them or those a pull request touches, in the shapes CI
 * engines fan out over: a GitHub Actions matrix, a GitLab parallel:matrix.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "fleet/fleet.h"
#include "util/strbuf.h"

enum fleet_format { FF_TEXT, FF_JSON, FF_MATRIX, FF_GITLAB };

struct fleet_args {
	struct fleet_source src;
	const char *base;
	const char *org;
	enum fleet_format fmt;
};

/* GitHub Actions' limit on the jobs of one matrix. */
#define GITHUB_MATRIX_MAX 256

static const char *const fleet_formats[] = { "text", "json", "github-matrix", "gitlab", NULL };

static const struct opt fleet_options[] = {
	OPT_STRING(0, "base", "REF", offsetof(struct fleet_args, base),
		   "only the orgs whose files differ between REF and the head"),
	OPT_STRING(0, "ref", "REF", offsetof(struct fleet_args, src.ref),
		   "read the fleet at a git branch, tag or commit instead of the work tree"),
	OPT_STRING(0, "repo", "DIR", offsetof(struct fleet_args, src.repo),
		   "the git repository (default: the one containing the current directory)"),
	OPT_STRING(0, "org", "NAME", offsetof(struct fleet_args, org), "only this org"),
	OPT_ENUM('f', "format", offsetof(struct fleet_args, fmt), fleet_formats, 15,
		 "the output format (default text)"),
	OPT_END(),
};

static int fleet_check(void *args, const struct opt_operands *rest)
{
	struct fleet_args *a = args;
	if (rest->n != 1) {
		fprintf(stderr, "reconciler fleet: give one fleet root (the directory that holds "
				"one directory per org)\n");
		return -2;
	}
	a->src.root = rest->v[0];
	return 0;
}

static void render_json(const struct fleet *f, struct strbuf *sb, bool matrix)
{
	sb_puts(sb, matrix ? "{\"include\": [" : "{\"orgs\": [");
	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_org *o = &f->orgs[i];
		sb_puts(sb, i ? ", {" : "{");
		sb_puts(sb, matrix ? "\"org\": " : "\"name\": ");
		sb_json_str(sb, o->name);
		sb_puts(sb, ", \"path\": ");
		sb_json_str(sb, o->path);
		sb_puts(sb, ", \"org_id\": ");
		if (o->org_id)
			sb_json_str(sb, o->org_id);
		else
			sb_puts(sb, "null");
		sb_printf(sb, ", \"removed\": %s}", o->removed ? "true" : "false");
	}
	sb_puts(sb, "]}\n");
}

/* A YAML fragment for a GitLab child pipeline: the hidden job
 * .reconciler-fleet-orgs holds the parallel:matrix that the org jobs
 * extend. JSON strings are YAML double-quoted scalars. With no org it
 * turns the org jobs off and leaves one job, since a pipeline needs one. */
static void render_gitlab(const struct fleet *f, struct strbuf *sb)
{
	sb_printf(sb, "# reconciler fleet %s: %zu org%s\n", f->root, f->n, f->n == 1 ? "" : "s");
	if (!f->n) {
		sb_puts(
		    sb,
		    ".reconciler-fleet-orgs:\n  rules:\n    - when: never\n"
		    "reconciler:fleet:none:\n  script:\n    - echo \"reconciler fleet: no org to run\"\n");
		return;
	}
	sb_puts(sb, ".reconciler-fleet-orgs:\n  parallel:\n    matrix:\n");
	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_org *o = &f->orgs[i];
		sb_puts(sb, "      - RECONCILER_ORG: ");
		sb_json_str(sb, o->name);
		sb_puts(sb, "\n        RECONCILER_ORG_PATH: ");
		sb_json_str(sb, o->path);
		sb_puts(sb, "\n        RECONCILER_ORG_ID: ");
		sb_json_str(sb, o->org_id ? o->org_id : "");
		sb_printf(sb, "\n        RECONCILER_ORG_REMOVED: \"%s\"\n", o->removed ? "true" : "false");
	}
}

static void render_text(const struct fleet *f, struct strbuf *sb)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct fleet_org *o = &f->orgs[i];
		sb_printf(sb, "%s\t%s\t%s%s\n", o->name, o->org_id ? o->org_id : "-", o->path,
			  o->removed ? "\t(removed at the head)" : "");
	}
}

static int fleet_cmd_run(void *args)
{
	const struct fleet_args a = *(const struct fleet_args *)args;
	struct diags d = DIAGS_INIT;
	struct gitsrc *git = NULL;
	struct fleet *f = NULL;
	int rc = fleet_load(&f, &a.src, &git, &d);
	if (rc == 0 && a.base)
		rc = fleet_affected(f, &a.src, a.base, &git, &d);
	if (rc == 0 && a.org)
		rc = fleet_pick(f, a.org, &d);
	if (rc == 0 && a.fmt == FF_MATRIX && f->n > GITHUB_MATRIX_MAX) {
		/* GitHub fails the whole workflow on a bigger matrix: say so here,
		 * where the user can act on it, not in a job that never starts. */
		diag_error(&d, "fleet.matrix", NULL,
			   "split the root into fleet roots of at most 256 orgs (one workflow each), or run "
			   "`--fleet ROOT` in one job",
			   "%zu orgs, but a GitHub Actions matrix runs at most %d jobs", f->n,
			   GITHUB_MATRIX_MAX);
		rc = -1;
	}
	diags_sort(&d);
	print_diags(&d);
	if (rc == 0) {
		struct strbuf sb = STRBUF_INIT;
		switch (a.fmt) {
		case FF_TEXT: render_text(f, &sb); break;
		case FF_JSON: render_json(f, &sb, false); break;
		case FF_MATRIX: render_json(f, &sb, true); break;
		case FF_GITLAB: render_gitlab(f, &sb); break;
		}
		if (write_all(stdout, &sb) < 0)
			rc = -1;
		sb_release(&sb);
		if (a.base && a.fmt == FF_TEXT)
			fprintf(stderr, "%zu org%s affected since %s\n", f->n, f->n == 1 ? "" : "s", a.base);
	}
	fleet_free(f);
	gitsrc_close(git);
	diags_free(&d);
	return rc == 0 ? EXIT_OK : EXIT_ERROR;
}

const struct command_ops fleet_ops = { fleet_options, sizeof(struct fleet_args),
				       NULL,	      fleet_check,
				       fleet_cmd_run, NULL };
