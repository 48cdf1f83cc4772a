# Fleets through the real backend (the Activation API emulator): per-org
# credentials from LIVERAMP_CREDENTIALS_DIR (NAME.json or ORG_ID.json, mode
# 0600), each org's own LR-Org-ID, the single-org fallback, and no secret
# in any output. Each org here has its own emulator (its own org id,
# account and secret), so an org run with another's credentials or org id
# is refused by the API.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

F="$TMP/fleet"
CREDS="$TMP/creds"
expect_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$3', got '$2'"; fi; }
no_secret() {
	if printf '%s%s' "$OUT" "$ERR" | grep -qF -- "$SECRET"; then fail "$1" "a secret in the output"; else pass "$1"; fi
}

for o in acme globex initech; do
	mkdir -p "$F/$o"
	printf 'version: 1\nsettings: {org_id: org-%s}\naccounts:\n  - name: %s Kargo\n    client_name: %s Inc\n    identifiers: [cookies]\n' \
		"$o" "$o" "$o" >"$F/$o/a.yaml"
done
mkdir -p "$CREDS"
chmod 700 "$CREDS"
printf '{"account_id": "acct-acme", "secret_key": "%s-acme"}\n' "$SECRET" >"$CREDS/acme.json"
printf '{"account_id": "acct-globex", "secret_key": "%s-globex"}\n' "$SECRET" >"$CREDS/org-globex.json"
chmod 600 "$CREDS"/*.json

# start_org NAME: the org's own emulator; leaves only the URLs exported.
start_org() {
	emu_start "$1" --org "org-$1" --account-id "acct-$1" --secret-key "$SECRET-$1"
	unset LIVERAMP_ORG_ID LIVERAMP_ACCOUNT_ID LIVERAMP_SECRET_KEY
}

export LIVERAMP_CREDENTIALS_DIR=$CREDS
start_org acme
run plan --fleet "$F" --org acme --backend liveramp --detailed-exitcode
expect_rc "an org's credentials by NAME.json: the plan runs (changes, exit 2)" 2
expect_out "the org is planned through the API" "+ account \"acme Kargo\""
no_secret "no secret in a fleet plan's output"
run apply --fleet "$F" --org acme --backend liveramp --auto-approve
expect_rc "apply --fleet through the API exits 0" 0
run plan --fleet "$F" --org acme --backend liveramp --detailed-exitcode
expect_rc "re-plan through the API: no changes" 0
expect_eq "the emulator holds the org's account" "$(admin GET state | jq -r '[.distributionManagers[].name] | join(",")')" "acme Kargo"
chmod 644 "$CREDS/acme.json"
run plan --fleet "$F" --org acme --backend liveramp
expect_rc "a credentials file others can read is refused" 1
expect_err "the refusal says what to do" "chmod 600"
chmod 600 "$CREDS/acme.json"
emu_stop

start_org globex
run apply --fleet "$F" --org globex --backend liveramp --auto-approve
expect_rc "an org's credentials by ORG_ID.json" 0
expect_eq "globex's account is in globex's org only" "$(admin GET state | jq -r '[.distributionManagers[].name] | join(",")')" "globex Kargo"
# acme's credentials against globex's org: the API refuses them.
cp "$CREDS/acme.json" "$CREDS/globex.json"
chmod 600 "$CREDS/globex.json"
run plan --fleet "$F" --org globex --backend liveramp
expect_rc "NAME.json comes before ORG_ID.json (here: the wrong account, refused)" 1
rm "$CREDS/globex.json"
no_secret "no secret when the API refuses the credentials"
emu_stop

start_org initech
run plan --fleet "$F" --org initech --backend liveramp
expect_rc "an org without a credentials file fails" 1
expect_err "and says where they go" "no credentials for org 'initech' in LIVERAMP_CREDENTIALS_DIR"
expect_eq "nothing was sent for it" "$(admin GET requests | jq 'length')" 0
run plan --fleet "$F" --backend liveramp
expect_rc "a fleet with one org lacking credentials exits 1" 1
expect_out "the other orgs still run (here against the wrong emulator: failed on their own)" "Fleet: 3 orgs, 3 failed"

unset LIVERAMP_CREDENTIALS_DIR
run plan --fleet "$F" --backend liveramp
expect_err "several orgs without LIVERAMP_CREDENTIALS_DIR are refused" "3 orgs need one credentials file each"
export LIVERAMP_ACCOUNT_ID=acct-initech LIVERAMP_SECRET_KEY=$SECRET-initech LIVERAMP_ORG_ID=some-other-org
run plan --fleet "$F" --org initech --backend liveramp --detailed-exitcode
expect_rc "one org falls back to the single-org variables (its org_id wins)" 2
no_secret "no secret with the single-org variables"
emu_stop
