#!/bin/bash
# The mutation campaign (`make mutation`): every mutant of mutants.txt is
# applied to a scratch copy of the tree (the checkout itself is never
# touched), built, and run against the suites its entry names, cheapest
# first, until one fails. The table says KILLED (with the suite and the
# first failing check) or SURVIVED; a survivor that the list documents as
# equivalent says why. A mutant that does not apply (its text is not found
# exactly once) or does not build is INVALID: the list is out of date.
#
# Exit 0 when at least MUTATION_MIN percent (default 95) of the valid,
# non-equivalent mutants are killed, every survivor is documented as
# equivalent (not as a known gap), and none is invalid; 1 otherwise.
#
#   MUTANT=ID,ID   run only those mutants (the baseline still runs)
#   MUTATION_CHECK=1  only check that every mutant applies and builds
#   MUTATION_REPORT=FILE  also write the table there
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LIST=${MUTANTS:-$ROOT/tests/mutation/mutants.txt}
MIN=${MUTATION_MIN:-95}
ONLY=${MUTANT:-}
JOBS=${JOBS:-2}
REPORT=${MUTATION_REPORT:-}
[ -n "$REPORT" ] && [ "${REPORT#/}" = "$REPORT" ] && REPORT=$PWD/$REPORT
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
TREE=$SCRATCH/tree
mkdir -p "$TREE" "$SCRATCH/pristine" "$SCRATCH/logs"

say() { printf '%s\n' "$*" >&2; }

# ---- the list -------------------------------------------------------------------------
# Blocks of "key: value" lines separated by blank lines; keys id, file,
# from, to, suites, breaks, and optionally equivalent. from/to are literal
# text (leading whitespace of the value ignored); from must occur exactly
# once in file.
awk -v out="$SCRATCH/m" '
	function flush() { if (id != "") { n++; for (k in f) print f[k] > (out "." n "." k); close_all() } delete f; id = "" }
	function close_all() { for (k in f) close(out "." n "." k) }
	/^#/ { next }
	/^[ \t]*$/ { flush(); next }
	{
		key = $0; sub(/:.*/, "", key)
		val = $0; sub(/^[^:]*:[ \t]*/, "", val)
		f[key] = val
		if (key == "id") id = val
	}
	END { flush(); print n > (out ".count") }
' "$LIST"
N=$(cat "$SCRATCH/m.count")
field() { cat "$SCRATCH/m.$1.$2" 2>/dev/null; }

# ---- the scratch copy -----------------------------------------------------------------
cd "$ROOT" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -C "$TREE" -xf -
else
	tar --exclude=./build -cf - . | tar -C "$TREE" -xf -
fi
cd "$TREE" || exit 1

build() { # unit binaries to build as well
	make -j"$JOBS" BUILD=build build/reconciler build/emulator "$@" >"$SCRATCH/logs/build" 2>&1
}

# run_suite NAME: 0 when it passed; sets WHY to the first failing check.
run_suite() {
	local s=$1 log=$SCRATCH/logs/suite rc
	WHY=""
	case "$s" in
	unit/*)
		timeout 600 "build/tests/${s#unit/}" >"$log" 2>&1
		rc=$?
		[ "$rc" -eq 0 ] && return 0
		WHY=$(grep -m1 -E '^\[  FAILED  \] [a-z_]|^\[  ERROR   \]' "$log" | sed 's/^\[[^]]*\] //')
		[ -z "$WHY" ] && WHY="exit $rc"
		return 1
		;;
	e2e/*)
		# In a session of its own, so that the first "not ok" can stop it
		# and everything it started (its EXIT trap stops its emulators).
		setsid bash "tests/e2e/${s#e2e/}.sh" >"$log" 2>&1 </dev/null &
		local pid=$! waited=0
		while kill -0 "$pid" 2>/dev/null; do
			if grep -q '^not ok' "$log" || [ "$waited" -ge 9000 ]; then
				kill -TERM -- "-$pid" 2>/dev/null
				break
			fi
			sleep 0.1
			waited=$((waited + 1))
		done
		wait "$pid"
		rc=$?
		if [ "$rc" -eq 0 ] && ! grep -q '^not ok' "$log" && grep -q '^ok' "$log"; then return 0; fi
		WHY=$(grep -m1 '^not ok' "$log" | sed 's/^not ok - //')
		[ -z "$WHY" ] && WHY="exit $rc"
		[ "$waited" -ge 9000 ] && WHY="timed out"
		return 1
		;;
	esac
	WHY="unknown suite $s"
	return 1
}

units_of() { tr ' ' '\n' <<<"$1" | sed -n 's|^unit/|build/tests/|p' | tr '\n' ' '; }

# ---- the baseline: every suite named must pass unmutated -------------------------------
selected() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$(field "$1" id),"* ]]; }
all_suites=$(for i in $(seq 1 "$N"); do selected "$i" && field "$i" suites; done | tr ' ' '\n' | grep . | sort -u | tr '\n' ' ')
say "mutation: building the scratch copy"
# shellcheck disable=SC2046
if ! build $(units_of "$all_suites"); then
	tail -20 "$SCRATCH/logs/build" >&2
	say "mutation: the unmutated tree does not build"
	exit 1
fi
[ -n "${MUTATION_CHECK:-}" ] && all_suites=""
for s in $all_suites; do
	say "mutation: baseline $s"
	if ! run_suite "$s"; then
		say "mutation: baseline suite $s fails unmutated ($WHY): no score without a green baseline"
		exit 1
	fi
done

# ---- the mutants ------------------------------------------------------------------------
# apply FILE FROM TO: literal replacement of the one occurrence.
apply() {
	FROM=$2 TO=$3 awk '
		BEGIN { from = ENVIRON["FROM"]; to = ENVIRON["TO"] }
		{ lines[NR] = $0; c = 0; s = $0
		  while ((i = index(s, from)) > 0) { c++; s = substr(s, i + length(from)) }
		  count += c; if (c) at = NR }
		END {
			if (count != 1) { print count > "/dev/stderr"; exit 3 }
			for (k = 1; k <= NR; k++) {
				if (k == at) { i = index(lines[k], from); lines[k] = substr(lines[k], 1, i - 1) to substr(lines[k], i + length(from)) }
				print lines[k]
			}
		}' "$1" >"$1.mut" && mv "$1.mut" "$1"
}

killed=0 survived=0 invalid=0 undocumented=0 gaps=0 valid=0
table=$SCRATCH/table
printf '%-28s %-9s %-24s %s\n' MUTANT RESULT "KILLED BY" "CHECK / WHY" >"$table"
start=$(date +%s)
for i in $(seq 1 "$N"); do
	id=$(field "$i" id)
	selected "$i" || continue
	file=$(field "$i" file) from=$(field "$i" from) to=$(field "$i" to) suites=$(field "$i" suites)
	equiv=$(field "$i" equivalent)
	[ -f "$SCRATCH/pristine/$file" ] || { mkdir -p "$(dirname "$SCRATCH/pristine/$file")"; cp "$file" "$SCRATCH/pristine/$file"; }
	t0=$(date +%s)
	result="" by="" why=""
	if ! apply "$file" "$from" "$to" 2>"$SCRATCH/logs/apply"; then
		result=INVALID why="the text occurs $(cat "$SCRATCH/logs/apply") times in $file"
	# shellcheck disable=SC2046
	elif ! build $(units_of "$suites"); then
		result=INVALID why="does not build: $(grep -m1 'error:' "$SCRATCH/logs/build")"
	else
		result=SURVIVED
		[ -n "${MUTATION_CHECK:-}" ] && result=BUILDS suites=""
		for s in $suites; do
			if ! run_suite "$s"; then
				result=KILLED by=$s why=$WHY
				break
			fi
		done
	fi
	cp "$SCRATCH/pristine/$file" "$file"
	case "$result" in
	KILLED) killed=$((killed + 1)) valid=$((valid + 1)) ;;
	SURVIVED)
		survived=$((survived + 1)) valid=$((valid + 1))
		if [ -n "$equiv" ]; then
			why="equivalent: $equiv"
		elif [ -n "$(field "$i" gap)" ]; then
			why="known gap: $(field "$i" gap)"
			gaps=$((gaps + 1))
		else
			why="NOT DOCUMENTED: $(field "$i" breaks)"
			undocumented=$((undocumented + 1))
		fi
		;;
	INVALID) invalid=$((invalid + 1)) ;;
	esac
	line=$(printf '%-28s %-9s %-24s %s' "$id" "$result" "${by:--}" "$why")
	echo "$line" >>"$table"
	say "mutation: $line ($(($(date +%s) - t0)) s)"
done
secs=$(($(date +%s) - start))
# The score leaves out the mutants documented as equivalent (no test can
# tell them from the original); the raw kill rate is shown as well.
equivalents=$((survived - gaps - undocumented))
raw=$((valid ? killed * 100 / valid : 0))
score=$((valid - equivalents > 0 ? killed * 100 / (valid - equivalents) : 0))
{
	echo
	echo "$valid mutants: $killed killed ($raw%), $survived survived ($equivalents equivalent, $gaps known gaps, $undocumented not documented), $invalid invalid"
	echo "score: $killed of $((valid - equivalents)) non-equivalent mutants killed = ${score}% (goal ${MIN}%), in $secs s"
} >>"$table"
cat "$table"
[ -n "$REPORT" ] && cp "$table" "$REPORT"
[ "$score" -ge "$MIN" ] && [ "$undocumented" -eq 0 ] && [ "$gaps" -eq 0 ] && [ "$invalid" -eq 0 ]
