#!/bin/bash
# Runs one reconciler command for the action (inputs come in as
# RECONCILER_* variables, see action.yml), writes the step summary and the
# outputs. The step fails on exit codes 1 and 3, and on 2 only with
# fail-on-changes.
set -uo pipefail
TEMP=${RUNNER_TEMP:?RUNNER_TEMP is not set}
SUMMARY=${GITHUB_STEP_SUMMARY:?GITHUB_STEP_SUMMARY is not set}
OUTPUTS=${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}
cmd=${RECONCILER_COMMAND:-plan}
fmt=${RECONCILER_FORMAT:-}
out_dir=$TEMP/reconciler-out
mkdir -p "$out_dir"

case $cmd in
validate | plan | apply | drift | status | fleet) ;;
*)
	echo "::error title=reconciler::unknown command '$cmd' (validate, plan, apply, drift, status or fleet)"
	exit 1
	;;
esac

# Extra arguments: split with xargs, which honours quotes and expands
# nothing (no command substitution from an input).
extra=()
if [ -n "${RECONCILER_ARGS:-}" ]; then
	if ! mapfile -d '' extra < <(printf '%s' "$RECONCILER_ARGS" | xargs printf '%s\0'); then
		echo "::error title=reconciler::cannot split args: $RECONCILER_ARGS"
		exit 1
	fi
fi
has_arg() { local a; for a in "${extra[@]}"; do [ "$a" = "$1" ] && return 0; done; return 1; }
arg_value() { local i; for ((i = 0; i < ${#extra[@]}; i++)); do [ "${extra[i]}" = "$1" ] && echo "${extra[i + 1]:-}"; done; }

paths=()
if ! has_arg --plan; then
	read -r -a paths <<<"${RECONCILER_PATHS:-.}"
fi
argv=("$cmd" "${paths[@]}")
# validate reads no backend; fleet only lists the orgs under a root (paths).
case $cmd in validate | fleet) ;; *) argv+=(--backend "${RECONCILER_BACKEND:-liveramp}") ;; esac

plan_path="" audit_log=""
case $cmd in
plan)
	[ -n "$fmt" ] || fmt=markdown
	plan_path=$(arg_value --out)
	if [ -z "$plan_path" ]; then
		plan_path=$out_dir/plan.json
		argv+=(--out "$plan_path")
	fi
	;;
apply | drift)
	[ "$cmd" = drift ] && [ -z "$fmt" ] && fmt=markdown
	[ "$cmd" = apply ] && ! has_arg --auto-approve && argv+=(--auto-approve)
	audit_log=$(arg_value --audit-log)
	if [ -z "$audit_log" ]; then
		audit_log=$out_dir/audit.jsonl
		argv+=(--audit-log "$audit_log")
	fi
	[ "$cmd" = apply ] && plan_path=$(arg_value --plan)
	;;
esac
[ -n "$fmt" ] && [ "$cmd" != apply ] && argv+=(--format "$fmt")
argv+=("${extra[@]}")

ext=txt
case $fmt in json) ext=json ;; markdown) ext=md ;; html) ext=html ;; esac
output=$out_dir/$cmd.$ext
echo "reconciler ${argv[*]}"
rc=0
reconciler "${argv[@]}" >"$output" 2>"$out_dir/$cmd.stderr" || rc=$?
# Both on the log too: workflow commands (--format github) act from stdout.
[ "$fmt" = html ] || cat "$output"
cat "$out_dir/$cmd.stderr" >&2

# The summary: GitHub-flavoured Markdown, at most 1 MiB a step.
escape_html() { sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'; }
pre() { # FILE [LIMIT]: FILE as a <pre> block, cut at LIMIT bytes
	echo "<pre>"
	head -c "${2:-900000}" "$1" | escape_html
	[ "$(wc -c <"$1")" -le "${2:-900000}" ] || echo "… (cut: the whole output is in the log)"
	echo "</pre>"
}
{
	if [ "$cmd" = plan ] && [ -s "$plan_path" ] && [ "$fmt" != markdown ]; then
		reconciler show "$plan_path" --format markdown
	elif [ "$fmt" = markdown ]; then
		head -c 900000 "$output"
	elif [ "$fmt" = html ]; then
		echo "### Reconciler $cmd"
		echo ""
		echo "The page is at \`$output\` (the \`output-path\` output): upload it as an artifact to read it."
	else
		echo "### Reconciler $cmd (exit $rc)"
		echo ""
		[ -s "$output" ] && pre "$output"
	fi
	if [ -s "$out_dir/$cmd.stderr" ] && [ "$rc" != 0 ] && [ "$rc" != 2 ]; then
		echo ""
		echo "<details><summary>Diagnostics</summary>"
		echo ""
		pre "$out_dir/$cmd.stderr" 60000
		echo "</details>"
	fi
} >>"$SUMMARY"

abs() { case $1 in "" | /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
{
	echo "exit-code=$rc"
	echo "plan-path=$(abs "$plan_path")"
	echo "audit-log-path=$(abs "$audit_log")"
	echo "output-path=$output"
	echo "log-path=$out_dir/$cmd.stderr"
} >>"$OUTPUTS"

case $rc in
0) exit 0 ;;
2) [ "${RECONCILER_FAIL_ON_CHANGES:-false}" = true ] && exit 2 || exit 0 ;;
*) exit "$rc" ;;
esac
