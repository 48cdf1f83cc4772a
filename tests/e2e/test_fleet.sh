# Fleets: one repository, one directory per LiveRamp org. The layout and
# its errors, `reconciler fleet` (text, json, github-matrix, gitlab, --base),
# plan/apply/drift/status --fleet on the local sandbox (one sandbox per
# org), a broken org, a pull request touching one org, saved fleet plans
# and the combined exit code.
. "$(dirname "$0")/lib.sh"
unset GIT_DIR # the fleet's repository is made here

W="$TMP/work"
F="$W/advertisers"
g() { git -C "$W" "$@"; }
jqo() { printf '%s' "$OUT" | jq -r "$1"; }
expect_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$3', got '$2'"; fi; }

# org NAME ORG_ID SEGMENTS...: writes the org's directory.
org() {
	local name=$1 id=$2
	shift 2
	mkdir -p "$F/$name"
	{
		printf 'version: 1\nsettings:\n  org_id: "%s"\n  prune: true\naccounts:\n' "$id"
		printf '  - name: %s Kargo\n    client_name: %s Inc\n    identifiers: [cookies]\n' "$name" "$name"
		printf '    segments: [%s]\n' "$(echo "$@" | tr ' ' ',')"
	} >"$F/$name/accounts.yaml"
}

mkdir -p "$W"
g init -q -b main
g config user.name "Test User"
g config user.email test@example.com
org acme org-acme 1001 1002
org globex org-globex 1001
org initech org-initech 1003
mkdir -p "$F/.hidden" && echo 'version: 1' >"$F/.hidden/x.yaml"
g add -A && g commit -q -m "three orgs"

# ---- listing --------------------------------------------------------------
run_in "$W" fleet advertisers --format json
expect_rc "fleet lists a valid fleet" 0
expect_json "fleet --format json names every org with its path and org_id" \
	'[.orgs[] | [.name, .path, .org_id]] == [["acme","advertisers/acme","org-acme"],["globex","advertisers/globex","org-globex"],["initech","advertisers/initech","org-initech"]]'
run_in "$W" fleet advertisers/ --format github-matrix
expect_json "fleet --format github-matrix is a strategy.matrix include list" \
	'.include | map(.org) == ["acme","globex","initech"] and all(.[]; .path and .org_id)'
run_in "$W" fleet advertisers --format gitlab
expect_out "fleet --format gitlab is a parallel:matrix" "    matrix:"
expect_out "fleet --format gitlab names each org" 'RECONCILER_ORG: "globex"'
run_in "$W" fleet advertisers
expect_out "fleet text lists one org a line" "$(printf 'initech\torg-initech\tadvertisers/initech')"
run_in "$W" fleet advertisers --org globex --format json
expect_json "fleet --org keeps one org" '.orgs | map(.name) == ["globex"]'
run_in "$W" fleet advertisers --org nobody
expect_rc "fleet --org of an unknown org exits 1" 1
expect_err "an unknown org is fleet.org" "error[fleet.org]"
run_in "$W" fleet "$TMP/nowhere"
expect_err "a missing root is fleet.root" "error[fleet.root]"

# GitHub runs at most 256 jobs of one matrix: 256 orgs list, 257 are refused.
BIG="$TMP/big"
for i in $(seq 1 257); do
	mkdir -p "$BIG/org$i"
	printf 'version: 1\nsettings:\n  org_id: "org-%d"\naccounts: []\n' "$i" >"$BIG/org$i/a.yaml"
done
run fleet "$BIG" --format github-matrix
expect_rc "fleet: 257 orgs in a GitHub matrix exit 1" 1
expect_err "fleet: more orgs than a GitHub matrix runs is fleet.matrix" "error[fleet.matrix]"
expect_err "fleet: the matrix limit is named" "at most 256 jobs"
run fleet "$BIG" --format json
expect_rc "fleet: 257 orgs list as JSON" 0
rm -r "$BIG/org257"
run fleet "$BIG" --format github-matrix
expect_rc "fleet: 256 orgs fit a GitHub matrix" 0
expect_json "fleet: the 256 orgs are in the matrix" '.include | length == 256'

# ---- layout errors ----------------------------------------------------------
L="$TMP/layout"
mkdir -p "$L/a" "$L/b" "$L/c" "$L/d"
printf 'version: 1\nsettings: {org_id: same}\naccounts: []\n' >"$L/a/x.yaml"
printf 'version: 1\nsettings:\n  org_id: same\naccounts: []\n' >"$L/b/x.yaml"
printf 'version: 1\naccounts: []\n' >"$L/c/x.yaml"
printf 'version: 1\nsettings: {org_id: one}\naccounts: []\n' >"$L/d/1.yaml"
printf 'version: 1\nsettings:\n  org_id: two\naccounts: []\n' >"$L/d/2.yaml"
run fleet "$L"
expect_rc "a broken layout exits 1" 1
expect_err "the same org_id twice: fleet.duplicate_org at the second, naming the first" \
	"$L/b/x.yaml:3:11: error[fleet.duplicate_org]: org 'b' has the same org_id \"same\" as org 'a' ($L/a/x.yaml:2:20)"
expect_err "a directory without org_id: fleet.org_id at the directory" \
	"$L/c: error[fleet.org_id]: org directory '$L/c' sets no settings.org_id"
expect_err "org_id set differently in one directory: fleet.org_id at both" \
	"$L/d/2.yaml:3:11: error[fleet.org_id]: org 'd' sets org_id \"two\" here but \"one\" at $L/d/1.yaml:2:20"
mkdir -p "$L/e" && printf 'version: 1\nsettings: {org_id: fine}\naccounts: []\n' >"$L/e/x.yaml"
run plan --fleet "$L" --format json
expect_rc "plan --fleet over a broken layout exits 1" 1
expect_json "the orgs that break the layout do not run; the others do" \
	'[.orgs[] | [.name, .outcome, (.plan != null)]] == [["a","failed",false],["b","failed",false],["c","failed",false],["d","failed",false],["e","ok",true]]'
expect_err "the layout's errors are printed once" "error[fleet.duplicate_org]"

# ---- plan, apply, re-plan ---------------------------------------------------
run_in "$W" plan --fleet advertisers --detailed-exitcode
expect_rc "plan --fleet with changes exits 2 with --detailed-exitcode" 2
expect_out "plan --fleet has a section per org" "== org globex (org_id org-globex): advertisers/globex =="
expect_out "plan --fleet ends with the fleet's summary" "Fleet: 3 orgs, 3 changes"
run_in "$W" plan --fleet advertisers
expect_rc "plan --fleet without --detailed-exitcode exits 0" 0
run_in "$W" plan --fleet advertisers --format github
expect_eq "plan --fleet --format github: annotations at each org's files" \
	"$(printf '%s\n' "$OUT" | grep -o '^::notice file=advertisers/[a-z]*/' | sort -u | tr '\n' ' ')" \
	"::notice file=advertisers/acme/ ::notice file=advertisers/globex/ ::notice file=advertisers/initech/ "
run_in "$W" plan --fleet advertisers --format json
expect_json "plan --fleet --format json: an array of per-org plans" \
	'[.orgs[] | [.name, .plan.summary.accounts_create, .plan.summary.segments_add]] == [["acme",1,2],["globex",1,1],["initech",1,1]]'
expect_json "each org plans against its own sandbox" \
	'[.orgs[].plan.backend] == ["local:.reconciler/orgs/org-acme/sandbox.json","local:.reconciler/orgs/org-globex/sandbox.json","local:.reconciler/orgs/org-initech/sandbox.json"]'
run_in "$W" apply --fleet advertisers
expect_rc "apply --fleet without --auto-approve and no terminal exits 1" 1
run_in "$W" apply --fleet advertisers --auto-approve
expect_rc "apply --fleet --auto-approve exits 0" 0
expect_out "apply --fleet reports the fleet" "Fleet: 3 orgs, 3 ok"
expect_eq "one sandbox per org, and no shared default one" \
	"$(cd "$W" && ls .reconciler/orgs | tr '\n' ' ')$(test -e "$W/.reconciler/sandbox.json" && echo shared)" \
	"org-acme org-globex org-initech "
run_in "$W" plan --fleet advertisers --detailed-exitcode
expect_rc "re-plan after apply: no changes, exit 0" 0
expect_no_out "re-plan after apply shows no change" "+ account"
run_in "$W" drift --fleet advertisers --format json
expect_json "drift --fleet: every org in sync" '.exit_code == 0 and ([.orgs[].report.in_sync] | all)'
run_in "$W" status --fleet advertisers --format json
expect_json "status --fleet: a report per org" '[.orgs[].report.summary.accounts] == [1,1,1]'

# ---- prune isolation ----------------------------------------------------------
# Each org prunes; had they shared a sandbox, each would plan the others'
# accounts for deletion.
run_in "$W" plan --fleet advertisers --format json
expect_json "prune in one org never sees another org's accounts" \
	'[.orgs[].plan.summary.accounts_delete] == [0,0,0]'

# ---- one org, and a broken one --------------------------------------------------
run_in "$W" plan --fleet advertisers --org initech --format json
expect_json "--org picks one org of the fleet" '.orgs | map(.name) == ["initech"]'
cp "$F/globex/accounts.yaml" "$TMP/globex.keep"
printf '    segments: [1001, 1004]\n' >>"$F/globex/accounts.yaml"
sed -i 's/^    segments: \[1001\]$//' "$F/globex/accounts.yaml"
sed -i 's/^  - name: acme Kargo/  - name: acme Kargo/' "$F/acme/accounts.yaml"
printf 'version: 1\naccounts: [\n' >"$F/initech/broken.yaml"
run_in "$W" plan --fleet advertisers --detailed-exitcode
expect_rc "a broken org makes the fleet exit 1" 1
expect_out "the others are still planned" "+ segment 1004"
expect_err "the broken org's diagnostics are marked with it" "[initech] "
expect_out "the summary names the failed org" "(failed: initech)"
rm "$F/initech/broken.yaml"
run_in "$W" apply --fleet advertisers --auto-approve --max-changes 0
expect_rc "caps blocking one org: exit 3" 3
expect_out "the blocked org is reported" "1 blocked"
run_in "$W" drift --fleet advertisers
expect_rc "drift --fleet with one org out of sync exits 2" 2

# ---- saved fleet plans -------------------------------------------------------------
run_in "$W" plan --fleet advertisers --out "$TMP/fleet.plan"
expect_rc "plan --fleet --out saves a fleet plan" 0
expect_eq "the fleet plan holds each org's plan" \
	"$(jq -c '[.orgs[] | [.name, .plan.summary.segments_add]]' "$TMP/fleet.plan")" '[["acme",0],["globex",1],["initech",0]]'
run_in "$W" apply --fleet elsewhere --plan "$TMP/fleet.plan" --auto-approve
expect_rc "apply --fleet of another root than the plan's exits 1" 1
expect_err "another root than the plan's is fleet.root" "error[fleet.root]"
expect_err "the plan's root is named" "planned for the fleet root 'advertisers'"
run_in "$W" apply --fleet ./advertisers/ --plan "$TMP/fleet.plan" --auto-approve
expect_rc "apply --fleet --plan applies the fleet plan (the root spelled ./advertisers/)" 0
run_in "$W" plan --fleet advertisers --detailed-exitcode
expect_rc "after the fleet plan: no changes" 0
# Stale: globex changes after the plan; acme's plan still applies.
printf 'version: 1\naccounts:\n  - name: extra\n    client_name: X\n    identifiers: [cookies]\n' >"$F/acme/extra.yaml"
printf 'version: 1\naccounts:\n  - name: extra\n    client_name: X\n    identifiers: [cookies]\n' >"$F/globex/extra.yaml"
run_in "$W" plan --fleet advertisers --out "$TMP/fleet2.plan"
run_in "$W" apply --fleet advertisers --org globex --auto-approve
run_in "$W" apply --fleet advertisers --plan "$TMP/fleet2.plan" --auto-approve
expect_rc "a stale org in a fleet plan: exit 1" 1
expect_err "the stale org is refused on its own" "[globex] error[plan.stale]"
expect_out "the other orgs of the fleet plan are applied" "2 ok, 1 failed (failed: globex)"
rm "$F/acme/extra.yaml" "$F/globex/extra.yaml"
cp "$TMP/globex.keep" "$F/globex/accounts.yaml"
g checkout -q -- advertisers

# ---- a pull request touching one org ---------------------------------------------
g checkout -q -b feature
org globex org-globex 1001 1005
g commit -qam "globex: add 1005"
run_in "$W" fleet advertisers --base main --format github-matrix
expect_json "the PR's matrix names only the org it touches" '.include | map(.org) == ["globex"]'
run_in "$W" fleet advertisers --ref feature --base main --format json
expect_json "--ref and --base compare two commits" '.orgs | map(.name) == ["globex"]'
run_in "$W" plan --fleet advertisers --base main --format json
expect_json "plan --fleet --base plans only that org" '.orgs | map(.name) == ["globex"]'
echo "# a comment" >>"$F/acme/accounts.yaml"
run_in "$W" fleet advertisers --base main --format json
expect_json "an uncommitted edit in the work tree counts" '.orgs | map(.name) == ["acme","globex"]'
g checkout -q -- advertisers/acme
g rm -q -r advertisers/initech && g commit -qm "initech leaves"
run_in "$W" fleet advertisers --base main --format json
expect_json "an org removed at the head is listed, marked removed" \
	'[.orgs[] | [.name, .removed]] == [["globex",false],["initech",true]]'
run_in "$W" plan --fleet advertisers --base main --format markdown
expect_out "the markdown report has a section per org" "#### globex"
expect_out "a removed org's section says so" "removed at the head"
g checkout -q main

# ---- markdown within the comment limit --------------------------------------------
mkdir -p "$TMP/big"
for o in a b c; do
	mkdir -p "$TMP/big/$o"
	{
		printf 'version: 1\nsettings: {org_id: big-%s}\naccounts:\n' "$o"
		for i in $(seq 1 300); do
			printf '  - name: Account %s %s with a long name\n    client_name: C\n    identifiers: [cookies]\n    segments: [%s]\n' "$o" "$i" "$i"
		done
	} >"$TMP/big/$o/a.yaml"
done
run_in "$TMP" plan --fleet big --format markdown
expect_eq "the fleet markdown stays within 65,536 bytes" "$([ "$(printf '%s' "$OUT" | wc -c)" -le 65536 ] && echo yes)" yes
expect_out "an org cut to its share says so" "Cut to fit the comment limit"

# ---- the single-org default is unchanged -------------------------------------------
run_in "$TMP" apply "$ROOT/examples/basic" --auto-approve
expect_eq "without org_id the sandbox stays .reconciler/sandbox.json" \
	"$(test -f "$TMP/.reconciler/sandbox.json" && echo yes)" yes

# ---- options are checked once ------------------------------------------------------
run_in "$W" plan --fleet advertisers --no-such-option
expect_rc "a bad option with --fleet exits 1" 1
expect_eq "and is reported once, not per org" "$(printf '%s\n' "$ERR" | grep -c 'no-such-option')" 1
run_in "$W" plan --fleet advertisers advertisers/acme
expect_err "a PATH with --fleet is refused" "give no PATH"
rm -rf "$W/.reconciler"
run_in "$W" apply --fleet advertisers --auto-approve --help
expect_rc "--help with --fleet exits 0" 0
expect_out "--help with --fleet prints the usage" "usage: reconciler apply"
expect_eq "--help with --fleet runs no org" "$(test -e "$W/.reconciler" && echo ran)" ""

# ---- the fleet's own code under valgrind (the orgs' processes run plain) -----
if ! nm "$BIN" 2>/dev/null | grep -q __asan_init && command -v valgrind >/dev/null 2>&1; then
	VGLOG="$TMP/vg.log"
	vgrun() { # NAME ARGS...: in $W, under valgrind; one check on the report
		local name=$1
		shift
		rm -f "$VGLOG"
		(cd "$W" && valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--show-leak-kinds=definite,indirect -q --log-file="$VGLOG" "$BIN" "$@" >/dev/null 2>&1 </dev/null)
		RC=$?
		if [ "$RC" -eq 99 ] || [ -s "$VGLOG" ]; then fail "valgrind: $name" "$(head -40 "$VGLOG")"; else
			pass "valgrind: $name (exit $RC)"; fi
	}
	g checkout -q -b vg
	org acme org-acme 1001 1002 1007
	vgrun "fleet --base (the work tree against a ref)" fleet advertisers --base main --format json
	g commit -qam "acme: 1007"
	vgrun "fleet --ref --base" fleet advertisers --ref vg --base main --format github-matrix
	vgrun "fleet with layout errors" fleet "$L"
	vgrun "plan --fleet --format markdown" plan --fleet advertisers --format markdown --detailed-exitcode
	vgrun "plan --fleet --out" plan --fleet advertisers --format json --out "$TMP/vg.plan"
	vgrun "apply --fleet --plan" apply --fleet advertisers --plan "$TMP/vg.plan" --auto-approve
	vgrun "drift --fleet --org" drift --fleet advertisers --org acme --format json
	g checkout -q main
else
	pass "valgrind: skipped under AddressSanitizer (the plain build runs it)"
fi
