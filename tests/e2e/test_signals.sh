# SIGINT and SIGTERM during apply: the apply stops before its next change
# (the request under way is finished, never cut), the state stays whole,
# the audit record says "interrupted", the exit code is 130 / 143, and the
# next run converges with no duplicate and nothing deleted that the plan
# did not name; against the emulator (with latency, signals after N
# requests at random points) and the local sandbox (after random delays).
# Ctrl-C at the approval prompt (a real terminal, through a pty) applies
# nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

W=$TMP/work
mkdir -p "$W/config"
cd "$W" || exit 1
{
	printf 'version: 1\naccounts:\n'
	for i in 1 2 3 4 5 6 7 8; do
		printf '  - name: Sig %s\n    client_name: Sig Co\n    identifiers: [cookies]\n    segments: ["%s1", "%s2"]\n' "$i" "$i" "$i"
	done
} >config/c.yaml

emu_start sig || fail "signals: emulator started"
admin GET state >"$W/fresh.json"
run plan config --backend liveramp --format json
printf '%s' "$OUT" >"$W/plan.json"
admin DELETE requests >/dev/null
run apply config --backend liveramp --auto-approve --concurrency 1 --audit-log "$W/measure.jsonl"
expect_rc "signals: an uninterrupted apply succeeds" 0
TOTAL=$(admin GET stats | jq .requests)
# Requests before the first write: the plan's reads, made before apply
# takes signals over (a signal then ends the process: nothing was sent).
READS=$(admin GET requests | jq '[.[] | .method != "GET" and (.path | startswith("/v2/"))] | index(true)')
[ "${TOTAL:-0}" -gt 12 ] && [ "${READS:-99}" -lt $((TOTAL - 4)) ] && pass "signals: the apply takes $TOTAL requests, $READS of them reads before the first write" || fail "signals: the apply takes more than 12 requests, most of them writes" "requests: $TOTAL, reads first: $READS"

# signal_at SIG N: apply, sent SIG once the emulator has seen N requests.
signal_at() {
	local sig=$1 n=$2 want why="" pid seen=0 i
	want=$([ "$sig" = INT ] && echo 130 || echo 143)
	admin_state_load "$W/fresh.json" || why="state refused"
	admin DELETE requests >/dev/null
	admin POST faults '{"faults": [], "latency_ms": 40}' >/dev/null
	rm -f "$W/audit.jsonl"
	"$BIN" apply config --backend liveramp --auto-approve --concurrency 1 --audit-log "$W/audit.jsonl" \
		>"$W/sig.out" 2>&1 </dev/null &
	pid=$!
	local stats re='"requests": *([0-9]+)'
	for i in $(seq 1 5000); do
		stats=$(curl -s "$URL/_admin/stats")
		[[ $stats =~ $re ]] && seen=${BASH_REMATCH[1]}
		[ "${seen:-0}" -ge "$n" ] && break
		kill -0 "$pid" 2>/dev/null || break
	done
	kill -"$sig" "$pid" 2>/dev/null
	wait "$pid"
	local rc=$?
	admin DELETE faults >/dev/null
	[ -z "$why" ] && [ "$rc" -ne "$want" ] && why="exit $rc after $seen requests, expected $want: $(tail -n 3 "$W/sig.out")"
	[ -z "$why" ] && ! grep -q "Apply interrupted (SIG$sig)" "$W/sig.out" && why="no 'Apply interrupted' line"
	[ -z "$why" ] && ! jq -e '.outcome == "interrupted"' "$W/audit.jsonl" >/dev/null 2>&1 && why="audit: $(cat "$W/audit.jsonl" 2>/dev/null)"
	if [ -z "$why" ]; then
		admin GET state >"$W/state.json"
		why=$(problems_of "$W/state.json" "$W/fresh.json" "$W/plan.json")
	fi
	if [ -z "$why" ]; then
		run apply config --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
		[ "$RC" -ne 0 ] && why="the re-run exited $RC"
	fi
	if [ -z "$why" ]; then
		run plan config --backend liveramp --detailed-exitcode
		[ "$RC" -ne 0 ] && why="plan after the re-run: exit $RC"
	fi
	if [ -z "$why" ]; then
		admin GET state >"$W/state.json"
		why=$(problems_of "$W/state.json" "$W/fresh.json" "$W/plan.json")
	fi
	if [ -n "$why" ]; then
		fail "signals: SIG$sig after $n of $TOTAL requests stops cleanly, the re-run converges" "$why"
	else
		pass "signals: SIG$sig after $n of $TOTAL requests stops cleanly, the re-run converges"
	fi
}
# Once the first write is seen the apply is under way: any point from there
# to a few requests before the end (a signal during the last change finds
# nothing left to stop: that apply completes, exit 0).
for sig in INT TERM; do
	for _ in 1 2 3 4; do
		signal_at "$sig" $((READS + 1 + RANDOM % (TOTAL - READS - 4)))
	done
done
emu_stop

# ---- the local sandbox --------------------------------------------------------------------
{
	printf 'version: 1\naccounts:\n'
	for a in 1 2 3; do
		printf '  - name: Local %s\n    client_name: L\n    identifiers: [cookies]\n    segments: [' "$a"
		seq -s, $((a * 100000)) $((a * 100000 + 1499)) | tr -d '\n'
		printf ']\n'
	done
} >"$W/local.yaml"
LSB=$W/local/sandbox.json
bad=""
interrupted=0
for i in $(seq 1 10); do
	rm -rf "$W/local"
	sig=$([ $((i % 2)) = 0 ] && echo INT || echo TERM)
	rm -f "$W/local-audit.jsonl"
	"$BIN" apply "$W/local.yaml" --backend "local:$LSB" --auto-approve --audit-log "$W/local-audit.jsonl" >/dev/null 2>&1 </dev/null &
	pid=$!
	sleep "0.$(printf '%03d' $((RANDOM % 300)))"
	kill -"$sig" "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	# 0: it had finished; 130/143: stopped by the tool (an "interrupted"
	# record), or ended by the signal's default action before apply began
	# (no record) or after it had finished and recorded it ("applied").
	case $rc in 0 | 130 | 143) ;; *) bad="$bad run $i: exit $rc;" ;; esac
	if [ "$rc" -ne 0 ] && [ -s "$W/local-audit.jsonl" ]; then
		if jq -e '.outcome == "interrupted"' "$W/local-audit.jsonl" >/dev/null 2>&1; then
			interrupted=$((interrupted + 1))
		elif ! jq -e '.outcome == "applied" and .result.failed == 0 and .result.skipped == 0' "$W/local-audit.jsonl" >/dev/null 2>&1; then
			bad="$bad run $i: exit $rc with record $(cat "$W/local-audit.jsonl");"
		fi
	fi
	if [ -e "$LSB" ] && ! jq -e "($JQ_UNIQUE_NAMES) and ($JQ_UNIQUE_CONFIGS)" "$LSB" >/dev/null 2>&1; then bad="$bad run $i: sandbox not whole;"; fi
	run apply "$W/local.yaml" --backend "local:$LSB" --auto-approve --audit-log "$W/local-audit.jsonl"
	[ "$RC" -ne 0 ] && bad="$bad run $i: re-run exit $RC;"
	run plan "$W/local.yaml" --backend "local:$LSB" --detailed-exitcode
	[ "$RC" -ne 0 ] && bad="$bad run $i: not converged;"
	if ! jq -e "($JQ_UNIQUE_NAMES) and ($JQ_UNIQUE_CONFIGS)" "$LSB" >/dev/null 2>&1; then bad="$bad run $i: duplicates;"; fi
done
if [ -z "$bad" ]; then pass "signals: local: 10 signals at random delays, the sandbox whole, each re-run converges ($interrupted stopped by the tool)"; else fail "signals: local: 10 signals at random delays, the sandbox whole, each re-run converges" "$bad"; fi

# ---- Ctrl-C at the approval prompt ----------------------------------------------------------
rm -rf "$W/prompt"
python3 - "$BIN" "$W/local.yaml" "local:$W/prompt/sandbox.json" >"$W/prompt.out" 2>&1 <<'PY'
import os, pty, select, signal, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "apply", sys.argv[2], "--backend", sys.argv[3],
                           "--audit-log", os.path.dirname(sys.argv[3][6:]) + "/audit.jsonl"])
# Every wait has a deadline: a tool that hangs fails this check, it does not
# stall the run.
def read_until(done, seconds):
    global out
    deadline = time.time() + seconds
    while not done() and time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.time()))
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return True
        if not chunk:
            return True
        out += chunk
    return done()
out = b""
read_until(lambda: b"Enter a value:" in out, 60)
os.write(fd, b"\x03")  # the terminal turns it into SIGINT
if not read_until(lambda: False, 60):
    os.kill(pid, signal.SIGKILL)
    print("HUNG after Ctrl-C")
_, status = os.waitpid(pid, 0)
print(out.decode(errors="replace")[-300:])
print("EXIT", os.waitstatus_to_exitcode(status))
PY
if grep -q "EXIT 130" "$W/prompt.out" && grep -q "nothing was applied" "$W/prompt.out"; then pass "signals: Ctrl-C at the prompt exits 130 and says nothing was applied"; else fail "signals: Ctrl-C at the prompt exits 130 and says nothing was applied" "$(tail -n 5 "$W/prompt.out")"; fi
if [ ! -e "$W/prompt/sandbox.json" ] || jq -e '.distributionManagers == []' "$W/prompt/sandbox.json" >/dev/null 2>&1; then pass "signals: Ctrl-C at the prompt applies nothing"; else fail "signals: Ctrl-C at the prompt applies nothing"; fi
if [ ! -s "$W/prompt/audit.jsonl" ]; then pass "signals: Ctrl-C at the prompt records nothing"; else fail "signals: Ctrl-C at the prompt records nothing"; fi
