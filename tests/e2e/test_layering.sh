# Layering: no loop of includes among the headers of reconciler/, and no two
# object files that call each other (A calls a function B defines while B
# calls one A defines). Read from the sources and from the objects of the
# last build (nm), so `make` must have run.
. "$(dirname "$0")/lib.sh"

OBJ=$ROOT/${BUILD:-build}/obj/reconciler
# ---- includes among headers --------------------------------------------------------------
# Edges "HEADER INCLUDED" for every #include "..." of a header that names a
# header of reconciler/ (by its path from reconciler/, or beside it).
: >"$TMP/inc"
for h in $(cd reconciler && find . -name '*.h' | sed 's|^\./||' | sort); do
	dir=$(dirname "$h")
	sed -n 's/^#include "\([^"]*\)".*/\1/p' "reconciler/$h" | while read -r inc; do
		if [ -f "reconciler/$inc" ]; then
			echo "$h $inc"
		elif [ -f "reconciler/$dir/$inc" ]; then
			echo "$h $dir/$inc"
		fi
	done >>"$TMP/inc"
done
if tsort "$TMP/inc" >/dev/null 2>"$TMP/inc.err"; then
	pass "layering: no loop of includes among the headers ($(wc -l <"$TMP/inc") includes)"
else
	fail "layering: no loop of includes among the headers" "$(grep -v '^tsort: -:' "$TMP/inc.err" | head -20)"
fi

# ---- calls between objects ---------------------------------------------------------------
if [ ! -d "$OBJ" ]; then
	fail "layering: the objects of a build are there ($OBJ)" "run make first"
	exit 0
fi
: >"$TMP/def"
: >"$TMP/use"
n_obj=0
for o in $(cd "$OBJ" && find . -name '*.o' | sed 's|^\./||' | sort); do
	[ -f "reconciler/${o%.o}.c" ] || continue # left over from a source that is gone
	n_obj=$((n_obj + 1))
	nm -g --defined-only "$OBJ/$o" | awk -v f="$o" 'NF >= 3 {print $3, f}' >>"$TMP/def"
	nm -u "$OBJ/$o" | awk -v f="$o" '{print $NF, f}' >>"$TMP/use"
done
sort -u "$TMP/def" -o "$TMP/def"
sort -u "$TMP/use" -o "$TMP/use"
join "$TMP/use" "$TMP/def" | awk '$2 != $3 {print $2, $3}' | sort -u >"$TMP/calls"
# Pairs "A <-> B" of an edge list "CALLER CALLEE" where each calls the other.
call_loops() {
	awk '{e[$1 " " $2] = 1}
	     END {for (k in e) {split(k, p, " "); if ((p[2] " " p[1]) in e && p[1] < p[2]) print p[1] " <-> " p[2]}}' \
		"$1" | sort
}
call_loops "$TMP/calls" >"$TMP/new"
# The check itself must see a loop where there is one.
printf 'a.o b.o\nb.o c.o\nb.o a.o\n' >"$TMP/selftest"
if [ "$(call_loops "$TMP/selftest")" = "a.o <-> b.o" ]; then
	pass "layering: the loop check finds a pair that call each other"
else
	fail "layering: the loop check finds a pair that call each other" "found: $(call_loops "$TMP/selftest")"
fi
printf 'x.h y.h\ny.h x.h\n' | tsort >/dev/null 2>&1 && fail "layering: tsort reports an include loop" "it did not" \
	|| pass "layering: tsort reports an include loop"
if [ "$n_obj" -lt 10 ]; then
	fail "layering: objects read ($n_obj)" "expected the objects of reconciler/"
elif [ -s "$TMP/new" ]; then
	fail "layering: no two objects call each other ($n_obj objects)" "$(cat "$TMP/new")"
else
	pass "layering: no two objects call each other ($n_obj objects, $(wc -l <"$TMP/calls") call edges)"
fi
