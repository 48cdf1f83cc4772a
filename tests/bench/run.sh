#!/bin/sh
# make bench: reconciler against the Activation API's physical limits.
#
# For each scenario (N accounts x M segments, tests/bench/bench_gen.c) it
# generates the org as YAML and as emulator state, runs the real binary
# against the API emulator (tests/emulator) on 127.0.0.1, and prints ONE
# table: each figure, what it is compared with, the ratio, the goal, and
# the number of the command that reproduces it (the commands follow the
# table). README.md, section Performance, explains every figure.
#
# Environment (all optional):
#   BUILD              where the binaries are (default build)
#   BENCH_SCENARIOS    default "100x10 1000x100 1x50000" (empty: none)
#   BENCH_RSS_SIZES    extra N x M sizes for the memory / CPU scaling rows,
#                      default "250x100 500x100" (with 1000x100: 3 sizes)
#   BENCH_BARE         sizes whose segments are declared by bare id (no
#                      name: the whole catalog is read for the names),
#                      requests and wall time only; default "1000x100"
#   BENCH_LATENCY_MS   latency the emulator adds to every /v2 request (20)
#   BENCH_CONCURRENCY  requests in flight (16, the tool's default)
#   BENCH_CURL_MAX     requests the curl+jq baseline runs before it stops
#                      and extrapolates (150)
#   BENCH_CP           bare-id sizes run at BENCH_CP_LATENCY_MS (default 50)
#                      against the critical-path bound and --concurrency 1
#                      (the scheduling goal of issue 15), default "300x40"
#   BENCH_PR           sizes of the pull-request plan that touches one
#                      account (its requests), default "300x40 1000x40"
#   BENCH_DIR          work directory (default: a new one under $TMPDIR,
#                      removed at the end unless BENCH_KEEP=1)
set -u

BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/$BUILD/reconciler
EMU=$ROOT/$BUILD/emulator
GEN=$ROOT/$BUILD/bench-bin/bench_gen
YEV=$ROOT/$BUILD/bench-bin/yaml_events
CURLOBS=$ROOT/tests/bench/curl_observe.sh
SCENARIOS=${BENCH_SCENARIOS-100x10 1000x100 1x50000}
RSS_SIZES=${BENCH_RSS_SIZES-250x100 500x100}
BARE=${BENCH_BARE-1000x100}
LAT=${BENCH_LATENCY_MS:-20}
CONC=${BENCH_CONCURRENCY:-16}
CURL_MAX=${BENCH_CURL_MAX:-150}
CP_SIZES=${BENCH_CP-300x40}
CP_LAT=${BENCH_CP_LATENCY_MS:-50}
PR_SIZES=${BENCH_PR-300x40 1000x40}
SECRET=bench-secret

for f in "$BIN" "$EMU" "$GEN" "$YEV"; do
	[ -x "$f" ] || { echo "bench: $f is missing (make bench builds it)" >&2; exit 1; }
done
for c in curl jq bc; do
	command -v $c >/dev/null 2>&1 || { echo "bench: needs $c" >&2; exit 1; }
done

if [ -n "${BENCH_DIR:-}" ]; then
	W=$BENCH_DIR
	mkdir -p "$W"
else
	W=$(mktemp -d "${TMPDIR:-/tmp}/reconciler-bench.XXXXXX")
fi
EMU_PID=""
cleanup() {
	stop_emulator
	[ "${BENCH_KEEP:-0}" = 1 ] || [ -n "${BENCH_DIR:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ROWS=$W/rows
CMDS=$W/commands
: >"$ROWS"
: >"$CMDS"
NCMD=0

# ---- helpers ---------------------------------------------------------------

calc() { echo "scale=6; $*" | bc; }
fmt() { printf "%.${2:-2}f" "$1"; } # number, decimals
ceil_div() { echo $((($1 + $2 - 1) / $2)); }
max() { if [ "$1" -gt "$2" ]; then echo "$1"; else echo "$2"; fi; }
now() { date +%s.%N; }

# cmd TEXT: records a command for the list under the table; sets CMD to its number.
cmd() {
	NCMD=$((NCMD + 1))
	CMD=$NCMD
	printf '[%d] %s\n' "$NCMD" "$1" >>"$CMDS"
}

# row SCENARIO FIGURE MEASURED REFERENCE RATIO GOAL MET
row() {
	printf '%s|%s|%s|%s|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$CMD" >>"$ROWS"
}

# met RATIO OP LIMIT: "yes" or "NO"
met() {
	if [ "$(echo "scale=6; ($1) $2 $3" | bc)" = 1 ]; then echo yes; else echo NO; fi
}

# The emulator's CPU seconds so far (user + system).
emu_cpu() {
	awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$EMU_PID/stat" 2>/dev/null || echo 0
}

stop_emulator() {
	if [ -n "$EMU_PID" ]; then
		kill -TERM "$EMU_PID" 2>/dev/null
		wait "$EMU_PID" 2>/dev/null
		EMU_PID=""
	fi
}

# start_emulator STATE_FILE: a fresh emulator on a copy of STATE_FILE.
start_emulator() {
	stop_emulator
	cp "$1" "$W/emu-state.json"
	rm -f "$W/emu.port"
	"$EMU" --state "$W/emu-state.json" --port 0 --port-file "$W/emu.port" --secret-key "$SECRET" \
		--write-on-exit >"$W/emu.out" 2>&1 &
	EMU_PID=$!
	i=0
	while [ ! -s "$W/emu.port" ]; do
		i=$((i + 1))
		if [ $i -gt 1200 ] || ! kill -0 "$EMU_PID" 2>/dev/null; then
			echo "bench: the emulator did not start:" >&2
			cat "$W/emu.out" >&2
			exit 1
		fi
		sleep 0.05
	done
	ADMIN=http://127.0.0.1:$(cat "$W/emu.port")
	export LIVERAMP_API_URL=$ADMIN
	export LIVERAMP_TOKEN_URL=$ADMIN/authn/v1/oauth2/token
	export LIVERAMP_ORG_ID=test-org
	export LIVERAMP_ACCOUNT_ID=test-account
	export LIVERAMP_SECRET_KEY=$SECRET
}

set_latency() {
	curl -sf -X POST "$ADMIN/_admin/faults" -d "{\"faults\": [], \"latency_ms\": $1}" >/dev/null
}
reset_stats() { curl -sf -X DELETE "$ADMIN/_admin/requests" >/dev/null; }
# emu_stat FILTER: a number from /_admin/stats
emu_stat() { curl -sf "$ADMIN/_admin/stats" | jq "$1"; }

# plan_run OUT_PREFIX ARGS...: runs `reconciler plan` with RECONCILER_TIMING,
# leaving wall seconds, peak RSS (KB) and the timing lines in OUT_PREFIX.*
plan_run() {
	p=$1
	shift
	t0=$(now)
	RECONCILER_TIMING=1 /usr/bin/time -f "rss %M
cpu %U %S" -o "$p.rss" "$BIN" plan "$@" >"$p.out" 2>"$p.err"
	rc=$?
	t1=$(now)
	calc "$t1 - $t0" >"$p.wall"
	if [ $rc -ne 0 ]; then
		echo "bench: reconciler plan $* failed ($rc):" >&2
		tail -5 "$p.err" >&2
		exit 1
	fi
	grep -q "No changes" "$p.out" || { echo "bench: plan is not in sync: $p.out" >&2; exit 1; }
}
timing() { sed -n "s/^timing: $2 wall [0-9.]* cpu \([0-9.]*\)$/\1/p" "$1.err"; } # prefix stage
rss_mb() { calc "$(sed -n 's/^rss //p' "$1.rss") / 1024"; }
cpu_s() { calc "$(sed -n 's/^cpu \([0-9.]*\) \([0-9.]*\)$/\1 + \2/p' "$1.rss")"; } # user + system of the process

# ---- one scenario ------------------------------------------------------------

scenario() {
	N=${1%x*}
	M=${1#*x}
	S=$1
	D=$W/$S
	echo "bench: $S: generating" >&2
	"$GEN" "$N" "$M" "$D"
	CFG=$D/config
	gen="bench_gen $N $M DIR"
	emu="emulator --state DIR/state.json --port-file P --write-on-exit"
	env="LIVERAMP_* pointing at it (see README)"

	# The least the observe can do: the Kargo destination and integration
	# lookups, the pages of the connections and of the managers, and every
	# manager's segment-config pages (an empty list still costs a request).
	pages_ic=$(max 1 "$(ceil_div "$N" 100)")
	pages_cfg=$(max 1 "$(ceil_div "$M" 100)")
	MIN=$((2 + 2 * pages_ic + N * pages_cfg))
	CP=$((2 + pages_ic + pages_cfg))
	TP=$(ceil_div $MIN "$CONC")
	ROUNDS=$(max $CP "$TP")
	BOUND=$(calc "$ROUNDS * $LAT / 1000")

	# 1. requests of an in-sync plan; its CPU and memory (no latency).
	echo "bench: $S: observe requests" >&2
	start_emulator "$D/state.json"
	reset_stats
	e0=$(emu_cpu)
	plan_run "$W/$S.req" "$CFG" --backend liveramp
	ECPU=$(calc "$(emu_cpu) - $e0")
	REQ=$(emu_stat '[.classes | to_entries[] | select(.key != "token") | .value.requests] | add')
	cmd "$gen; $emu; reconciler plan DIR/config --backend liveramp; curl \$EMU/_admin/stats"
	row "$S" "observe requests" "$REQ" "$MIN min" "$(fmt "$(calc "$REQ / $MIN")")x" "<= 1.05x" \
		"$(met "$REQ / $MIN" "<=" 1.05)"
	cmd "time reconciler plan DIR/config --backend liveramp (no latency; CPU: the tool's, and the emulator's from /proc)"
	row "$S" "observe+plan wall, no latency" "$(fmt "$(cat "$W/$S.req.wall")") s" \
		"cpu $(fmt "$(calc "$(timing "$W/$S.req" 'load+check') + $(timing "$W/$S.req" observe) + $(timing "$W/$S.req" 'check+diff')")") s + emu $(fmt "$ECPU") s" "-" "-" "-"
	SCALE="$S $((N * M)) $(rss_mb "$W/$S.req") $(timing "$W/$S.req" 'load+check') $(timing "$W/$S.req" 'check+diff') $(timing "$W/$S.req" observe)"

	# 2. observe + plan with latency, at the default concurrency and at 1.
	echo "bench: $S: wall time, ${LAT} ms latency" >&2
	set_latency "$LAT"
	best=""
	k=0
	while :; do
		k=$((k + 1))
		plan_run "$W/$S.c$CONC" "$CFG" --backend liveramp --concurrency "$CONC"
		w=$(cat "$W/$S.c$CONC.wall")
		if [ -z "$best" ] || [ "$(echo "$w < $best" | bc)" = 1 ]; then best=$w; fi
		# best of 3, or of 1 for a run over 5 s
		[ $k -ge 3 ] || [ "$(echo "$w > 5" | bc)" = 1 ] && break
	done
	WALL=$best
	cmd "$emu --latency-ms $LAT; time reconciler plan DIR/config --backend liveramp --concurrency $CONC (best of $k)"
	row "$S" "observe+plan wall, c=$CONC" "$(fmt "$WALL") s" "$(fmt "$BOUND") s bound" \
		"$(fmt "$(calc "$WALL / $BOUND")")x" "<= 1.3x" "$(met "$WALL / $BOUND" "<=" 1.3)"
	plan_run "$W/$S.c1" "$CFG" --backend liveramp --concurrency 1
	W1=$(cat "$W/$S.c1.wall")
	cmd "$emu --latency-ms $LAT; time reconciler plan DIR/config --backend liveramp --concurrency 1"
	row "$S" "speed-up over c=1" "$(fmt "$W1") s at c=1" "$(fmt "$WALL") s at c=$CONC" \
		"$(fmt "$(calc "$W1 / $WALL")" 1)x" ">= 10x" "$(met "$W1 / $WALL" ">=" 10)"

	# 3. the curl + jq loop, one request at a time, same latency.
	echo "bench: $S: curl + jq baseline" >&2
	reset_stats
	set -- $(sh "$CURLOBS" "$CURL_MAX")
	CN=$2
	CS=$6
	CDONE=${8:-no}
	if [ "$CDONE" = yes ]; then
		CEST=$CS
		how="measured, $CN requests"
	else
		CEST=$(calc "$CS / $CN * $MIN")
		how="first $CN requests x $MIN/$CN"
	fi
	cmd "$emu --latency-ms $LAT; tests/bench/curl_observe.sh $CURL_MAX ($how)"
	row "$S" "curl+jq loop, same observe" "$(fmt "$CEST" 1) s" "$(fmt "$WALL") s reconciler" \
		"$(fmt "$(calc "$CEST / $WALL")" 0)x slower" "-" "-"
	set_latency 0

	# 4. CPU of load + check + diff against a bare libyaml event parse,
	# each the least of 3 runs (CPU time too grows on a busy machine).
	TOOL=""
	ycpu=""
	for k in 1 2 3; do
		[ $k -eq 1 ] || plan_run "$W/$S.cpu" "$CFG" --backend liveramp
		p=$W/$S.cpu
		[ $k -eq 1 ] && p=$W/$S.req
		t=$(calc "$(timing "$p" 'load+check') + $(timing "$p" 'check+diff')")
		y=$("$YEV" "$CFG"/*.yaml | sed -n 's/.* cpu \([0-9.]*\)$/\1/p')
		if [ -z "$TOOL" ] || [ "$(echo "$t < $TOOL" | bc)" = 1 ]; then TOOL=$t; fi
		if [ -z "$ycpu" ] || [ "$(echo "$y < $ycpu" | bc)" = 1 ]; then ycpu=$y; fi
	done
	cmd "RECONCILER_TIMING=1 reconciler plan DIR/config --backend liveramp (load+check + check+diff cpu); yaml_events DIR/config/*.yaml (least of 3 each)"
	if [ "$(echo "$ycpu < 0.02" | bc)" = 1 ]; then
		r="-"
		ok="too small"
	else
		r="$(fmt "$(calc "$TOOL / $ycpu")")x"
		ok=$(met "$TOOL / $ycpu" "<=" 2)
	fi
	row "$S" "CPU load+check+diff" "$(fmt "$TOOL" 3) s" "$(fmt "$ycpu" 3) s libyaml" "$r" "<= 2x" "$ok"

	# 5. peak memory of the plan (liveramp), and of the local sandbox.
	RSS=$(rss_mb "$W/$S.req")
	cmd "/usr/bin/time -f %M reconciler plan DIR/config --backend liveramp"
	row "$S" "peak RSS, liveramp" "$(fmt "$RSS" 0) MB" "$((N * M)) configs" \
		"$(fmt "$(calc "$RSS * 1024 * 1024 / ($N * $M + 1)")" 0) B/config" "<= 300 MB" \
		"$(met "$RSS" "<=" 300)"
	cp "$D/state.json" "$W/sandbox.json"
	plan_run "$W/$S.local" "$CFG" --backend "local:$W/sandbox.json"
	LRSS=$(rss_mb "$W/$S.local")
	echo "$SCALE $LRSS" >>"$W/scaling"
	cmd "/usr/bin/time -f %M reconciler plan DIR/config --backend local:COPY_OF_state.json"
	row "$S" "peak RSS, local sandbox" "$(fmt "$LRSS" 0) MB" "$(du -m "$D/state.json" | cut -f1) MB file" \
		"-" "<= 150 MB" "$(met "$LRSS" "<=" 150)"
	# The same file read by Python's json.load, in the same run: the
	# sandbox's goal is no more CPU than that (issue 15, point 3).
	if command -v python3 >/dev/null 2>&1; then
		/usr/bin/time -f "rss %M
cpu %U %S" -o "$W/$S.py.rss" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$W/sandbox.json"
		LCPU=$(cpu_s "$W/$S.local")
		PCPU=$(cpu_s "$W/$S.py")
		cmd "/usr/bin/time -f '%U %S %M' reconciler plan DIR/config --backend local:COPY_OF_state.json; the same of python3 -c 'import json,sys; json.load(open(sys.argv[1]))' COPY_OF_state.json"
		# Python's own start (about 0.05 s) would be most of a small file's figure.
		if [ "$(echo "$PCPU < 0.15" | bc)" = 1 ]; then r="-"; ok="too small"; else
			r="$(fmt "$(calc "$LCPU / $PCPU")")x"; ok=$(met "$LCPU / $PCPU" "<=" 1); fi
		row "$S" "CPU local plan vs json.load" "$(fmt "$LCPU") s" "$(fmt "$PCPU") s, $(fmt "$(rss_mb "$W/$S.py")" 0) MB json.load" \
			"$r" "<= 1.0x" "$ok"
	fi

	# 6. apply from an empty org: the writes.
	echo "bench: $S: apply from an empty org" >&2
	start_emulator "$D/empty.json"
	reset_stats
	t0=$(now)
	"$BIN" apply "$CFG" --backend liveramp --auto-approve --audit-log "$W/audit.jsonl" >"$W/$S.apply.out" 2>&1 ||
		{ echo "bench: apply failed:" >&2; tail -5 "$W/$S.apply.out" >&2; exit 1; }
	AW=$(calc "$(now) - $t0")
	WRITES=$(emu_stat '[.classes | to_entries[] | select(.key | test("create|update|delete|segments_add|segments_remove")) | .value.requests] | add')
	WMIN=$((N + N * $(ceil_div "$M" 500)))
	cmd "$gen; emulator --state DIR/empty.json ...; reconciler apply DIR/config --backend liveramp --auto-approve ($(fmt "$AW" 1) s, no latency)"
	row "$S" "apply writes from empty" "$WRITES" "$WMIN = N + N*ceil(M/500)" \
		"$(fmt "$(calc "$WRITES / $WMIN")")x" "= 1.0x" "$(met "$WRITES" "==" "$WMIN")"
	stop_emulator
	rm -rf "$D" "$W/sandbox.json" "$W/emu-state.json"
}

# For N accounts of M bare ids at LATENCY ms a request: MIN, the fewest
# requests an observe can send (the whole catalog included), and BOUND, the
# seconds its longest cursor chain or its rounds of CONC requests take.
bare_bound() {
	pages_ic=$(max 1 "$(ceil_div "$N" 100)")
	pages_cfg=$(max 1 "$(ceil_div "$M" 100)")
	pages_cat=$(max 1 "$(ceil_div $((N * M)) 100)")
	MIN=$((2 + 2 * pages_ic + N * pages_cfg + pages_cat))
	CP=$(max $((2 + pages_ic + pages_cfg)) "$pages_cat")
	ROUNDS=$(max "$CP" "$(ceil_div $MIN "$CONC")")
	BOUND=$(calc "$ROUNDS * $1 / 1000")
}

# Segments declared by bare id: their names (for the duplicate-name rule)
# are only in the catalog, so the whole of it is read; its pages count in
# the minimum, and its cursor chain in the bound.
bare() {
	N=${1%x*}
	M=${1#*x}
	S="$1 bare"
	D=$W/$1-bare
	echo "bench: $S: requests and wall time" >&2
	"$GEN" "$N" "$M" "$D" --bare
	bare_bound "$LAT"
	start_emulator "$D/state.json"
	reset_stats
	plan_run "$W/bare.req" "$D/config" --backend liveramp
	REQ=$(emu_stat '[.classes | to_entries[] | select(.key != "token") | .value.requests] | add')
	cmd "bench_gen $N $M DIR --bare; emulator --state DIR/state.json ...; reconciler plan DIR/config --backend liveramp; curl \$EMU/_admin/stats"
	row "$S" "observe requests" "$REQ" "$MIN min (catalog incl.)" "$(fmt "$(calc "$REQ / $MIN")")x" "<= 1.05x" \
		"$(met "$REQ / $MIN" "<=" 1.05)"
	set_latency "$LAT"
	plan_run "$W/bare.c$CONC" "$D/config" --backend liveramp --concurrency "$CONC"
	WALL=$(cat "$W/bare.c$CONC.wall")
	cmd "the same with --latency-ms $LAT; time reconciler plan DIR/config --backend liveramp --concurrency $CONC"
	row "$S" "observe+plan wall, c=$CONC" "$(fmt "$WALL") s" "$(fmt "$BOUND") s bound" \
		"$(fmt "$(calc "$WALL / $BOUND")")x" "<= 1.3x" "$(met "$WALL / $BOUND" "<=" 1.3)"
	stop_emulator
	rm -rf "$D" "$W/emu-state.json"
}

# The scheduling goal (issue 15, point 1): segments by bare id, so the
# catalog's cursor chain is the critical path, at CP_LAT ms per request;
# the in-sync plan at the default concurrency against the bound, and
# against --concurrency 1.
cp_bare() {
	N=${1%x*}
	M=${1#*x}
	S="$1 bare"
	D=$W/$1-cp
	echo "bench: $S: critical path" >&2
	"$GEN" "$N" "$M" "$D" --bare
	bare_bound "$CP_LAT"
	start_emulator "$D/state.json"
	set_latency "$CP_LAT"
	best=""
	for k in 1 2; do
		plan_run "$W/cp.c$CONC" "$D/config" --backend liveramp --concurrency "$CONC"
		w=$(cat "$W/cp.c$CONC.wall")
		if [ -z "$best" ] || [ "$(echo "$w < $best" | bc)" = 1 ]; then best=$w; fi
	done
	WALL=$best
	cmd "bench_gen $N $M DIR --bare; emulator --state DIR/state.json ... --latency-ms $CP_LAT; time reconciler plan DIR/config --backend liveramp --concurrency $CONC (best of 2)"
	row "$S" "wall c=$CONC, $CP_LAT ms" "$(fmt "$WALL") s" "$(fmt "$BOUND") s bound" \
		"$(fmt "$(calc "$WALL / $BOUND")")x" "<= 1.3x" "$(met "$WALL / $BOUND" "<=" 1.3)"
	plan_run "$W/cp.c1" "$D/config" --backend liveramp --concurrency 1
	W1=$(cat "$W/cp.c1.wall")
	cmd "the same with --concurrency 1 (at best $MIN requests x $CP_LAT ms / the bound = $(fmt "$(calc "$MIN * $CP_LAT / 1000 / $BOUND")" 1)x)"
	row "$S" "speed-up over c=1, $CP_LAT ms" "$(fmt "$W1") s at c=1" "$(fmt "$WALL") s at c=$CONC" \
		"$(fmt "$(calc "$W1 / $WALL")" 1)x" ">= 10x" "$(met "$W1 / $WALL" ">=" 10)"
	stop_emulator
	rm -rf "$D" "$W/emu-state.json"
}

# A pull request that adds one segment to one account (issue 15, point 4):
# plan --base main --only-changes, its /v2 requests against the goal (20 at
# 300 accounts, 30 at 1,000), and plan --base main (every account) beside.
pr_plan() {
	N=${1%x*}
	M=${1#*x}
	S="$1 PR"
	D=$W/$1-pr
	echo "bench: $S: pull-request plan" >&2
	"$GEN" "$N" "$M" "$D"
	jq '.segments += [{id: "59999999", name: "New segment", field: {id: "1", name: "bench", audienceId: "1"},
	                   value: "59999999", type: "ONBOARDING"}]' "$D/state.json" >"$D/pr-state.json"
	(
		cd "$D" && git init -q -b main . && git add config &&
			git -c user.name=bench -c user.email=bench@example.com commit -q -m base &&
			git checkout -q -b feature &&
			awk '{ print } /^  - name: Bench Account 000007$/ { hit = 1 }
			     hit && /^    segments:$/ { print "      - id: \"59999999\"\n        name: New segment"; hit = 0 }' \
				config/accounts-0000.yaml >config/new.yaml && mv config/new.yaml config/accounts-0000.yaml &&
			git -c user.name=bench -c user.email=bench@example.com commit -q -a -m "one segment more"
	) || { echo "bench: the pull request's repository could not be made" >&2; exit 1; }
	start_emulator "$D/pr-state.json"
	goal=20
	[ "$N" -gt 300 ] && goal=30
	for mode in only all; do
		reset_stats
		extra=""
		[ $mode = only ] && extra=--only-changes
		(cd "$D" && GIT_DIR=$D/.git "$BIN" plan config --ref feature --base main $extra --backend liveramp \
			>"$W/pr.$mode.out" 2>"$W/pr.$mode.err") ||
			{ [ $? -eq 2 ] || { echo "bench: the pull-request plan failed:" >&2; tail -5 "$W/pr.$mode.err" >&2; exit 1; }; }
		eval "PR_$mode=\$(emu_stat '[.classes | to_entries[] | select(.key != \"token\") | .value.requests] | add')"
	done
	cmd "bench_gen $N $M DIR; git repository: main = DIR/config, feature adds one segment to one account; reconciler plan config --ref feature --base main --only-changes --backend liveramp; curl \$EMU/_admin/stats"
	row "$S" "requests, 1 account touched" "$PR_only" "$PR_all, all accounts read" "-" "<= $goal" \
		"$(met "$PR_only" "<=" "$goal")"
	stop_emulator
	rm -rf "$D" "$W/emu-state.json"
}

# Memory and CPU at more sizes: the in-sync plan only.
size_only() {
	N=${1%x*}
	M=${1#*x}
	D=$W/$1
	echo "bench: $1: memory and CPU scaling" >&2
	"$GEN" "$N" "$M" "$D"
	start_emulator "$D/state.json"
	plan_run "$W/$1.req" "$D/config" --backend liveramp
	cp "$D/state.json" "$W/sandbox.json"
	plan_run "$W/$1.local" "$D/config" --backend "local:$W/sandbox.json"
	echo "$1 $((N * M)) $(rss_mb "$W/$1.req") $(timing "$W/$1.req" 'load+check') $(timing "$W/$1.req" 'check+diff') $(timing "$W/$1.req" observe) $(rss_mb "$W/$1.local")" >>"$W/scaling"
	stop_emulator
	rm -rf "$D" "$W/emu-state.json" "$W/sandbox.json"
}

# ---- run ---------------------------------------------------------------------

LOAD0=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)
T0=$(now)
: >"$W/scaling"
for s in $SCENARIOS; do scenario "$s"; done
for s in $BARE; do bare "$s"; done
for s in $CP_SIZES; do cp_bare "$s"; done
for s in $PR_SIZES; do pr_plan "$s"; done
for s in $RSS_SIZES; do size_only "$s"; done
TOTAL=$(calc "$(now) - $T0")

# ---- the table ---------------------------------------------------------------

echo
echo "reconciler benchmarks: $(nproc 2>/dev/null) cores, load average $LOAD0 at start," \
	"latency ${LAT} ms per /v2 request, concurrency $CONC; $(fmt "$TOTAL" 0) s in all"
echo
awk -F'|' 'BEGIN {
	printf "| %-13s | %-30s | %-16s | %-26s | %-15s | %-9s | %-9s | %-3s |\n",
	       "scenario", "figure", "measured", "compared with", "ratio", "goal", "met", "cmd"
	printf "|%s|%s|%s|%s|%s|%s|%s|%s|\n", "---------------", "--------------------------------",
	       "------------------", "----------------------------", "-----------------", "-----------",
	       "-----------", "-----"
}
{ printf "| %-13s | %-30s | %-16s | %-26s | %-15s | %-9s | %-9s | %-3s |\n", $1, $2, $3, $4, $5, $6, $7, "[" $8 "]" }' "$ROWS"
echo
echo "Scaling (in-sync plan, no latency): memory and CPU per segment config (sandbox RSS: the same plan on the local sandbox)"
echo
sort -k2n "$W/scaling" | awk 'BEGIN {
	printf "| %-9s | %8s | %8s | %10s | %15s | %15s | %15s | %16s |\n", "size", "configs", "RSS MB",
	       "KB/config", "load+check cpu", "check+diff cpu", "observe cpu", "sandbox RSS"
	printf "|%s|%s|%s|%s|%s|%s|%s|%s|\n", "-----------", "----------", "----------", "------------",
	       "-----------------", "-----------------", "-----------------", "------------------"
}
{ printf "| %-9s | %8d | %8.0f | %10.2f | %7.3f s %4.1f us | %7.3f s %4.1f us | %7.3f s %4.1f us | %4.0f MB %5.2f KB |\n",
	 $1, $2, $3, $3 * 1024 / ($2 + 1), $4, $4 * 1e6 / ($2 + 1), $5, $5 * 1e6 / ($2 + 1), $6, $6 * 1e6 / ($2 + 1),
	 $7, $7 * 1024 / ($2 + 1) }' 
echo
echo "Commands (DIR: the generated org; the emulator's URL in LIVERAMP_API_URL and LIVERAMP_TOKEN_URL,"
echo "LIVERAMP_ORG_ID=test-org, LIVERAMP_ACCOUNT_ID=test-account, LIVERAMP_SECRET_KEY=$SECRET):"
cat "$CMDS"
