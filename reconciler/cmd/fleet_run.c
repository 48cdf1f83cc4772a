/*
 * Running a command over a fleet: the command line split into the fleet's
 * options and the org's, one child process per org within the budget,
 * each with its org's credentials, and their results for the report.
 */
#include "cmd/fleet_run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/groups.h"
#include "fleet/fleet.h"
#include "util/xalloc.h"

#define DEFAULT_BUDGET 16

struct fleet_cli {
	const char *root, *org, *base, *ref, *repo, *out, *plan, *backend;
	enum output_format fmt;
	int budget;
	bool correct;
	bool help;
	const struct opt *table; /* the command's options */
	char **keep;		 /* the org's own options, for every child */
	size_t n_keep;
};

/* Whether the long option name (len bytes) takes a value: by the
 * command's own table, or one of the fleet's. Needed to tell values from
 * PATHs. */
static bool takes_value(const struct fleet_cli *c, const char *name, size_t len)
{
	const struct opt *o = opt_find_long(c->table, name, len);
	if (!o)
		o = opt_find_long(opt_fleet, name, len);
	return o && o->argname;
}

bool fleet_requested(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--fleet") == 0 || strncmp(argv[i], "--fleet=", 8) == 0)
			return true;
	}
	return false;
}

static void keep(struct fleet_cli *c, const char *a)
{
	c->keep[c->n_keep++] = (char *)a;
}

/* The string options the fleet reads: taken (the fleet's own, not passed
 * to the orgs) or noted (passed on as given). */
static const struct {
	const char *name;
	size_t offset;
	bool passed_on;
} fleet_values[] = {
	{ "fleet", offsetof(struct fleet_cli, root), false },
	{ "org", offsetof(struct fleet_cli, org), false },
	{ "out", offsetof(struct fleet_cli, out), false },
	{ "plan", offsetof(struct fleet_cli, plan), false },
	{ "base", offsetof(struct fleet_cli, base), true },
	{ "ref", offsetof(struct fleet_cli, ref), true },
	{ "repo", offsetof(struct fleet_cli, repo), true },
	{ "backend", offsetof(struct fleet_cli, backend), true },
};

/* Notes value when name is one of fleet_values passed on (or not, as
 * passed_on says); returns whether it was. */
static bool note_value(struct fleet_cli *c, const char *name, size_t len, const char *value, bool passed_on)
{
	for (size_t i = 0; i < sizeof(fleet_values) / sizeof(*fleet_values); i++) {
		if (fleet_values[i].passed_on != passed_on || strlen(fleet_values[i].name) != len ||
		    strncmp(fleet_values[i].name, name, len) != 0)
			continue;
		*(const char **)((char *)c + fleet_values[i].offset) = value;
		return true;
	}
	return false;
}

/* The fleet report's formats, whatever the command's own. */
static const struct opt report_format = OPT_ENUM('f', "format", 0, format_names, FORMATS_PLAN_CMD, NULL);

/* Returns 0, or -1 after printing why. Bad values of the org's options are
 * left for the command's own parser (fleet_run checks them once). */
static int split_args(const char *cmd, int argc, char **argv, struct fleet_cli *c)
{
	c->keep = xcalloc((size_t)argc + 1, sizeof(*c->keep));
	c->budget = DEFAULT_BUDGET;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *name = NULL, *value = NULL;
		size_t len = 0;
		bool attached = false;
		if (strncmp(a, "--", 2) == 0 && a[2]) {
			name = a + 2;
			const char *eq = strchr(name, '=');
			len = eq ? (size_t)(eq - name) : strlen(name);
			attached = eq != NULL;
			if (eq)
				value = eq + 1;
			else if (takes_value(c, name, len) && i + 1 < argc)
				value = argv[++i];
		} else if (a[0] == '-' && a[1] && opt_find_short(c->table, a[1]) &&
			   opt_find_short(c->table, a[1])->argname) {
			name = opt_find_short(c->table, a[1])->long_name;
			len = strlen(name);
			value = a[2] ? a + 2 : i + 1 < argc ? argv[++i] : NULL;
			attached = a[2] != '\0';
		} else if (a[0] == '-' && a[1]) {
			c->help |= strcmp(a, "-h") == 0;
			keep(c, a);
			continue;
		} else {
			fprintf(stderr,
				"reconciler %s: with --fleet, the orgs' directories come from the "
				"fleet root: give no PATH ('%s')\n",
				cmd, a);
			return -1;
		}
#define IS(s) (len == strlen(s) && strncmp(name, s, len) == 0)
		if (takes_value(c, name, len) && !value) {
			fprintf(stderr, "reconciler %s: --%.*s needs a value\n", cmd, (int)len, name);
			return -1;
		}
		if (takes_value(c, name, len) && note_value(c, name, len, value, false))
			continue;
		if (IS("concurrency")) {
			if (opt_set(cmd, opt_find_long(c->table, name, len), &c->budget, value) < 0)
				return -1;
			continue;
		}
		if (IS("format") && opt_set(cmd, &report_format, &c->fmt, value) < 0)
			return -1;
		note_value(c, name, len, value, true);
		if (IS("correct"))
			c->correct = true;
		if (IS("help"))
			c->help = true;
#undef IS
		keep(c, a);
		if (value && !attached)
			keep(c, value);
	}
	if (!c->root || !*c->root) {
		fprintf(stderr, "reconciler %s: --fleet needs the fleet root\n", cmd);
		return -1;
	}
	return 0;
}

/* The org's command line: CMD KEPT... [--plan F | PATH] [--out F] --concurrency N. */
static char **child_argv(const char *cmd, const struct fleet_cli *c, const char *path, const char *plan_in,
			 const char *plan_out, const char *conc)
{
	/* v[-1] is the program's name, for exec; fn takes v from the command. */
	char **all = xcalloc(c->n_keep + 11, sizeof(*all));
	all[0] = "reconciler";
	char **v = all + 1;
	size_t n = 0;
	v[n++] = (char *)cmd;
	for (size_t i = 0; i < c->n_keep; i++)
		v[n++] = c->keep[i];
	if (plan_in) {
		v[n++] = "--plan";
		v[n++] = (char *)plan_in;
	} else if (path) {
		v[n++] = (char *)path;
	}
	if (plan_out) {
		v[n++] = "--out";
		v[n++] = (char *)plan_out;
	}
	v[n++] = "--concurrency";
	v[n++] = (char *)conc;
	return v;
}

/* The options are checked once, by the command's own parser, before any
 * org runs: a typo is one message, not one per org. */
static int check_options(const struct command *cmd, int (*run)(const struct command *, int, char **),
			 const struct fleet_cli *c)
{
	char **v = child_argv(cmd->name, c, NULL, c->plan, c->out, "1");
	int n = 0;
	while (v[n])
		n++;
	const char *was = getenv("RECONCILER_PARSE_ONLY");
	char *saved = was ? xstrdup(was) : NULL;
	setenv("RECONCILER_PARSE_ONLY", "1", 1);
	int rc = run(cmd, n, v);
	if (saved)
		setenv("RECONCILER_PARSE_ONLY", saved, 1);
	else
		unsetenv("RECONCILER_PARSE_ONLY");
	free(saved);
	free(v - 1);
	return rc;
}

static bool regular_file(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* An org_id names a file in the credentials directory only when it is a
 * plain name: nothing that leaves the directory or hides the file. */
static bool plain_name(const char *s)
{
	return s && *s && s[0] != '.' && !strchr(s, '/') && strlen(s) < 200;
}

/* The org's credentials file in LIVERAMP_CREDENTIALS_DIR, or NULL; *why
 * says why the org cannot run (liveramp with no credentials for it). */
static char *org_credentials(const struct fleet_org *o, size_t n_orgs, bool liveramp, char **why)
{
	const char *dir = getenv("LIVERAMP_CREDENTIALS_DIR");
	struct strbuf sb = STRBUF_INIT;
	*why = NULL;
	if (dir && *dir) {
		const char *names[] = { o->name, plain_name(o->org_id) ? o->org_id : NULL };
		for (size_t i = 0; i < 2; i++) {
			if (!names[i])
				continue;
			sb_reset(&sb);
			sb_printf(&sb, "%s/%s.json", dir, names[i]);
			if (regular_file(sb.buf))
				return sb_detach(&sb);
		}
		sb_reset(&sb);
		if (liveramp) {
			sb_printf(&sb,
				  "no credentials for org '%s' in LIVERAMP_CREDENTIALS_DIR: put them in "
				  "%s.json or %s.json there (mode 0600)",
				  o->name, o->name, o->org_id ? o->org_id : "ORG_ID");
			*why = sb_detach(&sb);
		}
	} else if (liveramp && n_orgs > 1) {
		sb_printf(&sb,
			  "%zu orgs need one credentials file each: set LIVERAMP_CREDENTIALS_DIR to a "
			  "directory holding NAME.json or ORG_ID.json per org",
			  n_orgs);
		*why = sb_detach(&sb);
	}
	sb_release(&sb);
	return NULL;
}

/* This program, by the path the kernel knows it by (read once, before
 * any fork: under valgrind the readlink is the client's, not the tool's). */
static char self[PATH_MAX];

static pid_t spawn(char **args, const char *out, const char *err, const char *creds, const char *org_id)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	int in = open("/dev/null", O_RDONLY);
	int o = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	int e = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
		_exit(126);
	if (creds) {
		setenv("LIVERAMP_CREDENTIALS_FILE", creds, 1);
		unsetenv("LIVERAMP_ACCOUNT_ID");
		unsetenv("LIVERAMP_SECRET_KEY");
	}
	if (org_id)
		setenv("LIVERAMP_ORG_ID", org_id, 1);
	execv(self, args);
	_exit(127);
}

static void slurp(const char *path, struct strbuf *sb)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		return;
	char buf[8192];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_add(sb, buf, (size_t)n);
	close(fd);
}

struct job {
	pid_t pid;
	char *out, *err, *in;
};

static char *tmp_name(const char *dir, size_t i, const char *what)
{
	struct strbuf sb = STRBUF_INIT;
	sb_printf(&sb, "%s/org-%zu.%s", dir, i, what);
	return sb_detach(&sb);
}

/* Runs every org that can run, at most jobs at a time. */
static void run_all(const char *cmd, const struct fleet_cli *c, const struct fleet *f, struct fleet_result *r,
		    const char *tmp, size_t jobs, const char *conc)
{
	struct job *j = xcalloc(f->n, sizeof(*j));
	size_t next = 0, running = 0;
	while (next < f->n || running) {
		while (next < f->n && running < jobs) {
			size_t i = next++;
			const struct fleet_org *o = &f->orgs[i];
			if (r[i].removed || r[i].why)
				continue;
			char *creds = org_credentials(
			    o, f->n, c->backend && strcmp(c->backend, "liveramp") == 0, &r[i].why);
			char *plan_in = NULL;
			if (!r[i].why && c->plan) {
				plan_in = tmp_name(tmp, i, "in.json");
				int got = fleet_plan_extract(c->plan, o->name, plan_in);
				if (got <= 0)
					r[i].why =
					    xstrdup(got < 0 ? "its plan could not be read from the fleet plan"
							    : "the fleet plan has no plan for it");
			}
			if (!r[i].why) {
				if (c->out)
					r[i].plan_file = tmp_name(tmp, i, "plan.json");
				j[i].out = tmp_name(tmp, i, "out");
				j[i].err = tmp_name(tmp, i, "err");
				char **args = child_argv(cmd, c, o->path, plan_in, r[i].plan_file, conc);
				j[i].pid = spawn(args - 1, j[i].out, j[i].err, creds, o->org_id);
				free(args - 1);
				if (j[i].pid < 0)
					r[i].why = xstrdup("could not start a process for it");
				else
					running++;
			}
			j[i].in = plan_in;
			free(creds);
		}
		if (!running)
			continue;
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		for (size_t i = 0; i < f->n; i++) {
			if (j[i].pid != pid || pid <= 0)
				continue;
			running--;
			r[i].ran = true;
			r[i].exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_ERROR;
			if (!WIFEXITED(status))
				sb_printf(&r[i].err,
					  "reconciler: the run of org '%s' was killed by signal %d\n",
					  f->orgs[i].name, WTERMSIG(status));
			slurp(j[i].out, &r[i].out);
			slurp(j[i].err, &r[i].err);
			j[i].pid = 0;
		}
	}
	for (size_t i = 0; i < f->n; i++) {
		if (r[i].why)
			r[i].exit_code = EXIT_ERROR;
		if (j[i].out)
			unlink(j[i].out);
		if (j[i].err)
			unlink(j[i].err);
		if (j[i].in)
			unlink(j[i].in);
		free(j[i].in);
		free(j[i].out);
		free(j[i].err);
	}
	free(j);
}

/* The same directory spelled the way people do: "./a/" is "a". */
static bool same_root(const char *a, const char *b)
{
	while (a[0] == '.' && a[1] == '/')
		a += 2;
	while (b[0] == '.' && b[1] == '/')
		b += 2;
	size_t na = strlen(a), nb = strlen(b);
	while (na > 1 && a[na - 1] == '/')
		na--;
	while (nb > 1 && b[nb - 1] == '/')
		nb--;
	return na == nb && strncmp(a, b, na) == 0;
}

static int load_orgs(const struct fleet_cli *c, struct fleet **f)
{
	struct diags d = DIAGS_INIT;
	struct gitsrc *git = NULL;
	struct fleet_source src = { .root = c->root, .ref = c->ref, .repo = c->repo };
	int rc = c->plan ? fleet_plan_load(c->plan, f, &d) : fleet_load(f, &src, &git, &d);
	if (rc == 0 && c->plan && !same_root((*f)->root, c->root)) {
		/* Its orgs' paths are the plan root's: another root's orgs would be
		 * applied a plan made for different directories. */
		diag_error(&d, "fleet.root", NULL, "apply it with that --fleet ROOT, or plan this root again",
			   "%s was planned for the fleet root '%s', not '%s'", c->plan, (*f)->root, c->root);
		rc = -1;
	}
	/* An org that breaks the layout's rules does not run; the others do,
	 * unless the fleet itself is wrong (no root, no org at all). */
	bool some = false;
	for (size_t i = 0; rc < 0 && !c->plan && *f && i < (*f)->n; i++)
		some |= !(*f)->orgs[i].invalid;
	if (rc < 0 && some)
		rc = 0;
	if (rc == 0 && c->base && !c->plan)
		rc = fleet_affected(*f, &src, c->base, &git, &d);
	if (rc == 0 && c->org)
		rc = fleet_pick(*f, c->org, &d);
	diags_sort(&d);
	print_diags(&d);
	diags_free(&d);
	gitsrc_close(git);
	return rc;
}

int fleet_run(const struct command *command, int (*run)(const struct command *, int, char **), int argc,
	      char **argv)
{
	const char *cmd = command->name;
	struct fleet_cli c = { .table = command->ops->options };
	if (split_args(cmd, argc, argv, &c) < 0 || check_options(command, run, &c) != EXIT_OK) {
		free(c.keep);
		return EXIT_ERROR;
	}
	if (parse_only() || c.help) { /* --help: the command printed its usage */
		free(c.keep);
		return EXIT_OK;
	}
	struct fleet *f = NULL;
	int rc = EXIT_ERROR;
	char tmp[PATH_MAX];
	const char *base = getenv("TMPDIR");
	snprintf(tmp, sizeof(tmp), "%s/reconciler-fleet-XXXXXX", base && *base ? base : "/tmp");
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[len > 0 ? len : 0] = '\0';
	if (len <= 0)
		fprintf(stderr, "reconciler %s: cannot find this program to run each org\n", cmd);
	if (len <= 0 || load_orgs(&c, &f) < 0 || !mkdtemp(tmp)) {
		fleet_free(f);
		free(c.keep);
		return EXIT_ERROR;
	}
	struct fleet_result *r = xcalloc(f->n + 1, sizeof(*r));
	for (size_t i = 0; i < f->n; i++) {
		r[i].name = f->orgs[i].name;
		r[i].path = f->orgs[i].path;
		r[i].org_id = f->orgs[i].org_id;
		r[i].removed = f->orgs[i].removed;
		if (f->orgs[i].invalid)
			r[i].why =
			    xstrdup("it breaks the fleet's layout rules (fleet.* errors above): not run");
	}
	bool serial = strcmp(cmd, "apply") == 0 || c.correct;
	size_t jobs = serial ? 1 : f->n < (size_t)c.budget ? f->n : (size_t)c.budget;
	char conc[16];
	snprintf(conc, sizeof(conc), "%d", jobs ? c.budget / (int)jobs : c.budget);
	run_all(cmd, &c, f, r, tmp, jobs ? jobs : 1, conc);
	rc = fleet_exit_code(r, f->n);
	if (fleet_report(cmd, f->root, c.fmt, r, f->n) < 0)
		rc = EXIT_ERROR;
	if (c.out && fleet_plan_write(c.out, f->root, r, f->n) < 0)
		rc = EXIT_ERROR;
	for (size_t i = 0; i < f->n; i++) {
		sb_release(&r[i].out);
		sb_release(&r[i].err);
		if (r[i].plan_file)
			unlink(r[i].plan_file);
		free(r[i].plan_file);
		free(r[i].why);
	}
	rmdir(tmp);
	free(r);
	fleet_free(f);
	free(c.keep);
	return rc;
}
