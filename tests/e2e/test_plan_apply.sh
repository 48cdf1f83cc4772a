# plan / apply / show against the local sandbox, end to end: the loop on
# every valid example, saved and stale plans, caps, prune and protect,
# renames, the lock, and a config with errors never reaching the backend.
. "$(dirname "$0")/lib.sh"

# Work on a copy, outside any git repository, so that apply's audit log and
# git notes never land in the project's own checkout.
mkdir -p "$TMP/work"
cp -r examples "$TMP/work/"
cd "$TMP/work" || exit 1

SB="$TMP/sandbox.json"
B="--backend=local:$SB"

sandbox_sum() { if [ -f "$SB" ]; then sha256sum "$SB" | cut -d' ' -f1; else echo none; fi; }

# The loop on every valid example: plan shows changes, apply, plan again -> No changes.
for ex in examples/basic examples/ctv; do
	rm -f "$SB"
	run plan "$ex" "$B" --detailed-exitcode
	expect_rc "$ex: plan with changes exits 2 under --detailed-exitcode" 2
	expect_out "$ex: plan shows the account to create" "+ account"
	[ -f "$SB" ] && fail "$ex: plan writes nothing" || pass "$ex: plan writes nothing"
	run apply "$ex" "$B" --auto-approve
	expect_rc "$ex: apply exits 0" 0
	expect_out "$ex: apply reports completion" "Apply complete"
	run plan "$ex" "$B" --detailed-exitcode
	expect_rc "$ex: second plan exits 0" 0
	expect_out "$ex: second plan says No changes." "No changes."
	run apply "$ex" "$B" --auto-approve
	expect_rc "$ex: apply with nothing to do exits 0" 0
done

# Both examples in one sandbox: applying ctv leaves basic's account alone (prune is off).
rm -f "$SB"
run apply examples/basic "$B" --auto-approve
run apply examples/ctv "$B" --auto-approve
run plan examples/basic "$B"
expect_out "undeclared accounts are left alone without prune" "No changes."
expect_json_file() { if jq -e "$2" "$SB" >/dev/null 2>&1; then pass "$1"; else fail "$1" "jq on sandbox: $2"; fi; }
expect_json_file "sandbox holds both accounts" '(.distributionManagers | length) == 2'

# Plain plan exits 0 even with changes (no --detailed-exitcode).
rm -f "$SB"
run plan examples/basic "$B"
expect_rc "plan without --detailed-exitcode exits 0" 0

# JSON and Markdown formats.
run plan examples/basic "$B" --format json
expect_rc "plan json exits 0" 0
expect_json "plan json: format_version 1" '.format_version == 1'
expect_json "plan json: summary" '.summary.accounts_create == 1 and .summary.segments_add == 3'
expect_json "plan json: changes" '[.changes[].action] == ["create","add","add","add"]'
expect_json "plan json: fingerprint" '.fingerprint | test("^[0-9a-f]{64}$")'
expect_json "plan json: diagnostics array" '.diagnostics | type == "array"'
run plan examples/basic "$B" --format markdown
expect_out "markdown has collapsed sections" "<details>"
expect_out "markdown summary first" "| "

# precision: validated, shown wherever the account is, never sent.
expect_out "markdown shows the declared precision" '- `precision` individual *(set by LiveRamp support: shown, never sent)*'
run plan examples/basic "$B"
expect_out "text shows the declared precision" 'precision "individual" (set by LiveRamp support: shown, never sent)'
run plan examples/basic "$B" --format json
expect_doc_p() { if [ -z "$OUT" ]; then fail "$1" "stdout is empty"; else expect_json "$@"; fi; }
expect_doc_p "json shows the declared precision on every change of its account" '[.changes[] | select(.account == "Acme Kargo US") | .precision] | length > 1 and all(. == "individual")'
run plan examples/basic "$B" --format github
expect_out "annotations show the declared precision" 'precision "individual" (shown, never sent)'
run plan examples/basic "$B" --out "$TMP/prec.json"
run show "$TMP/prec.json"
expect_out "a saved plan keeps the precision" 'precision "individual"'

# Saved plan: apply exactly it; show renders it.
rm -f "$SB"
run plan examples/basic "$B" --out "$TMP/p.json"
expect_rc "plan --out exits 0" 0
[ -s "$TMP/p.json" ] && pass "plan file written" || fail "plan file written"
run show "$TMP/p.json"
expect_out "show renders the saved plan" "+ account \"Acme Kargo US\""
run show "$TMP/p.json" --format json
expect_json "show json equals the plan file" "$(printf '. == %s' "$(cat "$TMP/p.json")")"
run show "$TMP/p.json" --format markdown
expect_out "show markdown" "<details>"
# The saved, reviewed plan is the approval: no --auto-approve, no terminal.
run apply --plan "$TMP/p.json"
expect_rc "apply --plan exits 0 without --auto-approve" 0
expect_out "apply --plan applies without --auto-approve" "Apply complete"
run plan examples/basic "$B"
expect_out "after applying the saved plan: No changes." "No changes."

# Off a terminal stdout is line-buffered: in one log, stdout and stderr
# come in the order they were written.
rm -f "$SB"
"$BIN" apply examples/basic "$B" --auto-approve --audit-log "$TMP/order.jsonl" >"$TMP/both.log" 2>&1 </dev/null
a=$(grep -n '^Applying:' "$TMP/both.log" | cut -d: -f1)
r=$(grep -n '^Recorded in the audit log' "$TMP/both.log" | cut -d: -f1)
if [ -n "$a" ] && [ -n "$r" ] && [ "$a" -lt "$r" ]; then pass "one log: Applying: before Recorded in the audit log"
else RC=0; OUT=$(cat "$TMP/both.log"); ERR=""; fail "one log: Applying: before Recorded in the audit log"; fi

# Stale plan: an out-of-band change after the plan was made refuses it, nothing applied.
rm -f "$SB"
run plan examples/ctv "$B" --out "$TMP/stale.json"
run apply examples/basic "$B" --auto-approve
before=$(sandbox_sum)
run apply --plan "$TMP/stale.json" --auto-approve
expect_rc "stale plan exits 1" 1
expect_err "stale plan is named" "stale plan"
[ "$(sandbox_sum)" = "$before" ] && pass "stale plan applies nothing" || fail "stale plan applies nothing"

# A malformed plan file is refused.
printf '{"format_version": 7}' >"$TMP/bad-plan.json"
run apply --plan "$TMP/bad-plan.json" --auto-approve
expect_rc "malformed plan file exits 1" 1
expect_err "malformed plan file names the rule" "plan.file"

# No terminal and no --auto-approve: nothing applied.
rm -f "$SB"
run apply examples/basic "$B"
expect_rc "apply without a terminal needs --auto-approve" 1
expect_err "says why" "--auto-approve"
[ -f "$SB" ] && [ "$(jq '.distributionManagers | length' "$SB")" != 0 ] && fail "nothing applied without approval" || pass "nothing applied without approval"

# Dry run.
run apply examples/basic "$B" --dry-run
expect_rc "dry run exits 0" 0
expect_out "dry run says so" "Dry run"
run plan examples/basic "$B" --detailed-exitcode
expect_rc "dry run changed nothing" 2

# Prune, protect and caps.
mkdir -p "$TMP/prune"
rm -f "$SB"
run apply examples/basic "$B" --auto-approve
run apply examples/ctv "$B" --auto-approve
cp examples/ctv/*.yaml "$TMP/prune/"
printf 'version: 1\nsettings:\n  prune: true\naccounts: []\n' >"$TMP/prune/settings.yaml"
run plan "$TMP/prune" "$B" --format json
expect_json "prune plans the undeclared account's deletion" '.summary.accounts_delete == 1'
expect_json "prune removes its segments first" '[.changes[] | select(.account == "Acme Kargo US") | .action] == ["remove","remove","remove","delete"]'
expect_json "removals carry the TTL reason" '[.changes[] | select(.action == "remove") | .reason | test("35-day TTL")] | all'
before=$(sandbox_sum)
run apply "$TMP/prune" "$B" --auto-approve --max-deletes 0
expect_rc "--max-deletes 0 blocks with exit 3" 3
expect_err "caps name the rule" "apply.caps"
[ "$(sandbox_sum)" = "$before" ] && pass "a cap changes nothing" || fail "a cap changes nothing"
run apply "$TMP/prune" "$B" --auto-approve --max-changes 2
expect_rc "--max-changes blocks with exit 3" 3
[ "$(sandbox_sum)" = "$before" ] && pass "max-changes changes nothing" || fail "max-changes changes nothing"
printf 'version: 1\nsettings:\n  prune: true\n  protect: ["acme kargo us"]\naccounts: []\n' >"$TMP/prune/settings.yaml"
run plan "$TMP/prune" "$B"
expect_out "protected deletion is shown as refused" "protected"
run apply "$TMP/prune" "$B" --auto-approve
expect_rc "apply with a refused deletion exits 0" 0
expect_json_file "protected account still there" '[.distributionManagers[].name] | index("Acme Kargo US") != null'
# A refusal reads as a refusal, never FAILED, and is counted as refused.
mkdir -p "$TMP/refuse"
cp "$TMP/prune/"*.yaml "$TMP/refuse/"
sed -i 's/^    status: active$/    status: inactive/' "$TMP/refuse/"*.yaml
grep -q 'status: inactive' "$TMP/refuse/"*.yaml || sed -i 's/^    client_name: \(.*\)$/    client_name: \1\n    status: inactive/' "$TMP/refuse/"*.yaml
run apply "$TMP/refuse" "$B" --auto-approve
expect_rc "apply with a change and a refused deletion exits 0" 0
expect_out "a refused deletion reads as refused" 'delete account "Acme Kargo US": refused (protected by settings.protect'
if printf '%s' "$OUT" | grep -q FAILED; then fail "a refused deletion is never FAILED"; else pass "a refused deletion is never FAILED"; fi
expect_out "the summary counts it as refused" "0 failed, 0 skipped, 1 refused."
printf 'version: 1\nsettings:\n  prune: true\naccounts: []\n' >"$TMP/prune/settings.yaml"
run apply "$TMP/prune" "$B" --auto-approve --max-deletes 1
expect_rc "prune apply within caps exits 0" 0
expect_json_file "pruned account deleted with its configs" '([.distributionManagers[].name] | index("Acme Kargo US")) == null and ([.segmentConfigs[].distributionManagerID] | unique | length) == 1'

# Rename through previous_names: one rename, not delete + create.
rm -f "$SB"
run apply examples/basic "$B" --auto-approve
mkdir -p "$TMP/rename"
sed 's/- name: Acme Kargo US/- name: Acme Kargo United States\n    previous_names: [Acme Kargo US]/' examples/basic/acme.yaml >"$TMP/rename/acme.yaml"
run plan "$TMP/rename" "$B" --format json
expect_json "rename planned" '.summary.accounts_rename == 1 and .summary.accounts_create == 0 and .summary.accounts_delete == 0'
dm_before=$(jq -r '.distributionManagers[0].id' "$SB")
run apply "$TMP/rename" "$B" --auto-approve
expect_rc "rename applies" 0
expect_json_file "same manager, new name" ".distributionManagers[0].id == \"$dm_before\" and .distributionManagers[0].name == \"Acme Kargo United States\""
run plan "$TMP/rename" "$B"
expect_out "after rename: No changes." "No changes."

# Updates: status, end date, identifiers, and a segment removal.
mkdir -p "$TMP/update"
sed -e 's/status: active/status: inactive\n    expire_at: 2099-12-31/' -e 's/identifiers: \[cookies\]/identifiers: [cookies, ramp_ids]/' -e '/- 31254678/d' examples/basic/acme.yaml >"$TMP/update/acme.yaml"
rm -f "$SB"
run apply examples/basic "$B" --auto-approve
run plan "$TMP/update" "$B"
expect_out "update shows before → after" "status: \"active\" → \"inactive\""
expect_out "update lists the removed segment" "- segment 31254678"
run apply "$TMP/update" "$B" --auto-approve
run plan "$TMP/update" "$B"
expect_out "after update: No changes." "No changes."
expect_json_file "identifiers stored as device types" '[.integrationConnections[0].deviceTypes[]] | sort == ["RAMP_ID","WEB"]'

# Data Marketplace segment found on a managed account: planned for removal under kargo.marketplace.
rm -f "$SB"
run apply examples/basic "$B" --auto-approve
jq '.segments += [{"id":"777","name":"DM std","field":{"id":"","name":"","audienceId":""},"value":"","type":"DATA_MARKETPLACE"},
                  {"id":"31254678","name":"Seg A","field":{"id":"","name":"","audienceId":""},"value":"","type":"ONBOARDING"},
                  {"id":"31254679","name":"Auto intenders","field":{"id":"","name":"","audienceId":""},"value":"","type":"ONBOARDING"},
                  {"id":"31254680","name":"Frequent travelers","field":{"id":"","name":"","audienceId":""},"value":"","type":"ONBOARDING"}]
    | .segmentConfigs += [{"id":"9999","distributionManagerID":.distributionManagers[0].id,"segmentID":"777","segmentType":"DATA_MARKETPLACE","createdAt":"2026-01-01T00:00:00Z"}]' \
	"$SB" >"$SB.new" && mv "$SB.new" "$SB"
run plan examples/basic "$B" --format json
expect_json "marketplace config planned for removal" '[.changes[] | select(.action == "remove" and .segment == "777" and .rule == "kargo.marketplace")] | length == 1'
run apply examples/basic "$B" --auto-approve
run plan examples/basic "$B"
expect_out "after marketplace removal: No changes." "No changes."

# A segment id the sandbox catalog does not know is an error at plan time.
mkdir -p "$TMP/unknown"
sed 's/- 31254678/- 424242/' examples/basic/acme.yaml >"$TMP/unknown/acme.yaml"
run plan "$TMP/unknown" "$B"
expect_rc "unknown segment exits 1" 1
expect_err "unknown segment rule" "segment.unknown"

# A config with any error never reaches the backend.
run plan examples/invalid/kargo-precision.yaml --backend "local:$TMP/never/sandbox.json"
expect_rc "invalid config: plan exits 1" 1
[ -e "$TMP/never" ] && fail "invalid config never touches the backend" || pass "invalid config never touches the backend"
run apply examples/invalid/kargo-precision.yaml --backend "local:$TMP/never/sandbox.json" --auto-approve
expect_rc "invalid config: apply exits 1" 1
[ -e "$TMP/never" ] && fail "invalid config: apply never touches the backend" || pass "invalid config: apply never touches the backend"

# Machine formats on failure: still a document on stdout, exit 1.
# (jq -e is true on empty input: these checks need a document first.)
expect_doc() {
	if [ -z "$OUT" ]; then fail "$1" "stdout is empty"; else expect_json "$@"; fi
}
run plan examples/invalid/kargo-precision.yaml "$B" --format json
expect_rc "failure, json: exit 1" 1
expect_doc "failure, json: an error document in the plan schema" \
	'.format_version == 1 and .error == true and .failure == "configuration" and .exit_code == 1 and .changes == [] and ([.diagnostics[] | select(.rule == "kargo.precision")] | length == 1)'
run plan examples/invalid/kargo-precision.yaml "$B" --format markdown
expect_rc "failure, markdown: exit 1" 1
expect_out "failure, markdown: the comment's heading says what failed" "### Reconciler plan: the configuration has errors"
expect_out "failure, markdown: the diagnostics are listed" "kargo\.precision"
env -u LIVERAMP_ORG_ID -u LIVERAMP_ACCOUNT_ID -u LIVERAMP_SECRET_KEY -u LIVERAMP_CREDENTIALS_FILE \
	"$BIN" plan examples/basic --backend liveramp --format json >"$TMP/.out" 2>"$TMP/.err" </dev/null
RC=$?; OUT=$(cat "$TMP/.out"); ERR=$(cat "$TMP/.err")
expect_doc "failure, json: missing credentials are a backend failure, not a configuration error" \
	'.error == true and .failure == "backend"'
env -u LIVERAMP_ORG_ID -u LIVERAMP_ACCOUNT_ID -u LIVERAMP_SECRET_KEY -u LIVERAMP_CREDENTIALS_FILE \
	"$BIN" plan examples/basic --backend liveramp --format markdown >"$TMP/.out" 2>"$TMP/.err" </dev/null
RC=$?; OUT=$(cat "$TMP/.out"); ERR=$(cat "$TMP/.err")
expect_out "failure, markdown: missing credentials say the backend failed" \
	"### Reconciler plan: the backend failed: credentials, network or the API"
run drift examples/invalid/kargo-precision.yaml "$B" --format json
expect_doc "drift failure, json: the error document" '.error == true and .failure == "configuration"'
run show "$TMP/bad-plan.json" --format json
expect_doc "show failure, json: the error document" '.error == true and .failure == "plan"'

# apply --format json: the result of each change, one document on stdout.
rm -f "$SB"
run apply examples/basic "$B" --auto-approve --format json
expect_rc "apply json: exit 0" 0
expect_doc "apply json: each change with its outcome" \
	'.outcome == "applied" and .exit_code == 0 and .counts.applied == 4 and ([.results[] | .outcome] == ["done","done","done","done"]) and .results[0].action == "create" and .plan.summary.segments_add == 3'
expect_err "apply json: the human log goes to stderr" "Apply complete"
run apply examples/invalid/kargo-precision.yaml "$B" --auto-approve --format json
expect_doc "apply json on failure: the error document" '.outcome == "error" and .error == true and .failure == "configuration" and .plan == null'

# The lock: a second apply while another holds the lock waits, then stops cleanly.
rm -f "$SB"
( flock 9; sleep 3 ) 9>"$SB.lock" &
holder=$!
sleep 0.3
run apply examples/basic "$B" --auto-approve --lock-timeout 1
expect_rc "a held lock stops apply with exit 1" 1
expect_err "the lock message says another apply is running" "another apply"
wait $holder
run apply examples/basic "$B" --auto-approve --lock-timeout 5
expect_rc "after the lock is released, apply runs" 0

# Two applies at once: both finish, one does the work, the sandbox stays valid, nothing twice.
rm -f "$SB"
"$BIN" apply examples/ctv "$B" --auto-approve >"$TMP/a1" 2>&1 &
p1=$!
"$BIN" apply examples/ctv "$B" --auto-approve >"$TMP/a2" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && pass "two concurrent applies both succeed" || fail "two concurrent applies both succeed" "rcs $r1 $r2"
jq -e . "$SB" >/dev/null && pass "sandbox is valid JSON after concurrent applies" || fail "sandbox is valid JSON after concurrent applies"
expect_json_file "no duplicate account after concurrent applies" '(.distributionManagers | length) == 1'
expect_json_file "no duplicate segment config after concurrent applies" '(.segmentConfigs | length) == (.segmentConfigs | map(.segmentID) | unique | length)'

# Options.
run plan examples/basic "$B" --format yaml
expect_rc "plan refuses an unknown format" 1
run apply examples/basic "$B" --max-deletes=-1
expect_rc "negative cap refused" 1
run apply examples/basic --plan "$TMP/p.json"
expect_rc "paths and --plan together refused" 1
run plan examples/basic --backend nosuch
expect_rc "unknown backend exits 1" 1
expect_err "unknown backend lists the valid ones" "local:PATH"

# On a terminal, apply asks and only "yes" proceeds.
if command -v script >/dev/null 2>&1; then
	rm -f "$SB"
	OUT=$(printf 'no\n' | script -qec "$BIN apply examples/basic $B" /dev/null 2>&1)
	RC=0
	if printf '%s' "$OUT" | grep -q "Apply cancelled" && [ ! -s "$SB" -o "$(jq '.distributionManagers | length' "$SB" 2>/dev/null)" = 0 ]; then
		pass "terminal prompt: anything but yes cancels"
	else
		fail "terminal prompt: anything but yes cancels"
	fi
	OUT=$(printf 'yes\n' | script -qec "$BIN apply examples/basic $B" /dev/null 2>&1)
	if printf '%s' "$OUT" | grep -q "Only 'yes' will be accepted" && printf '%s' "$OUT" | grep -q "Apply complete"; then
		pass "terminal prompt: yes applies"
	else
		fail "terminal prompt: yes applies"
	fi
fi
