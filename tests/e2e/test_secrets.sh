# Secrets and injection. A canary secret key, and the access tokens the
# emulator issues (known in advance: its token generator is seeded, so a
# throwaway emulator with the same --seed tells the first 150), must appear
# in no stdout, stderr, plan file, audit log, git note, imported file or
# RECONCILER_HTTP_DEBUG trace, across every command, with and without the
# trace, and under faults of the token endpoint (a cut or garbled token
# answer must not be echoed). Credentials files readable by group or others
# are refused; TLS verification cannot be turned off by any variable or
# flag; plain http to a host other than this machine is refused before any
# connection; Markdown and GitHub output escape every user-supplied string.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_emulator.sh"

SEED=4242
# ---- the tokens the emulator will issue ---------------------------------------------
emu_start tokens --seed "$SEED" || fail "secrets: emulator started"
for _ in $(seq 1 150); do
	curl -s -d "grant_type=password&username=test-account&password=$SECRET&scope=openid&client_id=liveramp-api&response_type=token" \
		"$URL/authn/v1/oauth2/token" | jq -r .access_token
done >"$TMP/tokens"
emu_stop
if [ "$(grep -cE '^[0-9a-f]{64}$' "$TMP/tokens")" -eq 150 ]; then pass "secrets: the 150 tokens to come are known"; else fail "secrets: the 150 tokens to come are known"; fi

emu_start main --seed "$SEED" --timeout-s 2 || fail "secrets: emulator started"
export LIVERAMP_TIMEOUT=1 LIVERAMP_MAX_RETRIES=2

# ---- every command, in a git repository (apply writes notes) ----------------------------
unset GIT_DIR
REPO=$TMP/repo
mkdir -p "$REPO/config"
cd "$REPO" || exit 1
git init -q . && git config user.name Test && git config user.email test@example.invalid
write_config() { # N: a configuration that differs with N
	cat >config/acme.yaml <<EOF
version: 1
accounts:
  - name: Acme Kargo US
    client_name: Acme Inc $1
    identifiers: [cookies]
    segments: ["31254678", "3125467$1"]
  - name: Acme CTV
    client_name: Acme Inc
    identifiers: [ctv_ids, ramp_ids]
    segments: ["31254690"]
EOF
	git add config && git commit -qm "config $1"
}
ALL=$TMP/all-output
: >"$ALL"
# sec ARGS...: run, keeping everything printed.
sec() {
	run "$@"
	printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL"
	if crashed || [ "$RC" -ge 4 ]; then fail "secrets: $* exits cleanly" "exit $RC"; fi
}

n=1
for debug in 0 1; do
	if [ "$debug" = 1 ]; then export RECONCILER_HTTP_DEBUG=1; else unset RECONCILER_HTTP_DEBUG; fi
	write_config "$n"
	sec validate config
	for f in text json markdown github; do
		sec plan config --backend liveramp --format "$f"
	done
	sec plan config --backend liveramp --out "plan-$debug.json"
	for f in text json markdown; do
		sec show "plan-$debug.json" --format "$f"
	done
	sec apply --plan "plan-$debug.json" --auto-approve --backend liveramp --git-note
	[ "$RC" -eq 0 ] && pass "secrets: apply (debug=$debug) exits 0" || fail "secrets: apply (debug=$debug) exits 0"
	sec apply config --auto-approve --backend liveramp --git-note
	sec apply config --dry-run --backend liveramp
	sec drift config --backend liveramp
	sec drift config --backend liveramp --format json
	sec drift config --backend liveramp --correct
	sec status config --backend liveramp
	sec status config --backend liveramp --format json
	sec import --backend liveramp --out "import-$debug"
	n=$((n + 1))
done
expect_err "secrets: the trace was on (it redacts Authorization)" "Authorization: [redacted]"

# The error paths: token answers cut, garbled or refused, tokens expiring
# (the trace on, with another value: any but 0 turns it on).
export RECONCILER_HTTP_DEBUG=2
for spec in token:truncated:1:3 token:malformed:1:3 token:500:1:1 token:lost:1:1 list:expired_token:1:2 \
	create:truncated:1:1 '*:truncated:0.3:5' token:truncated; do
	admin POST faults "{\"faults\": [\"$spec\"]}" >/dev/null
	write_config "$n"
	n=$((n + 1))
	sec plan config --backend liveramp --out "plan-fault.json"
	sec apply config --auto-approve --backend liveramp --git-note
	sec status config --backend liveramp
done
admin DELETE faults >/dev/null
(
	export LIVERAMP_SECRET_KEY=CANARY-wrong-key-0c1d
	sec plan config --backend liveramp
	[ "$RC" -eq 1 ] && pass "secrets: a wrong key is refused (exit 1)" || fail "secrets: a wrong key is refused (exit 1)"
	if grep -qF CANARY-wrong-key-0c1d "$ALL"; then fail "secrets: a wrong key is not echoed"; else pass "secrets: a wrong key is not echoed"; fi
)
unset RECONCILER_HTTP_DEBUG
tokens_issued=$(admin GET stats | jq '.classes.token.statuses["200"] // 0')
[ "$tokens_issued" -ge 2 ] && [ "$tokens_issued" -le 150 ] &&
	pass "secrets: $tokens_issued tokens issued, all of them known" ||
	fail "secrets: between 2 and 150 tokens issued" "issued: $tokens_issued"

# Everything written: the plan files, the audit log, the notes, imports.
git notes --ref=reconciler list >"$TMP/notes-list" 2>/dev/null
while read -r _ commit; do git notes --ref=reconciler show "$commit"; done <"$TMP/notes-list" >"$TMP/notes" 2>&1
[ -s "$TMP/notes" ] && pass "secrets: apply wrote git notes ($(wc -l <"$TMP/notes-list"))" || fail "secrets: apply wrote git notes"
[ -s .reconciler/audit.jsonl ] && pass "secrets: apply wrote the audit log" || fail "secrets: apply wrote the audit log"
ls import-0/*.yaml >/dev/null 2>&1 && pass "secrets: import wrote files" || fail "secrets: import wrote files"
SCAN="$ALL $TMP/notes"
for f in plan-*.json .reconciler/audit.jsonl import-*/*.yaml; do [ -f "$f" ] && SCAN="$SCAN $REPO/$f"; done

# leaks FILE...: the secret, or any 12 digits of a token at a multiple of
# 12: every piece of 23 digits or more holds one.
for c in 1-12 13-24 25-36 37-48 49-60 53-64; do cut -c"$c" "$TMP/tokens"; done >"$TMP/token-prefixes"
leaks() {
	# shellcheck disable=SC2086
	grep -lF -e "$SECRET" -f "$TMP/token-prefixes" "$@" 2>/dev/null
}
printf 'a line with %s in it\n' "$(sed -n 7p "$TMP/tokens" | cut -c5-30)" >"$TMP/planted"
if leaks "$TMP/planted" >/dev/null; then pass "secrets: the scan finds a planted token fragment"; else fail "secrets: the scan finds a planted token fragment"; fi
# shellcheck disable=SC2086
found=$(leaks $SCAN)
[ -z "$found" ] && pass "secrets: no secret key and no token in any output, plan, audit record, note or import" ||
	fail "secrets: no secret key and no token in any output, plan, audit record, note or import" "in: $found" \
		"$(grep -hoF -e "$SECRET" -f "$TMP/token-prefixes" $SCAN | head -3)"
# shellcheck disable=SC2086
if grep -qE 'access_token|Authorization: *Bearer|Bearer [0-9a-f]{12}' $SCAN; then
	fail "secrets: no token field or bearer header in any output" "$(grep -hE 'access_token|Authorization: *Bearer|Bearer [0-9a-f]{12}' $SCAN | head -3)"
else
	pass "secrets: no token field or bearer header in any output"
fi
cd "$ROOT" || exit 1
export GIT_DIR="$TMP/not-a-repository"

# ---- credentials files --------------------------------------------------------------------
(
	unset LIVERAMP_ACCOUNT_ID LIVERAMP_SECRET_KEY
	export LIVERAMP_CREDENTIALS_FILE=$TMP/creds.json
	printf '{"account_id": "test-account", "secret_key": "%s"}\n' "$SECRET" >"$LIVERAMP_CREDENTIALS_FILE"
	mkdir -p "$TMP/empty" && printf 'version: 1\naccounts: []\n' >"$TMP/empty/none.yaml"
	for mode in 644 640 604 660 606 666 444; do
		chmod "$mode" "$LIVERAMP_CREDENTIALS_FILE"
		admin DELETE requests >/dev/null
		run plan "$TMP/empty" --backend liveramp
		reqs=$(admin GET requests | jq length)
		if [ "$RC" -eq 1 ] && printf '%s' "$ERR" | grep -qF "chmod 600" && [ "$reqs" -eq 0 ]; then
			pass "secrets: a credentials file with mode $mode is refused before any request"
		else
			fail "secrets: a credentials file with mode $mode is refused before any request" "requests: $reqs"
		fi
		printf '%s\n%s\n' "$OUT" "$ERR" | grep -qF "$SECRET" && fail "secrets: mode $mode: the key is not echoed"
	done
	for mode in 600 400; do
		chmod "$mode" "$LIVERAMP_CREDENTIALS_FILE"
		run plan "$TMP/empty" --backend liveramp
		expect_rc "secrets: a credentials file with mode $mode is accepted" 0
	done
	chmod 600 "$LIVERAMP_CREDENTIALS_FILE"
	ln -s "$LIVERAMP_CREDENTIALS_FILE" "$TMP/creds-link.json"
	chmod 644 "$LIVERAMP_CREDENTIALS_FILE"
	LIVERAMP_CREDENTIALS_FILE=$TMP/creds-link.json run plan "$TMP/empty" --backend liveramp
	expect_rc "secrets: a link to a loose credentials file is refused" 1
	LIVERAMP_CREDENTIALS_FILE=$TMP run plan "$TMP/empty" --backend liveramp
	expect_rc "secrets: a directory as the credentials file is refused" 1
)

# ---- TLS verification cannot be turned off ---------------------------------------------------
INSECURE_ENV="LIVERAMP_INSECURE=1 LIVERAMP_TLS_VERIFY=0 LIVERAMP_SSL_VERIFY=false LIVERAMP_VERIFY_TLS=0
  LIVERAMP_SKIP_TLS_VERIFY=1 RECONCILER_INSECURE=1 RECONCILER_TLS_VERIFY=0 RECONCILER_SKIP_TLS_VERIFY=true
  CURL_INSECURE=1 CURLOPT_SSL_VERIFYPEER=0 GIT_SSL_NO_VERIFY=1 NODE_TLS_REJECT_UNAUTHORIZED=0 PYTHONHTTPSVERIFY=0"
if command -v openssl >/dev/null 2>&1; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/tls.key" -out "$TMP/tls.crt" -days 2 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
	openssl s_server -accept 127.0.0.1:0 -cert "$TMP/tls.crt" -key "$TMP/tls.key" -www \
		>"$TMP/tls.out" 2>&1 </dev/null &
	echo $! >>"$TMP/.emulator-pids"
	for _ in $(seq 1 100); do grep -q '^ACCEPT' "$TMP/tls.out" && break; sleep 0.05; done
	TLS_PORT=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$TMP/tls.out")
	(
		export LIVERAMP_API_URL=https://127.0.0.1:$TLS_PORT LIVERAMP_TOKEN_URL=https://127.0.0.1:$TLS_PORT/token
		export LIVERAMP_MAX_RETRIES=0
		run plan examples/basic --backend liveramp
		if [ "$RC" -eq 1 ] && printf '%s' "$ERR" | grep -qiE 'certificate|SSL'; then
			pass "secrets: a self-signed certificate is refused"
		else
			fail "secrets: a self-signed certificate is refused"
		fi
		# shellcheck disable=SC2086
		env $INSECURE_ENV "$BIN" plan examples/basic --backend liveramp >"$TMP/.out" 2>"$TMP/.err" </dev/null
		RC=$?
		ERR=$(cat "$TMP/.err")
		if [ "$RC" -eq 1 ] && printf '%s' "$ERR" | grep -qiE 'certificate|SSL'; then
			pass "secrets: no environment variable turns certificate checks off"
		else
			fail "secrets: no environment variable turns certificate checks off"
		fi
		for flag in --insecure -k --no-verify --tls-verify=false --skip-tls-verify --no-check-certificate; do
			for cmd in plan apply drift status import; do
				run "$cmd" --backend liveramp "$flag"
				[ "$RC" -eq 1 ] || fail "secrets: $cmd $flag is refused as an unknown option" "exit $RC"
			done
		done
		pass "secrets: no command takes a flag that turns certificate checks off"
	)
else
	fail "secrets: openssl is installed (for the TLS checks)"
fi
if grep -rnE 'CURLOPT_SSL_VERIFY(PEER|HOST|STATUS)[^;]*, *0' reconciler/ >/dev/null; then
	fail "secrets: the source never sets CURLOPT_SSL_VERIFY* to 0"
else
	pass "secrets: the source never sets CURLOPT_SSL_VERIFY* to 0"
fi

# ---- plain http only to this machine, refused before any connection --------------------------
for url in http://example.invalid http://10.0.0.1 http://10.0.0.1:8080/activation "http://127.0.0.1@10.0.0.1" \
	http://127.0.0.1.example.invalid http://localhost.example.invalid "http://[::ffff:10.0.0.1]" http://0.0.0.0; do
	for var in LIVERAMP_API_URL LIVERAMP_TOKEN_URL; do
		t0=$(date +%s%N)
		env "$var=$url" LIVERAMP_CONNECT_TIMEOUT=5 "$BIN" plan examples/basic --backend liveramp \
			>"$TMP/.out" 2>"$TMP/.err" </dev/null
		RC=$?
		ms=$((($(date +%s%N) - t0) / 1000000))
		ERR=$(cat "$TMP/.err")
		if [ "$RC" -eq 1 ] && [ "$ms" -lt 3000 ] && printf '%s' "$ERR" | grep -qE 'plain http|not a URL'; then
			pass "secrets: $var=$url is refused before connecting ($ms ms)"
		else
			fail "secrets: $var=$url is refused before connecting" "$ms ms"
		fi
	done
done

# ---- Markdown and GitHub output cannot be injected ----------------------------------------------
M=$TMP/md
mkdir -p "$M"
cat >"$M/c.yaml" <<'EOF'
version: 1
settings:
  prune: true
accounts:
  - name: "</details><script>alert(1)</script>"
    client_name: "<img src=x onerror=alert(1)>"
    identifiers: [cookies]
    segments:
      - {id: "101", name: "[x](javascript:alert(1))"}
      - {id: "102", name: "| table | injection |"}
  - name: "[x](javascript:alert(1))"
    client_name: "`code` @mention"
    identifiers: [cookies]
    segments:
      - {id: "103", name: "@mention ```fence"}
      - {id: "104", name: "</summary></details><h1>hi</h1>"}
  - name: "| table | @mention |"
    client_name: "**bold** _it_ # h <!-- x"
    identifiers: [cookies]
  - name: "`tick` ``` @org/team ![i](http://x/y.png)"
    client_name: "C"
    identifiers: [cookies]
    segments:
      - {id: "105", name: "\e[31mred\e]8;;http://evil\a"}
EOF
# An account only the backend knows, with a hostile name: pruned, so shown.
run apply "$M/c.yaml" --backend "local:$M/sb.json" --auto-approve --audit-log "$M/audit.jsonl"
jq '.integrationConnections += [.integrationConnections[0] | .id = "icX"]
  | .distributionManagers += [{id: "dmX", name: "</details><script>@ops-team</script>", integrationConnectionID: "icX",
      status: "ACTIVE", expireAt: null}]
  | .distributionManagers[0].name = "<b>renamed</b> @ops"' "$M/sb.json" >"$M/sb2.json"
run plan "$M/c.yaml" --backend "local:$M/sb2.json" --format markdown --out "$M/plan.json"
printf '%s\n' "$OUT" >"$M/plan.md"
expect_json_file() { if jq -e "$2" "$3" >/dev/null 2>&1; then pass "$1"; else fail "$1" "jq: $2"; fi; }
expect_json_file "secrets: the hostile plan deletes the backend's hostile account" \
	'[.changes[] | select(.action == "delete" and (.account | test("script")))] | length == 1' "$M/plan.json"
run show "$M/plan.json" --format markdown
printf '%s\n' "$OUT" >"$M/show.md"
for md in plan.md show.md; do
	f=$M/$md
	bad=""
	for s in '<script' '<img' '<h1' '<b>renamed' '<!--' '](javascript:' '![i](' '**bold**'; do
		grep -qF -- "$s" "$f" && bad="$bad [$s]"
	done
	grep -qE '@[A-Za-z0-9]' "$f" && bad="$bad [@mention]"
	grep -q $'\e' "$f" && bad="$bad [ESC]"
	[ -z "$bad" ] && pass "secrets: $md: no user string opens HTML, a link, an image, emphasis or a mention" ||
		fail "secrets: $md: no user string opens HTML, a link, an image, emphasis or a mention" "found:$bad"
	opens=$(grep -o '<details>' "$f" | wc -l)
	closes=$(grep -o '</details>' "$f" | wc -l)
	[ "$opens" -ge 3 ] && [ "$opens" -eq "$closes" ] && pass "secrets: $md: <details> sections balance ($opens)" ||
		fail "secrets: $md: <details> sections balance" "$opens open, $closes closed"
	# List items: the renderer's own `code` span only, no unescaped pipe.
	odd=$(grep '^- ' "$f" | sed 's/\\[`|]//g' | awk '{ t = gsub(/`/, "`"); p = gsub(/\|/, "|"); if (t != 2 || p != 0) print }')
	[ -z "$odd" ] && pass "secrets: $md: backticks and pipes in names are escaped" ||
		fail "secrets: $md: backticks and pipes in names are escaped" "$odd"
	rows=$(grep -c '^|' "$f")
	[ "$rows" -eq 3 ] && pass "secrets: $md: no name starts a table row" || fail "secrets: $md: no name starts a table row" "$rows rows"
done
for f in text json github; do
	run plan "$M/c.yaml" --backend "local:$M/sb2.json" --format "$f"
	if printf '%s' "$OUT$ERR" | grep -q $'[\e\a]'; then
		fail "secrets: plan --format $f prints no raw control character"
	else
		pass "secrets: plan --format $f prints no raw control character"
	fi
done
true
