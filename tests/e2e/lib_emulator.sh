# Shared helpers for the suites that run the binary against the Activation
# API emulator (tests/emulator): start one on a free loopback port, point
# the LIVERAMP_* variables at it, talk to its admin API, check a state for
# duplicates. Source it after lib.sh. Not a suite itself (tests/run.sh runs
# test_*.sh only).
#
# Emulators started here are listed in $TMP/.emulator-pids and stopped by
# emu_stop_all, which the EXIT trap set below runs, also from subshells
# that started their own.

EMU=${EMULATOR_BIN:-$ROOT/${BUILD:-build}/emulator}
# The canary secret key: any output holding it is a leak.
SECRET=${SECRET:-CANARY-secret-7f3e9b21}

emu_stop_all() {
	local pid
	[ -f "$TMP/.emulator-pids" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done <"$TMP/.emulator-pids"
	: >"$TMP/.emulator-pids"
}
trap 'emu_stop_all; rm -rf "$TMP"' EXIT

if [ ! -x "$EMU" ]; then
	echo "not ok - emulator binary exists ($EMU; make emulator)"
	exit 1
fi

# emu_start NAME [EMULATOR ARGS...]: a fresh emulator with state
# $TMP/NAME.json; sets EMU_PID, PORT, URL, STATE and exports the LIVERAMP_*
# variables (fast retries). Returns 1 when it did not come up.
emu_start() {
	local name=$1
	shift
	rm -f "$TMP/$name.port"
	"$EMU" --state "$TMP/$name.json" --port 0 --port-file "$TMP/$name.port" \
		--secret-key "$SECRET" "$@" >"$TMP/$name.emu-out" 2>&1 &
	EMU_PID=$!
	echo "$EMU_PID" >>"$TMP/.emulator-pids"
	local i
	for i in $(seq 1 200); do
		[ -s "$TMP/$name.port" ] && break
		sleep 0.05
	done
	PORT=$(cat "$TMP/$name.port" 2>/dev/null)
	URL=http://127.0.0.1:$PORT
	STATE=$TMP/$name.json
	export LIVERAMP_API_URL=$URL
	export LIVERAMP_TOKEN_URL=$URL/authn/v1/oauth2/token
	export LIVERAMP_ORG_ID=test-org
	export LIVERAMP_ACCOUNT_ID=test-account
	export LIVERAMP_SECRET_KEY=$SECRET
	export LIVERAMP_RETRY_BASE_MS=${LIVERAMP_RETRY_BASE_MS:-0}
	unset LIVERAMP_CREDENTIALS_FILE LIVERAMP_TIMEOUT RECONCILER_HTTP_DEBUG
	[ -n "$PORT" ]
}

# emu_stop: stops the emulator of the last emu_start (writes its state).
emu_stop() {
	kill "$EMU_PID" 2>/dev/null
	wait "$EMU_PID" 2>/dev/null
}

# admin METHOD PATH [BODY]: the admin API's answer on stdout.
admin() {
	if [ $# -ge 3 ]; then
		curl -s -X "$1" --data-binary "$3" "$URL/_admin/$2"
	else
		curl -s -X "$1" "$URL/_admin/$2"
	fi
}
# admin_state_load FILE: replaces the emulator's state; 0 when accepted.
admin_state_load() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @"$1" "$URL/_admin/state")" = 200 ]
}

# jq filters over a sandbox document (the emulator's state).
JQ_UNIQUE_NAMES='[.distributionManagers[].name | ascii_downcase | ltrimstr(" ") | rtrimstr(" ")] | length == (unique | length)'
JQ_UNIQUE_CONFIGS='[.segmentConfigs[] | "\(.distributionManagerID)/\(.segmentID)"] | length == (unique | length)'
# One manager per connection, and every manager's connection exists.
JQ_CONSISTENT='([.integrationConnections[].id] as $ics | all(.distributionManagers[]; .integrationConnectionID as $i | $ics | index($i) != null))
  and ([.distributionManagers[].id] as $dms | all(.segmentConfigs[]; .distributionManagerID as $d | $dms | index($d) != null))'

# JQ_KEPT: with --slurpfile seed SEED --slurpfile plan PLAN, on the state
# after: every manager, connection and segment config of the seed is still
# there under the same id, unless the plan named it (a delete of its
# account, a removal of that segment from that account). A delete +
# re-create would change the id, so it counts as a deletion too.
JQ_KEPT='
  def set: map({key: ., value: true}) | from_entries;
  ($plan[0].changes | map(select(.refused | not))) as $ch
  | ($ch | map(select(.action == "delete" and .kind == "account") | .manager_id) | set) as $del_dm
  | ($ch | map(select(.action == "delete" and .kind == "account") | .connection_id) | set) as $del_ic
  | ($ch | map(select(.action == "remove") | .config_id) | set) as $del_sc
  | ([.distributionManagers[].id] | set) as $dm | ([.integrationConnections[].id] | set) as $ic
  | ([.segmentConfigs[].id] | set) as $sc
  | ([$seed[0].distributionManagers[].id | select(($del_dm[.] or $dm[.]) | not)]
     + [$seed[0].integrationConnections[].id | select(($del_ic[.] or $ic[.]) | not)]
     + [$seed[0].segmentConfigs[] | select(($del_sc[.id] or $del_dm[.distributionManagerID] or $sc[.id]) | not) | .id])'

# JQ_PROBLEMS: all of the above in one pass (same --slurpfile arguments);
# prints what is wrong, or nothing.
JQ_PROBLEMS="if (($JQ_UNIQUE_NAMES) | not) then \"duplicate account\"
  elif (($JQ_UNIQUE_CONFIGS) | not) then \"duplicate segment config\"
  elif (($JQ_CONSISTENT) | not) then \"dangling reference\"
  else ($JQ_KEPT) as \$m | if \$m == [] then empty else \"deleted what the plan did not name: \\(\$m)\" end end"

# problems_of STATE SEED PLAN: what is wrong with the state document STATE,
# started from SEED under the plan (JSON) PLAN; nothing when all is well.
problems_of() {
	jq -r --slurpfile seed "$2" --slurpfile plan "$3" "$JQ_PROBLEMS" "$1" 2>&1
}

# crashed: true when the last run died of a signal or a sanitizer spoke.
crashed() {
	[ "$RC" -ge 128 ] && return 0
	printf '%s' "$ERR" | grep -qE 'Sanitizer|runtime error:|LeakSanitizer|==[0-9]+==' && return 0
	return 1
}

# run ARGS...: as lib.sh's, with scratch files of its own per RUN_TAG, so
# that suites may run it from parallel subshells.
run() {
	"$BIN" "$@" >"$TMP/.out${RUN_TAG:-}" 2>"$TMP/.err${RUN_TAG:-}" </dev/null
	RC=$?
	OUT=$(cat "$TMP/.out${RUN_TAG:-}")
	ERR=$(cat "$TMP/.err${RUN_TAG:-}")
}
