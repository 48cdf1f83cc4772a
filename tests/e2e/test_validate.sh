# reconciler validate, end to end: valid examples, one invalid example per
# rule id (examples/invalid, each naming its diagnostic in an "# expect:"
# comment), a directory of further bad inputs (tests/e2e/bad), and the
# output formats.
. "$(dirname "$0")/lib.sh"

for ex in examples/basic examples/ctv; do
	run validate "$ex"
	expect_rc "validate $ex exits 0" 0
	expect_out "validate $ex says valid" "Valid:"
done

# Every "# expect: error[RULE] LINE:COL" line must be produced exactly, and
# the file must produce no error that is not expected.
check_expectations() {
	local f=$1
	run validate "$f"
	if [ "$RC" -ne 1 ]; then
		fail "$f exits 1" "expected exit 1"
		return
	fi
	local expected got missing="" extra=""
	expected=$(sed -n 's/^# expect: \(error\|warning\)\[\([^]]*\)\] \([0-9]*:[0-9]*\).*/\3: \1[\2]/p' "$f")
	if [ -z "$expected" ]; then
		fail "$f has an expect comment" "no '# expect:' line"
		return
	fi
	while IFS= read -r e; do
		printf '%s\n' "$ERR" | grep -qF -- "$f:$e" || missing="$missing [$e]"
	done <<<"$expected"
	got=$(printf '%s\n' "$ERR" | sed -n "s|^$f:\([0-9]*:[0-9]*: error\[[^]]*\]\).*|\1|p")
	while IFS= read -r g; do
		[ -z "$g" ] && continue
		printf '%s\n' "$expected" | grep -qxF -- "$g" || extra="$extra [$g]"
	done <<<"$got"
	if [ -z "$missing" ] && [ -z "$extra" ]; then
		pass "$f gives exactly its expected diagnostics"
	else
		fail "$f gives exactly its expected diagnostics" "missing:$missing" "unexpected:$extra"
	fi
}

n=0
for f in examples/invalid/*.yaml tests/e2e/bad/*.yaml tests/e2e/bad/*.yml; do
	[ -f "$f" ] || continue
	check_expectations "$f"
	n=$((n + 1))
done
if [ "$n" -ge 50 ]; then pass "at least 50 invalid inputs checked ($n)"; else fail "at least 50 invalid inputs checked" "only $n"; fi

# Every public rule id has an example in examples/invalid.
for rule in yaml.syntax schema.required schema.type schema.unknown_field schema.duplicate_key \
	schema.version account.name account.expire_at kargo.client_name kargo.identifiers \
	kargo.precision kargo.record_sync kargo.raw_fields kargo.duplicate_segment_names \
	kargo.segment_name kargo.marketplace segment.id; do
	if grep -lq "^# expect: error\[$rule\]" examples/invalid/*.yaml; then
		pass "rule $rule has an example"
	else
		fail "rule $rule has an example" "no examples/invalid file expects it"
	fi
done

# Hints accompany errors.
run validate examples/invalid/kargo-identifiers-mobile.yaml
expect_err "text output carries a hint line" "  hint: "
expect_err "text output counts errors" "1 error"

# JSON format.
run validate examples/invalid/kargo-precision.yaml --format json
expect_rc "json: invalid exits 1" 1
expect_json "json: valid is false" '.valid == false'
expect_json "json: diagnostic fields" '.diagnostics[0] | .severity == "error" and .rule == "kargo.precision" and .file == "examples/invalid/kargo-precision.yaml" and .line == 8 and .column == 16 and (.message | length > 0) and (.hint | length > 0)'
run validate examples/basic --format json
expect_rc "json: valid exits 0" 0
expect_json "json: valid is true" '.valid == true and (.diagnostics | length) == 0'

# GitHub annotations.
run validate examples/invalid/kargo-record-sync.yaml --format github
expect_rc "github: invalid exits 1" 1
expect_out "github: annotation at the line" "::error file=examples/invalid/kargo-record-sync.yaml,line=8,col=18,title=kargo.record_sync::"

# Several paths, and the default path ".".
run validate examples/basic examples/ctv
expect_rc "two paths validate together" 0
run_in examples/basic validate
expect_rc "default path is the working directory" 0

# A directory is walked recursively in sorted order; dot-directories skipped.
mkdir -p "$TMP/cfg/b" "$TMP/cfg/.hidden" "$TMP/cfg/a"
cp examples/basic/*.yaml "$TMP/cfg/a/"
printf 'version: 1\naccounts: []\n' >"$TMP/cfg/b/empty.yml"
printf 'not: [valid\n' >"$TMP/cfg/.hidden/broken.yaml"
printf 'this is not yaml: [\n' >"$TMP/cfg/notes.txt"
run validate "$TMP/cfg"
expect_rc "dot-directories and non-YAML files are skipped" 0

# The same account declared in two files names both places.
mkdir -p "$TMP/dup"
cp examples/basic/*.yaml "$TMP/dup/1.yaml"
cp examples/basic/*.yaml "$TMP/dup/2.yaml"
run validate "$TMP/dup"
expect_rc "duplicate across files exits 1" 1
expect_err "duplicate across files names the first file" "$TMP/dup/1.yaml"

# A missing path is an error, not an empty config.
run validate "$TMP/does-not-exist"
expect_rc "missing path exits 1" 1

# Unknown format.
run validate examples/basic --format yaml
expect_rc "unknown format exits 1" 1
expect_err "unknown format names the choices" "text json github"
