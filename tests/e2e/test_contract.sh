# The contract, checked rather than assumed: Stoplight Prism in proxy mode,
# in front of the emulator, validates every request the client sends and
# every answer the emulator gives against the project's own description of
# the Activation API (specs/activation-api.openapi.yaml), over the whole
# loop (validate, plan, apply, update and rename, prune, import, status,
# drift) and the contract-valid fault modes (items of a 207 in reverse
# order or without ids, items repeated across pages, cycling cursors,
# missing array keys, deliveries without segmentID, 5xx and 429). Any
# violation Prism reports, either way, fails the suite.
#
# Prism (npm @stoplight/prism-cli, pinned in ci/install-deps.sh) lives in
# build/tools/prism; without it the suite fails, it does not skip.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

PRISM=${PRISM_BIN:-$ROOT/build/tools/prism/node_modules/.bin/prism}
SPEC=$ROOT/specs/activation-api.openapi.yaml
if [ ! -x "$PRISM" ]; then
	echo "not ok - prism is installed ($PRISM: run sh ci/install-deps.sh, which installs it with npm)"
	exit 1
fi
pass "prism is installed ($("$PRISM" --version 2>/dev/null))"

PRISM_PID=""
stop_prism() {
	[ -n "$PRISM_PID" ] || return 0
	kill "$PRISM_PID" 2>/dev/null
	wait "$PRISM_PID" 2>/dev/null
	PRISM_PID=""
}
trap 'stop_prism; emu_stop_all; rm -rf "$TMP"' EXIT

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

emu_start contract || fail "emulator started"
EMU_URL=$URL
PPORT=$(free_port)
"$PRISM" proxy "$SPEC" "$EMU_URL" --host 127.0.0.1 --port "$PPORT" >"$TMP/prism.log" 2>&1 &
PRISM_PID=$!
# Ready when it answers; the probe is itself a valid request (401: no such token).
up=""
for _ in $(seq 1 300); do
	code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer probe' -H 'LR-Org-ID: test-org' \
		"http://127.0.0.1:$PPORT/v2/destinations?limit=1")
	[ "$code" = 401 ] && up=1 && break
	kill -0 "$PRISM_PID" 2>/dev/null || break
	sleep 0.2
done
if [ -z "$up" ]; then
	echo "not ok - prism proxy started"
	sed 's/^/#   /' "$TMP/prism.log" | head -20
	exit 1
fi
pass "prism proxy started in front of the emulator"
# The API through Prism (no base path: Prism matches the spec's paths);
# the token endpoint is not part of the API's contract: straight to the emulator.
export LIVERAMP_API_URL=http://127.0.0.1:$PPORT
export LIVERAMP_TOKEN_URL=$EMU_URL/authn/v1/oauth2/token

lr() {
	local extra=()
	[ "$1" = apply ] && extra=(--audit-log "$TMP/audit.jsonl")
	run "$@" "${extra[@]}" --backend liveramp
}
faults() {
	local list
	list=$(printf '%s\n' "$@" | jq -R . | jq -cs .)
	curl -s -o /dev/null -X POST --data-binary "{\"faults\": $list}" "$EMU_URL/_admin/faults"
}
violations() { grep -c 'Violation:' "$TMP/prism.log"; }
# step NAME: no new violation since the last step.
seen=0
step() {
	local now
	now=$(violations)
	if [ "$now" = "$seen" ]; then
		pass "contract: $1"
	else
		fail "contract: $1" "$(grep 'Violation:' "$TMP/prism.log" | tail -n +$((seen + 1)) | head -5)"
	fi
	seen=$now
}
seen=$(violations)

mkdir -p "$TMP/ex"
cp -r examples/basic examples/ctv "$TMP/ex/"
BASIC=$TMP/ex/basic
CTV=$TMP/ex/ctv

run validate "$BASIC"
expect_rc "validate" 0
lr plan "$BASIC" "$CTV"
expect_rc "plan" 0
step "plan"
lr apply "$BASIC" "$CTV" --auto-approve
expect_rc "apply" 0
step "apply"
lr plan "$BASIC" "$CTV" --detailed-exitcode
expect_rc "plan after apply: in sync" 0
step "plan in sync"

mkdir -p "$TMP/update"
cat >"$TMP/update/acme.yaml" <<'YAML'
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
YAML
cp "$CTV"/*.yaml "$TMP/update/"
lr plan "$TMP/update" --out "$TMP/update.plan"
expect_rc "update: plan --out" 0
lr apply --plan "$TMP/update.plan" --auto-approve
expect_rc "update and rename: apply --plan" 0
step "update, rename, segment removals and additions"

lr status "$TMP/update"
[ "$RC" -le 2 ] && pass "status runs" || fail "status runs"
step "status"
lr drift "$TMP/update"
[ "$RC" -le 2 ] && pass "drift runs" || fail "drift runs"
step "drift"
lr import --out "$TMP/imported"
expect_rc "import" 0
step "import"

# Contract-valid surprises: each must pass the contract both ways.
for f in segments_add:reorder207 segments_add:anon207 list:repeat_items list:no_array_key \
	deliveries:no_segment_id segments_add:partial207:1:1 list:503:0.3 list:429:0.2; do
	faults "$f"
	mkdir -p "$TMP/f-$f"
	sed "s/Acme Kargo USA/Fault ${f%%:*}/; /previous_names/d" "$TMP/update/acme.yaml" >"$TMP/f-$f/acme.yaml"
	lr apply "$TMP/f-$f" --auto-approve
	lr status "$TMP/f-$f"
	step "fault $f"
done
faults "list:cycle_cursor"
lr plan "$TMP/update"
expect_rc "cycle_cursor: plan stops with an error" 1
step "fault list:cycle_cursor"
curl -s -o /dev/null -X DELETE "$EMU_URL/_admin/faults"

# Prune: every account deleted (bodyless DELETEs of managers and connections).
mkdir -p "$TMP/prune"
printf 'version: 1\nsettings:\n  prune: true\naccounts: []\n' >"$TMP/prune/a.yaml"
lr apply "$TMP/prune" --auto-approve --max-deletes 100
expect_rc "prune: apply" 0
step "prune"

# The proxy does see violations, both ways: a request without LR-Org-ID,
# and an error answer in another shape than the contract's.
before=$(violations)
curl -s -o /dev/null -H 'Authorization: Bearer probe' "http://127.0.0.1:$PPORT/v2/destinations"
token=$(curl -s -d "grant_type=password&username=test-account&password=$SECRET&scope=openid&client_id=liveramp-api&response_type=token" \
	"$LIVERAMP_TOKEN_URL" | jq -r .access_token)
faults "list:nested_error:1:1"
curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'LR-Org-ID: test-org' "http://127.0.0.1:$PPORT/v2/segments"
sleep 1
self=$(($(violations) - before))
grep 'Violation:' "$TMP/prism.log" | tail -n +$((before + 1)) | grep -q 'request' && grep 'Violation:' "$TMP/prism.log" | tail -n +$((before + 1)) | grep -q 'response' &&
	pass "self-check: prism reports a request and a response violation" ||
	fail "self-check: prism reports a request and a response violation" "$(tail -5 "$TMP/prism.log")"

stop_prism
n=$(grep -c 'Request received' "$TMP/prism.log")
[ "$n" -gt 50 ] && pass "requests went through prism ($n)" || fail "requests went through prism ($n)"
total=$(($(violations) - self))
if [ "$total" = 0 ]; then
	pass "prism reports 0 violations over the whole loop"
else
	fail "prism reports 0 violations over the whole loop" "$total violations" \
		"$(grep 'Violation:' "$TMP/prism.log" | sed 's/^.*Violation: //' | sort | uniq -c | sort -rn | head -10)"
fi
