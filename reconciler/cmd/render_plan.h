/* Rendering a plan in the format a command was asked for (plan, show, apply). */
#ifndef RECONCILER_CMD_RENDER_PLAN_H
#define RECONCILER_CMD_RENDER_PLAN_H

#include <stdio.h>

#include "cmd/common.h"
#include "plan/plan.h"

/* Writes the plan to f; warnings go to stderr in text form (json carries
 * them inside the document). json_hint names where the JSON plan is, for
 * the markdown cut message. Returns 0 or -1 on a write error. */
int render_plan(const struct plan *p, enum output_format fmt, FILE *f, const char *json_hint);

#endif
