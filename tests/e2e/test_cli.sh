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

# Did you mean: commands and flags; one error prefix; extra arguments refused.
run aply
expect_rc "a mistyped command exits 1" 1
expect_err "a mistyped command gets a did you mean" "'aply' is not a command; did you mean 'apply'?"
run plan --formt json
expect_rc "a mistyped flag exits 1" 1
expect_err "a mistyped flag gets a did you mean, with the command's prefix" \
	"reconciler plan: unknown option '--formt'; did you mean '--format'?"
run apply --auto-aprove
expect_err "apply: a mistyped flag gets a did you mean" "did you mean '--auto-approve'?"
run validate --bogus-thing
expect_err "an unknown flag with nothing near is named" "reconciler validate: unknown option '--bogus-thing'"
if printf '%s' "$ERR" | grep -q "did you mean"; then fail "nothing near: no suggestion"; else pass "nothing near: no suggestion"; fi
run plan --format
expect_rc "a flag without its value exits 1" 1
expect_err "a flag without its value says so" "reconciler plan: option '--format' needs a value"
run version extra
expect_rc "version refuses an extra argument" 1
expect_err "version names the extra argument" "reconciler version: unexpected argument 'extra'"
run help plan extra
expect_rc "help refuses a second argument" 1
expect_err "help names the extra argument" "reconciler help: unexpected argument 'extra'"
run help nosuch
expect_err "help's error has its prefix" "reconciler help: no help for 'nosuch'"
