/*
 * Drift (plan/drift.h).
 */
#include "plan/drift.h"

#include <string.h>

#include <jansson.h>

#include "plan/ended.h"
#include "plan/planfile.h"
#include "util/json_sb.h"
#include "util/text.h"
#include "version.h"

static bool is_ended(const struct change *c)
{
	return c->refused && c->rule && strcmp(c->rule, RULE_ACCOUNT_ENDED) == 0;
}

void drift_summarize(const struct plan *p, struct drift_summary *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < p->n_changes; i++) {
		const struct change *c = &p->changes[i];
		if (is_ended(c)) {
			out->ended++;
		} else if (!c->refused) {
			out->changes++;
			if (c->action == CHANGE_DELETE || c->action == CHANGE_REMOVE)
				out->deletes++;
		}
	}
	out->found = out->changes || out->ended;
}

int drift_check_caps(const struct drift_summary *s, long max_deletes, long max_changes, struct diags *d)
{
	if (max_deletes >= 0 && s->deletes > (size_t)max_deletes) {
		diag_error(
		    d, "apply.caps", NULL,
		    "review the plan; pass --max-deletes N to let a scheduled run delete accounts or remove "
		    "segments, or run apply",
		    "blocked by safety caps: correcting the drift deletes or removes %zu item%s (account "
		    "deletes and segment removals), over --max-deletes %ld; nothing was applied",
		    s->deletes, s->deletes == 1 ? "" : "s", max_deletes);
		return -1;
	}
	if (max_changes >= 0 && s->changes > (size_t)max_changes) {
		diag_error(
		    d, "apply.caps", NULL, "review the plan, then raise --max-changes or run apply",
		    "blocked by safety caps: correcting the drift makes %zu changes, over --max-changes "
		    "%ld; nothing was applied",
		    s->changes, max_changes);
		return -1;
	}
	return 0;
}

static json_t *cap(long v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

static json_t *ended_json(const struct plan *p)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < p->n_changes; i++) {
		const struct change *c = &p->changes[i];
		if (is_ended(c))
			json_array_append_new(arr,
					      json_pack("{s:s, s:s?}", "account",
							c->account ? c->account : "", "reason", c->refusal));
	}
	return arr;
}

static json_t *correction_json(const struct drift_correction *c)
{
	if (!c || !c->requested)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "outcome", c->outcome ? json_string(c->outcome) : json_null());
	json_object_set_new(o, "max_deletes", cap(c->max_deletes));
	json_object_set_new(o, "max_changes", cap(c->max_changes));
	json_object_set_new(o, "applied", json_integer((json_int_t)c->applied));
	json_object_set_new(o, "failed", json_integer((json_int_t)c->failed));
	json_object_set_new(o, "skipped", json_integer((json_int_t)c->skipped));
	json_object_set_new(o, "refused", json_integer((json_int_t)c->refused));
	return o;
}

void drift_report_json(const struct plan *p, const struct drift_summary *s, const struct drift_correction *c,
		       long long now, int exit_code, struct strbuf *out)
{
	char ts[32];
	timestamp_format(now, ts);
	json_t *o = json_object();
	json_object_set_new(o, "format_version", json_integer(1));
	json_object_set_new(o, "tool",
			    json_pack("{s:s, s:s}", "name", RECONCILER_NAME, "version", RECONCILER_VERSION));
	json_object_set_new(o, "time", json_string(ts));
	json_object_set_new(o, "in_sync", json_boolean(!s->found));
	json_object_set_new(o, "exit_code", json_integer(exit_code));
	json_t *drift = json_object();
	json_object_set_new(drift, "changes", json_integer((json_int_t)s->changes));
	json_object_set_new(drift, "deletes", json_integer((json_int_t)s->deletes));
	json_object_set_new(drift, "ended_accounts", ended_json(p));
	json_object_set_new(o, "drift", drift);
	json_object_set_new(o, "correction", correction_json(c));
	json_object_set_new(o, "plan", plan_to_json(p));
	json_dump_sb(o, out);
	sb_putc(out, '\n');
	json_decref(o);
}
