# Boundary inputs, at every limit and one past it, end to end: account
# names of 50 and 51 characters (ASCII and two-byte UTF-8), segment names
# of 250 and 251, segment-config batches of 500 and 501 items, list pages
# of 100 and 101 items (accounts, and segment configs of one manager).
# The limits themselves are data (specs/destinations/kargo.yaml) and the
# API's (limit <= 100, batches <= 500: the emulator refuses more with 400).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

W=$TMP/work
mkdir -p "$W"
cd "$W" || exit 1
rep() { printf "%${2}s" "" | tr ' ' "$1"; }
# utf8_rep CHAR N: CHAR (multi-byte) N times.
utf8_rep() { local i s=""; for ((i = 0; i < $2; i++)); do s="$s$1"; done; printf '%s' "$s"; }

# ---- names: 50 and 51 characters ------------------------------------------------------
one_account() { # DIR NAME [SEGMENT-NAME]
	mkdir -p "$1"
	if [ $# -ge 3 ]; then
		printf 'version: 1\naccounts:\n  - name: "%s"\n    client_name: Acme\n    identifiers: [cookies]\n    segments: [{id: "7000001", name: "%s"}]\n' "$2" "$3" >"$1/c.yaml"
	else
		printf 'version: 1\naccounts:\n  - name: "%s"\n    client_name: Acme\n    identifiers: [cookies]\n' "$2" >"$1/c.yaml"
	fi
}
one_account n50 "$(rep a 50)"
one_account n51 "$(rep a 51)"
one_account u50 "$(utf8_rep é 50)"
one_account u51 "$(utf8_rep é 51)"
for d in n50 u50; do
	run validate "$d"
	expect_rc "boundaries: a $d name (50 characters) validates" 0
done
for d in n51 u51; do
	run validate "$d"
	if [ "$RC" -eq 1 ] && printf '%s' "$ERR" | grep -qF "account.name" && printf '%s' "$ERR" | grep -qF "51 characters"; then
		pass "boundaries: a $d name (51 characters) is refused (account.name, says 51)"
	else
		fail "boundaries: a $d name (51 characters) is refused (account.name, says 51)"
	fi
done

# ---- segment names: 250 and 251 -------------------------------------------------------
one_account s250 "Seg Acct" "$(rep s 250)"
one_account s251 "Seg Acct" "$(rep s 251)"
run validate s250
expect_rc "boundaries: a segment name of 250 characters validates" 0
run validate s251
if [ "$RC" -eq 1 ] && printf '%s' "$ERR" | grep -qF "kargo.segment_name"; then
	pass "boundaries: a segment name of 251 characters is refused (kargo.segment_name)"
else
	fail "boundaries: a segment name of 251 characters is refused (kargo.segment_name)"
fi

# ---- against the emulator: names, batches, pages --------------------------------------
emu_start bounds || fail "boundaries: emulator started"
# A catalog of 501 segments 6000001..6000501.
admin GET state | jq '.segments = [range(1; 502) | {id: "\(6000000 + .)", field: {name: "interest"}, value: "v\(.)", type: "ONBOARDING"}]' >"$W/catalog.json"
admin_state_load "$W/catalog.json" || fail "boundaries: catalog accepted"
empty=$W/catalog.json
# requests CLASS METHOD PATH-PREFIX: how many such requests the log holds.
requests() {
	admin GET requests | jq --arg c "$1" --arg m "$2" --arg p "$3" '[.[] | select(.class == $c and .method == $m and (.path | startswith($p)))] | length'
}
# apply_then_plan NAME DIR: fresh catalog, apply through the emulator, then
# plan must say "No changes." in the same breath.
apply_then_plan() {
	admin_state_load "$empty" || fail "$1: catalog reloaded"
	admin DELETE requests >/dev/null
	run apply "$2" --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
	local rc=$RC err=$ERR
	run plan "$2" --backend liveramp --detailed-exitcode
	if [ "$rc" -eq 0 ] && [ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -qF "No changes."; then
		pass "$1: applied, then No changes."
	else
		fail "$1: applied, then No changes." "apply exit $rc: $(printf '%s' "$err" | head -c 600)"
	fi
}
apply_then_plan "boundaries: an account named with 50 characters" n50
apply_then_plan "boundaries: an account named with 50 two-byte characters" u50
# The API would refuse a 51-character name; the tool refuses it first.
admin DELETE requests >/dev/null
run apply n51 --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
if [ "$RC" -eq 1 ] && [ "$(requests create POST /v2/)" = 0 ]; then
	pass "boundaries: a 51-character name is never sent"
else
	fail "boundaries: a 51-character name is never sent" "creates sent: $(requests create POST /v2/)"
fi

segments_yaml() { # DIR N: one account with segments 6000001..600000N
	mkdir -p "$1"
	{
		printf 'version: 1\naccounts:\n  - name: Batch %s\n    client_name: Acme\n    identifiers: [cookies]\n    segments:\n' "$2"
		seq 6000001 $((6000000 + $2)) | sed 's/.*/      - "&"/'
	} >"$1/c.yaml"
}
for n in 500 501; do
	segments_yaml "b$n" "$n"
	apply_then_plan "boundaries: $n segments" "b$n"
	posts=$(requests segments_add POST /v2/distribution-managers/)
	want=$([ "$n" = 500 ] && echo 1 || echo 2)
	if [ "$posts" = "$want" ]; then pass "boundaries: $n segments go in $want batch(es)"; else fail "boundaries: $n segments go in $want batch(es)" "sent $posts"; fi
	# Their configs are listed in pages of at most 100: 500 in 5, 501 in 6.
	admin DELETE requests >/dev/null
	run plan "b$n" --backend liveramp
	want=$([ "$n" = 500 ] && echo 5 || echo 6)
	sc_pages=$(admin GET requests | jq '[.[] | select(.method == "GET" and (.path | endswith("/segment-configs")))] | length')
	if [ "$sc_pages" = "$want" ]; then pass "boundaries: $n segment configs read in $want pages"; else fail "boundaries: $n segment configs read in $want pages" "pages: $sc_pages"; fi
done

# Pages of accounts: 100 accounts in one page, 101 in two; every one seen
# (plan after apply: No changes.; a lost page would plan a create).
accounts_yaml() { # DIR N
	mkdir -p "$1"
	{
		printf 'version: 1\naccounts:\n'
		seq 1 "$2" | sed 's/.*/  - {name: "Page &", client_name: Acme, identifiers: [cookies]}/'
	} >"$1/c.yaml"
}
for n in 100 101; do
	accounts_yaml "p$n" "$n"
	apply_then_plan "boundaries: $n accounts" "p$n"
	admin DELETE requests >/dev/null
	run plan "p$n" --backend liveramp --format json
	got=$(printf '%s' "$OUT" | jq '.summary.accounts_create' 2>/dev/null)
	ic_pages=$(admin GET requests | jq '[.[] | select(.method == "GET" and .path == "/v2/integration-connections")] | length')
	want=$([ "$n" = 100 ] && echo 1 || echo 2)
	if [ "$got" = 0 ] && [ "$ic_pages" = "$want" ]; then
		pass "boundaries: $n accounts read in $want page(s), none missed"
	else
		fail "boundaries: $n accounts read in $want page(s), none missed" "creates planned: $got, pages: $ic_pages"
	fi
done
emu_stop
true
