# Shared helpers for the end-to-end suites: run the real binary, check what
# it printed and how it exited, report one "ok - NAME" / "not ok - NAME"
# line per check (tests/run.sh counts them).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${RECONCILER_BIN:-$ROOT/${BUILD:-build}/reconciler}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT" || exit 1
export NO_COLOR=1
unset RECONCILER_NOW
# The suites run in the project's own checkout: without this, every apply
# there would trace itself to the project's HEAD with a git note. Suites that
# test git provenance make their own repositories and unset it.
export GIT_DIR="$TMP/not-a-repository"

OUT=""
ERR=""
RC=0

# run ARGS...: runs the binary; sets RC, OUT (stdout), ERR (stderr).
run() {
	"$BIN" "$@" >"$TMP/.out" 2>"$TMP/.err" </dev/null
	RC=$?
	OUT=$(cat "$TMP/.out")
	ERR=$(cat "$TMP/.err")
}

# run_in DIR ARGS...: the same, from another working directory.
run_in() {
	local dir=$1
	shift
	(cd "$dir" && "$BIN" "$@" >"$TMP/.out" 2>"$TMP/.err" </dev/null)
	RC=$?
	OUT=$(cat "$TMP/.out")
	ERR=$(cat "$TMP/.err")
}

pass() { echo "ok - $1"; }
fail() {
	echo "not ok - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
	echo "#   exit: $RC"
	echo "#   stdout: $(printf '%s' "$OUT" | head -c 1500)"
	echo "#   stderr: $(printf '%s' "$ERR" | head -c 1500)"
}

# expect_rc NAME CODE
expect_rc() {
	if [ "$RC" -eq "$2" ]; then pass "$1"; else fail "$1" "expected exit $2"; fi
}
# expect_out NAME TEXT: stdout contains TEXT (fixed string)
expect_out() {
	if printf '%s' "$OUT" | grep -qF -- "$2"; then pass "$1"; else fail "$1" "stdout lacks: $2"; fi
}
expect_err() {
	if printf '%s' "$ERR" | grep -qF -- "$2"; then pass "$1"; else fail "$1" "stderr lacks: $2"; fi
}
expect_no_out() {
	if printf '%s' "$OUT" | grep -qF -- "$2"; then fail "$1" "stdout has: $2"; else pass "$1"; fi
}
# expect_json NAME JQ-FILTER: stdout is JSON and the filter is true
expect_json() {
	# jq -e exits 0 on empty input: an empty OUT must fail, not pass unseen.
	if [ -z "$OUT" ]; then
		fail "$1" "no JSON to check (empty output) for: $2"
	elif printf '%s' "$OUT" | jq -e "$2" >/dev/null 2>&1; then pass "$1"; else fail "$1" "jq filter false: $2"; fi
}
