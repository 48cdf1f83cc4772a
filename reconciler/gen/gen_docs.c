/*
 * gen-docs OUTDIR: writes OUTDIR/reconciler.1 (the man page),
 * OUTDIR/reconciler.bash and OUTDIR/_reconciler (the completions) from the
 * command table and the option tables the program itself parses with
 * (cmd/cmd.h, cli/docs.h). Run at build time, so the three can never
 * disagree with --help.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/docs.h"
#include "cmd/cmd.h"
#include "cmd/groups.h"
#include "version.h"

static int write_file(const char *dir, const char *name, const struct strbuf *sb)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fwrite(sb->buf, 1, sb->len, f) != sb->len || fclose(f) != 0) {
		fprintf(stderr, "gen-docs: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-docs OUTDIR\n");
		return 2;
	}
	if (mkdir(argv[1], 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "gen-docs: cannot create %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	size_t n = 0;
	while (commands[n].name)
		n++;
	struct doc_command *dc = calloc(n, sizeof(*dc));
	struct strbuf *usage = calloc(n, sizeof(*usage));
	if (!dc || !usage)
		return 1;
	for (size_t i = 0; i < n; i++) {
		const struct command *c = &commands[i];
		if (c->ops)
			command_usage(c, &usage[i]);
		else
			sb_printf(&usage[i], "usage: reconciler %s %s\n", c->name, c->operands);
		dc[i] = (struct doc_command){
			.name = c->name,
			.usage = usage[i].buf,
			.summary = c->summary,
			.details = c->details,
			.options = c->ops ? c->ops->options : NULL,
			.extra = (c->flags & CMD_FLEET) ? opt_fleet : NULL,
			.takes_command = strcmp(c->name, "help") == 0,
		};
	}
	static const struct doc_env none = { NULL, NULL };
	size_t n_env = 0;
	while (environment_doc[n_env].name)
		n_env++;
	struct doc_env *env = calloc(n_env + 1, sizeof(*env));
	for (size_t i = 0; i < n_env; i++)
		env[i] = (struct doc_env){ environment_doc[i].name, environment_doc[i].help };
	env[n_env] = none;
	struct doc_program p = {
		.version = RECONCILER_VERSION,
		.description = "GitOps for LiveRamp -> Kargo audience distributions: declare destination\n"
			       "accounts and their segments in YAML, then validate, plan and apply.",
		.commands = dc,
		.n_commands = n,
		.global = global_options,
		.env = env,
		.exit_status =
		    "0 success; 1 an error; 2 changes present or attention needed (see each "
		    "command); 3 a safety cap stopped the run; 128 + N a signal N interrupted an apply.",
	};
	struct strbuf man = STRBUF_INIT, bash = STRBUF_INIT, zsh = STRBUF_INIT;
	doc_man_page(&p, &man);
	doc_bash(&p, &bash);
	doc_zsh(&p, &zsh);
	int rc = write_file(argv[1], "reconciler.1", &man) | write_file(argv[1], "reconciler.bash", &bash) |
		 write_file(argv[1], "_reconciler", &zsh);
	for (size_t i = 0; i < n; i++)
		sb_release(&usage[i]);
	sb_release(&man);
	sb_release(&bash);
	sb_release(&zsh);
	free(usage);
	free(dc);
	free(env);
	return rc ? 1 : 0;
}
