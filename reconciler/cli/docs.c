#include "cli/docs.h"

#include <string.h>

/* Text for roff: backslashes and hyphens escaped, a line that starts
 * with a control character made literal; an empty line starts a new
 * paragraph. */
static void roff(struct strbuf *sb, const char *s)
{
	bool bol = true;
	for (; *s; s++) {
		if (bol && *s == '\n') {
			sb_puts(sb, ".PP\n");
			continue;
		}
		if (bol && (*s == '.' || *s == '\''))
			sb_puts(sb, "\\&");
		if (*s == '\\')
			sb_puts(sb, "\\e");
		else if (*s == '-')
			sb_puts(sb, "\\-");
		else
			sb_putc(sb, *s);
		bol = *s == '\n';
	}
	if (!bol)
		sb_putc(sb, '\n');
}

/* A word inside a line: hyphens escaped (option names, arguments). */
static void roff_word(struct strbuf *sb, const char *s)
{
	for (; *s; s++)
		sb_puts(sb, *s == '-' ? "\\-" : *s == '\\' ? "\\e" : (char[2]){ *s, 0 });
}

static int man_option(const struct opt *o, void *ctx)
{
	struct strbuf *sb = ctx;
	if (!o->help)
		return 0;
	struct strbuf arg = STRBUF_INIT;
	opt_arg_text(o, &arg);
	sb_puts(sb, ".TP\n");
	if (o->kind == OPT_KIND_OPERANDS) {
		sb_puts(sb, "\\fI");
		roff_word(sb, arg.buf);
		sb_puts(sb, "\\fR\n");
	} else {
		if (o->short_name)
			sb_printf(sb, "\\fB\\-%c\\fR, ", o->short_name);
		sb_puts(sb, "\\fB\\-\\-");
		roff_word(sb, o->long_name);
		sb_puts(sb, "\\fR");
		if (o->argname) {
			sb_puts(sb, " \\fI");
			roff_word(sb, arg.buf);
			sb_puts(sb, "\\fR");
		}
		sb_putc(sb, '\n');
	}
	roff(sb, o->help);
	sb_release(&arg);
	return 0;
}

void doc_man_page(const struct doc_program *p, struct strbuf *sb)
{
	sb_printf(sb, ".TH RECONCILER 1 \"\" \"reconciler %s\" \"User Commands\"\n", p->version);
	sb_puts(sb, ".SH NAME\nreconciler \\- GitOps for LiveRamp to Kargo audience distributions\n");
	sb_puts(sb, ".SH SYNOPSIS\n.B reconciler\n.I command\n[\\fIoptions\\fR] [\\fIPATH\\fR...]\n");
	sb_puts(sb, ".SH DESCRIPTION\n");
	roff(sb, p->description);
	sb_puts(sb, ".PP\nThe commands and their options are those of\n.BR \"reconciler help \" COMMAND.\n");
	sb_puts(sb, ".SH GLOBAL OPTIONS\n");
	opt_each(p->global, man_option, sb);
	sb_puts(sb, ".SH COMMANDS\n");
	for (size_t i = 0; i < p->n_commands; i++) {
		const struct doc_command *c = &p->commands[i];
		sb_printf(sb, ".SS %s\n.nf\n", c->name);
		roff(sb, c->usage);
		sb_puts(sb, ".fi\n.PP\n");
		roff(sb, c->summary);
		if (c->details && *c->details) {
			sb_puts(sb, ".PP\n");
			roff(sb, c->details);
		}
		if (c->options && c->options[0].kind != OPT_KIND_END) {
			sb_puts(sb, ".PP\nOptions:\n.RS\n");
			opt_each(c->options, man_option, sb);
			if (c->extra)
				opt_each(c->extra, man_option, sb);
			sb_puts(sb, ".RE\n");
		}
	}
	sb_puts(sb, ".SH ENVIRONMENT\n");
	for (const struct doc_env *e = p->env; e->name; e++) {
		sb_puts(sb, ".TP\n.B ");
		roff(sb, e->name);
		roff(sb, e->help);
	}
	sb_puts(sb, ".SH EXIT STATUS\n");
	roff(sb, p->exit_status);
	sb_puts(sb,
		".SH SEE ALSO\n/usr/share/doc/reconciler/README.md, /usr/share/doc/reconciler/examples/\n");
}

/* ---- completions ---------------------------------------------------- */

struct words {
	struct strbuf *sb;
	bool with_value; /* only the options that take one */
};

static int long_word(const struct opt *o, void *ctx)
{
	struct words *w = ctx;
	if (o->kind == OPT_KIND_OPERANDS || !o->long_name)
		return 0;
	sb_printf(w->sb, "%s--%s", w->sb->len ? " " : "", o->long_name);
	return 0;
}

static void values(const struct opt *o, struct strbuf *sb)
{
	for (int i = 0; o->names[i]; i++)
		if (o->allowed & (1u << i))
			sb_printf(sb, "%s%s", sb->len ? " " : "", o->names[i]);
}

static int bash_value(const struct opt *o, void *ctx)
{
	struct strbuf *sb = ctx;
	if (o->kind != OPT_KIND_ENUM)
		return 0;
	struct strbuf v = STRBUF_INIT;
	values(o, &v);
	sb_printf(sb,
		  "\t\t[ \"$prev\" = --%s ] && { COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return; }\n",
		  o->long_name, v.buf);
	sb_release(&v);
	return 0;
}

static void command_names(const struct doc_program *p, struct strbuf *sb)
{
	for (size_t i = 0; i < p->n_commands; i++)
		sb_printf(sb, "%s%s", i ? " " : "", p->commands[i].name);
}

void doc_bash(const struct doc_program *p, struct strbuf *sb)
{
	struct strbuf names = STRBUF_INIT, global = STRBUF_INIT;
	command_names(p, &names);
	struct words gw = { &global, false };
	opt_each(p->global, long_word, &gw);
	sb_puts(sb,
		"# bash completion for reconciler (generated from its option tables)\n"
		"_reconciler() {\n"
		"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=\"\" i\n"
		"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
		"\t\tcase ${COMP_WORDS[i]} in\n"
		"\t\t--log-format) ((i++)) ;;\n"
		"\t\t-*) ;;\n"
		"\t\t*) cmd=${COMP_WORDS[i]}; break ;;\n"
		"\t\tesac\n"
		"\tdone\n"
		"\tcase $prev in\n"
		"\t--backend) COMPREPLY=($(compgen -W \"local liveramp local:\" -- \"$cur\")); return ;;\n"
		"\tesac\n");
	sb_puts(sb, "\tcase $cmd in\n\t\"\")\n");
	opt_each(p->global, bash_value, sb);
	sb_printf(sb, "\t\tCOMPREPLY=($(compgen -W \"%s --help --version %s\" -- \"$cur\")); return ;;\n",
		  names.buf, global.buf);
	sb_puts(sb, "\tesac\n\tlocal opts=\"\"\n\tcase $cmd in\n");
	for (size_t i = 0; i < p->n_commands; i++) {
		const struct doc_command *c = &p->commands[i];
		struct strbuf opts = STRBUF_INIT;
		struct words w = { &opts, false };
		sb_printf(sb, "\t%s)\n", c->name);
		opt_each(p->global, bash_value, sb);
		if (c->options) {
			opt_each(c->options, bash_value, sb);
			opt_each(c->options, long_word, &w);
		}
		if (c->extra)
			opt_each(c->extra, long_word, &w);
		if (c->takes_command)
			sb_printf(sb, "\t\tCOMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return\n",
				  names.buf);
		sb_printf(sb, "\t\topts=\"%s%s--help %s\" ;;\n", opts.buf, opts.len ? " " : "", global.buf);
		sb_release(&opts);
	}
	sb_puts(sb, "\tesac\n"
		    "\tif [[ $cur == -* ]]; then\n"
		    "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
		    "\telse\n"
		    "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
		    "\tfi\n"
		    "}\n"
		    "complete -o filenames -F _reconciler reconciler\n");
	sb_release(&names);
	sb_release(&global);
}

/* A description inside a single-quoted _arguments spec: its first line,
 * with quotes, brackets and colons escaped. */
static void zsh_text(struct strbuf *sb, const char *s)
{
	for (; *s && *s != '\n'; s++) {
		if (*s == '\'')
			sb_puts(sb, "'\\''");
		else if (*s == '[' || *s == ']' || *s == ':')
			sb_printf(sb, "\\%c", *s);
		else
			sb_putc(sb, *s);
	}
}

static int zsh_option(const struct opt *o, void *ctx)
{
	struct strbuf *sb = ctx;
	if (o->kind == OPT_KIND_OPERANDS || !o->long_name)
		return 0;
	sb_printf(sb, "\t\t\t'--%s%s[", o->long_name, o->argname ? "=" : "");
	zsh_text(sb, o->help ? o->help : o->long_name);
	sb_putc(sb, ']');
	if (o->kind == OPT_KIND_ENUM) {
		struct strbuf v = STRBUF_INIT;
		values(o, &v);
		sb_printf(sb, ":%s:(%s)", o->long_name, v.buf);
		sb_release(&v);
	} else if (o->argname && strcmp(o->long_name, "backend") == 0) {
		sb_puts(sb, ":backend:(local liveramp)");
	} else if (o->argname) {
		sb_printf(sb, ":%s:_files", o->long_name);
	}
	sb_puts(sb, "' \\\n");
	return 0;
}

void doc_zsh(const struct doc_program *p, struct strbuf *sb)
{
	struct strbuf names = STRBUF_INIT;
	command_names(p, &names);
	sb_puts(sb, "#compdef reconciler\n"
		    "# zsh completion for reconciler (generated from its option tables)\n"
		    "_reconciler() {\n\tlocal -a commands\n\tcommands=(\n");
	for (size_t i = 0; i < p->n_commands; i++) {
		sb_printf(sb, "\t\t'%s:", p->commands[i].name);
		zsh_text(sb, p->commands[i].summary);
		sb_puts(sb, "'\n");
	}
	sb_puts(sb, "\t)\n"
		    "\tif (( CURRENT == 2 )); then\n"
		    "\t\t_describe -t commands 'reconciler command' commands\n"
		    "\t\treturn\n"
		    "\tfi\n"
		    "\tlocal cmd=${words[2]}\n"
		    "\tshift words; (( CURRENT-- ))\n"
		    "\tcase $cmd in\n");
	for (size_t i = 0; i < p->n_commands; i++) {
		const struct doc_command *c = &p->commands[i];
		sb_printf(sb, "\t%s)\n\t\t_arguments -s \\\n", c->name);
		if (c->options)
			opt_each(c->options, zsh_option, sb);
		if (c->extra)
			opt_each(c->extra, zsh_option, sb);
		opt_each(p->global, zsh_option, sb);
		if (c->takes_command)
			sb_printf(sb, "\t\t\t'1:command:(%s)'\n\t\t;;\n", names.buf);
		else
			sb_puts(sb, "\t\t\t'*:path:_files'\n\t\t;;\n");
	}
	sb_puts(sb, "\tesac\n}\n_reconciler \"$@\"\n");
	sb_release(&names);
}
