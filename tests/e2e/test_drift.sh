# drift against the local sandbox, end to end: exit codes (0 in sync, 2
# drift, 1 error, 3 blocked), the JSON report, --correct within the safety
# caps (blocked: nothing applied, the sandbox byte for byte the same), and
# accounts that LiveRamp turned inactive at their end date: reported with
# the reason, never reactivated, until the configuration changes.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/work"
cp -r examples "$TMP/work/"
cd "$TMP/work" || exit 1

SB="$TMP/sandbox.json"
B="--backend=local:$SB"
sum() { if [ -f "$SB" ]; then sha256sum "$SB" | cut -d' ' -f1; else echo none; fi; }
jq_sb() { if jq -e "$2" "$SB" >/dev/null 2>&1; then pass "$1"; else fail "$1" "jq on sandbox: $2"; fi; }
edit_sb() { jq "$1" "$SB" >"$SB.new" && mv "$SB.new" "$SB"; }

# ---- exit codes ------------------------------------------------------------------
run drift examples/basic "$B"
expect_rc "drift before apply: drift found exits 2" 2
expect_out "drift shows the plan" "+ account \"Acme Kargo US\""
expect_out "drift says what it found" "Drift: 4 changes to correct"
[ -f "$SB" ] && fail "drift without --correct writes nothing" || pass "drift without --correct writes nothing"
run drift examples/basic "$B" --format json
expect_rc "drift --format json exits 2 too" 2
expect_json "json report: not in sync, exit code in it" '.in_sync == false and .exit_code == 2 and .correction == null'
expect_json "json report: counts" '.drift.changes == 4 and .drift.deletes == 0 and .drift.ended_accounts == []'
expect_json "json report: the plan document inside" '.plan.format_version == 1 and .plan.summary.accounts_create == 1'
run apply examples/basic "$B" --auto-approve
run drift examples/basic "$B"
expect_rc "in sync: drift exits 0" 0
expect_out "in sync: No drift." "No drift."
run drift examples/basic "$B" --format json
expect_json "json report in sync" '.in_sync == true and .exit_code == 0 and .drift.changes == 0'
run drift examples/invalid/kargo-client-name.yaml "$B"
expect_rc "a config error: drift exits 1" 1
expect_err "a config error is named" "kargo.client_name"
echo '{"format_version": 1}' >"$TMP/broken.json"
run drift examples/basic --backend "local:$TMP/broken.json"
expect_rc "a broken sandbox: drift exits 1" 1
run drift examples/basic "$B" --format github
expect_rc "an unknown format: drift exits 1" 1
run drift examples/basic "$B" --max-deletes=-1
expect_rc "a negative cap: drift exits 1" 1

# ---- drift made by hand, corrected within caps -----------------------------------
# Someone removed a segment in Connect and added another: correcting both
# needs a removal, which a scheduled run does not do by default.
edit_sb '.segmentConfigs |= map(select(.segmentID != "31254678"))
  | .segmentConfigs += [{id: "9999", distributionManagerID: .distributionManagers[0].id, segmentID: "555", segmentType: "ONBOARDING"}]'
before=$(sum)
run drift examples/basic "$B"
expect_rc "hand-made drift: exit 2" 2
expect_out "the missing segment is to add" "+ segment 31254678"
expect_out "the extra segment is to remove" "- segment 555"
run drift examples/basic "$B" --correct
expect_rc "a removal over the default --max-deletes 0: blocked, exit 3" 3
expect_out "blocked: the plan is printed" "- segment 555"
expect_out "blocked: says nothing was applied" "Blocked by safety caps: nothing was applied."
expect_err "blocked: names the cap" "blocked by safety caps"
expect_err "blocked: counts the removal as a delete" "over --max-deletes 0"
[ "$(sum)" = "$before" ] && pass "blocked: the sandbox is byte for byte the same" ||
	fail "blocked: the sandbox is byte for byte the same"
[ -f .reconciler/audit.jsonl ] && grep -q '"outcome":"blocked"' .reconciler/audit.jsonl &&
	pass "blocked: recorded in the audit log" || fail "blocked: recorded in the audit log"
run drift examples/basic "$B" --correct --max-deletes 1 --max-changes 1 --format json
expect_rc "over --max-changes: blocked, exit 3" 3
expect_json "json report: blocked" '.exit_code == 3 and .correction.outcome == "blocked" and .correction.applied == 0 and .correction.max_changes == 1'
[ "$(sum)" = "$before" ] && pass "blocked by --max-changes: the sandbox is the same" ||
	fail "blocked by --max-changes: the sandbox is the same"
run drift examples/basic "$B" --correct --max-deletes 1
expect_rc "within the caps: corrected, exit 0" 0
expect_out "the correction is reported" "Correction complete: 2 applied, 0 failed, 0 skipped."
jq_sb "corrected: the removed segment is back" '[.segmentConfigs[].segmentID] | index("31254678") != null'
jq_sb "corrected: the extra segment is gone" '[.segmentConfigs[].segmentID] | index("555") == null'
grep -q '"outcome":"applied"' .reconciler/audit.jsonl && pass "corrected: recorded in the audit log" ||
	fail "corrected: recorded in the audit log"
run drift examples/basic "$B"
expect_rc "after the correction: in sync" 0

# Additions and updates need no delete: the default caps let them through.
edit_sb '.segmentConfigs |= map(select(.segmentID != "31254680"))
  | .integrationConnections[0].properties[0].propertyValue = "Someone Else"'
run drift examples/basic "$B" --correct --format json
expect_rc "an add and an update are corrected under the default caps" 0
expect_json "json report: applied" '.correction.outcome == "applied" and .correction.applied == 2 and .drift.deletes == 0'
run drift examples/basic "$B"
expect_rc "and then in sync" 0

# An account deleted by prune is a delete too.
cat >"$TMP/prune.yaml" <<'EOF'
version: 1
settings: {prune: true}
accounts: []
EOF
before=$(sum)
run drift "$TMP/prune.yaml" "$B" --correct
expect_rc "a pruned account is not deleted by a schedule without --max-deletes" 3
[ "$(sum)" = "$before" ] && pass "prune blocked: nothing applied" || fail "prune blocked: nothing applied"

# ---- end dates --------------------------------------------------------------------
# Applied while the end date was ahead; then the clock passes it and
# LiveRamp (the sandbox) turns the account inactive by itself.
mkdir -p ended
cat >ended/a.yaml <<'EOF'
version: 1
accounts:
  - name: Ending Co
    client_name: Ending Inc
    identifiers: [cookies]
    expire_at: 2026-03-31
    segments: ["1", "2"]
EOF
SB2="$TMP/ended.json"
B2="--backend=local:$SB2"
export RECONCILER_NOW=2026-03-01
run apply ended "$B2" --auto-approve
expect_rc "end date: applied before the end date" 0
export RECONCILER_NOW=2026-04-02
run validate ended
expect_rc "end date passed: validate (no backend) only warns: it cannot tell kept from set" 0
expect_err "validate: the warning says the date has passed" "warning[account.expire_at]: expire_at 2026-03-31 of account 'Ending Co' has passed"
run plan ended "$B2"
expect_rc "end date passed: plan still works" 0
expect_err "plan: the past date is a warning (the account keeps it)" "warning[account.expire_at]"
expect_out "plan: the reactivation is shown refused" "not changed: it ended on its end date 2026-03-31"
run drift ended "$B2"
expect_rc "end date passed: drift exits 2" 2
expect_out "drift: reported with the reason" "LiveRamp turned it inactive by itself"
expect_out "drift: counted as ended, not as a change" "0 changes to correct (0 deletes or removals), 1 account that ended"
before=$(sha256sum "$SB2" | cut -d' ' -f1)
run drift ended "$B2" --correct --format json
expect_rc "drift --correct leaves it: exit 2 (a person must act)" 2
expect_json "json report: the ended account with its reason" \
	'.drift.ended_accounts[0].account == "Ending Co" and (.drift.ended_accounts[0].reason | test("not reactivated past its end date")) and .correction.outcome == "no_changes"'
expect_json "json report: the plan has no status change to execute" \
	'[.plan.changes[] | select(.refused == false and .action == "update")] == [] and .plan.changes[0].rule == "account.ended"'
[ "$(sha256sum "$SB2" | cut -d' ' -f1)" = "$before" ] && pass "drift --correct: nothing written" ||
	fail "drift --correct: nothing written"
run status ended "$B2" --format json
expect_json "drift --correct: the account stays inactive" '.accounts[0].status == "inactive" and .accounts[0].ended == true'
run apply ended "$B2" --auto-approve
expect_rc "apply does not reactivate it either" 0
expect_out "apply: nothing to do" "No changes."
run status ended "$B2" --format json
expect_json "apply: the account stays inactive" '.accounts[0].status == "inactive"'

# Other drift on the ended account is still corrected.
jq '.segmentConfigs |= map(select(.segmentID != "2"))' "$SB2" >"$SB2.new" && mv "$SB2.new" "$SB2"
run drift ended "$B2" --correct
expect_rc "segment drift on an ended account: corrected, the end date still reported (exit 2)" 2
jq -e '([.segmentConfigs[].segmentID] | index("2") != null) and .distributionManagers[0].status == "INACTIVE"' "$SB2" >/dev/null &&
	pass "the segment is back, the account still inactive" || fail "the segment is back, the account still inactive"

# Accepting it: status inactive. Then validate warns, drift is in sync.
sed -i 's/    expire_at: 2026-03-31/    status: inactive\n    expire_at: 2026-03-31/' ended/a.yaml
run validate ended
expect_rc "declared inactive with its past end date: validate passes (a warning)" 0
run drift ended "$B2"
expect_rc "declared inactive: in sync" 0
# Extending it: a new end date reactivates it, and a schedule may do that.
sed -i 's/    status: inactive/    status: active/; s/expire_at: 2026-03-31/expire_at: 2026-12-31/' ended/a.yaml
run drift ended "$B2" --correct
expect_rc "a new end date is corrected like any update" 0
jq -e '.distributionManagers[0].status == "ACTIVE" and .distributionManagers[0].expireAt == "2026-12-31"' "$SB2" >/dev/null &&
	pass "extended: active again with the new end date" || fail "extended: active again with the new end date"
# A past date the account does not have is still an error.
sed -i 's/expire_at: 2026-12-31/expire_at: 2026-03-15/' ended/a.yaml
run drift ended "$B2"
expect_rc "a past end date the account does not have: drift exits 1" 1
expect_err "and says the plan would set a past date" "error[account.expire_at]: the plan would set expire_at 2026-03-15 on account 'Ending Co'"
unset RECONCILER_NOW

# ---- Markdown, for an issue body ---------------------------------------------------------
rm -f "$SB"
run drift examples/basic "$B" --format markdown
expect_rc "markdown: drift exits 2" 2
expect_out "markdown: the plan as for a pull request" "### Reconciler plan"
expect_out "markdown: the drift line" "**Drift:** 4 changes to correct"
run drift examples/basic "$B" --format markdown --correct --max-changes 1
expect_rc "markdown: blocked exits 3" 3
expect_out "markdown: the correction line" "**Correction:** blocked by safety caps"
[ -f "$SB" ] && fail "markdown: blocked writes nothing" || pass "markdown: blocked writes nothing"
run drift --help
expect_rc "drift --help exits 0" 0
expect_out "drift --help shows the usage" "usage: reconciler drift"

# Sizes: 4,400 changes of 400 accounts. The Markdown fits GitHub's 65,536 with
# the 1,024 bytes it leaves for a template (the drift issue adds ~250), keeps
# the summary and names every account left out; the annotations keep to
# GitHub's 10 per type per step, the summary first.
mkdir -p "$TMP/big"
awk 'BEGIN {
	print "version: 1"; print "accounts:"
	for (i = 0; i < 400; i++) {
		printf "  - name: \"Account number %04d with a longish name\"\n", i
		print "    client_name: Acme Inc"; print "    identifiers: [cookies]"; print "    segments:"
		for (k = 0; k < 10; k++) printf "      - {id: \"%d\", name: \"Segment %d of a long list\"}\n", 100000 + i * 10 + k, k
	}
}' >"$TMP/big/a.yaml"
BB="--backend=local:$TMP/big.json"
run drift "$TMP/big" "$BB" --format markdown
expect_rc "4,400 changes: drift exits 2" 2
n=$(printf '%s\n' "$OUT" | wc -c)
[ "$n" -le 64512 ] && pass "4,400 changes: drift markdown fits 64,512 bytes ($n)" ||
	fail "4,400 changes: drift markdown fits 64,512 bytes" "$n bytes"
expect_out "4,400 changes: the summary is kept" "| 400 | 0 | 0 | 0 | 4000 | 0 | 0 |"
shown=$(printf '%s' "$OUT" | grep -c '^<details>')
missing=0
for i in $(seq "$shown" 399); do
	printf '%s' "$OUT" | tail -n 4 | grep -qF "Account number $(printf %04d "$i") with a longish name" || missing=$((missing + 1))
done
[ "$shown" -lt 400 ] && [ "$missing" -eq 0 ] && pass "4,400 changes: every account left out is named ($((400 - shown)))" ||
	fail "4,400 changes: every account left out is named" "shown $shown, not named $missing"
expect_out "4,400 changes: the drift line follows" "**Drift:** 4400 changes to correct"
run plan "$TMP/big" "$BB" --format github
first=$(printf '%s\n' "$OUT" | head -n 1)
case "$first" in "::notice title=reconciler plan::Plan: 400 to create"*) pass "annotations: the summary first" ;;
*) fail "annotations: the summary first" "first line: $first" ;; esac
[ "$(printf '%s\n' "$OUT" | grep -c '^::notice')" -le 10 ] && pass "annotations: at most 10 notices" ||
	fail "annotations: at most 10 notices"
expect_out "annotations: one notice counts the rest" "more annotations are not shown (GitHub shows 10 of each type per step)"
