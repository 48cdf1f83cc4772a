#include "cmd/pipeline.h"

#include <string.h>
#include <unistd.h>

#include "cmd/common.h"
#include "plan/diff.h"
#include "rules/check.h"

int pipeline_observe(struct pipeline *pl, const struct pipeline_options *o,
		     const struct settings *settings, struct diags *d)
{
	struct backend_options bo = {
		.profile = pl->profile,
		.settings = settings,
		.concurrency = o->concurrency,
		.progress = isatty(STDERR_FILENO),
	};
	if (backend_open(&pl->backend, o->backend ? o->backend : "local", &bo, d) < 0)
		return -1;
	if (o->lock) {
		if (pl->backend->ops->lock(pl->backend, o->lock_timeout_ms, d) < 0)
			return -1;
		pl->locked = true;
	}
	return pl->backend->ops->observe(pl->backend, &pl->actual, d);
}

int pipeline_plan(struct pipeline *pl, const struct pipeline_options *o, struct diags *d)
{
	memset(pl, 0, sizeof(*pl));
	if (load_and_check(o->paths, o->n_paths, o->profile, &pl->desired, &pl->profile, d) < 0)
		return -1;
	if (pipeline_observe(pl, o, &pl->desired->settings, d) < 0)
		return -1;
	rules_check_actual(pl->profile, pl->desired, pl->actual, d);
	diags_sort(d);
	if (diags_has_errors(d))
		return -1;
	pl->plan = plan_new();
	plan_diff(pl->plan, pl->desired, pl->actual, pl->profile);
	struct plan *p = pl->plan;
	p->source = arena_strdup(&p->arena, pl->desired->source ? pl->desired->source : "");
	p->backend = arena_strdup(&p->arena, pl->backend->spec);
	p->profile = arena_strdup(&p->arena, pl->profile->id);
	diags_move(&p->diags, d);
	return 0;
}

void pipeline_free(struct pipeline *pl)
{
	if (pl->backend) {
		if (pl->locked)
			pl->backend->ops->unlock(pl->backend);
		backend_close(pl->backend);
	}
	plan_free(pl->plan);
	state_free(pl->actual);
	state_free(pl->desired);
	profile_free(pl->profile);
	memset(pl, 0, sizeof(*pl));
}
