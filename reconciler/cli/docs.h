/*
 * The man page and the bash and zsh completions, generated from the same
 * option tables the parser reads (cli/options.h), so that neither can
 * miss an option --help lists. Run at build time by gen/gen_docs.c.
 */
#ifndef RECONCILER_CLI_DOCS_H
#define RECONCILER_CLI_DOCS_H

#include "cli/options.h"
#include "util/strbuf.h"

struct doc_command {
	const char *name;
	const char *usage;	   /* the whole usage line(s), "usage: reconciler NAME ..." */
	const char *summary;	   /* one line */
	const char *details;	   /* a paragraph, may be "" */
	const struct opt *options; /* may be NULL */
	const struct opt *extra;   /* more options listed after them (--fleet), or NULL */
	bool takes_command;	   /* its operand is a command's name (help) */
};

struct doc_env {
	const char *name, *help;
};

struct doc_program {
	const char *version;
	const char *description; /* the paragraph of DESCRIPTION */
	const struct doc_command *commands;
	size_t n_commands;
	const struct opt *global;  /* options taken before or after any command */
	const struct doc_env *env; /* ends with a NULL name */
	const char *exit_status;
};

void doc_man_page(const struct doc_program *p, struct strbuf *sb);
void doc_bash(const struct doc_program *p, struct strbuf *sb);
void doc_zsh(const struct doc_program *p, struct strbuf *sb);

#endif
