/*
 * The front of a run (reconcile/source.h).
 */
#include "reconcile/source.h"

#include "desired/load.h"
#include "rules/check.h"

int open_repo(const struct source_options *so, struct gitsrc **git, struct diags *d)
{
	if (*git)
		return 0;
	return gitsrc_open(git, so->repo, d);
}

int load_desired(const struct source_options *so, const char *ref, struct gitsrc **git, struct state **out,
		 char commit[GITSRC_HEX], struct diags *d)
{
	static const char *const here[] = { "." };
	const char *const *paths = so->n_paths ? so->paths : here;
	size_t n_paths = so->n_paths ? so->n_paths : 1;
	commit[0] = '\0';
	*out = NULL;
	if (!ref)
		return desired_load_paths(out, paths, n_paths, d);
	if (open_repo(so, git, d) < 0)
		return -1;
	return desired_load_git(out, *git, ref, paths, n_paths, commit, d);
}

int load_and_check(const struct source_options *so, const char *profile_name, struct gitsrc **git,
		   struct state **desired, struct profile **profile, char commit[GITSRC_HEX], struct diags *d)
{
	*desired = NULL;
	*profile = NULL;
	commit[0] = '\0';
	if (profile_load(profile, profile_name ? profile_name : DEFAULT_PROFILE, d) < 0)
		return -1;
	int rc = load_desired(so, so->ref, git, desired, commit, d);
	if (*desired)
		rules_check_desired(*profile, *desired, d);
	diags_sort(d);
	return rc < 0 || diags_has_errors(d) ? -1 : 0;
}
