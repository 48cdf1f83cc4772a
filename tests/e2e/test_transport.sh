# Transport limits and secrets echoed back, against the emulator: an API or
# a token endpoint that quotes the request in its error (the Authorization
# header, the password grant's form body, a secret with characters that
# percent-encoding changes) shows no part of any secret anywhere, with and
# without RECONCILER_HTTP_DEBUG, in diagnostics, plan files and the audit
# log; redirects (to another host, to another scheme) are not followed and
# the error names the Location; an answer over 64 MiB is an error naming
# the cap; a stalled or endless answer is retried as a transport failure,
# then reported.
SECRET='CANARY secret&key=1'
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

SEED=777
emu_start tokens --seed "$SEED" || fail "transport: emulator started"
enc=$(jq -rn --arg s "$SECRET" '$s|@uri')
for _ in $(seq 1 20); do
	curl -s -d "grant_type=password&username=test-account&password=$enc&scope=openid&client_id=liveramp-api&response_type=token" \
		"$URL/authn/v1/oauth2/token" | jq -r .access_token
done >"$TMP/tokens"
emu_stop
if [ "$(grep -cE '^[0-9a-f]{64}$' "$TMP/tokens")" -eq 20 ]; then pass "transport: the tokens to come are known"; else fail "transport: the tokens to come are known" "$(head -2 "$TMP/tokens")"; fi
cut -c1-8 "$TMP/tokens" >"$TMP/token-starts"

emu_start main --seed "$SEED" --timeout-s 3 || fail "transport: emulator started"
mkdir -p "$TMP/w" && cd "$TMP/w" || exit 1
cp "$ROOT/examples/basic/acme.yaml" .
ALL=$TMP/all-output
: >"$ALL"
keep() { printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL"; }

# ---- secrets echoed back ---------------------------------------------------------------
for debug in 0 1; do
	if [ "$debug" = 1 ]; then export RECONCILER_HTTP_DEBUG=1; else unset RECONCILER_HTTP_DEBUG; fi
	admin POST faults '{"faults": ["token:echo:1:1"]}' >/dev/null
	run plan acme.yaml --backend liveramp
	keep
	expect_rc "echo (debug=$debug): a token endpoint echoing the request: exit 1" 1
	expect_err "echo (debug=$debug): the password value is shown as ***" "password=***"
	admin POST faults '{"faults": ["list:echo:1:1"]}' >/dev/null
	run plan acme.yaml --backend liveramp
	keep
	expect_rc "echo (debug=$debug): an API error echoing Authorization: exit 1" 1
	expect_err "echo (debug=$debug): the Authorization value is a fixed Bearer ***" "Authorization: Bearer ***"
	admin POST faults '{"faults": ["segments_add:echo:1:1"]}' >/dev/null
	run apply acme.yaml --backend liveramp --auto-approve --audit-log "$TMP/audit.jsonl"
	keep
	cat "$TMP/audit.jsonl" >>"$ALL" 2>/dev/null
	expect_rc "echo (debug=$debug): a write answered with an echo: apply exits 1" 1
	run plan acme.yaml --backend liveramp --out "$TMP/plan.json"
	keep
	cat "$TMP/plan.json" >>"$ALL" 2>/dev/null
done
unset RECONCILER_HTTP_DEBUG
if grep -qF -e "CANARY" "$ALL"; then fail "echo: no form of the secret key appears (plain, percent-encoded, cut)" "$(grep -hF CANARY "$ALL" | head -3 | cut -c1-300)"; else pass "echo: no form of the secret key appears (plain, percent-encoded, cut)"; fi
if grep -qF -f "$TMP/token-starts" "$ALL"; then fail "echo: no start of any access token appears (8 characters)" "$(grep -hoF -f "$TMP/token-starts" "$ALL" | head -3)"; else pass "echo: no start of any access token appears (8 characters)"; fi
if grep -qE 'Bearer [0-9a-f]' "$ALL"; then fail "echo: no Bearer value appears" "$(grep -hoE 'Bearer [0-9a-f]{1,20}' "$ALL" | head -3)"; else pass "echo: no Bearer value appears"; fi
admin POST faults '{"faults": []}' >/dev/null

# ---- redirects -------------------------------------------------------------------------------
admin POST faults '{"faults": ["list:redirect"]}' >/dev/null
run plan acme.yaml --backend liveramp
expect_rc "redirect: a 302 to another host is an error (exit 1)" 1
expect_err "redirect: the error names the Location" "not followed: Location http://127.0.0.2:9/v2/elsewhere"
admin POST faults '{"faults": ["token:redirect_scheme:1:1"]}' >/dev/null
run plan acme.yaml --backend liveramp
expect_rc "redirect: a token endpoint redirecting to file: is an error (exit 1)" 1
expect_err "redirect: the token error names the Location" "not followed: Location file:///etc/passwd"
if printf '%s' "$ERR" | grep -q "root:"; then fail "redirect: the file: target was not read"; else pass "redirect: the file: target was not read"; fi

# ---- a huge answer ------------------------------------------------------------------------------
admin POST faults '{"faults": ["list:huge:1:1"]}' >/dev/null
run plan acme.yaml --backend liveramp
expect_rc "huge: an answer over the cap is an error (exit 1)" 1
expect_err "huge: the error names the cap" "the answer is larger than 64 MiB (the limit): cut off"

# ---- stalled and endless answers ---------------------------------------------------------------
export LIVERAMP_TIMEOUT=1 LIVERAMP_MAX_RETRIES=1
admin POST faults '{"faults": ["list:slow:1:1"]}' >/dev/null
run plan acme.yaml --backend liveramp --detailed-exitcode
expect_rc "slow: an endless answer is cut at the timeout, retried, and the retry succeeds" 2
admin POST faults '{"faults": ["list:slow"]}' >/dev/null
run plan acme.yaml --backend liveramp
expect_rc "slow: an answer that never ends, every time: exit 1" 1
expect_err "slow: reported as a timeout after the retries" "after 2 attempts"
admin POST faults '{"faults": ["list:timeout"]}' >/dev/null
run plan acme.yaml --backend liveramp
expect_rc "stall: no byte before the timeout, every time: exit 1" 1
expect_err "stall: reported as a timeout after the retries" "after 2 attempts"
admin POST faults '{"faults": []}' >/dev/null
unset LIVERAMP_TIMEOUT LIVERAMP_MAX_RETRIES
run plan acme.yaml --backend liveramp --detailed-exitcode
expect_rc "transport: with the faults gone, plan works (exit 2: changes)" 2
