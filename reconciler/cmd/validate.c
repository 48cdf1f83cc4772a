/*
 * reconciler validate: the configuration against the schema and the
 * destination's rules, before anything is sent anywhere.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "plan/render_diags.h"
#include "reconcile/source.h"

static size_t count_segments(const struct state *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_accounts; i++)
		n += s->accounts[i]->n_segments;
	return n;
}

static void render(enum output_format fmt, bool ok, const struct state *desired, struct diags *d,
		   const char *const *file_prefixes)
{
	struct strbuf out = STRBUF_INIT;
	if (fmt == FORMAT_JSON) {
		json_t *o = json_object();
		json_object_set_new(o, "valid", json_boolean(ok));
		json_object_set_new(o, "diagnostics", diags_to_json(d));
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		sb_puts(&out, s);
		sb_putc(&out, '\n');
		free(s);
		json_decref(o);
		write_all(stdout, &out);
	} else if (fmt == FORMAT_GITHUB) {
		diags_render_github_in(d, file_prefixes, &out);
		write_all(stdout, &out);
	} else {
		print_diags(d);
		if (ok && desired)
			printf("Valid: %zu account%s, %zu segment%s.\n", desired->n_accounts,
			       desired->n_accounts == 1 ? "" : "s", count_segments(desired),
			       count_segments(desired) == 1 ? "" : "s");
		else if (!ok)
			fprintf(stderr, "Invalid configuration.\n");
	}
	sb_release(&out);
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "profile", required_argument, NULL, 'p' },
		{ "ref", required_argument, NULL, 'r' },
		{ "repo", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum output_format fmt = FORMAT_TEXT;
	const char *profile_name = NULL;
	struct source_options so = { 0 };
	int c;
	optind = 1;
	while ((c = cmd_getopt("validate", argc, argv, "f:p:h", opts)) != -1) {
		switch (c) {
		case 'f':
			if (parse_format("validate", optarg, FORMATS_VALIDATE, &fmt) < 0)
				return EXIT_ERROR;
			break;
		case 'p': profile_name = optarg; break;
		case 'r': so.ref = optarg; break;
		case 'R': so.repo = optarg; break;
		case 'h': return print_usage("validate", stdout);
		default: return print_usage("validate", stderr);
		}
	}
	so.paths = (const char *const *)argv + optind;
	so.n_paths = (size_t)(argc - optind);
	if (parse_only())
		return EXIT_OK;
	struct diags d = DIAGS_INIT;
	struct state *desired;
	struct profile *profile;
	struct gitsrc *git = NULL;
	char commit[GITSRC_HEX];
	int rc = load_and_check(&so, profile_name, &git, &desired, &profile, commit, &d);
	char **prefixes = label_prefixes(so.ref, NULL);
	render(fmt, rc == 0, desired, &d, (const char *const *)prefixes);
	free_label_prefixes(prefixes);
	state_free(desired);
	profile_free(profile);
	gitsrc_close(git);
	diags_free(&d);
	return rc == 0 ? EXIT_OK : EXIT_ERROR;
}
