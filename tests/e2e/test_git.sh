# Git-native desired state and the pull-request, merge and schedule loop,
# end to end on repositories this script makes: reading a ref without a
# checkout, refs that do not exist, pull-request mode (the PR's own change
# apart from drift), a file deleted in a pull request (prune off and on), a
# base that is broken where the head is fixed, and provenance: the audit log
# and the git note left on the merge commit.
. "$(dirname "$0")/lib.sh"
unset GIT_DIR # lib.sh hides the project's own repository; these are ours

R="$TMP/repo"
SB="$TMP/sandbox.json"
B="--backend=local:$SB"
AUDIT="$TMP/audit.jsonl"
g() { git -C "$R" "$@"; }
# jq on stdout: the value of FILTER, raw
jqo() { printf '%s' "$OUT" | jq -r "$1"; }
expect_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$3', got '$2'"; fi; }

mkdir -p "$R/config"
g init -q -b main
g config user.name "Test User"
g config user.email test@example.com
cp examples/basic/acme.yaml "$R/config/acme.yaml"
g add -A && g commit -q -m "acme"
MAIN1=$(g rev-parse main)

# ---- reading a ref ------------------------------------------------------
run_in "$R" plan config --ref main "$B" --format json
expect_rc "plan --ref exits 0" 0
expect_json "plan --ref records the ref and the commit in source" \
	".source == \"git main@$MAIN1: config\""
expect_json "plan --ref plans the account and its segments" \
	'.summary.accounts_create == 1 and .summary.segments_add == 3'

# From a subdirectory, paths are relative to it, as git reads them.
run_in "$R/config" plan . --ref main "$B" --format json
expect_json "from a subdirectory, '.' is that directory in the tree" \
	".source == \"git main@$MAIN1: config\" and .summary.segments_add == 3"

# --repo from outside the repository: paths from its root.
run_in "$TMP" plan config --repo "$R" --ref main "$B" --format json
expect_rc "--repo DIR from outside the repository exits 0" 0
expect_json "--repo reads the same tree" '.summary.segments_add == 3'

# The work tree is not read: an uncommitted broken edit does not matter.
cp "$R/config/acme.yaml" "$TMP/acme.keep"
printf 'version: 1\naccounts: [\n' >"$R/config/acme.yaml"
run_in "$R" validate config --ref main
expect_rc "validate --ref ignores the broken work tree" 0
expect_out "validate --ref counts the committed account" "Valid: 1 account, 3 segments."
run_in "$R" validate config
expect_rc "validate of the work tree sees the broken file" 1
cp "$TMP/acme.keep" "$R/config/acme.yaml"

# Diagnostics name the ref and the path; GitHub annotations the path alone.
g checkout -q -b broken
printf 'version: 1\naccounts:\n  - name: Bad Co\n    identifiers: [cookies]\n' >"$R/config/bad.yaml"
g add -A && g commit -q -m "bad"
g checkout -q main
run_in "$R" validate config --ref broken
expect_rc "validate --ref of an invalid tree exits 1" 1
expect_err "diagnostics read REF:path:line:col" "broken:config/bad.yaml:3:5: error[kargo.client_name]"
run_in "$R" validate config --ref broken --format github
expect_out "github annotations name the file in the repository" \
	"::error file=config/bad.yaml,line=3,col=5,title=kargo.client_name::"
run_in "$R" plan config --ref broken "$B" --format github
expect_rc "plan --format github of an invalid tree exits 1" 1
expect_out "plan --format github annotates the error" "::error file=config/bad.yaml,line=3"

# A ref that does not exist is a clean error, for every command.
for cmd in validate plan apply; do
	extra="$B"
	[ "$cmd" = apply ] && extra="$B --auto-approve"
	[ "$cmd" = validate ] && extra=""
	run_in "$R" $cmd config --ref no-such-ref $extra
	expect_rc "$cmd --ref no-such-ref exits 1" 1
	expect_err "$cmd --ref no-such-ref names rule git.ref" "error[git.ref]: 'no-such-ref' is not a ref"
done
run_in "$R" plan config --base no-such-base "$B"
expect_rc "plan --base no-such-base exits 1" 1
expect_err "a missing base names rule git.ref" "git.ref"
[ -f "$SB" ] && fail "a missing ref touches no backend" || pass "a missing ref touches no backend"
mkdir -p "$TMP/not-a-repo"
run_in "$TMP/not-a-repo" plan --ref main "$B"
expect_rc "--ref outside any repository exits 1" 1
expect_err "outside any repository names rule git.repo" "git.repo"
run_in "$R" plan no/such/dir --ref main "$B"
expect_rc "a path absent from the tree exits 1" 1
expect_err "a path absent from the tree is named with its ref" "main:no/such/dir: error[config.path]"

# ---- apply at a ref: audit log and git note ---------------------------------
run_in "$R" apply config --ref main "$B" --auto-approve --audit-log "$AUDIT" --git-note
expect_rc "apply --ref exits 0" 0
expect_err "apply says where it recorded" "Recorded as a git note on ${MAIN1:0:12}"
OUT=$(git -C "$R" notes --ref=reconciler show "$MAIN1" 2>&1)
expect_json "the note on the applied commit names it" ".commit == \"$MAIN1\" and .ref == \"main\""
expect_json "the note holds the outcome and the summary" \
	'.outcome == "applied" and .summary.segments_add == 3 and .result.applied == 4'
OUT=$(tail -n 1 "$AUDIT")
expect_json "the audit line records the commit, fingerprint and backend" \
	".commit == \"$MAIN1\" and (.fingerprint | test(\"^[0-9a-f]{64}$\")) and .backend == \"local:$SB\" and .dirty == false"
expect_json "the audit line records the source" ".source == \"git main@$MAIN1: config\""

# ---- pull-request mode --------------------------------------------------------
# Drift: out of band, one segment config is deleted and the client name changed.
jq '.segmentConfigs |= map(select(.segmentID != "31254680"))
    | .integrationConnections[0].properties[0].propertyValue = "Changed by hand"' "$SB" >"$SB.new" &&
	mv "$SB.new" "$SB"
# The pull request adds one segment.
g checkout -q -b feature
sed -i 's/^      - 31254678$/      - 31254678\n      - 31254681/' "$R/config/acme.yaml"
g commit -q -a -m "add segment 31254681"
NEWLINE=$(grep -n '^      - 31254681$' "$R/config/acme.yaml" | cut -d: -f1)

run_in "$R" plan config --ref feature --base main "$B" --format markdown
expect_rc "plan --base exits 0" 0
md=$OUT
pr_at=$(printf '%s\n' "$md" | grep -n '^#### Changes in this pull request' | cut -d: -f1)
drift_at=$(printf '%s\n' "$md" | grep -n '^#### Drift' | cut -d: -f1)
seg_new=$(printf '%s\n' "$md" | grep -n '31254681' | head -1 | cut -d: -f1)
seg_drift=$(printf '%s\n' "$md" | grep -n '31254680' | head -1 | cut -d: -f1)
if [ -n "$pr_at" ] && [ -n "$drift_at" ] && [ "$pr_at" -lt "$seg_new" ] && [ "$seg_new" -lt "$drift_at" ] &&
	[ "$drift_at" -lt "$seg_drift" ]; then
	pass "markdown: the PR's one change at the top, drift below it"
else
	fail "markdown: the PR's one change at the top, drift below it" "pr=$pr_at new=$seg_new drift=$drift_at old=$seg_drift"
fi
pr_section=$(printf '%s\n' "$md" | sed -n "${pr_at},${drift_at}p")
if printf '%s' "$pr_section" | grep -q '31254680\|client_name'; then
	fail "markdown: drift stays out of the PR's section"
else
	pass "markdown: drift stays out of the PR's section"
fi

run_in "$R" plan config --ref feature --base main "$B" --format json
expect_json "json: the added segment is the PR's change" \
	'[.changes[] | select(.origin == "change") | .segment] == ["31254681"]'
expect_json "json: the missing segment and the client name are drift" \
	'([.changes[] | select(.origin == "drift") | .segment // .action] | sort) == ["31254680", "update"]'
expect_json "json: source names the base and its commit" ".source | endswith(\"; base main@$MAIN1\")"

run_in "$R" plan config --ref feature --base main "$B"
expect_out "text: the PR's section" "Changes in this pull request:"
expect_out "text: the drift section" "Drift (actual state differs from the base branch):"

run_in "$R" plan config --ref feature --base main --only-changes "$B" --format json
expect_json "--only-changes keeps only the PR's change" \
	'[.changes[].segment] == ["31254681"] and .summary.accounts_update == 0'
expect_json "--only-changes says what it hid" '[.diagnostics[] | select(.rule == "plan.drift")] | length == 1'
run_in "$R" plan config --only-changes "$B"
expect_rc "--only-changes without --base is refused" 1

# The work tree as the head (what CI checks out for a pull request).
g checkout -q feature
run_in "$R" plan config --base main "$B" --format json
expect_json "work tree as the head: the same origins" \
	'[.changes[] | select(.origin == "change") | .segment] == ["31254681"]'

run_in "$R" plan config --ref feature --base main "$B" --format github
expect_out "github: the PR's segment annotated at its line" \
	"::notice file=config/acme.yaml,line=$NEWLINE,col=9,title=reconciler%3A add segment::add segment 31254681 to account \"Acme Kargo US\"; precision \"individual\" (shown, never sent) (this pull request)"
expect_out "github: drift is annotated as drift" "(drift: actual state differs from the base branch)"
expect_out "github: a summary notice" "::notice title=reconciler plan::Plan: 0 to create, 1 to update"

# A pull request that removes a segment: its line is gone at the head, so
# the annotation goes on the account's line (not on the segment above it)
# and says where the base branch declares the segment.
BASE_SEG=$(g show main:config/acme.yaml | grep -n '^      - id: "31254679"$' | cut -d: -f1)
g checkout -q -b removal main
sed -i '/^      - id: "31254679"$/,/^        name: Auto intenders$/d' "$R/config/acme.yaml"
g commit -q -a -m "remove segment 31254679"
ACCT=$(grep -n '^  - name: Acme Kargo US$' "$R/config/acme.yaml" | cut -d: -f1)
run_in "$R" plan config --ref removal --base main "$B" --format github
expect_out "github: a removed segment is annotated on its account's line, naming the base's declaration" \
	"::warning file=config/acme.yaml,line=$ACCT,col=5,title=reconciler%3A remove segment::remove segment 31254679 \"Auto intenders\" from account \"Acme Kargo US\"; precision \"individual\" (shown, never sent) (this pull request) (shown on the account's line: the configuration no longer declares the segment; the base branch declares it at config/acme.yaml:$BASE_SEG)"
run_in "$R" plan config --ref removal --base main --only-changes "$B"
expect_out "text: precision is shown for an account whose only change is a segment" 'precision "individual"'

# ---- merge, then apply: the note lands on the merge commit ---------------------
g checkout -q main
g merge -q --no-ff -m "Merge feature" feature
MERGE=$(g rev-parse HEAD)
run_in "$R" apply config "$B" --auto-approve --audit-log "$AUDIT" --git-note
expect_rc "apply of the clean work tree after the merge exits 0" 0
OUT=$(git -C "$R" notes --ref=reconciler show "$MERGE" 2>&1)
expect_json "the merge commit has the apply's note" ".commit == \"$MERGE\" and .outcome == \"applied\" and .ref == null"
run_in "$R" plan config "$B" --detailed-exitcode
expect_rc "after the apply, no changes" 0
run_in "$R" apply config "$B" --auto-approve --audit-log "$AUDIT" --git-note
n=$(git -C "$R" notes --ref=reconciler show "$MERGE" | wc -l)
expect_eq "a second apply appends to the note" "$n" 2
OUT=$(git -C "$R" notes --ref=reconciler show "$MERGE" | tail -n 1)
expect_json "the appended record says no changes" '.outcome == "no_changes"'

# A dirty work tree: the audit log says so, and no note claims the commit.
sed -i 's/^    status: active$/    status: inactive/' "$R/config/acme.yaml"
run_in "$R" apply config "$B" --auto-approve --audit-log "$AUDIT" --git-note
expect_rc "apply of a dirty work tree exits 0" 0
expect_err "a dirty work tree gets no note, and says so" "no git note was written"
OUT=$(tail -n 1 "$AUDIT")
expect_json "the audit line marks the work tree dirty" ".dirty == true and .commit == \"$MERGE\""
n=$(git -C "$R" notes --ref=reconciler show "$MERGE" | wc -l)
expect_eq "a dirty apply adds nothing to the note" "$n" 2
g checkout -q -- config/acme.yaml
run_in "$R" apply config "$B" --auto-approve --audit-log "$AUDIT" --git-note

# A saved plan made at a ref traces its apply to that commit.
sed -i 's/^    status: active$/    status: inactive/' "$R/config/acme.yaml"
g commit -q -a -m "pause"
PAUSE=$(g rev-parse HEAD)
run_in "$R" plan config --ref HEAD "$B" --out "$TMP/saved.json"
run_in "$R" apply --plan "$TMP/saved.json" "$B" --auto-approve --audit-log "$AUDIT" --git-note
expect_rc "apply --plan of a plan made at a ref exits 0" 0
OUT=$(git -C "$R" notes --ref=reconciler show "$PAUSE" 2>&1)
expect_json "the saved plan's commit gets the note" ".commit == \"$PAUSE\" and .ref == \"HEAD\" and (.plan_file | endswith(\"saved.json\"))"

# ---- the quick start inside a repository: no side effects not asked for ---------
Q="$TMP/quick"
mkdir -p "$Q/config"
git -C "$Q" init -q -b main
git -C "$Q" config user.name "Test User"
git -C "$Q" config user.email test@example.com
cp examples/basic/acme.yaml "$Q/config/"
git -C "$Q" add -A && git -C "$Q" commit -q -m "quick"
run_in "$Q" apply config --auto-approve
expect_rc "quick start: apply in a repository exits 0" 0
if git -C "$Q" notes --ref=reconciler list | grep -q .; then
	fail "quick start: no git note without --git-note"
else
	pass "quick start: no git note without --git-note"
fi
if printf '%s' "$ERR" | grep -q "git note"; then fail "quick start: no note is claimed"; else pass "quick start: no note is claimed"; fi
[ -f "$Q/.reconciler/.gitignore" ] && pass "quick start: .reconciler/ gets its own .gitignore" ||
	fail "quick start: .reconciler/ gets its own .gitignore"
st=$(git -C "$Q" status --porcelain)
[ -z "$st" ] && pass "quick start: .reconciler/ is not untracked" ||
	fail "quick start: .reconciler/ is not untracked" "git status: $st"
run_in "$Q" apply config --auto-approve --git-note
if git -C "$Q" notes --ref=reconciler list | grep -q .; then
	pass "quick start: --git-note writes the note"
else
	fail "quick start: --git-note writes the note"
fi

# ---- a segment the pull request removes keeps the name the base declared --------
N="$TMP/named"
mkdir -p "$N/config"
git -C "$N" init -q -b main
git -C "$N" config user.name "Test User"
git -C "$N" config user.email test@example.com
cp examples/basic/acme.yaml "$N/config/"
git -C "$N" add -A && git -C "$N" commit -q -m "named"
run_in "$N" apply config --auto-approve --backend "local:$TMP/named.json" --audit-log "$TMP/named.jsonl"
git -C "$N" checkout -q -b drop-named
sed -i '/id: "31254680"/,/name: Frequent travelers/d' "$N/config/acme.yaml"
git -C "$N" commit -q -a -m "drop a named segment"
run_in "$N" plan config --base main --backend "local:$TMP/named.json" --format json
expect_json "pull request: a removed segment is named from the base" \
	'[.changes[] | select(.action == "remove")] == [.changes[] | select(.action == "remove" and .segment == "31254680" and .segment_name == "Frequent travelers")] and ([.changes[] | select(.action == "remove")] | length == 1)'

# ---- a config file deleted in a pull request ------------------------------------
g checkout -q main
printf 'version: 1\naccounts:\n  - name: Other Co\n    client_name: Other\n    identifiers: [cookies]\n    segments: ["555"]\n' >"$R/config/other.yaml"
g add -A && g commit -q -m "other"
run_in "$R" apply config "$B" --auto-approve --audit-log "$AUDIT" --git-note
g checkout -q -b drop-noprune
g rm -q config/other.yaml && g commit -q -m "drop other"
run_in "$R" plan config --base main "$B" --format json
expect_json "deleted file, prune off: its account is left alone" \
	'[.changes[] | select(.account == "Other Co")] | length == 0'
g checkout -q main
printf 'version: 1\nsettings:\n  prune: true\naccounts: []\n' >"$R/config/settings.yaml"
g add -A && g commit -q -m "prune"
g checkout -q -b drop-prune
g rm -q config/other.yaml && g commit -q -m "drop other"
run_in "$R" plan config --base main "$B" --format json
expect_json "deleted file, prune on: its account is deleted, as the PR's change" \
	'[.changes[] | select(.account == "Other Co") | [.action, .origin]] == [["remove", "change"], ["delete", "change"]]'

# ---- a malformed file at the base, valid at the head -------------------------------
g checkout -q main
printf 'version: 1\naccounts: [\n' >"$R/config/broken-at-base.yaml"
g add -A && g commit -q -m "broken file"
g checkout -q -b fix
printf 'version: 1\naccounts:\n  - name: Fixed Co\n    client_name: Fixed\n    identifiers: [cookies]\n' >"$R/config/broken-at-base.yaml"
g commit -q -a -m "fix it"
run_in "$R" plan config --ref fix --base main "$B" --format json
expect_rc "a base that does not load still plans" 0
expect_json "the fixed file's account is the PR's change" \
	'[.changes[] | select(.account == "Fixed Co") | .origin] | unique == ["change"]'
expect_json "the broken base is a git.base warning, naming the base file" \
	'[.diagnostics[] | select(.rule == "git.base" and .severity == "warning" and .file == "main:config/broken-at-base.yaml")] | length == 1'
run_in "$R" plan config --ref fix --base main "$B" --format github
expect_out "github: the base warning is annotated on the file, without the ref" \
	"::warning file=config/broken-at-base.yaml,line=3,col=1,title=git.base::the base main could not be read fully"
run_in "$R" plan config --ref main "$B"
expect_rc "the broken base itself does not plan" 1

# A head that does not load is an error, whatever the base.
run_in "$R" plan config --ref main --base fix "$B"
expect_rc "an invalid head is an error even in PR mode" 1
