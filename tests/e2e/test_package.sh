# make deb: the Debian package (ci/deb) holds the binary, the man page and
# the bash/zsh completions generated from the program's option tables by
# build/gen-docs (so they cannot disagree with --help), README, examples and a
# copyright; Depends comes from the linked libraries; lintian (when
# installed) reports no error; the package installs into a temporary root
# and runs from there.
. "$(dirname "$0")/lib.sh"

for tool in dpkg-deb dpkg-shlibdeps; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "ok - package # skip: $tool (Debian: dpkg-dev) not installed"
		exit 0
	fi
done

if "$(dirname "$BIN")/gen-docs" "$TMP/docs" 2>"$TMP/gen.err" &&
	DEB=$(sh ci/deb/build-deb.sh "$BIN" "$TMP/docs" "$TMP/deb" 2>"$TMP/deb.err") && [ -f "$DEB" ]; then
	pass "package: builds"
else
	fail "package: builds" "$(cat "$TMP/gen.err" "$TMP/deb.err")"
	exit 1
fi

field() { dpkg-deb -f "$DEB" "$1"; }
[ "$(field Package)" = reconciler ] && [ "$(field Version)" = "$("$BIN" version | awk '{print $2}')" ] &&
	pass "package: name and version" || fail "package: name and version" "$(field Package) $(field Version)"
deps=$(field Depends)
ok=1
for lib in libc6 libyaml libcurl libjansson libgit2; do
	case $deps in *"$lib"*) ;; *) ok=0 ;; esac
done
[ $ok = 1 ] && pass "package: Depends names the four libraries and libc ($deps)" ||
	fail "package: Depends names the four libraries and libc" "$deps"
case $deps in
*cmocka* | *microhttpd* | *valgrind*) fail "package: no test tool in Depends" "$deps" ;;
*) pass "package: no test tool in Depends" ;;
esac

dpkg-deb -c "$DEB" | awk '{print $NF}' | sed 's|^\./|/|' >"$TMP/contents"
for f in /usr/bin/reconciler /usr/share/man/man1/reconciler.1.gz \
	/usr/share/bash-completion/completions/reconciler /usr/share/zsh/vendor-completions/_reconciler \
	/usr/share/doc/reconciler/copyright /usr/share/doc/reconciler/README.md.gz \
	/usr/share/doc/reconciler/examples/basic/acme.yaml; do
	if grep -qxF "$f" "$TMP/contents"; then pass "package: holds $f"; else fail "package: holds $f"; fi
done

if command -v lintian >/dev/null 2>&1; then
	lintian --fail-on error "$DEB" >"$TMP/lintian" 2>&1
	RC=$?
	if [ $RC -eq 0 ] && ! grep -q '^E:' "$TMP/lintian"; then
		pass "package: lintian reports no error"
	else
		fail "package: lintian reports no error" "$(grep -v 'root privileges' "$TMP/lintian")"
	fi
else
	echo "ok - package: lintian # skip: lintian (Debian) not installed"
fi

# Install into a temporary root: dpkg with its own database there (as
# root), else unpacked with dpkg-deb.
R=$TMP/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers"
: >"$R/var/lib/dpkg/status"
if [ "$(id -u)" = 0 ]; then
	how="dpkg --root"
	dpkg --root="$R" --log=/dev/null --force-depends --force-script-chrootless -i "$DEB" >"$TMP/dpkg.out" 2>&1
	RC=$?
	[ $RC -eq 0 ] && dpkg --root="$R" -s reconciler 2>/dev/null | grep -q '^Status: install ok installed' &&
		pass "package: installs with $how" || fail "package: installs with $how" "$(cat "$TMP/dpkg.out")"
else
	how="dpkg-deb -x"
	dpkg-deb -x "$DEB" "$R" && pass "package: unpacks with $how (not root)" || fail "package: unpacks with $how"
fi
IB=$R/usr/bin/reconciler
RC=0
OUT=$("$IB" version 2>&1) || RC=$?
[ $RC -eq 0 ] && [ "$OUT" = "$("$BIN" version)" ] && pass "package: the installed binary runs" ||
	fail "package: the installed binary runs"
EX=$R/usr/share/doc/reconciler/examples
mkdir -p "$TMP/work"
(cd "$TMP/work" && "$IB" validate "$EX/basic" >"$TMP/.out" 2>"$TMP/.err")
RC=$?
expect_rc "package: it validates the packaged example" 0
(cd "$TMP/work" && "$IB" plan "$EX/basic" >"$TMP/.out" 2>"$TMP/.err")
RC=$?
OUT=$(cat "$TMP/.out")
expect_out "package: ... and plans it against the sandbox" "3 segments to add"
grep -q 'Apache-2.0' "$R/usr/share/doc/reconciler/copyright" && grep -q 'Apache License' LICENSE &&
	pass "package: the copyright says Apache-2.0, as LICENSE does" || fail "package: the copyright says Apache-2.0"

# The man page and completions agree with --help: every option of every
# command's usage line and option list is in both.
MAN=$(gzip -dc "$R/usr/share/man/man1/reconciler.1.gz" | sed 's/\\-/-/g')
COMP=$R/usr/share/bash-completion/completions/reconciler
commands=$("$BIN" help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')
missing=""
for c in $commands; do
	printf '%s' "$MAN" | grep -qx "\.SS $c" || missing="$missing man:$c"
	for o in $("$BIN" help "$c" | awk '/^$/ {exit} {print}' | grep -o -- '--[a-z][a-z-]*' | sort -u) \
		$("$BIN" help "$c" | awk '/^Options:/ {on = 1; next} on' | grep -o -- '^ *\(-[a-z], \)\?--[a-z][a-z-]*' | grep -o -- '--[a-z-]*'); do
		printf '%s' "$MAN" | grep -qF -- "$o" || missing="$missing man:$c:$o"
		opts=$(bash -c '. "$1"; COMP_WORDS=(reconciler "$2" --); COMP_CWORD=2; _reconciler; echo " ${COMPREPLY[*]} "' _ "$COMP" "$c")
		case $opts in *" $o "*) ;; *) missing="$missing bash:$c:$o" ;; esac
		grep -qF -- "'$o" "$R/usr/share/zsh/vendor-completions/_reconciler" || missing="$missing zsh:$c:$o"
	done
done
[ -z "$missing" ] && pass "package: man page and completions hold every command and option of --help" ||
	fail "package: man page and completions hold every command and option of --help" "missing:$missing"
vals=$(bash -c '. "$1"; COMP_WORDS=(reconciler status --format ""); COMP_CWORD=3; _reconciler; echo "${COMPREPLY[*]}"' _ "$COMP")
[ "$vals" = "text json markdown html" ] && pass "package: bash completes status --format values" ||
	fail "package: bash completes status --format values" "$vals"
if command -v man >/dev/null 2>&1; then
	warn=$(man --warnings -l "$R/usr/share/man/man1/reconciler.1.gz" 2>&1 >/dev/null)
	[ -z "$warn" ] && pass "package: man reads the page without a warning" || fail "package: man page warnings" "$warn"
fi
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$R/usr/share/zsh/vendor-completions/_reconciler" && pass "package: zsh completion parses" ||
		fail "package: zsh completion parses"
fi
