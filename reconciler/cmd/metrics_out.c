#include "cmd/metrics_out.h"

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "record/metrics.h"
#include "util/clock.h"

void metrics_out_start(struct metrics_out *mo)
{
	clock_gettime(CLOCK_MONOTONIC, &mo->start);
}

/* The org label: the LiveRamp org the run acted as, else the backend spec
 * (the local sandbox has no org). */
static const char *org_of(const struct pipeline *pl)
{
	if (pl->desired && pl->desired->settings.org_id.v && *pl->desired->settings.org_id.v)
		return pl->desired->settings.org_id.v;
	const char *backend = pl->plan ? pl->plan->backend : NULL;
	const char *env = getenv("LIVERAMP_ORG_ID");
	if (backend && strncmp(backend, "liveramp", 8) == 0 && env && *env)
		return env;
	return backend ? backend : "unknown";
}

int metrics_out_write(const struct metrics_out *mo, const char *command, const struct pipeline *pl,
		      const struct status_report *status, const char *outcome, bool done, int rc)
{
	if (!mo->path)
		return rc;
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	struct run_metrics m = {
		.command = command,
		.org = org_of(pl),
		.outcome = outcome		? outcome
			   : rc == EXIT_OK	? "ok"
			   : rc == EXIT_CHANGES ? "changes"
						: "error",
		.exit_code = rc,
		.duration_seconds =
		    (double)(end.tv_sec - mo->start.tv_sec) + (double)(end.tv_nsec - mo->start.tv_nsec) / 1e9,
		.finished = (long long)clock_now(),
		.done = done,
		.desired = pl->desired,
		.plan = pl->plan,
		.status = status,
	};
	struct strbuf text = STRBUF_INIT;
	metrics_render(&m, &text);
	struct diags d = DIAGS_INIT;
	if (metrics_write_file(mo->path, &text, &d) < 0) {
		print_diags(&d);
		rc = EXIT_ERROR;
	}
	diags_free(&d);
	sb_release(&text);
	return rc;
}
