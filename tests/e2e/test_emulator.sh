# The Activation API emulator (tests/emulator): contract, validation,
# pagination, 207 batches, persistence, fault injection, the request log,
# and a clean shutdown. Talks to it with curl and reads answers with jq.
. "$(dirname "$0")/lib.sh"

ACCOUNT=acct-emulator-test
SECRET=sk-emulator-7f3a91c2e5
ORG=org-emulator-test
. "$(dirname "$0")/lib_emulator.sh"
TOKEN=""
CODE=""

check() { # NAME CONDITION-STATUS
	if [ "$2" -eq 0 ]; then pass "$1"; else fail "$1" "http $CODE"; fi
}
json_ok() { # NAME JQ-FILTER: OUT is JSON and the filter is true
	printf '%s' "$OUT" | jq -e "$2" >/dev/null 2>&1
	check "$1" $?
}

# start_emu ARGS...: the emulator on $TMP/state.json, kept from one start to
# the next, with a request log and this suite's account, secret and org.
start_emu() {
	emu_start state --log "$TMP/log.jsonl" --seed 7 --account-id "$ACCOUNT" --org "$ORG" "$@"
	BASE=http://127.0.0.1:${PORT:-1}
}
# stop_emu: SIGTERM; RC is the emulator's exit status.
stop_emu() {
	emu_stop
	RC=$?
}

# req [-H H | -d D | --max-time S]... METHOD PATH [BODY|@FILE]: one call
# with no headers added. Sets RC (curl's exit), CODE, OUT, and HDR (a file
# holding the answer's headers).
HDR=$TMP/.hdr
req() {
	local extra=()
	while :; do
		case "$1" in
		-H | -d | --max-time)
			extra+=("$1" "$2")
			shift 2
			;;
		*) break ;;
		esac
	done
	local method=$1 path=$2 body=${3:-}
	local args=(-s -o "$TMP/.body" -D "$HDR" -w '%{http_code}' -X "$method" --max-time 10)
	if [ ${#extra[@]} -gt 0 ]; then args+=("${extra[@]}"); fi
	if [ -n "$body" ]; then args+=(-H 'Content-Type: application/json' --data-binary "$body"); fi
	: >"$TMP/.body"
	CODE=$(curl "${args[@]}" "$BASE$path")
	RC=$?
	OUT=$(cat "$TMP/.body")
	ERR=""
}
# api [--max-time S] METHOD PATH [BODY]: the same with the token and the org.
api() {
	req -H "Authorization: Bearer $TOKEN" -H "LR-Org-ID: $ORG" "$@"
}
grant() { # USER PASSWORD
	req -d "grant_type=password&username=$1&password=$2&scope=openid&client_id=liveramp-api&response_type=token" \
		POST /authn/v1/oauth2/token
}
# new_token: a fresh token in TOKEN; every token seen is kept in TOKENS.
TOKENS=""
new_token() {
	grant "$ACCOUNT" "$SECRET"
	TOKEN=$(printf '%s' "$OUT" | jq -r '.access_token // empty' 2>/dev/null)
	TOKENS="$TOKENS $TOKEN"
}
admin_faults() { # JSON
	req POST /_admin/faults "$1"
}
batch() { # DM FROM TO: segment-config items segFROM..segTO-1
	jq -nc --arg dm "$1" --argjson a "$2" --argjson b "$3" \
		'[range($a; $b) | {segmentID: "seg\(.)", segmentType: "ONBOARDING", distributionManagerID: $dm}]'
}

# ---- start, seed, auth --------------------------------------------------
start_emu
if [ -n "$PORT" ]; then pass "emulator writes its port file"; else fail "emulator writes its port file" "$(cat "$TMP/state.emu-out")"; fi
OUT=$(cat "$STATE" 2>/dev/null)
json_ok "a missing state file is seeded with Kargo" \
	'.format_version == 1 and .destinations[0].name == "Kargo" and .integrations[0].name == "Kargo First-Party Data" and .integrations[0].requiredProperties[0].name == "client_name"'

new_token
json_ok "token grant answers a bearer token" '.token_type == "Bearer" and .expires_in == 600 and (.access_token | length) > 20'
grant "$ACCOUNT" wrong-password
[ "$CODE" = 401 ]
check "token grant with a wrong password is 401" $?
req -d "grant_type=client_credentials&username=$ACCOUNT&password=$SECRET&scope=openid&client_id=liveramp-api&response_type=token" POST /authn/v1/oauth2/token
[ "$CODE" = 400 ]
check "token grant with another grant_type is 400" $?

req -H "LR-Org-ID: $ORG" GET /v2/destinations
[ "$CODE" = 401 ] && printf '%s' "$OUT" | jq -e '.httpStatus == 401 and .errorCode' >/dev/null
check "a call without a bearer token is 401 StandardError" $?
req -H "Authorization: Bearer $TOKEN" GET /v2/destinations
[ "$CODE" = 401 ] && printf '%s' "$OUT" | jq -e '.errorCode == "MISSING_CUSTOMER_ID"' >/dev/null
check "a call without LR-Org-ID is 401 MISSING_CUSTOMER_ID" $?
req -H "Authorization: Bearer $TOKEN" -H "LR-Org-ID: someone-else" GET /v2/destinations
[ "$CODE" = 403 ]
check "a call for another org is 403" $?

# ---- explore ------------------------------------------------------------
api GET /v2/destinations
json_ok "destinations list Kargo (a logoUrl that is a URL)" '."v2/Destinations"[0] == {"id": "1001", "name": "Kargo", "logoUrl": "https://logo.invalid/destinations/1001.png"} and ._pagination.total == 1 and ._pagination.after == null'
api GET /v2/destinations/1001/integrations
json_ok "integrations of Kargo carry requiredProperties" '.integrations[0].id == "2001" and (.integrations[0].deviceTypes | index("RAMP_ID")) != null'
api GET /v2/destinations/999
[ "$CODE" = 404 ]
check "an unknown destination is 404" $?
api GET /v2/nothing-here
[ "$CODE" = 404 ]
check "an unknown path is 404" $?
api PATCH /v2/integration-connections
[ "$CODE" = 405 ] && grep -i '^Allow:' "$HDR" | grep -q 'GET' && grep -i '^Allow:' "$HDR" | grep -q 'POST'
check "a wrong method is 405 with Allow" $?

# ---- integration connections and managers ----------------------------------
IC_BODY='{"integrationID": ["1001", "2001"], "deviceTypes": ["WEB", "RAMP_ID"], "properties": [{"propertyKey": "client_name", "propertyValue": "Acme Inc"}], "distributionManagerName": "Acme Kargo US"}'
api POST /v2/integration-connections '{"integrationID": ["1001", "2001"], "deviceTypes": ["WEB"], "properties": []}'
[ "$CODE" = 422 ]
check "an IC without the required property is 422" $?
api POST /v2/integration-connections '{"integrationID": ["1001", "9999"], "deviceTypes": ["WEB"], "properties": [{"propertyKey": "client_name", "propertyValue": "x"}]}'
[ "$CODE" = 404 ]
check "an IC of an unknown integration is 404" $?
api POST /v2/integration-connections '{"integrationID": ["1001", "2001"], "deviceTypes": ["SMOKE_SIGNAL"], "properties": [{"propertyKey": "client_name", "propertyValue": "x"}]}'
[ "$CODE" = 422 ]
check "an IC with an unknown device type is 422" $?
api POST /v2/integration-connections '{"integrationID": ["1001", "2001"],'
[ "$CODE" = 422 ] && printf '%s' "$OUT" | jq -e '.errorCode == "BAD_REQUEST"' >/dev/null
check "a malformed JSON body is 422" $?
CODE=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" -H "LR-Org-ID: $ORG" \
	--data-binary '{"integrationID": ["1001", "2001"]}' "$BASE/v2/integration-connections")
[ "$CODE" = 415 ]
check "a JSON body sent as form-urlencoded is 415" $?
api POST /v2/integration-connections "$IC_BODY"
[ "$CODE" = 201 ]
check "an IC with distributionManagerName is created (201)" $?
IC=$(printf '%s' "$OUT" | jq -r '.id // empty')
api GET "/v2/distribution-managers?integrationConnectionID=$IC"
json_ok "its DM is listed by integrationConnectionID" \
	'(."v2/DistributionManagers" | length) == 1 and ."v2/DistributionManagers"[0].name == "Acme Kargo US" and ."v2/DistributionManagers"[0].status == "ACTIVE" and ."v2/DistributionManagers"[0].expireAt == null'
DM=$(printf '%s' "$OUT" | jq -r '."v2/DistributionManagers"[0].id // empty')

NAME51=$(printf 'n%.0s' $(seq 51))
api POST /v2/distribution-managers "{\"name\": \"$NAME51\", \"integrationConnectionID\": \"$IC\", \"status\": \"ACTIVE\", \"expireAt\": null}"
[ "$CODE" = 422 ]
check "a DM name of 51 characters is 422" $?
api POST /v2/distribution-managers "{\"name\": \"${NAME51:1}\", \"integrationConnectionID\": \"$IC\", \"status\": \"ACTIVE\", \"expireAt\": null}"
[ "$CODE" = 201 ]
check "a DM name of 50 characters is created" $?
DM2=$(printf '%s' "$OUT" | jq -r '.id // empty')
api POST /v2/distribution-managers "{\"name\": \"Old\", \"integrationConnectionID\": \"$IC\", \"status\": \"ACTIVE\", \"expireAt\": \"2001-01-01\"}"
[ "$CODE" = 422 ]
check "a DM with an expireAt in the past is 422" $?
api PUT "/v2/distribution-managers/$DM" '{"name": "Acme Kargo US", "status": "INACTIVE"}'
[ "$CODE" = 422 ]
check "PUT of a DM without expireAt is 422" $?
api PUT "/v2/distribution-managers/$DM" '{"name": "Acme Kargo US", "status": "ACTIVE", "expireAt": "2999-12-31"}'
[ "$CODE" = 200 ]
check "PUT of a DM with all three fields is 200" $?
api GET "/v2/distribution-managers/$DM"
json_ok "the PUT is visible" '.expireAt == "2999-12-31"'

# ---- segment configs: batches, 207, pagination -----------------------------
batch "$DM" 0 501 >"$TMP/b501.json"
api POST "/v2/distribution-managers/$DM/segment-configs" "@$TMP/b501.json"
[ "$CODE" = 207 ] && printf '%s' "$OUT" | jq -e 'length == 501 and all(.[]; .status.httpStatus == 422 and (.status.errorCode | type) == "string")' >/dev/null
check "a batch of 501 items is a 207 refusing each (422)" $?
api POST "/v2/distribution-managers/$DM/segment-configs" '[]'
[ "$CODE" = 207 ] && [ "$OUT" = "[]" ]
check "an empty batch is an empty 207" $?
batch "$DM" 0 150 >"$TMP/b1.json"
batch "$DM" 150 250 >"$TMP/b2.json"
api POST "/v2/distribution-managers/$DM/segment-configs" "@$TMP/b1.json"
c1=$CODE
n1=$(printf '%s' "$OUT" | jq '[.[] | select(.status.httpStatus == 201)] | length')
api POST "/v2/distribution-managers/$DM/segment-configs" "@$TMP/b2.json"
n2=$(printf '%s' "$OUT" | jq '[.[] | select(.status.httpStatus == 201)] | length')
[ "$c1" = 207 ] && [ "$CODE" = 207 ] && [ "$n1" = 150 ] && [ "$n2" = 100 ]
check "batches answer 207 with one 201 per item" $?

api POST "/v2/distribution-managers/$DM/segment-configs" "$(jq -nc --arg dm "$DM" '[{segmentID: "new-1", segmentType: "ONBOARDING", distributionManagerID: $dm}, {segmentID: "seg7", segmentType: "ONBOARDING", distributionManagerID: $dm}, {segmentID: "x", segmentType: "NOPE", distributionManagerID: $dm}]')"
json_ok "207 items report 201, 409 (duplicate) and 422 in order, every errorCode a string" \
	'[.[].status.httpStatus] == [201, 409, 422] and .[1].id == "seg7" and all(.[]; (.status.errorCode | type) == "string" and (.id | type) == "string")'

ids=""
after=""
pages=0
total=""
while [ $pages -lt 20 ]; do
	api GET "/v2/distribution-managers/$DM/segment-configs?limit=100${after:+&after=$after}"
	[ "$CODE" = 200 ] || break
	pages=$((pages + 1))
	ids="$ids $(printf '%s' "$OUT" | jq -r '.segmentConfigs[].id')"
	total=$(printf '%s' "$OUT" | jq '._pagination.total')
	after=$(printf '%s' "$OUT" | jq -r '._pagination.after // empty')
	[ -n "$after" ] || break
done
count=$(printf '%s\n' $ids | sort -u | wc -l)
[ "$pages" = 3 ] && [ "$count" = 251 ] && [ "$total" = 251 ]
check "a walk with limit=100 and after sees every config once (251 in 3 pages)" $?
api GET "/v2/distribution-managers/$DM/segment-configs"
json_ok "limit defaults to 10" '(.segmentConfigs | length) == 10 and ._pagination.after != null'
api GET "/v2/distribution-managers/$DM/segment-configs?limit=101"
[ "$CODE" = 422 ]
check "limit=101 is 422" $?
api GET "/v2/distribution-managers/$DM/segment-configs?after=zz"
[ "$CODE" = 422 ]
check "a made-up cursor is 422" $?

api GET "/v2/distribution-managers/$DM/segment-configs?limit=100"
cursor=$(printf '%s' "$OUT" | jq -r '._pagination.after')
last=$(printf '%s' "$OUT" | jq -r '.segmentConfigs[-1].id')
api GET "/v2/distribution-managers/$DM/segment-configs?limit=100&after=$cursor"
next=$(printf '%s' "$OUT" | jq -r '.segmentConfigs[0].id')
api DELETE "/v2/distribution-managers/$DM/segment-configs" "[{\"id\": \"$last\"}]"
api GET "/v2/distribution-managers/$DM/segment-configs?limit=100&after=$cursor"
json_ok "a cursor whose item was deleted resumes at the next item" ".segmentConfigs[0].id == \"$next\" and ._pagination.total == 250"

CFG=$(jq -r --arg dm "$DM" '[.segmentConfigs[] | select(.distributionManagerID == $dm)][0].id' "$STATE")
api DELETE "/v2/distribution-managers/$DM/segment-configs" "[{\"id\": \"$CFG\"}, {\"id\": \"no-such-config\"}]"
json_ok "DELETE of configs answers 207 item by item (200, 404)" '[.[].status.httpStatus] == [200, 404]'
api GET "/v2/distribution-managers/$DM/segment-configs/$CFG"
[ "$CODE" = 404 ]
check "a deleted config is gone" $?

# ---- the state file -----------------------------------------------------------
jq -e --arg dm "$DM" '[.segmentConfigs[] | select(.distributionManagerID == $dm)] | length == 249' "$STATE" >/dev/null
check "every change is in the state file" $?
api DELETE "/v2/distribution-managers/$DM2"
[ "$CODE" = 200 ]
check "DELETE of a DM is 200" $?
api POST "/v2/distribution-managers/$DM2/segment-configs" "$(batch "$DM2" 0 3)"
[ "$CODE" = 404 ]
check "a deleted DM takes no configs" $?

# ---- faults ------------------------------------------------------------------------
admin_faults '{"faults": ["list:503:1:1"]}'
[ "$CODE" = 200 ]
check "admin: a fault set is accepted" $?
api GET /v2/destinations
first=$CODE
grep -qi '^Retry-After: 1' "$HDR"
ra=$?
api GET /v2/destinations
[ "$first" = 503 ] && [ $ra -eq 0 ] && [ "$CODE" = 200 ]
check "list:503:1:1 fails one call with Retry-After: 1, then passes" $?
admin_faults '{"faults": ["create:429:1:1"]}'
api POST /v2/distribution-managers '{"name": "rate limited", "integrationConnectionID": "'"$IC"'"}'
[ "$CODE" = 429 ] && grep -qi '^Retry-After: 1' "$HDR"
check "create:429 answers 429 with Retry-After" $?
admin_faults '{"faults": ["bogus:503"]}'
[ "$CODE" = 400 ]
check "admin: a bad fault spec is 400" $?

admin_faults '{"faults": ["*:reset:1:1"]}'
api GET /v2/destinations
[ "$RC" = 52 ] || [ "$RC" = 56 ]
check "reset closes the connection without an answer (curl exit $RC)" $?

admin_faults '{"faults": ["create:lost:1:1"]}'
api POST /v2/distribution-managers "{\"name\": \"Lost answer\", \"integrationConnectionID\": \"$IC\", \"status\": \"ACTIVE\", \"expireAt\": null}"
lost_rc=$RC
[ "$lost_rc" = 52 ] || [ "$lost_rc" = 56 ]
check "lost gives no answer (curl exit $lost_rc)" $?
jq -e '[.distributionManagers[] | select(.name == "Lost answer")] | length == 1' "$STATE" >/dev/null
check "lost still wrote the DM to the state file" $?

admin_faults '{"faults": ["list:malformed:1:1"]}'
api GET "/v2/integration-connections"
[ "$CODE" = 200 ] && ! printf '%s' "$OUT" | jq . >/dev/null 2>&1
check "malformed answers 200 with a body that is not JSON" $?
admin_faults '{"faults": ["segments:truncated:1:1"]}'
api GET "/v2/segments"
[ "$CODE" = 200 ] && [ -n "$OUT" ] && ! printf '%s' "$OUT" | jq . >/dev/null 2>&1
check "truncated answers half a JSON body" $?

admin_faults '{"faults": ["segments_add:partial207:1:1"]}'
api POST "/v2/distribution-managers/$DM/segment-configs" "$(batch "$DM" 1000 1004)"
json_ok "partial207 applies half the batch and fails the rest with 500" '[.[].status.httpStatus] == [201, 201, 500, 500]'
jq -e '[.segmentConfigs[] | select(.segmentID == "seg1000" or .segmentID == "seg1001" or .segmentID == "seg1002")] | length == 2' "$STATE" >/dev/null
check "partial207 wrote only the applied items" $?

admin_faults '{"faults": ["list:expired_token:1:1"]}'
api GET /v2/destinations
first=$CODE
code1=$(printf '%s' "$OUT" | jq -r .errorCode)
api GET /v2/destinations
second=$CODE
new_token
api GET /v2/destinations
[ "$first" = 401 ] && [ "$code1" = TOKEN_EXPIRED ] && [ "$second" = 401 ] && [ "$CODE" = 200 ]
check "expired_token expires the token: 401 until a new token is fetched" $?

admin_faults '{"faults": ["deliveries:timeout:1:1"], "timeout_s": 2}'
api --max-time 1 GET /v2/deliveries
[ "$RC" = 28 ]
check "timeout holds the answer past the client's patience (curl exit $RC)" $?
admin_faults '{"faults": [], "latency_ms": 300}'
t=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" -H "LR-Org-ID: $ORG" "$BASE/v2/destinations")
awk -v t="$t" 'BEGIN { exit !(t >= 0.3) }'
check "latency_ms delays /v2 calls ($t s)" $?
req DELETE /_admin/faults
req GET /_admin/faults
json_ok "DELETE /_admin/faults clears faults and latency" '.faults == [] and .latency_ms == 0'

# ---- seeded state: catalog, deliveries --------------------------------------------
req GET /_admin/state
printf '%s' "$OUT" | jq '.segments = [{"id": "12345", "name": "Auto intenders", "field": {"id": "f1", "name": "interest", "audienceId": "a1"}, "value": "auto", "type": "ONBOARDING"}, {"id": "777", "name": "Marketplace", "type": "DATA_MARKETPLACE"}]
	| .deliveries = [{"id": "d1", "status": "DELIVERED", "deviceType": "WEB", "recordCount": 10, "updatedAt": "2026-01-01T00:00:00Z", "segmentID": "12345", "integrationConnectionID": "'"$IC"'", "operationType": "ADD"},
	                  {"id": "d2", "status": "PENDING", "deviceType": "WEB", "recordCount": 0, "updatedAt": "2026-01-02T00:00:00Z", "segmentID": "777", "integrationConnectionID": "other", "operationType": "ADD"}]' >"$TMP/seeded.json"
req POST /_admin/state "@$TMP/seeded.json"
[ "$CODE" = 200 ]
check "admin: POST /_admin/state replaces the state" $?
req POST /_admin/state '{"format_version": 1}'
[ "$CODE" = 400 ]
check "admin: a malformed state is refused" $?
api GET /v2/segments/12345
json_ok "segments are served in the API shape, without the file's name" \
	'. == {"id": "12345", "field": {"id": "f1", "name": "interest", "audienceId": "a1"}, "value": "auto", "type": "ONBOARDING"}'
api GET "/v2/segments?fieldName=interest&valueName=auto"
json_ok "segments filter by fieldName and valueName" '(."v2/Segments" | length) == 1'
api POST "/v2/distribution-managers/$DM/segment-configs" "$(jq -nc --arg dm "$DM" '[{segmentID: "12345", segmentType: "ONBOARDING", distributionManagerID: $dm}, {segmentID: "nope", segmentType: "ONBOARDING", distributionManagerID: $dm}]')"
json_ok "with a catalog, an unknown segment is an item 404" '[.[].status.httpStatus] == [201, 404]'
# The 201 above recorded a delivery (the sandbox's rule: PENDING, shown
# DELIVERED once settings.delivery_delay_seconds, default 0, have passed).
api GET "/v2/deliveries?segmentIDs=12345,777"
json_ok "deliveries filter by a comma list of segmentIDs" '._pagination.total == 3'
api GET "/v2/deliveries?segmentIDs=12345&integrationConnectionID=$IC"
json_ok "an added segment config records an ADD delivery to its connection, with its first device type" \
	'[."v2/Deliveries"[] | select(.id != "d1")] | length == 1 and (.[0] | .status == "DELIVERED" and .operationType == "ADD" and .deviceType == "WEB" and .segmentID == "12345" and (.updatedAt | test("Z$")))'
api GET "/v2/deliveries?segmentIDs=777&integrationConnectionID=$IC"
json_ok "deliveries filter by integrationConnectionID" '._pagination.total == 0'

# ---- DELETE cascades --------------------------------------------------------------
api DELETE "/v2/distribution-managers/$DM"
[ "$CODE" = 200 ] && jq -e --arg dm "$DM" '[.segmentConfigs[] | select(.distributionManagerID == $dm)] == [] and ([.distributionManagers[] | select(.id == $dm)] == [])' "$STATE" >/dev/null
check "DELETE of a DM removes its segment configs" $?

# ---- admin: log, stats, tokens -----------------------------------------------------
req POST /_admin/expire-tokens
api GET /v2/destinations
[ "$CODE" = 401 ]
check "admin: expire-tokens invalidates issued tokens" $?
req GET /_admin/stats
json_ok "admin: stats count requests per class" '.classes.create.requests >= 5 and .classes.list.faults >= 2 and .classes.segments_add.statuses["207"] >= 1'
req GET /_admin/requests
json_ok "admin: the request log records lost and reset outcomes" \
	'(map(select(.status == "lost" and .class == "create")) | length) == 1 and (map(select(.status == "reset")) | length) == 1'
json_ok "admin: the request log says which headers were valid" \
	'any(.[]; .auth == true and .org == false) and any(.[]; .auth == false and .class == "list")'
leak=""
for secret in "$SECRET" $TOKENS; do
	if printf '%s' "$OUT" | grep -qF "$secret" || grep -qF "$secret" "$TMP/log.jsonl"; then leak=yes; fi
done
if [ -z "$leak" ] && [ "$(echo $TOKENS | wc -w)" -ge 2 ]; then
	pass "the request log holds neither the secret nor a token"
else
	fail "the request log holds neither the secret nor a token"
fi
[ "$(wc -l <"$TMP/log.jsonl")" -ge 40 ] && jq -e -s 'length >= 40' "$TMP/log.jsonl" >/dev/null
check "--log writes one JSON line per request" $?

# ---- restart: persistence, --fault, token TTL, shutdown ----------------------------
stop_emu
[ "$RC" = 0 ]
check "SIGTERM stops the emulator with exit 0" $?
[ ! -e "$TMP/state.port" ]
check "the port file is removed at shutdown" $?
before=$(jq -c '.integrationConnections | map(.id)' "$STATE")
start_emu --fault token:500:1:1 --token-ttl 2
grant "$ACCOUNT" "$SECRET"
first=$CODE
new_token
[ "$first" = 500 ] && [ -n "$TOKEN" ]
check "--fault token:500:1:1 fails only the first grant" $?
api GET /v2/integration-connections
json_ok "state survives a restart" "[.\"v2/IntegrationConnections\"[].id] == $before"
sleep 2.2
api GET /v2/destinations
[ "$CODE" = 401 ] && printf '%s' "$OUT" | jq -e '.errorCode == "TOKEN_EXPIRED"' >/dev/null
check "a token expires after --token-ttl" $?
new_token
api POST /v2/distribution-managers "{\"name\": \"Ends 2030\", \"integrationConnectionID\": \"$IC\", \"status\": \"ACTIVE\", \"expireAt\": \"2030-01-01\"}"
ENDS=$(printf '%s' "$OUT" | jq -r '.id // empty')
stop_emu
[ "$RC" = 0 ]
check "a second SIGTERM shutdown is clean too" $?

# RECONCILER_NOW moves the emulator's clock: an end date passes.
RECONCILER_NOW=2030-01-02 start_emu
new_token
api GET "/v2/distribution-managers/$ENDS"
json_ok "a DM past its expireAt turns INACTIVE" '.status == "INACTIVE"'
jq -e --arg id "$ENDS" '.distributionManagers[] | select(.id == $id) | .status == "INACTIVE"' "$STATE" >/dev/null
check "the INACTIVE status is written to the state file" $?
stop_emu

"$EMU" --state "$STATE" --fault 'create:explode' >/dev/null 2>&1
RC=$?
[ "$RC" = 2 ]
check "a bad --fault is a usage error (exit 2)" $?
echo '{"format_version": 1, "next_id": "x"}' >"$TMP/bad.json"
"$EMU" --state "$TMP/bad.json" --port 0 >/dev/null 2>"$TMP/bad.err"
RC=$?
[ "$RC" = 1 ] && grep -q 'next_id' "$TMP/bad.err"
check "a malformed state file stops the start with a message (exit 1)" $?
