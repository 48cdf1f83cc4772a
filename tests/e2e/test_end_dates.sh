# End dates, trimmed names and renames of ended accounts, end to end: the
# cases a randomized model of the loop found (tests/model), each on the local
# sandbox and through the API emulator.
#
#  - an account that ended can still be changed: a client-name or identifier
#    change writes the connection only, and the plan converges;
#  - a rename of an ended account that keeps its end date goes through (the
#    renamed account's date counts), and one that would reactivate it is
#    refused (account.ended);
#  - a past expire_at warns in validate; plan and apply refuse it only where
#    they would set it (a saved plan too, once the clock has passed it);
#  - a name with blanks around it is read trimmed (a warning at its place):
#    a name of 50 characters once trimmed is created, updated and renamed to.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

mkdir -p "$TMP/c"
cd "$TMP" || exit 1
HOOLI="Hooli Programmatic Seat Europe Middle East Africa!" # 50 characters

config() { # YAML body of the one account, on stdin
	{
		printf 'version: 1\naccounts:\n'
		cat
	} >"$TMP/c/a.yaml"
}

# steps BACKEND-LABEL ARGS...: the whole story against one backend.
steps() {
	local label=$1
	shift
	export RECONCILER_NOW=2027-03-01
	restart_clock "$@"
	config <<'EOF'
  - name: Acme Web
    client_name: Acme
    identifiers: [cookies]
    expire_at: 2027-03-05
    segments: ["1001"]
EOF
	run apply c "$@" --auto-approve
	expect_rc "$label: applied before the end date" 0

	# The clock passes the end date: LiveRamp turned the account inactive.
	export RECONCILER_NOW=2027-03-10
	restart_clock "$@"
	config <<'EOF'
  - name: Acme Web
    client_name: Globex
    identifiers: [cookies, ramp_ids]
    status: inactive
    expire_at: 2027-03-05
    segments: ["1001"]
EOF
	run validate c
	expect_rc "$label: validate passes with a past end date" 0
	expect_err "$label: validate warns about the past end date" "c/a.yaml:7:16: warning[account.expire_at]: expire_at 2027-03-05 of account 'Acme Web' has passed"
	run plan c "$@" --detailed-exitcode
	expect_rc "$label: ended account, new client name and identifiers: plan exits 2" 2
	expect_no_out "$label: the manager is not in the plan" "status"
	[ -n "$REQUESTS" ] && admin DELETE requests >/dev/null
	run apply c "$@" --auto-approve
	expect_rc "$label: the change of an ended account applies" 0
	if [ -n "$REQUESTS" ]; then
		n=$(admin GET requests | jq '[.[] | select(.method == "PUT" and (.path | startswith("/v2/distribution-managers")))] | length')
		[ "$n" = 0 ] && pass "$label: no manager write that the plan does not need" ||
			fail "$label: no manager write that the plan does not need" "$n PUTs of a manager"
	fi
	run plan c "$@" --detailed-exitcode
	expect_rc "$label: and the plan converges" 0
	state_is "$label: the connection changed, the manager kept its end date" \
		'(.integrationConnections[0].properties[0].propertyValue == "Globex") and ((.integrationConnections[0].deviceTypes | sort) == ["RAMP_ID", "WEB"]) and .distributionManagers[0].status == "INACTIVE" and .distributionManagers[0].expireAt == "2027-03-05"'
	local id
	id=$(state_get '.distributionManagers[0].id')

	# A rename that keeps the end date the renamed account has.
	config <<'EOF'
  - name: Acme Retail
    previous_names: [Acme Web]
    client_name: Globex
    identifiers: [cookies, ramp_ids]
    status: inactive
    expire_at: 2027-03-05
    segments: ["1001"]
EOF
	run plan c "$@" --detailed-exitcode
	expect_rc "$label: rename of an ended account keeping its end date: plan exits 2" 2
	expect_out "$label: the plan is the rename" '~ account "Acme Web" → "Acme Retail" (rename)'
	run apply c "$@" --auto-approve
	expect_rc "$label: the rename applies" 0
	run plan c "$@" --detailed-exitcode
	expect_rc "$label: and converges" 0
	state_is "$label: renamed in place, still ended" \
		"(.distributionManagers | length) == 1 and .distributionManagers[0].id == $id and .distributionManagers[0].name == \"Acme Retail\" and .distributionManagers[0].expireAt == \"2027-03-05\""

	# A rename never reactivates an ended account.
	sed -i 's/status: inactive/status: active/; s/name: Acme Retail/name: Acme Shop/; s/\[Acme Web\]/[Acme Retail]/' c/a.yaml
	run plan c "$@" --detailed-exitcode --format json
	expect_rc "$label: a rename that would reactivate: nothing to execute (exit 0)" 0
	expect_json "$label: it is refused as account.ended" \
		'[.changes[] | select(.action == "rename")] | length == 1 and .[0].refused == true and .[0].rule == "account.ended"'

	# Setting a past date is refused by plan, and by apply of a saved plan
	# once the clock has passed the date it sets.
	sed -i 's/status: active/status: inactive/; s/2027-03-05/2027-03-08/' c/a.yaml
	run plan c "$@"
	expect_rc "$label: a past end date the plan would set: plan exits 1" 1
	expect_err "$label: at the declaration, saying it would be set" "c/a.yaml:8:16: error[account.expire_at]: the plan would set expire_at 2027-03-08"
	sed -i 's/2027-03-08/2027-03-12/' c/a.yaml
	run plan c "$@" --out "$TMP/saved.plan"
	expect_rc "$label: a date ahead: plan --out exits 0" 0
	export RECONCILER_NOW=2027-03-13
	restart_clock "$@"
	local before
	before=$(state_get '.distributionManagers')
	run apply --plan "$TMP/saved.plan" "$@"
	expect_rc "$label: the saved plan, once its date has passed: apply exits 1" 1
	expect_err "$label: apply says why" "error[account.expire_at]: the plan would set expire_at 2027-03-12"
	[ "$(state_get '.distributionManagers')" = "$before" ] && pass "$label: and sends nothing" ||
		fail "$label: and sends nothing"

	# Names: blanks around a 50-character name are trimmed where it is read.
	export RECONCILER_NOW=2027-03-13
	config <<EOF
  - name: "  $HOOLI "
    client_name: Hooli
    identifiers: [cookies]
EOF
	run validate c
	expect_rc "$label: a name of 50 characters once trimmed is valid" 0
	expect_err "$label: the trim is a warning at the name" "c/a.yaml:3:11: warning[account.name]: account name \"  $HOOLI \" has blanks around it: it is read as \"$HOOLI\""
	run apply c "$@" --auto-approve
	expect_rc "$label: it is created" 0
	run plan c "$@" --detailed-exitcode
	expect_rc "$label: and converges" 0
	state_is "$label: the name sent is the trimmed one" "[.distributionManagers[].name] | index(\"$HOOLI\") != null"
	config <<EOF
  - name: " $HOOLI  "
    client_name: Hooli Inc
    identifiers: [cookies]
EOF
	run apply c "$@" --auto-approve
	expect_rc "$label: updated under its trimmed name" 0
	config <<EOF
  - name: "   Hooli Programmatic Seat Europe Middle East Africa? "
    previous_names: ["  $HOOLI "]
    client_name: Hooli Inc
    identifiers: [cookies]
EOF
	run apply c "$@" --auto-approve
	expect_rc "$label: renamed to another 50-character name with blanks" 0
	run plan c "$@" --detailed-exitcode
	expect_rc "$label: and converges" 0
	unset RECONCILER_NOW
}

# ---- the local sandbox -------------------------------------------------------------------
SB="$TMP/sandbox.json"
REQUESTS=""
restart_clock() { :; }
state_is() { jq -e "$2" "$SB" >/dev/null && pass "$1" || fail "$1" "jq filter false: $2"; }
state_get() { jq -c "$1" "$SB"; }
steps local "--backend=local:$SB"

# ---- the API emulator ----------------------------------------------------------------------
# Its clock is read when it starts: restarting it on the same state moves it.
REQUESTS=1
restart_clock() {
	[ -n "${EMU_PID:-}" ] && emu_stop
	emu_start end || echo "not ok - the emulator starts"
}
state_is() { admin GET state | jq -e "$2" >/dev/null && pass "$1" || fail "$1" "jq filter false: $2"; }
state_get() { admin GET state | jq -c "$1"; }
steps liveramp --backend liveramp

# The emulator accepts a PUT that carries a manager's unchanged past end
# date, and still refuses to set one.
dm=$(state_get '[.distributionManagers[] | select(.name == "Acme Retail")][0].id' | tr -d '"')
tok=$(curl -s -X POST -d "grant_type=password&username=test-account&password=$SECRET&scope=openid&client_id=liveramp-api&response_type=token" \
	"$LIVERAMP_TOKEN_URL" | jq -r .access_token)
put() {
	curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: Bearer $tok" -H "LR-Org-ID: test-org" \
		-H 'Content-Type: application/json' --data-binary "$1" "$URL/v2/distribution-managers/$dm"
}
code=$(put '{"name": "Acme Retail", "status": "INACTIVE", "expireAt": "2027-03-05"}')
[ "$code" = 200 ] && pass "emulator: a PUT keeping the past end date is accepted" ||
	fail "emulator: a PUT keeping the past end date is accepted" "HTTP $code"
code=$(put '{"name": "Acme Retail", "status": "INACTIVE", "expireAt": "2027-03-06"}')
[ "$code" = 422 ] && pass "emulator: a PUT setting another past end date is 422 (a validation failure, as the contract lists)" ||
	fail "emulator: a PUT setting another past end date is 422 (a validation failure, as the contract lists)" "HTTP $code"
