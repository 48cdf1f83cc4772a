/*
 * Plan renderers: text for a terminal (like Terraform's plan), Markdown for
 * a pull-request comment. The JSON form is the plan file (planfile.h).
 *
 * Both group a plan's changes by account, in plan order (the account's
 * first change places it), so that a renamed account's segment changes
 * show under its rename. In pull-request mode (any change has an origin)
 * the changes the pull request causes come first, then drift.
 *
 * Every string that came from a user or a backend is escaped for where it
 * goes: control characters never reach a terminal raw, and nothing in a
 * name can open a tag, a link or a table cell in Markdown. Renderers only
 * append to `out`; they never fail.
 */
#ifndef RECONCILER_PLAN_RENDER_H
#define RECONCILER_PLAN_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"
#include "util/strbuf.h"

struct render_options {
	bool color;	       /* text: ANSI colours on the change symbols */
	size_t max_bytes;      /* markdown: hard limit on the output; 0 = 65536 */
	const char *json_hint; /* where the full JSON plan is, for the markdown
				* cut message; may be NULL */
	/* github: prefixes removed from the front of file labels ("main:" for
	 * a plan read at a git ref), NULL-terminated; may be NULL */
	const char *const *file_prefixes;
	/* markdown: where the CI keeps the plan (linked from the cut message),
	 * or NULL; render_url_ok() must have accepted it */
	const char *artifact_url;
};

/* GitHub's limit on a comment, and what the Markdown leaves below it by
 * default for the lines a CI template appends (a footer, a link to the
 * run): every Markdown output fits in MD_DEFAULT_MAX bytes. */
#define MD_GITHUB_LIMIT 65536
#define MD_TEMPLATE_ROOM 1024
#define MD_DEFAULT_MAX (MD_GITHUB_LIMIT - MD_TEMPLATE_ROOM)

/* An artifact URL that can go into Markdown as is: http(s)://, at most
 * 2,000 bytes, none of the characters that could end a link or open
 * markup (blanks, quotes, <>, (), [], `, \\, control characters). */
bool render_url_ok(const char *url);

void plan_render_text(const struct plan *p, const struct render_options *o, struct strbuf *out);
void plan_render_markdown(const struct plan *p, const struct render_options *o, struct strbuf *out);
/* The short comment a command posts when no plan could be made: the same
 * heading as a plan (a bot finds and updates the one comment by it), what
 * failed (failure: diags_failure_text), and the diagnostics, within
 * max_bytes. */
void plan_render_markdown_failure(const struct diags *d, const char *failure, const struct render_options *o,
				  struct strbuf *out);
/* GitHub workflow annotations (render_github.c): the summary as a notice
 * first, then the diagnostics and one per change at the line that declares
 * its account or segment (change->at; none for what nothing declares): a
 * notice for what is created, added, updated or renamed, a warning for what
 * is deleted, removed or refused. GitHub shows 10 of each type per step, so
 * at most that many of each are printed, the most severe first (errors,
 * then warnings: refusals, deletions, removals; then notices), and one
 * notice counts the rest. */
void plan_render_github(const struct plan *p, const struct render_options *o, struct strbuf *out);

/* ---- shared by the renderers (render_text.c) -------------------------- */

/* The changes of one account within one section, in plan order. */
struct render_group {
	const struct change *head;   /* first account-level change, or NULL */
	const struct change **items; /* every change of the group, head included */
	size_t n_items;
	size_t n_add, n_remove; /* segment changes, for summaries */
	/* The account's declared precision, from any of its changes (a plan
	 * file may carry it on the account's change only), or NULL: shown
	 * once per account, whatever its changes are. */
	const char *precision;
};

struct render_groups {
	struct render_group *v;
	size_t n;
	const struct change **all; /* storage behind every group's items */
};

/* True when any change has an origin: pull-request mode. */
bool plan_has_origins(const struct plan *p);
/* Groups the changes of one section: with pr_mode false every change; with
 * it, those whose origin is `section` (unset counts as ORIGIN_CHANGE). */
void render_groups_build(struct render_groups *g, const struct plan *p, bool pr_mode,
			 enum change_origin section);
void render_groups_free(struct render_groups *g);
/* A change's mark: '+' create or add, '-' delete or remove, '~' other,
 * '!' refused. */
char render_change_sign(const struct change *c);
/* The one-line count of a plan, without the final period: "Plan: 1 to
 * create, ...; 2 segments to add, 0 to remove[, 1 refused]". */
void render_put_counts(struct strbuf *out, const struct plan_summary *s);

#define RENDER_PR_CHANGES "Changes in this pull request:"
#define RENDER_PR_DRIFT "Drift (actual state differs from the base branch):"

#endif
