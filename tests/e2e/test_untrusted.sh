# Untrusted repositories and unlucky machines: the files the tool writes are
# never reached through a planted link (the sandbox's temporary file, the
# lock file, the audit log, import's files), files holding account data are
# created 0600, and a sandbox that could not be written applies nothing
# (every change reported failed, in the summary and the audit record, exit
# 1, the file and the errno named).
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/work"
cp -r examples "$TMP/work/"
cd "$TMP/work" || exit 1
SB=$TMP/work/sb/sandbox.json
B="--backend=local:$SB"
VICTIM=$TMP/victim
mode_of() { stat -c %a "$1"; }

# ---- a link planted under the old temporary name: never written through --------------
mkdir -p sb
printf 'precious\n' >"$VICTIM"
# The old writer used PATH.tmp.<pid>; pids are handed out in order, so one
# process plants links under the next few hundred.
python3 -c 'import os, sys
for p in range(os.getpid() + 1, os.getpid() + 600):
    os.symlink(sys.argv[1], "%s.tmp.%d" % (sys.argv[2], p))' "$VICTIM" "$SB"
run apply examples/basic "$B" --auto-approve
expect_rc "write: apply beside planted temporary-name links exits 0" 0
if [ "$(cat "$VICTIM")" = precious ]; then pass "write: a link planted under a temporary name is not written through"; else fail "write: a link planted under a temporary name is not written through" "victim now: $(head -c 80 "$VICTIM")"; fi
if [ -f "$SB" ] && [ ! -L "$SB" ] && jq -e .format_version "$SB" >/dev/null; then pass "write: the sandbox is a regular file holding JSON"; else fail "write: the sandbox is a regular file holding JSON"; fi
if [ "$(mode_of "$SB")" = 600 ]; then pass "write: a new sandbox is created 0600"; else fail "write: a new sandbox is created 0600" "mode $(mode_of "$SB")"; fi
if [ "$(mode_of .reconciler/audit.jsonl)" = 600 ]; then pass "write: a new audit log is created 0600"; else fail "write: a new audit log is created 0600" "mode $(mode_of .reconciler/audit.jsonl)"; fi
find sb -name 'sandbox.json.tmp.*' -type l -delete
chmod 640 "$SB"
rm -f "$SB.lock"
cp examples/basic/acme.yaml "$TMP/two.yaml"
sed -i 's/Acme Kargo US/Acme Kargo Two/' "$TMP/two.yaml"
run apply "$TMP/two.yaml" "$B" --auto-approve
if [ "$(mode_of "$SB")" = 640 ]; then pass "write: a replaced sandbox keeps the mode its owner gave it"; else fail "write: a replaced sandbox keeps the mode its owner gave it" "mode $(mode_of "$SB")"; fi

# ---- the lock file and the audit log as links -------------------------------------------
printf 'precious\n' >"$VICTIM"
rm -f "$SB.lock"
ln -s "$VICTIM" "$SB.lock"
sed -i 's/Acme Kargo Two/Acme Kargo Three/' "$TMP/two.yaml"
run apply "$TMP/two.yaml" "$B" --auto-approve
expect_rc "write: a lock file planted as a link stops apply (exit 1)" 1
expect_err "write: the error names the lock file as a link" "$SB.lock: it is a symbolic link"
if [ "$(cat "$VICTIM")" = precious ]; then pass "write: the lock link's target is untouched"; else fail "write: the lock link's target is untouched"; fi
rm -f "$SB.lock"

rm -f .reconciler/audit.jsonl
ln -s "$VICTIM" .reconciler/audit.jsonl
run apply "$TMP/two.yaml" "$B" --auto-approve
expect_rc "write: an audit log committed as a link: apply exits 1" 1
expect_err "write: record.audit names the link" "error[record.audit]: cannot append to the audit log .reconciler/audit.jsonl: it is a symbolic link"
if [ "$(cat "$VICTIM")" = precious ]; then pass "write: nothing is appended through the audit-log link"; else fail "write: nothing is appended through the audit-log link" "victim: $(head -c 200 "$VICTIM")"; fi
rm -f .reconciler/audit.jsonl

# ---- import --out: inside its directory, never through a link ---------------------------
jq '.distributionManagers[0].name = "con" | .distributionManagers[1].name = "../../Escape\u0007" ' "$SB" >"$TMP/imp.json"
mkdir -p imported
ln -s "$VICTIM" imported/con-account.yaml
run import --backend "local:$TMP/imp.json" --out imported --force
expect_rc "import: a link where a file would go: exit 1" 1
expect_err "import: the link is named, not followed" "imported/con-account.yaml is a symbolic link: not followed"
if [ "$(cat "$VICTIM")" = precious ]; then pass "import: the link's target is untouched"; else fail "import: the link's target is untouched"; fi
rm -rf imported
run import --backend "local:$TMP/imp.json" --out imported
expect_rc "import: hostile account names import" 0
bad=$(find imported -mindepth 1 | grep -vE '^imported/[a-z0-9][a-z0-9-]*\.yaml$')
if [ -z "$bad" ] && [ -f imported/con-account.yaml ] && [ -f imported/escape.yaml ] && [ ! -e "$TMP/work/../escape.yaml" ]; then pass "import: names are made safe (no '/', '..', control character, leading dot; reserved names escaped)"; else fail "import: names are made safe (no '/', '..', control character, leading dot; reserved names escaped)" "files: $(find imported | tr '\n' ' ')"; fi
modes=$(stat -c %a imported/*.yaml | sort -u | tr '\n' ' ')
if [ "$modes" = "600 " ]; then pass "import: imported files are created 0600"; else fail "import: imported files are created 0600" "modes: $modes"; fi

# ---- a full disk: nothing stored, nothing reported applied -------------------------------
# RLIMIT_FSIZE stands in for the full disk: writes past it fail (EFBIG) the
# way they fail with ENOSPC, and SIGXFSZ is ignored so the write returns.
rm -rf sb full
mkdir -p full
python3 - "$TMP/many.yaml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("version: 1\naccounts:\n")
    for a in range(3):
        f.write(f"  - name: Full {a}\n    client_name: Acme\n    identifiers: [cookies]\n    segments: [")
        f.write(", ".join(str(100000 + a * 1000 + s) for s in range(300)))
        f.write("]\n")
PY
FSB=$TMP/work/full/sandbox.json
# The output goes through pipes: the limit is for the sandbox, not for them.
{ (trap '' XFSZ; ulimit -f 64; exec "$BIN" apply "$TMP/many.yaml" --backend "local:$FSB" --auto-approve --audit-log "$TMP/full-audit.jsonl" 2>&1 >&3 </dev/null | cat >"$TMP/.err"; exit "${PIPESTATUS[0]}") 3>&1 | cat >"$TMP/.out"; RC=${PIPESTATUS[0]}; }
 OUT=$(cat "$TMP/.out"); ERR=$(cat "$TMP/.err")
expect_rc "full disk: apply exits 1" 1
expect_no_out "full disk: no change reads done" ": done"
expect_out "full disk: every change is reported not stored" "FAILED: not stored"
expect_out "full disk: the summary counts nothing applied" "Apply incomplete: 0 applied, 903 failed, 0 skipped."
if printf '%s\n' "$ERR" | grep -qxE "error\[backend\]: cannot write the sandbox $FSB: File too large"; then pass "full disk: the file and the errno on a line of their own"; else fail "full disk: the file and the errno on a line of their own"; fi
if jq -e '.outcome == "failed" and .result.applied == 0 and .result.failed == 903' "$TMP/full-audit.jsonl" >/dev/null 2>&1; then pass "full disk: the audit record says failed, 0 applied, 903 failed"; else fail "full disk: the audit record says failed, 0 applied, 903 failed" "$(cat "$TMP/full-audit.jsonl")"; fi
if [ -z "$(ls full | grep -v '\.lock$')" ]; then pass "full disk: no sandbox and no temporary file left"; else fail "full disk: no sandbox and no temporary file left" "$(ls full)"; fi
run apply "$TMP/many.yaml" --backend "local:$FSB" --auto-approve --audit-log "$TMP/full-audit.jsonl"
expect_out "full disk: with room again, the re-run applies all 903" "Apply complete: 903 applied, 0 failed"

# ---- links in a hostile repository: nothing read from outside it --------------------------
unset GIT_DIR
R=$TMP/hostile-repo
mkdir -p "$R/cfg" "$R/data" "$TMP/outside"
printf 'root:CANARYPASSWD:0:0:root:/root:/bin/bash\n' >"$TMP/outside/passwd.yaml"
cp examples/basic/acme.yaml "$TMP/outside/acct.yaml"
cp examples/basic/acme.yaml "$R/cfg/acme.yaml"
sed 's/Acme Kargo US/Inner Link/' examples/basic/acme.yaml >"$R/data/inner.yaml"
ln -s "$TMP/outside/passwd.yaml" "$R/cfg/x.yaml"
ln -s ../../outside "$R/cfg/outdir"
ln -s ../data "$R/cfg/inside"
ln -s .. "$R/cfg/loop"
git -C "$R" init -q -b main && git -C "$R" config user.name T && git -C "$R" config user.email t@example.com
git -C "$R" add -A && git -C "$R" commit -q -m hostile
for where in "work tree" "--ref main"; do
	extra=""; [ "$where" = "--ref main" ] && extra="--ref main"
	run_in "$R" validate cfg $extra
	expect_rc "links ($where): validate exits 1" 1
	expect_err "links ($where): a link to a file outside the repository is config.path, naming the link" "cfg/x.yaml: error[config.path]"
	expect_err "links ($where): a linked directory outside is refused, not walked" "cfg/outdir"
	if printf '%s' "$ERR" | grep -q CANARYPASSWD; then fail "links ($where): the outside file's content appears nowhere"; else pass "links ($where): the outside file's content appears nowhere"; fi
	if printf '%s' "$ERR" | grep -q "outdir/acct.yaml"; then fail "links ($where): nothing under the outside directory is read"; else pass "links ($where): nothing under the outside directory is read"; fi
	run_in "$R" validate cfg/inside $extra
	expect_rc "links ($where): a linked directory inside the repository is followed" 0
done
run_in "$R" validate cfg
expect_err "links (work tree): a directory loop is caught as before" "directory loop"
run_in "$R" validate cfg --format json
if printf '%s' "$OUT" | grep -q CANARYPASSWD; then fail "links: --format json quotes nothing of the outside file"; else pass "links: --format json quotes nothing of the outside file"; fi
# Outside a repository, a link may not leave the path given.
mkdir -p "$TMP/norepo/cfg"
cp examples/basic/acme.yaml "$TMP/norepo/cfg/"
ln -s "$TMP/outside/passwd.yaml" "$TMP/norepo/cfg/x.yaml"
GIT_DIR=$TMP/nothing run validate "$TMP/norepo/cfg"
expect_err "links (no repository): a link leaving the path given is config.path" "a symbolic link that points outside the path given"

# ---- provenance: dirty whenever a loaded file is not HEAD's blob --------------------------
P=$TMP/prov
mkdir -p "$P/cfg" "$P/data"
sed 's/Acme Kargo US/Prov One/' examples/basic/acme.yaml >"$P/data/one.yaml"
ln -s ../data/one.yaml "$P/cfg/one.yaml"
git -C "$P" init -q -b main && git -C "$P" config user.name T && git -C "$P" config user.email t@example.com
git -C "$P" add -A && git -C "$P" commit -q -m prov
PSB=$TMP/prov-sandbox.json
run_in "$P" apply cfg --backend "local:$PSB" --auto-approve --git-note
expect_rc "provenance: apply through a committed link exits 0" 0
OUT=$(tail -n 1 "$P/.reconciler/audit.jsonl")
expect_json "provenance: a file read through a link makes the record dirty" '.dirty == true'
if git -C "$P" notes --ref=reconciler list | grep -q .; then fail "provenance: no git note for an apply through a link"; else pass "provenance: no git note for an apply through a link"; fi
rm "$P/cfg/one.yaml"
cp "$P/data/one.yaml" "$P/cfg/one.yaml"
git -C "$P" add -A && git -C "$P" commit -q -m "a real file"
run_in "$P" apply cfg --backend "local:$PSB" --auto-approve --git-note
OUT=$(tail -n 1 "$P/.reconciler/audit.jsonl")
expect_json "provenance: committed regular files are clean" '.dirty == false'
if git -C "$P" notes --ref=reconciler list | grep -q .; then pass "provenance: a clean apply writes its note"; else fail "provenance: a clean apply writes its note"; fi
printf '\n' >>"$P/cfg/one.yaml"
run_in "$P" apply cfg --backend "local:$PSB" --auto-approve --git-note
OUT=$(tail -n 1 "$P/.reconciler/audit.jsonl")
expect_json "provenance: a modified file is dirty" '.dirty == true'
git -C "$P" checkout -q cfg/one.yaml
sed 's/Prov One/Prov Two/' "$P/cfg/one.yaml" >"$P/cfg/two.yaml"
run_in "$P" apply cfg --backend "local:$PSB" --auto-approve --git-note
OUT=$(tail -n 1 "$P/.reconciler/audit.jsonl")
expect_json "provenance: an untracked file is dirty" '.dirty == true'

# ---- drift --correct on a full disk: the same truth --------------------------------------
cd "$TMP/work" || exit 1
DSB=$TMP/work/drift/sandbox.json
run apply examples/basic --backend "local:$DSB" --auto-approve --audit-log "$TMP/drift-audit.jsonl"
jq '.distributionManagers[0].status = "INACTIVE"' "$DSB" >"$TMP/d.json" && cat "$TMP/d.json" >"$DSB"
{ (trap '' XFSZ; ulimit -f 1; exec "$BIN" drift examples/basic --backend "local:$DSB" --correct --audit-log "$TMP/drift-audit2.jsonl" 2>&1 </dev/null | cat >"$TMP/.out"; exit "${PIPESTATUS[0]}"); RC=$?; }
OUT=$(cat "$TMP/.out"); ERR=""
expect_rc "full disk: drift --correct exits 1" 1
expect_out "full disk: drift --correct counts nothing applied" "Correction incomplete: 0 applied, 1 failed"
if jq -e '.result.applied == 0 and .result.failed == 1' "$TMP/drift-audit2.jsonl" >/dev/null 2>&1; then pass "full disk: the drift record says 0 applied"; else fail "full disk: the drift record says 0 applied" "$(cat "$TMP/drift-audit2.jsonl")"; fi
