# The command line itself: help, version, unknown commands, colour.
. "$(dirname "$0")/lib.sh"

run --help
expect_rc "--help exits 0" 0
for c in validate plan apply show version help; do
	expect_out "--help lists $c" "  $c "
done
run help validate
expect_rc "help validate exits 0" 0
expect_out "help validate shows usage" "usage: reconciler validate"
run help nosuch
expect_rc "help for an unknown command exits 1" 1
run version
expect_rc "version exits 0" 0
expect_out "version names the tool" "reconciler 0."
run nosuch
expect_rc "unknown command exits 1" 1
expect_err "unknown command goes to stderr" "'nosuch' is not a command"
run
expect_rc "no command exits 1" 1
run validate --help
expect_rc "validate --help exits 0" 0
expect_out "validate --help shows usage" "usage: reconciler validate"

# Colour: never when not a terminal; with a terminal only without NO_COLOR.
run validate examples/invalid/kargo-precision.yaml
if printf '%s' "$ERR" | grep -q $'\033'; then fail "no colour when not a terminal"; else pass "no colour when not a terminal"; fi
if command -v script >/dev/null 2>&1; then
	out=$(env -u NO_COLOR TERM=xterm script -qec "$BIN validate examples/invalid/kargo-precision.yaml" /dev/null 2>&1)
	if printf '%s' "$out" | grep -q $'\033\['; then pass "colour on a terminal"; else RC=0; OUT=$out; fail "colour on a terminal"; fi
	out=$(NO_COLOR=1 TERM=xterm script -qec "$BIN validate examples/invalid/kargo-precision.yaml" /dev/null 2>&1)
	if printf '%s' "$out" | grep -q $'\033\['; then RC=0; OUT=$out; fail "NO_COLOR disables colour on a terminal"; else pass "NO_COLOR disables colour on a terminal"; fi
fi
