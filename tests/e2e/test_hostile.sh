# Hostile configurations: each input gets a clear error (its rule id, and
# FILE:LINE:COL where a position exists) and exit 1, or exit 0 where the
# input is in fact valid (the manifest says so), within 10 s and 2 GB of
# address space; a hang, a crash or sanitizer output fails. The inputs are
# generated at test time by tests/hostile/gen.sh (the big ones are never
# committed); paths that are themselves hostile (loops, FIFOs, devices,
# directories, unreadable files) are made here.
. "$(dirname "$0")/lib.sh"

H=$TMP/hostile
if ! sh tests/hostile/gen.sh "$H"; then
	fail "hostile inputs generated"
	exit 1
fi
pass "hostile inputs generated ($(wc -l <"$H/MANIFEST") files)"

# bounded ARGS...: run, under `timeout 10` and `ulimit -v` 2 GB (ASan
# needs its shadow memory: no memory limit under a sanitizer build).
MEM_KB=2097152
if nm "$BIN" 2>/dev/null | grep -q __asan_init; then MEM_KB=unlimited; fi
bounded() {
	local t0 t1
	t0=$(date +%s%N)
	(
		ulimit -v "$MEM_KB" 2>/dev/null
		exec timeout 10 "$BIN" "$@"
	) >"$TMP/.out" 2>"$TMP/.err" </dev/null
	RC=$?
	t1=$(date +%s%N)
	MS=$(((t1 - t0) / 1000000))
	OUT=$(head -c 100000 "$TMP/.out")
	ERR=$(head -c 100000 "$TMP/.err")
}

# verdict NAME RC RULE POS FILE-AS-GIVEN: the checks of one run; prints one
# line.
verdict() {
	local name=$1 want=$2 rule=$3 pos=$4 given=$5 why=""
	if [ "$RC" -eq 124 ]; then
		why="hung (killed after 10 s)"
	elif [ "$RC" -ge 125 ]; then
		why="crashed (exit $RC)"
	elif printf '%s' "$ERR" | grep -qE 'Sanitizer|runtime error:|std::bad_alloc|out of memory'; then
		why="sanitizer or allocation failure"
	elif [ "$RC" -ne "$want" ]; then
		why="exit $RC, expected $want"
	elif [ "$want" -eq 1 ] && ! printf '%s' "$ERR" | grep -qF "error[$rule]"; then
		why="no error[$rule]"
	elif [ "$want" -eq 1 ] && [ "$pos" = y ] &&
		! printf '%s' "$ERR" | grep -qE "^$(printf '%s' "$given" | sed 's/[.[\*^$/]/\\&/g'):[0-9]+:[0-9]+: error\[$rule\]"; then
		why="error[$rule] without $given:LINE:COL"
	elif [ "$want" -eq 1 ] && [ "$(printf '%s\n' "$ERR" | wc -l)" -gt 2100 ]; then
		why="more than 2100 lines of diagnostics"
	fi
	if [ -n "$why" ]; then
		fail "hostile: $name" "$why ($MS ms)"
	else
		pass "hostile: $name ($([ "$want" -eq 0 ] && echo valid || echo "error[$rule]"), $MS ms)"
	fi
}

n=0
cd "$H" || exit 1
while read -r file want rule pos desc; do
	bounded validate "$file"
	verdict "$file: $desc" "$want" "$rule" "$pos" "$file"
	n=$((n + 1))
done <MANIFEST

# ---- hostile paths --------------------------------------------------------------------
mkdir -p "$H/p" && cd "$H/p" || exit 1
printf 'version: 1\naccounts:\n  - {name: A, client_name: C, identifiers: [cookies]}\n' >good.yaml
ln -s loop-b.yaml loop-a.yaml
ln -s loop-a.yaml loop-b.yaml
bounded validate loop-a.yaml
verdict "a symbolic link loop given as the file" 1 config.path n loop-a.yaml
mkdir -p up/inner && cp good.yaml up/inner/ && ln -s .. up/inner/parent
bounded validate up
verdict "a directory holding a link to its parent" 1 config.path n up
bounded validate ../p/../p/./good.yaml
verdict "a path with .. and . in it (valid)" 0 - n x
bounded validate "$H/p/../p/good.yaml"
verdict "an absolute path with .. in it (valid)" 0 - n x
bounded validate ../../../../../../../../../../../../../../../../../../../../etc/hostname
verdict "a path climbing to / and a file that is not YAML config" 1 schema.type y ../../../../../../../../../../../../../../../../../../../../etc/hostname
bounded validate nosuch/../good.yaml
verdict "a path through a directory that does not exist" 1 config.path n x
bounded validate missing.yaml
verdict "a file that does not exist" 1 config.path n x
mkfifo fifo.yaml
bounded validate fifo.yaml
verdict "a named pipe given as the file (never opened)" 1 config.path n x
bounded validate /dev/zero
verdict "/dev/zero given as the file" 1 config.path n x
mkdir -p dev && ln -s /dev/zero dev/zero.yaml && mkfifo dev/pipe.yaml && cp good.yaml dev/
bounded validate dev
verdict "a directory with a pipe and a link to /dev/zero among its files (the link refused: it leaves the path given)" 1 config.path n x
mkdir -p dir.yaml
bounded validate dir.yaml
verdict "a directory named like a file (valid: no files in it)" 0 - n x
expect_err "hostile: a directory named like a file: the warning says it holds no file" "no *.yaml or *.yml file under 'dir.yaml'"
cp good.yaml unreadable.yaml
chmod 000 unreadable.yaml
if [ "$(id -u)" -eq 0 ]; then
	pass "hostile: an unreadable file (skipped: root reads every file)"
else
	bounded validate unreadable.yaml
	verdict "an unreadable file" 1 config.path n x
fi
n=$((n + 11))

# The same inputs through plan: refused before the backend is opened.
cd "$H" || exit 1
for f in billion-laughs.yaml deep-flow-seq.yaml scalar-50mb.yaml utf8-surrogate.yaml same-name-100k.yaml; do
	bounded plan "$f" --backend "local:$TMP/never.json"
	verdict "plan $f" 1 "$(awk -v f="$f" '$1 == f {print $3}' MANIFEST)" n x
	[ -e "$TMP/never.json" ] && fail "hostile: plan $f opens no sandbox" || pass "hostile: plan $f opens no sandbox"
done

[ "$n" -ge 60 ] && pass "hostile: at least 60 inputs ($n)" || fail "hostile: at least 60 inputs" "$n"
true
