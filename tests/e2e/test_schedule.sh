# Critical-path-first scheduling in the HTTP engine (issue 15, point 1),
# seen in the order of the emulator's request log at --concurrency 1 (an
# order, never a time): among ready requests the one on the longest cursor
# chain goes first. The segment catalog, walked because segments are
# declared by bare id, goes on page after page once its first page says how
# long it is, instead of waiting behind every manager's configs; and a
# manager with many pages of configs has them read one after the other
# before the one-page managers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

GEN=$TMP/bench_gen
if ! ${CC:-cc} -std=c11 -O2 -o "$GEN" "$ROOT/tests/bench/bench_gen.c"; then
	echo "not ok - bench_gen builds"
	exit 1
fi

# 20 accounts x 30 segments by bare id: a catalog of 6 pages; account 0
# has 320 more segments (4 pages of configs in all).
"$GEN" 20 30 "$TMP/gen" --bare >/dev/null
jq '(.distributionManagers[] | select(.name == "Bench Account 000000") | .id) as $dm
    | [range(0; 320) | 51000000 + . | tostring] as $ids
    | .segments += [$ids[] | {id: ., name: ("Extra " + .), field: {id: "1", name: "bench", audienceId: "1"},
                              value: ., type: "ONBOARDING"}]
    | .segmentConfigs += [$ids | to_entries[] | {id: (20000000 + .key | tostring), distributionManagerID: $dm,
                                                  segmentID: .value, segmentType: "ONBOARDING"}]' \
	"$TMP/gen/state.json" >"$TMP/sched.json"
awk '{ print } /^  - name: Bench Account 000000$/ { hit = 1 }
     hit && /^    segments:$/ { for (i = 0; i < 320; i++) printf "      - \"%d\"\n", 51000000 + i; hit = 0 }' \
	"$TMP/gen/config/accounts-0000.yaml" >"$TMP/gen/config/new.yaml" &&
	mv "$TMP/gen/config/new.yaml" "$TMP/gen/config/accounts-0000.yaml"

emu_start sched || {
	echo "not ok - emulator starts"
	exit 1
}
admin DELETE requests >/dev/null
run plan "$TMP/gen/config" --backend liveramp --concurrency 1
expect_rc "the in-sync plan of the bare-id org runs" 0
expect_out "it is in sync" "No changes."

# The log as one line per /v2 request: "catalog", "configs DM" or "other".
admin GET requests | jq -r '.[] | select(.path | startswith("/v2")) | .path
	| if test("^/v2/segments") then "catalog"
	  elif test("^/v2/distribution-managers/[^/]+/segment-configs") then "configs " + split("/")[3]
	  else "other" end' >"$TMP/order"
catalog=$(grep -c '^catalog$' "$TMP/order")
if [ "$catalog" -eq 10 ]; then pass "the catalog's 10 pages are read"; else fail "the catalog's 10 pages are read" "read $catalog"; fi
# Once its first page tells its length, the catalog is the longest chain
# (9 pages left, against 1 for a manager not read yet, 3 for account 0's):
# its pages 2 to 7 follow each other, with no manager's configs between.
second=$(grep -n '^catalog$' "$TMP/order" | sed -n 2p | cut -d: -f1)
seventh=$(grep -n '^catalog$' "$TMP/order" | sed -n 7p | cut -d: -f1)
if [ -n "$second" ] && [ -n "$seventh" ] && [ $((seventh - second)) -eq 5 ]; then
	pass "the catalog walk goes on before the managers' configs"
else
	fail "the catalog walk goes on before the managers' configs" "2nd page at $second, 7th at $seventh" \
		"$(tr '\n' ' ' <"$TMP/order")"
fi
# Account 0's manager: once its first page says 4 pages, its chain (3
# left) goes before every manager with one page, read after it.
dm0=$(jq -r '.distributionManagers[] | select(.name == "Bench Account 000000") | .id' "$STATE")
third=$(grep -n "^configs $dm0\$" "$TMP/order" | sed -n 3p | cut -d: -f1)
other=$(grep -n '^configs ' "$TMP/order" | grep -v "configs $dm0\$" | head -1 | cut -d: -f1)
if [ -n "$third" ] && [ -n "$other" ] && [ "$third" -lt "$other" ]; then
	pass "the manager with 4 pages of configs goes before the one-page managers"
else
	fail "the manager with 4 pages of configs goes before the one-page managers" \
		"its 3rd page at $third, another manager's first at $other" "$(tr '\n' ' ' <"$TMP/order")"
fi
emu_stop
