#!/bin/sh
# Installs the Debian packages the build and the tests need, but only when
# pkg-config (or the command itself) cannot already find them. Safe to run
# again and again; the Makefile calls it before every build.
set -eu

missing=""
need_pc() { pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }

need_cmd pkg-config pkg-config
need_cmd cc gcc
need_cmd make make
need_cmd git git
need_cmd jq jq
need_cmd curl curl
need_cmd valgrind valgrind
need_cmd openssl openssl
need_cmd node nodejs
need_cmd npm npm
if command -v pkg-config >/dev/null 2>&1; then
	need_pc yaml-0.1 libyaml-dev
	need_pc libcurl libcurl4-openssl-dev
	need_pc jansson libjansson-dev
	need_pc libgit2 libgit2-dev
	need_pc cmocka libcmocka-dev
	need_pc libmicrohttpd libmicrohttpd-dev
else
	missing="$missing libyaml-dev libcurl4-openssl-dev libjansson-dev libgit2-dev libcmocka-dev libmicrohttpd-dev"
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

if [ -z "$missing" ]; then
	install_prism
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
install_prism
