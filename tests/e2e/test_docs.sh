# The man page and the bash/zsh completions written by build/gen-docs from
# the option tables: every command, and every flag any `help CMD` lists (its
# usage line and its option list), is in the man page and offered by both
# completions; every enumerated value (--format) completes; the man page
# reads without a warning; the three parse. Needs no packaging tool
# (test_package.sh checks the same inside the .deb).
. "$(dirname "$0")/lib.sh"

GEN=$(dirname "$BIN")/gen-docs
if "$GEN" "$TMP/docs" 2>"$TMP/gen.err" && [ -s "$TMP/docs/reconciler.1" ] &&
	[ -s "$TMP/docs/reconciler.bash" ] && [ -s "$TMP/docs/_reconciler" ]; then
	pass "docs: gen-docs writes the man page and both completions"
else
	fail "docs: gen-docs writes the man page and both completions" "$(cat "$TMP/gen.err")"
	exit 1
fi
MAN=$(sed 's/\\-/-/g' "$TMP/docs/reconciler.1")
BASH_COMP=$TMP/docs/reconciler.bash
ZSH_COMP=$TMP/docs/_reconciler

# complete WORDS...: what bash completion offers for the last word.
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _reconciler; echo " ${COMPREPLY[*]} "' \
		_ "$BASH_COMP" reconciler "$@"
}

# flags CMD: every flag `help CMD` lists, in its usage line and its option list.
flags() {
	"$BIN" help "$1" | awk '/^$/ {exit} {print}' | grep -o -- '--[a-z][a-z-]*'
	"$BIN" help "$1" | awk '/^Options:/ {on = 1; next} on' |
		grep -o -- '^ *\(-[a-z], \)\?--[a-z][a-z-]*' | grep -o -- '--[a-z-]*'
}

commands=$("$BIN" help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}')
[ "$(printf '%s\n' "$commands" | wc -l)" -ge 10 ] && pass "docs: help lists the commands" ||
	fail "docs: help lists the commands" "$commands"
missing=""
n=0
for c in $commands; do
	printf '%s\n' "$MAN" | grep -qx "\.SS $c" || missing="$missing man:$c"
	offered=$(complete_words "$c" --)
	for o in $(flags "$c" | sort -u); do
		n=$((n + 1))
		printf '%s' "$MAN" | grep -qF -- "$o" || missing="$missing man:$c:$o"
		case $offered in *" $o "*) ;; *) missing="$missing bash:$c:$o" ;; esac
		awk -v c="$c" '$0 ~ "^\t" c "\\)$" {on = 1; next} on && /;;/ {exit} on {print}' "$ZSH_COMP" |
			grep -qF -- "'$o" || missing="$missing zsh:$c:$o"
	done
done
[ -z "$missing" ] && [ $n -gt 60 ] &&
	pass "docs: the man page and both completions hold every command and each of its $n flags" ||
	fail "docs: the man page and both completions hold every command and flag of help" "missing:$missing"

# A flag the tables do not have is offered by neither.
case $(complete_words plan --) in *" --no-such-flag "* | *" --plan "*) fail "docs: plan offers only its own flags" ;;
*) pass "docs: plan offers only its own flags (no --plan)" ;; esac

# Every enumerated value: the values help shows are those bash completes.
bad=""
for c in $commands; do
	for spec in $("$BIN" help "$c" | grep -o -- '--[a-z-]* [a-z-]*|[a-z|-]*' | tr ' ' '=' | sort -u); do
		o=${spec%%=*}
		want=" $(printf '%s' "${spec#*=}" | tr '|' ' ') "
		got=$(complete_words "$c" "$o" "")
		[ "$got" = "$want" ] || bad="$bad $c:$o:[$got]!=[$want]"
	done
done
[ -z "$bad" ] && pass "docs: bash completes the values of every enumerated option" ||
	fail "docs: bash completes the values of every enumerated option" "$bad"
got=$(complete_words help "")
case $got in *" drift "*) pass "docs: help completes command names" ;; *) fail "docs: help completes command names" "$got" ;; esac

for v in LIVERAMP_API_URL LIVERAMP_CREDENTIALS_FILE RECONCILER_PARSE_ONLY NO_COLOR; do
	printf '%s' "$MAN" | grep -qF "$v" || missing="$missing env:$v"
done
printf '%s\n' "$MAN" | grep -qx '\.SH EXIT STATUS' && printf '%s\n' "$MAN" | grep -qx '\.SH ENVIRONMENT' &&
	[ -z "$missing" ] && pass "docs: the man page has the environment and the exit status" ||
	fail "docs: the man page has the environment and the exit status" "$missing"

bash -n "$BASH_COMP" && pass "docs: the bash completion parses" || fail "docs: the bash completion parses"
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$ZSH_COMP" && pass "docs: the zsh completion parses" || fail "docs: the zsh completion parses"
else
	echo "ok - docs: zsh completion parses # skip: zsh not installed"
fi
if command -v man >/dev/null 2>&1; then
	warn=$(man --warnings -l "$TMP/docs/reconciler.1" 2>&1 >/dev/null)
	[ -z "$warn" ] && pass "docs: man reads the page without a warning" || fail "docs: man page warnings" "$warn"
else
	echo "ok - docs: man page warnings # skip: man not installed"
fi
