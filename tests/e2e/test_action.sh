# The composite GitHub Action (ci/github/action): its shell steps run here
# with a fake GitHub environment (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
# GITHUB_PATH, RUNNER_TEMP, GITHUB_ACTION_PATH) against the local
# sandbox: install from a .deb, from the cache, and by building with the
# build set only; each command's outputs and summary. actionlint (when
# installed) checks a workflow that uses it.
. "$(dirname "$0")/lib.sh"

ACTION=$ROOT/ci/github/action
[ -f "$ACTION/action.yml" ] && pass "action: action.yml exists" || { fail "action: action.yml exists"; exit 1; }

# Every input and output the issue names is declared; every script a step
# runs exists.
for i in command paths backend format args deb; do
	grep -q "^  $i:" "$ACTION/action.yml" && pass "action: input $i" || fail "action: input $i"
done
for o in exit-code plan-path audit-log-path output-path log-path; do
	grep -q "^  $o:" "$ACTION/action.yml" && pass "action: output $o" || fail "action: output $o"
done
grep -q '^  using: composite' "$ACTION/action.yml" && pass "action: composite" || fail "action: composite"
for s in $(grep -o '\$GITHUB_ACTION_PATH/[a-z-]*\.sh' "$ACTION/action.yml" | sed 's|.*/||' | sort -u); do
	[ -f "$ACTION/$s" ] && bash -n "$ACTION/$s" && pass "action: step script $s parses" || fail "action: step script $s"
done

# gh_env DIR: a fresh fake runner in DIR.
gh_env() {
	export RUNNER_TEMP=$1/runner-temp GITHUB_OUTPUT=$1/output GITHUB_STEP_SUMMARY=$1/summary \
		GITHUB_PATH=$1/path GITHUB_ACTION_PATH=$ACTION
	mkdir -p "$RUNNER_TEMP"
	: >"$GITHUB_OUTPUT"
	: >"$GITHUB_STEP_SUMMARY"
	: >"$GITHUB_PATH"
}
output() { sed -n "s/^$1=//p" "$GITHUB_OUTPUT" | tail -1; }

# ---- install ---------------------------------------------------------------
gh_env "$TMP/cache"
mkdir -p "$RUNNER_TEMP/reconciler-bin" && cp "$BIN" "$RUNNER_TEMP/reconciler-bin/reconciler"
bash "$ACTION/install.sh" >"$TMP/.out" 2>"$TMP/.err"
RC=$?
OUT=$(cat "$TMP/.out")
expect_rc "action install: from the cache" 0
expect_out "action install: ... says so" "reconciler from the cache"
[ "$(cat "$GITHUB_PATH")" = "$RUNNER_TEMP/reconciler-bin" ] && pass "action install: its directory goes on GITHUB_PATH" ||
	fail "action install: its directory goes on GITHUB_PATH" "$(cat "$GITHUB_PATH")"

bash "$ACTION/revision.sh" >/dev/null 2>&1
rev=$(output revision)
[ ${#rev} -eq 40 ] && pass "action: the cache key is a source revision" || fail "action: the cache key is a source revision" "$rev"

if command -v dpkg-deb >/dev/null 2>&1 && command -v dpkg-shlibdeps >/dev/null 2>&1; then
	gh_env "$TMP/deb"
	"$(dirname "$BIN")/gen-docs" "$TMP/docs" && deb=$(sh ci/deb/build-deb.sh "$BIN" "$TMP/docs" "$TMP/debout" 2>/dev/null)
	RECONCILER_DEB=$deb bash "$ACTION/install.sh" >"$TMP/.out" 2>"$TMP/.err"
	RC=$?
	OUT=$(cat "$TMP/.out")
	expect_rc "action install: from a .deb" 0
	expect_out "action install: ... the packaged binary runs" "$("$BIN" version)"
	[ -x "$(cat "$GITHUB_PATH")/reconciler" ] && pass "action install: ... and is on GITHUB_PATH" ||
		fail "action install: ... and is on GITHUB_PATH"
else
	echo "ok - action install: from a .deb # skip: dpkg-dev not installed"
fi
gh_env "$TMP/nodeb"
RECONCILER_DEB=$TMP/no-such.deb bash "$ACTION/install.sh" >"$TMP/.out" 2>"$TMP/.err"
RC=$?
OUT=$(cat "$TMP/.out")
expect_rc "action install: a missing .deb fails" 1
expect_out "action install: ... with an annotation" "::error title=reconciler::no .deb at"

# A build from source, with the build set only (the machine has it).
gh_env "$TMP/build"
bash "$ACTION/install.sh" >"$TMP/.out" 2>"$TMP/.err"
RC=$?
OUT=$(cat "$TMP/.out")
expect_rc "action install: builds from source" 0
expect_out "action install: ... with the build set only" "Building reconciler with the build set only"
[ -x "$RUNNER_TEMP/reconciler-bin/reconciler" ] && pass "action install: ... leaving the binary for the cache" ||
	fail "action install: ... leaving the binary for the cache"
if ls "$RUNNER_TEMP/reconciler-build" | grep -q '^config-test.mk$'; then
	fail "action install: ... never asking for the test set"
else pass "action install: ... never asking for the test set"; fi

# ---- run -------------------------------------------------------------------
mkdir -p "$TMP/bin" && cp "$BIN" "$TMP/bin/reconciler"
export PATH=$TMP/bin:$PATH
mkdir -p "$TMP/repo" && cp -r examples/basic "$TMP/repo/config"
cd "$TMP/repo" || exit 1
SB=local:$TMP/repo/sandbox.json
# act COMMAND [VAR=VALUE...]: runs run.sh with the inputs as the action passes them.
act() {
	local cmd=$1
	shift
	gh_env "$TMP/run-$cmd-$#"
	env RECONCILER_COMMAND="$cmd" RECONCILER_PATHS=config RECONCILER_BACKEND="$SB" RECONCILER_FORMAT= \
		RECONCILER_ARGS= RECONCILER_FAIL_ON_CHANGES=false "$@" bash "$ACTION/run.sh" >"$TMP/.out" 2>"$TMP/.err"
	RC=$?
	OUT=$(cat "$TMP/.out")
	ERR=$(cat "$TMP/.err")
}
summary_has() { if grep -qF -- "$2" "$GITHUB_STEP_SUMMARY"; then pass "$1"; else fail "$1" "summary: $(head -c 800 "$GITHUB_STEP_SUMMARY")"; fi; }

act validate
expect_rc "action validate: ok" 0
[ "$(output exit-code)" = 0 ] && pass "action validate: exit-code output 0" || fail "action validate: exit-code output 0"

act plan RECONCILER_ARGS='--detailed-exitcode'
expect_rc "action plan: changes present do not fail the step" 0
[ "$(output exit-code)" = 2 ] && pass "action plan: exit-code output 2" || fail "action plan: exit-code output 2" "$(cat "$GITHUB_OUTPUT")"
summary_has "action plan: the Markdown goes to the step summary" "### Reconciler plan for kargo"
plan=$(output plan-path)
[ -s "$plan" ] && jq -e '.changes | length == 4' "$plan" >/dev/null && pass "action plan: plan-path is the saved plan" ||
	fail "action plan: plan-path is the saved plan" "$plan"

act plan RECONCILER_ARGS='--detailed-exitcode' RECONCILER_FAIL_ON_CHANGES=true
expect_rc "action plan: fail-on-changes fails on exit 2" 2

act plan RECONCILER_FORMAT=json
expect_rc "action plan: --format json" 0
summary_has "action plan: ... the summary is still Markdown" "### Reconciler plan for kargo"
jq -e '.changes' "$(output output-path)" >/dev/null && pass "action plan: output-path holds the JSON" ||
	fail "action plan: output-path holds the JSON"

act apply RECONCILER_ARGS="--max-deletes 0 --max-changes '10'"
expect_rc "action apply: applies" 0
expect_out "action apply: its report is on the log" "Apply complete"
log=$(output audit-log-path)
[ -s "$log" ] && jq -e '.outcome == "applied"' "$log" >/dev/null && pass "action apply: audit-log-path holds the record" ||
	fail "action apply: audit-log-path holds the record" "$log"
summary_has "action apply: the summary shows the run" "Apply complete"

act drift
expect_rc "action drift: in sync" 0
summary_has "action drift: the Markdown says no drift" "**No drift.**"
[ -n "$(output audit-log-path)" ] && pass "action drift: an audit-log-path" || fail "action drift: an audit-log-path"

act status RECONCILER_FORMAT=html
expect_rc "action status: html" 0
page=$(output output-path)
head -1 "$page" | grep -qx '<!DOCTYPE html>' && pass "action status: output-path is the page" || fail "action status: output-path is the page"
summary_has "action status: the summary points at the page" "output-path"

printf 'version: 1\naccounts:\n  - name: X\n    identifiers: [cookies]\n' >config/bad.yaml
act validate RECONCILER_FORMAT=github
expect_rc "action validate: an error fails the step" 1
expect_out "action validate: annotations reach the log" "::error file=config/bad.yaml"
summary_has "action validate: the summary names the error" "kargo.client_name"
act validate
grep -qF kargo.client_name "$(output log-path)" && pass "action validate: log-path holds the diagnostics" ||
	fail "action validate: log-path holds the diagnostics" "$(output log-path)"
rm config/bad.yaml

act plan RECONCILER_ARGS='$(touch pwned) `touch pwned2`'
[ ! -e pwned ] && [ ! -e pwned2 ] && pass "action: args are split, never run" || fail "action: args are split, never run"
act frobnicate
expect_rc "action: an unknown command fails" 1

# fleet: the orgs under a root (paths), for a matrix; no backend.
mkdir -p fleet/acme fleet/globex
printf 'version: 1\nsettings: {org_id: org-acme}\naccounts: []\n' >fleet/acme/a.yaml
printf 'version: 1\nsettings: {org_id: org-globex}\naccounts: []\n' >fleet/globex/a.yaml
act fleet RECONCILER_PATHS=fleet RECONCILER_FORMAT=github-matrix
expect_rc "action fleet: lists the orgs" 0
jq -e '.include | map(.org) == ["acme", "globex"]' "$(output output-path)" >/dev/null &&
	pass "action fleet: output-path holds the matrix" || fail "action fleet: output-path holds the matrix" "$OUT"
expect_out "action fleet: no --backend" "reconciler fleet fleet --format github-matrix"

# ---- actionlint --------------------------------------------------------------
if command -v actionlint >/dev/null 2>&1; then
	mkdir -p "$TMP/lint/.github/workflows" "$TMP/lint/ci/github"
	cp -r "$ACTION" "$TMP/lint/ci/github/action"
	cat >"$TMP/lint/.github/workflows/use.yml" <<'YAML'
name: use the action
on: [push]
jobs:
  plan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: r
        uses: ./ci/github/action
        with:
          command: plan
          paths: config
          backend: liveramp
          format: markdown
          args: --detailed-exitcode
          deb: ""
      - run: echo "${{ steps.r.outputs.exit-code }} ${{ steps.r.outputs.plan-path }} ${{ steps.r.outputs.audit-log-path }}"
YAML
	(cd "$TMP/lint" && git init -q . && actionlint) >"$TMP/.out" 2>&1
	RC=$?
	OUT=$(cat "$TMP/.out")
	expect_rc "action: actionlint passes a workflow using it" 0
else
	echo "ok - action: actionlint # skip: actionlint not installed"
fi
