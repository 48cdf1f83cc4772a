# The liveramp backend against states the real API produces every day and
# its contract allows (issue: never duplicate, never claim a write that did
# not happen): a second distribution manager added in Connect, items
# repeated across pages, cycling cursors, oversize pages, missing array
# keys, 207 items in any order, deliveries without segmentID, an empty
# catalog, error bodies of both shapes and a gateway's HTML page.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

mkdir -p "$TMP/ex"
cp -r examples/basic "$TMP/ex/"
BASIC=$TMP/ex/basic
# Applies keep their audit log in $TMP, never in the checkout.
lr() {
	local extra=()
	[ "$1" = apply ] && extra=(--audit-log "$TMP/audit.jsonl")
	run "$@" "${extra[@]}" --backend liveramp
}
state_ok() { # NAME JQ-FILTER: the emulator's state satisfies the filter
	if admin GET state | jq -e "$2" >/dev/null 2>&1; then pass "$1"; else fail "$1" "state fails: $2"; fi
}
# faults SPEC...: replaces the emulator's fault set.
faults() {
	local list
	list=$(printf '%s\n' "$@" | jq -R . | jq -cs .)
	[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary "{\"faults\": $list}" "$URL/_admin/faults")" = 200 ] ||
		fail "faults accepted: $*"
}

# ---- 1. names are unique in the org, whatever observe manages ---------------------
emu_start dup || fail "emulator started"
lr apply "$BASIC" --auto-approve
expect_rc "dup: first apply" 0
# Someone adds a second manager to the connection in Connect.
admin GET state | jq '.distributionManagers += [.distributionManagers[0]
	| .id = "dm-by-hand" | .name = "Acme Kargo US (test)"]' >"$TMP/dup2.json"
admin_state_load "$TMP/dup2.json" || fail "dup: state with a second manager loaded"
lr plan "$BASIC"
expect_rc "dup: plan exits 1 when the name is held by a manager left alone" 1
expect_err "dup: plan names the rule" "error[account.conflict]"
expect_err "dup: plan names what holds the name" "on integration connection"
expect_err "dup: plan names the declaration" "acme.yaml:"
lr apply "$BASIC" --auto-approve
expect_rc "dup: apply exits 1" 1
state_ok "dup: apply created no second account" '[.distributionManagers[] | select(.name == "Acme Kargo US")] | length == 1'
state_ok "dup: apply wrote nothing" '(.integrationConnections | length) == 1 and (.distributionManagers | length) == 2'
# A rename into a name held by a manager on another connection is refused too.
cp -r "$BASIC" "$TMP/ex/other"
sed -i 's/^  - name: Acme Kargo US$/  - name: Acme Kargo EU/' "$TMP/ex/other/acme.yaml"
admin_state_load "$TMP/dup2.json"
admin GET state | jq '.distributionManagers |= map(select(.id != "dm-by-hand"))
	| .integrationConnections += [.integrationConnections[0] | .id = "ic-by-hand"]
	| .distributionManagers += [.distributionManagers[0] | .id = "dm-eu" | .name = "acme kargo eu "
	   | .integrationConnectionID = "ic-by-hand"]
	| .integrationConnections |= map(if .id == "ic-by-hand" then .integrationID = ["9999", "9998"] else . end)' >"$TMP/dup3.json"
admin_state_load "$TMP/dup3.json" || fail "dup: state with another destination's manager loaded"
sed -i 's/^  - name: Acme Kargo EU$/  - name: Acme Kargo EU\n    previous_names: [Acme Kargo US]/' "$TMP/ex/other/acme.yaml"
lr plan "$TMP/ex/other"
expect_rc "dup: a rename into a held name exits 1" 1
expect_err "dup: the rename names the rule" "cannot be renamed into that name"
emu_stop

# The sandbox backend keeps the same promise.
mkdir -p "$TMP/sb"
run apply "$BASIC" --backend "local:$TMP/sb/s.json" --auto-approve --audit-log "$TMP/audit.jsonl"
jq '.distributionManagers += [.distributionManagers[0] | .id = "dm-by-hand" | .name = "x"]' "$TMP/sb/s.json" >"$TMP/sb/s2.json"
run plan "$BASIC" --backend "local:$TMP/sb/s2.json"
expect_rc "dup: local backend: plan exits 1" 1
expect_err "dup: local backend: account.conflict" "error[account.conflict]"

# ---- 3. 207 items are matched by the id they carry, never by position -------------
mkdir -p "$TMP/four"
cat >"$TMP/four/a.yaml" <<'YAML'
version: 1
accounts:
  - name: Four
    client_name: Acme Inc
    identifiers: [cookies]
    segments: ["101", "102", "103", "104"]
YAML
for shape in reorder207 anon207; do
	emu_start "b-$shape" || fail "emulator started"
	# Create the account, then save a plan of the four additions.
	sed 's/segments: .*/segments: []/' "$TMP/four/a.yaml" >"$TMP/four-empty.yaml"
	mkdir -p "$TMP/four0" && cp "$TMP/four-empty.yaml" "$TMP/four0/a.yaml"
	lr apply "$TMP/four0" --auto-approve
	lr plan "$TMP/four" --out "$TMP/four-$shape.plan"
	# LiveRamp now knows only 101 and 102: the others are refused (404).
	admin GET state | jq '.segments = [{"id": "101", "field": {"id": "f", "name": "f", "audienceId": "a"}, "value": "1", "type": "ONBOARDING"},
		{"id": "102", "field": {"id": "f", "name": "f", "audienceId": "a"}, "value": "2", "type": "ONBOARDING"}]' >"$TMP/cat.json"
	admin_state_load "$TMP/cat.json" || fail "$shape: catalog loaded"
	faults "segments_add:$shape"
	lr apply --plan "$TMP/four-$shape.plan" --auto-approve
	expect_rc "$shape: apply exits 1 (two items refused)" 1
	expect_out "$shape: the summary counts what the API holds" "2 applied, 2 failed"
	state_ok "$shape: the API holds 101 and 102" '[.segmentConfigs[].segmentID] | sort == ["101", "102"]'
	if printf '%s\n%s' "$OUT" "$ERR" | grep -E '10[34]' | grep -qiE 'fail|404|not found'; then
		pass "$shape: 103 and 104 are reported failed"
	else
		fail "$shape: 103 and 104 are reported failed"
	fi
	if printf '%s\n%s' "$OUT" "$ERR" | grep -E 'segment 10[12]' | grep -qiE 'fail|not found'; then
		fail "$shape: 101 and 102 are not reported failed"
	else
		pass "$shape: 101 and 102 are not reported failed"
	fi
	emu_stop
done

# ---- 2. lists are walked defensively ----------------------------------------------
emu_start lists || fail "emulator started"
lr apply "$BASIC" --auto-approve
# 100 more accounts (another destination's), so the managers' list has two pages.
admin GET state | jq '.integrationConnections += [range(100) as $i | .integrationConnections[0]
		| .id = "9\($i + 1000)" | .integrationID = ["7777", "7778"]]
	| [range(100) as $i | .distributionManagers[0]
		| .id = "8\($i + 1000)" | .name = "Other \($i)" | .integrationConnectionID = "9\($i + 1000)"] as $others
	| .distributionManagers = $others[0:99] + .distributionManagers + $others[99:]' >"$TMP/lists.json"
# (the account's manager is the last item of the first page: the one repeated)
admin_state_load "$TMP/lists.json" || fail "lists: state of 101 accounts loaded"
faults "list:repeat_items"
lr plan "$BASIC" --detailed-exitcode
expect_rc "repeat_items: an org in sync plans no change" 0
expect_out "repeat_items: No changes" "No changes."
expect_err "repeat_items: a warning names the list" "GET /v2/distribution-managers"
expect_err "repeat_items: the warning says what happened" "listed again on a later page, taken once"
faults "list:cycle_cursor"
curl -s -X DELETE "$URL/_admin/requests" >/dev/null
lr plan "$BASIC"
expect_rc "cycle_cursor: plan exits 1" 1
expect_err "cycle_cursor: the error names the cycle" "a cursor came back that this walk had seen"
expect_err "cycle_cursor: the error names the request" "GET /v2/"
# Bounded work, not time: a period-2 cycle is seen on its third page.
n=$(admin GET requests | jq '[.[] | select(.path == "/v2/distribution-managers")] | length')
[ "$n" -le 3 ] && pass "cycle_cursor: the walk stops at the first cursor seen again ($n pages)" ||
	fail "cycle_cursor: the walk stops at the first cursor seen again" "$n pages of managers"
faults "list:oversize_page"
lr plan "$BASIC"
expect_rc "oversize_page: plan exits 1" 1
expect_err "oversize_page: the error says so" "more than the 100"
admin DELETE faults >/dev/null
emu_stop

emu_start nokey || fail "emulator started"
lr apply "$TMP/four0" --auto-approve
faults "list:no_array_key"
lr plan "$TMP/four0" --detailed-exitcode
expect_rc "no_array_key: an empty list without its array key reads as empty" 0
expect_out "no_array_key: No changes" "No changes."
emu_stop

# ---- 7. bodyless requests, error bodies of both shapes, a gateway's HTML page -------
emu_start errs || fail "emulator started"
lr apply "$BASIC" --auto-approve
mkdir -p "$TMP/prune"
printf 'version: 1\nsettings:\n  prune: true\naccounts: []\n' >"$TMP/prune/a.yaml"
RECONCILER_HTTP_DEBUG=1 lr apply "$TMP/prune" --auto-approve
expect_rc "bodyless: the prune applies" 0
# The headers of each DELETE of a manager or a connection (the trace ends a
# request's headers at its first answer line).
hdrs=$(printf '%s\n' "$ERR" | awk '/^> DELETE \/v2\/(distribution-managers|integration-connections)\/[^\/ ]+ /{on=1; n++} /^< /{on=0} on')
if [ -n "$hdrs" ] && ! printf '%s' "$hdrs" | grep -qi '^> content-type'; then
	pass "bodyless: DELETEs of a manager and a connection carry no Content-Type"
else
	fail "bodyless: DELETEs of a manager and a connection carry no Content-Type" "$hdrs"
fi
faults "list:nested_error:1:1"
lr plan "$BASIC"
expect_rc "nested_error: plan exits 1" 1
expect_err "nested_error: the message is read" "UNPROCESSABLE_ENTITY: injected fault: refused"
expect_err "nested_error: the request id is shown" "request id req-emu-4711"
faults "list:html403"
lr plan "$BASIC"
expect_rc "html403: plan exits 1" 1
expect_err "html403: the status is shown" "answered 403"
expect_err "html403: an HTML page is named as such" "with an HTML page, not the API's JSON"
if printf '%s' "$ERR" | grep -qi "malformed"; then fail "html403: never called malformed"; else pass "html403: never called malformed"; fi
faults "list:malformed:1:1"
LIVERAMP_MAX_RETRIES=0 lr plan "$BASIC"
expect_rc "html200: plan exits 1" 1
expect_err "html200: a 200 with an HTML page is named as such" "HTML page"
admin DELETE faults >/dev/null
emu_stop

# ---- 4. deliveries without segmentID; no per-id lookups against an empty catalog ----
emu_start deliv || fail "emulator started"
lr apply "$BASIC" --auto-approve
lr status "$BASIC" --format json
expect_json "deliveries: each segment has its delivery" '[.accounts[0].segments[] | .last_delivery != null] | all'
cp "$TMP/.out" "$TMP/status-named.json"
faults "deliveries:no_segment_id"
lr status "$BASIC" --format json
expect_json "no_segment_id: each segment still has its delivery" '[.accounts[0].segments[] | .last_delivery != null] | all'
if printf '%s' "$OUT" | jq -e --slurpfile named "$TMP/status-named.json" '[.accounts[0].segments[] | .last_delivery.id] == [$named[0].accounts[0].segments[] | .last_delivery.id]' >/dev/null 2>&1; then
	pass "no_segment_id: each segment is matched to its own delivery"
else
	fail "no_segment_id: each segment is matched to its own delivery"
fi
lr status "$BASIC"
if printf '%s' "$OUT" | grep -q "no delivery reported"; then fail "no_segment_id: never 'no delivery reported'"; else pass "no_segment_id: never 'no delivery reported'"; fi
admin DELETE faults >/dev/null
emu_stop

# An org whose segment catalog is empty (its first page says total 0): an
# in-sync plan of named segments looks none of them up one by one.
emu_start empty || fail "emulator started"
mkdir -p "$TMP/named"
{
	printf 'version: 1\naccounts:\n  - name: Named\n    client_name: Acme Inc\n    identifiers: [cookies]\n    segments:\n'
	for i in $(seq 1 30); do printf '      - {id: "5%03d", name: "Segment %d"}\n' "$i" "$i"; done
} >"$TMP/named/a.yaml"
lr apply "$TMP/named" --auto-approve
expect_rc "empty catalog: apply" 0
curl -s -X DELETE "$URL/_admin/requests" >/dev/null
lr plan "$TMP/named" --detailed-exitcode
expect_rc "empty catalog: in sync" 0
n=$(admin GET requests | jq '[.[] | select(.path | test("^/v2/segments/."))] | length')
[ "$n" = 0 ] && pass "empty catalog: no per-id segment lookups" || fail "empty catalog: no per-id segment lookups" "$n lookups"
emu_stop

# ---- tokens called expired as soon as they are granted ----------------------------
# One update in the run, so every expiry lands on that one request: it may
# drop two tokens (a second expiry while its resend is on its way), and the
# third refusal is final, with a hint that is not about the credentials (a
# token was granted, so they are good).
emu_start expiry || fail "emulator started"
lr apply "$BASIC" --auto-approve
expect_rc "expiry: first apply" 0
for n in two three; do
	mkdir -p "$TMP/expiry-$n"
	sed "s/client_name: .*/client_name: Acme $n/" "$BASIC"/*.yaml >"$TMP/expiry-$n/a.yaml"
done
faults "update:expired_token:1:2"
lr apply "$TMP/expiry-two" --auto-approve
expect_rc "expiry: two expiries on one update are absorbed" 0
faults "update:expired_token:1:3"
lr apply "$TMP/expiry-three" --auto-approve
expect_rc "expiry: a third expiry on one update fails the apply" 1
expect_err "expiry: the API's code is shown" "TOKEN_EXPIRED"
expect_err "expiry: the hint names the clock" "check this machine's clock"
if printf '%s' "$ERR" | grep -q "LIVERAMP_SECRET_KEY"; then
	fail "expiry: the hint is not about the credentials" "$ERR"
else
	pass "expiry: the hint is not about the credentials"
fi
emu_stop

# ---- a token endpoint that cannot be reached ----------------------------------------
# Nothing listens on port 9 of loopback: the connection is refused, so the hint
# is about reaching the endpoint (network, URL, TLS), not about the credentials.
emu_start unreached || fail "emulator started"
LIVERAMP_TOKEN_URL=http://127.0.0.1:9/token LIVERAMP_MAX_RETRIES=1 lr plan "$BASIC"
expect_rc "unreached token endpoint: plan exits 1" 1
expect_err "unreached token endpoint: the error says no token was had" "could not get an access token"
expect_err "unreached token endpoint: the hint is about reaching it" "the token endpoint was not reached"
if printf '%s' "$ERR" | grep -q "LIVERAMP_SECRET_KEY"; then
	fail "unreached token endpoint: the hint is not about the credentials" "$ERR"
else
	pass "unreached token endpoint: the hint is not about the credentials"
fi
emu_stop
