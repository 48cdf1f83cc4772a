# status --format html: one self-contained page (no script, nothing
# fetched), totals first, per account the segments with their delivery
# state and TTL days left as bars, shares with their window; every name
# escaped. Rendered with headless Chromium (Debian's chromium) when it is
# installed: the DOM it builds, and a screenshot.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/w/cfg"
cd "$TMP/w" || exit 1
day() { date -u -d "$1" +%s; }
cat >cfg/acme.yaml <<'YAML'
version: 1
accounts:
  - name: Acme Kargo US
    client_name: Acme Inc
    identifiers: [cookies]
    precision: individual
    segments: ["1001", {id: "1002", name: "Auto <intenders> & co"}]
  - name: "<script>alert(1)</script>"
    client_name: Acme Inc
    identifiers: [ramp_ids]
    segments: ["2001"]
marketplace_shares:
  - {segment: "9001", buyer: Acme Inc, shared_on: 2026-11-29, seller_allowlisted: true}
  - {segment: "9002", buyer: Beta Corp, shared_on: 2026-11-20, seller_allowlisted: true}
YAML
RECONCILER_NOW=$(day 2026-10-20) run apply cfg --auto-approve
# A segment added later: the first three are stale (42 days), it is fresh.
sed -i 's/segments: \["2001"\]/segments: ["2001", "2002"]/' cfg/acme.yaml
RECONCILER_NOW=$(day 2026-11-25) run apply cfg --auto-approve
RECONCILER_NOW=$(day 2026-12-01) run status cfg --format html
expect_rc "html: status exits 2 (stale segments, an overdue share)" 2
printf '%s\n' "$OUT" >status.html

if printf '%s' "$OUT" | head -1 | grep -qx '<!DOCTYPE html>'; then pass "html: a whole document"; else fail "html: a whole document"; fi
if printf '%s' "$OUT" | grep -qi '<script\|<link\|src=\|https\?://\|@import\|url('; then
	fail "html: no script, no link, nothing fetched"
else pass "html: no script, no link, nothing fetched"; fi
expect_out "html: a policy forbids any fetch" "default-src 'none'"
expect_out "html: a hostile account name is escaped" "&lt;script&gt;alert(1)&lt;/script&gt;"
expect_out "html: a segment name is escaped" "Auto &lt;intenders&gt; &amp; co"
expect_out "html: the declared precision is shown with its account" "precision individual (shown, never sent)"
first_total=$(printf '%s' "$OUT" | grep -n 'id="totals"' | head -1 | cut -d: -f1)
first_account=$(printf '%s' "$OUT" | grep -n 'class="account"' | head -1 | cut -d: -f1)
if [ -n "$first_total" ] && [ -n "$first_account" ] && [ "$first_total" -lt "$first_account" ]; then
	pass "html: the totals come first"
else fail "html: the totals come first"; fi

RECONCILER_NOW=$(day 2026-12-01) run status cfg --format yaml
expect_rc "html: an unknown format is still refused" 1
expect_err "html: ... and html is among the choices" "html"

if ! command -v chromium >/dev/null 2>&1; then
	echo "ok - html: rendered by Chromium # skip: chromium (Debian) not installed"
	exit 0
fi
# chromium_run ARGS...: headless, no network services, a fresh profile.
chromium_run() {
	local profile
	profile=$(mktemp -d "$TMP/chromium.XXXXXX")
	timeout 300 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" "$@" \
		2>"$TMP/chromium.err"
}
chromium_run --dump-dom "file://$TMP/w/status.html" >dom.html
DOM=$(cat dom.html)
dom_has() { if grep -qF -- "$2" dom.html; then pass "$1"; else fail "$1" "DOM lacks: $2" "$(head -c 600 dom.html)"; fi; }
dom_count() {
	local n
	n=$(grep -oF -- "$2" dom.html | wc -l)
	if [ "$n" -eq "$3" ]; then pass "$1"; else fail "$1" "DOM has $n of '$2', expected $3"; fi
}
dom_has "html: Chromium builds the page" '<h1>Delivery status: Kargo</h1>'
dom_has "html: the verdict says attention" 'data-attention="true"'
dom_has "html: total delivered" 'id="total-delivered" data-count="1"'
dom_has "html: total stale" 'id="total-stale" data-count="3"'
dom_has "html: total overdue shares" 'id="total-shares-overdue" data-count="1"'
dom_count "html: two account sections" 'class="account"' 2
dom_count "html: one row per segment" 'class="segment"' 4
dom_count "html: stale rows" '<tr class="segment" data-health="stale">' 3
dom_count "html: delivered rows" '<tr class="segment" data-health="delivered">' 1
dom_has "html: a delivered segment's days left (35 - 6)" 'data-days-left="29">29 of 35 days left'
dom_has "html: a stale segment says since when it expired" 'expired 7 days ago'
dom_has "html: the pending share's window" 'day 2 of 3, due by 2026-12-02'
dom_has "html: the overdue share" 'was due by 2026-11-23'
if grep -q '<script' dom.html; then fail "html: the hostile name is text, not a script element"; else
	pass "html: the hostile name is text, not a script element"; fi

chromium_run --window-size=1200,1400 --screenshot="$TMP/w/status.png" "file://$TMP/w/status.html" >/dev/null
if [ -s status.png ] && [ "$(head -c 8 status.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
	pass "html: a screenshot is taken"
else fail "html: a screenshot is taken" "$(tail -5 "$TMP/chromium.err")"; fi
# IHDR: width and height, big-endian, at bytes 16..23.
dims=$(od -An -tu1 -j16 -N8 status.png | awk '{print ($1*16777216+$2*65536+$3*256+$4) "x" ($5*16777216+$6*65536+$7*256+$8)}')
if [ "$dims" = 1200x1400 ]; then pass "html: the screenshot is the window's size"; else fail "html: the screenshot is the window's size" "$dims"; fi
# A blank page compresses to a few kilobytes; this one has text, badges, bars.
size=$(wc -c <status.png)
if [ "$size" -gt 30000 ]; then pass "html: the screenshot is not blank ($size bytes)"; else fail "html: the screenshot is not blank" "$size bytes"; fi
if [ -n "${KEEP_SCREENSHOT:-}" ]; then cp status.png "$KEEP_SCREENSHOT"; fi
