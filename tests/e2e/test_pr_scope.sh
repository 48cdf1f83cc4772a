# Pull-request plans read only what they touch (issue 15, point 4):
# `plan --base REF --only-changes` against the Activation API emulator
# reads the lists that find the accounts and the segment configs of only
# the accounts whose declaration differs between the base and the head.
# Counted from the emulator's request log (counts, never times): one
# account touched of 300 costs at most 20 requests, of 1,000 at most 30;
# without --only-changes every manager is read and drift elsewhere shows.
# A plan saved from such a partial observe is refused by apply --plan.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

GEN=$TMP/bench_gen
if ! ${CC:-cc} -std=c11 -O2 -o "$GEN" "$ROOT/tests/bench/bench_gen.c"; then
	echo "not ok - bench_gen builds"
	exit 1
fi

# v2_requests: how many /v2 requests the emulator logged (the token is not one).
v2_requests() {
	admin GET requests | jq '[.[] | select(.path | startswith("/v2"))] | length'
}
reset_log() {
	admin DELETE requests >/dev/null
}

# org N M NAME: an org of N accounts x M named segments in sync, one more
# segment (59999999) in its catalog, in a repository whose branch `main`
# is the generated config and `feature` adds that segment to account 7;
# sets REPO.
org() {
	local n=$1 m=$2 name=$3
	"$GEN" "$n" "$m" "$TMP/$name-gen" >/dev/null || return 1
	jq '.segments += [{id: "59999999", name: "New segment", field: {id: "1", name: "bench", audienceId: "1"},
	                    value: "59999999", type: "ONBOARDING"}]' "$TMP/$name-gen/state.json" >"$TMP/$name.json"
	REPO=$TMP/$name-repo
	mkdir -p "$REPO"
	cp -r "$TMP/$name-gen/config" "$REPO/config"
	(
		cd "$REPO" && unset GIT_DIR && git init -q -b main . && git add config &&
			git -c user.name=t -c user.email=t@t commit -q -m base &&
			git checkout -q -b feature &&
			awk '{ print } /^  - name: Bench Account 000007$/ { hit = 1 }
			     hit && /^    segments:$/ { print "      - id: \"59999999\"\n        name: New segment"; hit = 0 }' \
				config/accounts-0000.yaml >config/new.yaml && mv config/new.yaml config/accounts-0000.yaml &&
			git -c user.name=t -c user.email=t@t commit -q -a -m "add a segment to account 7"
	)
}

pr_plan() {
	(cd "$REPO" && unset GIT_DIR && "$BIN" plan config --backend liveramp "$@" >"$TMP/.out" 2>"$TMP/.err" </dev/null)
	RC=$?
	OUT=$(cat "$TMP/.out")
	ERR=$(cat "$TMP/.err")
}

# ---- 1 of 300 ------------------------------------------------------------------
org 300 40 o300 || {
	echo "not ok - the 300-account org is generated"
	exit 1
}
# Drift elsewhere: account 200 lost a segment config by hand.
jq '(.distributionManagers[] | select(.name == "Bench Account 000200") | .id) as $dm
    | .segmentConfigs |= (map(select(.distributionManagerID == $dm)) as $mine
                          | map(select(. != $mine[0])))' "$TMP/o300.json" >"$TMP/o300.new" && mv "$TMP/o300.new" "$TMP/o300.json"
emu_start o300 || {
	echo "not ok - emulator starts"
	exit 1
}

reset_log
pr_plan --ref feature --base main --only-changes --format json
expect_rc "1 of 300: plan --only-changes exits 0" 0
expect_json "1 of 300: the plan is the one segment the pull request adds" \
	'[.changes[] | [.action, .account, .segment]] == [["add", "Bench Account 000007", "59999999"]]'
expect_json "1 of 300: the plan says drift elsewhere was not read" \
	'[.diagnostics[] | select(.rule == "plan.drift" and (.message | test("only the 1 account this pull request touches was read.*drift elsewhere was not read")))] | length == 1'
expect_json "1 of 300: the plan is marked partial" '.partial == true'
n=$(v2_requests)
if [ "$n" -le 20 ]; then pass "1 of 300: at most 20 requests ($n)"; else fail "1 of 300: at most 20 requests" "sent $n"; fi
configs=$(admin GET requests | jq '[.[] | select(.path | test("^/v2/distribution-managers/[^/]+/segment-configs"))] | length')
if [ "$configs" -eq 1 ]; then pass "1 of 300: one manager's configs read"; else fail "1 of 300: one manager's configs read" "read $configs"; fi

reset_log
pr_plan --ref feature --base main --format json
expect_json "1 of 300: without --only-changes the drift elsewhere shows" \
	'[.changes[] | select(.origin == "drift") | .account] == ["Bench Account 000200"] and (has("partial") | not)'
n=$(v2_requests)
if [ "$n" -ge 300 ]; then pass "1 of 300: without --only-changes every manager is read ($n)"; else
	fail "1 of 300: without --only-changes every manager is read" "sent $n"; fi

# A saved partial plan: its fingerprint is of one account, so it is refused.
pr_plan --ref feature --base main --only-changes --out "$TMP/partial.json"
expect_rc "a partial plan can be saved" 0
reset_log
run apply --plan "$TMP/partial.json" --backend liveramp --auto-approve
expect_rc "apply --plan refuses a partial plan" 1
expect_err "the refusal says why" "was made with --only-changes and read only the accounts"
n=$(v2_requests)
if [ "$n" -eq 0 ]; then pass "the refused apply sent nothing"; else fail "the refused apply sent nothing" "sent $n"; fi

# A rename reads the account under its old name.
(
	cd "$REPO" && unset GIT_DIR && git checkout -q -b rename main &&
		sed -i 's/^  - name: Bench Account 000009$/  - name: Renamed 9\n    previous_names: [Bench Account 000009]/' \
			config/accounts-0000.yaml &&
		git -c user.name=t -c user.email=t@t commit -q -a -m rename
)
reset_log
pr_plan --ref rename --base main --only-changes --format json
expect_json "a rename: the plan renames the account it reads under its old name" \
	'[.changes[] | [.action, .account, .account_before]] == [["rename", "Renamed 9", "Bench Account 000009"]]'
n=$(v2_requests)
if [ "$n" -le 20 ]; then pass "a rename: at most 20 requests ($n)"; else fail "a rename: at most 20 requests" "sent $n"; fi

# Settings apply to every account: a change to them reads everything.
(
	cd "$REPO" && unset GIT_DIR && git checkout -q -b prune main &&
		printf 'version: 1\nsettings:\n  prune: true\naccounts: []\n' >config/settings.yaml &&
		git add config/settings.yaml && git -c user.name=t -c user.email=t@t commit -q -m prune
)
reset_log
pr_plan --ref prune --base main --only-changes --format json
expect_json "settings changed: the plan is not partial" '(has("partial") | not)'
n=$(v2_requests)
if [ "$n" -ge 300 ]; then pass "settings changed: every manager is read ($n)"; else
	fail "settings changed: every manager is read" "sent $n"; fi
emu_stop

# ---- 1 of 1,000 ----------------------------------------------------------------
org 1000 5 o1000 || {
	echo "not ok - the 1,000-account org is generated"
	exit 1
}
emu_start o1000 || {
	echo "not ok - emulator starts"
	exit 1
}
reset_log
pr_plan --ref feature --base main --only-changes --format json
expect_json "1 of 1,000: the plan is the one segment the pull request adds" \
	'[.changes[] | [.action, .segment]] == [["add", "59999999"]]'
n=$(v2_requests)
if [ "$n" -le 30 ]; then pass "1 of 1,000: at most 30 requests ($n)"; else fail "1 of 1,000: at most 30 requests" "sent $n"; fi
emu_stop
