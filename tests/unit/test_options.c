/*
 * cli/options: the declarative option tables every command parses with:
 * groups at an offset, "did you mean", a missing or bad value, a repeated
 * option, --opt=value and --opt value, "--" ending the options, operands,
 * and the usage and help generated from the same table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/options.h"

struct inner {
	const char *ref;
	int level;
};

struct args {
	struct inner in;
	bool dry;
	long max;
	int fmt;
	const char *name;
	const char *const *paths;
	size_t n_paths;
	int called;
};

static const char *const formats[] = { "text", "json", "html", NULL };

static void put_paths(void *field, const char *const *v, size_t n)
{
	struct args *a = field;
	a->paths = v;
	a->n_paths = n;
}

static int count_call(const char *cmd, const struct opt *o, const char *value, void *field)
{
	if (strcmp(value, "bad") == 0) {
		fprintf(stderr, "reconciler %s: --%s refuses '%s'\n", cmd, o->long_name, value);
		return -1;
	}
	(*(int *)field)++;
	return 0;
}

/* A group, its fields relative to struct inner. */
static const struct opt group[] = {
	OPT_STRING(0, "ref", "REF", offsetof(struct inner, ref), "a git ref"),
	OPT_INT('l', "level", "N", offsetof(struct inner, level), 1, 9, "a level, 1 to 9"),
	OPT_END(),
};

static const struct opt table[] = {
	OPT_OPERANDS("PATH...", 0, put_paths, "the files"),
	OPT_INCLUDE(group, offsetof(struct args, in)),
	OPT_FLAG('n', "dry-run", offsetof(struct args, dry), "change nothing"),
	OPT_COUNT(0, "max-deletes", "N", offsetof(struct args, max), "at most N deletes"),
	OPT_ENUM('f', "format", offsetof(struct args, fmt), formats, 3, "the output format"),
	OPT_STRING(0, "name", "NAME", offsetof(struct args, name), "a name"),
	OPT_CALLBACK(0, "call", "X", offsetof(struct args, called), count_call, "counts its calls"),
	OPT_END(),
};

static char err[2048];

/* Parses the words (NULL-terminated) as command "cmd"; what was printed on
 * stderr is in err. */
static int parse(struct args *a, bool *usage, const char *w, ...)
{
	static char *argv[32]; /* the operands point into it */
	int argc = 0;
	argv[argc++] = "cmd";
	va_list ap;
	va_start(ap, w);
	for (const char *s = w; s; s = va_arg(ap, const char *))
		argv[argc++] = (char *)s;
	va_end(ap);
	argv[argc] = NULL;
	memset(a, 0, sizeof(*a));
	fflush(stderr);
	int saved = dup(2);
	FILE *tmp = tmpfile();
	dup2(fileno(tmp), 2);
	int rc = opt_parse("cmd", table, a, argc, argv, NULL, usage);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(err, 1, sizeof(err) - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
	return rc;
}

static void test_values_and_groups(void **state)
{
	(void)state;
	struct args a;
	bool usage;
	assert_int_equal(parse(&a, &usage, "--ref=main", "--level", "3", "-n", "--max-deletes", "2",
			       "--format=json", "x.yaml", NULL),
			 0);
	assert_string_equal(a.in.ref, "main");
	assert_int_equal(a.in.level, 3);
	assert_true(a.dry);
	assert_int_equal(a.max, 2);
	assert_int_equal(a.fmt, 1);
	assert_int_equal(a.n_paths, 1);
	assert_string_equal(a.paths[0], "x.yaml");
	assert_string_equal(err, "");
	/* Short options: attached or not; a flag then a value in one word. */
	assert_int_equal(parse(&a, &usage, "-l4", "-nfjson", NULL), 0);
	assert_int_equal(a.in.level, 4);
	assert_true(a.dry);
	assert_int_equal(a.fmt, 1);
	/* html is a name of the enum, but not among the allowed. */
	assert_int_equal(parse(&a, &usage, "--format", "html", NULL), -1);
	/* A unique prefix stands for the option, as with getopt_long. */
	assert_int_equal(parse(&a, &usage, "--dry", "--max-d", "5", NULL), 0);
	assert_true(a.dry);
	assert_int_equal(a.max, 5);
}

static void test_repeated_option_last_wins(void **state)
{
	(void)state;
	struct args a;
	bool usage;
	assert_int_equal(parse(&a, &usage, "--name", "a", "--name=b", "--call", "1", "--call", "2", NULL), 0);
	assert_string_equal(a.name, "b");
	assert_int_equal(a.called, 2);
}

static void test_operands_anywhere_and_after_double_dash(void **state)
{
	(void)state;
	struct args a;
	bool usage;
	assert_int_equal(parse(&a, &usage, "one", "--dry-run", "two", "--", "--name", "-", NULL), 0);
	assert_true(a.dry);
	assert_null(a.name);
	assert_int_equal(a.n_paths, 4);
	assert_string_equal(a.paths[0], "one");
	assert_string_equal(a.paths[1], "two");
	assert_string_equal(a.paths[2], "--name");
	assert_string_equal(a.paths[3], "-");
}

static void test_unknown_option_did_you_mean(void **state)
{
	(void)state;
	struct args a;
	bool usage = false;
	assert_int_equal(parse(&a, &usage, "--formt", "json", NULL), -1);
	assert_true(usage);
	assert_string_equal(err, "reconciler cmd: unknown option '--formt'; did you mean '--format'?\n");
	assert_int_equal(parse(&a, &usage, "--dry-rnu=1", NULL), -1);
	assert_string_equal(err, "reconciler cmd: unknown option '--dry-rnu=1'; did you mean '--dry-run'?\n");
	assert_int_equal(parse(&a, &usage, "--bogus-thing", NULL), -1);
	assert_string_equal(err, "reconciler cmd: unknown option '--bogus-thing'\n");
	assert_int_equal(parse(&a, &usage, "-x", NULL), -1);
	assert_string_equal(err, "reconciler cmd: unknown option '-x'\n");
	/* A flag takes no value. */
	assert_int_equal(parse(&a, &usage, "--dry-run=yes", NULL), -1);
	assert_string_equal(err,
			    "reconciler cmd: unknown option '--dry-run=yes'; did you mean '--dry-run'?\n");
}

static void test_missing_value(void **state)
{
	(void)state;
	struct args a;
	bool usage = false;
	assert_int_equal(parse(&a, &usage, "--format", NULL), -1);
	assert_true(usage);
	assert_string_equal(err, "reconciler cmd: option '--format' needs a value\n");
	assert_int_equal(parse(&a, &usage, "x", "-f", NULL), -1);
	assert_string_equal(err, "reconciler cmd: option '-f' needs a value\n");
}

static void test_bad_values(void **state)
{
	(void)state;
	struct args a;
	bool usage = true;
	assert_int_equal(parse(&a, &usage, "--format", "yaml", NULL), -1);
	assert_false(usage); /* a bad value is not a usage error */
	assert_string_equal(err, "reconciler cmd: unknown format 'yaml' (choose from: text json)\n");
	assert_int_equal(parse(&a, &usage, "--max-deletes", "-1", NULL), -1);
	assert_string_equal(err, "reconciler cmd: --max-deletes needs a non-negative integer, got '-1'\n");
	assert_int_equal(parse(&a, &usage, "--level", "10", NULL), -1);
	assert_string_equal(err, "reconciler cmd: --level must be between 1 and 9, got 10\n");
	assert_int_equal(parse(&a, &usage, "--level", "2x", NULL), -1);
	assert_string_equal(err, "reconciler cmd: --level needs a non-negative integer, got '2x'\n");
	assert_int_equal(parse(&a, &usage, "--call", "bad", NULL), -1);
	assert_string_equal(err, "reconciler cmd: --call refuses 'bad'\n");
}

static void test_help_and_no_operands(void **state)
{
	(void)state;
	struct args a;
	bool usage;
	assert_int_equal(parse(&a, &usage, "x", "--help", "--bogus", NULL), 1);
	assert_int_equal(parse(&a, &usage, "-h", NULL), 1);
	/* A table without operands refuses them, unless the caller takes them. */
	static const struct opt bare[] = { OPT_FLAG(0, "force", 0, "f"), OPT_END() };
	bool force = false;
	char *argv[] = { "cmd", "--force", "extra", NULL };
	struct opt_operands rest = { 0 };
	assert_int_equal(opt_parse("cmd", bare, &force, 3, argv, &rest, NULL), 0);
	assert_true(force);
	assert_int_equal(rest.n, 1);
	assert_string_equal(rest.v[0], "extra");
	char *argv2[] = { "cmd", "extra", NULL };
	fflush(stderr);
	int saved = dup(2);
	FILE *tmp = tmpfile();
	dup2(fileno(tmp), 2);
	int rc = opt_parse("cmd", bare, &force, 2, argv2, NULL, NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(err, 1, sizeof(err) - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
	assert_int_equal(rc, -1);
	assert_string_equal(err, "reconciler cmd: unexpected argument 'extra' (cmd takes none)\n");
}

static void test_usage_and_help_from_the_table(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	sb_puts(&sb, "usage: reconciler cmd");
	opt_usage(&sb, "[PATH...]", table, sb.len, 7, 80);
	assert_string_equal(sb.buf, "usage: reconciler cmd [PATH...] [--ref REF] [--level N] [--dry-run]\n"
				    "       [--max-deletes N] [--format text|json] [--name NAME] [--call X]");
	sb_reset(&sb);
	opt_help(&sb, table);
	assert_non_null(strstr(sb.buf, "  PATH...                 the files\n"));
	assert_non_null(strstr(sb.buf, "  -l, --level N           a level, 1 to 9\n"));
	assert_non_null(strstr(sb.buf, "  -f, --format text|json  the output format\n"));
	sb_release(&sb);
	assert_non_null(opt_find_long(table, "level", 5));
	assert_null(opt_find_long(table, "lev", 3)); /* exact names only */
	assert_string_equal(opt_find_short(table, 'n')->long_name, "dry-run");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_and_groups),
		cmocka_unit_test(test_repeated_option_last_wins),
		cmocka_unit_test(test_operands_anywhere_and_after_double_dash),
		cmocka_unit_test(test_unknown_option_did_you_mean),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_help_and_no_operands),
		cmocka_unit_test(test_usage_and_help_from_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
