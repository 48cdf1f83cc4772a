# The liveramp backend end to end: the real binary against the Activation
# API emulator (tests/emulator) on 127.0.0.1. Plan/apply/plan converge on
# the examples; updates, renames, removals and deletions through saved
# plans; the same observed state as the local backend on the same
# resources (pagination, Decision 12 warnings); configuration errors named;
# faults (5xx, 429, resets, lost answers, timeouts, expired tokens, partial
# batches, garbled bodies) still converge without duplicates; the secret
# key and the tokens appear in no output and no plan file.
. "$(dirname "$0")/lib.sh"

SECRET='sEcReT-key-4f9a1c'
. "$(dirname "$0")/lib_emulator.sh"

# start_emulator NAME [EMULATOR ARGS...]: emu_start with a request log of
# its own ($TMP/NAME.log, read by the contract check at the end), retries
# 5 ms apart, the default retry count.
start_emulator() {
	local name=$1
	shift
	emu_start "$name" --log "$TMP/$name.log" "$@"
	export LIVERAMP_RETRY_BASE_MS=5
	unset LIVERAMP_MAX_RETRIES
}

# The examples are copied out of the repository and applies keep their
# audit log in $TMP: an apply of files inside a clean work tree would note
# the commit (refs/notes/reconciler) and log to .reconciler/ in the checkout.
mkdir -p "$TMP/ex"
cp -r examples/basic examples/ctv "$TMP/ex/"
BASIC=$TMP/ex/basic
CTV=$TMP/ex/ctv

# Everything the binary printed goes here too, for the secrets check.
ALL_OUTPUT=$TMP/all-output
lr() {
	local extra=()
	[ "$1" = apply ] && extra=(--audit-log "$TMP/audit.jsonl")
	run "$@" "${extra[@]}" --backend liveramp
	printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL_OUTPUT"
}
state_json() { # NAME FILTER: the emulator's state satisfies the jq filter
	if jq -e "$2" "$STATE" >/dev/null 2>&1; then pass "$1"; else fail "$1" "state fails: $2"; fi
}
no_duplicate_names='[.distributionManagers[].name | ascii_downcase] | length == (unique | length)'

start_emulator main
[ -n "$PORT" ] && pass "emulator started" || fail "emulator started"

# ---- plan, apply, plan ---------------------------------------------------------
lr plan "$BASIC"
expect_rc "basic: plan exits 0" 0
expect_out "basic: plan creates the account" '+ account "Acme Kargo US"'
lr apply "$BASIC" --auto-approve
expect_rc "basic: apply exits 0" 0
expect_out "basic: apply completes" "Apply complete: 4 applied, 0 failed"
lr plan "$BASIC"
expect_rc "basic: plan after apply exits 0" 0
expect_out "basic: plan after apply has no changes" "No changes."
state_json "basic: one connection with WEB and the client name" \
	'[.integrationConnections[] | select(.deviceTypes == ["WEB"] and .properties == [{"propertyKey":"client_name","propertyValue":"Acme Inc"}])] | length == 1'

lr apply "$CTV" --auto-approve
expect_rc "ctv: apply exits 0" 0
lr plan "$CTV"
expect_out "ctv: plan after apply has no changes" "No changes."
state_json "ctv: ctv_ids sent as CUSTOM_ID with RAMP_ID" \
	'[.integrationConnections[] | select((.deviceTypes | sort) == ["CUSTOM_ID","RAMP_ID"])] | length == 1'
state_json "ctv: five segment configs in all" '.segmentConfigs | length == 5'

# Off a terminal, a long observe prints whole progress lines (at most every
# 10 s; RECONCILER_PROGRESS_SECONDS=0 prints one per request), never '\r'.
RECONCILER_PROGRESS_SECONDS=0 lr plan "$CTV"
if printf '%s\n' "$ERR" | grep -Eq '^observing: [0-9,]+/[0-9,]+ '; then pass "no terminal: observe prints progress lines"
else fail "no terminal: observe prints progress lines"; fi
if printf '%s' "$ERR" | grep -q $'\r'; then fail "no terminal: no carriage returns"; else pass "no terminal: no carriage returns"; fi
lr plan "$CTV"
if printf '%s\n' "$ERR" | grep -q '^observing:'; then fail "no terminal: a short observe stays quiet"
else pass "no terminal: a short observe stays quiet"; fi

# The same resources observed through the sandbox file give the same state.
cp "$STATE" "$TMP/copy.json"
lr plan "$BASIC" "$CTV" --format json
fp_api=$(printf '%s' "$OUT" | jq -r .fingerprint)
run plan "$BASIC" "$CTV" --backend "local:$TMP/copy.json" --format json
fp_local=$(printf '%s' "$OUT" | jq -r .fingerprint)
[ -n "$fp_api" ] && [ "$fp_api" = "$fp_local" ] && pass "same fingerprint as the local backend" ||
	fail "same fingerprint as the local backend" "api $fp_api, local $fp_local"

# ---- update, rename, removals through a saved plan --------------------------------
mkdir -p "$TMP/update"
cat >"$TMP/update/acme.yaml" <<'EOF'
version: 1
accounts:
  - name: Acme Kargo USA
    previous_names: [Acme Kargo US]
    client_name: Acme Incorporated
    identifiers: [cookies, ramp_ids]
    status: inactive
    expire_at: "2099-12-31"
    segments:
      - id: "31254679"
        name: Auto intenders
      - "31254681"
EOF
lr plan "$TMP/update" --out "$TMP/update.plan"
expect_rc "update: plan --out exits 0" 0
lr apply --plan "$TMP/update.plan" --auto-approve
expect_rc "update: apply --plan exits 0" 0
lr plan "$TMP/update"
expect_out "update: plan after apply has no changes" "No changes."
state_json "update: manager renamed, inactive, with its end date" \
	'[.distributionManagers[] | select(.name == "Acme Kargo USA" and .status == "INACTIVE" and .expireAt == "2099-12-31")] | length == 1'
state_json "update: connection has the new client name and device types" \
	'[.integrationConnections[] | select((.deviceTypes | sort) == ["RAMP_ID","WEB"] and .properties[0].propertyValue == "Acme Incorporated")] | length == 1'
state_json "update: removed segments are gone, the new one is there" \
	'[.segmentConfigs[].segmentID] | (index("31254678") == null and index("31254680") == null and index("31254681") != null)'
lr apply --plan "$TMP/update.plan" --auto-approve
expect_rc "update: the same saved plan again is stale" 1
expect_err "update: stale plan is named" "stale plan"

# ---- delete (prune) ---------------------------------------------------------------------
mkdir -p "$TMP/prune"
printf 'version: 1\nsettings:\n  prune: true\naccounts: []\n' >"$TMP/prune/settings.yaml"
lr apply "$TMP/prune" --auto-approve
expect_rc "prune: apply exits 0" 0
state_json "prune: no connection, manager or config left" \
	'(.integrationConnections | length) == 0 and (.distributionManagers | length) == 0 and (.segmentConfigs | length) == 0'

# ---- many resources: pagination, odd connections ---------------------------------------
jq '.integrationConnections = [range(0; 130) | {id: "ic\(.)", integrationID: ["1001", "2001"], deviceTypes: ["WEB"], properties: [{propertyKey: "client_name", propertyValue: "Client \(.)"}]}]
    + [{id: "ic-orphan", integrationID: ["1001", "2001"], deviceTypes: ["WEB"], properties: []},
       {id: "ic-double", integrationID: ["1001", "2001"], deviceTypes: ["WEB"], properties: []}]
  | .distributionManagers = [range(0; 130) | {id: "dm\(.)", name: "Bulk account \(.)", integrationConnectionID: "ic\(.)", status: "ACTIVE", expireAt: null}]
    + [{id: "dm-a", name: "Double A", integrationConnectionID: "ic-double", status: "ACTIVE", expireAt: null},
       {id: "dm-b", name: "Double B", integrationConnectionID: "ic-double", status: "ACTIVE", expireAt: null}]
  | .segmentConfigs = [range(0; 150) | {id: "sc\(.)", distributionManagerID: "dm0", segmentID: "s\(.)", segmentType: "ONBOARDING"}]
    + [range(1; 130) | {id: "sd\(.)", distributionManagerID: "dm\(.)", segmentID: "s\(.)", segmentType: "ONBOARDING"}]
  | .segments = [range(0; 120) | {id: "s\(.)", field: {name: "interest"}, value: "v\(.)", type: "ONBOARDING"}]
  | .next_id = 100000' "$STATE" >"$TMP/bulk.json"
curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @"$TMP/bulk.json" "$URL/_admin/state" | grep -q 200 &&
	pass "bulk state loaded" || fail "bulk state loaded"
curl -s -X DELETE "$URL/_admin/requests" >/dev/null
# No account declared: the catalog now lists s0..s119, not the examples' ids.
mkdir -p "$TMP/empty"
printf 'version: 1\naccounts: []\n' >"$TMP/empty/none.yaml"
lr plan "$TMP/empty" --format json
expect_rc "bulk: plan exits 0" 0
fp_api=$(printf '%s' "$OUT" | jq -r .fingerprint)
expect_json "bulk: a connection without a manager is reported" \
	'[.diagnostics[].message] | index("integration connection ic-orphan has no distribution manager; it is left alone") != null'
expect_json "bulk: a connection with two managers is reported" \
	'[.diagnostics[].message] | index("integration connection ic-double has 2 distribution managers; it is left alone") != null'
expect_json "bulk: nothing undeclared is touched" '.changes == []'
pages=$(curl -s "$URL/_admin/requests" | jq '[.[] | select(.query | test("after="))] | length')
[ "${pages:-0}" -ge 3 ] && pass "bulk: lists followed their cursors ($pages pages)" || fail "bulk: lists followed their cursors" "pages: $pages"
lookups=$(curl -s "$URL/_admin/requests" | jq '[.[] | select(.path | test("^/v2/segments/s"))] | length')
[ "${lookups:-0}" -eq 30 ] && pass "bulk: the 30 segments missing from the catalog were looked up once each" ||
	fail "bulk: missing segments looked up once each" "lookups: $lookups"
tokens=$(curl -s "$URL/_admin/requests" | jq '[.[] | select(.path == "/authn/v1/oauth2/token")] | length')
[ "${tokens:-0}" -eq 1 ] && pass "bulk: one token for the whole run" || fail "bulk: one token for the whole run" "tokens: $tokens"

lr plan "$TMP/prune" --format json
expect_json "bulk: all 130 accounts observed (prune would delete them all)" '.summary.accounts_delete == 130'
expect_json "bulk: all 279 segment configs observed (prune would remove them)" '.summary.segments_remove == 279'
cp "$STATE" "$TMP/bulk-copy.json"
run plan "$TMP/empty" --backend "local:$TMP/bulk-copy.json" --format json
fp_local=$(printf '%s' "$OUT" | jq -r .fingerprint)
[ -n "$fp_api" ] && [ "$fp_api" = "$fp_local" ] && pass "bulk: same fingerprint as the local backend" ||
	fail "bulk: same fingerprint as the local backend" "api $fp_api, local $fp_local"

# ---- configuration errors -------------------------------------------------------------
(
	unset LIVERAMP_ORG_ID LIVERAMP_ACCOUNT_ID LIVERAMP_SECRET_KEY
	run plan "$BASIC" --backend liveramp
	expect_rc "missing variables: plan exits 1" 1
	for v in LIVERAMP_ORG_ID LIVERAMP_ACCOUNT_ID LIVERAMP_SECRET_KEY LIVERAMP_CREDENTIALS_FILE; do
		expect_err "missing variables: $v is named" "$v"
	done
)
(
	export LIVERAMP_API_URL=http://example.invalid
	before=$(curl -s "$URL/_admin/requests" | jq length)
	run plan "$BASIC" --backend liveramp
	expect_rc "plain http to a remote host: refused" 1
	expect_err "plain http to a remote host: says why" "plain http"
	after=$(curl -s "$URL/_admin/requests" | jq length)
	[ "$before" = "$after" ] && pass "plain http to a remote host: nothing was contacted" ||
		fail "plain http to a remote host: nothing was contacted"
)
(
	unset LIVERAMP_ACCOUNT_ID LIVERAMP_SECRET_KEY
	printf '{"account_id": "test-account", "secret_key": "%s"}\n' "$SECRET" >"$TMP/creds.json"
	export LIVERAMP_CREDENTIALS_FILE=$TMP/creds.json
	chmod 644 "$TMP/creds.json"
	run plan "$BASIC" --backend liveramp
	expect_rc "credentials file 644: refused" 1
	expect_err "credentials file 644: says chmod 600" "chmod 600"
	printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL_OUTPUT"
	chmod 600 "$TMP/creds.json"
	run plan "$TMP/empty" --backend liveramp
	expect_rc "credentials file 600: accepted" 0
	printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL_OUTPUT"
)
(
	export LIVERAMP_SECRET_KEY=wrong-secret-value
	run plan "$BASIC" --backend liveramp
	expect_rc "wrong secret: plan exits 1" 1
	expect_err "wrong secret: the token request is named" "could not get an access token"
	if printf '%s%s' "$OUT" "$ERR" | grep -qF "wrong-secret-value"; then fail "wrong secret: not echoed"; else pass "wrong secret: not echoed"; fi
)
(
	export LIVERAMP_ORG_ID=another-org
	run plan "$BASIC" --backend liveramp
	expect_rc "wrong org: plan exits 1" 1
	expect_err "wrong org: the API's refusal is shown" "403"
)

# ---- faults ------------------------------------------------------------------------------
# Bounded counts keep the run short: 503 and 429 answers carry Retry-After: 1.
start_emulator faults --seed 7 \
	--fault 'list:503:0.3:6' --fault '*:429:0.2:4' --fault 'list:reset:0.2:3' --fault 'list:truncated:0.2:2' \
	--fault 'create:lost' --fault 'segments_add:reset:1:1' --fault 'segments_add:partial207:1:1' \
	--fault 'token:500:1:1' --fault 'list:expired_token:1:2' --fault 'segments:malformed:0.3:3' \
	--fault 'update:503:1:1' --fault 'delete:lost:1:1' --fault 'segments_remove:lost:1:1'
# Every fault here is one the tool absorbs, so ONE apply must succeed and
# the plan right after it must be empty (no second chance): the retry
# budget (20) exceeds the total count of the bounded faults a request can
# meet, and a lost create is found by reading back.
export LIVERAMP_MAX_RETRIES=20
for config in "$BASIC" "$CTV" "$TMP/update" "$BASIC"; do
	lr apply "$config" --auto-approve
	expect_rc "faults: ONE apply $(basename "$config") converges" 0
	lr plan "$config"
	expect_out "faults: plan $(basename "$config") right after it has no changes" "No changes."
	state_json "faults: no duplicate account names after $(basename "$config")" "$no_duplicate_names"
done
unset LIVERAMP_MAX_RETRIES
lost=$(jq -s '[.[] | select(.fault == "lost")] | length' "$TMP/faults.log")
[ "${lost:-0}" -ge 3 ] && pass "faults: answers were lost ($lost) and recovered" || fail "faults: answers were lost" "lost: $lost"
state_json "faults: each segment configured once per manager" \
	'[.segmentConfigs[] | "\(.distributionManagerID)/\(.segmentID)"] | length == (unique | length)'

# A create whose answer never comes (timeout): found by name, not created twice.
start_emulator slow --timeout-s 3 --fault 'create:timeout:1:1'
export LIVERAMP_TIMEOUT=1
lr apply "$BASIC" --auto-approve
expect_rc "timeout: apply converges" 0
state_json "timeout: one account, not two" '.distributionManagers | length == 1'
lr plan "$BASIC"
expect_out "timeout: plan has no changes" "No changes."
unset LIVERAMP_TIMEOUT

# ---- secrets -------------------------------------------------------------------------------
export RECONCILER_HTTP_DEBUG=1
lr plan "$BASIC" --out "$TMP/debug.plan"
expect_rc "debug trace: plan exits 0" 0
expect_err "debug trace: Authorization is redacted" "Authorization: [redacted]"
unset RECONCILER_HTTP_DEBUG
cat "$TMP"/*.plan >>"$ALL_OUTPUT" 2>/dev/null
if grep -qF "$SECRET" "$ALL_OUTPUT" "$TMP"/*.plan; then
	fail "the secret key appears in no output and no plan file"
else
	pass "the secret key appears in no output and no plan file"
fi
# Tokens are 64 hex digits; plan fingerprints are too, so drop those lines.
if grep -v '"fingerprint"' "$ALL_OUTPUT" | grep -qE '[0-9a-f]{64}|access_token'; then
	fail "no token appears in any output" "$(grep -v '"fingerprint"' "$ALL_OUTPUT" | grep -E '[0-9a-f]{64}|access_token' | head -3)"
else
	pass "no token appears in any output"
fi

# ---- differential: the same desired state through local and through the API ----------
# Applied from empty through both backends, the two stores must hold the same
# resources (ids and timestamps aside).
start_emulator differential
lr apply "$BASIC" "$CTV" --auto-approve
expect_rc "differential: apply through the API exits 0" 0
run apply "$BASIC" "$CTV" --backend "local:$TMP/differential-local.json" --auto-approve \
	--audit-log "$TMP/audit-local.jsonl"
expect_rc "differential: apply through the sandbox exits 0" 0
normalize() {
	jq -S '. as $d | [.distributionManagers[] | . as $dm
		| ($d.integrationConnections[] | select(.id == $dm.integrationConnectionID)) as $ic
		| {name, status, expireAt, deviceTypes: ($ic.deviceTypes | sort), properties: $ic.properties,
		   destination: ($d.destinations[] | select(.id == $ic.integrationID[0]) | .name),
		   integration: ($d.integrations[] | select(.id == $ic.integrationID[1]) | .name),
		   segments: [$d.segmentConfigs[] | select(.distributionManagerID == $dm.id) | {segmentID, segmentType}] | sort_by(.segmentID)}]
		| sort_by(.name)' "$1"
}
if [ -n "$(normalize "$STATE")" ] && [ "$(normalize "$STATE")" = "$(normalize "$TMP/differential-local.json")" ]; then
	pass "differential: local and liveramp end in the same state"
else
	fail "differential: local and liveramp end in the same state" \
		"api: $(normalize "$STATE" | tr -d ' \n' | head -c 600)" \
		"local: $(normalize "$TMP/differential-local.json" | tr -d ' \n' | head -c 600)"
fi

# ---- the contract: every request any emulator saw in this suite is one the ----------
# published API allows (method and path), and lists ask for at most 100 items. In the
# runs without deliberate auth trouble (no wrong org, no expired-token faults), every
# /v2 call carried a valid token and the org header.
allowed='^(POST /authn/v1/oauth2/token|GET /v2/destinations|GET /v2/destinations/[^/]+|GET /v2/destinations/[^/]+/integrations|GET /v2/destinations/[^/]+/integrations/[^/]+|(GET|POST) /v2/integration-connections|(GET|PUT|DELETE) /v2/integration-connections/[^/]+|(GET|POST) /v2/distribution-managers|(GET|PUT|DELETE) /v2/distribution-managers/[^/]+|(GET|POST|DELETE) /v2/distribution-managers/[^/]+/segment-configs|GET /v2/distribution-managers/[^/]+/segment-configs/[^/]+|GET /v2/segments|GET /v2/segments/[^/]+|GET /v2/deliveries)$'
cat "$TMP"/*.log >"$TMP/all-requests.jsonl" 2>/dev/null
total=$(grep -c . "$TMP/all-requests.jsonl")
bad=$(jq -r '.method + " " + .path' "$TMP/all-requests.jsonl" | grep -Ev "$allowed" | sort -u)
if [ "$total" -gt 100 ] && [ -z "$bad" ]; then
	pass "contract: all $total logged requests are published operations"
else
	fail "contract: all logged requests are published operations" "total $total; outside the contract: $bad"
fi
over=$(jq -r 'select(.query | test("(^|&)limit=")) | .query | capture("(^|&)limit=(?<n>[0-9]+)").n | tonumber | select(. < 1 or . > 100)' "$TMP/all-requests.jsonl" | head -3)
[ -z "$over" ] && pass "contract: every list asks for 1..100 items" || fail "contract: every list asks for 1..100 items" "$over"
clean=$(cat "$TMP/differential.log" "$TMP/slow.log" | grep -c .)
unauth=$(cat "$TMP/differential.log" "$TMP/slow.log" | jq -r 'select((.path | startswith("/v2/")) and (.auth != true or .org != true)) | .method + " " + .path + " " + (.status | tostring)' | head -3)
[ "$clean" -gt 20 ] || unauth="only $clean requests in the clean runs" 
[ -z "$unauth" ] && pass "contract: every /v2 call carried a valid token and LR-Org-ID" ||
	fail "contract: every /v2 call carried a valid token and LR-Org-ID" "$unauth"
true
