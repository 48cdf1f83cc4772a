# ci/install-deps.sh and the Makefile's use of it: the build set by
# default, --test adds the test set, --list prints what it would install
# (one package a line) and installs nothing, and as non-root it prints the
# apt-get line instead of installing. `make` and `make install` need only
# the build set; the test goals need the test set.
. "$(dirname "$0")/lib.sh"

BUILD_SET="gcc make pkg-config libyaml-dev libcurl4-openssl-dev libjansson-dev libgit2-dev"
SH=$(command -v sh)
# A PATH with nothing on it but a fake id (uid 1000): every need is missing.
mkdir -p "$TMP/empty"
printf '#!%s\necho 1000\n' "$SH" >"$TMP/empty/id"
chmod +x "$TMP/empty/id"

list=$(PATH=$TMP/empty "$SH" ci/install-deps.sh --list | tr '\n' ' ' | sed 's/ $//')
RC=$?
[ "$list" = "$BUILD_SET" ] && pass "install-deps: --list prints the build set, one a line" ||
	fail "install-deps: --list prints the build set, one a line" "got: $list"
tlist=$(PATH=$TMP/empty "$SH" ci/install-deps.sh --test --list)
ok=1
for p in $BUILD_SET libcmocka-dev libmicrohttpd-dev valgrind lintian prometheus chromium dpkg-dev cmark-gfm nodejs; do
	printf '%s\n' "$tlist" | grep -qxF "$p" || ok=0
done
[ $ok = 1 ] && pass "install-deps: --test --list adds the test set" || fail "install-deps: --test --list adds the test set" "$tlist"
[ "$(printf '%s\n' "$tlist" | sort | uniq -d)" = "" ] && pass "install-deps: each package once" ||
	fail "install-deps: each package once" "$tlist"

PATH=$TMP/empty "$SH" ci/install-deps.sh >"$TMP/.out" 2>"$TMP/.err"
RC=$?
ERR=$(cat "$TMP/.err")
expect_rc "install-deps: non-root with packages missing fails" 1
expect_err "install-deps: ... printing the apt-get line to run" "apt-get install -y --no-install-recommends $BUILD_SET"
PATH=$TMP/empty "$SH" ci/install-deps.sh --bogus >/dev/null 2>"$TMP/.err"
RC=$?
expect_rc "install-deps: an unknown option is refused" 2

# Nothing missing: nothing listed, nothing done, exit 0 (the machine the
# suite runs on has the test set).
out=$("$SH" ci/install-deps.sh --test --list)
RC=$?
[ $RC -eq 0 ] && [ -z "$out" ] && pass "install-deps: lists nothing when nothing is missing" ||
	fail "install-deps: lists nothing when nothing is missing" "$out"

# The Makefile: with the test libraries hidden from pkg-config and no root,
# `make` and `make install` still go (only the build set is asked for);
# the test goals stop at install-deps naming what they need.
mkdir -p "$TMP/fake"
printf '#!%s\necho 1000\n' "$SH" >"$TMP/fake/id"
real_pc=$(command -v pkg-config)
cat >"$TMP/fake/pkg-config" <<PC
#!$SH
for a in "\$@"; do case \$a in cmocka|libmicrohttpd) exit 1 ;; esac; done
exec "$real_pc" "\$@"
PC
chmod +x "$TMP/fake/id" "$TMP/fake/pkg-config"
B=$TMP/mk
PATH=$TMP/fake:$PATH make -n BUILD="$B" all >"$TMP/.out" 2>"$TMP/.err"
RC=$?
ERR=$(cat "$TMP/.err")
expect_rc "make: builds with the build set only" 0
if grep -q 'cmocka\|microhttpd' "$B/config.mk"; then fail "make: config.mk holds no test library"; else
	pass "make: config.mk holds no test library"; fi
PATH=$TMP/fake:$PATH make -n BUILD="$B" install DESTDIR="$TMP/inst" >"$TMP/.out" 2>"$TMP/.err"
RC=$?
expect_rc "make install: with the build set only" 0
PATH=$TMP/fake:$PATH make -n BUILD="$B" unit-tests >"$TMP/.out" 2>"$TMP/.err"
RC=$?
ERR=$(cat "$TMP/.err")
[ $RC -ne 0 ] && pass "make unit-tests: needs the test set" || fail "make unit-tests: needs the test set"
expect_err "make unit-tests: ... and says which packages" "libcmocka-dev libmicrohttpd-dev"
