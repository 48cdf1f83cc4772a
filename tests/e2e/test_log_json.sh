# --log-format json / RECONCILER_LOG_FORMAT=json: every line on stderr is
# one JSON object (level, rule, file, line, column, message, hint, time),
# diagnostics with their positions, progress events of the API backend,
# and the commands' own messages; stdout is untouched.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

KEYS='["column","file","hint","level","line","message","rule","time"]'
# every_line_json NAME: each stderr line is an object with exactly KEYS
every_line_json() {
	if [ -n "$ERR" ] && printf '%s\n' "$ERR" | jq -es --argjson k "$KEYS" \
		'length > 0 and all(.[]; type == "object" and (keys == $k) and
		 (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z$")))' >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1" "a stderr line is not one JSON log object"
	fi
}
# err_json NAME JQ: some stderr object makes JQ true
err_json() {
	if printf '%s\n' "$ERR" | jq -es "any(.[]; $2)" >/dev/null 2>&1; then pass "$1"; else fail "$1" "no line: $2"; fi
}

run validate examples/invalid/kargo-client-name.yaml --log-format json
expect_rc "json log: validate still exits 1" 1
every_line_json "json log: validate's stderr is JSON lines"
err_json "json log: the diagnostic keeps rule, file, line, column and hint" \
	'.level == "error" and .rule == "kargo.client_name" and .file == "examples/invalid/kargo-client-name.yaml" and .line == 5 and .column == 5 and (.hint | test("client_name"))'

RECONCILER_LOG_FORMAT=json run validate examples/invalid/account-expire-at-past.yaml examples/basic
every_line_json "json log: RECONCILER_LOG_FORMAT=json works too"

run --log-format=json validate examples/basic --format json
expect_rc "json log: --log-format=VALUE anywhere" 0
expect_json "json log: stdout stays the machine format" '.valid == true'

RECONCILER_LOG_FORMAT=json run plan --bogus
expect_rc "json log: a bad option still exits 1" 1
every_line_json "json log: getopt's message is a JSON line"
err_json "json log: getopt's message is an error" '.level == "error" and (.message | test("bogus"))'

run plan --log-format xml
expect_rc "json log: an unknown log format is refused" 1
expect_err "json log: ... naming the choices" "choose from: text json"
RECONCILER_LOG_FORMAT=yaml run version
expect_rc "json log: ... from the environment too" 1

RECONCILER_LOG_FORMAT=text run validate examples/invalid/kargo-client-name.yaml
expect_err "json log: text is the default format" "error[kargo.client_name]"

mkdir -p "$TMP/w" && cp -r examples/basic "$TMP/w/cfg"
run_in "$TMP/w" apply cfg --auto-approve --log-format json
expect_rc "json log: apply works" 0
every_line_json "json log: apply's messages are JSON lines"
err_json "json log: the audit message is an info event" '.level == "info" and (.message | test("audit log"))'
expect_out "json log: apply's report stays on stdout" "Apply complete"
err_json "json log: each change applied is an event" \
	'.rule == "apply" and .level == "info" and .message == "add segment 31254679 on \"Acme Kargo US\": done"'

# Progress of the API backend: events, not a terminal line.
emu_start org
run_in "$TMP/w" plan cfg --backend liveramp --log-format json
expect_rc "json log: plan against the API works" 0
every_line_json "json log: the API backend's stderr is JSON lines"
err_json "json log: progress events name the rule progress" '.rule == "progress" and .level == "info" and (.message | test("^observing: [0-9]+/[0-9]+ "))'

# A change that fails is an error event.
emu_start failing --fault create:500
run_in "$TMP/w" apply cfg --backend liveramp --auto-approve --log-format json
expect_rc "json log: an apply that fails exits 1" 1
every_line_json "json log: the failing apply's stderr is JSON lines"
err_json "json log: the failed change is an error event" '.rule == "apply" and .level == "error" and (.message | test("create account .*FAILED"))'
