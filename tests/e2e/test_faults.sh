# The fault matrix: every endpoint class the liveramp backend uses x every
# fault the emulator injects. One scenario exercises every class at once
# (an account to create, one to update, one to delete, segments to add and
# to remove in batches, a configured segment missing from the catalog so it
# is looked up, a protected account that must survive prune). For each
# combination, twice (the fault firing once, then on every request of its
# class): the seed state is loaded, the fault armed, apply runs and must
# end in success or a clean error (exit 1 with an error message; never a
# signal or sanitizer output), the fault must have fired, and the state
# must hold no duplicate already; then, faults off, apply again and plan must converge ("No
# changes."), with no duplicate account (names case-insensitively), no
# duplicate segment config, consistent references, and every seed
# resource still there under its id unless the plan named it.
#
# Each cell must also be what the write policy promises (expected_cell):
# a fault the tool is meant to absorb must be absorbed within ONE run (that
# apply exits 0 and `plan` right after it says "No changes.", before any
# re-run); "exit 1, then converged" counts as a failure there. Stopping is
# the right answer only where the fault never lets up and the request's
# effect cannot be read back; those cells are listed under the tables.
# Pairs of faults (a lost write whose read-back fails; a 207 partial
# failure whose retry meets an expired token, ...) run after the matrix.
#
# Rows run in parallel, one emulator each. The matrix is printed as a
# table; every combination is one "ok - CLASS × FAULT" line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

CLASSES="token list create update delete segments_add segments_remove segments deliveries"
FAULTS="500 503 429 timeout reset malformed truncated expired_token partial207 lost"
# deliveries (GET /v2/deliveries) is read by `status` only: its row runs
# status under the fault, which must succeed (exit 0 or 2) or stop cleanly,
# leave the state as it was, and succeed again without the fault.

# applicable CLASS FAULT: the combinations that mean something.
applicable() {
	case "$2" in
	partial207) [ "$1" = segments_add ] || [ "$1" = segments_remove ] ;;
	expired_token) [ "$1" != token ] ;;
	lost) case "$1" in token | create | update | delete | segments_add | segments_remove) true ;; *) false ;; esac ;;
	*) true ;;
	esac
}

# expected_cell MODE CLASS FAULT: what the policy promises. Once, every
# fault is absorbed within the run (retries, a new token, a read-back).
# Always, only writes whose answer is lost while the write itself took
# effect (a timeout, a garbled or cut answer, a closed connection after the
# write) are absorbed, by reading back; every other persistent fault stops
# the run after its retries (nothing can confirm or carry out the change).
expected_cell() {
	[ "$1" = once ] && { echo converged; return; }
	case "$2:$3" in
	create:timeout | create:malformed | create:truncated | create:lost | update:timeout | update:malformed | \
		update:truncated | update:lost | delete:timeout | delete:malformed | delete:truncated | delete:lost | \
		segments_add:timeout | segments_add:malformed | segments_add:truncated | segments_add:lost | \
		segments_remove:timeout | segments_remove:malformed | segments_remove:truncated | segments_remove:lost)
		echo converged ;;
	*) echo "exit1->conv" ;;
	esac
}

# ---- the scenario ------------------------------------------------------------------
W=$TMP/work
mkdir -p "$W/before" "$W/after"
cd "$W" || exit 1
cat >before/c.yaml <<'EOF'
version: 1
settings:
  protect: [Guarded]
accounts:
  - {name: Keep Same, client_name: Keep Co, identifiers: [cookies], segments: ["5000001", "5000002"]}
  - {name: Update Me, client_name: Old Co, identifiers: [cookies], segments: ["5000001"]}
  - {name: Delete Me, client_name: Gone Co, identifiers: [cookies], segments: ["5000001", "5000002"]}
  - {name: Trim Me, client_name: Trim Co, identifiers: [cookies],
     segments: ["5000001", "5000002", "5000003", "5000004", "5000005", "5000006"]}
  - {name: Grow Me, client_name: Grow Co, identifiers: [ramp_ids], segments: ["5000001"]}
  - {name: Guarded, client_name: Guard Co, identifiers: [cookies], segments: ["5000001", "5000009"]}
EOF
cat >after/c.yaml <<'EOF'
version: 1
settings:
  prune: true
  protect: [Guarded]
accounts:
  - {name: Keep Same, client_name: Keep Co, identifiers: [cookies], segments: ["5000001", "5000002"]}
  - {name: Update Me, client_name: New Co, identifiers: [cookies, ramp_ids], status: inactive,
     expire_at: "2099-12-31", segments: ["5000001"]}
  - {name: Trim Me, client_name: Trim Co, identifiers: [cookies], segments: ["5000001", "5000002", "5000003"]}
  - {name: Grow Me, client_name: Grow Co, identifiers: [ramp_ids],
     segments: ["5000001", "5000002", "5000003", "5000004", "5000005"]}
  - {name: New One, client_name: New Co, identifiers: [cookies, ctv_ids],
     segments: ["5000001", "5000002", "5000003", "5000004"]}
EOF
run apply before --auto-approve --backend "local:$W/seed0.json" --audit-log "$W/seed.audit"
# The catalog knows 5000001..5000006; 5000009 (on Guarded) is looked up.
jq '.segments = [range(1; 7) | {id: "500000\(.)", field: {name: "interest"}, value: "v\(.)", type: "ONBOARDING"}]' \
	"$W/seed0.json" >"$W/seed.json" 2>/dev/null
if [ "$RC" -eq 0 ] && [ -s "$W/seed.json" ]; then pass "faults: seed state built"; else fail "faults: seed state built"; fi

emu_start plan || fail "faults: emulator started"
admin_state_load "$W/seed.json" || fail "faults: seed state accepted by the emulator"
run plan after --backend liveramp --format json
printf '%s' "$OUT" >"$W/plan.json"
expect_json "faults: the plan creates, updates, deletes, adds and removes" \
	'.summary | .accounts_create == 1 and .accounts_update == 1 and .accounts_delete == 1 and .segments_add == 8 and .segments_remove == 5 and .refused == 1'
admin DELETE requests >/dev/null
run plan after --backend liveramp
classes_seen=$(admin GET stats | jq -r '.classes | keys | join(" ")')
emu_stop
case " $classes_seen " in *" segments "*) pass "faults: observing looks segments up" ;; *) fail "faults: observing looks segments up" "classes: $classes_seen" ;; esac

# state_problems TAG WHEN: the emulator's state checked; prints what is
# wrong, nothing when all is well.
state_problems() {
	admin GET state >"$W/state.$1.json"
	state_problems_of "$W/state.$1.json" "$2"
}

# The checks themselves catch what they are for, on planted states.
planted() { # NAME JQ-EDIT EXPECTED-PROBLEM
	jq "$2" "$W/seed.json" >"$W/planted.json"
	local got
	got=$(state_problems_of "$W/planted.json" "(planted)")
	if { [ -z "$3" ] && [ -z "$got" ]; } || { [ -n "$3" ] && [ "${got#"$3"}" != "$got" ]; }; then
		pass "faults: the checks pass $1"
	else
		fail "faults: the checks pass $1" "got: $got"
	fi
}
state_problems_of() { # FILE WHEN: as state_problems, on a file
	local got
	got=$(problems_of "$1" "$W/seed.json" "$W/plan.json")
	[ -z "$got" ] || echo "$got $2"
}
planted "the seed itself" '.' ''
planted "no duplicate account (one differs in case)" '.distributionManagers += [.distributionManagers[0] | .id = "x1" | .name |= ascii_upcase]' "duplicate account"
planted "no duplicate segment config" '.segmentConfigs += [.segmentConfigs[0] | .id = "x2"]' "duplicate segment config"
planted "no config of a missing manager" '.segmentConfigs += [.segmentConfigs[0] | .id = "x3" | .distributionManagerID = "nope"]' "dangling reference"
planted "no account deleted that the plan did not name" '(.distributionManagers[] | select(.name == "Keep Same")) as $dm
  | del(.distributionManagers[] | select(.id == $dm.id)) | del(.integrationConnections[] | select(.id == $dm.integrationConnectionID))
  | del(.segmentConfigs[] | select(.distributionManagerID == $dm.id))' "deleted what the plan did not name"
planted "no account re-created under a new id" '(.distributionManagers[] | select(.name == "Keep Same") | .id) as $old
  | .distributionManagers |= map(if .id == $old then .id = "new" else . end)
  | .segmentConfigs |= map(if .distributionManagerID == $old then .distributionManagerID = "new" else . end)' "deleted what the plan did not name"
planted "no segment removed that the plan did not name" 'del(.segmentConfigs[] | select(.segmentID == "5000009"))' "deleted what the plan did not name"

# ---- one combination -----------------------------------------------------------------
# combo MODE CLASS FAULT: prints its ok/not ok line; appends "CLASS FAULT
# CELL" to $TMP/cells.MODE.CLASS. MODE once: the fault fires on the first
# request of the class only; always: on every one (the client gives up
# after its retries).
combo() {
	local mode=$1 cls=$2 kind=$3 why="" cell first fired spec want
	[ "$mode" = once ] && spec="$cls:$kind:1:1" || spec="$cls:$kind"
	admin DELETE faults >/dev/null
	admin_state_load "$W/seed.json" || why="seed state refused"
	admin POST faults "{\"faults\": [\"$spec\"], \"timeout_s\": 2}" >/dev/null
	if [ "$cls" = deliveries ]; then
		admin GET state | jq -S "del(.deliveries)" >"$W/before.$cls.json"
		run status after --backend liveramp
	else
		run apply after --backend liveramp --auto-approve --audit-log "$W/audit.$cls.jsonl"
	fi
	first=$RC
	local err1=$ERR out1=$OUT one_run=no
	fired=$(admin GET faults | jq '.faults[0].fired' 2>/dev/null)
	admin DELETE faults >/dev/null
	# One run: the plan right after a successful apply, before any re-run.
	if [ "$cls" != deliveries ] && [ "$first" -eq 0 ] && ! crashed; then
		run plan after --backend liveramp --detailed-exitcode
		[ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -qF "No changes." && one_run=yes
		RC=$first
	elif [ "$cls" = deliveries ] && { [ "$first" -eq 0 ] || [ "$first" -eq 2 ]; }; then
		one_run=yes
	fi
	if crashed; then
		why="crashed (exit $RC)"
	elif [ "$RC" -ne 0 ] && [ "$RC" -ne 1 ] && ! { [ "$cls" = deliveries ] && [ "$RC" -eq 2 ]; }; then
		why="exited $RC"
	elif [ "$RC" -eq 1 ] && ! printf '%s' "$ERR" | grep -q 'error'; then
		why="exit 1 without an error message"
	elif [ "${fired:-0}" -lt 1 ]; then
		why="the fault never fired"
	fi
	if [ "$cls" = deliveries ]; then
		# status only reads: the state is as it was (deliveries aside: the
		# emulator settles them as time passes), and it runs again.
		if [ -z "$why" ] && ! admin GET state | jq -S "del(.deliveries)" | cmp -s - "$W/before.$cls.json"; then
			why="status changed the state"
		fi
		if [ -z "$why" ]; then
			run status after --backend liveramp
			if crashed || { [ "$RC" -ne 0 ] && [ "$RC" -ne 2 ]; }; then why="status without faults exited $RC"; fi
		fi
	else
		# No duplicate may exist even before the re-run.
		[ -z "$why" ] && why=$(state_problems "$cls" "after the faulted apply")
		if [ -z "$why" ]; then
			run apply after --backend liveramp --auto-approve --audit-log "$W/audit.$cls.jsonl"
			if crashed || [ "$RC" -ne 0 ]; then why="the re-run without faults exited $RC"; fi
		fi
		if [ -z "$why" ]; then
			run plan after --backend liveramp --detailed-exitcode
			if [ "$RC" -ne 0 ] || ! printf '%s' "$OUT" | grep -qF "No changes."; then why="plan after the re-run: exit $RC, changes left"; fi
		fi
		[ -z "$why" ] && why=$(state_problems "$cls" "after the re-run")
	fi
	if [ -z "$why" ]; then
		if [ "$one_run" = yes ]; then cell=converged; elif [ "$first" -eq 0 ]; then cell="exit0->conv"; else cell="exit1->conv"; fi
		want=$(expected_cell "$mode" "$cls" "$kind")
		[ "$cell" = "$want" ] || why="expected $want, got $cell (the first run exited $first; one run converged: $one_run)"
	fi
	if [ -n "$why" ]; then
		cell=FAIL
		echo "not ok - $cls × $kind ($mode)"
		echo "#   $why"
		echo "#   first run: exit $first; stderr: $(printf '%s' "$err1" | tail -5 | head -c 800)"
		echo "#   first run stdout: $(printf '%s' "$out1" | tail -5 | head -c 800)"
		echo "#   last: exit $RC; stderr: $(printf '%s' "$ERR" | head -c 600)"
	else
		echo "ok - $cls × $kind ($mode: $cell)"
	fi
	echo "$cls $kind $cell" >>"$TMP/cells.$mode.$cls"
}

row() {
	local cls=$1 k
	RUN_TAG=.$cls
	if ! emu_start "row-$cls" --timeout-s 2; then
		echo "not ok - $cls: emulator started"
		return
	fi
	# A timeout fault holds its answer 2 s; the client gives up after 1 s.
	export LIVERAMP_TIMEOUT=1
	for k in $FAULTS; do
		applicable "$cls" "$k" || continue
		LIVERAMP_MAX_RETRIES=3 combo once "$cls" "$k"
		# Persistent 503/429 answers wait Retry-After (1 s) per retry.
		LIVERAMP_MAX_RETRIES=1 combo always "$cls" "$k"
	done
	emu_stop
}

# ---- pairs of faults -------------------------------------------------------------------
# Each reaches a branch of the write policy that one fault alone cannot: the
# second fault is armed only once the first has fired (`:after`).
# NAME|SPEC,SPEC|EXPECT|CLASS: EXPECT converged (ONE apply exits 0, plan
# right after says "No changes.") or stop (exit 1 with the read-back hint,
# and the lost write, of CLASS, sent exactly once: never blind again).
PAIRS="lost create, read-back fails|create:lost:1:1,list:500:::after|stop|create
lost update, read-back fails|update:lost:1:1,list:500:::after|stop|update
lost delete, read-back fails|delete:lost:1:1,list:500:::after|stop|delete
lost segment add, read-back fails|segments_add:lost:1:1,list:500:::after|stop|segments_add
lost segment removal, read-back fails|segments_remove:lost:1:1,list:500:::after|stop|segments_remove
lost create, read-back 503 once|create:lost:1:1,list:503:1:1:after|converged|create
lost segment add, read-back reset once|segments_add:lost:1:1,list:reset:1:1:after|converged|segments_add
207 partial add, then an expired token|segments_add:partial207:1:1,segments_add:expired_token:1:1:after|converged|segments_add
207 partial removal, then an expired token|segments_remove:partial207:1:1,segments_remove:expired_token:1:1:after|converged|segments_remove
207 partial add, its retry lost|segments_add:partial207:1:1,segments_add:lost:1:1:after|converged|segments_add
expired token, then the token endpoint 500|update:expired_token:1:1,token:500:1:1:after|converged|update"

pairs() {
	local line name specs expect cls why first n json
	RUN_TAG=.pairs
	emu_start pairs --timeout-s 2 || { echo "not ok - pairs: emulator started"; return; }
	export LIVERAMP_TIMEOUT=1 LIVERAMP_MAX_RETRIES=3
	if [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary '{"faults": ["list:500:::after"]}' "$URL/_admin/faults")" = 400 ]; then
		echo "ok - pairs: a first fault cannot be 'after' another"
	else
		echo "not ok - pairs: a first fault cannot be 'after' another"
	fi
	while IFS='|' read -r name specs expect cls; do
		why=""
		admin DELETE faults >/dev/null
		admin_state_load "$W/seed.json" || why="seed state refused"
		admin DELETE requests >/dev/null
		json=$(printf '%s' "$specs" | jq -Rc 'split(",") | {faults: ., timeout_s: 2}')
		[ "$(admin POST faults "$json" | jq -r '.faults | length' 2>/dev/null)" = 2 ] || why="faults refused: $json"
		run apply after --backend liveramp --auto-approve --audit-log "$W/audit.pairs.jsonl"
		first=$RC
		local err1=$ERR
		# The most requests of one write (same method and path) in the class.
		n=$(admin GET requests | jq --arg c "$cls" '[.[] | select(.class == $c)] | group_by(.method + " " + .path) | map(length) | max // 0')
		[ -z "$why" ] && [ "$(admin GET faults | jq '[.faults[] | select(.fired > 0)] | length')" = 2 ] ||
			why="${why:-both faults did not fire: $(admin GET faults | jq -c '[.faults[] | .fired]')}"
		admin DELETE faults >/dev/null
		if [ -n "$why" ]; then :
		elif crashed; then why="crashed (exit $first)"
		elif [ "$expect" = converged ]; then
			if [ "$first" -ne 0 ]; then why="apply exited $first"
			else
				run plan after --backend liveramp --detailed-exitcode
				{ [ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -qF "No changes."; } || why="plan right after: exit $RC, changes left"
			fi
		else
			if [ "$first" -ne 1 ]; then why="apply exited $first, not 1"
			elif ! printf '%s' "$err1" | grep -qF "it observes first, so it sends only what is missing"; then why="no read-back hint"
			elif [ "$n" != 1 ]; then why="$cls sent $n times, not once"
			fi
		fi
		[ -z "$why" ] && why=$(state_problems pairs "after the faulted apply")
		if [ -z "$why" ] && [ "$expect" = stop ]; then
			run apply after --backend liveramp --auto-approve --audit-log "$W/audit.pairs.jsonl"
			run plan after --backend liveramp --detailed-exitcode
			{ [ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -qF "No changes."; } || why="the re-run did not converge (plan exit $RC)"
			[ -z "$why" ] && why=$(state_problems pairs "after the re-run")
		fi
		if [ -z "$why" ]; then
			echo "ok - pair: $name ($expect, a $cls request sent at most $n times)"
			printf '##   %-48s %-10s a %s request sent at most %s times\n' "$name" "$expect" "$cls" "$n" >>"$TMP/pairs.table"
		else
			echo "not ok - pair: $name"
			echo "#   $why"
			echo "#   first run: exit $first; stderr: $(printf '%s' "$err1" | tail -5 | head -c 800)"
			printf '##   %-48s FAIL\n' "$name" >>"$TMP/pairs.table"
		fi
	done <<<"$PAIRS"
	emu_stop
}

start=$(date +%s)
printf '## Pairs of faults (the second armed once the first has fired):\n' >"$TMP/pairs.table"
for cls in $CLASSES; do
	row "$cls" >"$TMP/row.$cls" 2>&1 &
done
pairs >"$TMP/row.pairs" 2>&1 &
wait
for cls in $CLASSES pairs; do cat "$TMP/row.$cls"; done
secs=$(($(date +%s) - start))

# ---- the tables ------------------------------------------------------------------------
total=0
good=0
stops=""
table() {
	local mode=$1 cls k cell
	printf '## \n## %-16s' "$mode"
	for k in $FAULTS; do printf ' %-13s' "$k"; done
	printf '\n'
	for cls in $CLASSES; do
		printf '## %-16s' "$cls"
		for k in $FAULTS; do
			cell=$(awk -v c="$cls" -v k="$k" '$1 == c && $2 == k {print $3}' "$TMP/cells.$mode.$cls" 2>/dev/null)
			if applicable "$cls" "$k"; then
				total=$((total + 1))
				[ -z "$cell" ] && cell="(not run)"
				{ [ "$cell" = converged ] || [ "$cell" = "exit1->conv" ]; } && good=$((good + 1))
				[ "$cell" = "exit1->conv" ] && stops="$stops $cls×$k($mode)"
			else
				cell="-"
			fi
			printf ' %-13s' "$cell"
		done
		printf '\n'
	done
}
printf '## Fault matrix: rows are endpoint classes, columns faults. "once": the fault\n'
printf '## fires on the first request of its class; "always": on every one.\n'
printf '## converged: ONE apply succeeded despite the fault, and plan right after it shows no change;\n'
printf '## exit1->conv: apply stopped with a clean error (exit 1) and the re-run converged;\n'
printf '## FAIL: anything else, or not the cell the policy promises (expected_cell).\n'
printf '## (deliveries: status, which only reads, instead of apply.)\n'
table once
table always
printf '## \n## %d combinations, %d as promised (%d%%), in %d s\n' "$total" "$good" $((total ? good * 100 / total : 0)) "$secs"
printf '## Stopping is the right answer (a persistent fault outlasts the retries, or a\n'
printf '## refused token): %s\n' "$(echo $stops | wc -w)"
echo "$stops" | tr ' ' '\n' | grep . | paste -sd' ' | fold -s -w 90 | sed 's/^/##   /'
printf '##\n'
cat "$TMP/pairs.table" 2>/dev/null
echo
[ "$total" -ge 40 ] && pass "fault matrix: at least 40 combinations ($total)" || fail "fault matrix: at least 40 combinations ($total)"
[ "$good" -eq "$total" ] && pass "fault matrix: every cell as the policy promises" || fail "fault matrix: every cell as the policy promises" "$good of $total"
true
