# --metrics-file FILE on drift, status and apply: the Prometheus text
# exposition format (promtool check metrics, when Debian's prometheus
# package is installed), per org and account, written atomically and never
# through a link, also when the run fails.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/w/cfg"
cd "$TMP/w" || exit 1
cat >cfg/acme.yaml <<'YAML'
version: 1
accounts:
  - name: Acme Kargo US
    client_name: Acme Inc
    identifiers: [cookies]
    segments: ["1001", "1002"]
  - name: 'Quote "and" back\slash'
    client_name: Acme Inc
    identifiers: [ramp_ids]
    segments: ["2001"]
YAML

# metric NAME FILE SERIES VALUE: FILE has the sample SERIES with VALUE
metric() {
	if grep -qxF -- "$3 $4" "$2"; then pass "$1"; else fail "$1" "no line: $3 $4" "$(grep -v '^#' "$2" | head -40)"; fi
}
# promtool_ok NAME FILE
promtool_ok() {
	if ! command -v promtool >/dev/null 2>&1; then
		echo "ok - $1 # skip: promtool (Debian: prometheus) not installed"
	elif promtool check metrics <"$2" >"$TMP/.prom" 2>&1; then
		pass "$1"
	else
		fail "$1" "$(cat "$TMP/.prom")"
	fi
}
L='command="drift",org="local:.reconciler/sandbox.json"'
A='account="Acme Kargo US"'

run drift cfg --metrics-file drift.prom
expect_rc "metrics: drift finds drift" 2
promtool_ok "metrics: drift's file passes promtool check metrics" drift.prom
metric "metrics: drift's outcome" drift.prom "reconciler_run_outcome{$L,outcome=\"drift\"}" 1
metric "metrics: drift's exit code" drift.prom "reconciler_run_exit_code{$L}" 2
metric "metrics: pending creates per account" drift.prom "reconciler_changes_pending{$L,$A,kind=\"account_create\"}" 1
metric "metrics: pending segment adds per account" drift.prom "reconciler_changes_pending{$L,$A,kind=\"segment_add\"}" 2
metric "metrics: zero kinds are there too" drift.prom "reconciler_changes_pending{$L,$A,kind=\"segment_remove\"}" 0
if grep -qF 'account="Quote \"and\" back\\slash"' drift.prom; then pass "metrics: quotes and backslashes escaped in labels"; else fail "metrics: quotes and backslashes escaped in labels"; fi
metric "metrics: accounts in sync" drift.prom "reconciler_accounts_in_sync{$L}" 0
if grep -q '^reconciler_run_duration_seconds{.*} [0-9.e-]*$' drift.prom &&
	grep -q '^reconciler_run_finished_timestamp_seconds{.*} [0-9]\{10\}$' drift.prom; then
	pass "metrics: duration and finishing time"
else fail "metrics: duration and finishing time"; fi

L='command="apply",org="local:.reconciler/sandbox.json"'
run apply cfg --auto-approve --metrics-file apply.prom
expect_rc "metrics: apply works" 0
promtool_ok "metrics: apply's file passes promtool" apply.prom
metric "metrics: apply's outcome" apply.prom "reconciler_run_outcome{$L,outcome=\"applied\"}" 1
metric "metrics: after a complete apply nothing is pending" apply.prom "reconciler_changes_pending{$L,$A,kind=\"segment_add\"}" 0
metric "metrics: ... and every account is in sync" apply.prom "reconciler_accounts_in_sync{$L}" 2

L='command="status",org="local:.reconciler/sandbox.json"'
run status cfg --metrics-file status.prom
expect_rc "metrics: status is healthy" 0
promtool_ok "metrics: status's file passes promtool" status.prom
metric "metrics: segments delivered per account" status.prom "reconciler_segments{$L,$A,health=\"delivered\"}" 2
metric "metrics: the TTL" status.prom "reconciler_destination_ttl_seconds{$L}" 3024000
RECONCILER_NOW=$(($(date +%s) + 40 * 86400)) run status cfg --metrics-file status.prom
expect_rc "metrics: 40 days on, status needs attention" 2
metric "metrics: ... segments stale (expired at Kargo)" status.prom "reconciler_segments{$L,$A,health=\"stale\"}" 2
metric "metrics: ... the outcome says so" status.prom "reconciler_run_outcome{$L,outcome=\"attention\"}" 1
metric "metrics: ... and the run still succeeded" status.prom "reconciler_run_success{$L}" 1

# Shares: pending and overdue.
mkdir -p shares
cat >shares/s.yaml <<'YAML'
version: 1
accounts: []
marketplace_shares:
  - {segment: "9001", buyer: Acme Inc, shared_on: 2026-11-01, seller_allowlisted: true}
YAML
RECONCILER_NOW=$(date -u -d 2026-11-10 +%s) run status shares --metrics-file shares.prom
metric "metrics: an overdue share" shares.prom "reconciler_shares{$L,state=\"overdue\"}" 1
promtool_ok "metrics: the shares file passes promtool" shares.prom

# A failed run still reports, with outcome error.
L='command="drift",org="unknown"'
run drift examples-that-do-not-exist --metrics-file failed.prom
expect_rc "metrics: a failing drift exits 1" 1
metric "metrics: ... and its file says error" failed.prom "reconciler_run_outcome{$L,outcome=\"error\"}" 1
metric "metrics: ... not a success" failed.prom "reconciler_run_success{$L}" 0
promtool_ok "metrics: the failed run's file passes promtool" failed.prom

# Atomic, and never through a link: a link at the path is replaced, its
# target untouched; no temporary file is left behind.
echo precious >target
ln -s target link.prom
run drift cfg --metrics-file link.prom
if [ ! -L link.prom ] && [ "$(cat target)" = precious ] && grep -q reconciler_run_outcome link.prom; then
	pass "metrics: a link at the path is replaced, not written through"
else fail "metrics: a link at the path is replaced, not written through"; fi
if ls | grep -q 'tmp-'; then fail "metrics: no temporary file left"; else pass "metrics: no temporary file left"; fi

run drift cfg --metrics-file no-such-dir/m.prom
expect_rc "metrics: an unwritable file is an error" 1
expect_err "metrics: ... named with its rule" "record.metrics"

run plan cfg --metrics-file x.prom
expect_rc "metrics: plan does not take --metrics-file" 1
