#!/usr/bin/env bash
# A model-based test of the whole loop: a seeded random walk over a small
# world built to hit the edges, checking after every step what users rely on.
#
#   bash tests/model/walk.sh --seed S --steps N [--verbose]
#
# The world: names that differ only in case or in blanks around them, a name
# of exactly 50 characters once trimmed (and one of 51), Unicode names, names
# that map to the same import file; a catalog with a Data Marketplace
# segment; end dates that the clock passes; out-of-band edits to the sandbox
# as another Connect user would make them; saved plans that go stale.
#
# Each step is one of: a new configuration (validate, plan --out, apply the
# saved plan or apply directly, plan again), the clock moving on, an
# out-of-band edit, a saved plan made stale by an edit, an import. Checked:
#   - every exit code is a documented one (validate 0/1, plan 0/1/2, apply
#     0/1/3, import 0/1); nothing crashes or hangs (a 60 s limit per run);
#   - a plan that succeeds applies, and a successful apply converges (the
#     next plan has no changes);
#   - what the plan said is exactly what changed: the sandbox before, with
#     the plan's changes laid over it by this script's own model, is the
#     sandbox after; a failed plan or a stale plan changes nothing;
#   - nothing undeclared changes without prune; protected accounts are
#     never deleted; no two accounts share a name (folded); renames keep
#     their ids;
#   - import then plan has no changes (but the removal of Data Marketplace
#     configs, which import leaves out on purpose).
# A failure prints the seed, the step, what failed and the command that
# replays it, and exits 1. The last line is "model: seed S: N steps, M checks".
# Standard tools only: bash, jq, GNU date.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${RECONCILER_BIN:-$ROOT/${BUILD:-build}/reconciler}
SEED=1
STEPS=30
VERBOSE=0
while [ $# -gt 0 ]; do
	case $1 in
	--seed) SEED=$2; shift 2 ;;
	--steps) STEPS=$2; shift 2 ;;
	--verbose) VERBOSE=1; shift ;;
	*) echo "usage: walk.sh --seed S --steps N [--verbose]" >&2; exit 2 ;;
	esac
done
case $SEED$STEPS in *[!0-9]*) echo "walk.sh: --seed and --steps take numbers" >&2; exit 2 ;; esac

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
export NO_COLOR=1 GIT_DIR="$W/not-a-repository"
SB="$W/sandbox.json"
BK="--backend=local:$SB"
CHECKS=0
STEP=0
ACTION=""

# ---- randomness: a 31-bit LCG in bash arithmetic, the same on every machine ----
R=$(( (SEED * 2654435761 + 1) % 2147483648 ))
rnd() { # N: REPLY in [0, N)
	R=$(( (R * 1103515245 + 12345) % 2147483648 ))
	REPLY=$(( (R >> 8) % $1 ))
}
pick() { # ARRAY-NAME: REPLY is one of its items
	local -n arr=$1
	rnd ${#arr[@]}
	REPLY=${arr[$REPLY]}
}

# ---- the world --------------------------------------------------------------------------
HOOLI="Hooli Programmatic Seat Europe Middle East Africa!" # 50 characters
NAMES=("Acme Web" "acme web" "  Acme Web " "ACME WEB" "Acme Retail" "Globex" "globex " "Initech"
	"$HOOLI" "  $HOOLI " "${HOOLI}x" "Café Zürich" "café zürich" "東京 Seat" "Foo Bar" "Foo-Bar" "Foo/Bar"
	"Foo_Bar")
# What another Connect user may name an account (at most 50 characters).
OOB_NAMES=("Acme Web" " Acme Web" "Globex" "Initech" "$HOOLI" "Café Zürich" "東京 Seat" "Foo Bar" "Foo-Bar"
	"Umbrella" "Acme Retail")
# Most picks are plain names, so that most configurations are valid.
PLAIN=("Acme Web" "Acme Retail" "Globex" "Initech" "$HOOLI" "Café Zürich" "東京 Seat" "Foo Bar" "Foo-Bar" "Foo/Bar")
pick_name() {
	rnd 3
	if [ "$REPLY" -eq 0 ]; then pick NAMES; else pick PLAIN; fi
}
CLIENTS=("Acme" "Globex" "Initech" "Hooli" "Umbrella Corp")
SEGMENTS=("1001" "1002" "1003" "1004" "1005" "1006")
IDENTS=("cookies" "ramp_ids" "ctv_ids")

NOW=2027-03-01
day() { date -u -d "$NOW + $1 days" +%F; }

jq -n '{format_version: 1, next_id: 100,
  destinations: [{id: "1", name: "Kargo", logoUrl: ""}],
  integrations: [{id: "2", destinationID: "1", name: "Kargo First-Party Data", description: "",
    type: "ONBOARDING", deviceTypes: ["WEB", "RAMP_ID", "CUSTOM_ID", "IOS", "ANDROID"],
    requiredProperties: [{name: "client_name", description: ""}]}],
  integrationConnections: [], distributionManagers: [], segmentConfigs: [],
  segments: ([range(1001; 1007) | {id: tostring, name: "Segment \(.)", type: "ONBOARDING"}]
    + [{id: "9001", name: "Marketplace custom", type: "DATA_MARKETPLACE"}]),
  deliveries: []}' >"$SB"

# ---- the model's view of the sandbox ----------------------------------------------------
# One entry per manager, as a user sees the account; an end date before
# today reads inactive (LiveRamp turns the account inactive by itself).
JQ_DEFS='
def fold: ascii_downcase | sub("^[ \t\n\r\f\u000b]+"; "") | sub("[ \t\n\r\f\u000b]+$"; "");
def view($today): . as $d
  | [.distributionManagers[] | . as $m
     | ([$d.integrationConnections[] | select(.id == $m.integrationConnectionID)][0]) as $ic
     | {id: $m.id, name: $m.name,
        client: ([$ic.properties[] | select(.propertyKey == "client_name") | .propertyValue][0]),
        types: ($ic.deviceTypes | sort),
        status: (if $m.expireAt != null and $m.expireAt < $today then "INACTIVE" else $m.status end),
        expire: $m.expireAt,
        segs: ([$d.segmentConfigs[] | select(.distributionManagerID == $m.id) | .segmentID] | sort)}]
  | sort_by(.id);
def dtype: {"cookies": "WEB", "ramp_ids": "RAMP_ID", "ctv_ids": "CUSTOM_ID"}[.];
def setf($c): reduce ($c.fields[]) as $f (.;
  if $f == "name" then .name = $c.after.name
  elif $f == "client_name" then .client = $c.after.client_name
  elif $f == "identifiers" then .types = ([$c.after.identifiers[] | dtype] | sort)
  elif $f == "status" then .status = ($c.after.status | ascii_upcase)
  elif $f == "expire_at" then .expire = $c.after.expire_at
  else . end);
# The plan laid over a view: what the sandbox must be after apply.
def predict($plan): reduce ($plan.changes[] | select(.refused | not)) as $c (.;
  if $c.action == "create" then
    . + [{id: null, name: null, client: null, types: [], status: "ACTIVE", expire: null, segs: []} | setf($c)]
  elif $c.action == "update" or $c.action == "rename" then map(if .id == $c.manager_id then setf($c) else . end)
  elif $c.action == "delete" then map(select(.id != $c.manager_id))
  elif $c.action == "add" then
    map(if ($c.manager_id != null and .id == $c.manager_id)
           or ($c.manager_id == null and .id == null and (.name | fold) == ($c.account | fold))
        then .segs = (.segs + [$c.segment] | sort) else . end)
  elif $c.action == "remove" then map(if .id == $c.manager_id then .segs = (.segs - [$c.segment]) else . end)
  else . end);
'
view() { jq -c --arg today "$NOW" "$JQ_DEFS view(\$today)" "$SB"; }

# ---- reporting ------------------------------------------------------------------------------
die() { # WHAT [DETAIL...]
	echo "not ok - model: seed $SEED step $STEP ($ACTION): $1"
	shift
	local l
	for l in "$@"; do echo "#   $l"; done
	if [ -f "$W/c/a.yaml" ]; then
		echo "#   configuration:"
		sed 's/^/#     /' "$W/c/a.yaml"
	fi
	echo "#   clock: RECONCILER_NOW=$NOW"
	echo "#   replay: make model MODEL_SEED=$SEED MODEL_STEPS=$STEP   (or: bash tests/model/walk.sh --seed $SEED --steps $STEP --verbose)"
	exit 1
}
check() { # CONDITION-EXIT-CODE WHAT [DETAIL...]
	CHECKS=$((CHECKS + 1))
	[ "$1" -eq 0 ] || { shift; die "$@"; }
}
say() { [ "$VERBOSE" = 1 ] && echo "# step $STEP: $*"; return 0; }

# run CMD ARGS...: the binary with a time limit; RC, OUT, ERR.
run() {
	RECONCILER_NOW=$NOW timeout 60 "$BIN" "$@" >"$W/.out" 2>"$W/.err" </dev/null
	RC=$?
	OUT=$(cat "$W/.out")
	ERR=$(cat "$W/.err")
	[ "$RC" -ne 124 ] || die "reconciler $1 hung (60 s)" "$ERR"
	[ "$RC" -lt 128 ] || die "reconciler $1 crashed (exit $RC)" "$ERR"
}
documented() { # CODES...: RC is one of them
	local c
	for c in "$@"; do [ "$RC" -eq "$c" ] && { CHECKS=$((CHECKS + 1)); return 0; }; done
	die "exit $RC of '$CMD' is not a documented one ($*)" "$(printf '%s' "$ERR" | head -20)"
}

# ---- configurations ------------------------------------------------------------------------
q() { # a YAML double-quoted scalar (world strings hold no quote or backslash)
	printf '"%s"' "$1"
}
rand_date() { # REPLY: null, or a date around today (some in the past)
	rnd 4
	if [ "$REPLY" -eq 0 ]; then REPLY=null; else rnd 26; REPLY=$(day $((REPLY - 6))); fi
}
rand_idents() {
	local out="" i
	for i in "${IDENTS[@]}"; do rnd 2; [ "$REPLY" -eq 0 ] && out="$out${out:+, }$i"; done
	rnd 40
	[ "$REPLY" -eq 0 ] && out="$out${out:+, }mobile_device_ids"
	[ -n "$out" ] || out=cookies
	REPLY="[$out]"
}
idents_of() { # deviceTypes JSON -> identifier list
	REPLY="[$(jq -r '[.[] | {"WEB": "cookies", "RAMP_ID": "ramp_ids", "CUSTOM_ID": "ctv_ids"}[.] // "mobile_device_ids"] | join(", ")' <<<"$1")]"
}
rand_segments() { # from a JSON list of ids: keep, add, drop; rarely the DM one
	local segs=$1
	rnd 3
	if [ "$REPLY" -eq 0 ]; then pick SEGMENTS; segs=$(jq -c --arg s "$REPLY" '. + [$s] | unique' <<<"$segs"); fi
	rnd 4
	if [ "$REPLY" -eq 0 ]; then segs=$(jq -c '.[1:]' <<<"$segs"); fi
	rnd 30
	if [ "$REPLY" -eq 0 ]; then segs=$(jq -c '. + ["9001"]' <<<"$segs"); fi
	REPLY=$(jq -c 'map(tostring)' <<<"$segs")
}

# account NAME CLIENT IDENTS STATUS EXPIRE SEGMENTS [PREVIOUS]: appended to BODY.
account() {
	BODY="$BODY  - name: $(q "$1")"$'\n'
	[ -n "${7:-}" ] && BODY="$BODY    previous_names: [$(q "$7")]"$'\n'
	BODY="$BODY$(printf '    client_name: %s\n    identifiers: %s\n    status: %s\n    expire_at: %s\n    segments: %s' \
		"$(q "$2")" "$3" "$4" "$5" "$6")"$'\n'
	DECLARED="$DECLARED$1"$'\n'
	[ -n "${7:-}" ] && DECLARED="$DECLARED$7"$'\n'
	return 0
}

gen_config() {
	mkdir -p "$W/c"
	DECLARED=""
	PROTECT=""
	PRUNE=false
	rnd 4; [ "$REPLY" -eq 0 ] && PRUNE=true
	BODY=""
	local id name client types status expire segs
	while IFS=$'\t' read -r id name client types status expire segs; do
		[ -n "$id" ] || continue
		rnd 5; [ "$REPLY" -eq 0 ] && continue # left undeclared
		local prev=""
		rnd 8
		if [ "$REPLY" -eq 0 ]; then prev=$name; pick_name; name=$REPLY; fi
		rnd 5; [ "$REPLY" -eq 0 ] && { pick CLIENTS; client=$REPLY; }
		idents_of "$types"; local idents=$REPLY
		rnd 6; [ "$REPLY" -eq 0 ] && { rand_idents; idents=$REPLY; }
		status=$(tr '[:upper:]' '[:lower:]' <<<"$status")
		rnd 6; [ "$REPLY" -eq 0 ] && { [ "$status" = active ] && status=inactive || status=active; }
		[ "$expire" = null ] || [ -n "$expire" ] || expire=null
		rnd 6; [ "$REPLY" -eq 0 ] && { rand_date; expire=$REPLY; }
		rand_segments "$segs"
		account "$name" "$client" "$idents" "$status" "$expire" "$REPLY" "$prev"
		rnd 4; [ "$REPLY" -eq 0 ] && PROTECT="$PROTECT${PROTECT:+, }$(q "$name")"
	done < <(view | jq -r '.[] | [.id, .name, .client, (.types | tojson), .status, (.expire // "null"), (.segs | tojson)] | @tsv')
	local k n_new
	rnd 3
	n_new=$((REPLY + 1))
	for ((k = 0; k < n_new; k++)); do
		rnd 3; [ "$REPLY" -ne 0 ] && continue
		pick_name; local n=$REPLY
		pick CLIENTS; local cl=$REPLY
		rand_idents; local ids=$REPLY
		rnd 5; local st=active; [ "$REPLY" -eq 0 ] && st=inactive
		rand_date; local ex=$REPLY
		rand_segments '[]'
		account "$n" "$cl" "$ids" "$st" "$ex" "$REPLY"
	done
	{
		printf 'version: 1\nsettings:\n  prune: %s\n  protect: [%s]\naccounts:' "$PRUNE" "$PROTECT"
		if [ -n "$BODY" ]; then printf '\n%s' "$BODY"; else printf ' []\n'; fi
	} >"$W/c/a.yaml"
	# What the checks need of it: declared names (and previous names) and
	# protected ones, folded.
	printf '%s' "$DECLARED" | jq -R -s -c "$JQ_DEFS"' split("\n") | map(select(length > 0) | fold) | unique' >"$W/declared.json"
	jq -n -c "$JQ_DEFS [$PROTECT] | map(fold)" >"$W/protect.json"
}

# ---- out-of-band edits (another Connect user) ------------------------------------------------
oob_edit() {
	local n kind
	n=$(jq '.distributionManagers | length' "$SB")
	rnd 9; kind=$REPLY
	[ "$n" -eq 0 ] && kind=7
	rnd $((n > 0 ? n : 1)); local i=$REPLY
	local f='.'
	case $kind in
	0) pick OOB_NAMES
	   f='(.distributionManagers[$i].name) as $old | if ([.distributionManagers[] | select(.name != $old) | .name | fold] | index($v | fold)) == null then .distributionManagers[$i].name = $v else . end'
	   ;;
	1) f='.distributionManagers[$i].status |= (if . == "ACTIVE" then "INACTIVE" else "ACTIVE" end)' ; REPLY="" ;;
	2) rnd 12; REPLY=$(day "$REPLY"); f='.distributionManagers[$i].expireAt = $v' ;;
	3) pick CLIENTS; f='(.distributionManagers[$i].integrationConnectionID) as $ic | .integrationConnections |= map(if .id == $ic then .properties = [{propertyKey: "client_name", propertyValue: $v}] else . end)' ;;
	4) rnd 7; REPLY=$((REPLY + 1))
	   f='(.distributionManagers[$i].integrationConnectionID) as $ic | ($v | tonumber) as $b | [["WEB", 1], ["RAMP_ID", 2], ["CUSTOM_ID", 4]] as $t | .integrationConnections |= map(if .id == $ic then .deviceTypes = [$t[] | select((($b / .[1]) | floor) % 2 == 1) | .[0]] else . end)' ;;
	5) rnd 7; REPLY=$(jq -r --argjson k "$REPLY" '.segments[$k].id' "$SB")
	   f='(.distributionManagers[$i].id) as $dm | ([.segments[] | select(.id == $v)][0].type) as $ty | if any(.segmentConfigs[]; .distributionManagerID == $dm and .segmentID == $v) then . else .segmentConfigs += [{id: (.next_id | tostring), distributionManagerID: $dm, segmentID: $v, segmentType: $ty}] | .next_id += 1 end' ;;
	6) REPLY="" ; f='(.distributionManagers[$i].id) as $dm | ([.segmentConfigs[] | select(.distributionManagerID == $dm)][0].id) as $sc | .segmentConfigs |= map(select(.id != $sc))' ;;
	7) pick OOB_NAMES
	   f='if ([.distributionManagers[].name | fold] | index($v | fold)) != null then . else (.next_id | tostring) as $ic | ((.next_id + 1) | tostring) as $dm
	      | .integrationConnections += [{id: $ic, integrationID: ["1", "2"], deviceTypes: ["WEB"], properties: [{propertyKey: "client_name", propertyValue: "Umbrella Corp"}], createdAt: "2027-01-01T00:00:00Z", updatedAt: "2027-01-01T00:00:00Z"}]
	      | .distributionManagers += [{id: $dm, name: $v, integrationConnectionID: $ic, status: "ACTIVE", expireAt: null, createdAt: "2027-01-01T00:00:00Z", updatedAt: "2027-01-01T00:00:00Z"}]
	      | .next_id += 2 end' ;;
	8) REPLY="" ; f='.distributionManagers[$i] as $m | .distributionManagers |= map(select(.id != $m.id)) | .integrationConnections |= map(select(.id != $m.integrationConnectionID)) | .segmentConfigs |= map(select(.distributionManagerID != $m.id))' ;;
	esac
	say "out-of-band edit $kind on manager $i ${REPLY:+($REPLY)}"
	jq --argjson i "$i" --arg v "$REPLY" "$JQ_DEFS $f" "$SB" >"$SB.new" && mv "$SB.new" "$SB" ||
		die "the out-of-band edit $kind did not apply (a bug of this script)"
}

# ---- the checks after an apply ----------------------------------------------------------------
# after_apply BEFORE-VIEW PLAN-FILE: what the plan said is what changed.
after_apply() {
	local before=$1 plan=$2 after
	after=$(view)
	local predicted
	predicted=$(jq -c --slurpfile p "$plan" "$JQ_DEFS predict(\$p[0])" <<<"$before")
	# Accounts that existed: the same ids, and each exactly as predicted.
	jq -e -n --argjson p "$predicted" --argjson a "$after" \
		'($p | map(select(.id != null)) | sort_by(.id)) == ($a | map(select(.id as $i | $p | any(.id == $i))) | sort_by(.id))' >/dev/null
	check $? "what the plan said is exactly what changed (existing accounts)" "before:    $before" "predicted: $predicted" "after:     $after" "plan: $(jq -c '[.changes[] | {action, account, fields, after, refused}]' "$plan")"
	jq -e -n --argjson p "$predicted" --argjson a "$after" --argjson b "$before" \
		'($p | map(select(.id == null) | del(.id)) | sort_by(.name)) == ($a | map(select(.id as $i | $b | any(.id == $i) | not) | del(.id)) | sort_by(.name))' >/dev/null
	check $? "what the plan said is exactly what changed (created accounts)" "predicted: $predicted" "after:     $after"
	invariants "$before" "$after"
	# Renames keep their ids.
	jq -e -n --slurpfile p "$plan" --argjson a "$after" \
		'[$p[0].changes[] | select(.action == "rename" and (.refused | not))] | all(. as $c | $a | any(.id == $c.manager_id and .name == $c.account))' >/dev/null
	check $? "renames keep their ids"
}

# invariants BEFORE-VIEW AFTER-VIEW
invariants() {
	jq -e -n "$JQ_DEFS"' $a | [.[].name | fold] | length == (unique | length)' --argjson a "$2" >/dev/null
	check $? "no two accounts share a name" "after: $2"
	jq -e -n "$JQ_DEFS"' [$b[] | select(.name | fold | IN($p[0][]))] | all(. as $x | $a | any(.id == $x.id))' \
		--argjson b "$1" --argjson a "$2" --slurpfile p "$W/protect.json" >/dev/null
	check $? "protected accounts are never deleted" "before: $1" "after: $2"
	if [ "$PRUNE" = false ]; then
		jq -e -n "$JQ_DEFS"' [$b[] | select(.name | fold | IN($d[0][]) | not)] | all(. as $x | $a | any(. == $x))' \
			--argjson b "$1" --argjson a "$2" --slurpfile d "$W/declared.json" >/dev/null
		check $? "nothing undeclared changes without prune" "before: $1" "after: $2"
	fi
}

converges() {
	CMD="plan (after apply)"
	run plan c "$BK" --detailed-exitcode
	documented 0 1 2
	check "$RC" "a successful apply converges: the next plan has no changes (exit $RC)" "$OUT" "$ERR"
}

# ---- the steps ----------------------------------------------------------------------------------
step_config() {
	gen_config
	CMD="validate"
	run validate c
	documented 0 1
	CMD="plan --out"
	local before
	before=$(view)
	rm -f "$W/plan.json"
	run plan c "$BK" --detailed-exitcode --out "$W/plan.json"
	documented 0 1 2
	if [ "$RC" -eq 1 ]; then
		say "plan refused the configuration: $(printf '%s' "$ERR" | grep -o 'error\[[^]]*\]' | sort -u | tr '\n' ' ')"
		[ "$(view)" = "$before" ]
		check $? "a plan that fails changes nothing"
		return
	fi
	rnd 3
	if [ "$REPLY" -eq 0 ]; then
		CMD="apply DIR"
		run apply c "$BK" --auto-approve
	else
		CMD="apply --plan"
		run apply --plan "$W/plan.json" "$BK" --auto-approve
	fi
	documented 0 1 3
	check "$RC" "a plan that succeeds applies (exit $RC)" "$OUT" "$ERR"
	say "applied: $(jq -r '.summary | to_entries | map(select(.value > 0) | "\(.key)=\(.value)") | join(" ")' "$W/plan.json")"
	after_apply "$before" "$W/plan.json"
	converges
}

step_stale() {
	gen_config
	CMD="plan --out"
	run plan c "$BK" --out "$W/plan.json"
	documented 0 1
	[ "$RC" -eq 0 ] || return
	local before edited
	before=$(jq -S . "$SB")
	oob_edit
	edited=$(view)
	local changed=1
	[ "$(jq -S . "$SB")" = "$before" ] && changed=0
	CMD="apply --plan (stale)"
	run apply --plan "$W/plan.json" "$BK" --auto-approve
	documented 0 1 3
	if [ "$changed" -eq 1 ] && printf '%s' "$ERR" | grep -q 'plan.stale'; then
		check "$((RC != 1))" "a stale plan exits 1"
		[ "$(view)" = "$edited" ]
		check $? "a stale plan applies nothing"
	else
		# An edit that left the observed state as it was: the plan is not
		# stale, and applies as any other.
		check "$RC" "a saved plan of an unchanged state applies (exit $RC)" "$ERR"
		after_apply "$edited" "$W/plan.json"
	fi
}

step_import() {
	local dir="$W/imported-$STEP"
	CMD="import"
	run import "$BK" --out "$dir"
	documented 0 1
	check "$RC" "import succeeds (exit $RC)" "$ERR"
	CMD="validate (import)"
	run validate "$dir"
	documented 0 1
	check "$RC" "what import writes validates (exit $RC)" "$ERR"
	CMD="plan (import)"
	run plan "$dir" "$BK" --detailed-exitcode --format json
	documented 0 1 2
	if [ "$RC" -eq 2 ]; then
		# Import leaves Data Marketplace configs out on purpose: plan removes them.
		jq -e '[.changes[] | select(.refused | not) | select(.action != "remove" or .segment_type != "DATA_MARKETPLACE")] == []' <<<"$OUT" >/dev/null
		check $? "import then plan has no changes but Data Marketplace removals" "$(jq -c '[.changes[] | {action, account, fields, segment}]' <<<"$OUT")"
	else
		check "$RC" "import then plan has no changes (exit $RC)" "$ERR"
	fi
	rm -rf "$dir"
}

for ((STEP = 1; STEP <= STEPS; STEP++)); do
	rnd 20
	case $REPLY in
	0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8) ACTION=config; step_config ;;
	9 | 10 | 11) ACTION=clock; rnd 7; NOW=$(day $((REPLY + 1))); say "clock: $NOW" ;;
	12 | 13 | 14 | 15) ACTION=edit; oob_edit ;;
	16 | 17) ACTION=stale; step_stale ;;
	*) ACTION=import; step_import ;;
	esac
done
echo "model: seed $SEED: $STEPS steps, $CHECKS checks"
