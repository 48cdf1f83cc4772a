# Exactly once: for every write class, a refused request (400, 404, 409,
# 422) is sent exactly once, never retried, and apply stops with exit 1 and
# the hint for that refusal; a retryable failure (500, 503, 429, a reset
# connection) is retried within the budget (LIVERAMP_MAX_RETRIES), and a
# run whose failures end within the budget converges in that ONE run
# ("No changes." right after it). Counts come from the emulator's request
# log: the most requests of one write (same method and path) in the class.
# The spread of the waits (full jitter) is pinned by test_http's backoff
# tests; here, a 503 or 429 waits at least its Retry-After between sends
# (a lower bound only: a loaded machine makes the gaps longer, never
# shorter).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

WRITES="create update delete segments_add segments_remove"

W=$TMP/work
mkdir -p "$W/before" "$W/after"
cd "$W" || exit 1
# One account per write class: New One is created, Update Me updated,
# Delete Me deleted (prune), Grow Me gains segments, Trim Me loses some.
cat >before/c.yaml <<'EOF'
version: 1
accounts:
  - {name: Update Me, client_name: Old Co, identifiers: [cookies], segments: ["5000001"]}
  - {name: Delete Me, client_name: Gone Co, identifiers: [cookies], segments: ["5000001"]}
  - {name: Trim Me, client_name: Trim Co, identifiers: [cookies], segments: ["5000001", "5000002", "5000003"]}
  - {name: Grow Me, client_name: Grow Co, identifiers: [cookies], segments: ["5000001"]}
EOF
cat >after/c.yaml <<'EOF'
version: 1
settings: {prune: true}
accounts:
  - {name: Update Me, client_name: New Co, identifiers: [cookies, ramp_ids], segments: ["5000001"]}
  - {name: Trim Me, client_name: Trim Co, identifiers: [cookies], segments: ["5000001"]}
  - {name: Grow Me, client_name: Grow Co, identifiers: [cookies], segments: ["5000001", "5000002", "5000003"]}
  - {name: New One, client_name: New Co, identifiers: [cookies]}
EOF
run apply before --auto-approve --backend "local:$W/seed0.json" --audit-log "$W/seed.audit"
jq '.segments = [range(1; 4) | {id: "500000\(.)", field: {name: "interest"}, value: "v\(.)", type: "ONBOARDING"}]' \
	"$W/seed0.json" >"$W/seed.json" 2>/dev/null
if [ "$RC" -eq 0 ] && [ -s "$W/seed.json" ]; then pass "exactly once: seed state built"; else fail "exactly once: seed state built"; fi

emu_start once || fail "exactly once: emulator started"
export LIVERAMP_TIMEOUT=5

# arm SPEC...: a fresh seed, an empty log, the faults set.
arm() {
	admin DELETE faults >/dev/null
	admin_state_load "$W/seed.json" || fail "exactly once: seed state accepted"
	admin DELETE requests >/dev/null
	admin POST faults "$(printf '%s\n' "$@" | jq -Rsc 'split("\n") | map(select(. != "")) | {faults: .}')" >/dev/null
}
# sends CLASS: the most requests of one write (method + path) of CLASS.
sends() {
	admin GET requests | jq --arg c "$1" '[.[] | select(.class == $c)] | group_by(.method + " " + .path) | map(length) | max // 0'
}
# converges_now: plan right after says "No changes." (faults off).
converges_now() {
	admin DELETE faults >/dev/null
	run plan after --backend liveramp --detailed-exitcode
	[ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -qF "No changes."
}

# The hint each refusal must carry (http/engine.c's reports).
hint_for() {
	case "$1" in
	404) echo "observe again (reconciler plan)" ;;
	*) echo "the API refused the request; fix the value it names and run again" ;;
	esac
}

# ---- refusals: sent once, never retried ---------------------------------------------
for cls in $WRITES; do
	for kind in 400 404 409 422; do
		name="exactly once: $cls refused with $kind"
		arm "$cls:$kind"
		LIVERAMP_MAX_RETRIES=3 run apply after --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
		n=$(sends "$cls")
		hint=$(hint_for "$kind")
		if crashed; then fail "$name: no crash"
		elif [ "$RC" -ne 1 ]; then fail "$name: exit 1" "sent $n times"
		elif [ "$n" != 1 ]; then fail "$name: sent exactly once" "sent $n times"
		elif ! printf '%s' "$ERR" | grep -qF "answered $kind"; then fail "$name: the error names the status"
		elif ! printf '%s' "$ERR" | grep -qF "$hint"; then fail "$name: the hint" "wanted: $hint"
		elif printf '%s' "$ERR" | grep -qE "$SECRET|Bearer"; then fail "$name: no secret in the report"
		else pass "$name: exit 1, sent once, the hint says what to do"
		fi
	done
done

# Refused items of a 207 (the other half applied): the batch is not sent
# again for them, and the refusal is reported.
for cls in segments_add segments_remove; do
	name="exactly once: $cls items refused with 409 in a 207"
	arm "$cls:partial409"
	LIVERAMP_MAX_RETRIES=3 run apply after --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
	n=$(sends "$cls")
	if crashed || [ "$RC" -ne 1 ]; then fail "$name: exit 1" "sent $n times"
	elif [ "$n" != 1 ]; then fail "$name: the batch sent exactly once" "sent $n times"
	elif ! printf '%s' "$ERR$OUT" | grep -q "409"; then fail "$name: the refusal is reported"
	else pass "$name: exit 1, the batch sent once, the refusal reported"
	fi
done

# ---- retryable: retried within the budget ----------------------------------------------
# hint_exhausted KIND: what a write that ran out of retries says.
hint_exhausted() {
	case "$1" in
	429) echo "LiveRamp is throttling this account; run again later" ;;
	*) echo "run the command again later: it observes first, so nothing is done twice" ;;
	esac
}
for cls in $WRITES; do
	for kind in 500 503 429 reset; do
		# Two failures, then the write goes through: one run converges.
		name="exactly once: $cls × $kind twice, budget 3"
		arm "$cls:$kind:1:2"
		LIVERAMP_MAX_RETRIES=3 run apply after --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
		first=$RC
		n=$(sends "$cls")
		if crashed || [ "$first" -ne 0 ]; then fail "$name: ONE apply exits 0" "sent $n times"
		elif ! converges_now; then fail "$name: plan right after says No changes."
		elif [ "$n" != 3 ]; then fail "$name: sent 3 times (2 failures, 1 success)" "sent $n times"
		else pass "$name: one run converges, sent 3 times"
		fi
		# A failure that never lets up: 1 + LIVERAMP_MAX_RETRIES sends, no more.
		name="exactly once: $cls × $kind always, budget 2"
		arm "$cls:$kind"
		LIVERAMP_MAX_RETRIES=2 run apply after --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
		n=$(sends "$cls")
		hint=$(hint_exhausted "$kind")
		if crashed || [ "$RC" -ne 1 ]; then fail "$name: exit 1" "sent $n times"
		elif [ "$n" != 3 ]; then fail "$name: sent 1 + 2 retries" "sent $n times"
		elif ! printf '%s' "$ERR" | grep -qF "$hint"; then fail "$name: the hint" "wanted: $hint"
		else pass "$name: exit 1 after 1 + 2 sends, the hint says what to do"
		fi
	done
done

# ---- Retry-After is honoured between sends -------------------------------------------
# The log's times are whole seconds: sends at least 1 s apart always fall
# in different seconds, so 3 sends with 2 waits span 3 distinct seconds.
for kind in 503 429; do
	name="exactly once: segments_add × $kind twice waits Retry-After (1 s) between sends"
	arm "segments_add:$kind:1:2"
	LIVERAMP_MAX_RETRIES=3 run apply after --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
	secs=$(admin GET requests | jq '[.[] | select(.class == "segments_add") | .time] | unique | length')
	if [ "$RC" -eq 0 ] && [ "${secs:-0}" -ge 3 ]; then pass "$name"; else fail "$name" "distinct seconds: $secs"; fi
done

# ---- the token endpoint refusing, and errors that echo secrets -------------------------
arm "token:400"
LIVERAMP_MAX_RETRIES=3 run apply after --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
n=$(admin GET requests | jq '[.[] | select(.class == "token")] | length')
if [ "$RC" -eq 1 ] && [ "$n" = 1 ] && printf '%s' "$ERR" | grep -qF "LIVERAMP_SECRET_KEY"; then
	pass "exactly once: a token request refused with 400 is sent once, the hint names the credentials"
else
	fail "exactly once: a token request refused with 400 is sent once, the hint names the credentials" "sent $n times"
fi
# An API error that echoes the request: the token endpoint's holds the
# secret key (the form body), a write's holds the bearer token.
for cls in token update segments_add; do
	name="exactly once: an error echoing the $cls request is scrubbed"
	arm "$cls:echo"
	LIVERAMP_MAX_RETRIES=1 run apply after --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
	all="$OUT$ERR$(cat "$W/audit.jsonl")"
	# The debug trace shows the echoing body too: scrubbed there as well.
	arm "$cls:echo"
	LIVERAMP_MAX_RETRIES=1 RECONCILER_HTTP_DEBUG=1 run apply after --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
	all="$all$OUT$ERR"
	if [ "$RC" -ne 1 ] || ! printf '%s' "$ERR" | grep -qF "echo: ..."; then
		fail "$name: the echo reached the report"
	elif printf '%s' "$all" | grep -qF "$SECRET"; then
		fail "$name: no secret key" "$(printf '%s' "$all" | grep -F "$SECRET" | head -3)"
	elif printf '%s' "$all" | grep -qE 'Bearer [A-Za-z0-9_-]{8}'; then
		fail "$name: no token" "$(printf '%s' "$all" | grep -E 'Bearer [A-Za-z0-9_-]{8}' | head -3)"
	else
		pass "$name"
	fi
done

emu_stop

# ---- a failure no retry can mend is not retried -----------------------------------------
# A self-signed certificate: one connection, however large the budget
# (the debug trace shows curl's "Trying" once per connection).
if command -v openssl >/dev/null 2>&1; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/tls.key" -out "$TMP/tls.crt" -days 2 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
	openssl s_server -accept 127.0.0.1:0 -cert "$TMP/tls.crt" -key "$TMP/tls.key" -www \
		>"$TMP/tls.out" 2>&1 </dev/null &
	echo $! >>"$TMP/.emulator-pids"
	for _ in $(seq 1 100); do grep -q '^ACCEPT' "$TMP/tls.out" && break; sleep 0.05; done
	TLS_PORT=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$TMP/tls.out")
	LIVERAMP_API_URL=https://127.0.0.1:$TLS_PORT LIVERAMP_TOKEN_URL=https://127.0.0.1:$TLS_PORT/token \
		LIVERAMP_MAX_RETRIES=3 RECONCILER_HTTP_DEBUG=1 run plan after --backend liveramp
	n=$(printf '%s' "$ERR" | grep -c '^\* *Trying ')
	if [ "$RC" -eq 1 ] && [ "$n" = 1 ]; then
		pass "exactly once: a certificate failure is not retried (one connection)"
	else
		fail "exactly once: a certificate failure is not retried (one connection)" "connections: $n"
	fi
else
	fail "exactly once: openssl is installed (for the TLS check)"
fi
true
