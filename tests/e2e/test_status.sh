# status end to end: the sandbox records deliveries on apply, and the
# injectable clock (RECONCILER_NOW) moves them through every TTL boundary
# (34, 35, 36 days after delivery) and first-delivery boundary (2, 3, 4
# days after the segment was added); Data Marketplace shares are pending
# within 3 days of shared_on and overdue after, and the plan lists the
# manual steps of a new share; the same through the emulator.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

mkdir -p "$TMP/work/cfg"
cd "$TMP/work" || exit 1
cat >cfg/acme.yaml <<'EOF'
version: 1
accounts:
  - name: Acme Kargo US
    client_name: Acme Inc
    identifiers: [ramp_ids, cookies]
    segments:
      - {id: "1001", name: "Auto intenders"}
      - "1002"
EOF
mkdir -p shares
cat >shares/share.yaml <<'EOF'
version: 1
accounts: []
marketplace_shares:
  - segment: "9001"
    buyer: Acme Inc
    shared_on: 2026-03-01
    seller_allowlisted: false
EOF

SB="$TMP/sandbox.json"
B="--backend=local:$SB"
T0=2026-03-01T00:00:00Z
set_delay() { jq ".settings = {delivery_delay_seconds: $1}" "$SB" >"$SB.new" && mv "$SB.new" "$SB"; }
health() { # health DATE: the health words of the account's segments, and the exit code
	RECONCILER_NOW=$1 run status cfg "$B" --format json
}

# ---- apply records deliveries -----------------------------------------------------
export RECONCILER_NOW=$T0
run plan cfg shares "$B"
expect_out "plan lists the manual steps of a new share" "Data Marketplace shares to do by hand"
expect_out "plan: the seed's first step" "Talk to your Kargo representative"
expect_out "plan: the allowlisting is still to do" "seller_allowlisted: false"
expect_out "plan: the summary counts the share" "1 Data Marketplace share to do by hand"
run plan cfg shares "$B" --format json
expect_json "plan json: the share with its steps" '.summary.shares_manual == 1 and .shares[0].segment == "9001" and .shares[0].due == "2026-03-04" and (.shares[0].steps | length) == 5'
run status cfg "$B"
expect_rc "status before apply exits 0" 0
expect_out "status: the account is not created yet" "not created yet"
expect_out "status: segments not distributed yet" "not distributed yet"
run apply cfg "$B" --auto-approve
expect_rc "apply" 0
jq -e '[.deliveries[] | select(.status == "PENDING" and .operationType == "ADD" and .deviceType == "WEB")] | length == 2' "$SB" >/dev/null &&
	pass "apply recorded a PENDING delivery per added segment, with the first device type" ||
	fail "apply recorded a PENDING delivery per added segment, with the first device type"

# ---- TTL: delivered at once (delay 0), stale after 35 days ---------------------------
set_delay 0
health 2026-04-04T00:00:00Z
expect_rc "34 days after delivery: exit 0" 0
expect_json "34 days: delivered" '[.accounts[0].segments[].health] == ["delivered", "delivered"]'
expect_json "34 days: the last delivery and when it expires" \
	'.accounts[0].segments[0].last_delivery.status == "DELIVERED" and .accounts[0].segments[0].last_delivered_at == "2026-03-01T00:00:00Z" and .accounts[0].segments[0].expires_at == "2026-04-05T00:00:00Z"'
health 2026-04-05T00:00:00Z
expect_rc "35 days after delivery: exit 0" 0
expect_json "35 days: still delivered (stale is strictly older)" '[.accounts[0].segments[].health] == ["delivered", "delivered"]'
health 2026-04-05T00:00:01Z
expect_json "35 days and a second: stale" '[.accounts[0].segments[].health] == ["stale", "stale"]'
health 2026-04-06T00:00:00Z
expect_rc "36 days after delivery: exit 2 (needs attention)" 2
expect_json "36 days: stale" '[.accounts[0].segments[].health] == ["stale", "stale"] and .attention == true and .summary.stale == 2'
RECONCILER_NOW=2026-04-06T00:00:00Z run status cfg "$B"
expect_out "text: which segments expired at Kargo" "expired at Kargo since 2026-04-05T00:00:00Z"
expect_out "text: the summary counts them" "2 stale"

# ---- first delivery: pending under 3 days, failed from 3 days ------------------------
rm -f "$SB"
export RECONCILER_NOW=$T0
run apply cfg "$B" --auto-approve
set_delay 864000 # 10 days: not delivered within the 3 days
health 2026-03-03T00:00:00Z
expect_rc "2 days after the add: exit 0" 0
expect_json "2 days: pending, due at 3 days" '[.accounts[0].segments[].health] == ["pending", "pending"] and .accounts[0].segments[0].due_at == "2026-03-04T00:00:00Z"'
health 2026-03-03T23:59:59Z
expect_json "a second before 3 days: pending" '[.accounts[0].segments[].health] == ["pending", "pending"]'
health 2026-03-04T00:00:00Z
expect_rc "3 days after the add: exit 2" 2
expect_json "3 days: failed (not delivered in time)" '[.accounts[0].segments[].health] == ["failed", "failed"] and .accounts[0].segments[0].reason == "not_delivered_in_time"'
health 2026-03-05T00:00:00Z
expect_json "4 days: failed" '[.accounts[0].segments[].health] == ["failed", "failed"]'
health 2026-03-11T00:00:00Z
expect_rc "delivered on day 10: exit 0 again" 0
expect_json "day 10: delivered" '[.accounts[0].segments[].health] == ["delivered", "delivered"]'
# A delivery LiveRamp reports as FAILED.
jq '.deliveries[0].status = "FAILED"' "$SB" >"$SB.new" && mv "$SB.new" "$SB"
health 2026-03-02T00:00:00Z
expect_json "a FAILED last delivery: failed" '.accounts[0].segments[0].health == "failed" and .accounts[0].segments[0].reason == "last_delivery_failed" and .accounts[0].segments[1].health == "pending"'

# ---- shares: pending within 3 days of shared_on, overdue after -----------------------
jq '.deliveries |= map(.status = "PENDING")' "$SB" >"$SB.new" && mv "$SB.new" "$SB"
set_delay 0
RECONCILER_NOW=2026-03-04 run status cfg shares "$B" --format json
expect_json "share 3 days after shared_on: pending" '.shares[0].health == "pending" and .shares[0].due == "2026-03-04" and .shares[0].days_since_shared == 3'
expect_rc "a pending share needs no attention" 0
RECONCILER_NOW=2026-03-05 run status cfg shares "$B" --format json
expect_json "share 4 days after shared_on: overdue" '.shares[0].health == "overdue" and .summary.shares_overdue == 1'
expect_rc "an overdue share: exit 2" 2
RECONCILER_NOW=2026-03-05 run plan cfg shares "$B"
expect_no_out "plan: an older share is no longer listed" "shares to do by hand"

# ---- sync state ------------------------------------------------------------------
sed -i 's/      - "1002"/      - "1003"/' cfg/acme.yaml
RECONCILER_NOW=2026-03-02 run status cfg "$B" --format json
expect_json "a declared segment not distributed: to add, no health" \
	'(.accounts[0].segments[] | select(.id == "1003")) | .sync == "add" and .distributed == false and .health == null'
expect_json "a distributed segment no longer declared: to remove, health still shown" \
	'(.accounts[0].segments[] | select(.id == "1002")) | .sync == "remove" and .health == "delivered"'
expect_json "the account is out of sync" '.accounts[0].in_sync == false and .summary.accounts_out_of_sync == 1'
run status cfg "$B" --format yaml
expect_rc "an unknown format: exit 1" 1
run status examples-that-do-not-exist "$B"
expect_rc "a missing config: exit 1" 1
sed -i 's/      - "1003"/      - "1002"/' cfg/acme.yaml
# A rename not applied yet: the account is found by its old name, deliveries and all.
sed 's/  - name: Acme Kargo US/  - name: Acme Kargo USA\n    previous_names: [Acme Kargo US]/' cfg/acme.yaml >renamed.yaml
RECONCILER_NOW=2026-03-02 run status renamed.yaml "$B" --format json
expect_json "a rename: the account under its new name, out of sync, its deliveries read" \
	'.accounts[0].name == "Acme Kargo USA" and .accounts[0].state == "rename" and .accounts[0].exists and ([.accounts[0].segments[].health] == ["delivered", "delivered"]) and .summary.accounts_undeclared == 0'

# ---- through the emulator -----------------------------------------------------------
emu_start emu
export RECONCILER_NOW=$T0
run apply cfg --backend liveramp --auto-approve
expect_rc "emulator: apply" 0
run status cfg --backend liveramp --format json
expect_rc "emulator: status exits 0" 0
expect_json "emulator: deliveries from /v2/deliveries (delay 0: delivered)" \
	'[.accounts[0].segments[].health] == ["delivered", "delivered"] and .accounts[0].segments[0].last_delivery.device_type == "WEB"'
RECONCILER_NOW=2026-04-06 run status cfg --backend liveramp --format json
expect_json "emulator: 36 days later, stale" '[.accounts[0].segments[].health] == ["stale", "stale"]'
expect_rc "emulator: stale exits 2" 2
curl -s -X POST --data-binary "$(curl -s "$URL/_admin/state" | jq -c '.settings = {delivery_delay_seconds: 864000}
  | .deliveries |= map(.status = "PENDING")')" "$URL/_admin/state" >/dev/null
RECONCILER_NOW=2026-03-03 run status cfg --backend liveramp --format json
expect_json "emulator: with a delay, pending at 2 days" '[.accounts[0].segments[].health] == ["pending", "pending"]'
RECONCILER_NOW=2026-03-04 run status cfg --backend liveramp --format json
expect_json "emulator: failed at 3 days" '[.accounts[0].segments[].health] == ["failed", "failed"]'
unset RECONCILER_NOW

# Deliveries are asked for by segment (segmentIDs), and a bad answer is an error.
curl -s -X DELETE "$URL/_admin/requests" >/dev/null
RECONCILER_NOW=2026-03-04 run status cfg --backend liveramp --format json
curl -s "$URL/_admin/requests" | jq -e '[.[] | select(.path == "/v2/deliveries")] | length == 1 and (.[0].query | test("segmentIDs=1001") and test("segmentIDs=1002") and test("integrationConnectionID="))' >/dev/null &&
	pass "emulator: one GET /v2/deliveries for the account, by connection and segments" ||
	fail "emulator: one GET /v2/deliveries for the account, by connection and segments" "$(curl -s "$URL/_admin/requests")"
curl -s -X POST --data-binary '{"faults": ["deliveries:malformed"]}' "$URL/_admin/faults" >/dev/null
LIVERAMP_RETRY_BASE_MS=1 run status cfg --backend liveramp
expect_rc "emulator: delivery answers that stay malformed: exit 1" 1
expect_err "emulator: and it says so" "reading v2/Deliveries"
curl -s -X POST --data-binary '{"faults": ["deliveries:503:1:1"]}' "$URL/_admin/faults" >/dev/null
RECONCILER_NOW=2026-03-02 LIVERAMP_RETRY_BASE_MS=1 run status cfg --backend liveramp --format json
expect_rc "emulator: a 503 on deliveries is retried" 0
expect_json "emulator: and the answer read" '[.accounts[0].segments[].health] == ["pending", "pending"]'

# precision: shown with the account in every format, never sent.
mkdir -p "$TMP/prec"
cp "$ROOT/examples/basic/acme.yaml" "$TMP/prec/"
PB="--backend=local:$TMP/prec.json"
run apply "$TMP/prec" "$PB" --auto-approve --audit-log "$TMP/prec.jsonl"
run status "$TMP/prec" "$PB"
expect_out "status text shows the declared precision" 'precision "individual" (shown, never sent)'
run status "$TMP/prec" "$PB" --format json
if [ -n "$OUT" ]; then expect_json "status json shows the declared precision" '[.accounts[].precision] == ["individual"]'
else fail "status json shows the declared precision" "stdout is empty"; fi
run status "$TMP/prec" "$PB" --format markdown
expect_out "status markdown shows the declared precision" "<b>Acme Kargo US</b>: in_sync, precision individual"

