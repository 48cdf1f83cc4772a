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

# One emulator serves the three orgs, each with its own org id, account,
# secret, tokens and state (--tenant): an org run with another's
# credentials or org id is refused by the API.
emu_start acme --org org-acme --account-id acct-acme --secret-key "$SECRET-acme" \
	--tenant "org-globex:acct-globex:$SECRET-globex:$TMP/globex.json" \
	--tenant "org-initech:acct-initech:$SECRET-initech:$TMP/initech.json"
unset LIVERAMP_ORG_ID LIVERAMP_ACCOUNT_ID LIVERAMP_SECRET_KEY
names() { jq -r '[.distributionManagers[].name] | join(",")' "$1"; }
printf '{"account_id": "acct-initech", "secret_key": "%s-initech"}\n' "$SECRET" >"$CREDS/initech.json"
chmod 600 "$CREDS/initech.json"
export LIVERAMP_CREDENTIALS_DIR=$CREDS

# ---- the whole fleet through the API ----------------------------------------
run plan --fleet "$F" --backend liveramp --detailed-exitcode --format json
expect_rc "plan --fleet through the API: changes, exit 2" 2
expect_json "every org is planned with its own credentials" \
	'[.orgs[] | [.name, .outcome, .plan.summary.accounts_create]] == [["acme","changes",1],["globex","changes",1],["initech","changes",1]]'
no_secret "no secret in a fleet plan's output"
run apply --fleet "$F" --backend liveramp --auto-approve --audit-log "$TMP/audit.jsonl"
expect_rc "apply --fleet through the API exits 0" 0
run plan --fleet "$F" --backend liveramp --detailed-exitcode
expect_rc "re-plan through the API: no changes" 0
expect_eq "each org's state holds its own account only" \
	"$(names "$STATE");$(names "$TMP/globex.json");$(names "$TMP/initech.json")" "acme Kargo;globex Kargo;initech Kargo"
# Prune in one org: the other orgs' accounts are not its to delete.
printf 'version: 1\nsettings: {org_id: org-globex, prune: true}\naccounts:\n  - name: globex Kargo\n    client_name: globex Inc\n    identifiers: [cookies]\n' >"$F/globex/a.yaml"
run plan --fleet "$F" --backend liveramp --format json
expect_json "prune through the API sees only the org's own accounts" '[.orgs[].plan.summary.accounts_delete] == [0,0,0]'
no_secret "no secret in a fleet apply's output"

# ---- a broken org --------------------------------------------------------------
printf 'version: 1\naccounts: [\n' >"$F/initech/broken.yaml"
printf 'version: 1\naccounts:\n  - name: acme Two\n    client_name: acme Inc\n    identifiers: [cookies]\n' >"$F/acme/b.yaml"
run apply --fleet "$F" --backend liveramp --auto-approve --audit-log "$TMP/audit.jsonl"
expect_rc "a broken org fails the fleet apply (exit 1)" 1
expect_eq "the other orgs are applied" "$(names "$STATE")" "acme Kargo,acme Two"
rm "$F/initech/broken.yaml" "$F/acme/b.yaml"
rm "$CREDS/initech.json"

# ---- credentials, one org at a time ---------------------------------------------
run plan --fleet "$F" --org acme --backend liveramp --detailed-exitcode
expect_rc "an org's credentials by NAME.json" 0
chmod 644 "$CREDS/acme.json"
run plan --fleet "$F" --org acme --backend liveramp
expect_rc "a credentials file others can read is refused" 1
expect_err "the refusal says what to do" "chmod 600"
chmod 600 "$CREDS/acme.json"
run plan --fleet "$F" --org globex --backend liveramp
expect_rc "an org's credentials by ORG_ID.json" 0
# acme's credentials for globex's org: the API refuses them.
cp "$CREDS/acme.json" "$CREDS/globex.json"
chmod 600 "$CREDS/globex.json"
run plan --fleet "$F" --org globex --backend liveramp
expect_rc "NAME.json comes before ORG_ID.json (here: another org's account, refused)" 1
rm "$CREDS/globex.json"
no_secret "no secret when the API refuses the credentials"
admin DELETE requests >/dev/null
run plan --fleet "$F" --org initech --backend liveramp
expect_rc "an org without a credentials file fails" 1
expect_err "and says where they go" "no credentials for org 'initech' in LIVERAMP_CREDENTIALS_DIR"
expect_eq "nothing was sent for it" "$(admin GET requests | jq 'length')" 0
run plan --fleet "$F" --backend liveramp
expect_rc "a fleet with one org lacking credentials exits 1" 1
expect_out "the other orgs still run" "Fleet: 3 orgs, 2 ok, 1 failed (failed: initech)"

unset LIVERAMP_CREDENTIALS_DIR
run plan --fleet "$F" --backend liveramp
expect_err "several orgs without LIVERAMP_CREDENTIALS_DIR are refused" "3 orgs need one credentials file each"
export LIVERAMP_ACCOUNT_ID=acct-initech LIVERAMP_SECRET_KEY=$SECRET-initech LIVERAMP_ORG_ID=some-other-org
run plan --fleet "$F" --org initech --backend liveramp --detailed-exitcode
expect_rc "one org falls back to the single-org variables (its org_id wins)" 0
no_secret "no secret with the single-org variables"
emu_stop

# The emulator tells tenants apart by the whole account id, even when two
# differ only in their last character.
emu_start pair --org org-1 --account-id acct-1 --secret-key "$SECRET-1" --tenant "org-2:acct-2:$SECRET-2:$TMP/pair2.json"
grant() { curl -s -o /dev/null -w '%{http_code}' -X POST "$LIVERAMP_TOKEN_URL" \
	-d "grant_type=password&scope=openid&client_id=liveramp-api&response_type=token&username=$1&password=$2"; }
expect_eq "emulator: the main org's account gets a token" "$(grant acct-1 "$SECRET-1")" 200
expect_eq "emulator: the tenant's account gets a token" "$(grant acct-2 "$SECRET-2")" 200
expect_eq "emulator: one org's key is not another's" "$(grant acct-1 "$SECRET-2")" 401
emu_stop
true
