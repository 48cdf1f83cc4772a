# import end to end: an organization's existing accounts become
# configuration files that validate and plan to "No changes." -- on the
# local sandbox (hostile names, an account that ended, colliding file
# names) and through the emulator with over 1,000 segments; an existing
# file is never overwritten without --force, and then nothing is written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

mkdir -p "$TMP/work"
cp -r examples "$TMP/work/"
cd "$TMP/work" || exit 1
SB="$TMP/sandbox.json"
B="--backend=local:$SB"
tree_sum() { (cd "$1" && find . -type f | sort | xargs sha256sum) | sha256sum | cut -d' ' -f1; }

# ---- nothing to import ---------------------------------------------------------------
run import "$B" --out empty
expect_rc "an empty backend: exit 0" 0
expect_out "an empty backend: says so" "wrote empty/no_accounts.yaml, which declares none"
# The README promises DIR is made; import then plan round-trips for every
# org, the empty one too.
[ "$(ls empty)" = no_accounts.yaml ] && grep -q '^accounts: \[\]$' empty/no_accounts.yaml &&
	grep -q '^version: 1$' empty/no_accounts.yaml && pass "an empty backend: DIR made, one file declaring no account" ||
	fail "an empty backend: DIR made, one file declaring no account"
run plan empty "$B" --detailed-exitcode
expect_rc "an empty backend: plan of the import exits 0" 0
expect_out "an empty backend: plan of the import says No changes." "No changes."
run import "$B" --out empty
expect_rc "an empty backend: a second import does not overwrite without --force" 1
expect_err "an empty backend: it names the file" "empty/no_accounts.yaml already exists"
run import "$B" --out empty --force
expect_rc "an empty backend: --force writes it again" 0
rm -rf empty

# ---- the sandbox --------------------------------------------------------------------
mkdir -p own
cat >own/hostile.yaml <<'EOF'
version: 1
accounts:
  - name: "Acme: \"Special\" #1"
    client_name: "Acme, Inc. # not a comment"
    identifiers: [ctv_ids, cookies]
    expire_at: 2026-12-31
    segments:
      - {id: "501", name: "yes"}
      - {id: "502", name: "  spaced: out  "}
      - "503"
  - name: Acme US
    client_name: A
    identifiers: [ramp_ids]
  - name: Acme-US
    client_name: B
    identifiers: [ramp_ids]
  - name: Ending Co
    client_name: E
    identifiers: [cookies]
    expire_at: 2026-03-31
    segments: ["7"]
EOF
export RECONCILER_NOW=2026-03-01
for cfg in examples/basic examples/ctv own; do
	run apply "$cfg" "$B" --auto-approve
	expect_rc "seed: apply $cfg" 0
done
export RECONCILER_NOW=2026-04-15 # Ending Co has ended since
run import "$B" --out imported
expect_rc "import: exit 0" 0
expect_out "import: says what it wrote" "Importing 6 accounts"
n=$(ls imported | wc -l)
[ "$n" = 6 ] && pass "import: one file per account" || fail "import: one file per account" "found $n files"
for f in acme-kargo-us.yaml acme-special-1.yaml acme-us.yaml acme-us-2.yaml ending-co.yaml; do
	[ -f "imported/$f" ] && pass "import: file name $f" || fail "import: file name $f" "$(ls imported)"
done
grep -q 'name: "Acme: \\"Special\\" #1"' imported/acme-special-1.yaml && pass "import: a hostile name is quoted" ||
	fail "import: a hostile name is quoted" "$(cat imported/acme-special-1.yaml)"
grep -q 'status: inactive' imported/ending-co.yaml && grep -q 'expire_at: "2026-03-31"' imported/ending-co.yaml &&
	pass "import: the ended account is written inactive with its end date" ||
	fail "import: the ended account is written inactive with its end date" "$(cat imported/ending-co.yaml)"
run validate imported
expect_rc "import -> validate: exit 0" 0
expect_err "validate: the ended account's past date is a warning" "warning[account.expire_at]: expire_at 2026-03-31 of account 'Ending Co' has passed"
run plan imported "$B" --detailed-exitcode
expect_rc "import -> plan: exit 0 under --detailed-exitcode" 0
expect_out "import -> plan: No changes." "No changes."
run plan imported "$B" --format json
expect_json "import -> plan json: nothing at all to do" '.changes == [] and .summary.refused == 0'

# ---- never overwrite without --force --------------------------------------------------
before=$(tree_sum imported)
run import "$B" --out imported
expect_rc "import over existing files: exit 1" 1
expect_err "import over existing files: names a file" "imported/acme-kargo-us.yaml already exists"
expect_err "import over existing files: nothing written" "nothing was written"
[ "$(tree_sum imported)" = "$before" ] && pass "import over existing files: the files are the same" ||
	fail "import over existing files: the files are the same"
rm imported/acme-us-2.yaml
run import "$B" --out imported
expect_rc "one file missing, the others there: still exit 1" 1
[ -e imported/acme-us-2.yaml ] && fail "one file missing: it is not written either" ||
	pass "one file missing: it is not written either"
echo "# edited by hand" >>imported/acme-kargo-us.yaml
run import "$B" --out imported --force
expect_rc "import --force: exit 0" 0
[ "$(tree_sum imported)" = "$before" ] && pass "import --force: the files are written again, the same" ||
	fail "import --force: the files are written again, the same"
run import "$B" --out imported/a/b
expect_rc "import into a new nested directory: exit 0" 0
[ -f imported/a/b/ending-co.yaml ] && pass "import: makes the directory" || fail "import: makes the directory"
run import "$B" extra-argument
expect_rc "import takes no paths: exit 1" 1
unset RECONCILER_NOW

# ---- through the emulator, over 1,000 segments -------------------------------------------
jq -n '
  def ic($n; $types; $client): {id: "ic\($n)", integrationID: ["1001", "2001"], deviceTypes: $types,
      properties: [{propertyKey: "client_name", propertyValue: $client}]};
  def dm($n; $name; $status; $expire): {id: "dm\($n)", name: $name, integrationConnectionID: "ic\($n)",
      status: $status, expireAt: $expire};
  def configs($n; $from; $to): [range($from; $to) | {id: "sc\($n)-\(.)", distributionManagerID: "dm\($n)",
      segmentID: "\(. + 100000)", segmentType: "ONBOARDING"}];
  {format_version: 1, next_id: 1000000,
   destinations: [{id: "1001", name: "Kargo", logoUrl: ""}],
   integrations: [{id: "2001", destinationID: "1001", name: "Kargo First-Party Data", description: "",
                   type: "ONBOARDING", deviceTypes: ["WEB", "RAMP_ID", "CUSTOM_ID", "IOS", "ANDROID"],
                   requiredProperties: [{name: "client_name", description: "Client Name"}]}],
   integrationConnections: [ic(1; ["WEB", "RAMP_ID"]; "Big: \"Co\""), ic(2; ["CUSTOM_ID"]; "Small"),
                            ic(3; ["WEB"]; "Gone")],
   distributionManagers: [dm(1; "Big Account: #1"; "ACTIVE"; "2030-01-01"), dm(2; "Small one"; "INACTIVE"; null),
                          dm(3; "Ended Co"; "INACTIVE"; "2020-01-01")],
   segmentConfigs: (configs(1; 0; 1200) + configs(2; 1200; 1203) + configs(3; 1203; 1204)),
   segments: [range(0; 1300) | {id: "\(. + 100000)", field: {id: "f", name: "interest", audienceId: "a"},
              value: (if . == 5 then "a: b #c" elif . == 6 then "yes" else "v\(.)" end), type: "ONBOARDING"}],
   deliveries: []}' >"$TMP/emu.json"
emu_start emu
run import --backend liveramp --out org
expect_rc "emulator: import exits 0" 0
n=$(ls org | wc -l)
[ "$n" = 3 ] && pass "emulator: one file per account" || fail "emulator: one file per account" "$(ls org)"
n=$(grep -c '^      - ' org/big-account-1.yaml)
[ "$n" = 1200 ] && pass "emulator: 1,200 segments written" || fail "emulator: 1,200 segments written" "found $n"
grep -q '{id: "100005", name: "interest=a: b #c"}' org/big-account-1.yaml &&
	pass "emulator: catalog names kept, quoted" || fail "emulator: catalog names kept, quoted"
run validate org
expect_rc "emulator: import -> validate exits 0" 0
run plan org --backend liveramp --detailed-exitcode
expect_rc "emulator: import -> plan exits 0 under --detailed-exitcode" 0
expect_out "emulator: import -> plan: No changes." "No changes."
run plan org --backend liveramp --format json
expect_json "emulator: the plan knows all 1,204 segments and changes none" '.changes == []'
# status over the same org: deliveries asked by segment, 50 ids a request.
curl -s -X DELETE "$URL/_admin/requests" >/dev/null
run status org --backend liveramp --format json
expect_rc "emulator: status over 1,204 segments exits 0" 0
expect_json "emulator: status knows every segment (no delivery yet: unknown)" '.summary.segments == 1204 and .summary.unknown == 1204'
n=$(curl -s "$URL/_admin/requests" | jq '[.[] | select(.path == "/v2/deliveries")] | length')
[ "$n" = 26 ] && pass "emulator: deliveries read in 24 + 1 + 1 requests of at most 50 segments" ||
	fail "emulator: deliveries read in 24 + 1 + 1 requests of at most 50 segments" "found $n"
