# Interrupted applies. Against the emulator: an apply with many writes
# (accounts created, updated and pruned, segment batches of 500 added and
# removed) is killed with SIGKILL after N API requests, for 50 values of N
# spread over the whole run; each time a second apply must converge (plan:
# "No changes."), with no duplicate account or segment config, and nothing
# deleted that the plan did not name. Against the local sandbox: a large
# apply is killed after a random delay, 25 times; the file must always be
# valid JSON that plan loads, and a re-run must converge.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

KILLS=50
WORKERS=5
W=$TMP/work
mkdir -p "$W/config"
cd "$W" || exit 1

# ---- the scenario ------------------------------------------------------------------
# Catalog 7000000..7000599. Seed: Upd 1-3 with segments 7000000..7000009,
# Del 1-2 with 7000000..7000599, and Guard (protected). Desired: Upd 1-3
# with another client name and segments 7000005..7000014 (5 removed, 5
# added each); Del 1-2 pruned (600 segments removed in two batches, then
# deleted); New 1-5 created with 600 segments each (two batches).
{
	printf 'version: 1\nsettings:\n  prune: true\n  protect: [Guard]\naccounts:\n'
	for i in 1 2 3; do
		printf '  - name: Upd %s\n    client_name: New Co\n    identifiers: [cookies]\n    segments: [' "$i"
		seq -s, 7000005 7000014 | tr -d '\n'
		printf ']\n'
	done
	for i in 1 2 3 4 5; do
		printf '  - name: New %s\n    client_name: New Co\n    identifiers: [ramp_ids]\n    segments: [' "$i"
		seq -s, 7000000 7000599 | tr -d '\n'
		printf ']\n'
	done
} >config/c.yaml

emu_start seedgen || fail "interrupt: emulator started"
admin GET state >"$W/fresh.json"
emu_stop
jq '
  def account($n; $name; $client):
    {ic: {id: "ic\($n)", integrationID: [.destinations[0].id, .integrations[0].id], deviceTypes: ["WEB"],
          properties: [{propertyKey: "client_name", propertyValue: $client}]},
     dm: {id: "dm\($n)", name: $name, integrationConnectionID: "ic\($n)", status: "ACTIVE", expireAt: null}};
  ([account(1; "Upd 1"; "Old Co"), account(2; "Upd 2"; "Old Co"), account(3; "Upd 3"; "Old Co"),
    account(4; "Del 1"; "Gone Co"), account(5; "Del 2"; "Gone Co"), account(6; "Guard"; "Guard Co")]) as $a
  | .integrationConnections = [$a[].ic] | .distributionManagers = [$a[].dm]
  | .segmentConfigs = [range(1; 6) as $n | range(0; if $n <= 3 then 10 else 600 end)
                       | {id: "sc\($n)-\(.)", distributionManagerID: "dm\($n)", segmentID: "\(7000000 + .)", segmentType: "ONBOARDING"}]
                      + [{id: "sc6-0", distributionManagerID: "dm6", segmentID: "7000001", segmentType: "ONBOARDING"}]
  | .segments = [range(0; 600) | {id: "\(7000000 + .)", field: {name: "interest"}, value: "v\(.)", type: "ONBOARDING"}]
  | .deliveries = [] | .next_id = 100000' "$W/fresh.json" >"$W/seed.json"

# One uninterrupted apply: the plan, and how many requests the run takes.
emu_start measure --latency-ms 10 || fail "interrupt: emulator started"
admin_state_load "$W/seed.json" && pass "interrupt: seed state accepted" || fail "interrupt: seed state accepted"
run plan config --backend liveramp --format json
printf '%s' "$OUT" >"$W/plan.json"
expect_json "interrupt: the plan has many writes" \
	'.summary | .accounts_create == 5 and .accounts_update == 3 and .accounts_delete == 2 and .segments_add == 3015 and .segments_remove == 1215'
admin DELETE requests >/dev/null
run apply config --backend liveramp --auto-approve --concurrency 1 --audit-log "$W/audit.jsonl"
expect_rc "interrupt: an uninterrupted apply succeeds" 0
TOTAL=$(admin GET stats | jq .requests)
emu_stop
[ "${TOTAL:-0}" -gt "$KILLS" ] && pass "interrupt: the apply takes $TOTAL requests" ||
	fail "interrupt: the apply takes more than $KILLS requests" "requests: $TOTAL"

# state_problems WHEN: the emulator's state checked; prints what is wrong.
state_problems() {
	local got
	admin GET state >"$W/state$RUN_TAG.json"
	got=$(problems_of "$W/state$RUN_TAG.json" "$W/seed.json" "$W/plan.json")
	[ -z "$got" ] || echo "$got $1"
}

# kill_at N: apply, killed with SIGKILL once the emulator has seen N
# requests; then the checks and a re-run. The killed apply sends one
# request at a time (--concurrency 1) and each takes 15 ms or more, so the
# count tells where it was, give or take a request.
kill_at() {
	local n=$1 why="" pid seen=0 i
	admin_state_load "$W/seed.json" || why="seed state refused"
	admin DELETE requests >/dev/null
	admin POST faults '{"faults": [], "latency_ms": 15}' >/dev/null
	"$BIN" apply config --backend liveramp --auto-approve --concurrency 1 --audit-log "$W/audit.$RUN_TAG.jsonl" \
		>"$W/killed.$RUN_TAG.out" 2>&1 </dev/null &
	pid=$!
	local stats re='"requests": *([0-9]+)'
	for i in $(seq 1 5000); do
		stats=$(curl -s "$URL/_admin/stats")
		[[ $stats =~ $re ]] && seen=${BASH_REMATCH[1]}
		[ "${seen:-0}" -ge "$n" ] && break
		kill -0 "$pid" 2>/dev/null || break
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	local rc=$?
	# Let the emulator finish what was in flight (the API would too).
	sleep 0.1
	admin DELETE faults >/dev/null # latency 0 for the rest
	if [ "$rc" -ne 137 ]; then
		why="the apply was not killed (exit $rc after $seen requests)"
	fi
	[ -z "$why" ] && why=$(state_problems "after the kill")
	if [ -z "$why" ]; then
		run apply config --backend liveramp --auto-approve --audit-log "$W/audit.$RUN_TAG.jsonl"
		if crashed || [ "$RC" -ne 0 ]; then why="the re-run exited $RC"; fi
	fi
	if [ -z "$why" ]; then
		run plan config --backend liveramp --detailed-exitcode
		if [ "$RC" -ne 0 ] || ! printf '%s' "$OUT" | grep -qF "No changes."; then why="plan after the re-run: exit $RC, changes left"; fi
	fi
	[ -z "$why" ] && why=$(state_problems "after the re-run")
	if [ -n "$why" ]; then
		echo "not ok - interrupt: killed after $n of $TOTAL requests, the re-run converges"
		echo "#   $why"
		echo "#   last: exit $RC; stderr: $(printf '%s' "$ERR" | head -c 800)"
	else
		echo "ok - interrupt: killed after $n of $TOTAL requests ($seen seen), the re-run converges"
	fi
	echo "$seen" >>"$W/points"
}

worker() {
	local w=$1 i
	RUN_TAG=.w$w
	if ! emu_start "worker-$w"; then
		echo "not ok - interrupt: worker $w emulator started"
		return
	fi
	for i in $(seq "$w" "$WORKERS" "$KILLS"); do
		kill_at $(((i * (TOTAL - 2) + KILLS - 1) / KILLS))
	done
	emu_stop
}

if [ "${TOTAL:-0}" -gt "$KILLS" ]; then
	start=$(date +%s)
	for w in $(seq 1 "$WORKERS"); do
		worker "$w" >"$W/worker.$w" 2>&1 &
	done
	wait
	cat "$W"/worker.*
	echo "## $KILLS interrupted applies against the emulator in $(($(date +%s) - start)) s"
	points=$(sort -un "$W/points" | wc -l)
	# 50 targets; on a loaded machine the kill may land a request late, so
	# two targets can meet.
	[ "$points" -ge 30 ] && pass "interrupt: the kills landed at $points different request counts" ||
		fail "interrupt: the kills landed at 30 or more different request counts" "$points: $(sort -n "$W/points" | tr '\n' ' ')"
fi

# ---- the local sandbox ------------------------------------------------------------------
# 30 accounts of 200 segments: an apply long enough to be killed midway.
mkdir -p "$W/local"
{
	printf 'version: 1\naccounts:\n'
	for i in $(seq 1 30); do
		printf '  - name: Local %s\n    client_name: Co %s\n    identifiers: [cookies]\n    segments: [' "$i" "$i"
		seq -s, 8000000 8000199 | tr -d '\n'
		printf ']\n'
	done
} >"$W/local/c.yaml"
SB=$W/sandbox.json
mkdir -p "$W/local-half"
sed -n '1,/^  - name: Local 16$/p' "$W/local/c.yaml" | sed '$d' >"$W/local-half/c.yaml"
run apply local-half --backend "local:$W/half.json" --auto-approve --audit-log "$W/audit.local.jsonl"
expect_rc "local: half the accounts applied" 0
rm -f "$SB"
t0=$(date +%s%N)
run apply local --backend "local:$SB" --auto-approve --audit-log "$W/audit.local.jsonl"
t1=$(date +%s%N)
expect_rc "local: an uninterrupted apply succeeds" 0
cp "$SB" "$W/full.json"
ms=$(((t1 - t0) / 1000000))
[ "$ms" -lt 20 ] && ms=20
echo "## local: a full apply takes $ms ms; killed 25 times after random delays"

RANDOM=7
bad=0
outcomes=""
for k in $(seq 1 25); do
	# Half from an empty sandbox, half from one holding half the accounts.
	if [ $((k % 2)) -eq 0 ]; then cp "$W/half.json" "$SB"; else rm -f "$SB"; fi
	# Within the first 60 % of a full apply's time, so that most kills land
	# while it runs (a run from the half-applied sandbox is shorter, and
	# later runs are faster than the first, timed one).
	delay=$((RANDOM % (ms * 6 / 10 + 1)))
	"$BIN" apply local --backend "local:$SB" --auto-approve --audit-log "$W/audit.local.jsonl" \
		>/dev/null 2>&1 </dev/null &
	pid=$!
	sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	why=""
	if [ -f "$SB" ] && ! jq -e 'type == "object"' "$SB" >/dev/null 2>&1; then
		why="the sandbox is not valid JSON"
	fi
	if [ -z "$why" ]; then
		run plan local --backend "local:$SB"
		[ "$RC" -eq 0 ] || why="plan cannot load the sandbox (exit $RC)"
	fi
	if [ -z "$why" ]; then
		run apply local --backend "local:$SB" --auto-approve --lock-timeout 5 --audit-log "$W/audit.local.jsonl"
		[ "$RC" -eq 0 ] || why="the re-run exited $RC"
	fi
	if [ -z "$why" ]; then
		run plan local --backend "local:$SB" --detailed-exitcode
		[ "$RC" -eq 0 ] || why="plan after the re-run: exit $RC"
	fi
	if [ -z "$why" ] && ! jq -e "($JQ_UNIQUE_NAMES) and ($JQ_UNIQUE_CONFIGS)" "$SB" >/dev/null 2>&1; then
		why="duplicates in the sandbox"
	fi
	[ "$rc" -eq 137 ] && outcomes="${outcomes}k" || outcomes="${outcomes}d"
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		fail "local: killed after $delay ms, the sandbox stays valid and the re-run converges" "$why"
	else
		pass "local: killed after $delay ms (exit $rc), the sandbox stays valid and the re-run converges"
	fi
done
# k: killed while running, d: it had finished already.
kills=$(printf '%s' "$outcomes" | tr -cd k | wc -c)
[ "$kills" -ge 10 ] && pass "local: at least 10 of 25 applies were killed midway ($outcomes)" ||
	fail "local: at least 10 of 25 applies were killed midway" "outcomes: $outcomes"
# A killed writer's temporary file is removed by the next write.
leftovers=$(find "$W" -maxdepth 1 -name 'sandbox.json.tmp.*' | wc -l)
[ "$leftovers" -eq 0 ] && pass "local: no temporary file of a killed apply is left behind" ||
	fail "local: no temporary file of a killed apply is left behind" "$leftovers left"
true
