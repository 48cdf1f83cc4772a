/*
 * The fleet's report: one section per org in text, JSON (an array of the
 * orgs' own documents) or Markdown (cut to GitHub's 65,536-character
 * comment limit, each org its share), one exit code, and the fleet plan
 * file that `apply --fleet --plan` reads back.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd/cmd.h"
#include "cmd/fleet_run.h"
#include "fleet/fleet.h"
#include "util/xalloc.h"

#define MARKDOWN_LIMIT 65536

int fleet_exit_code(const struct fleet_result *r, size_t n)
{
	bool failed = false, blocked = false, changes = false;
	for (size_t i = 0; i < n; i++) {
		if (r[i].removed)
			continue;
		int c = r[i].exit_code;
		failed |= c != EXIT_OK && c != EXIT_CHANGES && c != EXIT_BLOCKED;
		blocked |= c == EXIT_BLOCKED;
		changes |= c == EXIT_CHANGES;
	}
	return failed ? EXIT_ERROR : blocked ? EXIT_BLOCKED : changes ? EXIT_CHANGES : EXIT_OK;
}

static const char *outcome(const char *cmd, const struct fleet_result *r)
{
	if (r->removed)
		return "removed";
	switch (r->exit_code) {
	case EXIT_OK: return "ok";
	case EXIT_BLOCKED: return "blocked";
	case EXIT_CHANGES:
		return strcmp(cmd, "drift") == 0    ? "drift"
		       : strcmp(cmd, "status") == 0 ? "attention"
						    : "changes";
	default: return "failed";
	}
}

static const char *removed_text(void)
{
	return "removed at the head: nothing is run for it (its accounts stay as they are)";
}

/* The org's diagnostics on stderr, each line marked with its org. */
static void print_err(const struct fleet_result *r)
{
	if (r->why)
		fprintf(stderr, "[%s] reconciler: %s\n", r->name, r->why);
	const char *p = r->err.buf ? r->err.buf : "";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(stderr, "[%s] %.*s\n", r->name, (int)len, p);
		p += len + (nl ? 1 : 0);
	}
}

static void summary(const char *cmd, const struct fleet_result *r, size_t n, struct strbuf *sb)
{
	size_t count[5] = { 0 };
	static const char *const words[] = { "ok", "changes", "blocked", "failed", "removed" };
	for (size_t i = 0; i < n; i++) {
		const char *o = outcome(cmd, &r[i]);
		size_t k = strcmp(o, "ok") == 0	       ? 0
			   : strcmp(o, "blocked") == 0 ? 2
			   : strcmp(o, "failed") == 0  ? 3
			   : strcmp(o, "removed") == 0 ? 4
						       : 1;
		count[k]++;
	}
	sb_printf(sb, "Fleet: %zu org%s", n, n == 1 ? "" : "s");
	for (size_t k = 0; k < 5; k++)
		if (count[k])
			sb_printf(sb, ", %zu %s", count[k],
				  k == 1 ? outcome(cmd, &(struct fleet_result){ .exit_code = EXIT_CHANGES })
					 : words[k]);
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(outcome(cmd, &r[i]), "failed") != 0)
			continue;
		sb_printf(sb, "%s%s", first ? " (failed: " : ", ", r[i].name);
		first = false;
	}
	sb_puts(sb, first ? "\n" : ")\n");
}

static void render_text(const char *cmd, const struct fleet_result *r, size_t n, struct strbuf *sb)
{
	for (size_t i = 0; i < n; i++) {
		sb_printf(sb, "== org %s (org_id %s): %s ==\n", r[i].name, r[i].org_id ? r[i].org_id : "-",
			  r[i].path);
		if (r[i].removed)
			sb_printf(sb, "%s\n", removed_text());
		sb_puts(sb, r[i].out.buf ? r[i].out.buf : "");
		if (r[i].out.len && r[i].out.buf[r[i].out.len - 1] != '\n')
			sb_putc(sb, '\n');
		sb_putc(sb, '\n');
		print_err(&r[i]);
	}
	summary(cmd, r, n, sb);
}

static void render_json(const char *cmd, const char *root, const struct fleet_result *r, size_t n,
			struct strbuf *sb)
{
	json_t *orgs = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *doc = r[i].out.len ? json_loadb(r[i].out.buf, r[i].out.len, 0, NULL) : NULL;
		struct strbuf msg = STRBUF_INIT;
		if (r[i].why)
			sb_printf(&msg, "reconciler: %s\n", r[i].why);
		sb_puts(&msg, r[i].err.buf ? r[i].err.buf : "");
		json_t *o = json_pack("{s:s, s:s, s:s?, s:s, s:i, s:b, s:o, s:s}", "name", r[i].name, "path",
				      r[i].path, "org_id", r[i].org_id, "outcome", outcome(cmd, &r[i]),
				      "exit_code", r[i].exit_code, "removed", r[i].removed,
				      strcmp(cmd, "plan") == 0 ? "plan" : "report", doc ? doc : json_null(),
				      "messages", msg.buf ? msg.buf : "");
		sb_release(&msg);
		if (o)
			json_array_append_new(orgs, o);
	}
	json_t *top = json_pack("{s:i, s:s, s:s, s:i, s:o}", "format_version", 1, "command", cmd, "fleet",
				root, "exit_code", fleet_exit_code(r, n), "orgs", orgs);
	char *s = top ? json_dumps(top, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
	if (s) {
		sb_puts(sb, s);
		sb_putc(sb, '\n');
	}
	free(s);
	json_decref(top);
}

/* Markdown-safe text: punctuation that could open syntax is escaped, and
 * HTML is written as entities. */
/* Writes c as an HTML entity when it is one of < > &; returns whether it was. */
static bool html_entity(struct strbuf *sb, char c)
{
	const char *e = c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : NULL;
	if (e)
		sb_puts(sb, e);
	return e != NULL;
}

static void md_text(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (html_entity(sb, *s))
			continue;
		else if (strchr("\\`*_[]()#|!~{}+-.", *s))
			sb_printf(sb, "\\%c", *s);
		else if (*s == '\n' || *s == '\r')
			sb_putc(sb, ' ');
		else
			sb_putc(sb, *s);
	}
}

static void md_pre(struct strbuf *sb, const char *s)
{
	sb_puts(sb, "<pre>");
	for (; s && *s; s++) {
		if (!html_entity(sb, *s))
			sb_putc(sb, *s);
	}
	sb_puts(sb, "</pre>\n");
}

static size_t count_of(const char *s, size_t len, const char *needle)
{
	size_t n = 0, k = strlen(needle);
	for (size_t i = 0; i + k <= len; i++)
		if (memcmp(s + i, needle, k) == 0)
			n++;
	return n;
}

/* The org's section, at most share bytes: a plan longer than its share is
 * cut at a line, its open <details> closed. */
static void md_section(const char *cmd, const struct fleet_result *r, size_t share, struct strbuf *sb)
{
	struct strbuf body = STRBUF_INIT;
	if (r->removed) {
		sb_printf(&body, "_%s._\n", removed_text());
	} else if (r->out.len && strcmp(outcome(cmd, r), "failed") != 0) {
		sb_add(&body, r->out.buf, r->out.len);
	} else {
		struct strbuf e = STRBUF_INIT;
		if (r->why)
			sb_printf(&e, "reconciler: %s\n", r->why);
		sb_puts(&e, r->err.buf ? r->err.buf : "");
		if (r->out.len)
			sb_add(&e, r->out.buf, r->out.len);
		md_pre(&body, e.buf ? e.buf : "");
		sb_release(&e);
	}
	sb_puts(sb, "\n#### ");
	md_text(sb, r->name);
	sb_puts(sb, "\n\n");
	if (body.len > share) {
		size_t cut = share > 300 ? share - 300 : 0;
		while (cut && body.buf[cut - 1] != '\n')
			cut--;
		sb_add(sb, body.buf, cut);
		size_t open = count_of(body.buf, cut, "<details"),
		       closed = count_of(body.buf, cut, "</details>");
		for (size_t k = closed; k < open; k++)
			sb_puts(sb, "\n</details>\n");
		sb_puts(
		    sb,
		    "\n_Cut to fit the comment limit: the whole report of this org is in the job's log._\n");
	} else {
		sb_add(sb, body.buf ? body.buf : "", body.len);
	}
	sb_release(&body);
}

static void render_markdown(const char *cmd, const struct fleet_result *r, size_t n, struct strbuf *sb)
{
	sb_printf(sb, "### Reconciler fleet %s\n\n", cmd);
	struct strbuf sum = STRBUF_INIT;
	summary(cmd, r, n, &sum);
	md_text(sb, sum.buf);
	sb_release(&sum);
	sb_puts(sb, "\n\n| Org | Org id | Result |\n|---|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		sb_puts(sb, "| ");
		md_text(sb, r[i].name);
		sb_puts(sb, " | ");
		md_text(sb, r[i].org_id ? r[i].org_id : "");
		sb_printf(sb, " | %s |\n", outcome(cmd, &r[i]));
	}
	size_t room = sb->len + 200 < MARKDOWN_LIMIT ? MARKDOWN_LIMIT - sb->len - 200 : 0;
	size_t share = n ? room / n : 0;
	for (size_t i = 0; i < n; i++)
		md_section(cmd, &r[i], share > 200 ? share - 200 : 0, sb);
}

int fleet_report(const char *cmd, const char *root, enum output_format fmt, const struct fleet_result *r,
		 size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	switch (fmt) {
	case FORMAT_JSON: render_json(cmd, root, r, n, &sb); break;
	case FORMAT_MARKDOWN: render_markdown(cmd, r, n, &sb); break;
	case FORMAT_GITHUB:
		for (size_t i = 0; i < n; i++) {
			sb_puts(&sb, r[i].out.buf ? r[i].out.buf : "");
			print_err(&r[i]);
		}
		break;
	default: render_text(cmd, r, n, &sb); break;
	}
	if (fmt != FORMAT_TEXT) {
		struct strbuf s = STRBUF_INIT;
		summary(cmd, r, n, &s);
		fputs(s.buf, stderr);
		sb_release(&s);
		if (fmt != FORMAT_GITHUB)
			for (size_t i = 0; i < n; i++)
				print_err(&r[i]);
	}
	int rc = write_all(stdout, &sb);
	sb_release(&sb);
	return rc;
}
