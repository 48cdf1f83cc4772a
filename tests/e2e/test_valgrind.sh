# The end-to-end paths under valgrind (memcheck): every command on the
# sandbox and through the emulator, with faults and error paths, must show
# no memory error and no definite or indirect leak. Each run's valgrind
# report goes to a file of its own; a report that is not empty, or
# valgrind's error exit (99), fails the check.
#
# Skipped under AddressSanitizer (`make asan`): valgrind cannot run an ASan
# binary, and ASan checks the same things there.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

REAL=$BIN
if nm "$REAL" 2>/dev/null | grep -q __asan_init; then
	pass "valgrind: skipped under AddressSanitizer (the plain build runs it)"
	exit 0
fi
if ! command -v valgrind >/dev/null 2>&1; then
	fail "valgrind: installed (apt-get install valgrind)"
	exit 0
fi
VG=$TMP/vg
mkdir -p "$VG"
BIN=$TMP/reconciler-under-valgrind
cat >"$BIN" <<EOF
#!/bin/sh
exec valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \\
	--show-leak-kinds=definite,indirect --track-origins=yes -q --log-file="$VG/%p.log" "$REAL" "\$@"
EOF
chmod +x "$BIN"

# vg NAME ARGS...: runs under valgrind; one check on its report.
runs=0
vg() {
	local name=$1
	shift
	rm -f "$VG"/*.log
	run "$@"
	runs=$((runs + 1))
	local report
	report=$(cat "$VG"/*.log 2>/dev/null)
	if [ "$RC" -eq 99 ] || [ -n "$report" ]; then
		fail "valgrind: $name" "$(printf '%s' "$report" | head -40)"
	elif [ "$RC" -ge 4 ]; then
		fail "valgrind: $name exits cleanly" "exit $RC"
	else
		pass "valgrind: $name (exit $RC)"
	fi
}

W=$TMP/work
mkdir -p "$W"
cp -r examples "$W/"
cd "$W" || exit 1
mkdir -p bad && printf 'version: 1\naccounts:\n  - {name: "A\\e", client_name: [x], identifiers: [bogus], segments: [1.5, {id: 1, id: 2}]}\nx: &a *b\n' >bad/bad.yaml
mkdir -p "$W/changed" && cat >"$W/changed/c.yaml" <<'EOF'
version: 1
settings: {prune: true}
accounts:
  - {name: Acme Kargo US, client_name: Acme Two, identifiers: [cookies, ramp_ids], segments: ["31254678", "1"]}
  - {name: New Account, client_name: N, identifiers: [cookies], segments: ["1", "2", "3"]}
EOF
printf 'version: 1\naccounts: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n' >bad/deep.yml

# ---- the sandbox ------------------------------------------------------------------------
SB="--backend=local:$W/sandbox.json"
vg "validate examples" validate examples/basic examples/ctv
vg "validate errors" validate bad bad/deep.yml examples/invalid
vg "validate --format json" validate examples/invalid --format json
vg "plan (sandbox)" plan examples/basic "$SB"
for f in json markdown github; do vg "plan --format $f (sandbox)" plan examples/basic examples/ctv "$SB" --format "$f"; done
vg "plan --out (sandbox)" plan examples/basic "$SB" --out "$W/p.json"
for f in text json markdown; do vg "show --format $f" show "$W/p.json" --format "$f"; done
vg "apply --plan (sandbox)" apply --plan "$W/p.json" --auto-approve --audit-log "$W/audit.jsonl"
vg "apply stale plan (sandbox)" apply --plan "$W/p.json" --auto-approve --audit-log "$W/audit.jsonl"
vg "apply (sandbox)" apply examples/basic examples/ctv "$SB" --auto-approve --audit-log "$W/audit.jsonl"
vg "apply blocked by a cap (sandbox)" apply changed "$SB" --auto-approve --max-changes 1 --audit-log "$W/audit.jsonl"
[ "$RC" -eq 3 ] && pass "valgrind: the cap blocked the apply (exit 3)" || fail "valgrind: the cap blocked the apply (exit 3)"
vg "drift (sandbox)" drift examples/basic "$SB"
vg "status (sandbox)" status examples/basic "$SB" --format json
vg "import (sandbox)" import "$SB" --out "$W/imported"
vg "plan of invalid config" plan bad "$SB"
vg "unknown option" plan --no-such-option

# ---- the emulator --------------------------------------------------------------------------
emu_start vg --timeout-s 2 || fail "valgrind: emulator started"
export LIVERAMP_TIMEOUT=1 LIVERAMP_MAX_RETRIES=2
vg "plan (emulator)" plan examples/basic examples/ctv --backend liveramp --format json
vg "apply (emulator)" apply examples/basic examples/ctv --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
vg "plan after apply (emulator)" plan examples/basic examples/ctv --backend liveramp --detailed-exitcode
vg "status (emulator)" status examples/basic --backend liveramp
vg "drift (emulator)" drift examples/basic --backend liveramp --format json
vg "import (emulator)" import --backend liveramp --out "$W/imported-lr"
admin POST faults '{"faults": ["create:lost:1:1", "segments_add:partial207:1:1", "token:500:1:1", "list:503:1:1",
  "update:truncated:1:1", "delete:timeout:1:1", "segments_remove:malformed:1:1", "list:expired_token:1:1"]}' >/dev/null
export RECONCILER_HTTP_DEBUG=1
vg "apply under faults, with the debug trace (emulator)" apply changed --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
unset RECONCILER_HTTP_DEBUG
admin POST faults '{"faults": ["*:reset"]}' >/dev/null
vg "apply when every request fails (emulator)" apply changed --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
admin DELETE faults >/dev/null
LIVERAMP_SECRET_KEY=wrong vg "wrong secret key (emulator)" plan changed --backend liveramp
LIVERAMP_API_URL=http://example.invalid vg "plain http refused" plan changed --backend liveramp
vg "apply converges (emulator)" apply changed --backend liveramp --auto-approve --audit-log "$W/audit.jsonl"
echo "## $runs runs under valgrind: no memory error, no leak"
true
