# Concurrent applies. Against one emulator organization: three applies of
# the same configuration started together end with every account once and
# every segment config once, the writes done by one of them (the others
# wait for the org's lock, then find nothing to do); a held lock stops an
# apply with a clear message after --lock-timeout, having sent nothing; a
# killed holder leaves no stale lock; another organization is not held up.
# Against one sandbox file: applies of the same and of different
# configurations at once all succeed and lose nothing, and plans running
# meanwhile always read a whole file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

W=$TMP/work
mkdir -p "$W/config"
cd "$W" || exit 1
{
	printf 'version: 1\naccounts:\n'
	for i in 1 2 3 4 5 6; do
		printf '  - name: Conc %s\n    client_name: C\n    identifiers: [cookies]\n    segments: [' "$i"
		seq -s, 6000000 6000149 | tr -d '\n'
		printf ']\n'
	done
} >config/c.yaml

# ---- one organization --------------------------------------------------------------
# 20 ms per request: an apply takes a second or so, long enough to overlap.
emu_start org --latency-ms 20 || fail "concurrency: emulator started"
for i in 1 2 3; do
	"$BIN" apply config --backend liveramp --auto-approve --audit-log "$W/audit.jsonl" \
		>"$W/apply.$i.out" 2>&1 </dev/null &
	eval "pid$i=$!"
done
rcs=""
for i in 1 2 3; do
	eval "wait \$pid$i"
	rcs="$rcs $?"
done
[ "$rcs" = " 0 0 0" ] && pass "concurrency: three applies at once all succeed" ||
	fail "concurrency: three applies at once all succeed" "exits:$rcs" "$(tail -n 3 "$W"/apply.*.out)"
admin GET state >"$W/state.json"
jq -e "$JQ_UNIQUE_NAMES" "$W/state.json" >/dev/null && pass "concurrency: no account created twice" ||
	fail "concurrency: no account created twice" "$(jq -c '[.distributionManagers[].name]' "$W/state.json")"
jq -e "($JQ_UNIQUE_CONFIGS) and (.segmentConfigs | length) == 900" "$W/state.json" >/dev/null &&
	pass "concurrency: every segment configured once (900)" || fail "concurrency: every segment configured once (900)"
creates=$(admin GET stats | jq '.classes.create.requests // 0')
[ "$creates" -eq 6 ] && pass "concurrency: 6 creates sent for 6 accounts" || fail "concurrency: 6 creates sent for 6 accounts" "creates: $creates"
worked=$(grep -l "Apply complete: 906 applied" "$W"/apply.*.out | wc -l)
idle=$(grep -l "No changes." "$W"/apply.*.out | wc -l)
[ "$worked" -eq 1 ] && [ "$idle" -eq 2 ] && pass "concurrency: one apply did the work, two found nothing to do" ||
	fail "concurrency: one apply did the work, two found nothing to do" "worked $worked, idle $idle"
run plan config --backend liveramp
expect_out "concurrency: plan after the concurrent applies has no changes" "No changes."
echo "# three concurrent applies: ${SECONDS} s"

# A held lock: the second apply stops after --lock-timeout and sends nothing.
mkdir -p "$W/more"
printf 'version: 1\naccounts:\n  - {name: More, client_name: C, identifiers: [cookies], segments: ["6000001"]}\n' >"$W/more/m.yaml"
# started: waits until the emulator has heard from the slow apply (it
# takes the lock before its first request).
started() {
	local _
	for _ in $(seq 1 200); do
		[ "$(admin GET stats | jq .requests)" -ge 2 ] && return
		sleep 0.02
	done
}
admin POST faults '{"faults": [], "latency_ms": 200}' >/dev/null
admin DELETE requests >/dev/null
"$BIN" apply config more --backend liveramp --auto-approve --audit-log "$W/audit.jsonl" >"$W/slow.out" 2>&1 </dev/null &
slow=$!
started
# Another spelling of the same URL is the same organization.
LIVERAMP_API_URL=$URL/ run apply config more --backend liveramp --auto-approve --audit-log "$W/audit.jsonl" --lock-timeout 1
expect_rc "concurrency: a held org lock stops the second apply (exit 1)" 1
expect_err "concurrency: the message says another apply is running on the org" "another apply is running against org test-org"
# It stops before observing: no plan shown, nothing applied.
expect_no_out "concurrency: the stopped apply applied nothing" "Applying:"
# A SIGKILLed holder leaves no stale lock.
kill -KILL "$slow" 2>/dev/null
wait "$slow" 2>/dev/null
admin DELETE faults >/dev/null
t0=$(date +%s)
run apply config more --backend liveramp --auto-approve --audit-log "$W/audit.jsonl" --lock-timeout 5
expect_rc "concurrency: after the holder is killed, apply runs at once" 0
[ $(($(date +%s) - t0)) -lt 5 ] && pass "concurrency: no stale lock after SIGKILL" || fail "concurrency: no stale lock after SIGKILL"
admin GET state >"$W/state.json"
jq -e "($JQ_UNIQUE_NAMES) and ($JQ_UNIQUE_CONFIGS)" "$W/state.json" >/dev/null && pass "concurrency: no duplicate after the killed apply" ||
	fail "concurrency: no duplicate after the killed apply"
ORG_URL=$URL
echo "# held and killed locks: ${SECONDS} s"

# Another organization (another API) is not held up by this one's lock.
admin POST faults '{"faults": [], "latency_ms": 200}' >/dev/null
admin DELETE requests >/dev/null
printf 'version: 1\naccounts:\n  - {name: Other, client_name: C, identifiers: [cookies]}\n' >"$W/more/m.yaml"
"$BIN" apply config more --backend liveramp --auto-approve --audit-log "$W/audit.jsonl" >"$W/slow.out" 2>&1 </dev/null &
slow=$!
started
emu_start other || fail "concurrency: second emulator started"
run apply config --backend liveramp --auto-approve --audit-log "$W/audit.jsonl" --lock-timeout 1
expect_rc "concurrency: an apply against another API is not held up" 0
wait "$slow"
RC=$?
expect_rc "concurrency: the slow apply finishes" 0
URL=$ORG_URL admin DELETE faults >/dev/null
echo "# another organization: ${SECONDS} s"

# ---- one sandbox file ------------------------------------------------------------------
SB=$W/sandbox.json
mkdir -p "$W/s1" "$W/s2"
for part in 1 2; do
	{
		printf 'version: 1\naccounts:\n'
		for i in $(seq $((part * 60 - 59)) $((part * 60))); do
			printf '  - {name: Sandbox %s, client_name: C, identifiers: [cookies], segments: [' "$i"
			seq -s, 6100000 6100049 | tr -d '\n'
			printf ']}\n'
		done
	} >"$W/s$part/c.yaml"
done
pids=""
for i in 1 2 3; do
	"$BIN" apply s1 --backend "local:$SB" --auto-approve --audit-log "$W/audit.jsonl" >"$W/sb.$i.out" 2>&1 </dev/null &
	pids="$pids $!"
	"$BIN" apply s2 --backend "local:$SB" --auto-approve --audit-log "$W/audit.jsonl" >"$W/sb2.$i.out" 2>&1 </dev/null &
	pids="$pids $!"
done
plans_bad=0
plans=0
for _ in $(seq 1 15); do
	"$BIN" plan s1 s2 --backend "local:$SB" >/dev/null 2>&1 </dev/null || plans_bad=$((plans_bad + 1))
	plans=$((plans + 1))
done
rcs=""
for p in $pids; do
	wait "$p"
	rcs="$rcs $?"
done
[ "$rcs" = " 0 0 0 0 0 0" ] && pass "concurrency: six applies of two configurations on one sandbox all succeed" ||
	fail "concurrency: six applies of two configurations on one sandbox all succeed" "exits:$rcs"
[ "$plans_bad" -eq 0 ] && pass "concurrency: $plans plans during the applies all read a whole sandbox" ||
	fail "concurrency: plans during the applies all read a whole sandbox" "$plans_bad of $plans failed"
jq -e "($JQ_UNIQUE_NAMES) and ($JQ_UNIQUE_CONFIGS) and (.distributionManagers | length) == 120 and (.segmentConfigs | length) == 6000" "$SB" >/dev/null &&
	pass "concurrency: the sandbox holds both configurations once (120 accounts, 6000 configs)" ||
	fail "concurrency: the sandbox holds both configurations once" "$(jq -c '[(.distributionManagers | length), (.segmentConfigs | length)]' "$SB")"
run plan s1 s2 --backend "local:$SB"
expect_out "concurrency: plan of both after the concurrent applies has no changes" "No changes."
echo "# sandbox: ${SECONDS} s"
true
