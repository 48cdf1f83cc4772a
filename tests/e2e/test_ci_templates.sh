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

# check LINE: runs LINE's arguments through the parser. Shell and workflow
# expressions become a placeholder value ("1": a path, a ref, a count are all
# happy with it; a --format given by a variable would not be, which keeps
# formats literal in templates); the words are then split as the shell
# would, quotes included. Returns the parser's exit code.
check() {
	local line=$1
	line=$(printf '%s' "$line" | sed -E 's/\$\{\{[^}]*\}\}/1/g; s/\$\{[A-Za-z_][A-Za-z0-9_]*\}/1/g; s/\$[A-Za-z_][A-Za-z0-9_]*/1/g; s/[`$]/1/g')
	local -a words
	eval "words=($line)"
	RECONCILER_PARSE_ONLY=1 "$BIN" "${words[@]:1}" >"$TMP/.out" 2>"$TMP/.err" </dev/null
}

total=0
for f in ci/github/*.yml ci/gitlab/*.yml; do
	n=0
	while IFS= read -r inv; do
		n=$((n + 1))
		total=$((total + 1))
		RC=0
		check "$inv" || RC=$?
		OUT=$(cat "$TMP/.out")
		ERR=$(cat "$TMP/.err")
		expect_rc "$f: $inv" 0
	done < <(invocations "$f")
	if [ "$n" -gt 0 ]; then pass "$f: $n invocations found"; else fail "$f: invocations found"; fi
done

# Each pipeline calls what its README section says it calls.
expect_in() { # NAME FILE REGEX: some invocation in FILE matches REGEX
	if invocations "$2" | grep -qE -- "$3"; then pass "$1"; else fail "$1" "no invocation in $2 matches $3"; fi
}
expect_in "github plan: plan --base ... --format markdown" ci/github/plan.yml '^reconciler plan .*--base "origin/\$BASE_REF".*--format markdown'
expect_in "github plan: annotations" ci/github/plan.yml '^reconciler plan .*--format github'
expect_in "github apply: apply with caps" ci/github/apply.yml '^reconciler apply .*--auto-approve.*--max-deletes .*--max-changes '
expect_in "github apply: at the pushed commit" ci/github/apply.yml '^reconciler apply .*--ref "\$GITHUB_SHA"'
expect_in "github drift: the drift command" ci/github/drift.yml '^reconciler drift '
expect_in "github drift: correction within caps" ci/github/drift.yml '^reconciler drift .*--correct .*--max-deletes'
expect_in "gitlab plan: --base the target branch" ci/gitlab/reconciler.gitlab-ci.yml '^reconciler plan .*--base "origin/\$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"'
expect_in "gitlab apply: apply with caps" ci/gitlab/reconciler.gitlab-ci.yml '^reconciler apply .*--auto-approve.*--max-deletes .*--max-changes '
expect_in "gitlab drift: the drift command" ci/gitlab/reconciler.gitlab-ci.yml '^reconciler drift '
expect_in "gitlab drift: correction within caps" ci/gitlab/reconciler.gitlab-ci.yml '^reconciler drift .*--correct .*--max-deletes'
grep -q 'git push .*refs/notes/reconciler' ci/github/apply.yml && pass "github apply pushes the notes" ||
	fail "github apply pushes the notes"
grep -q 'git push .*refs/notes/reconciler' ci/gitlab/reconciler.gitlab-ci.yml && pass "gitlab apply pushes the notes" ||
	fail "gitlab apply pushes the notes"

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
EOF
n=0
while IFS= read -r inv; do
	n=$((n + 1))
	RC=0
	check "$inv" || RC=$?
	OUT=$(cat "$TMP/.out")
	ERR=$(cat "$TMP/.err")
	if [ "$RC" -ne 0 ]; then pass "the checker refuses: $inv"; else fail "the checker refuses: $inv"; fi
done < <(invocations "$TMP/wrong.yml")
[ "$n" -eq 6 ] && pass "the checker found the 6 wrong invocations" || fail "the checker found the 6 wrong invocations" "found $n"

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
expect_err "parse-only reports it as usual" "unrecognized option '--nope'"
